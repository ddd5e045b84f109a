"""Staff accounts (老干部工作者)."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import Staff, StaffRole
from yinling.store.database import Transaction
from yinling.store.rows import Reader, to_model

COLUMNS = "id, username, display_name, role, phone, active"


def staff_from_row(row) -> Staff:
    return to_model(Staff, row)


async def insert(
    tx: Transaction,
    *,
    username: str,
    display_name: str,
    role: StaffRole,
    now: datetime,
    phone: str | None = None,
    password_hash: str | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO staff (username, display_name, role, phone, password_hash, created_at)"
        " VALUES (:u, :d, :r, :p, :h, :now)",
        {"u": username, "d": display_name, "r": role, "p": phone, "h": password_hash, "now": to_iso(now)},
    )


async def get(conn: Reader, staff_id: int) -> Staff | None:
    row = await conn.fetch_one(f"SELECT {COLUMNS} FROM staff WHERE id = :id", {"id": staff_id})
    return staff_from_row(row) if row else None


async def list_all(conn: Reader) -> list[Staff]:
    return [staff_from_row(r) for r in await conn.fetch_all(f"SELECT {COLUMNS} FROM staff ORDER BY id")]
