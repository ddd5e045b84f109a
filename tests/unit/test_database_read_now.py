"""Database.read_now: list reads on the loop's own thread, read-only, and never holding the loop long."""
from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest

# About a second of work for SQLite: far past read_now's budget.
SLOW = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)"
        " SELECT count(*) AS c FROM n")


async def test_read_now_sees_what_was_committed_before_it(db):
    await db.write("INSERT INTO processed_updates (update_id, received_at) VALUES (7, 'x')")
    rows = await db.read_now("SELECT update_id FROM processed_updates WHERE update_id = ?", (7,))
    assert [row["update_id"] for row in rows] == [7]
    await db.write("INSERT INTO processed_updates (update_id, received_at) VALUES (8, 'x')")
    assert (await db.bounded.fetch_one("SELECT count(*) AS n FROM processed_updates"))["n"] == 2


async def test_read_now_cannot_write(db):
    with pytest.raises(sqlite3.OperationalError):
        await db.read_now("INSERT INTO processed_updates (update_id, received_at) VALUES (9, 'x')")
    assert await db.fetch_value("SELECT count(*) FROM processed_updates") == 0


async def test_a_read_past_the_budget_finishes_on_a_reader_thread_without_holding_the_loop(db):
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    started = time.perf_counter()
    row = await db.bounded.fetch_one(SLOW)
    took = time.perf_counter() - started
    await asyncio.sleep(0.02)  # the ticker notes the gap the query left, if it held the loop
    ticking.cancel()
    assert row["c"] == 3000000  # the whole answer, from the reader thread
    # the loop kept ticking while the query ran: no gap near the query's own time
    assert max(gaps) < max(0.1, took / 2), (max(gaps), took)
