"""The SQL behind `yinling backup` and `yinling restore` (SQLite).

A backup is `VACUUM INTO` a new file, run on a reader connection of the live Database: it reads one
consistent snapshot (WAL lets the service keep writing meanwhile) and writes a compact copy in
rollback-journal mode, so the copy is a single self-contained file.

A restore must not happen under a running service: its open connections would go on using the old
file's pages and its WAL index. `hold_alone` finds out by asking for SQLite's exclusive locking mode:
in WAL mode every open connection keeps a shared lock on the database file for as long as it is
open (idle or not), so the exclusive lock is only granted when nobody else has the file open at all,
in this process or another. BEGIN EXCLUSIVE alone would not do: in WAL mode it only waits for other
writers, and an idle service holds no transaction. While held, newcomers (a service starting) are
kept out until the connection closes.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from yinling.store.database import Database


class NotADatabase(Exception):
    """The file is not an SQLite database SQLite can read (a foreign format, or a damaged header)."""


class InUse(Exception):
    """Another connection has the database open (a running service), so it cannot be replaced now."""


@dataclass(frozen=True)
class Facts:
    """What a database file says about itself."""

    integrity: tuple[str, ...]  # ("ok",) when sound, else SQLite's findings (structure, no row contents)
    migrations: dict[int, str] | None  # version -> name from schema_migrations; None: no such table

    @property
    def sound(self) -> bool:
        return self.integrity == ("ok",)

    @property
    def version(self) -> int:
        return max(self.migrations or {}, default=0)


async def schema_version(db: Database) -> int | None:
    """The newest migration applied to `db`, or None before the first `migrate`."""
    if await db.fetch_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") is None:
        return None
    return await db.fetch_value("SELECT coalesce(max(version), 0) FROM schema_migrations")


async def vacuum_into(db: Database, target: Path) -> None:
    """Write a consistent copy of `db` to `target` (which must not exist yet).

    On a reader connection: VACUUM INTO cannot run inside a transaction, only reads the source, and
    so never holds the write lock the service needs."""
    await db.fetch_all("VACUUM INTO ?", (str(target),))


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can neither change `path` nor create it."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def inspect(conn: sqlite3.Connection) -> Facts:
    """Check the whole file (PRAGMA integrity_check) and read its migration table."""
    try:
        integrity = tuple(row[0] for row in conn.execute("PRAGMA integrity_check(20)"))
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        raise NotADatabase(str(exc)) from exc
    return Facts(integrity, _migrations(conn) if has_table else None)


def _migrations(conn: sqlite3.Connection) -> dict[int, str] | None:
    try:
        return {row["version"]: row["name"] for row in conn.execute("SELECT version, name FROM schema_migrations")}
    except sqlite3.OperationalError:  # a table of that name, but not Yinling's shape
        return None


def inspect_file(path: Path) -> Facts:
    conn = open_read_only(path)
    try:
        return inspect(conn)
    finally:
        conn.close()


def hold_alone(path: Path, wait_s: float = 1.0) -> sqlite3.Connection:
    """A connection holding `path` exclusively (see the module docstring); raises InUse when another
    connection has it open. Close the connection to let others in again."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=wait_s)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")  # exclusive locking mode keeps the lock after the transaction ends
    except sqlite3.Error as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
            raise InUse(str(exc)) from exc
        raise
    return conn


def leave_wal(held: sqlite3.Connection) -> None:
    """Checkpoint the WAL into the main file and drop the -wal and -shm files (rollback-journal mode),
    so the main file alone is the whole database and no old WAL can later be replayed onto a new one.
    Needs `hold_alone`'s connection: SQLite leaves WAL mode only when no one else has the file open."""
    mode = held.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    if mode != "delete":
        raise sqlite3.OperationalError(f"could not leave WAL mode (journal_mode is {mode})")


def replace_content(source: sqlite3.Connection, held: sqlite3.Connection) -> None:
    """Make `held`'s database a page-for-page copy of `source`'s, through SQLite's backup API: it runs
    as one transaction on the target, so a copy interrupted midway is rolled back on the next open."""
    source.backup(held)
