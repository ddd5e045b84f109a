"""A broadcast survives its serving process being killed: a 2,000-recipient notice, the process
killed with SIGKILL at 3 random moments while it sends and restarted each time; afterwards every
recipient has the notice and the duplicates are at most the messages in flight at the kills.

The real `yinling serve` runs as a subprocess against an in-process sandbox. To keep the test well
under a minute it sends at 200 messages/s (YINLING_SEND_RATE=200, the sandbox's overall limit raised
to match) instead of Telegram's 30/s: 2,000 notices take about 10 s of sending, plus the restarts.

The in-flight bound is read from the database after each kill, when the dead process can no longer
change it: outbox rows of the broadcast still `claimed` (claimed but not yet sent, sent but not yet
confirmed). Start-up requeues exactly those, so only they can arrive twice. The moments are random
but seeded (the seed is printed; YINLING_CRASH_SEED=N repeats a run): each kill comes when the
sandbox has received a random number of messages, one from each third of the broadcast.
"""
from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from sandbox.client import SandboxClient
from sandbox.flood import FloodConfig
from sandbox.server import SandboxConfig, start_sandbox
from tests.e2e.conftest import BOT_ID, TOKEN
from tests.e2e.test_process import clean_env
from tests.e2e.test_resilience import free_port
from tests.factories import bind_many
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.services import build_services
from yinling.store.database import Database
from yinling.store.migrate import migrate

pytestmark = pytest.mark.slow

RECIPIENTS = 2_000
RATE = 200  # messages/s, for the bot and the sandbox alike
KILLS = 3
NOTICE = "通知公告：本周四上午九点在老干部活动中心召开情况通报会，请准时参加。"
ADMIN, PASSWORD = "admin", "crash-test-password-1"
CONCURRENCY = 64


async def bulk(factories: list[Callable[[], Awaitable]], concurrency: int = CONCURRENCY) -> list:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(factory):
        async with semaphore:
            return await factory()

    return await asyncio.gather(*(one(f) for f in factories))


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str, every: float = 0.05,
                     detail: Callable[[], str] = str) -> None:
    """Like helpers.eventually, polling faster if asked; `detail()` is added to the timeout's message."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{detail()}")
        await asyncio.sleep(every)


@pytest.fixture
async def sandbox():
    """The e2e sandbox (conftest's `sb` drives it), with its overall limit raised to RATE."""
    flood = FloodConfig(global_rate=RATE, paid_rate=None)
    server = await start_sandbox(SandboxConfig(bots=[TOKEN], flood=flood), host="127.0.0.1", port=0)
    yield server
    await server.stop()


async def open_private_chats(sb: SandboxClient, count: int) -> list[int]:
    """`count` people who each wrote /start, so the bot may write to them; the updates are then
    confirmed unread, as a bot that handled them long ago would have."""
    people = await bulk([lambda i=i: sb.create_user(f"老同志{i}", phone_number=f"139{i:08d}", bot_id=BOT_ID)
                         for i in range(count)])
    await bulk([lambda p=p: p.send_text("/start") for p in people])
    api = f"{sb.base_url}/bot{TOKEN}/getUpdates"
    async with sb.session.post(api, json={"offset": -1, "timeout": 0}) as resp:
        last = (await resp.json())["result"]
    if last:
        async with sb.session.post(api, json={"offset": last[-1]["update_id"] + 1, "timeout": 0}) as resp:
            assert (await resp.json())["result"] == []
    return [p.id for p in people]


async def prepare_database(path: Path, user_ids: list[int]) -> None:
    """Every person a retiree bound to their chat, and an admin who can log in to the staff API."""
    settings = Settings(_env_file=None, db=path)
    db = await Database.connect(path)
    try:
        await migrate(db)
        now = datetime.now(UTC)
        async with db.transaction() as tx:
            await bind_many(tx, user_ids, now=now)
        services = build_services(settings, db, SystemClock(settings.tz))
        await services.staff.do_create_staff(ADMIN, "admin", PASSWORD)
    finally:
        await db.close()


class Server:
    """`yinling serve` as a subprocess; its output goes to a log file (a pipe nobody reads would
    fill and stall it), shown when something fails."""

    def __init__(self, tmp_path: Path, sandbox_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = tmp_path / "yinling.db"
        self.log_path = tmp_path / "serve.log"
        self.cwd = tmp_path
        self.env = clean_env(
            YINLING_DB=str(self.db_path), YINLING_TELEGRAM_TOKEN=TOKEN, YINLING_TELEGRAM_API_URL=sandbox_url,
            YINLING_ADMIN_PORT=str(self.port), YINLING_SEND_RATE=str(RATE), YINLING_OUTBOX_POLL_SECONDS="0.2",
        )
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> float:
        """Start and wait until the staff API answers; returns the seconds that took."""
        started = time.monotonic()
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"---- start {self.starts} ----\n".encode())
            log.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "serve.cli", "serve", env=self.env, cwd=self.cwd,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )
        async with aiohttp.ClientSession() as http:
            async def healthy() -> bool:
                assert self.proc is not None
                if self.proc.returncode is not None:
                    raise AssertionError(f"serve exited with {self.proc.returncode}:\n{self.log_tail()}")
                try:
                    async with http.get(f"{self.url}/healthz") as resp:
                        return resp.status == 200
                except aiohttp.ClientError:
                    return False

            await eventually(healthy, timeout=60, what=f"start {self.starts} of serve to answer /healthz",
                             detail=self.log_tail)
        return time.monotonic() - started

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(self.proc.wait(), 30)
        assert self.proc.returncode == -signal.SIGKILL

    async def stop(self) -> int | None:
        if self.proc is None or self.proc.returncode is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            return None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log)"


class StaffApi:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.token: str | None = None

    async def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with (aiohttp.ClientSession() as http,
                    http.request(method, self.base_url + path, json=body, headers=headers) as resp):
            return resp.status, await resp.json(content_type=None)

    async def login(self) -> None:
        status, body = await self.call("POST", "/api/v1/auth/login", {"username": ADMIN, "password": PASSWORD})
        assert status == 200, f"login failed: {status} {body}"
        self.token = body["token"]


async def outbox_by_status(db_path: Path, source: str) -> dict[str, int]:
    db = await Database.connect(db_path)
    try:
        rows = await db.fetch_all("SELECT status, count(*) AS n FROM outbox WHERE source = :s GROUP BY status",
                                  {"s": source})
        return {row["status"]: row["n"] for row in rows}
    finally:
        await db.close()


async def claimed_chats(db_path: Path, source: str) -> list[int]:
    db = await Database.connect(db_path)
    try:
        rows = await db.fetch_all("SELECT chat_id FROM outbox WHERE source = :s AND status = 'claimed'", {"s": source})
        return [row["chat_id"] for row in rows]
    finally:
        await db.close()


async def notices_received(sb: SandboxClient, chat_id: int) -> int:
    """How many copies of the notice the person has, by what the sandbox recorded in their chat."""
    return sum(1 for m in await sb.chat_messages(BOT_ID, chat_id)
               if m.get("from", {}).get("is_bot") and NOTICE in (m.get("text") or m.get("caption") or ""))


async def test_a_broadcast_reaches_everyone_across_three_sigkills_with_duplicates_bounded_by_in_flight(
    tmp_path, sandbox, sb
):
    seed = int(os.environ.get("YINLING_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\ncrash test seed: {seed} (YINLING_CRASH_SEED={seed} repeats these moments)")
    rng = random.Random(seed)
    began = time.monotonic()

    user_ids = await open_private_chats(sb, RECIPIENTS)
    server = Server(tmp_path, sandbox.url)
    await prepare_database(server.db_path, user_ids)
    staff = StaffApi(server.url)
    try:
        await server.start()
        await staff.login()
        await sb.reset_stats()
        status, created = await staff.call("POST", "/api/v1/broadcasts", {
            "text": NOTICE, "audience": {"kind": "everyone"}, "require_ack": False, "schedule_at": None,
            "dry_run": False,
        })
        assert status == 201, f"creating the broadcast: {status} {created}"
        broadcast = created.get("broadcast", created)  # the broadcast itself, beside its report
        assert broadcast["status"] == "sending" and broadcast["recipients"] == RECIPIENTS, created
        source = f"broadcast:{broadcast['id']}"
        queued = await outbox_by_status(server.db_path, source)
        assert sum(queued.values()) == RECIPIENTS, f"one outbox row per recipient expected, found {queued}"

        # One kill in each third of the broadcast, at a random count of messages the sandbox received.
        thirds = [(RECIPIENTS * (0.05 + 0.85 * k / KILLS), RECIPIENTS * (0.05 + 0.85 * (k + 1) / KILLS))
                  for k in range(KILLS)]
        kills: list[dict] = []
        for k, (low, high) in enumerate(thirds):
            arrived_at_restart = (await sb.stats())["messages_sent"]
            target = max(int(rng.uniform(low, high)), arrived_at_restart + 20)

            async def reached(target: int = target) -> bool:
                return (await sb.stats())["messages_sent"] >= target

            await eventually(reached, timeout=60, every=0.01, detail=server.log_tail,
                             what=f"{target} messages at the sandbox before kill {k + 1}")
            await server.kill()
            arrived = (await sb.stats())["messages_sent"]
            await asyncio.sleep(0.3)  # sends the sandbox had read before the kill finish being recorded
            in_flight = await claimed_chats(server.db_path, source)
            already_there = sum(await bulk([lambda c=c: notices_received(sb, c) for c in in_flight]))
            restart_seconds = await server.start()
            kills.append({"at": target, "arrived": arrived, "in_flight": len(in_flight),
                          "sent_unconfirmed": already_there, "restart_s": round(restart_seconds, 1)})
            print(f"kill {k + 1}: at {arrived} messages received; {len(in_flight)} rows claimed (in flight), "
                  f"{already_there} of them already delivered but unconfirmed; restarted in {restart_seconds:.1f} s")

        async def report_all_sent() -> bool:
            status, body = await staff.call("GET", f"/api/v1/broadcasts/{broadcast['id']}")
            assert status == 200, f"reading the broadcast: {status} {body}"
            report = body["report"]
            assert report["failed"] == 0 and report.get("unreachable", report.get("blocked")) == 0, report
            return report["sent"] == RECIPIENTS

        # The token from before the kills still works: sessions live in the database.
        await eventually(report_all_sent, timeout=120, every=0.2, detail=server.log_tail,
                         what=f"the report to say all {RECIPIENTS} sent")
        final = await outbox_by_status(server.db_path, source)
        assert final == {"sent": RECIPIENTS}, f"outbox rows of the broadcast at the end: {final}"

        counts = dict(zip(user_ids, await bulk([lambda u=u: notices_received(sb, u) for u in user_ids]), strict=True))
        missing = [u for u, n in counts.items() if n == 0]
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        bound = sum(k["in_flight"] for k in kills)
        elapsed = time.monotonic() - began
        print(f"{RECIPIENTS} recipients, {sum(counts.values())} notices received, {len(missing)} missing, "
              f"{duplicates} duplicates <= {bound} in flight at the kills "
              f"({sum(k['sent_unconfirmed'] for k in kills)} sent but unconfirmed); kills: {kills}; "
              f"{elapsed:.1f} s in all")
        assert not missing, f"{len(missing)} recipients never got the notice, e.g. chats {missing[:10]} (seed {seed})"
        assert duplicates <= bound, (
            f"{duplicates} duplicate notices, more than the {bound} messages in flight at the kills "
            f"({kills}; seed {seed})")
    finally:
        returncode = await server.stop()
    assert returncode == 0, f"serve did not stop cleanly on SIGTERM ({returncode}):\n{server.log_tail()}"
