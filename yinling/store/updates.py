"""Telegram update ids already handled, so a replayed update has one effect."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.store.database import Database, Transaction


async def mark_processed(tx: Transaction, update_id: int, *, now: datetime) -> bool:
    """Record `update_id` inside the transaction that carries its effects.
    Returns False when it was recorded before: the caller must then do nothing."""
    row = await tx.fetch_one(
        "INSERT INTO processed_updates (update_id, received_at) VALUES (:u, :now)"
        " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
        {"u": update_id, "now": to_iso(now)},
    )
    return row is not None


async def prune(db: Database, *, older_than: datetime) -> int:
    return await db.write(
        "DELETE FROM processed_updates WHERE received_at < :t", {"t": to_iso(older_than)}
    )
