"""The office calendar's days (migrations/0010), and the counter that says it changed.

Every write raises `office_calendar_version.version` in its own transaction, so a process that
holds the calendar in memory learns of another process's edit by reading one row.

`read_snapshot` is synchronous, on a short-lived read-only connection of its own: due times are
computed inside write transactions, where nothing may be awaited, and the read is one indexed row
(tens of microseconds; WAL lets it read while the writer writes). A PostgreSQL backend would keep
this function's contract with a synchronous driver, or refresh from the tick instead.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from yinling.clock import to_iso
from yinling.models import CalendarDay, CalendarDayKind
from yinling.store.database import Transaction
from yinling.store.rows import Reader

_COLUMNS = "day, kind, name, updated_at, updated_by"
SNAPSHOT_BUSY_MS = 200  # a reader in WAL mode waits only while the WAL index is rebuilt


def _day_from_row(row) -> CalendarDay:
    return CalendarDay.model_validate(dict(row))


async def list_between(conn: Reader, first: date, last: date) -> list[CalendarDay]:
    rows = await conn.fetch_all(
        f"SELECT {_COLUMNS} FROM office_calendar WHERE day BETWEEN :a AND :b ORDER BY day",
        {"a": first.isoformat(), "b": last.isoformat()},
    )
    return [_day_from_row(r) for r in rows]


async def get(conn: Reader, day: date) -> CalendarDay | None:
    row = await conn.fetch_one(f"SELECT {_COLUMNS} FROM office_calendar WHERE day = :d", {"d": day.isoformat()})
    return _day_from_row(row) if row else None


_UPSERT = (
    "INSERT INTO office_calendar (day, kind, name, updated_at, updated_by) VALUES (:d, :k, :n, :now, :by)"
    " ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name,"
    " updated_at = excluded.updated_at, updated_by = excluded.updated_by"
)


async def upsert_many(tx: Transaction, days: Iterable[CalendarDay], *, by: str | None, now: datetime) -> None:
    """Set each day (a later one for the same date wins) and raise the version once."""
    stamp = to_iso(now)
    await tx.executemany(
        _UPSERT, ({"d": d.day.isoformat(), "k": d.kind, "n": d.name, "now": stamp, "by": by} for d in days)
    )
    await _bump(tx)


async def set_day(tx: Transaction, day: date, kind: CalendarDayKind, name: str, *, by: str | None,
                  now: datetime) -> None:
    await upsert_many(tx, [CalendarDay(day=day, kind=kind, name=name)], by=by, now=now)


async def delete(tx: Transaction, day: date) -> bool:
    removed = await tx.execute_counted("DELETE FROM office_calendar WHERE day = :d", {"d": day.isoformat()})
    if removed:
        await _bump(tx)
    return bool(removed)


async def _bump(tx: Transaction) -> None:
    await tx.execute("UPDATE office_calendar_version SET version = version + 1 WHERE id = 1")


def read_snapshot(path: Path, known_version: int | None) -> tuple[int, dict[date, CalendarDayKind] | None]:
    """(version, every day's kind), or (version, None) when the version is still `known_version`.
    Both reads in one read transaction, so the days are those of that version."""
    # mode=rw: never create a database where there is none (read-only mode needs WAL files to exist)
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None,
                           timeout=SNAPSHOT_BUSY_MS / 1000)
    try:
        conn.execute("BEGIN")
        row = conn.execute("SELECT version FROM office_calendar_version WHERE id = 1").fetchone()
        version = row[0] if row else 0
        if version == known_version:
            return version, None
        rows = conn.execute("SELECT day, kind FROM office_calendar").fetchall()
        return version, {date.fromisoformat(day): kind for day, kind in rows}
    finally:
        conn.close()
