"""The help-request triage list with 1,000,000 requests in the database, at 32 concurrent
connections, beside a bare aiohttp JSON endpoint serving the same page (issue 4's targets: p99 <= 20
ms and >= 0.25 of the bare endpoint's throughput)."""
from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.roster import beside_bare, seed_staff
from yinling.models import HELP_CATEGORIES, RetireeFields
from yinling.store import help as help_store
from yinling.store import retirees as retiree_store
from yinling.store.database import Database
from yinling.store.migrate import migrate


async def seed(path: Path, requests: int, retirees: int = 10_000) -> None:
    db = await Database.connect(path)
    await migrate(db)
    rng = random.Random(11)
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        liaisons = await seed_staff(tx, now)
        people = await retiree_store.insert_records(
            tx, [RetireeFields(name=f"老同志{i}", birth_date=date(1940, 1, 1), liaison_id=rng.choice(liaisons))
                 for i in range(retirees)], now=now)
        batch = []
        for i in range(requests):
            created = now - timedelta(minutes=(requests - i) * 1.0)  # about two years, oldest first
            roll = rng.random()
            status = "closed" if roll < 0.93 else "resolved" if roll < 0.96 else "open" if roll < 0.98 else "new"
            answered = status != "new"
            batch.append({
                "retiree_id": rng.choice(people), "category": rng.choice(HELP_CATEGORIES),
                "priority": rng.choice(("normal",) * 8 + ("high", "urgent")), "status": status,
                "assignee_id": rng.choice(liaisons), "summary": f"求助内容{i}", "created_at": created,
                "first_response_at": created + timedelta(hours=2) if answered else None,
                "resolved_at": created + timedelta(days=2) if status in ("resolved", "closed") else None,
                "closed_at": created + timedelta(days=3) if status == "closed" else None,
                "first_response_due": created + timedelta(days=1), "resolution_due": created + timedelta(days=7),
                "satisfaction": rng.choice(("满意", "基本满意", "不满意", None)) if status == "closed" else None,
            })
            if len(batch) == 50_000:
                await help_store.create_many(tx, batch)
                batch = []
        if batch:
            await help_store.create_many(tx, batch)
    await db.close()


def queue_requests(rng: random.Random) -> str:
    """What triage looks like: the open queue, mine, urgent first, sometimes all of it."""
    roll = rng.random()
    if roll < 0.4:
        return f"/api/v1/help-requests?status=open&page={rng.randrange(1, 6)}"
    if roll < 0.6:
        return "/api/v1/help-requests?status=new&sort=priority"
    if roll < 0.8:
        return f"/api/v1/help-requests?assignee={rng.randrange(1, 51)}"
    return f"/api/v1/help-requests?page={rng.randrange(1, 51)}"


async def main(count: int = 1_000_000, seconds: float = 10.0) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "help.db"
        t = time.perf_counter()
        await seed(path, count)
        seeded = time.perf_counter() - t
        sample = "/api/v1/help-requests?status=open"
        ours, bare = await beside_bare(path, sample, [queue_requests], seconds)
        cold, _ = await beside_bare(path, sample, [queue_requests], seconds, page_cache=False)
    line = (
        f"help triage list: {count} requests (seeded in {seeded:.0f} s), 32 connections, {seconds:.0f} s each:\n"
        f"  GET /api/v1/help-requests (open, new by priority, by assignee, all)  {ours[0]:7.0f} req/s"
        f"  p99 {ours[1]:7.1f} ms  errors {ours[2]}\n"
        f"  the same with the one-second page cache off                     {cold[0]:7.0f} req/s"
        f"  p99 {cold[1]:7.1f} ms  errors {cold[2]}\n"
        f"  bare aiohttp JSON endpoint (same page)                          {bare[0]:7.0f} req/s"
        f"  p99 {bare[1]:7.1f} ms\n"
        f"  ratio {ours[0] / bare[0]:.2f}, uncached {cold[0] / bare[0]:.2f} (targets: p99 <= 20 ms, ratio >= 0.25)"
    )
    print(line, flush=True)
    return [line]
