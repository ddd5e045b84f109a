-- Every update received from Telegram, stored before it is acknowledged (the intake), then processed.
-- Telegram forgets an update once it is acknowledged (a later getUpdates offset, a webhook 2xx), so
-- the row must be committed first; processed_at is set once the bot handled it, so a restart after a
-- crash processes exactly the rows still without it.
CREATE TABLE inbound_updates (
    update_id    INTEGER PRIMARY KEY,
    chat_id      INTEGER,            -- the private chat / group it came from; NULL if none
    user_id      INTEGER,
    kind         TEXT NOT NULL,      -- text, voice, photo, document, contact, press, command, other, unparseable
    text         TEXT,               -- message text or caption; for a press, the pressed button's label if found in the message's inline keyboard, else its callback data
    file_id      TEXT,
    raw          TEXT NOT NULL,      -- the update's JSON as received
    received_at  TEXT NOT NULL,      -- ISO UTC like other tables (yinling.clock.to_iso)
    processed_at TEXT,
    error        TEXT                -- why it could not be processed (never personal data)
);
CREATE INDEX inbound_updates_unprocessed ON inbound_updates(update_id) WHERE processed_at IS NULL;
CREATE INDEX inbound_updates_chat ON inbound_updates(chat_id, update_id);
