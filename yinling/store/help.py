"""Help requests, their threads and their events."""
from __future__ import annotations

import json
from datetime import datetime

from yinling.clock import to_iso
from yinling.models import HelpEvent, HelpFilter, HelpMessage, HelpRequest, Inbound
from yinling.store.database import Transaction
from yinling.store.rows import Reader, set_columns, to_model

_SELECT = (
    "SELECT h.*, r.name AS retiree_name, r.liaison_id AS liaison_id, s.display_name AS assignee_name"
    " FROM help_requests h JOIN retirees r ON r.id = h.retiree_id LEFT JOIN staff s ON s.id = h.assignee_id"
)
OPEN_STATUSES = ("new", "open", "pending")


def request_from_row(row) -> HelpRequest:
    return to_model(HelpRequest, row)


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
    return request_from_row(row) if row else None


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
    return [to_model(HelpMessage, r) for r in rows]


async def events(conn: Reader, request_id: int) -> list[HelpEvent]:
    rows = await conn.fetch_all("SELECT * FROM help_events WHERE request_id = :r ORDER BY id", {"r": request_id})
    return [HelpEvent(id=r["id"], request_id=r["request_id"], at=r["at"], staff_id=r["staff_id"], kind=r["kind"],
                      detail=json.loads(r["detail"])) for r in rows]


async def for_retiree(conn: Reader, retiree_id: int, *, limit: int = 10) -> list[HelpRequest]:
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE h.retiree_id = :r AND h.merged_into IS NULL ORDER BY h.id DESC LIMIT :l",
        {"r": retiree_id, "l": limit},
    )
    return [request_from_row(r) for r in rows]


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
    return request_from_row(row) if row else None


def _where(filters: HelpFilter, *, scope_liaison_id: int | None, me: int, now: datetime) -> tuple[str, dict]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    if filters.status in (None, "closed"):  # merged requests are closed ones: other statuses need no check
        clauses.append("h.merged_into IS NULL")
    if scope_liaison_id is not None:  # a liaison: requests of their own retirees only
        clauses.append("r.liaison_id = :scope")
        params["scope"] = scope_liaison_id
    if filters.status:
        clauses.append("h.status = :status")
        params["status"] = filters.status
    if filters.category:
        clauses.append("h.category = :category")
        params["category"] = filters.category
    if filters.priority:
        clauses.append("h.priority = :priority")
        params["priority"] = filters.priority
    if filters.assignee == "me":
        clauses.append("h.assignee_id = :me")
        params["me"] = me
    elif filters.assignee == "unassigned":
        clauses.append("h.assignee_id IS NULL")
    elif isinstance(filters.assignee, int):
        clauses.append("h.assignee_id = :assignee")
        params["assignee"] = filters.assignee
    if filters.retiree_id:
        clauses.append("h.retiree_id = :retiree")
        params["retiree"] = filters.retiree_id
    if filters.overdue is not None:
        clauses.append(("" if filters.overdue else "NOT ") + OVERDUE)
        params["now"] = to_iso(now)
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("(h.summary LIKE :q ESCAPE '\\' OR r.name LIKE :q ESCAPE '\\')")
        params["q"] = f"%{escaped}%"
    return " AND ".join(clauses) or "1 = 1", params


# Overdue: no first response by its due time, or not resolved by its due time, while still open.
OVERDUE = (
    "(h.status IN ('new', 'open', 'pending') AND ((h.first_response_at IS NULL AND h.first_response_due < :now)"
    " OR h.resolution_due < :now))"
)

SORTS = {
    "newest": "h.id DESC",
    "oldest": "h.id ASC",
    "priority": "h.priority_rank, h.id",
    "due": "h.first_response_due, h.id",
}


async def page(
    conn: Reader, filters: HelpFilter, *, scope_liaison_id: int | None, me: int, now: datetime, sort: str,
    limit: int, offset: int,
) -> list[HelpRequest]:
    where, params = _where(filters, scope_liaison_id=scope_liaison_id, me=me, now=now)
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE {where} ORDER BY {SORTS[sort]} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    return [request_from_row(r) for r in rows]


async def count(conn: Reader, filters: HelpFilter, *, scope_liaison_id: int | None, me: int, now: datetime) -> int:
    if filters == HelpFilter() and scope_liaison_id is None:  # everything: all rows less the merged ones
        row = await conn.fetch_one(
            "SELECT (SELECT count(*) FROM help_requests)"
            " - (SELECT count(*) FROM help_requests WHERE merged_into IS NOT NULL) AS n"
        )
        return row["n"] if row else 0
    where, params = _where(filters, scope_liaison_id=scope_liaison_id, me=me, now=now)
    # The retiree is needed only for a liaison's scope or a name search; without it the count is
    # answered from help_requests' own indexes.
    join = "JOIN retirees r ON r.id = h.retiree_id" if scope_liaison_id is not None or filters.q else ""
    row = await conn.fetch_one(f"SELECT count(*) AS n FROM help_requests h {join} WHERE {where}", params)
    return row["n"] if row else 0


async def counts(conn: Reader, *, scope_liaison_id: int | None, me: int, now: datetime) -> dict[str, int]:
    """The queue's headline numbers over open requests: mine, unassigned, all, overdue."""
    scope = "AND r.liaison_id = :scope" if scope_liaison_id is not None else ""
    join = "JOIN retirees r ON r.id = h.retiree_id" if scope_liaison_id is not None else ""
    row = await conn.fetch_one(
        "SELECT count(*) AS all_open, sum(h.assignee_id = :me) AS mine, sum(h.assignee_id IS NULL) AS unassigned,"
        f" sum({OVERDUE}) AS overdue FROM help_requests h {join}"
        f" WHERE h.status IN ('new', 'open', 'pending') {scope}",  # never merged: merged ones are closed
        {"me": me, "now": to_iso(now), **({"scope": scope_liaison_id} if scope_liaison_id is not None else {})},
    )
    assert row is not None  # an aggregate without GROUP BY always returns one row
    return {"mine": row["mine"] or 0, "unassigned": row["unassigned"] or 0, "all": row["all_open"] or 0,
            "overdue": row["overdue"] or 0}


async def create_visit_task(
    tx: Transaction, *, retiree_id: int, liaison_id: int | None, request_id: int, reason: str, now: datetime
) -> int:
    return await tx.execute(
        "INSERT INTO visit_tasks (retiree_id, liaison_id, request_id, reason, created_at)"
        " VALUES (:r, :l, :q, :why, :now)",
        {"r": retiree_id, "l": liaison_id, "q": request_id, "why": reason, "now": to_iso(now)},
    )


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
    return [request_from_row(r) for r in rows]


async def mark_breach_told(tx: Transaction, request_id: int, *, kind: str, now: datetime) -> None:
    await update(tx, request_id, now=now, **{BREACHES[kind][1]: 1})


# What reopening resets: both kinds of breach may happen, and be told, again.
BREACH_FLAGS_CLEARED = {flag: 0 for _, flag in BREACHES.values()}


# Whose visit it is: an open one follows the retiree to their liaison of today (a reassigned retiree's
# visit is owed by the new liaison, whichever way the reassignment came: the API or an import); a
# done or cancelled one stays with the liaison who owed it then.
_VISIT_OWNER = "CASE WHEN v.status = 'open' THEN r.liaison_id ELSE v.liaison_id END"


async def list_visit_tasks(
    conn: Reader, *, scope_liaison_id: int | None, status: str | None, limit: int, offset: int
) -> tuple[list[dict], int]:
    clauses: list[str] = ["1 = 1"]
    params: dict[str, object] = {}
    if scope_liaison_id is not None:
        clauses.append(f"{_VISIT_OWNER} = :scope")
        params["scope"] = scope_liaison_id
    if status:
        clauses.append("v.status = :status")
        params["status"] = status
    where = " AND ".join(clauses)
    total = await conn.fetch_one(
        f"SELECT count(*) AS n FROM visit_tasks v JOIN retirees r ON r.id = v.retiree_id WHERE {where}", params)
    rows = await conn.fetch_all(
        f"SELECT v.id, v.retiree_id, r.name AS retiree_name, {_VISIT_OWNER} AS liaison_id, v.request_id, v.reason,"
        f" v.status, v.created_at, v.done_at FROM visit_tasks v JOIN retirees r ON r.id = v.retiree_id WHERE {where}"
        " ORDER BY v.id DESC LIMIT :l OFFSET :o",
        {**params, "l": limit, "o": offset},
    )
    return [dict(zip(r.keys(), r, strict=True)) for r in rows], total["n"] if total else 0


async def for_stats(conn: Reader, *, start: datetime, end: datetime, scope_liaison_id: int | None) -> list[dict]:
    """What the statistics need of each request received in [start, end) (merged ones excluded)."""
    scope = "AND r.liaison_id = :scope" if scope_liaison_id is not None else ""
    rows = await conn.fetch_all(
        "SELECT h.id, h.category, h.assignee_id, s.display_name AS assignee_name, h.status, h.created_at,"
        " h.first_response_at, h.first_response_due, h.resolved_at, h.closed_at, h.satisfaction"
        " FROM help_requests h JOIN retirees r ON r.id = h.retiree_id LEFT JOIN staff s ON s.id = h.assignee_id"
        f" WHERE h.merged_into IS NULL AND h.created_at >= :start AND h.created_at < :end {scope}",
        {"start": to_iso(start), "end": to_iso(end),
         **({"scope": scope_liaison_id} if scope_liaison_id is not None else {})},
    )
    return [dict(zip(r.keys(), r, strict=True)) for r in rows]


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
    return [request_from_row(r) for r in rows]


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
