"""Roster list under load: 100,000 retirees, 32 concurrent connections, the staff API's list
(pages and filters, as an admin) beside a bare aiohttp JSON endpoint serving a page of the same
size, same machine, same run. Figures: req/s and p99 latency of each, and their ratio."""
from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp

from bench.common import free_port, percentile
from yinling.models import RETIREE_TAGS, RetireeFields
from yinling.passwords import hash_password
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "建国秀英德明淑芬志强桂兰振华玉梅国庆长林丽华守仁春梅文彬海涛"
PASSWORD = "bench-password-1"


async def seed_staff(tx, now: datetime) -> list[int]:
    """50 liaisons and the admin the benchmark logs in as; returns the liaisons' ids."""
    liaisons = [await staff_store.insert(tx, username=f"liaison{i}", display_name=f"干部{i}", role="liaison",
                                         now=now) for i in range(50)]
    await staff_store.insert(tx, username="admin", display_name="管理员", role="admin",
                             password_hash=hash_password(PASSWORD), now=now)
    return liaisons


async def seed(path: Path, count: int) -> None:
    db = await Database.connect(path)
    await migrate(db)
    rng = random.Random(7)
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        liaisons = await seed_staff(tx, now)
        batch = []
        for i in range(count):
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
            batch.append(RetireeFields(
                name=name, birth_date=date(1930 + rng.randrange(30), rng.randrange(1, 13), rng.randrange(1, 28)),
                phones=(f"139{i:08d}",), liaison_id=rng.choice(liaisons), address=f"幸福路{i}号",
                tags=tuple(rng.sample(RETIREE_TAGS, rng.randrange(3))), party_member=rng.random() < 0.6,
            ))
            if len(batch) == 10_000:
                await retiree_store.insert_records(tx, batch, now=now)
                batch = []
        if batch:
            await retiree_store.insert_records(tx, batch, now=now)
    await db.close()


def page_requests(rng: random.Random) -> str:
    return f"/api/v1/retirees?page={rng.randrange(1, 51)}&per_page=20"


def requests_for(rng: random.Random) -> str:
    """What staff do with the list: mostly pages, sometimes a filter or a search."""
    roll = rng.random()
    if roll < 0.6:
        return f"/api/v1/retirees?page={rng.randrange(1, 51)}&per_page=20"
    if roll < 0.75:
        return f"/api/v1/retirees?tag={rng.choice(RETIREE_TAGS)}&page={rng.randrange(1, 6)}"
    if roll < 0.9:
        return f"/api/v1/retirees?liaison_id={rng.randrange(1, 51)}"
    return f"/api/v1/retirees?q={rng.choice(SURNAMES)}{rng.choice(GIVEN)}"


async def load(base: str, paths, headers: dict, seconds: float, connections: int = 32) -> tuple[float, float, int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections), headers=headers) as http:
        async def worker(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with http.get(base + paths(rng)) as resp:
                    await resp.read()
                    errors += resp.status != 200
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, percentile(latencies, 99) * 1000, errors


async def beside_bare(
    db_path: Path, sample: str, workloads, seconds: float, *, page_cache: bool = True
) -> list[tuple[float, float, int]]:
    """Serve the staff API over `db_path` in its own process, log in as admin, give the bare endpoint
    the page `sample` answers, then load each workload and the bare endpoint in turn: one
    (req/s, p99 ms, errors) for each workload, then the bare endpoint's."""
    api_port, bare_port = free_port(), free_port()
    api, bare_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{bare_port}"
    server = subprocess.Popen([sys.executable, "-m", "bench.roster_server", str(db_path), str(api_port), str(bare_port),
                               *([] if page_cache else ["nocache"])], stdout=subprocess.PIPE)
    try:
        assert server.stdout.readline().strip() == b"ready"
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{api}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}) as r:
                headers = {"Authorization": f"Bearer {(await r.json())['token']}"}
            async with http.get(api + sample, headers=headers) as r:
                page = await r.json()
            async with http.put(f"{bare_url}/bare", json=page) as r:
                assert r.status == 204
        results = [await load(api, workload, headers, seconds) for workload in workloads]
        return [*results, await load(bare_url, lambda rng: "/bare", {}, seconds)]
    finally:
        server.terminate()
        server.wait(10)


async def main(count: int = 100_000, seconds: float = 10.0) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.db"
        t = time.perf_counter()
        await seed(path, count)
        seeded = time.perf_counter() - t
        pages, mixed, bare = await beside_bare(path, "/api/v1/retirees?per_page=20",
                                               [page_requests, requests_for], seconds)
    line = (
        f"roster list: {count} retirees (seeded in {seeded:.1f} s), 32 connections, {seconds:.0f} s each:\n"
        f"  GET /api/v1/retirees, pages 1-50                     {pages[0]:7.0f} req/s  p99 {pages[1]:6.1f} ms"
        f"  errors {pages[2]}\n"
        f"  the same, mixed with tag/liaison filters and search  {mixed[0]:7.0f} req/s  p99 {mixed[1]:6.1f} ms"
        f"  errors {mixed[2]}\n"
        f"  bare aiohttp JSON endpoint (same page)              {bare[0]:7.0f} req/s  p99 {bare[1]:6.1f} ms\n"
        f"  ratio to bare: pages {pages[0] / bare[0]:.2f}, mixed {mixed[0] / bare[0]:.2f}"
    )
    print(line, flush=True)
    return [line]
