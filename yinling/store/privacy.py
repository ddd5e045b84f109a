"""Privacy requests (PIPL): a retiree asks to have what the office keeps deleted; an admin decides.

Also what 我的信息 counts: the kinds of records kept about a retiree."""
from __future__ import annotations

from datetime import datetime

from yinling.clock import to_iso
from yinling.models import PrivacyRequest
from yinling.store.database import Transaction
from yinling.store.rows import Reader, to_model

_SELECT = (
    "SELECT p.*, r.name AS retiree_name, r.liaison_id AS liaison_id FROM privacy_requests p"
    " JOIN retirees r ON r.id = p.retiree_id"
)


async def create(tx: Transaction, retiree_id: int, *, now: datetime) -> int:
    return await tx.execute(
        "INSERT INTO privacy_requests (retiree_id, created_at) VALUES (:r, :now)",
        {"r": retiree_id, "now": to_iso(now)},
    )


async def set_message(tx: Transaction, request_id: int, message_id: int) -> None:
    await tx.execute("UPDATE privacy_requests SET message_id = :m WHERE id = :id", {"id": request_id, "m": message_id})


async def get(conn: Reader, request_id: int) -> PrivacyRequest | None:
    row = await conn.fetch_one(f"{_SELECT} WHERE p.id = :id", {"id": request_id})
    return to_model(PrivacyRequest, row) if row else None


async def pending_of(conn: Reader, retiree_id: int) -> PrivacyRequest | None:
    row = await conn.fetch_one(f"{_SELECT} WHERE p.retiree_id = :r AND p.status = 'pending'", {"r": retiree_id})
    return to_model(PrivacyRequest, row) if row else None


async def decide(tx: Transaction, request_id: int, status: str, *, staff_id: int, now: datetime,
                 reason: str | None = None) -> bool:
    """Returns False when it was decided already (by someone else meanwhile)."""
    changed = await tx.execute_counted(
        "UPDATE privacy_requests SET status = :s, reason = :reason, decided_at = :now, decided_by = :staff"
        " WHERE id = :id AND status = 'pending'",
        {"id": request_id, "s": status, "reason": reason, "now": to_iso(now), "staff": staff_id},
    )
    return changed > 0


async def page(conn: Reader, *, status: str | None, limit: int, offset: int) -> tuple[list[PrivacyRequest], int]:
    """Newest first."""
    where, params = ("WHERE p.status = :s", {"s": status}) if status else ("", {})
    total = await conn.fetch_one(f"SELECT count(*) AS n FROM privacy_requests p {where}", params)
    rows = await conn.fetch_all(f"{_SELECT} {where} ORDER BY p.id DESC LIMIT :l OFFSET :o",
                                {**params, "l": limit, "o": offset})
    return [to_model(PrivacyRequest, r) for r in rows], total["n"] if total else 0


async def records_of(conn: Reader, retiree_id: int) -> dict[str, int]:
    """How many records of each kind are kept about a retiree, in one query."""
    row = await conn.fetch_one(
        "SELECT (SELECT count(*) FROM help_requests WHERE retiree_id = :r) AS help,"
        " (SELECT count(*) FROM ideas WHERE retiree_id = :r) AS ideas,"
        " (SELECT count(*) FROM inbound_messages WHERE retiree_id = :r) AS messages,"
        " (SELECT count(*) FROM activity_registrations WHERE retiree_id = :r) AS activities",
        {"r": retiree_id},
    )
    return dict(zip(row.keys(), row, strict=True)) if row else {}
