"""Small helpers shared by the repositories."""
from __future__ import annotations

import sqlite3
from datetime import date
from typing import Protocol, TypeVar

from pydantic import BaseModel

from yinling.store.database import Params


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
    return model.model_validate({key: row[key] for key in row.keys()})
