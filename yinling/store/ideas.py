"""金点子: ideas, what their submitters sent, staff's private notes and the ideas' history."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import Idea, IdeaEvent, IdeaFilter, IdeaNote, IdeaPart, Inbound, ReceivedIdea
from yinling.store.database import Transaction
from yinling.store.rows import Reader, set_columns, to_model

_SELECT = (
    "SELECT i.*, r.name AS retiree_name, r.liaison_id AS liaison_id,"
    " (SELECT count(*) FROM ideas d WHERE d.merged_into = i.id) AS duplicates"
    " FROM ideas i JOIN retirees r ON r.id = i.retiree_id"
)


async def create(tx: Transaction, *, retiree_id: int, field: str, summary: str, now: datetime) -> int:
    return await tx.execute(
        "INSERT INTO ideas (retiree_id, field, summary, created_at, updated_at) VALUES (:r, :f, :s, :now, :now)",
        {"r": retiree_id, "f": field, "s": summary, "now": to_iso(now)},
    )


async def add_part(tx: Transaction, idea_id: int, inbound: Inbound, *, now: datetime) -> int:
    return await tx.execute(
        "INSERT INTO idea_parts (idea_id, kind, text, file_id, created_at) VALUES (:i, :k, :t, :f, :now)",
        {"i": idea_id, "k": inbound.kind, "t": inbound.text, "f": inbound.file_id, "now": to_iso(now)},
    )


async def add_note(tx: Transaction, idea_id: int, *, staff_id: int, text: str, now: datetime) -> int:
    return await tx.execute(
        "INSERT INTO idea_notes (idea_id, staff_id, text, created_at) VALUES (:i, :s, :t, :now)",
        {"i": idea_id, "s": staff_id, "t": text, "now": to_iso(now)},
    )


async def add_event(
    tx: Transaction, idea_id: int, kind: str, *, now: datetime, staff_id: int | None = None,
    from_status: str | None = None, to_status: str | None = None, reply: str | None = None,
    other_id: int | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO idea_events (idea_id, at, staff_id, kind, from_status, to_status, reply, other_id)"
        " VALUES (:i, :now, :s, :k, :fs, :ts, :reply, :other)",
        {"i": idea_id, "now": to_iso(now), "s": staff_id, "k": kind, "fs": from_status, "ts": to_status,
         "reply": reply, "other": other_id},
    )


async def update(tx: Transaction, idea_id: int, *, now: datetime, **fields) -> None:
    """Set some columns (names from code, never from input) and updated_at."""
    await set_columns(tx, "ideas", idea_id, now=now, fields=fields)


async def repoint_duplicates(tx: Transaction, old: int, new: int, *, now: datetime) -> list[int]:
    """Ideas merged into `old` now point at `new` (merges stay one level deep); returns their ids."""
    rows = await tx.fetch_all(
        "UPDATE ideas SET merged_into = :new, updated_at = :now WHERE merged_into = :old RETURNING id",
        {"old": old, "new": new, "now": to_iso(now)},
    )
    return sorted(r["id"] for r in rows)


async def get(conn: Reader, idea_id: int) -> Idea | None:
    row = await conn.fetch_one(f"{_SELECT} WHERE i.id = :id", {"id": idea_id})
    return to_model(Idea, row) if row else None


async def parts(conn: Reader, idea_id: int) -> list[IdeaPart]:
    rows = await conn.fetch_all("SELECT * FROM idea_parts WHERE idea_id = :i ORDER BY id", {"i": idea_id})
    return [to_model(IdeaPart, r) for r in rows]


async def part(conn: Reader, part_id: int) -> IdeaPart | None:
    row = await conn.fetch_one("SELECT * FROM idea_parts WHERE id = :id", {"id": part_id})
    return to_model(IdeaPart, row) if row else None


async def notes(conn: Reader, idea_id: int) -> list[IdeaNote]:
    rows = await conn.fetch_all(
        "SELECT n.*, s.display_name AS staff_name FROM idea_notes n LEFT JOIN staff s ON s.id = n.staff_id"
        " WHERE n.idea_id = :i ORDER BY n.id",
        {"i": idea_id},
    )
    return [to_model(IdeaNote, r) for r in rows]


async def events(conn: Reader, idea_id: int) -> list[IdeaEvent]:
    rows = await conn.fetch_all(
        "SELECT e.*, s.display_name AS staff_name FROM idea_events e LEFT JOIN staff s ON s.id = e.staff_id"
        " WHERE e.idea_id = :i ORDER BY e.id",
        {"i": idea_id},
    )
    return [to_model(IdeaEvent, r) for r in rows]


async def duplicates(conn: Reader, idea_id: int) -> list[Idea]:
    """The ideas merged into this one, oldest first."""
    rows = await conn.fetch_all(f"{_SELECT} WHERE i.merged_into = :i ORDER BY i.id", {"i": idea_id})
    return [to_model(Idea, r) for r in rows]


async def submitter_chats(conn: Reader, idea_id: int) -> list[tuple[int, int, int]]:
    """(idea id, retiree id, chat id) of the idea and of each idea merged into it, for every submitter
    reachable in the chat: the idea's news is theirs too."""
    rows = await conn.fetch_all(
        "SELECT i.id, i.retiree_id, r.telegram_chat_id FROM ideas i JOIN retirees r ON r.id = i.retiree_id"
        " WHERE (i.id = :i OR i.merged_into = :i) AND r.telegram_chat_id IS NOT NULL ORDER BY i.id",
        {"i": idea_id},
    )
    return [(r["id"], r["retiree_id"], r["telegram_chat_id"]) for r in rows]


async def for_retiree(conn: Reader, retiree_id: int, *, limit: int = 10) -> list[Idea]:
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE i.retiree_id = :r ORDER BY i.id DESC LIMIT :l", {"r": retiree_id, "l": limit}
    )
    return [to_model(Idea, r) for r in rows]


def _where(filters: IdeaFilter, *, scope_liaison_id: int | None) -> tuple[str, dict]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    if scope_liaison_id is not None:  # a liaison: the ideas of their own retirees only
        clauses.append("r.liaison_id = :scope")
        params["scope"] = scope_liaison_id
    if filters.status:
        clauses.append("i.status = :status")
        params["status"] = filters.status
    if filters.field:
        clauses.append("i.field = :field")
        params["field"] = filters.field
    if filters.retiree_id:
        clauses.append("i.retiree_id = :retiree")
        params["retiree"] = filters.retiree_id
    if filters.received_from:
        clauses.append("i.created_at >= :start")
        params["start"] = to_iso(filters.received_from)
    if filters.received_to:
        clauses.append("i.created_at < :end")
        params["end"] = to_iso(filters.received_to)
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(
            "(r.name LIKE :q ESCAPE '\\' OR EXISTS (SELECT 1 FROM idea_parts p WHERE p.idea_id = i.id"
            " AND p.text LIKE :q ESCAPE '\\'))"
        )
        params["q"] = f"%{escaped}%"
    return " AND ".join(clauses) or "1 = 1", params


async def page(conn: Reader, filters: IdeaFilter, *, scope_liaison_id: int | None, limit: int,
               offset: int) -> tuple[list[Idea], int]:
    """Newest first, and how many match in all."""
    where, params = _where(filters, scope_liaison_id=scope_liaison_id)
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE {where} ORDER BY i.id DESC LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    total = await conn.fetch_one(
        f"SELECT count(*) AS n FROM ideas i JOIN retirees r ON r.id = i.retiree_id WHERE {where}", params
    )
    return [to_model(Idea, r) for r in rows], total["n"] if total else 0


async def for_stats(conn: Reader, *, start: datetime, end: datetime,
                    scope_liaison_id: int | None) -> list[ReceivedIdea]:
    """What the statistics need of each idea received in [start, end)."""
    scope = "AND r.liaison_id = :scope" if scope_liaison_id is not None else ""
    rows = await conn.fetch_all(
        "SELECT i.field, i.status, i.created_at, i.adopted_at FROM ideas i JOIN retirees r ON r.id = i.retiree_id"
        f" WHERE i.created_at >= :start AND i.created_at < :end {scope}",
        {"start": to_iso(start), "end": to_iso(end),
         **({"scope": scope_liaison_id} if scope_liaison_id is not None else {})},
    )
    return [to_model(ReceivedIdea, r) for r in rows]
