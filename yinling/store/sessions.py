"""Staff sessions (bearer tokens, stored hashed) and failed logins (for locking an account).

A login attempt is written to login_failures before its password is checked and deleted (with the
account's other failures) when the password proves right: an attempt in flight counts as a failure."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import Staff
from yinling.store.database import Database, Transaction
from yinling.store.rows import Reader
from yinling.store.staff import COLUMNS as STAFF_COLUMNS
from yinling.store.staff import staff_from_row


async def create(
    tx: Transaction, *, staff_id: int, token_hash: str, now: datetime, expires_at: datetime, ip: str | None
) -> int:
    return await tx.execute(
        "INSERT INTO staff_sessions (staff_id, token_hash, created_at, last_used_at, expires_at, ip)"
        " VALUES (:s, :h, :now, :now, :exp, :ip)",
        {"s": staff_id, "h": token_hash, "now": to_iso(now), "exp": to_iso(expires_at), "ip": ip},
    )


async def find_live(
    conn: Reader, token_hash: str, *, now: datetime, idle_since: datetime
) -> tuple[int, str, Staff] | None:
    """The session for a token that is neither revoked, nor past its absolute expiry, nor idle since
    before `idle_since`, with its active staff member: (session id, last used, staff)."""
    staff_columns = ", ".join(f"s.{c.strip()}" for c in STAFF_COLUMNS.split(","))
    row = await conn.fetch_one(
        f"SELECT x.id AS session_id, x.last_used_at, {staff_columns} FROM staff_sessions x"
        " JOIN staff s ON s.id = x.staff_id"
        " WHERE x.token_hash = :h AND x.revoked_at IS NULL AND x.expires_at > :now"
        " AND x.last_used_at > :idle AND s.active = 1",
        {"h": token_hash, "now": to_iso(now), "idle": to_iso(idle_since)},
    )
    if row is None:
        return None
    return row["session_id"], row["last_used_at"], staff_from_row(row)


async def touch(db: Database, session_id: int, *, now: datetime) -> None:
    await db.write(
        "UPDATE staff_sessions SET last_used_at = :now WHERE id = :id", {"id": session_id, "now": to_iso(now)}
    )


async def revoke_token(tx: Transaction, token_hash: str, *, now: datetime) -> None:
    await tx.execute(
        "UPDATE staff_sessions SET revoked_at = :now WHERE token_hash = :h AND revoked_at IS NULL",
        {"h": token_hash, "now": to_iso(now)},
    )


async def revoke_all_for(tx: Transaction, staff_id: int, *, now: datetime) -> None:
    await tx.execute(
        "UPDATE staff_sessions SET revoked_at = :now WHERE staff_id = :s AND revoked_at IS NULL",
        {"s": staff_id, "now": to_iso(now)},
    )


async def record_failure(tx: Transaction, *, username: str, ip: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO login_failures (username, ip, at) VALUES (:u, :ip, :now)",
        {"u": username, "ip": ip, "now": to_iso(now)},
    )


async def failures_since(conn: Reader, *, username: str, since: datetime) -> list[str]:
    """Times of the account's failed (or still unproven) logins since `since`, oldest first. Read it
    inside the transaction that records the next attempt, so concurrent logins count each other."""
    rows = await conn.fetch_all(
        "SELECT at FROM login_failures WHERE username = :u AND at > :since ORDER BY at",
        {"u": username, "since": to_iso(since)},
    )
    return [r["at"] for r in rows]


async def clear_failures(tx: Transaction, *, username: str) -> None:
    await tx.execute("DELETE FROM login_failures WHERE username = :u", {"u": username})
