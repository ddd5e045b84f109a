-- PIPL: a retiree asks, from 我的 → 我的信息, to have what the office keeps about them deleted. The
-- request is also an inbox message (origin 'privacy', `message_id`) so staff see it where they read
-- everything else; an admin completes it (the same erasure as DELETE /api/v1/retirees/{id}) or
-- rejects it with a reason, and the retiree is told either way.
CREATE TABLE privacy_requests (
    id          INTEGER PRIMARY KEY,
    retiree_id  INTEGER NOT NULL REFERENCES retirees(id),
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'rejected')),
    message_id  INTEGER REFERENCES inbound_messages(id) ON DELETE SET NULL,
    reason      TEXT,                          -- rejected: why, as the retiree is told
    created_at  TEXT NOT NULL,
    decided_at  TEXT,
    decided_by  INTEGER REFERENCES staff(id) ON DELETE SET NULL
);
-- One open request per retiree: asking twice is the same request.
CREATE UNIQUE INDEX privacy_requests_open ON privacy_requests(retiree_id) WHERE status = 'pending';
CREATE INDEX privacy_requests_status ON privacy_requests(status, id);
