"""Who is in an audience, in SQL (the same rule as `Audience.includes` for one retiree in hand)."""
from __future__ import annotations

from datetime import date

from yinling.models import AGED_TAG, Audience
from yinling.store.retirees import LIVE
from yinling.store.rows import Reader


def where(audience: Audience, aged_cutoff: date, liaison: int | None = None) -> tuple[str, dict]:
    """A condition on `r` (retirees) selecting the audience's live retirees; with `liaison`, only
    that liaison's own (a liaison's activity)."""
    clauses: list[str] = [f"r.{LIVE}"]
    params: dict[str, object] = {}
    if liaison is not None:
        clauses.append("r.liaison_id = :scope_liaison")
        params["scope_liaison"] = liaison
    if audience.kind == "party_members":
        clauses.append("r.party_member = 1")
    elif audience.kind == "liaisons":
        names = [f":liaison{i}" for i in range(len(audience.liaison_ids))]
        clauses.append(f"r.liaison_id IN ({', '.join(names)})")
        params.update({f"liaison{i}": lid for i, lid in enumerate(audience.liaison_ids)})
    elif audience.kind == "tags":
        either = []
        stored = [t for t in audience.tags if t != AGED_TAG]
        if stored:
            names = [f":tag{i}" for i in range(len(stored))]
            either.append(f"r.id IN (SELECT retiree_id FROM retiree_tags WHERE tag IN ({', '.join(names)}))")
            params.update({f"tag{i}": tag for i, tag in enumerate(stored)})
        if AGED_TAG in audience.tags:
            either.append("r.birth_date <= :aged")
            params["aged"] = aged_cutoff.isoformat()
        clauses.append(f"({' OR '.join(either)})")
    return " AND ".join(clauses), params


async def reachable_chats(conn: Reader, audience: Audience, aged_cutoff: date, *,
                          liaison: int | None = None) -> list[tuple[int, int]]:
    """(retiree id, chat id) of the audience's retirees (within `liaison`'s own, if given) who are in
    the chat and reachable."""
    condition, params = where(audience, aged_cutoff, liaison)
    rows = await conn.fetch_all(
        f"SELECT r.id, r.telegram_chat_id FROM retirees r WHERE {condition}"
        " AND r.telegram_chat_id IS NOT NULL AND r.reachable = 1 ORDER BY r.id",
        params,
    )
    return [(row[0], row[1]) for row in rows]


async def count(conn: Reader, audience: Audience, aged_cutoff: date) -> int:
    condition, params = where(audience, aged_cutoff)
    row = await conn.fetch_one(f"SELECT count(*) FROM retirees r WHERE {condition}", params)
    return row[0] if row else 0
