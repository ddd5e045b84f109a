-- The raw JSON of an update is needed only until it is processed (a restart re-reads it); what the
-- conversation shows lives in the other columns. Raw JSON of processed updates is dropped after a
-- week (yinling/services/maintenance.py), so the intake does not grow by a copy of every update
-- forever. The partial index holds only the rows whose raw JSON is still kept.
CREATE INDEX inbound_updates_raw_kept ON inbound_updates(received_at) WHERE raw <> '{}';
