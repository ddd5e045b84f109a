"""Visit tasks: a visit owed to a retiree, opened by a help request (reached through yinling.store.help)."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import VisitTask
from yinling.store.database import Transaction
from yinling.store.rows import Reader, to_models


async def create_visit_task(
    tx: Transaction, *, retiree_id: int, liaison_id: int | None, request_id: int, reason: str, now: datetime
) -> int:
    return await tx.execute(
        "INSERT INTO visit_tasks (retiree_id, liaison_id, request_id, reason, created_at)"
        " VALUES (:r, :l, :q, :why, :now)",
        {"r": retiree_id, "l": liaison_id, "q": request_id, "why": reason, "now": to_iso(now)},
    )


# Whose visit it is: an open one follows the retiree to their liaison of today (a reassigned retiree's
# visit is owed by the new liaison, whichever way the reassignment came: the API or an import); a
# done or cancelled one stays with the liaison who owed it then.
_VISIT_OWNER = "CASE WHEN v.status = 'open' THEN r.liaison_id ELSE v.liaison_id END"


async def list_visit_tasks(
    conn: Reader, *, scope_liaison_id: int | None, status: str | None, limit: int, offset: int
) -> tuple[list[VisitTask], int]:
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
    return to_models(VisitTask, rows), total["n"] if total else 0
