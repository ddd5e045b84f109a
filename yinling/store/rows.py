"""Small helpers shared by the repositories."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Protocol, TypeVar

from pydantic import BaseModel

from yinling.clock import to_iso
from yinling.store.database import Params, Transaction


class Reader(Protocol):
    """A Database (reader connection) or a Transaction (reads its own uncommitted writes)."""

    async def fetch_all(self, sql: str, params: Params = ...) -> list[sqlite3.Row]: ...

    async def fetch_one(self, sql: str, params: Params = ...) -> sqlite3.Row | None: ...


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


M = TypeVar("M", bound=BaseModel)


def to_model(model: type[M], row: sqlite3.Row) -> M:
    """A row as a model: columns are named as the model's fields (pydantic converts 0/1 to bools
    and ISO text to dates); extra columns are ignored."""
    return model.model_validate(dict(row))


async def set_columns(tx: Transaction, table: str, row_id: int, *, now: datetime, fields: dict) -> None:
    """Set some columns of one row and its updated_at. Table and column names come from code, never
    from input; datetimes are stored in the ISO form."""
    values = {k: to_iso(v) if isinstance(v, datetime) else v for k, v in fields.items()}
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    await tx.execute(
        f"UPDATE {table} SET {assignments}, updated_at = :now WHERE id = :id",
        {**values, "now": to_iso(now), "id": row_id},
    )
