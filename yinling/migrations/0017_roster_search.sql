-- Finding someone in a roster of 100,000 without reading all of it (yinling/store/roster_search.py).
-- A substring search (LIKE '%建国%') and a count(*) read every row; these tables answer instead:
--   retiree_name_grams   every one- and two-character piece of a live retiree's name;
--   retiree_phone_grams  every three-character piece of a live retiree's phone numbers, with the
--                        character after it ('$' at the end): '1381234' -> 1381 3812 8123 1234 234$.
--                        Three digits are found as the pieces that start with them, four as one
--                        piece, more as the pieces at their start and end (a few dozen people each);
--   roster_tally         how many live retirees per stored tag ('' for all), liaison, reachable, bound;
--   roster_birth_tally   how many live retirees per birth month, reachable, bound (高龄 is "born on or
--                        before a day", a day that moves daily: whole months are summed, the last
--                        month is counted from the index).
-- Triggers keep them right whoever writes (the store, an import, a test's own SQL), inside the
-- writer's transaction. They hold live retirees only: erasure (deleted_at set, phones and tags
-- deleted) removes a retiree from every one of them in the same transaction.
-- Pieces of names are in lower case as SQLite's lower() folds (ASCII only), because LIKE compares
-- ASCII letters without case: a search folds the same way, so both find the same people.

CREATE TABLE retiree_name_grams (
    gram       TEXT NOT NULL,
    retiree_id INTEGER NOT NULL,
    PRIMARY KEY (gram, retiree_id)
) WITHOUT ROWID;

CREATE TABLE retiree_phone_grams (
    gram       TEXT NOT NULL,
    retiree_id INTEGER NOT NULL,
    PRIMARY KEY (gram, retiree_id)
) WITHOUT ROWID;

CREATE TABLE roster_tally (
    tag       TEXT NOT NULL,     -- '' counts every live retiree; else those with this stored tag
    liaison   INTEGER NOT NULL,  -- liaison_id, 0 for none
    reachable INTEGER NOT NULL,
    bound     INTEGER NOT NULL,  -- telegram_user_id IS NOT NULL
    n         INTEGER NOT NULL,
    PRIMARY KEY (tag, liaison, reachable, bound)
) WITHOUT ROWID;

CREATE TABLE roster_birth_tally (
    month     TEXT NOT NULL,     -- 'YYYY-MM' of birth_date
    reachable INTEGER NOT NULL,
    bound     INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (month, reachable, bound)
) WITHOUT ROWID;

-- 高龄 within one liaison's retirees is counted from here (a few hundred entries, index only).
CREATE INDEX retirees_live_liaison_birth ON retirees(deleted_at, liaison_id, birth_date);

-- ---- what is there already --------------------------------------------------------------------------

INSERT INTO retiree_name_grams (gram, retiree_id)
    WITH RECURSIVE at(id, name, i) AS (
        SELECT id, name, 1 FROM retirees WHERE deleted_at IS NULL AND name <> ''
        UNION ALL SELECT id, name, i + 1 FROM at WHERE i < length(name))
    SELECT lower(substr(name, i, 1)), id FROM at
    UNION SELECT lower(substr(name, i, 2)), id FROM at WHERE i < length(name);

INSERT INTO retiree_phone_grams (gram, retiree_id)
    WITH RECURSIVE at(retiree_id, phone, i) AS (
        SELECT p.retiree_id, p.phone, 1 FROM retiree_phones p JOIN retirees r ON r.id = p.retiree_id
        WHERE r.deleted_at IS NULL AND length(p.phone) >= 3
        UNION ALL SELECT retiree_id, phone, i + 1 FROM at WHERE i < length(phone) - 2)
    SELECT substr(phone || '$', i, 4), retiree_id FROM at WHERE true
    ON CONFLICT DO NOTHING;

INSERT INTO roster_tally (tag, liaison, reachable, bound, n)
    SELECT '', coalesce(liaison_id, 0), reachable, telegram_user_id IS NOT NULL, count(*)
    FROM retirees WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4;

INSERT INTO roster_tally (tag, liaison, reachable, bound, n)
    SELECT t.tag, coalesce(r.liaison_id, 0), r.reachable, r.telegram_user_id IS NOT NULL, count(*)
    FROM retiree_tags t JOIN retirees r ON r.id = t.retiree_id WHERE r.deleted_at IS NULL GROUP BY 1, 2, 3, 4;

INSERT INTO roster_birth_tally (month, reachable, bound, n)
    SELECT substr(birth_date, 1, 7), reachable, telegram_user_id IS NOT NULL, count(*)
    FROM retirees WHERE deleted_at IS NULL AND birth_date IS NOT NULL GROUP BY 1, 2, 3;

-- ---- names ------------------------------------------------------------------------------------------

CREATE TRIGGER retirees_name_grams_insert AFTER INSERT ON retirees WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO retiree_name_grams (gram, retiree_id)
        WITH RECURSIVE at(i) AS (SELECT 1 WHERE new.name <> '' UNION ALL SELECT i + 1 FROM at WHERE i < length(new.name))
        SELECT lower(substr(new.name, i, 1)), new.id FROM at
        UNION SELECT lower(substr(new.name, i, 2)), new.id FROM at WHERE i < length(new.name);
END;

CREATE TRIGGER retirees_name_grams_update AFTER UPDATE OF name, deleted_at ON retirees
    WHEN old.name IS NOT new.name OR old.deleted_at IS NOT new.deleted_at
BEGIN
    DELETE FROM retiree_name_grams WHERE retiree_id = old.id AND gram IN (
        WITH RECURSIVE at(i) AS (SELECT 1 WHERE old.name <> '' UNION ALL SELECT i + 1 FROM at WHERE i < length(old.name))
        SELECT lower(substr(old.name, i, 1)) FROM at
        UNION SELECT lower(substr(old.name, i, 2)) FROM at WHERE i < length(old.name));
    INSERT INTO retiree_name_grams (gram, retiree_id)
        WITH RECURSIVE at(i) AS (SELECT 1 WHERE new.name <> '' AND new.deleted_at IS NULL
                                 UNION ALL SELECT i + 1 FROM at WHERE i < length(new.name))
        SELECT lower(substr(new.name, i, 1)), new.id FROM at
        UNION SELECT lower(substr(new.name, i, 2)), new.id FROM at WHERE i < length(new.name);
END;

-- ---- phones -----------------------------------------------------------------------------------------

CREATE TRIGGER retiree_phones_grams_insert AFTER INSERT ON retiree_phones
    WHEN (SELECT deleted_at IS NULL FROM retirees WHERE id = new.retiree_id)
BEGIN
    INSERT INTO retiree_phone_grams (gram, retiree_id)
        WITH RECURSIVE at(i) AS (SELECT 1 WHERE length(new.phone) >= 3
                                 UNION ALL SELECT i + 1 FROM at WHERE i < length(new.phone) - 2)
        SELECT substr(new.phone || '$', i, 4), new.retiree_id FROM at WHERE true
        ON CONFLICT DO NOTHING;
END;

-- A piece may come from two of one retiree's numbers: only what no other number of theirs holds goes.
CREATE TRIGGER retiree_phones_grams_delete AFTER DELETE ON retiree_phones
BEGIN
    DELETE FROM retiree_phone_grams WHERE retiree_id = old.retiree_id AND gram IN (
        WITH RECURSIVE at(i) AS (SELECT 1 WHERE length(old.phone) >= 3
                                 UNION ALL SELECT i + 1 FROM at WHERE i < length(old.phone) - 2)
        SELECT substr(old.phone || '$', i, 4) FROM at
        EXCEPT
        SELECT * FROM (
            WITH RECURSIVE kept(phone, i) AS (
                SELECT phone, 1 FROM retiree_phones WHERE retiree_id = old.retiree_id AND length(phone) >= 3
                UNION ALL SELECT phone, i + 1 FROM kept WHERE i < length(phone) - 2)
            SELECT substr(phone || '$', i, 4) FROM kept));
END;

CREATE TRIGGER retirees_phone_grams_erase AFTER UPDATE OF deleted_at ON retirees
    WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL
BEGIN
    DELETE FROM retiree_phone_grams WHERE retiree_id = old.id AND gram IN (
        WITH RECURSIVE at(phone, i) AS (
            SELECT phone, 1 FROM retiree_phones WHERE retiree_id = old.id AND length(phone) >= 3
            UNION ALL SELECT phone, i + 1 FROM at WHERE i < length(phone) - 2)
        SELECT substr(phone || '$', i, 4) FROM at);
END;

-- ---- tallies ----------------------------------------------------------------------------------------

CREATE TRIGGER retirees_tally_insert AFTER INSERT ON retirees WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO roster_tally (tag, liaison, reachable, bound, n)
        VALUES ('', coalesce(new.liaison_id, 0), new.reachable, new.telegram_user_id IS NOT NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO roster_birth_tally (month, reachable, bound, n)
        SELECT substr(new.birth_date, 1, 7), new.reachable, new.telegram_user_id IS NOT NULL, 1
        WHERE new.birth_date IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Whatever a retiree is counted under (liaison, reachable, bound, birth month, being live) changed:
-- out of the old counts, into the new ones, for the retiree and each of their tags.
CREATE TRIGGER retirees_tally_update AFTER UPDATE OF liaison_id, reachable, telegram_user_id, birth_date, deleted_at
    ON retirees
    WHEN old.liaison_id IS NOT new.liaison_id OR old.reachable IS NOT new.reachable
      OR (old.telegram_user_id IS NULL) <> (new.telegram_user_id IS NULL)
      OR old.birth_date IS NOT new.birth_date OR old.deleted_at IS NOT new.deleted_at
BEGIN
    UPDATE roster_tally SET n = n - 1
        WHERE old.deleted_at IS NULL AND liaison = coalesce(old.liaison_id, 0) AND reachable = old.reachable
          AND bound = (old.telegram_user_id IS NOT NULL)
          AND (tag = '' OR tag IN (SELECT tag FROM retiree_tags WHERE retiree_id = old.id));
    INSERT INTO roster_tally (tag, liaison, reachable, bound, n)
        SELECT tag, coalesce(new.liaison_id, 0), new.reachable, new.telegram_user_id IS NOT NULL, 1
        FROM (SELECT '' AS tag UNION ALL SELECT tag FROM retiree_tags WHERE retiree_id = new.id)
        WHERE new.deleted_at IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE roster_birth_tally SET n = n - 1
        WHERE old.deleted_at IS NULL AND month = substr(old.birth_date, 1, 7) AND reachable = old.reachable
          AND bound = (old.telegram_user_id IS NOT NULL);
    INSERT INTO roster_birth_tally (month, reachable, bound, n)
        SELECT substr(new.birth_date, 1, 7), new.reachable, new.telegram_user_id IS NOT NULL, 1
        WHERE new.deleted_at IS NULL AND new.birth_date IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Retirees are erased, not deleted (their row stays for history); a deletion is counted out anyway.
-- BEFORE, so their tags are still there to count out (the foreign key deletes them next).
CREATE TRIGGER retirees_tally_delete BEFORE DELETE ON retirees WHEN old.deleted_at IS NULL
BEGIN
    UPDATE roster_tally SET n = n - 1
        WHERE liaison = coalesce(old.liaison_id, 0) AND reachable = old.reachable
          AND bound = (old.telegram_user_id IS NOT NULL)
          AND (tag = '' OR tag IN (SELECT tag FROM retiree_tags WHERE retiree_id = old.id));
    UPDATE roster_birth_tally SET n = n - 1
        WHERE month = substr(old.birth_date, 1, 7) AND reachable = old.reachable
          AND bound = (old.telegram_user_id IS NOT NULL);
    DELETE FROM retiree_name_grams WHERE retiree_id = old.id AND gram IN (
        WITH RECURSIVE at(i) AS (SELECT 1 WHERE old.name <> '' UNION ALL SELECT i + 1 FROM at WHERE i < length(old.name))
        SELECT lower(substr(old.name, i, 1)) FROM at
        UNION SELECT lower(substr(old.name, i, 2)) FROM at WHERE i < length(old.name));
    DELETE FROM retiree_phone_grams WHERE retiree_id = old.id AND gram IN (
        WITH RECURSIVE at(phone, i) AS (
            SELECT phone, 1 FROM retiree_phones WHERE retiree_id = old.id AND length(phone) >= 3
            UNION ALL SELECT phone, i + 1 FROM at WHERE i < length(phone) - 2)
        SELECT substr(phone || '$', i, 4) FROM at);
END;

CREATE TRIGGER retiree_tags_tally_insert AFTER INSERT ON retiree_tags
BEGIN
    INSERT INTO roster_tally (tag, liaison, reachable, bound, n)
        SELECT new.tag, coalesce(liaison_id, 0), reachable, telegram_user_id IS NOT NULL, 1
        FROM retirees WHERE id = new.retiree_id AND deleted_at IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER retiree_tags_tally_delete AFTER DELETE ON retiree_tags
BEGIN
    UPDATE roster_tally SET n = n - 1
        WHERE (tag, liaison, reachable, bound) IN (
            SELECT old.tag, coalesce(liaison_id, 0), reachable, telegram_user_id IS NOT NULL
            FROM retirees WHERE id = old.retiree_id AND deleted_at IS NULL);
END;

CREATE TRIGGER retiree_tags_tally_update AFTER UPDATE ON retiree_tags
BEGIN
    UPDATE roster_tally SET n = n - 1
        WHERE (tag, liaison, reachable, bound) IN (
            SELECT old.tag, coalesce(liaison_id, 0), reachable, telegram_user_id IS NOT NULL
            FROM retirees WHERE id = old.retiree_id AND deleted_at IS NULL);
    INSERT INTO roster_tally (tag, liaison, reachable, bound, n)
        SELECT new.tag, coalesce(liaison_id, 0), reachable, telegram_user_id IS NOT NULL, 1
        FROM retirees WHERE id = new.retiree_id AND deleted_at IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
