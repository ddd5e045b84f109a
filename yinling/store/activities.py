"""Activities, their registrations (confirmed, waiting in arrival order, cancelled) and reminders."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from yinling.clock import from_iso, to_iso
from yinling.models import Activity, ActivityFields, ActivityRegistration, DueReminder
from yinling.store.database import Transaction
from yinling.store.rows import Reader, set_columns, to_model

_COUNTS = (
    " (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = a.id AND g.status = 'confirmed')"
    " AS confirmed,"
    " (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = a.id AND g.status = 'waiting')"
    " AS waiting,"
    " (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = a.id AND g.status = 'confirmed'"
    "  AND g.companion = 1) AS companions"
)
_SELECT = f"SELECT a.*, {_COUNTS} FROM activities a"
_SELECT_REGISTRATION = (
    "SELECT g.*, r.name AS retiree_name, r.liaison_id AS liaison_id"
    " FROM activity_registrations g JOIN retirees r ON r.id = g.retiree_id"
)
When = Literal["upcoming", "past", "all"]


def activity_from_row(row) -> Activity:
    return Activity.model_validate({**dict(row), "audience": json.loads(row["audience"])})


def _columns(fields: ActivityFields) -> dict:
    return {
        "title": fields.title, "kind": fields.kind, "description": fields.description, "place": fields.place,
        "starts_at": to_iso(fields.starts_at), "ends_at": to_iso(fields.ends_at),
        "signup_deadline": to_iso(fields.signup_deadline), "capacity": fields.capacity,
        "audience": fields.audience.model_dump_json(), "companion_allowed": int(fields.companion_allowed),
        "ask_transport": int(fields.ask_transport),
    }


async def insert(tx: Transaction, fields: ActivityFields, *, created_by: int | None, now: datetime,
                 liaison: int | None = None) -> int:
    """`liaison`: a liaison's activity, for their own retirees only (see migration 0012)."""
    columns = {**_columns(fields), "created_by": created_by, "created_by_liaison": liaison,
               "created_at": to_iso(now), "updated_at": to_iso(now)}
    names = ", ".join(columns)
    return await tx.execute(
        f"INSERT INTO activities ({names}) VALUES ({', '.join(':' + c for c in columns)})", columns
    )


async def replace_fields(tx: Transaction, activity_id: int, fields: ActivityFields, *, now: datetime) -> None:
    columns = _columns(fields)
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    await tx.execute(
        f"UPDATE activities SET {assignments}, updated_at = :now WHERE id = :id",
        {**columns, "now": to_iso(now), "id": activity_id},
    )


async def mark_cancelled(tx: Transaction, activity_id: int, *, reason: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE activities SET status = 'cancelled', cancel_reason = :reason, cancelled_at = :now, updated_at = :now"
        " WHERE id = :id",
        {"reason": reason, "now": to_iso(now), "id": activity_id},
    )


async def get(conn: Reader, activity_id: int, *, counted: bool = True) -> Activity | None:
    """One activity; `counted=False` leaves confirmed/waiting/companions at 0 (cheaper: a sign-up
    counts the confirmed itself, inside its transaction)."""
    select = _SELECT if counted else "SELECT a.* FROM activities a"
    row = await conn.fetch_one(f"{select} WHERE a.id = :id", {"id": activity_id})
    return activity_from_row(row) if row else None


# What a liaison sees: office-wide activities and their own, never another liaison's.
_VISIBLE = "(:liaison IS NULL OR a.created_by_liaison IS NULL OR a.created_by_liaison = :liaison)"


def _when(when: When) -> tuple[str, str]:
    """(condition, order): upcoming includes what is going on now; past is newest first."""
    if when == "upcoming":
        return "a.ends_at > :now", "a.starts_at, a.id"
    if when == "past":
        return "a.ends_at <= :now", "a.starts_at DESC, a.id DESC"
    return "1", "a.starts_at DESC, a.id DESC"


async def page(conn: Reader, *, when: When, kind: str | None, now: datetime, limit: int, offset: int,
               liaison: int | None = None) -> list[Activity]:
    """`liaison`: as that liaison sees them (office-wide and their own)."""
    condition, order = _when(when)
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE {condition} AND (:kind IS NULL OR a.kind = :kind) AND {_VISIBLE} ORDER BY {order}"
        " LIMIT :limit OFFSET :offset",
        {"now": to_iso(now), "kind": kind, "limit": limit, "offset": offset, "liaison": liaison},
    )
    return [activity_from_row(r) for r in rows]


async def count(conn: Reader, *, when: When, kind: str | None, now: datetime, liaison: int | None = None) -> int:
    condition, _ = _when(when)
    row = await conn.fetch_one(
        f"SELECT count(*) FROM activities a WHERE {condition} AND (:kind IS NULL OR a.kind = :kind) AND {_VISIBLE}",
        {"now": to_iso(now), "kind": kind, "liaison": liaison},
    )
    return row[0] if row else 0


async def open_for_signup(conn: Reader, *, now: datetime) -> list[Activity]:
    """Published activities whose signup deadline has not passed, soonest first."""
    rows = await conn.fetch_all(
        f"{_SELECT} WHERE a.status = 'published' AND a.signup_deadline > :now ORDER BY a.starts_at, a.id",
        {"now": to_iso(now)},
    )
    return [activity_from_row(r) for r in rows]


# ---- registrations ----------------------------------------------------------------------------------


def registration_from_row(row) -> ActivityRegistration:
    return to_model(ActivityRegistration, row)


async def registration(conn: Reader, activity_id: int, retiree_id: int) -> ActivityRegistration | None:
    row = await conn.fetch_one(
        f"{_SELECT_REGISTRATION} WHERE g.activity_id = :a AND g.retiree_id = :r", {"a": activity_id, "r": retiree_id}
    )
    return registration_from_row(row) if row else None


async def registration_by_code(conn: Reader, activity_id: int, code: str) -> ActivityRegistration | None:
    row = await conn.fetch_one(
        f"{_SELECT_REGISTRATION} WHERE g.activity_id = :a AND g.code = :c", {"a": activity_id, "c": code}
    )
    return registration_from_row(row) if row else None


async def registrations(conn: Reader, activity_id: int) -> list[ActivityRegistration]:
    """All of an activity's registrations in arrival order."""
    rows = await conn.fetch_all(f"{_SELECT_REGISTRATION} WHERE g.activity_id = :a ORDER BY g.seq", {"a": activity_id})
    return [registration_from_row(r) for r in rows]


async def confirmed_count(conn: Reader, activity_id: int) -> int:
    row = await conn.fetch_one(
        "SELECT count(*) FROM activity_registrations WHERE activity_id = :a AND status = 'confirmed'",
        {"a": activity_id},
    )
    return row[0] if row else 0


async def first_waiting(conn: Reader, activity_id: int, limit: int) -> list[ActivityRegistration]:
    rows = await conn.fetch_all(
        f"{_SELECT_REGISTRATION} WHERE g.activity_id = :a AND g.status = 'waiting' ORDER BY g.seq LIMIT :n",
        {"a": activity_id, "n": limit},
    )
    return [registration_from_row(r) for r in rows]


async def waiting_position(conn: Reader, activity_id: int, seq: int) -> int:
    """1 for the first in line."""
    row = await conn.fetch_one(
        "SELECT count(*) FROM activity_registrations WHERE activity_id = :a AND status = 'waiting' AND seq <= :s",
        {"a": activity_id, "s": seq},
    )
    return row[0] if row else 0


async def code_taken(tx: Transaction, activity_id: int, code: str) -> bool:
    row = await tx.fetch_one(
        "SELECT 1 FROM activity_registrations WHERE activity_id = :a AND code = :c", {"a": activity_id, "c": code}
    )
    return row is not None


async def registration_count(tx: Transaction, activity_id: int) -> int:
    """Every registration row (cancelled ones keep their code)."""
    row = await tx.fetch_one("SELECT count(*) FROM activity_registrations WHERE activity_id = :a", {"a": activity_id})
    return row[0] if row else 0


async def next_seq(tx: Transaction, activity_id: int) -> int:
    row = await tx.fetch_one(
        "SELECT coalesce(max(seq), 0) + 1 FROM activity_registrations WHERE activity_id = :a", {"a": activity_id}
    )
    return row[0] if row else 1


async def insert_registration(
    tx: Transaction, *, activity_id: int, retiree_id: int, status: str, seq: int, code: str, companion: bool,
    needs_transport: bool, now: datetime,
) -> int:
    return await tx.execute(
        "INSERT INTO activity_registrations (activity_id, retiree_id, status, seq, code, companion, needs_transport,"
        " created_at, updated_at, confirmed_at) VALUES (:a, :r, :status, :seq, :code, :c, :t, :now, :now,"
        " CASE WHEN :status = 'confirmed' THEN :now END)",
        {"a": activity_id, "r": retiree_id, "status": status, "seq": seq, "code": code, "c": int(companion),
         "t": int(needs_transport), "now": to_iso(now)},
    )


async def update_registration(tx: Transaction, registration_id: int, *, now: datetime, **fields) -> None:
    """Set some columns (names from code, never from input) and updated_at."""
    await set_columns(tx, "activity_registrations", registration_id, now=now, fields=fields)


async def for_retiree(conn: Reader, retiree_id: int, *, since: datetime) -> list[tuple[Activity, ActivityRegistration]]:
    """A retiree's registrations (not those they cancelled) for activities ending after `since`."""
    rows = await conn.fetch_all(
        f"{_SELECT_REGISTRATION} JOIN activities a ON a.id = g.activity_id WHERE g.retiree_id = :r"
        " AND (g.status != 'cancelled' OR a.status = 'cancelled') AND a.ends_at > :since ORDER BY a.starts_at, a.id",
        {"r": retiree_id, "since": to_iso(since)},
    )
    activities = {a.id: a for a in [await get(conn, i) for i in dict.fromkeys(r["activity_id"] for r in rows)] if a}
    return [(activities[r["activity_id"]], registration_from_row(r)) for r in rows]


async def registered_chats(conn: Reader, activity_id: int) -> list[tuple[int, int]]:
    """(retiree id, chat id) of those confirmed or waiting who are in the chat."""
    rows = await conn.fetch_all(
        "SELECT r.id, r.telegram_chat_id FROM activity_registrations g JOIN retirees r ON r.id = g.retiree_id"
        " WHERE g.activity_id = :a AND g.status IN ('confirmed', 'waiting') AND r.telegram_chat_id IS NOT NULL"
        " ORDER BY g.seq",
        {"a": activity_id},
    )
    return [(row[0], row[1]) for row in rows]


# ---- participation (统计) ------------------------------------------------------------------------

# Each figure counts registrations; attendance only among the confirmed, as the registration list does.
_TURNOUT = (
    " count(CASE WHEN g.status = 'confirmed' THEN 1 END) AS confirmed,"
    " count(CASE WHEN g.status = 'waiting' THEN 1 END) AS waiting,"
    " count(CASE WHEN g.status = 'confirmed' AND g.attendance = 'attended' THEN 1 END) AS attended,"
    " count(CASE WHEN g.status = 'confirmed' AND g.attendance = 'attended' AND g.companion = 1 THEN 1 END)"
    " AS companions,"
    " count(CASE WHEN g.status = 'confirmed' AND g.attendance = 'no_show' THEN 1 END) AS no_shows,"
    " count(CASE WHEN g.status = 'confirmed' AND g.attendance IS NULL THEN 1 END) AS not_checked_in"
)


async def participation(conn: Reader, *, start: datetime, end: datetime, liaison: int | None = None) -> list[dict]:
    """The activities (not cancelled) that start in [start, end), soonest first, each with its
    registrations counted in one grouped statement. `liaison`: the activities that liaison sees, and
    only their own retirees' registrations counted (an activity none of them joined still shows, at 0)."""
    # Decided per registration by its retiree's primary key: no scan of the roster for the scope.
    mine = (" AND EXISTS (SELECT 1 FROM retirees r WHERE r.id = g.retiree_id AND r.liaison_id = :liaison)"
            if liaison is not None else "")
    rows = await conn.fetch_all(
        f"SELECT a.id, a.title, a.kind, a.place, a.starts_at, a.ends_at, {_TURNOUT} FROM activities a"
        f" LEFT JOIN activity_registrations g ON g.activity_id = a.id{mine}"
        f" WHERE a.status = 'published' AND a.starts_at >= :start AND a.starts_at < :end AND {_VISIBLE}"
        " GROUP BY a.id ORDER BY a.starts_at, a.id",
        {"start": to_iso(start), "end": to_iso(end), "liaison": liaison},
    )
    return [{**dict(row), "starts_at": from_iso(row["starts_at"]), "ends_at": from_iso(row["ends_at"])}
            for row in rows]


# ---- reminders and no-shows -------------------------------------------------------------------------


async def add_reminders(tx: Transaction, registration_id: int, dues: list[tuple[str, datetime]]) -> None:
    await tx.executemany(
        "INSERT OR IGNORE INTO activity_reminders (registration_id, kind, due_at) VALUES (:r, :k, :d)",
        [{"r": registration_id, "k": kind, "d": to_iso(due)} for kind, due in dues],
    )


async def drop_pending_reminders(tx: Transaction, activity_id: int) -> None:
    """Reminders not yet done for an activity whose time moved: they are made again."""
    await tx.execute(
        "DELETE FROM activity_reminders WHERE done_at IS NULL AND registration_id IN"
        " (SELECT id FROM activity_registrations WHERE activity_id = :a)",
        {"a": activity_id},
    )


async def due_reminders(conn: Reader, *, now: datetime, limit: int) -> list[DueReminder]:
    """Reminders whose time has come, with what deciding and writing them needs."""
    rows = await conn.fetch_all(
        "SELECT m.id, m.kind, g.id AS registration_id, g.status AS registration_status, g.code, g.retiree_id,"
        " r.telegram_chat_id AS chat_id, a.id AS activity_id"
        " FROM activity_reminders m JOIN activity_registrations g ON g.id = m.registration_id"
        " JOIN retirees r ON r.id = g.retiree_id JOIN activities a ON a.id = g.activity_id"
        " WHERE m.done_at IS NULL AND m.due_at <= :now ORDER BY m.due_at, m.id LIMIT :n",
        {"now": to_iso(now), "n": limit},
    )
    return [to_model(DueReminder, r) for r in rows]


async def finish_reminders(tx: Transaction, done: list[tuple[int, str]], *, now: datetime) -> None:
    await tx.executemany(
        "UPDATE activity_reminders SET done_at = :now, outcome = :o WHERE id = :id AND done_at IS NULL",
        [{"id": rid, "o": outcome, "now": to_iso(now)} for rid, outcome in done],
    )


async def ended_unrecorded(conn: Reader, *, now: datetime) -> list[int]:
    rows = await conn.fetch_all(
        "SELECT id FROM activities WHERE status = 'published' AND ends_at <= :now AND noshows_recorded_at IS NULL",
        {"now": to_iso(now)},
    )
    return [r[0] for r in rows]


async def record_no_shows(tx: Transaction, activity_id: int, *, now: datetime) -> None:
    await tx.execute(
        "UPDATE activity_registrations SET attendance = 'no_show', updated_at = :now"
        " WHERE activity_id = :a AND status = 'confirmed' AND attendance IS NULL",
        {"a": activity_id, "now": to_iso(now)},
    )
    await tx.execute(
        "UPDATE activities SET noshows_recorded_at = :now WHERE id = :a", {"a": activity_id, "now": to_iso(now)}
    )


async def contacts(conn: Reader, retiree_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    """First phone and address of these retirees (for 接送 and for calling those not in the chat)."""
    if not retiree_ids:
        return {}
    found: dict[int, tuple[str | None, str | None]] = {}
    for start in range(0, len(retiree_ids), 500):  # SQLite's bound-parameter limit
        chunk = retiree_ids[start : start + 500]
        names = ", ".join(f":r{i}" for i in range(len(chunk)))
        rows = await conn.fetch_all(
            "SELECT r.id, (SELECT phone FROM retiree_phones p WHERE p.retiree_id = r.id ORDER BY position LIMIT 1)"
            f" AS phone, r.address FROM retirees r WHERE r.id IN ({names})",
            {f"r{i}": rid for i, rid in enumerate(chunk)},
        )
        found.update({row["id"]: (row["phone"], row["address"]) for row in rows})
    return found
