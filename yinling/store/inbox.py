"""The staff inbox: messages said outside help requests, the queue of everything that needs a person
(open help requests and unanswered messages), staff threads, and a retiree's whole conversation."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import from_iso, to_iso
from yinling.models import ConversationEntry, Inbound, InboxItem, InboxMessage
from yinling.store.database import Transaction
from yinling.store.help import OVERDUE as HELP_OVERDUE
from yinling.store.rows import Reader, to_model

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
    return [to_model(InboxMessage, r) for r in reversed(rows)]


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


def _parts(which: str, *, scope: int | None, me: int) -> tuple[str, str]:
    """WHERE clauses for the help half and the message half of the queue."""
    help_where = ["h.status IN ('new', 'open', 'pending')", "h.merged_into IS NULL"]
    msg_where = ["m.handled_at IS NULL"]
    if scope is not None:
        help_where.append("r.liaison_id = :scope")
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
    """Urgent first, then the longest waiting."""
    help_where, msg_where = _parts(which, scope=scope, me=me)
    rows = await conn.fetch_all(
        "SELECT 'help' AS kind, h.id AS id, h.retiree_id AS retiree_id, r.name AS retiree_name,"
        " r.liaison_id AS liaison_id, h.assignee_id AS assignee_id, h.priority = 'urgent' AS urgent,"
        f" {HELP_OVERDUE} AS overdue, h.status AS status, NULL AS origin, h.summary AS preview,"
        " h.created_at AS created_at"
        f" FROM help_requests h JOIN retirees r ON r.id = h.retiree_id WHERE {help_where}"
        " UNION ALL"
        f" SELECT 'message', m.id, m.retiree_id, r.name, r.liaison_id, {_MSG_OWNER}, m.urgent, {_MSG_OVERDUE},"
        " 'new', m.origin, COALESCE(m.text, ''), m.created_at"
        f" FROM inbound_messages m LEFT JOIN retirees r ON r.id = m.retiree_id WHERE {msg_where}"
        " ORDER BY urgent DESC, created_at ASC, kind, id LIMIT :limit OFFSET :offset",
        {**_params(scope=scope, me=me, now=now, urgent_cut=urgent_cut, normal_cut=normal_cut),
         "limit": limit, "offset": offset},
    )
    return [to_model(InboxItem, r) for r in rows]


async def count(
    conn: Reader, which: str, *, scope: int | None, me: int, now: datetime, urgent_cut: datetime,
    normal_cut: datetime,
) -> int:
    help_where, msg_where = _parts(which, scope=scope, me=me)
    row = await conn.fetch_one(
        f"SELECT (SELECT count(*) FROM help_requests h JOIN retirees r ON r.id = h.retiree_id WHERE {help_where})"
        f" + (SELECT count(*) FROM inbound_messages m LEFT JOIN retirees r ON r.id = m.retiree_id"
        f" WHERE {msg_where}) AS n",
        _params(scope=scope, me=me, now=now, urgent_cut=urgent_cut, normal_cut=normal_cut),
    )
    return row["n"] if row else 0


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
    return [to_model(InboxMessage, r) for r in rows]


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
    return [to_model(ConversationEntry, r) for r in reversed(rows)]

