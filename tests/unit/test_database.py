import asyncio

import pytest


async def test_connection_uses_wal_busy_timeout_and_foreign_keys(db):
    assert (await db.fetch_value("PRAGMA journal_mode")).lower() == "wal"
    assert await db.fetch_value("PRAGMA busy_timeout") >= 5000
    assert await db.fetch_value("PRAGMA foreign_keys") == 1


async def test_a_failed_transaction_writes_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO processed_updates (update_id, received_at) VALUES (1, 'x')")
            raise RuntimeError("boom")
    assert await db.fetch_value("SELECT count(*) FROM processed_updates") == 0


async def test_concurrent_transactions_do_not_interleave(db):
    """Two coroutines on the one writer connection: each transaction sees only its own rows."""
    seen = {}

    async def writer(base: int) -> None:
        async with db.transaction() as tx:
            for i in range(5):
                await tx.execute("INSERT INTO processed_updates (update_id, received_at) VALUES (?, 'x')", (base + i,))
                await asyncio.sleep(0)
            seen[base] = await tx.fetch_all("SELECT update_id FROM processed_updates ORDER BY update_id")
            if base == 100:
                raise RuntimeError("roll back only this one")

    results = await asyncio.gather(writer(100), writer(200), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    rows = await db.fetch_all("SELECT update_id FROM processed_updates ORDER BY update_id")
    assert [r[0] for r in rows] == list(range(200, 205))


async def test_after_commit_runs_only_when_committed(db):
    calls = []
    async with db.transaction() as tx:
        tx.after_commit(lambda: calls.append("committed"))
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            tx.after_commit(lambda: calls.append("rolled back"))
            raise RuntimeError
    assert calls == ["committed"]


async def test_checkpoints_run_in_the_background_so_the_wal_stays_small(db):
    """The writer does not checkpoint inside its commits (that blocked the event loop); a reader
    does, every so many commits. Without it the WAL would hold every one of these commits."""
    for i in range(3000):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO processed_updates (update_id, received_at) VALUES (?, ?)", (i, "x"))
        await asyncio.sleep(0)  # a server's loop turns between transactions (network I/O)
    if db._checkpointing is not None:
        await db._checkpointing
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.stat().st_size < 4 * 1024 * 1024  # 3000 commits unchecked: about 24 MB
    assert await db.fetch_value("SELECT count(*) FROM processed_updates") == 3000
