-- One staff inbox: what a retiree (or a person not yet verified) said outside a help request is a
-- message staff answer, assign and mark handled; emergency words make it urgent. Rebuilt because a
-- person who is not on the roster yet (retiree_id NULL, chat_id only) may call for help too.
CREATE TABLE inbound_messages_new (
    id            INTEGER PRIMARY KEY,
    retiree_id    INTEGER REFERENCES retirees(id) ON DELETE CASCADE,
    chat_id       INTEGER,
    kind          TEXT NOT NULL CHECK (kind IN ('text', 'voice', 'photo', 'document')),
    text          TEXT,
    file_id       TEXT,
    created_at    TEXT NOT NULL,
    -- where it was said: unprompted (outside any flow), human (找人工), left (a flow left unfinished),
    -- kept (a step that could not use it), reply (answering a staff message), emergency, unverified
    -- (someone not on the roster yet: chat_id only, admins see it)
    origin        TEXT NOT NULL DEFAULT 'unprompted',
    urgent        INTEGER NOT NULL DEFAULT 0,
    assignee_id   INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    handled_at    TEXT,
    handled_by    INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    CHECK (retiree_id IS NOT NULL OR chat_id IS NOT NULL)
);
INSERT INTO inbound_messages_new (id, retiree_id, kind, text, file_id, created_at)
    SELECT id, retiree_id, kind, text, file_id, created_at FROM inbound_messages;
DROP TABLE inbound_messages;
ALTER TABLE inbound_messages_new RENAME TO inbound_messages;
CREATE INDEX inbound_messages_retiree ON inbound_messages(retiree_id, id);
CREATE INDEX inbound_messages_open ON inbound_messages(urgent DESC, id) WHERE handled_at IS NULL;

-- A staff member who wrote to a retiree: the retiree's next words (outside any flow) go to them.
CREATE TABLE staff_threads (
    retiree_id  INTEGER PRIMARY KEY REFERENCES retirees(id) ON DELETE CASCADE,
    staff_id    INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    request_id  INTEGER REFERENCES help_requests(id) ON DELETE CASCADE,  -- a help reply: words join it
    opened_at   TEXT NOT NULL
);

-- Grouped notices of new messages (at most one per few minutes to each): when each target was last
-- told, and the last message id that notice covered. target: 'staff:<id>' or 'group'.
CREATE TABLE staff_notices (
    target      TEXT PRIMARY KEY,
    last_at     TEXT NOT NULL,
    last_id     INTEGER NOT NULL
);

-- A retiree's conversation reads what was sent to their chat in order.
CREATE INDEX outbox_chat ON outbox(chat_id, id);
