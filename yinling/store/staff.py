"""Staff accounts (老干部工作者)."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import Staff, StaffRole
from yinling.store.database import Transaction
from yinling.store.rows import Reader, to_model

COLUMNS = "id, username, display_name, role, phone, active, telegram_user_id"


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


async def get_by_username(conn: Reader, username: str) -> Staff | None:
    row = await conn.fetch_one(f"SELECT {COLUMNS} FROM staff WHERE username = :u", {"u": username})
    return staff_from_row(row) if row else None


async def password_hash(conn: Reader, staff_id: int) -> str | None:
    row = await conn.fetch_one("SELECT password_hash FROM staff WHERE id = :id", {"id": staff_id})
    return row["password_hash"] if row else None


async def find_by_name(conn: Reader, name: str) -> list[Staff]:
    """Staff whose username or display name is `name` (how a spreadsheet names a liaison)."""
    rows = await conn.fetch_all(
        f"SELECT {COLUMNS} FROM staff WHERE username = :n OR display_name = :n ORDER BY id", {"n": name}
    )
    return [staff_from_row(r) for r in rows]


async def count_active_admins(conn: Reader) -> int:
    row = await conn.fetch_one("SELECT count(*) AS n FROM staff WHERE role = 'admin' AND active = 1")
    return row["n"] if row else 0


async def set_role(tx: Transaction, staff_id: int, role: StaffRole) -> None:
    await tx.execute("UPDATE staff SET role = :r WHERE id = :id", {"r": role, "id": staff_id})


async def set_password_hash(tx: Transaction, staff_id: int, password_hash: str) -> None:
    await tx.execute("UPDATE staff SET password_hash = :h WHERE id = :id", {"h": password_hash, "id": staff_id})


async def get_by_telegram_user(conn: Reader, user_id: int) -> Staff | None:
    row = await conn.fetch_one(f"SELECT {COLUMNS} FROM staff WHERE telegram_user_id = :u AND active = 1",
                               {"u": user_id})
    return staff_from_row(row) if row else None


async def link_telegram(tx: Transaction, staff_id: int, user_id: int | None) -> None:
    await tx.execute("UPDATE staff SET telegram_user_id = NULL WHERE telegram_user_id = :u", {"u": user_id})
    await tx.execute("UPDATE staff SET telegram_user_id = :u WHERE id = :id", {"u": user_id, "id": staff_id})
