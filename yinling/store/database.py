"""The SQLite connection, done properly (see DESIGN.md "SQLite, done properly").

Invariants:
- one writer connection, guarded by an asyncio.Lock: coroutines sharing an aiosqlite connection
  would otherwise interleave their statements inside each other's transactions;
- every multi-statement write runs in `transaction()`, which issues BEGIN IMMEDIATE so the write lock
  is taken up front (a deferred transaction that upgrades later fails with SQLITE_BUSY instead of
  waiting on busy_timeout);
- reads go to a small pool of reader connections (WAL lets them read while the writer writes)
  and see everything committed before they start; sqlite3 releases the GIL while a query runs, so
  readers on their own threads use every core;
- each aiosqlite call is a thread hop, so helpers here fetch whole results in one call.
"""
from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5000
Params = Mapping[str, Any] | Sequence[Any]

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


async def _open(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)  # autocommit; we BEGIN ourselves
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        await conn.execute(pragma)
    return conn


class Transaction:
    """A write transaction in progress. Statements run on the writer connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._after_commit: list[Callable[[], None]] = []

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns lastrowid (for INSERTs)."""
        cursor = await self._conn.execute(sql, params)
        return cursor.lastrowid or 0

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(callback)


READERS = 4


class Database:
    def __init__(self, path: Path, writer: aiosqlite.Connection, readers: list[aiosqlite.Connection]) -> None:
        self.path = path
        self._writer = writer
        self._readers = readers
        self._busy = [0] * len(readers)  # reads in flight on each reader
        self._write_lock = asyncio.Lock()

    @classmethod
    async def connect(cls, path: Path | str, readers: int = READERS) -> Database:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _open(path)
        return cls(path, writer, [await _open(path) for _ in range(readers)])

    async def close(self) -> None:
        async with self._write_lock:
            await self._writer.close()
        for reader in self._readers:
            await reader.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._write_lock:
            tx = Transaction(self._writer)
            try:
                # Inside the try: a task cancelled while awaiting BEGIN has still queued it on the
                # connection's thread, so it must be rolled back before the lock is released.
                await self._writer.execute("BEGIN IMMEDIATE")
                yield tx
                await self._writer.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise
        for callback in tx._after_commit:
            callback()

    async def _rollback(self) -> None:
        # aiosqlite runs calls in order on one thread, so this ROLLBACK lands after whatever the
        # cancelled transaction queued, even if this await itself is interrupted.
        try:
            await asyncio.shield(self._writer.execute("ROLLBACK"))
        except sqlite3.OperationalError:
            pass  # no transaction was open (BEGIN itself failed, or COMMIT went through)

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement as its own transaction (a single statement is atomic); returns rowcount."""
        async with self._write_lock:
            cursor = await self._writer.execute(sql, params)
            return cursor.rowcount

    async def write_returning(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """One statement with RETURNING, as its own transaction, in one thread hop."""
        async with self._write_lock:
            return list(await self._writer.execute_fetchall(sql, params))

    async def write_many(self, sql: str, rows: Iterable[Params]) -> None:
        """The same statement for many rows, in one transaction."""
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        index = self._busy.index(min(self._busy))  # the least busy reader
        self._busy[index] += 1
        try:
            return list(await self._readers[index].execute_fetchall(sql, params))
        finally:
            self._busy[index] -= 1

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return row[0] if row is not None else None
