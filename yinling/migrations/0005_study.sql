-- Daily study (每日学习): the library of pieces, which piece was each day's, who subscribed at what
-- time, what was pushed to whom, and what each retiree read and answered.

CREATE TABLE study_pieces (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    topic           TEXT NOT NULL CHECK (topic IN ('政策解读', '党史', '时事', '健康养生', '防诈骗', '智能手机')),
    quiz            TEXT,                          -- JSON (yinling.models.Quiz) or NULL
    publish_on      TEXT,                          -- a local date (YYYY-MM-DD) ...
    queue_position  INTEGER,                       -- ... or a place in the queue, never both
    withdrawn_at    TEXT,                          -- withdrawn: no longer shown or pushed; history kept
    created_by      INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((publish_on IS NULL) <> (queue_position IS NULL))
);
-- One dated piece per day.
CREATE UNIQUE INDEX study_pieces_date ON study_pieces(publish_on)
    WHERE publish_on IS NOT NULL AND withdrawn_at IS NULL;
CREATE INDEX study_pieces_queue ON study_pieces(queue_position, id) WHERE queue_position IS NOT NULL;

-- Which piece was each day's, fixed the first time the day needed one (a push or 今天的内容), so
-- everyone reads the same piece that day and a queued piece is used once.
CREATE TABLE study_days (
    day             TEXT PRIMARY KEY,              -- local date
    piece_id        INTEGER NOT NULL UNIQUE REFERENCES study_pieces(id)
);

CREATE TABLE study_subscriptions (
    retiree_id      INTEGER PRIMARY KEY REFERENCES retirees(id) ON DELETE CASCADE,
    active          INTEGER NOT NULL DEFAULT 1,
    push_time       TEXT NOT NULL DEFAULT '08:30', -- local HH:MM
    starts_on       TEXT NOT NULL,                 -- first local day to push (a time already past is tomorrow)
    on_leaderboard  INTEGER NOT NULL DEFAULT 0,    -- shown to others only if they opted in
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX study_subscriptions_due ON study_subscriptions(push_time) WHERE active = 1;

-- The daily push: at most one per retiree and day (the primary key is the guarantee); written in
-- the transaction that queues the message.
CREATE TABLE study_deliveries (
    retiree_id      INTEGER NOT NULL REFERENCES retirees(id) ON DELETE CASCADE,
    day             TEXT NOT NULL,
    piece_id        INTEGER NOT NULL REFERENCES study_pieces(id),
    queued_at       TEXT NOT NULL,
    PRIMARY KEY (retiree_id, day)
);
CREATE INDEX study_deliveries_day ON study_deliveries(day, piece_id);

-- What a retiree read (学完了) and answered: once per piece. Points: 1 for reading, 1 for a right answer.
CREATE TABLE study_reads (
    retiree_id      INTEGER NOT NULL REFERENCES retirees(id) ON DELETE CASCADE,
    piece_id        INTEGER NOT NULL REFERENCES study_pieces(id),
    read_on         TEXT NOT NULL,                 -- the local day it counts for (streaks, days this month)
    read_at         TEXT NOT NULL,
    choice          INTEGER,                       -- the option chosen (0-based), once
    correct         INTEGER,
    answered_at     TEXT,
    PRIMARY KEY (retiree_id, piece_id)
);
CREATE INDEX study_reads_day ON study_reads(read_on, retiree_id);
CREATE INDEX study_reads_piece ON study_reads(piece_id);
