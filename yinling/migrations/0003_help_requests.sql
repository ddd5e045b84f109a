-- Help requests (我要求助): the request, its thread, its history, and what it sets in motion.

CREATE TABLE help_requests (
    id                 INTEGER PRIMARY KEY,
    retiree_id         INTEGER NOT NULL REFERENCES retirees(id),
    category           TEXT NOT NULL
                       CHECK (category IN ('生活照料', '医疗健康', '住院看病', '房屋维修', '心理关怀', '政策咨询', '其他')),
    priority           TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status             TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    assignee_id        INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    summary            TEXT NOT NULL DEFAULT '',   -- the first words, for lists
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    first_response_at  TEXT,
    resolved_at        TEXT,
    closed_at          TEXT,
    first_response_due TEXT NOT NULL,
    resolution_due     TEXT NOT NULL,
    remind_at          TEXT,                        -- pending: when to look again
    breach_notified    INTEGER NOT NULL DEFAULT 0,
    satisfaction       TEXT CHECK (satisfaction IN ('满意', '基本满意', '不满意')),
    satisfaction_comment TEXT,
    rated_at           TEXT,
    merged_into        INTEGER REFERENCES help_requests(id),  -- a merged request is always closed
    priority_rank      INTEGER GENERATED ALWAYS AS
                       (CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END) VIRTUAL
);
-- The queue is read newest first within a status or an assignee: (x, id) indexes give that order
-- without sorting, and count a status or an assignee from the index alone.
CREATE INDEX help_requests_status ON help_requests(status, id);
CREATE INDEX help_requests_status_rank ON help_requests(status, priority_rank, id);
CREATE INDEX help_requests_assignee ON help_requests(assignee_id, merged_into, id);
CREATE INDEX help_requests_merged ON help_requests(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX help_requests_retiree ON help_requests(retiree_id, created_at);

-- The thread: what the retiree said (text, voice, photos), staff replies, private notes.
CREATE TABLE help_messages (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES help_requests(id) ON DELETE CASCADE,
    author      TEXT NOT NULL CHECK (author IN ('retiree', 'staff', 'note')),
    staff_id    INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'voice', 'photo', 'document')),
    text        TEXT,
    file_id     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX help_messages_request ON help_messages(request_id, id);

-- What happened to a request and who did it (status changes, assignment, reopening, rating).
CREATE TABLE help_events (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES help_requests(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX help_events_request ON help_events(request_id, id);

-- 五必访: a visit the liaison owes (患病必访, 住院必访 ...), opened by a medical request for now.
CREATE TABLE visit_tasks (
    id          INTEGER PRIMARY KEY,
    retiree_id  INTEGER NOT NULL REFERENCES retirees(id),
    liaison_id  INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    request_id  INTEGER REFERENCES help_requests(id) ON DELETE SET NULL,
    reason      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    created_at  TEXT NOT NULL,
    done_at     TEXT
);
CREATE INDEX visit_tasks_liaison ON visit_tasks(liaison_id, status);

-- Staff who act from the staff group (接单, replying to a card) are known by their Telegram account.
ALTER TABLE staff ADD COLUMN telegram_user_id INTEGER;
CREATE UNIQUE INDEX staff_telegram_user ON staff(telegram_user_id) WHERE telegram_user_id IS NOT NULL;
-- A staff-group card is found again by the message Telegram gave it.
CREATE INDEX outbox_delivered ON outbox(chat_id, message_id) WHERE message_id IS NOT NULL;
