"""Broadcast notices (通知公告): one notice to 10,000 bound retirees while 50 of them keep tapping a
menu button, first at Telegram's 30 messages/s, then in paid broadcast mode at 1000/s.

Figures: the rate the bot achieved while the broadcast went out (every message it sent in that
time, notices and replies, per second) over the limit (target >= 0.95 at 30/s), the notices alone
per second (target >= 800 in paid mode), 429s received (target 0), and the time from a tap to the
bot's reply arriving at the sandbox, p50/p95 (target p95 <= 1 s). The bot runs in this process
(BotRuntime, as `yinling serve` runs it); the sandbox and the tapping people each run in a process
of their own. The 30/s part takes about seven minutes: the replies share the 30/s budget.

    python -m bench.broadcast taps URL BOT_ID IDS_FILE STOP_FILE MIN_S MAX_S   (the tapping process)
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.activities import drain_updates
from bench.common import BOT_TOKEN, create_people, percentile, post, sandbox_process, sandbox_stats
from bench.inbound import seed_bound
from bot.runtime import BotRuntime
from bot.transport import Outcome, Sent, Transport
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.models import Actor, BroadcastAudience, BroadcastDraft, Priority, QueuedMessage
from yinling.services import build_services
from yinling.store import outbox as outbox_store
from yinling.store import staff as staff_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

BOT_ID = int(BOT_TOKEN.split(":")[0])
MENU_PRESS = "👤 我的"
NOTICE = "本周四上午九点在老干部活动中心召开情况通报会，请准时参加。"
TAPPERS = 50
TAP_EVERY = (5.0, 15.0)  # seconds between one person's taps, uniformly at random
REPLY_TIMEOUT = 30.0


# ---- the tapping people (a process of their own) ----
async def tap_loop(url: str, bot_id: int, ids: list[int], stop_file: str, every: tuple[float, float]) -> list:
    """Each person taps the menu button, waits for the bot's answer (any bot message that is not
    the notice), then waits a while and taps again, until the stop file exists. Returns
    [wall-clock time of the tap, seconds until the reply arrived (None: none within 30 s)]."""
    results: list[list] = []
    connector = aiohttp.TCPConnector(limit=len(ids) * 2)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def person(uid: int, rng: random.Random) -> None:
            await asyncio.sleep(rng.uniform(0, every[1]))  # spread the first taps
            while not os.path.exists(stop_file):
                tapped_at, started = time.time(), time.perf_counter()
                tap = {"from_id": uid, "text": MENU_PRESS}
                async with http.post(f"{url}/sandbox/bots/{bot_id}/send", json=tap) as resp:
                    cursor = (await resp.json())["message"]["message_id"]
                latency = None
                while latency is None and time.perf_counter() - started < REPLY_TIMEOUT:
                    wait = max(0.01, REPLY_TIMEOUT - (time.perf_counter() - started))
                    async with http.get(f"{url}/sandbox/bots/{bot_id}/chats/{uid}/messages",
                                        params={"after": str(cursor), "wait": f"{wait:.3f}", "min": "1"}) as resp:
                        messages = (await resp.json())["messages"]
                    for message in messages:
                        cursor = max(cursor, message["message_id"])
                        if message["from"]["is_bot"] and NOTICE not in (message.get("text") or ""):
                            latency = time.perf_counter() - started
                            break
                results.append([tapped_at, latency])
                await asyncio.sleep(rng.uniform(*every))

        await asyncio.gather(*(person(uid, random.Random(uid)) for uid in ids))
    return results


# ---- the bot side ----
class Probe:
    """Wraps the sender's transport to note when each message was confirmed sent, by priority."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.notices: list[float] = []
        self.others: list[float] = []

    async def deliver(self, message: QueuedMessage) -> Outcome:
        outcome = await self.inner.deliver(message)
        if isinstance(outcome, Sent):
            (self.notices if message.priority == Priority.BULK else self.others).append(time.perf_counter())
        return outcome


async def run(recipients: int, limit: float, *, paid: bool, tappers: int = TAPPERS) -> dict:
    flood = {"global_rate": 30.0, "private_rate": 1.0, "paid_rate": limit if paid else 1000.0}
    if not paid:
        flood["global_rate"] = limit
    async with sandbox_process(**flood) as url:
        ids = await create_people(url, recipients, BOT_ID)
        async with aiohttp.ClientSession() as http:
            await drain_updates(http, url)
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                _env_file=None, db=Path(folder) / "bench.db", telegram_token=BOT_TOKEN, telegram_api_url=url,
                send_rate=30.0 if paid else limit, paid_broadcast=paid, paid_send_rate=limit,
            )
            db = await Database.connect(settings.db)
            await migrate(db)
            await seed_bound(db, ids)
            services = build_services(settings, db, SystemClock(settings.tz))
            async with db.transaction() as tx:
                staff_id = await staff_store.insert(tx, username="bench", display_name="王芳", role="admin",
                                                    now=services.core.clock.now())
            actor = Actor(staff=await staff_store.get(db, staff_id), ip="127.0.0.1")
            runtime = BotRuntime(settings, services)
            probe = Probe(runtime.sender.transport)
            runtime.sender.transport = probe
            ids_file, stop_file = Path(folder) / "tappers.ids", Path(folder) / "stop"
            ids_file.write_text("\n".join(map(str, ids[:tappers])))
            await runtime.start()
            try:
                async with aiohttp.ClientSession() as http:
                    # Not subprocess.run: the bot shares this event loop and must keep serving the taps.
                    taps = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bench.broadcast", "taps", url, str(BOT_ID), str(ids_file),
                        str(stop_file), str(TAP_EVERY[0]), str(TAP_EVERY[1]), stdout=asyncio.subprocess.PIPE)
                    await asyncio.sleep(TAP_EVERY[1])  # every tapper under way before the notice goes out
                    await post(http, f"{url}/sandbox/stats/reset", {})
                    others_before = len(probe.others)
                    wall_start, start = time.time(), time.perf_counter()
                    broadcast = await services.broadcasts.do_create(
                        actor, BroadcastDraft(text=NOTICE, audience=BroadcastAudience(kind="everyone")))
                    queued_in = time.perf_counter() - start
                    deadline = start + recipients / (limit * 0.5) + 120
                    while len(probe.notices) < broadcast.recipients and time.perf_counter() < deadline:
                        await asyncio.sleep(0.05)
                    end, wall_end = probe.notices[-1] if probe.notices else time.perf_counter(), time.time()
                    replies = sum(1 for t in probe.others[others_before:] if t <= end)
                    stats = await sandbox_stats(http, url)
                    stop_file.touch()
                    tap_output, _ = await taps.communicate()
            finally:
                stop_file.touch()
                await runtime.stop()  # confirms what was sent, so the rows below are final
            counts = await outbox_store.status_counts(db, f"broadcast:{broadcast.id}")
            await db.close()
    elapsed = end - start
    taps_in_window = [(t, lat) for t, lat in json.loads(tap_output) if wall_start <= t <= wall_end]
    latencies = [lat for _, lat in taps_in_window if lat is not None]
    return {
        "recipients": broadcast.recipients, "tappers": tappers, "limit": limit, "paid": paid, "queued_in": queued_in,
        "seconds": elapsed, "notices": len(probe.notices), "replies": replies,
        "rate": (len(probe.notices) + replies) / elapsed, "notice_rate": len(probe.notices) / elapsed,
        "429s": stats.get("too_many_requests"), "rows": counts, "taps": len(taps_in_window),
        "unanswered": sum(lat is None for _, lat in taps_in_window), "latencies": latencies,
    }


def report(r: dict) -> str:
    mode = f"paid broadcast, limit {r['limit']:.0f}/s" if r["paid"] else f"limit {r['limit']:.0f}/s"
    target = " (target >= 800)" if r["paid"] else ""
    lat = r["latencies"]
    return (
        f"broadcast ({mode}): {r['recipients']} recipients (queued in {r['queued_in']:.2f} s), all sent in "
        f"{r['seconds']:.1f} s; outbox rows {r['rows']}\n"
        f"  sent meanwhile: {r['notices']} notices + {r['replies']} replies = {r['rate']:.1f} msgs/s, "
        f"{r['rate'] / r['limit']:.3f} of the limit{'' if r['paid'] else ' (target >= 0.95)'}; notices alone "
        f"{r['notice_rate']:.1f} msgs/s{target}; 429s received: {r['429s']} (target 0)\n"
        f"  {r['tappers']} retirees tapping {MENU_PRESS} every {TAP_EVERY[0]:.0f}-{TAP_EVERY[1]:.0f} s: "
        f"{r['taps']} taps, "
        f"{r['unanswered']} unanswered within {REPLY_TIMEOUT:.0f} s; tap -> reply p50 "
        f"{percentile(lat, 50) * 1000:.0f} ms, p95 {percentile(lat, 95) * 1000:.0f} ms, "
        f"max {max(lat, default=float('nan')) * 1000:.0f} ms (target p95 <= 1000 ms)"
    )


async def main(recipients: int = 10_000) -> list[str]:
    lines = []
    for limit, paid in ((30.0, False), (1000.0, True)):
        started = time.perf_counter()
        result = await run(recipients, limit, paid=paid)
        lines.append(report(result) + f"  [{time.perf_counter() - started:.0f} s with set-up]")
        print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] != ["taps"]:
        sys.exit(__doc__)
    url, bot_id, ids_file, stop_file, low, high = sys.argv[2:8]
    user_ids = [int(line) for line in Path(ids_file).read_text().split() if line.strip()]
    print(json.dumps(asyncio.run(tap_loop(url, int(bot_id), user_ids, stop_file, (float(low), float(high))))))
