"""Small helpers shared by the repositories."""
from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any, Protocol

from yinling.store.database import Params


class Reader(Protocol):
    """A Database (reader connection) or a Transaction (reads its own uncommitted writes)."""

    async def fetch_all(self, sql: str, params: Params = ...) -> list[sqlite3.Row]: ...

    async def fetch_one(self, sql: str, params: Params = ...) -> sqlite3.Row | None: ...


def as_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {key: row[key] for key in row.keys()}


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None
