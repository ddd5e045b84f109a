"""Help requests, their threads and their events."""
from __future__ import annotations

import json
import time
from datetime import datetime

from yinling.clock import to_iso
from yinling.models import HelpEvent, HelpFilter, HelpMessage, HelpRequest, HelpStatsRow, Inbound
from yinling.store.database import Database, Transaction
from yinling.store.rows import Reader, set_columns, to_model, to_models
from yinling.store.visits import create_visit_task as create_visit_task  # reached from here, as before
from yinling.store.visits import list_visit_tasks as list_visit_tasks

_SELECT = (
    "SELECT h.*, r.name AS retiree_name, r.liaison_id AS liaison_id, s.display_name AS assignee_name"
    " FROM help_requests h JOIN retirees r ON r.id = h.retiree_id LEFT JOIN staff s ON s.id = h.assignee_id"
)
OPEN_STATUSES = ("new", "open", "pending")
# help_requests' columns a HelpRequest holds (a page reads no others)
_COLUMNS = ", ".join(f"h.{name}" for name in HelpRequest.model_fields
                     if name not in ("retiree_name", "liaison_id", "assignee_name"))


async def create(
    tx: Transaction, *, retiree_id: int, category: str, priority: str, assignee_id: int | None, summary: str,
    now: datetime, first_response_due: datetime, resolution_due: datetime,
) -> int:
    return await tx.execute(
        "INSERT INTO help_requests (retiree_id, category, priority, assignee_id, summary, created_at, updated_at,"
        " first_response_due, resolution_due) VALUES (:r, :c, :p, :a, :s, :now, :now, :frd, :rd)",
        {"r": retiree_id, "c": category, "p": priority, "a": assignee_id, "s": summary, "now": to_iso(now),
         "frd": to_iso(first_response_due), "rd": to_iso(resolution_due)},
    )


async def get(conn: Reader, request_id: int) -> HelpRequest | None:
    row = await conn.fetch_one(f"{_SELECT} WHERE h.id = :id", {"id": request_id})
    return to_model(HelpRequest, row) if row else None


async def add_message(
    tx: Transaction, request_id: int, *, author: str, inbound: Inbound, now: datetime, staff_id: int | None = None
) -> int:
    return await tx.execute(
        "INSERT INTO help_messages (request_id, author, staff_id, kind, text, file_id, created_at)"
        " VALUES (:r, :a, :s, :k, :t, :f, :now)",
        {"r": request_id, "a": author, "s": staff_id, "k": inbound.kind, "t": inbound.text,
         "f": inbound.file_id, "now": to_iso(now)},
    )


async def add_event(
    tx: Transaction, request_id: int, kind: str, *, now: datetime, staff_id: int | None = None,
    detail: dict | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO help_events (request_id, at, staff_id, kind, detail) VALUES (:r, :now, :s, :k, :d)",
        {"r": request_id, "now": to_iso(now), "s": staff_id, "k": kind,
         "d": json.dumps(detail or {}, ensure_ascii=False)},
    )


async def update(tx: Transaction, request_id: int, *, now: datetime, **fields) -> None:
    """Set some columns (names from code, never from input) and updated_at."""
    await set_columns(tx, "help_requests", request_id, now=now, fields=fields)


async def thread(conn: Reader, request_id: int) -> list[HelpMessage]:
    rows = await conn.fetch_all(
        "SELECT m.*, s.display_name AS staff_name FROM help_messages m LEFT JOIN staff s ON s.id = m.staff_id"
        " WHERE m.request_id = :r ORDER BY m.id",
        {"r": request_id},
    )
    return to_models(HelpMessage, rows)


async def events(conn: Reader, request_id: int) -> list[HelpEvent]:
    rows = await conn.fetch_all("SELECT * FROM help_events WHERE request_id = :r ORDER BY id", {"r": request_id})
    return [HelpEvent(id=r["id"], request_id=r["request_id"], at=r["at"], staff_id=r["staff_id"], kind=r["kind"],
                      detail=json.loads(r["detail"])) for r in rows]


async def for_retiree(conn: Reader, retiree_id: int, *, limit: int = 10) -> list[HelpRequest]:
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE h.retiree_id = :r AND h.merged_into IS NULL ORDER BY h.id DESC LIMIT :l",
        {"r": retiree_id, "l": limit},
    )
    return to_models(HelpRequest, rows)


async def count_created_since(conn: Reader, retiree_id: int, since: datetime) -> int:
    row = await conn.fetch_one(
        "SELECT count(*) AS n FROM help_requests WHERE retiree_id = :r AND created_at >= :t",
        {"r": retiree_id, "t": to_iso(since)},
    )
    return row["n"] if row else 0


async def latest_open(conn: Reader, retiree_id: int) -> HelpRequest | None:
    row = await conn.fetch_one(
        f"{_SELECT} WHERE h.retiree_id = :r AND h.status IN ('new', 'open', 'pending') AND h.merged_into IS NULL"
        " ORDER BY h.id DESC LIMIT 1",
        {"r": retiree_id},
    )
    return to_model(HelpRequest, row) if row else None


def _where(filters: HelpFilter, *, scope_liaison_id: int | None, me: int, now: datetime) -> tuple[list[str], dict]:
    """The list's conditions on help_requests alone (the retiree's liaison and name through subqueries),
    so a page's ids are picked before anything is joined. A search's own condition is added by _source."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    if filters.status in (None, "closed"):  # merged requests are closed ones: other statuses need no check
        clauses.append("h.merged_into IS NULL")
    if scope_liaison_id is not None:  # a liaison: requests of their own retirees only
        clauses.append("h.retiree_id IN (SELECT id FROM retirees WHERE liaison_id = :scope)")
        params["scope"] = scope_liaison_id
    for column in ("status", "category", "priority"):
        if getattr(filters, column):
            clauses.append(f"h.{column} = :{column}")
            params[column] = getattr(filters, column)
    if filters.priority:  # the same condition, as the rank the priority indexes hold
        clauses.append("h.priority_rank = :rank")
        params["rank"] = PRIORITY_RANKS[filters.priority]
    if filters.assignee is not None:  # me, unassigned or a staff id
        clauses.append("h.assignee_id IS NULL" if filters.assignee == "unassigned" else "h.assignee_id = :assignee")
        params["assignee"] = me if filters.assignee == "me" else filters.assignee
    if filters.retiree_id:
        clauses.append("h.retiree_id = :retiree")
        params["retiree"] = filters.retiree_id
    if filters.overdue is not None:
        clauses.append(("" if filters.overdue else "NOT ") + OVERDUE)
        params["now"] = to_iso(now)
    if filters.q:
        params["q"] = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if _indexed(filters):
        params["words"] = _phrase(filters.q or "")
    return clauses, params


# Overdue: no first response by its due time, or not resolved by its due time, while still open.
OPEN = "h.status IN ('new', 'open', 'pending')"
OVERDUE = f"({OPEN} AND ((h.first_response_at IS NULL AND h.first_response_due < :now) OR h.resolution_due < :now))"
# An open request not overdue yet (NOT OVERDUE, spelt so help_requests_open_late finds them by resolution_due).
NOT_LATE = "h.resolution_due >= :now AND (h.first_response_at IS NOT NULL OR h.first_response_due >= :now)"

PRIORITY_RANKS = {"urgent": 0, "high": 1, "normal": 2, "low": 3}  # as the priority_rank column (0003)
SORTS = {"newest": "h.id DESC", "oldest": "h.id ASC", "priority": "h.priority_rank, h.id",
         "due": "h.first_response_due, h.id"}
# The indexes a page is read from (migrations 0003 and 0016), by what narrows the list: each has one
# for each order, named with the order's suffix.
_ORDER_SUFFIX = {"newest": "", "oldest": "", "priority": "_rank", "due": "_due"}


def _index(narrowing: str, filters: HelpFilter, sort: str) -> str:
    """One priority is one priority_rank: within it the _rank index is in id order too."""
    suffix = "_rank" if filters.priority and sort != "due" else _ORDER_SUFFIX[sort]
    return f"INDEXED BY help_requests_{narrowing}{suffix}"


# A search: the requests whose words or retiree's name hold the piece, as the index finds them.
_FOUND = "help_requests_fts f CROSS JOIN help_requests h NOT INDEXED ON h.id = f.rowid"
_FOUND_ORDER = {"newest": "f.rowid DESC", "oldest": "f.rowid ASC"}
_MATCHES = ("(h.summary LIKE :q ESCAPE '\\' OR h.retiree_id IN (SELECT id FROM retirees WHERE name LIKE :q ESCAPE"
            " '\\'))")
SEARCH_CAP = 1000  # a search's total is counted this far: past it staff narrow the words, not page on
FEW = 5000  # a search matching no more than this is read whole and sorted


def _phrase(words: str) -> str:
    """The characters with char(1) between them (one alone: around it), as migration 0016 indexes text."""
    spaced = "\x01".join(words) if len(words) > 1 else f"\x01{words}\x01"
    return '"' + spaced.replace('"', '""') + '"'


def _indexed(filters: HelpFilter) -> bool:
    """Whether the search index can look for the words (an FTS5 query ends at a NUL character)."""
    return bool(filters.q) and "\x00" not in (filters.q or "")


def _found(filters: HelpFilter) -> str:
    """The search's condition on the index. The index folds letters' case as LIKE does not (LIKE folds
    ASCII only), so words with letters are checked again as LIKE reads them."""
    q = filters.q or ""
    plain = q.lower() == q.upper() and "\x01" not in q
    return "f.help_requests_fts MATCH :words" + ("" if plain else f" AND {_MATCHES}")


def _narrowed(filters: HelpFilter) -> bool:
    return bool(filters.status in OPEN_STATUSES or filters.overdue or filters.assignee is not None)


def _source(filters: HelpFilter, sort: str, *, few: bool, counting: bool = False) -> tuple[str, str, list[str]]:
    """FROM and ORDER BY of the query picking a page's ids, and the conditions the source adds. The
    list is read in the page's order from the index of the filter that leaves fewest requests, so a
    page costs about the rows it skips and shows. A search is read from the search index when its
    words match few requests (then sorted), or when nothing narrows the list more and the order is
    the index's own (newest or oldest); else its words are checked on each row read."""
    if _indexed(filters) and not filters.retiree_id and (few or (sort in _FOUND_ORDER and not _narrowed(filters))):
        return _FOUND, _FOUND_ORDER.get(sort, SORTS[sort]), [_found(filters)]
    extra = [_MATCHES] if filters.q else []
    if filters.retiree_id:
        index = "INDEXED BY help_requests_retiree"
    elif filters.assignee is not None and filters.status:
        index = _index("assignee_status", filters, sort)
    elif filters.status in OPEN_STATUSES and filters.q and sort in _FOUND_ORDER:  # words there: no row read
        index, extra = "INDEXED BY help_requests_open_words", [*extra, OPEN]  # the partial index's condition
    elif filters.status in OPEN_STATUSES:
        index = _index("status", filters, sort)
    elif filters.overdue:  # counting: that index holds every column the test reads
        index = "INDEXED BY help_requests_open_late" if counting else _index("open", filters, sort)
        extra = [*extra, OPEN]
    elif filters.assignee is not None:  # no status: merged_into IS NULL, the indexes' second column
        index = _index("assignee", filters, sort)
    elif filters.status:
        index = _index("status", filters, sort)
    elif filters.priority and sort != "due":  # one priority is one priority_rank: a range of that index
        index = "INDEXED BY help_requests_rank"
    else:  # the order alone: the table itself (rowid) or the order's index
        index = "NOT INDEXED" if sort in _FOUND_ORDER else f"INDEXED BY help_requests{_ORDER_SUFFIX[sort]}"
    return f"help_requests h {index}", SORTS[sort], extra


def _bounded(conn: Reader, filters: HelpFilter) -> Reader:
    """Where a page's reads run: on the loop's thread (Database.read_now) unless the list is searched,
    as a search may check its words row by row (LIKE) over many rows; those keep to a reader thread."""
    return conn.bounded if isinstance(conn, Database) and not filters.q else conn


# Whether words match few requests, by database file and words, for FEW_KEPT_S: counting a common
# phrase's matches (up to FEW) costs 1-2 ms, as much as the page. Only the plan depends on the answer
# (read the matches and sort them, or check the words row by row), never what the page holds.
FEW_KEPT_S = 30.0
_FEW_SEEN: dict[tuple[str, str], tuple[float, bool]] = {}


async def _few_found(conn: Reader, filters: HelpFilter, sort: str, params: dict) -> bool:
    """Whether a search's words match few requests, asked only where _source's choice depends on it."""
    if not (_indexed(filters) and not filters.retiree_id and (_narrowed(filters) or sort not in _FOUND_ORDER)):
        return False
    key = (str(conn.path), params["words"]) if isinstance(conn, Database) else None
    seen = _FEW_SEEN.get(key) if key else None
    if seen is not None and time.monotonic() - seen[0] < FEW_KEPT_S:
        return seen[1]
    row = await conn.fetch_one(
        "SELECT count(*) AS n FROM (SELECT 1 FROM help_requests_fts WHERE help_requests_fts MATCH :words"
        f" LIMIT {FEW + 1})", {"words": params["words"]})
    few = row is not None and row["n"] <= FEW
    if key:
        if len(_FEW_SEEN) >= 1000:
            _FEW_SEEN.clear()
        _FEW_SEEN[key] = (time.monotonic(), few)
    return few


async def page(
    conn: Reader, filters: HelpFilter, *, scope_liaison_id: int | None, me: int, now: datetime, sort: str,
    limit: int, offset: int,
) -> list[HelpRequest]:
    """Ids first, from help_requests (and the search index) alone; then only those rows are joined."""
    clauses, params = _where(filters, scope_liaison_id=scope_liaison_id, me=me, now=now)
    source, order, extra = _source(filters, sort, few=await _few_found(conn, filters, sort, params))
    rows = await _bounded(conn, filters).fetch_all(
        f"SELECT {_COLUMNS}, r.name AS retiree_name, r.liaison_id AS liaison_id, s.display_name AS assignee_name"
        f" FROM (SELECT h.id AS pick FROM {source} WHERE {' AND '.join(clauses + extra) or '1 = 1'}"
        f" ORDER BY {order} LIMIT :limit OFFSET :offset) p CROSS JOIN help_requests h ON h.id = p.pick"
        f" JOIN retirees r ON r.id = h.retiree_id LEFT JOIN staff s ON s.id = h.assignee_id ORDER BY {SORTS[sort]}",
        {**params, "limit": limit, "offset": offset},
    )
    return to_models(HelpRequest, rows)


async def count(conn: Reader, filters: HelpFilter, *, scope_liaison_id: int | None, me: int, now: datetime) -> int:
    """Exact, except a search's: counted up to SEARCH_CAP. Filters help_request_counts holds are summed
    there; overdue ones are the open ones less those not late yet (NOT_LATE, the newest few)."""
    if not (filters.q or filters.retiree_id or filters.overdue is False or scope_liaison_id is not None):
        tally, params = _tallied(filters, me=me)
        if filters.overdue:  # of the open ones, those late already: all but the few not late yet
            clauses, narrowing = _where(filters.model_copy(update={"overdue": None}), scope_liaison_id=None, me=me,
                                        now=now)
            tally = (f"{tally} AND status IN ('new', 'open', 'pending')) - (SELECT count(*) FROM help_requests h"
                     f" INDEXED BY help_requests_open_late WHERE {' AND '.join([OPEN, NOT_LATE, *clauses])}")
            params = {**params, **narrowing, "now": to_iso(now)}
        row = await _bounded(conn, filters).fetch_one(f"SELECT ({tally}) AS n", params)
        return row["n"] if row else 0
    clauses, params = _where(filters, scope_liaison_id=scope_liaison_id, me=me, now=now)
    source, _, extra = _source(filters, "newest", few=await _few_found(conn, filters, "newest", params), counting=True)
    picked = f"SELECT 1 FROM {source} WHERE {' AND '.join(clauses + extra) or '1 = 1'}"
    row = await conn.fetch_one(f"SELECT count(*) AS n FROM ({picked}{f' LIMIT {SEARCH_CAP}' if filters.q else ''})",
                               params)
    return row["n"] if row else 0


def _tallied(filters: HelpFilter, *, me: int) -> tuple[str, dict]:
    """A total by status, category, priority and assignee alone, from help_request_counts: the query
    (its WHERE last, to be added to) and its parameters."""
    clauses = ["merged = 0"] if filters.status in (None, "closed") else ["1 = 1"]
    params: dict[str, object] = {}
    for column in ("status", "category", "priority"):
        if getattr(filters, column):
            clauses.append(f"{column} = :{column}")
            params[column] = getattr(filters, column)
    if filters.assignee is not None:  # 0 for nobody
        clauses.append("assignee_id = :tallied_assignee")
        params["tallied_assignee"] = {"me": me, "unassigned": 0}.get(str(filters.assignee), filters.assignee)
    return f"SELECT coalesce(sum(n), 0) FROM help_request_counts WHERE {' AND '.join(clauses)}", params


async def counts(conn: Reader, *, scope_liaison_id: int | None, me: int, now: datetime) -> dict[str, int]:
    """The queue's headline numbers over open requests: mine, unassigned, all, overdue (merged ones are
    closed, so never among them). The whole office's from help_request_counts and one index."""
    if isinstance(conn, Database):
        conn = conn.bounded  # a tally and the few open requests not late yet, or one liaison's open ones
    if scope_liaison_id is None:
        row = await conn.fetch_one(
            "SELECT sum(n) AS all_open, sum(CASE WHEN assignee_id = :me THEN n END) AS mine,"
            " sum(CASE WHEN assignee_id = 0 THEN n END) AS unassigned,"
            " sum(n) - (SELECT count(*) FROM help_requests h INDEXED BY help_requests_open_late"
            f" WHERE {OPEN} AND {NOT_LATE}) AS overdue"
            " FROM help_request_counts WHERE status IN ('new', 'open', 'pending')",
            {"me": me, "now": to_iso(now)},
        )
    else:
        row = await conn.fetch_one(
            "SELECT count(*) AS all_open, sum(h.assignee_id = :me) AS mine,"
            f" sum(h.assignee_id IS NULL) AS unassigned, sum({OVERDUE}) AS overdue FROM help_requests h"
            f" INDEXED BY help_requests_open_retiree WHERE {OPEN}"  # their retirees' open ones, index only
            " AND h.retiree_id IN (SELECT id FROM retirees WHERE liaison_id = :scope)",
            {"me": me, "now": to_iso(now), "scope": scope_liaison_id},
        )
    assert row is not None  # an aggregate without GROUP BY always returns one row
    return {"mine": row["mine"] or 0, "unassigned": row["unassigned"] or 0, "all": row["all_open"] or 0,
            "overdue": row["overdue"] or 0}


# The two kinds of SLA breach, each with the flag that says it was told (migration 0011).
BREACHES = {
    "first_response": ("h.first_breach_notified = 0 AND h.first_response_at IS NULL AND h.first_response_due < :now",
                       "first_breach_notified"),
    "resolution": ("h.resolve_breach_notified = 0 AND h.resolution_due < :now", "resolve_breach_notified"),
}


async def overdue_unnotified(
    conn: Reader, *, now: datetime, kind: str, limit: int = 200, request_id: int | None = None
) -> list[HelpRequest]:
    """Open requests past one kind of due time ("first_response" or "resolution") whose breach of
    that kind was not told yet. The status test lets the (status, id) index find the open ones;
    `request_id` re-checks one request inside the transaction that tells it."""
    one = "AND h.id = :id" if request_id is not None else ""
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE h.status IN ('new', 'open', 'pending') AND h.merged_into IS NULL"
        f" AND {BREACHES[kind][0]} {one} ORDER BY h.id LIMIT :l",
        {"now": to_iso(now), "l": limit, **({"id": request_id} if request_id is not None else {})},
    )
    return to_models(HelpRequest, rows)


async def mark_breach_told(tx: Transaction, request_id: int, *, kind: str, now: datetime) -> None:
    await update(tx, request_id, now=now, **{BREACHES[kind][1]: 1})


# What reopening resets: both kinds of breach may happen, and be told, again.
BREACH_FLAGS_CLEARED = {flag: 0 for _, flag in BREACHES.values()}


async def for_stats(
    conn: Reader, *, start: datetime, end: datetime, scope_liaison_id: int | None
) -> list[HelpStatsRow]:
    """What the statistics need of each request received in [start, end) (merged ones excluded), the
    flags and durations computed here (stored moments are UTC text of one form: they compare as text).
    The roster is joined only to scope a liaison's; assignees' names come from the small staff table."""
    # A liaison's: from their retirees (an erased retiree has no liaison, so `deleted_at IS NULL` drops
    # nothing and lets the index by liaison lead) to each one's requests by date; everyone's: by date.
    scope = ("JOIN retirees r ON r.id = h.retiree_id AND r.deleted_at IS NULL AND r.liaison_id = :scope"
             if scope_liaison_id is not None else "INDEXED BY help_requests_created")
    rows = await conn.fetch_all(
        "SELECT h.category, h.assignee_id, s.display_name,"
        " coalesce(h.first_response_at <= h.first_response_due, 0),"
        " (h.resolved_at IS NOT NULL OR h.status = 'closed'),"
        " (h.satisfaction IS NOT NULL AND h.satisfaction != ''),"
        " coalesce(h.satisfaction IN ('满意', '基本满意'), 0),"
        " (julianday(h.first_response_at) - julianday(h.created_at)) * 1440,"
        " CASE WHEN h.resolved_at IS NOT NULL OR h.status = 'closed' THEN"
        "  (julianday(coalesce(h.resolved_at, h.closed_at)) - julianday(h.created_at)) * 24 END"
        f" FROM help_requests h {scope} LEFT JOIN staff s ON s.id = h.assignee_id"
        " WHERE h.retiree_id IS NOT NULL AND h.merged_into IS NULL AND h.created_at >= :start AND h.created_at < :end",
        {"start": to_iso(start), "end": to_iso(end),
         **({"scope": scope_liaison_id} if scope_liaison_id is not None else {})},
    )
    return [HelpStatsRow._make(row) for row in rows]


async def message(conn: Reader, message_id: int) -> HelpMessage | None:
    row = await conn.fetch_one("SELECT m.*, NULL AS staff_name FROM help_messages m WHERE m.id = :id",
                               {"id": message_id})
    return to_model(HelpMessage, row) if row else None


async def reminders_due(conn: Reader, *, now: datetime, limit: int = 200) -> list[HelpRequest]:
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE h.status = 'pending' AND h.remind_at IS NOT NULL AND h.remind_at <= :now"
        " ORDER BY h.remind_at LIMIT :l",
        {"now": to_iso(now), "l": limit},
    )
    return to_models(HelpRequest, rows)


async def create_many(tx: Transaction, rows: list[dict]) -> None:
    """Many requests at once (benchmarks, migrations of old ledgers): each row holds the columns
    of help_requests by name, times as datetimes."""
    await tx.executemany(
        "INSERT INTO help_requests (retiree_id, category, priority, status, assignee_id, summary, created_at,"
        " updated_at, first_response_at, resolved_at, closed_at, first_response_due, resolution_due, satisfaction)"
        " VALUES (:retiree_id, :category, :priority, :status, :assignee_id, :summary, :created_at, :created_at,"
        " :first_response_at, :resolved_at, :closed_at, :first_response_due, :resolution_due, :satisfaction)",
        [{k: to_iso(v) if isinstance(v, datetime) else v for k, v in row.items()} for row in rows],
    )
