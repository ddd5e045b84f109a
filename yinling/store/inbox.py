"""The staff inbox: messages said outside help requests, the queue of everything that needs a person
(open help requests and unanswered messages), staff threads, and a retiree's whole conversation."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import from_iso, to_iso
from yinling.models import ConversationEntry, Inbound, InboxItem, InboxMessage
from yinling.store.database import Transaction
from yinling.store.help import NOT_LATE as HELP_NOT_LATE
from yinling.store.help import OPEN as HELP_OPEN
from yinling.store.help import OVERDUE as HELP_OVERDUE
from yinling.store.rows import Reader, to_model, to_models

_MESSAGE = (
    "SELECT m.*, r.name AS retiree_name, r.liaison_id AS liaison_id FROM inbound_messages m"
    " LEFT JOIN retirees r ON r.id = m.retiree_id"
)


async def insert_message(
    tx: Transaction, *, retiree_id: int | None, chat_id: int | None, inbound: Inbound, origin: str, now: datetime,
    urgent: bool = False, assignee_id: int | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO inbound_messages (retiree_id, chat_id, kind, text, file_id, created_at, origin, urgent,"
        " assignee_id) VALUES (:r, :c, :k, :t, :f, :now, :o, :u, :a)",
        {"r": retiree_id, "c": chat_id, "k": inbound.kind, "t": inbound.text, "f": inbound.file_id,
         "now": to_iso(now), "o": origin, "u": int(urgent), "a": assignee_id},
    )


async def message(conn: Reader, message_id: int) -> InboxMessage | None:
    row = await conn.fetch_one(f"{_MESSAGE} WHERE m.id = :id", {"id": message_id})
    return to_model(InboxMessage, row) if row else None


async def messages_of(conn: Reader, retiree_id: int, *, limit: int = 200) -> list[InboxMessage]:
    rows = await conn.fetch_all(f"{_MESSAGE} WHERE m.retiree_id = :r ORDER BY m.id DESC LIMIT :l",
                                {"r": retiree_id, "l": limit})
    return to_models(InboxMessage, rows[::-1])


async def set_handled(tx: Transaction, message_id: int, *, staff_id: int, now: datetime) -> bool:
    """Returns False when it was handled already."""
    changed = await tx.execute_counted(
        "UPDATE inbound_messages SET handled_at = :now, handled_by = :s WHERE id = :id AND handled_at IS NULL",
        {"id": message_id, "s": staff_id, "now": to_iso(now)},
    )
    return changed > 0


async def handle_all_of(tx: Transaction, retiree_id: int, *, staff_id: int, now: datetime) -> int:
    """A staff message to a retiree answers whatever they said before it."""
    return await tx.execute_counted(
        "UPDATE inbound_messages SET handled_at = :now, handled_by = :s WHERE retiree_id = :r AND handled_at IS NULL",
        {"r": retiree_id, "s": staff_id, "now": to_iso(now)},
    )


async def set_assignee(tx: Transaction, message_id: int, staff_id: int) -> None:
    await tx.execute("UPDATE inbound_messages SET assignee_id = :s WHERE id = :id", {"id": message_id, "s": staff_id})


# ---- the queue ----
# A message belongs to whoever it was given to, else to the retiree's liaison (一对一).
_MSG_OWNER = "COALESCE(m.assignee_id, r.liaison_id)"
_MSG_OVERDUE = "(m.created_at < CASE WHEN m.urgent THEN :urgent_cut ELSE :normal_cut END)"
# Open requests in the queue's order come from help_requests_open_queue (migration 0016), which also
# holds every column the filters read; the office's are counted from help_request_counts, a liaison's
# from help_requests_open_retiree.
_HELP_ORDER = "(h.priority = 'urgent') DESC, h.created_at, h.id"
# Help requests counted from help_request_counts (the whole office's): each filter but overdue.
_TALLIED = {"all": "", "mine": " AND assignee_id = :me", "unassigned": " AND assignee_id = 0",
            "urgent": " AND priority = 'urgent'"}


def _parts(which: str, *, scope: int | None, me: int) -> tuple[str, str]:
    """WHERE clauses for the help half (on help_requests alone) and the message half of the queue."""
    help_where = [HELP_OPEN, "h.merged_into IS NULL"]
    msg_where = ["m.handled_at IS NULL"]
    if scope is not None:
        help_where.append("h.retiree_id IN (SELECT id FROM retirees WHERE liaison_id = :scope)")
        msg_where.append("r.liaison_id = :scope")
    if which == "mine":
        help_where.append("h.assignee_id = :me")
        msg_where.append(f"{_MSG_OWNER} = :me")
    elif which == "unassigned":
        help_where.append("h.assignee_id IS NULL")
        msg_where.append(f"{_MSG_OWNER} IS NULL")
    elif which == "urgent":
        help_where.append("h.priority = 'urgent'")
        msg_where.append("m.urgent = 1")
    elif which == "overdue":
        help_where.append(HELP_OVERDUE)
        msg_where.append(_MSG_OVERDUE)
    return " AND ".join(help_where), " AND ".join(msg_where)


def _params(*, scope: int | None, me: int, now: datetime, urgent_cut: datetime, normal_cut: datetime) -> dict:
    return {"scope": scope, "me": me, "now": to_iso(now), "urgent_cut": to_iso(urgent_cut),
            "normal_cut": to_iso(normal_cut)}


async def queue(
    conn: Reader, which: str, *, scope: int | None, me: int, now: datetime, urgent_cut: datetime,
    normal_cut: datetime, limit: int, offset: int,
) -> list[InboxItem]:
    """Urgent first, then the longest waiting. Each half gives its first offset + limit in that order
    (open requests straight from their index, without a sort), and only those are sorted together."""
    help_where, msg_where = _parts(which, scope=scope, me=me)
    rows = await conn.fetch_all(
        "SELECT * FROM (SELECT 'help' AS kind, h.id AS id, h.retiree_id AS retiree_id, r.name AS retiree_name,"
        " r.liaison_id AS liaison_id, h.assignee_id AS assignee_id, h.priority = 'urgent' AS urgent,"
        f" {HELP_OVERDUE} AS overdue, h.status AS status, NULL AS origin, h.summary AS preview,"
        " h.created_at AS created_at"
        " FROM (SELECT h.id AS pick FROM help_requests h INDEXED BY help_requests_open_queue"
        f" WHERE {help_where} ORDER BY {_HELP_ORDER} LIMIT :first) p"
        " CROSS JOIN help_requests h ON h.id = p.pick JOIN retirees r ON r.id = h.retiree_id)"
        " UNION ALL"
        f" SELECT * FROM (SELECT 'message', m.id, m.retiree_id, r.name, r.liaison_id, {_MSG_OWNER}, m.urgent,"
        f" {_MSG_OVERDUE}, 'new', m.origin, COALESCE(m.text, ''), m.created_at"
        f" FROM inbound_messages m LEFT JOIN retirees r ON r.id = m.retiree_id WHERE {msg_where}"
        " ORDER BY m.urgent DESC, m.created_at, m.id LIMIT :first)"
        " ORDER BY urgent DESC, created_at ASC, kind, id LIMIT :limit OFFSET :offset",
        {**_params(scope=scope, me=me, now=now, urgent_cut=urgent_cut, normal_cut=normal_cut),
         "limit": limit, "offset": offset, "first": limit + offset},
    )
    return to_models(InboxItem, rows)


def _count_sql(which: str, *, scope: int | None, me: int) -> str:
    """One filter's count, as an expression: its open requests plus its unanswered messages."""
    help_where, msg_where = _parts(which, scope=scope, me=me)
    tallied = ("(SELECT coalesce(sum(n), 0) FROM help_request_counts WHERE status IN ('new', 'open', 'pending')"
               f" AND merged = 0{_TALLIED.get(which, '')})")
    if scope is None and which in _TALLIED:
        helped = tallied
    elif scope is None:  # overdue: the open ones less those not late yet (the newest few)
        helped = (f"{tallied} - (SELECT count(*) FROM help_requests h INDEXED BY help_requests_open_late"
                  f" WHERE {HELP_OPEN} AND h.merged_into IS NULL AND {HELP_NOT_LATE})")
    else:  # a liaison's: their retirees' open requests, from the index by retiree
        helped = f"(SELECT count(*) FROM help_requests h INDEXED BY help_requests_open_retiree WHERE {help_where})"
    return (f"{helped} + (SELECT count(*) FROM inbound_messages m LEFT JOIN retirees r ON r.id = m.retiree_id"
            f" WHERE {msg_where})")


async def count(
    conn: Reader, which: str, *, scope: int | None, me: int, now: datetime, urgent_cut: datetime,
    normal_cut: datetime,
) -> int:
    row = await conn.fetch_one(
        f"SELECT {_count_sql(which, scope=scope, me=me)} AS n",
        _params(scope=scope, me=me, now=now, urgent_cut=urgent_cut, normal_cut=normal_cut),
    )
    return row["n"] if row else 0


async def counts(
    conn: Reader, *, scope: int | None, me: int, now: datetime, urgent_cut: datetime, normal_cut: datetime,
) -> dict[str, int]:
    """count() of every filter (all, mine, unassigned, urgent, overdue), in one statement, and of the
    unanswered messages alone ("messages": what 今日 calls 新留言)."""
    which = ("all", "mine", "unassigned", "urgent", "overdue")
    _, unanswered = _parts("all", scope=scope, me=me)
    row = await conn.fetch_one(
        "SELECT " + ", ".join(f"{_count_sql(w, scope=scope, me=me)} AS \"{w}\"" for w in which)
        + ", (SELECT count(*) FROM inbound_messages m LEFT JOIN retirees r ON r.id = m.retiree_id"
        f" WHERE {unanswered}) AS messages",
        _params(scope=scope, me=me, now=now, urgent_cut=urgent_cut, normal_cut=normal_cut),
    )
    assert row is not None  # a SELECT without FROM returns one row
    return {w: row[w] for w in (*which, "messages")}


# ---- staff threads: a retiree's words after a staff message go to that staff member ----
async def open_thread(
    tx: Transaction, retiree_id: int, *, staff_id: int, request_id: int | None, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO staff_threads (retiree_id, staff_id, request_id, opened_at) VALUES (:r, :s, :q, :now)"
        " ON CONFLICT (retiree_id) DO UPDATE SET staff_id = :s, request_id = :q, opened_at = :now",
        {"r": retiree_id, "s": staff_id, "q": request_id, "now": to_iso(now)},
    )


async def thread_of(conn: Reader, retiree_id: int, *, since: datetime) -> tuple[int, int | None] | None:
    """(staff id, help request id or None) of the thread opened since `since`, if any."""
    row = await conn.fetch_one(
        "SELECT staff_id, request_id FROM staff_threads WHERE retiree_id = :r AND opened_at >= :t"
        " AND staff_id IS NOT NULL",
        {"r": retiree_id, "t": to_iso(since)},
    )
    return (row["staff_id"], row["request_id"]) if row else None


# ---- grouped notices of new messages ----
async def notice_cursor(conn: Reader, target: str) -> tuple[datetime, int] | None:
    """When `target` was last told of new messages, and the last message id that notice covered."""
    row = await conn.fetch_one("SELECT last_at, last_id FROM staff_notices WHERE target = :t", {"t": target})
    return (from_iso(row["last_at"]), row["last_id"]) if row else None


async def set_notice_cursor(tx: Transaction, target: str, *, now: datetime, last_id: int) -> None:
    await tx.execute(
        "INSERT INTO staff_notices (target, last_at, last_id) VALUES (:t, :now, :i)"
        " ON CONFLICT (target) DO UPDATE SET last_at = :now, last_id = :i",
        {"t": target, "now": to_iso(now), "i": last_id},
    )


async def new_unanswered(conn: Reader, *, after_id: int, since: datetime, owner_id: int | None = None,
                         limit: int = 500) -> list[InboxMessage]:
    """Non-urgent messages still unanswered, newer than `after_id` and `since`; of one owner if given."""
    owner = f" AND {_MSG_OWNER} = :owner" if owner_id is not None else ""
    rows = await conn.fetch_all(
        f"{_MESSAGE} WHERE m.id > :after AND m.created_at >= :since AND m.handled_at IS NULL AND m.urgent = 0"
        f"{owner} ORDER BY m.id LIMIT :l",
        {"after": after_id, "since": to_iso(since), "owner": owner_id, "l": limit},
    )
    return to_models(InboxMessage, rows)


# ---- a retiree's conversation: the intake (what they sent) beside the outbox (what they were sent) ----
async def conversation(conn: Reader, chat_id: int, *, before: datetime | None, limit: int) -> list[ConversationEntry]:
    cut = to_iso(before) if before else "9999"
    rows = await conn.fetch_all(
        "SELECT * FROM ("
        " SELECT 'in' AS direction, received_at AS at, kind, text, file_id, update_id AS ref,"
        "  NULL AS status, NULL AS source FROM inbound_updates WHERE chat_id = :c AND received_at < :cut"
        " UNION ALL"
        " SELECT 'out', created_at, CASE WHEN media IS NULL THEN 'text' ELSE 'media' END, text, NULL, id,"
        "  status, source FROM outbox WHERE chat_id = :c AND created_at < :cut"
        ") ORDER BY at DESC, direction DESC, ref DESC LIMIT :l",
        {"c": chat_id, "cut": cut, "l": limit},
    )
    return to_models(ConversationEntry, rows[::-1])

