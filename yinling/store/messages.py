"""What retirees wrote outside any flow (留言)."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import Inbound
from yinling.store.database import Transaction
from yinling.store.rows import Reader


async def insert(tx: Transaction, retiree_id: int, inbound: Inbound, *, now: datetime) -> int:
    return await tx.execute(
        "INSERT INTO inbound_messages (retiree_id, kind, text, file_id, created_at)"
        " VALUES (:r, :k, :t, :f, :now)",
        {"r": retiree_id, "k": inbound.kind, "t": inbound.text, "f": inbound.file_id, "now": to_iso(now)},
    )


async def list_for_retiree(conn: Reader, retiree_id: int) -> list[Inbound]:
    rows = await conn.fetch_all(
        "SELECT kind, text, file_id FROM inbound_messages WHERE retiree_id = :r ORDER BY id",
        {"r": retiree_id},
    )
    return [Inbound(kind=r["kind"], text=r["text"], file_id=r["file_id"]) for r in rows]
