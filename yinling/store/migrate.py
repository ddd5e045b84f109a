"""Applies yinling/migrations/NNNN_name.sql in order, once each, and records them in schema_migrations.

The migrations are package data (pyproject.toml's package-data), found beside this package's code, so
an installed wheel migrates its database as a source checkout does.

Forward-only. Each migration runs inside one transaction together with its bookkeeping row, so a
migration that fails leaves no trace and applying twice is a no-op.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from yinling.clock import to_iso
from yinling.store.database import Database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"  # yinling/migrations
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 0001_name.sql: {path.name}")
        found.append(Migration(int(match[1]), match[2], path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError("two migrations share a version number")
    return found


def _statements(script: str) -> list[str]:
    """Split a script into statements (sqlite3.complete_statement knows about quoted ';')."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if not current and line.strip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError("migration ends with an incomplete statement")
    return statements


async def applied_versions(db: Database) -> set[int]:
    rows = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    )
    if not rows:
        return set()
    return {row["version"] for row in await db.fetch_all("SELECT version FROM schema_migrations")}


async def migrate(db: Database, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply what is pending; returns the migrations applied now."""
    await db.write(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    done = await applied_versions(db)
    applied = []
    for migration in discover(directory):
        if migration.version in done:
            continue
        async with db.transaction() as tx:
            for statement in _statements(migration.path.read_text(encoding="utf-8")):
                await tx.execute(statement)
            await tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
                {"v": migration.version, "n": migration.name, "t": to_iso(datetime.now(UTC))},
            )
        log.info("applied migration %04d_%s", migration.version, migration.name)
        applied.append(migration)
    return applied
