-- The roster (台账 / 一人一档), staff sessions and login throttling, and the append-only audit log.

-- A retiree may have several phones; onboarding matches any of them.
CREATE TABLE retiree_phones (
    retiree_id INTEGER NOT NULL REFERENCES retirees(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    phone      TEXT NOT NULL,
    PRIMARY KEY (retiree_id, position)
);
CREATE INDEX retiree_phones_phone ON retiree_phones(phone, retiree_id);  -- covering: search scans only this
INSERT INTO retiree_phones (retiree_id, position, phone)
    SELECT id, 0, phone FROM retirees WHERE phone IS NOT NULL;
DROP INDEX retirees_phone;
ALTER TABLE retirees DROP COLUMN phone;

ALTER TABLE retirees ADD COLUMN gender TEXT CHECK (gender IN ('男', '女'));
ALTER TABLE retirees ADD COLUMN address TEXT;
ALTER TABLE retirees ADD COLUMN former_unit TEXT;
ALTER TABLE retirees ADD COLUMN former_post TEXT;
ALTER TABLE retirees ADD COLUMN retirement_type TEXT CHECK (retirement_type IN ('离休', '退休'));
ALTER TABLE retirees ADD COLUMN party_member INTEGER NOT NULL DEFAULT 0;
ALTER TABLE retirees ADD COLUMN hobbies TEXT;
ALTER TABLE retirees ADD COLUMN health_notes TEXT;
ALTER TABLE retirees ADD COLUMN family_name TEXT;
ALTER TABLE retirees ADD COLUMN family_relation TEXT;
ALTER TABLE retirees ADD COLUMN family_phone TEXT;
ALTER TABLE retirees ADD COLUMN sensitive_consent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE retirees ADD COLUMN consent_at TEXT;
ALTER TABLE retirees ADD COLUMN notes TEXT;
ALTER TABLE retirees ADD COLUMN deleted_at TEXT;  -- PIPL deletion: personal fields erased, row kept for history
UPDATE retirees SET party_member = 1 WHERE party_join_date IS NOT NULL;

-- Every roster query filters on deleted_at IS NULL: leading with it makes counts index-only, and
-- retirees_live (like every index, ordered by id within equal keys) serves "live, in id order".
DROP INDEX retirees_liaison;
CREATE INDEX retirees_live ON retirees(deleted_at);
CREATE INDEX retirees_live_liaison ON retirees(deleted_at, liaison_id);
CREATE INDEX retirees_live_birth ON retirees(deleted_at, birth_date);
CREATE INDEX retirees_name ON retirees(name);  -- narrow: a substring search scans this, not the rows

CREATE TABLE retiree_tags (
    retiree_id INTEGER NOT NULL REFERENCES retirees(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (retiree_id, tag)
);
CREATE INDEX retiree_tags_tag ON retiree_tags(tag, retiree_id);

-- Bearer tokens: only a hash is stored. Idle and absolute expiry are checked on every request.
CREATE TABLE staff_sessions (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    ip           TEXT
);
CREATE INDEX staff_sessions_staff ON staff_sessions(staff_id);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- Append-only: the triggers refuse any change to a written row.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,               -- staff id; NULL for an unknown user (a failed login) or the system
    actor_name  TEXT,
    ip          TEXT,
    action      TEXT NOT NULL,         -- e.g. 'login', 'retiree.update', 'retiree.export'
    target_type TEXT,
    target_id   INTEGER,
    result      TEXT NOT NULL,         -- 'ok', 'denied', 'failed', 'not_found'
    detail      TEXT NOT NULL DEFAULT '{}'  -- JSON: which fields, counts; never the personal values
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_target ON audit_log(target_type, target_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
