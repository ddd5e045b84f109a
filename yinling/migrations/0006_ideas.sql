-- 金点子 (ideas to the government): what a retiree proposed, what they sent, what the office decided
-- and replied, and staff's private notes.

-- One idea. Its id is the number the retiree sees (金点子 #56).
-- submitted -> reviewing -> adopted | noted (with a reason) -> implemented (adopted only);
-- a duplicate becomes `merged`, pointing at the idea that carries on (always one level deep).
CREATE TABLE ideas (
    id              INTEGER PRIMARY KEY,
    retiree_id      INTEGER NOT NULL REFERENCES retirees(id),
    field           TEXT NOT NULL
                    CHECK (field IN ('城市建设', '公共服务', '乡村振兴', '社会治理', '关心下一代', '文明创建', '其他')),
    status          TEXT NOT NULL DEFAULT 'submitted'
                    CHECK (status IN ('submitted', 'reviewing', 'adopted', 'noted', 'implemented', 'merged')),
    summary         TEXT NOT NULL DEFAULT '',     -- the first words, for lists
    reply           TEXT,                         -- the office's latest reply (for noted: the reason)
    merged_into     INTEGER REFERENCES ideas(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    reviewed_at     TEXT,                         -- first taken up (left submitted)
    adopted_at      TEXT,                         -- kept once implemented: 采纳 counts it
    noted_at        TEXT,
    implemented_at  TEXT,
    merged_at       TEXT,
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX ideas_status ON ideas(status, id);
CREATE INDEX ideas_field ON ideas(field, id);
CREATE INDEX ideas_retiree ON ideas(retiree_id, id);
CREATE INDEX ideas_created ON ideas(created_at);
CREATE INDEX ideas_merged ON ideas(merged_into) WHERE merged_into IS NOT NULL;

-- What the retiree sent for it: text, voice notes, photos (the channel's file id, never the bytes).
CREATE TABLE idea_parts (
    id          INTEGER PRIMARY KEY,
    idea_id     INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'voice', 'photo', 'document')),
    text        TEXT,
    file_id     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX idea_parts_idea ON idea_parts(idea_id, id);

-- Private notes: staff only, never sent to the retiree.
CREATE TABLE idea_notes (
    id          INTEGER PRIMARY KEY,
    idea_id     INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
    staff_id    INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX idea_notes_idea ON idea_notes(idea_id, id);

-- The idea's history: submitted, each review (status change and/or the reply as sent), merges.
CREATE TABLE idea_events (
    id           INTEGER PRIMARY KEY,
    idea_id      INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
    at           TEXT NOT NULL,
    staff_id     INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('submitted', 'review', 'merged', 'merged_in')),
    from_status  TEXT,
    to_status    TEXT,
    reply        TEXT,                             -- the office's words to the submitter
    other_id     INTEGER REFERENCES ideas(id)      -- merged: into this one; merged_in: from this one
);
CREATE INDEX idea_events_idea ON idea_events(idea_id, id);
