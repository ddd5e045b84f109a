"""The roster (台账): one row per retiree."""
from __future__ import annotations

from datetime import date, datetime

from yinling.clock import to_iso
from yinling.models import Retiree
from yinling.store.database import Transaction
from yinling.store.rows import Reader, iso_date, to_model

COLUMNS = (
    "id, name, phone, birth_date, party_join_date, liaison_id, telegram_user_id, "
    "telegram_chat_id, reachable"
)


def retiree_from_row(row) -> Retiree:
    return to_model(Retiree, row)


async def get(conn: Reader, retiree_id: int) -> Retiree | None:
    row = await conn.fetch_one(f"SELECT {COLUMNS} FROM retirees WHERE id = :id", {"id": retiree_id})
    return retiree_from_row(row) if row else None


async def get_by_telegram_user(conn: Reader, user_id: int) -> Retiree | None:
    row = await conn.fetch_one(
        f"SELECT {COLUMNS} FROM retirees WHERE telegram_user_id = :u", {"u": user_id}
    )
    return retiree_from_row(row) if row else None


async def find_by_phone(conn: Reader, phone: str) -> list[Retiree]:
    rows = await conn.fetch_all(
        f"SELECT {COLUMNS} FROM retirees WHERE phone = :p ORDER BY id", {"p": phone}
    )
    return [retiree_from_row(row) for row in rows]


async def insert(
    tx: Transaction,
    *,
    name: str,
    phone: str | None,
    now: datetime,
    birth_date: date | None = None,
    party_join_date: date | None = None,
    liaison_id: int | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO retirees (name, phone, birth_date, party_join_date, liaison_id, created_at,"
        " updated_at) VALUES (:name, :phone, :birth, :party, :liaison, :now, :now)",
        {
            "name": name,
            "phone": phone,
            "birth": iso_date(birth_date),
            "party": iso_date(party_join_date),
            "liaison": liaison_id,
            "now": to_iso(now),
        },
    )


async def bind_telegram(
    tx: Transaction, retiree_id: int, *, user_id: int, chat_id: int, now: datetime
) -> None:
    """Bind a Telegram account; a bound retiree is reachable again (they just wrote to us)."""
    await tx.execute(
        "UPDATE retirees SET telegram_user_id = :u, telegram_chat_id = :c, bound_at = :now,"
        " reachable = 1, unreachable_reason = NULL, unreachable_since = NULL, updated_at = :now"
        " WHERE id = :id",
        {"u": user_id, "c": chat_id, "now": to_iso(now), "id": retiree_id},
    )


async def mark_unreachable(tx: Transaction, retiree_id: int, *, reason: str, now: datetime) -> bool:
    """Returns True when this changed the retiree's state (so staff are told once)."""
    row = await tx.fetch_one(
        "UPDATE retirees SET reachable = 0, unreachable_reason = :r, unreachable_since = :now,"
        " updated_at = :now WHERE id = :id AND reachable = 1 RETURNING id",
        {"r": reason, "now": to_iso(now), "id": retiree_id},
    )
    return row is not None


async def mark_reachable(tx: Transaction, retiree_id: int, *, now: datetime) -> None:
    await tx.execute(
        "UPDATE retirees SET reachable = 1, unreachable_reason = NULL, unreachable_since = NULL,"
        " updated_at = :now WHERE id = :id AND reachable = 0",
        {"now": to_iso(now), "id": retiree_id},
    )
