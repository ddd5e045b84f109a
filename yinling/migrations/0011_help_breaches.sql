-- Each kind of SLA breach is told once: a late first response and a late resolution are two facts,
-- and one flag for both meant a request answered late and then resolved late was warned about once.
-- Added columns (not a rebuilt table) keep priority_rank and the queue's indexes as they are.
ALTER TABLE help_requests ADD COLUMN first_breach_notified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE help_requests ADD COLUMN resolve_breach_notified INTEGER NOT NULL DEFAULT 0;
-- The old flag does not say which breach was told. The tick told the first response when it was
-- still missing past its due time, so a request answered late (or not yet) most likely had that one;
-- otherwise it was the resolution. A request whose resolution is late too gets that warning now,
-- which is the one the old flag swallowed.
UPDATE help_requests SET first_breach_notified = 1
 WHERE breach_notified = 1 AND (first_response_at IS NULL OR first_response_at > first_response_due);
UPDATE help_requests SET resolve_breach_notified = 1
 WHERE breach_notified = 1 AND first_breach_notified = 0;
-- Not indexed, not in a generated column or a CHECK: SQLite (3.35+) drops it in place.
ALTER TABLE help_requests DROP COLUMN breach_notified;
