-- The triage list (GET /api/v1/help-requests) over a million requests without reading them all
-- (yinling/store/help.py chooses which of these answers a page; issue 14):
--   indexes       each filter that narrows the list (status, assignee and status, open and overdue) in
--                 each order it is shown in (newest, oldest, priority, due), and each order on its own;
--   help_request_counts  how many requests per status, category, priority, assignee and merged: a
--                 total or the queue's headline numbers are a sum over at most a few thousand rows;
--   help_requests_fts    the words of each request and its retiree's name, for the search box.
-- Triggers keep the counts and the search index right whoever writes (the help store, erasure, an
-- import, a foreign key's SET NULL, a test's own SQL), inside the writer's transaction. A column they
-- or these indexes name cannot be dropped (ALTER TABLE ... DROP COLUMN) before they are.

CREATE INDEX help_requests_rank ON help_requests(priority_rank, id);
CREATE INDEX help_requests_due ON help_requests(first_response_due, id);
CREATE INDEX help_requests_status_due ON help_requests(status, first_response_due, id);
CREATE INDEX help_requests_assignee_rank ON help_requests(assignee_id, merged_into, priority_rank, id);
CREATE INDEX help_requests_assignee_due ON help_requests(assignee_id, merged_into, first_response_due, id);
CREATE INDEX help_requests_assignee_status ON help_requests(assignee_id, status, id);
CREATE INDEX help_requests_assignee_status_rank ON help_requests(assignee_id, status, priority_rank, id);
CREATE INDEX help_requests_assignee_status_due ON help_requests(assignee_id, status, first_response_due, id);
-- Open requests (new, open, pending) are few beside the closed ones. The overdue filter reads these in
-- each order; they hold every column its test and the assignee filter read, so only the rows shown
-- are read. The last one is for overdue counts; a search among open requests reads their words from
-- help_requests_open_words, not from the rows.
CREATE INDEX help_requests_open ON help_requests(
    id, status, assignee_id, merged_into, first_response_at, first_response_due, resolution_due)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX help_requests_open_rank ON help_requests(
    priority_rank, id, status, assignee_id, merged_into, first_response_at, first_response_due, resolution_due)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX help_requests_open_due ON help_requests(
    first_response_due, id, status, assignee_id, merged_into, first_response_at, resolution_due)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX help_requests_open_late ON help_requests(
    resolution_due, first_response_due, first_response_at, status, assignee_id, merged_into)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX help_requests_open_words ON help_requests(status, id, summary, retiree_id)
    WHERE status IN ('new', 'open', 'pending');
-- The staff inbox (yinling/store/inbox.py) lists open requests urgent first, then the longest waiting,
-- from the first; a liaison's are counted from the second, by their retirees.
CREATE INDEX help_requests_open_queue ON help_requests(
    (priority = 'urgent') DESC, created_at, id, retiree_id, assignee_id, merged_into, status, first_response_at,
    first_response_due, resolution_due)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX help_requests_open_retiree ON help_requests(
    retiree_id, status, priority, assignee_id, merged_into, first_response_at, first_response_due, resolution_due)
    WHERE status IN ('new', 'open', 'pending');

-- ---- counts -----------------------------------------------------------------------------------------

CREATE TABLE help_request_counts (
    status      TEXT NOT NULL,
    category    TEXT NOT NULL,
    priority    TEXT NOT NULL,
    assignee_id INTEGER NOT NULL,  -- 0 for nobody
    merged      INTEGER NOT NULL,  -- 1: merged into another request (merged_into set)
    n           INTEGER NOT NULL,
    PRIMARY KEY (status, category, priority, assignee_id, merged)
) WITHOUT ROWID;

INSERT INTO help_request_counts (status, category, priority, assignee_id, merged, n)
    SELECT status, category, priority, coalesce(assignee_id, 0), merged_into IS NOT NULL, count(*)
    FROM help_requests GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER help_requests_count_insert AFTER INSERT ON help_requests
BEGIN
    INSERT INTO help_request_counts (status, category, priority, assignee_id, merged, n)
        VALUES (new.status, new.category, new.priority, coalesce(new.assignee_id, 0), new.merged_into IS NOT NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER help_requests_count_update AFTER UPDATE OF status, category, priority, assignee_id, merged_into
    ON help_requests
    WHEN old.status IS NOT new.status OR old.category IS NOT new.category OR old.priority IS NOT new.priority
      OR old.assignee_id IS NOT new.assignee_id OR (old.merged_into IS NULL) <> (new.merged_into IS NULL)
BEGIN
    UPDATE help_request_counts SET n = n - 1
        WHERE status = old.status AND category = old.category AND priority = old.priority
          AND assignee_id = coalesce(old.assignee_id, 0) AND merged = (old.merged_into IS NOT NULL);
    INSERT INTO help_request_counts (status, category, priority, assignee_id, merged, n)
        VALUES (new.status, new.category, new.priority, coalesce(new.assignee_id, 0), new.merged_into IS NOT NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER help_requests_count_delete AFTER DELETE ON help_requests
BEGIN
    UPDATE help_request_counts SET n = n - 1
        WHERE status = old.status AND category = old.category AND priority = old.priority
          AND assignee_id = coalesce(old.assignee_id, 0) AND merged = (old.merged_into IS NOT NULL);
END;

-- ---- search -----------------------------------------------------------------------------------------
-- The search box finds a request by any piece of its words or its retiree's name, one character long
-- or more (LIKE '%q%'). The trigram tokenizer finds pieces of three characters or more; each text is
-- therefore indexed with char(1) around and between its characters ('水管' as '\1水\1管\1'), so that
-- every piece of one or more characters is a phrase of whole trigrams ('水' as '\1水\1', '水管' as
-- '水\1管'). Contentless: the index keeps no copy of the words; a deletion names what was indexed.

CREATE VIRTUAL TABLE help_requests_fts USING fts5(summary, name, content = '', tokenize = 'trigram');

INSERT INTO help_requests_fts (rowid, summary, name)
    SELECT h.id,
        (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(h.summary))
         SELECT char(1) || group_concat(substr(h.summary, i, 1), char(1)) || char(1) FROM at),
        (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(r.name))
         SELECT char(1) || group_concat(substr(r.name, i, 1), char(1)) || char(1) FROM at)
    FROM help_requests h JOIN retirees r ON r.id = h.retiree_id;

CREATE TRIGGER help_requests_fts_insert AFTER INSERT ON help_requests
BEGIN
    INSERT INTO help_requests_fts (rowid, summary, name)
        SELECT new.id,
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(new.summary))
             SELECT char(1) || group_concat(substr(new.summary, i, 1), char(1)) || char(1) FROM at),
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(r.name))
             SELECT char(1) || group_concat(substr(r.name, i, 1), char(1)) || char(1) FROM at)
        FROM retirees r WHERE r.id = new.retiree_id;
END;

CREATE TRIGGER help_requests_fts_delete AFTER DELETE ON help_requests
BEGIN
    INSERT INTO help_requests_fts (help_requests_fts, rowid, summary, name)
        SELECT 'delete', old.id,
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(old.summary))
             SELECT char(1) || group_concat(substr(old.summary, i, 1), char(1)) || char(1) FROM at),
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(r.name))
             SELECT char(1) || group_concat(substr(r.name, i, 1), char(1)) || char(1) FROM at)
        FROM retirees r WHERE r.id = old.retiree_id;
END;

-- Erasure empties a summary; a request is never moved to another retiree today, but would be re-indexed.
CREATE TRIGGER help_requests_fts_update AFTER UPDATE OF summary, retiree_id ON help_requests
    WHEN old.summary IS NOT new.summary OR old.retiree_id IS NOT new.retiree_id
BEGIN
    INSERT INTO help_requests_fts (help_requests_fts, rowid, summary, name)
        SELECT 'delete', old.id,
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(old.summary))
             SELECT char(1) || group_concat(substr(old.summary, i, 1), char(1)) || char(1) FROM at),
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(r.name))
             SELECT char(1) || group_concat(substr(r.name, i, 1), char(1)) || char(1) FROM at)
        FROM retirees r WHERE r.id = old.retiree_id;
    INSERT INTO help_requests_fts (rowid, summary, name)
        SELECT new.id,
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(new.summary))
             SELECT char(1) || group_concat(substr(new.summary, i, 1), char(1)) || char(1) FROM at),
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(r.name))
             SELECT char(1) || group_concat(substr(r.name, i, 1), char(1)) || char(1) FROM at)
        FROM retirees r WHERE r.id = new.retiree_id;
END;

-- A retiree renamed (or erased, which empties the name): their requests are found by the new name only.
CREATE TRIGGER retirees_help_fts_update AFTER UPDATE OF name ON retirees WHEN old.name IS NOT new.name
BEGIN
    INSERT INTO help_requests_fts (help_requests_fts, rowid, summary, name)
        SELECT 'delete', h.id,
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(h.summary))
             SELECT char(1) || group_concat(substr(h.summary, i, 1), char(1)) || char(1) FROM at),
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(old.name))
             SELECT char(1) || group_concat(substr(old.name, i, 1), char(1)) || char(1) FROM at)
        FROM help_requests h WHERE h.retiree_id = old.id;
    INSERT INTO help_requests_fts (rowid, summary, name)
        SELECT h.id,
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(h.summary))
             SELECT char(1) || group_concat(substr(h.summary, i, 1), char(1)) || char(1) FROM at),
            (WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(new.name))
             SELECT char(1) || group_concat(substr(new.name, i, 1), char(1)) || char(1) FROM at)
        FROM help_requests h WHERE h.retiree_id = new.id;
END;
