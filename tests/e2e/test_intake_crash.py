"""No acknowledged update is lost to a crash, and none is handled twice: a burst of a few thousand
texts from many bound retirees, the serving process killed with SIGKILL at 3 random moments and
restarted each time, in polling and in webhook mode.

Each text carries a unique marker and arrives while the retiree is idle, so the bot keeps it as a
留言 (one inbound_messages row): that row is the observable effect. The sandbox records which updates
the bot acknowledged, as Telegram would forget them: polling, when a later getUpdates offset passed
them; webhook, when their delivery was answered 2xx (it retries anything else). Afterwards every
acknowledged update must have exactly one row. Before the durable intake, a kill lost whatever was
acknowledged but not yet handled; the figures printed per kill show how many that was each time
("acknowledged, not yet handled": the restart found them in the intake and handled them).

The real `yinling serve` runs as a subprocess against an in-process sandbox (see
test_broadcast_crash.py, whose Server this reuses). The moments are random but seeded (the seed is
printed; YINLING_CRASH_SEED=N repeats a run): each kill comes when the sandbox has seen a random
number of acknowledgements, one in each third of the burst, plus a random few milliseconds.
"""
from __future__ import annotations

import asyncio
import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.client import SandboxClient
from sandbox.flood import FloodConfig
from sandbox.server import SandboxConfig, start_sandbox
from tests.e2e.conftest import BOT_ID, TOKEN
from tests.e2e.test_broadcast_crash import Server, bulk, eventually
from tests.factories import bind_many
from yinling.store.database import Database
from yinling.store.migrate import migrate

pytestmark = pytest.mark.slow

PEOPLE = 200
UPDATES = 3_000  # per mode
WRITE_RATE = 1_000  # texts/s the people send, in all: faster than the bot handles them, so a backlog builds
KILLS = 3
WEBHOOK_SECRET = "intake-crash-secret_1"


def marker(i: int) -> str:
    return f"想跟组织说一声，第{i:05d}条"


@pytest.fixture
async def sandbox():
    """No flood limits (the bot's replies are not what is measured); webhook retries come quickly."""
    flood = FloodConfig(global_rate=0, paid_rate=0, private_rate=0, group_per_minute=0)
    config = SandboxConfig(bots=[TOKEN], flood=flood, webhook_retry_initial=0.05, webhook_retry_max=0.5)
    server = await start_sandbox(config, host="127.0.0.1", port=0)
    yield server
    await server.stop()


async def bind_everyone(path: Path, user_ids: list[int]) -> None:
    db = await Database.connect(path)
    try:
        await migrate(db)
        now = datetime.now(UTC)
        async with db.transaction() as tx:
            await bind_many(tx, user_ids, now=now)
    finally:
        await db.close()


async def write_burst(sb: SandboxClient, people: list[int], sent: dict[int, str], rng: random.Random) -> None:
    """UPDATES texts at WRITE_RATE, each from a random person; `sent` maps update id -> marker."""
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> None:
        async with gate:
            body = {"from_id": rng.choice(people), "text": marker(i)}
            result = await sb.request("POST", f"/sandbox/bots/{BOT_ID}/send", body)
            sent[result["update_id"]] = marker(i)

    began = loop.time()
    tasks = []
    for i in range(UPDATES):
        pause = began + i / WRITE_RATE - loop.time()
        if pause > 0:
            await asyncio.sleep(pause)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)


async def acknowledged_total(sb: SandboxClient) -> int:
    data = await sb.request("GET", f"/sandbox/bots/{BOT_ID}/acknowledged", params={"start": 10**9})
    return data["total"]


async def effects(db_path: Path) -> dict[str, int]:
    """Marker -> how many 留言 rows carry it."""
    db = await Database.connect(db_path)
    try:
        rows = await db.fetch_all("SELECT text, count(*) AS n FROM inbound_messages"
                                  " WHERE text LIKE '想跟组织说一声%' GROUP BY text")
        return {row["text"]: row["n"] for row in rows}
    finally:
        await db.close()


async def unprocessed_count(db_path: Path) -> int:
    db = await Database.connect(db_path)
    try:
        return await db.fetch_value("SELECT count(*) FROM inbound_updates WHERE processed_at IS NULL")
    finally:
        await db.close()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_every_acknowledged_update_is_handled_exactly_once_across_three_sigkills(tmp_path, sandbox, sb, mode):
    seed = int(os.environ.get("YINLING_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\n{mode}: crash test seed {seed} (YINLING_CRASH_SEED={seed} repeats these moments)")
    rng = random.Random(seed)
    began = time.monotonic()

    people = [p.id for p in await bulk([lambda i=i: sb.create_user(f"老同志{i}", bot_id=BOT_ID)
                                        for i in range(PEOPLE)])]
    server = Server(tmp_path, sandbox.url)
    server.env.update(YINLING_SEND_RATE="5000", YINLING_PRIVATE_CHAT_RATE="100")
    if mode == "webhook":
        server.env.update(YINLING_WEBHOOK_URL=f"{server.url}/telegram/webhook", YINLING_WEBHOOK_SECRET=WEBHOOK_SECRET)
    await bind_everyone(server.db_path, people)
    sent: dict[int, str] = {}
    kills: list[dict] = []
    counted: set[int] = set()
    load: asyncio.Task | None = None
    try:
        await server.start()
        load = asyncio.create_task(write_burst(sb, people, sent, rng))
        for k in range(KILLS):
            low, high = UPDATES * (0.1 + 0.8 * k / KILLS), UPDATES * (0.1 + 0.8 * (k + 1) / KILLS)
            target = max(int(rng.uniform(low, high)), await acknowledged_total(sb) + 30)

            async def reached(target: int = target) -> bool:
                return await acknowledged_total(sb) >= target

            await eventually(reached, timeout=60, every=0.005, detail=server.log_tail,
                             what=f"{target} acknowledged updates before kill {k + 1}")
            await asyncio.sleep(rng.uniform(0, 0.03))
            await server.kill()
            # The process is dead: what it acknowledged but had not yet handled is what a crash used to lose.
            acked = set(await sb.acknowledged(BOT_ID))
            done = await effects(server.db_path)
            # acknowledged, no effect yet, and not counted at an earlier kill
            at_risk = {u for u in acked if u in sent and sent[u] not in done} - counted
            counted |= at_risk
            stored = await unprocessed_count(server.db_path)
            restart_s = await server.start()
            kills.append({"acknowledged": len(acked), "at_risk": len(at_risk), "stored_unprocessed": stored,
                          "restart_s": round(restart_s, 1)})
            print(f"kill {k + 1}: {len(acked)} acknowledged so far, {len(at_risk)} more of them not yet handled; "
                  f"{stored} stored without a processed mark, handled first after the restart "
                  f"({restart_s:.1f} s; any already handled are recognised as replays)")
        await load

        progress = {"kept": -1, "since": time.monotonic()}

        async def settled() -> bool:
            """Everything acknowledged, and every text kept or (what a lost update looks like) no
            more kept for 3 s: then the figures below tell which."""
            kept = len(await effects(server.db_path))
            if kept != progress["kept"]:
                progress.update(kept=kept, since=time.monotonic())
            if await acknowledged_total(sb) < UPDATES:
                return False
            return kept == UPDATES or time.monotonic() - progress["since"] > 3

        await eventually(settled, timeout=60, every=0.2, detail=server.log_tail,
                         what=f"all {UPDATES} texts acknowledged and handled")
    finally:
        if load is not None and not load.done():
            load.cancel()
        returncode = await server.stop()

    acked = [u for u in await sb.acknowledged(BOT_ID) if u in sent]
    done = await effects(server.db_path)
    lost = [u for u in acked if done.get(sent[u], 0) == 0]
    duplicated = sum(n - 1 for n in done.values() if n > 1)
    print(f"{mode}: {len(sent)} sent, {len(acked)} acknowledged, {len(lost)} lost, {duplicated} duplicated; "
          f"{sum(k['at_risk'] for k in kills)} were acknowledged but not yet handled at the kills; "
          f"{time.monotonic() - began:.1f} s in all")
    assert not lost, f"{len(lost)} acknowledged updates never handled, e.g. {lost[:10]} (seed {seed})"
    assert duplicated == 0, f"{duplicated} texts kept more than once (seed {seed})"
    assert len(acked) == len(sent) == UPDATES
    assert returncode == 0, f"serve did not stop cleanly on SIGTERM ({returncode}):\n{server.log_tail()}"
