-- Broadcast notices (通知公告): what staff sent to whom, its delivery through the outbox (rows with
-- source 'broadcast:{id}', and 'broadcast-remind:{id}' for reminders) and who acknowledged (已阅).

CREATE TABLE broadcast_attachments (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    filename        TEXT NOT NULL,
    size            INTEGER NOT NULL,
    path            TEXT NOT NULL,                 -- the stored file, beside the database
    created_by      INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY,
    text                TEXT NOT NULL,
    attachment_id       INTEGER REFERENCES broadcast_attachments(id),
    audience            TEXT NOT NULL,             -- JSON (yinling.models.BroadcastAudience)
    require_ack         INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL CHECK (status IN ('scheduled', 'sending', 'cancelled')),
    schedule_at         TEXT,
    started_at          TEXT,                      -- recipients fixed and their notices queued
    cancelled_at        TEXT,
    reminders           INTEGER NOT NULL DEFAULT 0,
    created_by          INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    created_by_liaison  INTEGER REFERENCES staff(id) ON DELETE SET NULL,  -- set when a liaison sent it
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX broadcasts_due ON broadcasts(schedule_at) WHERE status = 'scheduled';

-- Everyone the notice was for, fixed when it was sent: those not reachable in the chat then are
-- kept too (reachable = 0), for their liaisons to phone.
CREATE TABLE broadcast_recipients (
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id),
    retiree_id      INTEGER NOT NULL REFERENCES retirees(id) ON DELETE CASCADE,
    reachable       INTEGER NOT NULL,
    acked_at        TEXT,
    PRIMARY KEY (broadcast_id, retiree_id)
);
CREATE INDEX outbox_source_retiree ON outbox(source, retiree_id);
