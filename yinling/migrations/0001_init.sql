-- The spine: staff, the retiree roster, onboarding, update de-duplication, dialog state, outbox.
-- Times are ISO 8601 UTC text ('2026-11-22T08:30:00.000000Z'), which sorts correctly as text.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'liaison', 'viewer')),
    phone         TEXT,
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE retirees (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    phone              TEXT,              -- normalised (yinling.phones.normalize_phone)
    birth_date         TEXT,              -- YYYY-MM-DD
    party_join_date    TEXT,              -- YYYY-MM-DD, 政治生日
    liaison_id         INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    telegram_user_id   INTEGER UNIQUE,
    telegram_chat_id   INTEGER,
    bound_at           TEXT,
    reachable          INTEGER NOT NULL DEFAULT 1,
    unreachable_reason TEXT,
    unreachable_since  TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX retirees_phone ON retirees(phone);
CREATE INDEX retirees_liaison ON retirees(liaison_id);

-- People who verified a phone that is not on the roster (or is bound elsewhere): staff decide.
CREATE TABLE pending_registrations (
    id               INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL,
    telegram_chat_id INTEGER NOT NULL,
    phone            TEXT NOT NULL,
    telegram_name    TEXT NOT NULL,
    reason           TEXT NOT NULL CHECK (reason IN ('unknown_phone', 'bound_elsewhere', 'shared_phone')),
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at       TEXT NOT NULL,
    decided_at       TEXT
);
CREATE UNIQUE INDEX pending_registrations_open
    ON pending_registrations(telegram_user_id) WHERE status = 'pending';

-- Telegram update ids already handled: a replayed update has one effect.
CREATE TABLE processed_updates (
    update_id   INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL
);
CREATE INDEX processed_updates_received ON processed_updates(received_at);

-- Where each chat is in a conversation; survives restarts.
CREATE TABLE dialogs (
    chat_id    INTEGER PRIMARY KEY,
    state      TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

-- What a retiree wrote outside any flow (留言): kept, and staff are told.
CREATE TABLE inbound_messages (
    id         INTEGER PRIMARY KEY,
    retiree_id INTEGER NOT NULL REFERENCES retirees(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('text', 'voice', 'photo', 'document')),
    text       TEXT,
    file_id    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX inbound_messages_retiree ON inbound_messages(retiree_id);

-- Every message to a person. Channel-neutral: text, buttons as label + action, an optional media ref.
-- priority: 0 interactive, 1 normal, 2 bulk. status: queued -> claimed -> sent | failed | cancelled.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL,
    retiree_id   INTEGER REFERENCES retirees(id) ON DELETE SET NULL,
    text         TEXT NOT NULL,
    keyboard     TEXT,                    -- JSON of yinling.models.Keyboard
    media        TEXT,                    -- JSON of yinling.models.MediaRef
    priority     INTEGER NOT NULL DEFAULT 1 CHECK (priority IN (0, 1, 2)),
    source       TEXT,                    -- what caused it, e.g. 'onboarding', 'broadcast:12'
    status       TEXT NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'claimed', 'sent', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   TEXT NOT NULL,
    claimed_at   TEXT,
    sent_at      TEXT,
    message_id   INTEGER,                 -- the channel's id of the delivered message
    error        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, priority, id);
CREATE INDEX outbox_source ON outbox(source);
