"""Shared pieces of the benchmarks: a sandbox in its own process, bulk people, figures."""
from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

BOT_TOKEN = "700000002:bench-token-for-the-local-sandbox"
ECHO_TOKEN = "700000003:bench-echo-token-for-the-sandbox"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def sandbox_process(**flood: float) -> AsyncIterator[str]:
    """The sandbox in its own process, so it has its own core (this machine has two)."""
    port = free_port()
    args = [sys.executable, "-m", "sandbox", "--port", str(port), "--bot", BOT_TOKEN, "--bot", ECHO_TOKEN]
    for name, value in flood.items():
        args += ["--" + name.replace("_", "-"), str(value)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"{url}/sandbox/stats") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError("sandbox did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


async def bulk(calls, concurrency: int = 64) -> list:
    """Run coroutine factories with bounded concurrency."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(factory):
        async with semaphore:
            return await factory()

    return await asyncio.gather(*(one(f) for f in calls))


async def post(http: aiohttp.ClientSession, url: str, body: dict) -> dict:
    async with http.post(url, json=body) as resp:
        data = await resp.json()
        if resp.status >= 400:
            raise RuntimeError(f"{url}: {resp.status} {data}")
        return data


async def create_people(url: str, count: int, bot_id: int, *, first_message: str | None = "/start") -> list[int]:
    """`count` sandbox users; each writes once to the bot so their private chat exists."""
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as http:
        users = await bulk(
            [lambda i=i: post(http, f"{url}/sandbox/users", {"first_name": f"用户{i}", "phone_number": f"139{i:08d}"})
             for i in range(count)]
        )
        ids = [u["id"] if "id" in u else u["user"]["id"] for u in users]
        if first_message is not None:
            send = f"{url}/sandbox/bots/{bot_id}/send"
            await bulk([lambda uid=uid: post(http, send, {"from_id": uid, "text": first_message}) for uid in ids])
    return ids


async def sandbox_stats(http: aiohttp.ClientSession, url: str) -> dict:
    async with http.get(f"{url}/sandbox/stats") as resp:
        return await resp.json()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Stopwatch:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start


@dataclass(frozen=True)
class Figures:
    """One load run: throughput, latency percentiles (ms), non-200 answers."""

    rate: float
    p50: float
    p99: float
    errors: int

    def line(self) -> str:
        return f"{self.rate:7.0f} req/s  p50 {self.p50:6.1f} ms  p99 {self.p99:6.1f} ms  errors {self.errors}"


async def load_figures(base: str, paths: Callable[[random.Random], str], headers: dict, seconds: float,
                       connections: int = 32) -> Figures:
    """`connections` clients, each asking for `paths(rng)` again and again for `seconds`."""
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
    return Figures(len(latencies) / elapsed, percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000, errors)


@asynccontextmanager
async def api_beside_bare(db_path: Path, sample: str, login: dict, *, page_cache: bool = True
                          ) -> AsyncIterator[tuple[str, str, dict]]:
    """The staff API over `db_path` and a bare aiohttp JSON endpoint, both in one server process of
    their own (bench.roster_server), the bare one given the page `sample` answers. Yields the API's
    base URL, the bare endpoint's URL and the headers of a logged-in staff member (`login`)."""
    api_port, bare_port = free_port(), free_port()
    api, bare = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{bare_port}"
    server = subprocess.Popen([sys.executable, "-m", "bench.roster_server", str(db_path), str(api_port),
                               str(bare_port), *([] if page_cache else ["nocache"])], stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == b"ready"
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{api}/api/v1/auth/login", json=login) as resp:
                headers = {"Authorization": f"Bearer {(await resp.json())['token']}"}
            async with http.get(api + sample, headers=headers) as resp:
                page = await resp.json()
            async with http.put(f"{bare}/bare", json=page) as resp:
                assert resp.status == 204
        yield api, f"{bare}/bare", headers
    finally:
        server.terminate()
        server.wait(10)
