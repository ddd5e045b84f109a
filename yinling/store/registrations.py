"""Pending registrations: people who verified a phone staff must still place on the roster."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import PendingRegistration
from yinling.store.database import Transaction
from yinling.store.rows import Reader, to_model

COLUMNS = "id, telegram_user_id, telegram_chat_id, phone, telegram_name, reason, status, created_at"


def registration_from_row(row) -> PendingRegistration:
    return to_model(PendingRegistration, row)


async def upsert_pending(
    tx: Transaction,
    *,
    user_id: int,
    chat_id: int,
    phone: str,
    telegram_name: str,
    reason: str,
    now: datetime,
) -> tuple[int, bool]:
    """One open registration per Telegram user; returns (id, created_now)."""
    existing = await tx.fetch_one(
        "SELECT id FROM pending_registrations WHERE telegram_user_id = :u AND status = 'pending'",
        {"u": user_id},
    )
    params = {"u": user_id, "c": chat_id, "p": phone, "n": telegram_name, "r": reason, "now": to_iso(now)}
    if existing:
        await tx.execute(
            "UPDATE pending_registrations SET phone = :p, telegram_name = :n, reason = :r,"
            " telegram_chat_id = :c WHERE id = :id",
            {**params, "id": existing["id"]},
        )
        return existing["id"], False
    new_id = await tx.execute(
        "INSERT INTO pending_registrations (telegram_user_id, telegram_chat_id, phone,"
        " telegram_name, reason, created_at) VALUES (:u, :c, :p, :n, :r, :now)",
        params,
    )
    return new_id, True


async def get_pending_for_user(conn: Reader, user_id: int) -> PendingRegistration | None:
    row = await conn.fetch_one(
        f"SELECT {COLUMNS} FROM pending_registrations"
        " WHERE telegram_user_id = :u AND status = 'pending'",
        {"u": user_id},
    )
    return registration_from_row(row) if row else None


async def list_pending(conn: Reader, *, limit: int = 100, offset: int = 0) -> tuple[list[PendingRegistration], int]:
    total = await conn.fetch_one("SELECT count(*) AS n FROM pending_registrations WHERE status = 'pending'")
    rows = await conn.fetch_all(
        f"SELECT {COLUMNS} FROM pending_registrations WHERE status = 'pending' ORDER BY id LIMIT :l OFFSET :o",
        {"l": limit, "o": offset},
    )
    return [registration_from_row(r) for r in rows], total["n"] if total else 0


async def get(conn: Reader, registration_id: int) -> PendingRegistration | None:
    row = await conn.fetch_one(f"SELECT {COLUMNS} FROM pending_registrations WHERE id = :id", {"id": registration_id})
    return registration_from_row(row) if row else None


async def decide(tx: Transaction, registration_id: int, status: str, *, now: datetime) -> None:
    await tx.execute(
        "UPDATE pending_registrations SET status = :s, decided_at = :now WHERE id = :id AND status = 'pending'",
        {"s": status, "now": to_iso(now), "id": registration_id},
    )
