"""The audit log: append-only (the database refuses updates and deletes of its rows)."""
from __future__ import annotations

import json
from datetime import datetime

from yinling.clock import to_iso
from yinling.models import AuditEntry
from yinling.store.database import Transaction
from yinling.store.rows import Reader


async def append(
    tx: Transaction,
    *,
    at: datetime,
    actor_id: int | None,
    actor_name: str | None,
    ip: str | None,
    action: str,
    target_type: str | None,
    target_id: int | None,
    result: str,
    detail: dict | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO audit_log (at, actor_id, actor_name, ip, action, target_type, target_id, result, detail)"
        " VALUES (:at, :aid, :aname, :ip, :action, :ttype, :tid, :result, :detail)",
        {
            "at": to_iso(at), "aid": actor_id, "aname": actor_name, "ip": ip, "action": action,
            "ttype": target_type, "tid": target_id, "result": result,
            "detail": json.dumps(detail or {}, ensure_ascii=False),
        },
    )


async def page(
    conn: Reader, *, action: str | None, actor_id: int | None, target_type: str | None, target_id: int | None,
    limit: int, offset: int,
) -> tuple[list[AuditEntry], int]:
    clauses, params = [], {}
    for column, value in (("action", action), ("actor_id", actor_id), ("target_type", target_type),
                          ("target_id", target_id)):
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = value
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    total = await conn.fetch_one(f"SELECT count(*) AS n FROM audit_log {where}", params)
    rows = await conn.fetch_all(
        f"SELECT id, at, actor_id, actor_name, ip, action, target_type, target_id, result, detail"
        f" FROM audit_log {where} ORDER BY id DESC LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    items = [
        AuditEntry(
            id=r["id"], at=r["at"], actor_id=r["actor_id"], actor_name=r["actor_name"], ip=r["ip"],
            action=r["action"], target_type=r["target_type"], target_id=r["target_id"], result=r["result"],
            detail=json.loads(r["detail"]),
        )
        for r in rows
    ]
    return items, total["n"] if total else 0
