"""Where each chat is in a conversation. Kept in the database so a restart resumes mid-flow."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from yinling.clock import to_iso
from yinling.models import Dialog, Retiree
from yinling.store.database import Transaction
from yinling.store.retirees import retiree_from_row
from yinling.store.rows import Reader

IDLE = "idle"


async def load_context(conn: Reader, *, chat_id: int, user_id: int) -> tuple[Retiree | None, Dialog]:
    """The retiree bound to `user_id` (if any) and the chat's dialog, in one query."""
    row = await conn.fetch_one(
        "SELECT d.state AS d_state, d.data AS d_data, r.id, r.name, r.birth_date,"
        " r.party_join_date, r.liaison_id, r.telegram_user_id, r.telegram_chat_id, r.reachable"
        " FROM (SELECT 1) AS one"
        " LEFT JOIN dialogs AS d ON d.chat_id = :chat"
        " LEFT JOIN retirees AS r ON r.telegram_user_id = :user",
        {"chat": chat_id, "user": user_id},
    )
    assert row is not None  # the (SELECT 1) anchor always yields one row
    retiree = retiree_from_row(row) if row["id"] is not None else None
    dialog = Dialog(
        chat_id=chat_id,
        state=row["d_state"] or IDLE,
        data=json.loads(row["d_data"]) if row["d_data"] else {},
    )
    return retiree, dialog


async def get(conn: Reader, chat_id: int) -> Dialog:
    row = await conn.fetch_one("SELECT state, data FROM dialogs WHERE chat_id = :c", {"c": chat_id})
    if row is None:
        return Dialog(chat_id=chat_id)
    return Dialog(chat_id=chat_id, state=row["state"], data=json.loads(row["data"]))


async def set_state(
    tx: Transaction, chat_id: int, state: str, *, now: datetime, data: dict[str, Any] | None = None
) -> None:
    await tx.execute(
        "INSERT INTO dialogs (chat_id, state, data, updated_at) VALUES (:c, :s, :d, :now)"
        " ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, data = excluded.data,"
        " updated_at = excluded.updated_at",
        {"c": chat_id, "s": state, "d": json.dumps(data or {}, ensure_ascii=False), "now": to_iso(now)},
    )
