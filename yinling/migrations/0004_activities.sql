-- Activities (活动报名): what the office runs, who signed up, who waits, and the reminders owed.

CREATE TABLE activities (
    id                  INTEGER PRIMARY KEY,
    title               TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN
                        ('主题党日', '老年大学', '文体比赛', '体检', '参观学习', '座谈会', '志愿服务', '其他')),
    description         TEXT NOT NULL DEFAULT '',
    place               TEXT NOT NULL,
    starts_at           TEXT NOT NULL,
    ends_at             TEXT NOT NULL,
    signup_deadline     TEXT NOT NULL,
    capacity            INTEGER NOT NULL CHECK (capacity >= 1),
    audience            TEXT NOT NULL DEFAULT '{"kind": "everyone"}',  -- JSON (yinling.models.Audience)
    companion_allowed   INTEGER NOT NULL DEFAULT 0,                  -- one family companion may come
    ask_transport       INTEGER NOT NULL DEFAULT 0,                  -- ask 需要接送吗?
    status              TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'cancelled')),
    cancel_reason       TEXT,
    cancelled_at        TEXT,
    noshows_recorded_at TEXT,                                        -- set once after the end
    created_by          INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK (starts_at < ends_at AND signup_deadline <= starts_at)
);
CREATE INDEX activities_starts ON activities(status, starts_at);
CREATE INDEX activities_ends ON activities(ends_at);

-- One row per retiree and activity, whatever happened since (a re-join reuses it). `seq` is the
-- order of arrival: the waiting list is served by it; a re-join takes a new one (the back of the line).
CREATE TABLE activity_registrations (
    id              INTEGER PRIMARY KEY,
    activity_id     INTEGER NOT NULL REFERENCES activities(id),
    retiree_id      INTEGER NOT NULL REFERENCES retirees(id),
    status          TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    seq             INTEGER NOT NULL,
    code            TEXT NOT NULL,                                   -- the check-in code shown to the retiree
    companion       INTEGER NOT NULL DEFAULT 0,
    needs_transport INTEGER NOT NULL DEFAULT 0,
    attendance      TEXT CHECK (attendance IN ('attended', 'no_show')),
    checked_in_at   TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    confirmed_at    TEXT,
    cancelled_at    TEXT,
    cancelled_by    TEXT CHECK (cancelled_by IN ('retiree', 'staff')),
    UNIQUE (activity_id, retiree_id),
    UNIQUE (activity_id, code),
    UNIQUE (activity_id, seq)                                        -- also finds the next seq at once
);
CREATE INDEX activity_registrations_queue ON activity_registrations(activity_id, status, seq);
CREATE INDEX activity_registrations_retiree ON activity_registrations(retiree_id, activity_id);

-- Reminders owed (the evening before, two hours before): stored, so a restart neither loses nor
-- repeats one. Marked done in the same transaction that queues the message.
CREATE TABLE activity_reminders (
    id              INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES activity_registrations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('eve', 'soon')),
    due_at          TEXT NOT NULL,
    done_at         TEXT,
    outcome         TEXT CHECK (outcome IN ('sent', 'skipped')),
    UNIQUE (registration_id, kind, due_at)
);
CREATE INDEX activity_reminders_due ON activity_reminders(due_at) WHERE done_at IS NULL;
