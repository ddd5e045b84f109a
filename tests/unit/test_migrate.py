from pathlib import Path

import pytest

from yinling.store.database import Database
from yinling.store.migrate import applied_versions, discover, migrate


async def test_fresh_database_gets_every_migration_recorded(tmp_path):
    db = await Database.connect(tmp_path / "a.db")
    try:
        applied = await migrate(db)
        assert [m.version for m in applied] == [m.version for m in discover()]
        assert await applied_versions(db) == {m.version for m in discover()}
        tables = {r["name"] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"retirees", "staff", "processed_updates", "dialogs", "outbox", "schema_migrations"} <= tables
    finally:
        await db.close()


async def test_applying_twice_is_a_no_op(tmp_path):
    db = await Database.connect(tmp_path / "a.db")
    try:
        await migrate(db)
        schema_before = await db.fetch_all("SELECT sql FROM sqlite_master ORDER BY name")
        assert await migrate(db) == []
        assert await db.fetch_all("SELECT sql FROM sqlite_master ORDER BY name") == schema_before
    finally:
        await db.close()


async def test_a_failing_migration_leaves_no_trace_and_later_ones_wait(tmp_path: Path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_good.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_bad.sql").write_text("CREATE TABLE b (y INTEGER);\nINSERT INTO nowhere VALUES (1);")
    (folder / "0003_after.sql").write_text("CREATE TABLE c (z INTEGER);")
    db = await Database.connect(tmp_path / "a.db")
    try:
        with pytest.raises(Exception, match="nowhere"):
            await migrate(db, folder)
        assert await applied_versions(db) == {1}
        tables = {r["name"] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "b" not in tables and "c" not in tables
    finally:
        await db.close()


def test_badly_named_migration_is_refused(tmp_path):
    (tmp_path / "init.sql").write_text("")
    with pytest.raises(ValueError, match=r"0001_name\.sql"):
        discover(tmp_path)
