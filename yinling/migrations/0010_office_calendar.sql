-- The office calendar: official holidays and make-up workdays (调休) the office enters itself, from
-- the State Council's yearly notice. Consulted before the chinesecalendar package, which knows only
-- the years it shipped with; a day not listed here is left to the package, then to Monday-Friday.
CREATE TABLE office_calendar (
    day         TEXT PRIMARY KEY,             -- local date, 2027-01-01
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name        TEXT NOT NULL DEFAULT '',     -- 元旦, 春节调休上班 ...
    updated_at  TEXT NOT NULL,
    updated_by  TEXT                          -- staff username, as the audit log names actors
);

-- One counter, raised by every write in the same transaction: each process keeps the calendar in
-- memory (SLAs are computed inside transactions, synchronously) and reads this one row to learn,
-- cheaply, whether another process changed it. A count or max(updated_at) would miss a deletion
-- paired with an insert at the same moment.
CREATE TABLE office_calendar_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO office_calendar_version (id, version) VALUES (1, 0);
