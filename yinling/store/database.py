"""The SQLite connection, done properly (see DESIGN.md "SQLite, done properly").

Invariants:
- one writer connection, guarded by an asyncio.Lock: coroutines sharing it would otherwise
  interleave their statements inside each other's transactions;
- every multi-statement write runs in `transaction()`, which issues BEGIN IMMEDIATE so the write lock
  is taken up front (a deferred transaction that upgrades later fails with SQLITE_BUSY instead of
  waiting);
- the writer runs its statements on the event loop's own thread. Writes here are short indexed
  statements (tens of microseconds), while handing each one to a worker thread and back costs about
  100 us: a sign-up is a dozen statements, and that hand-off was most of its time. Two things would
  block the loop, and do not: waiting for another process's write lock (the writer never waits in
  SQLite, busy_timeout=0; BEGIN IMMEDIATE is retried with asyncio sleeps instead) and bulk work
  (`executemany` over many rows runs on a worker thread while the lock is held);
- reads go to a small pool of reader connections on their own threads (aiosqlite; WAL lets them
  read while the writer writes) and see everything committed before they start; sqlite3 releases
  the GIL while a query runs, so readers use every core for the long list queries;
- bounded reads (a list page: indexed, LIMIT <= 100) may run on the loop's own thread instead
  (`read_now`, `bounded`), on a read-only connection of their own: see `read_now` for why that is safe.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5000  # how long to wait for another process's write lock, and readers' busy_timeout
NOW_BUDGET_S = 0.005  # how long a read may hold the loop before it is stopped and run on a reader thread
NOW_CHECK_STEPS = 1000  # SQLite VM steps between two looks at that budget
BULK_ROWS = 200  # executemany over more rows than this runs on a worker thread
CHECKPOINT_EVERY = 200  # commits between background checkpoints (SQLite's own default is ~1000 pages)
log = logging.getLogger(__name__)
Params = Mapping[str, Any] | Sequence[Any]
# aiosqlite logs every call at DEBUG with its statement and parameters (names, phones, messages).
# Dropped here, on its own logger, so no YINLING_LOG_LEVEL and no handler can ever print them.
logging.getLogger("aiosqlite").addFilter(lambda record: record.levelno > logging.DEBUG)

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


async def _open_reader(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)  # autocommit; we BEGIN ourselves
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        await conn.execute(pragma)
    return conn


def _open_writer(path: Path) -> sqlite3.Connection:
    # check_same_thread=False: bulk statements run on a worker thread, one at a time under the lock.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    conn.execute("PRAGMA busy_timeout=0")  # never wait inside SQLite on the loop's thread
    conn.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints run off the loop instead
    return conn


def _open_now_reader(path: Path) -> sqlite3.Connection:
    """The connection `read_now` uses on the loop's thread: reads only (query_only), never waiting."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    conn.execute("PRAGMA busy_timeout=0")  # a read that would wait goes to a reader thread instead
    conn.execute("PRAGMA query_only=ON")
    return conn


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


async def _off_loop(call: Callable[[], Any]) -> Any:
    """Run `call` on a worker thread; if the caller is cancelled meanwhile, still wait for it to
    finish, so nothing else touches the connection while it runs."""
    future = asyncio.get_running_loop().run_in_executor(None, call)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.gather(future, return_exceptions=True)
        raise


class Transaction:
    """A write transaction in progress. Statements run on the writer connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._after_commit: list[Callable[[], None]] = []

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns lastrowid (for INSERTs)."""
        return self._conn.execute(sql, params).lastrowid or 0

    async def execute_counted(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it inserted, changed or deleted."""
        return self._conn.execute(sql, params).rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if len(rows) > BULK_ROWS:
            await _off_loop(lambda: self._conn.executemany(sql, rows))
        else:
            self._conn.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return self._conn.execute(sql, params).fetchone()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(callback)


READERS = 4


class Bounded:
    """A Reader whose reads run on the loop's thread (Database.read_now): for list pages only."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self._db.read_now(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self._db.read_now(sql, params)
        return rows[0] if rows else None


class Database:
    def __init__(self, path: Path, writer: sqlite3.Connection, readers: list[aiosqlite.Connection],
                 now_reader: sqlite3.Connection | None = None) -> None:
        self.path = path
        self._writer = writer
        self._readers = readers
        self._now_reader = now_reader
        self._now_deadline = 0.0
        if now_reader is not None:
            now_reader.set_progress_handler(self._overrun, NOW_CHECK_STEPS)
        self.bounded = Bounded(self)  # hand this to the list reads instead of the database
        self._busy = [0] * len(readers)  # reads in flight on each reader
        self._write_lock = asyncio.Lock()
        self._commits = 0  # since the last checkpoint began
        self._checkpointing: asyncio.Task | None = None

    @classmethod
    async def connect(cls, path: Path | str, readers: int = READERS) -> Database:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = _open_writer(path)
        return cls(path, writer, [await _open_reader(path) for _ in range(readers)], _open_now_reader(path))

    async def close(self) -> None:
        if self._checkpointing is not None:
            await asyncio.gather(self._checkpointing, return_exceptions=True)
        async with self._write_lock:
            self._writer.close()
        for reader in self._readers:
            await reader.close()
        if self._now_reader is not None:
            self._now_reader.close()

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting for another process's write lock without blocking the loop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        pause = 0.001
        while True:
            try:
                self._writer.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or loop.time() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._write_lock:
            tx = Transaction(self._writer)
            await self._begin()
            try:
                yield tx
                self._writer.execute("COMMIT")
            except BaseException:
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
                raise
        self._count_commit()
        for callback in tx._after_commit:
            callback()

    def _count_commit(self) -> None:
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and (self._checkpointing is None or self._checkpointing.done()):
            self._commits = 0
            self._checkpointing = asyncio.get_running_loop().create_task(self._checkpoint(), name="wal-checkpoint")

    async def _checkpoint(self) -> None:
        try:
            async with self._write_lock:
                await _off_loop(lambda: self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall())
        except sqlite3.Error:
            log.warning("background checkpoint failed; the next one will catch up", exc_info=True)

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement as its own transaction; returns rowcount."""
        async with self.transaction() as tx:
            return tx._conn.execute(sql, params).rowcount

    async def write_returning(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """One statement with RETURNING, as its own transaction."""
        async with self.transaction() as tx:
            return await tx.fetch_all(sql, params)

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

    def _overrun(self) -> int:
        """SQLite's progress handler: non-zero stops the statement (sqlite3 raises OperationalError)."""
        return time.perf_counter() > self._now_deadline

    async def read_now(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """One read run on the event loop's own thread, for the list pages staff open most.

        Handing a read to a reader thread and back costs about 100 us and a wait for that thread (a
        page is one or two indexed statements of well under a millisecond), so those reads are done
        here instead, as the writer's statements are. Why that is safe:
        - it cannot write: its connection has query_only=ON, and in WAL a reader neither takes nor
          waits for the write lock, so the writer is never held up and it never waits (busy_timeout=0;
          a busy answer sends the read to a reader thread);
        - it cannot hold the loop long: a progress handler stops the statement once it has run
          NOW_BUDGET_S, and the read is then done again on a reader thread. Callers still send reads
          they know to be scans (searches falling back to LIKE over many rows) to the thread path;
        - the connection is only ever used from the loop's thread, one statement at a time (a
          coroutine cannot interleave inside this synchronous call), and autocommit ends each read's
          snapshot with its statement, so it sees everything committed before it began."""
        if self._now_reader is None:
            return await self.fetch_all(sql, params)
        self._now_deadline = time.perf_counter() + NOW_BUDGET_S
        try:
            return self._now_reader.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if not (_is_busy(exc) or "interrupted" in str(exc)):
                raise
        return await self.fetch_all(sql, params)
