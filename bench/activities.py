"""A rush on one activity: 2,000 retirees tap 报名 within about a second for 100 seats, the bot
sending at Telegram's 30 messages/s. Each tap is answered where it was made (the button's answer,
which Telegram does not count against the sending limit) with the outcome, and a message follows
with the details through the outbox at interactive priority.

Checks: exactly 100 confirmed, 1,900 waiting with positions 1..1,900, every tap answered. Reports the
time to answer a tap (p50/p99; target p99 <= 2 s) and when the follow-up messages arrived (bounded
by 30/s: 2,000 take about 67 s). The taps come from a separate process; the sandbox has its own."""
from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from bench.common import BOT_TOKEN, Stopwatch, create_people, percentile, post, sandbox_process, sandbox_stats
from bench.inbound import seed_bound
from bot.runtime import BotRuntime
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.models import ActivityFields
from yinling.services import build_services
from yinling.store import activities as activity_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

BOT_ID = int(BOT_TOKEN.split(":")[0])
TELEGRAM_LIMITS = {"global_rate": 30.0, "private_rate": 1.0}
NO_LIMITS = {"global_rate": 0, "private_rate": 0}


async def drain_updates(http: aiohttp.ClientSession, url: str) -> None:
    """Forget the /start updates that opened the chats, as a bot that handled them long ago would."""
    api = f"{url}/bot{BOT_TOKEN}"
    while updates := (await post(http, f"{api}/getUpdates", {"limit": 100, "timeout": 0}))["result"]:
        await post(http, f"{api}/getUpdates", {"offset": updates[-1]["update_id"] + 1, "limit": 1, "timeout": 0})


async def deliver_notice(http: aiohttp.ClientSession, url: str, chat_ids: list[int], activity_id: int) -> None:
    """Each retiree already has the notice with its 报名 button (sent earlier, not measured here)."""
    markup = {"inline_keyboard": [[{"text": "✅ 报名", "callback_data": f"act:join:{activity_id}"}]]}
    semaphore = asyncio.Semaphore(64)

    async def one(chat_id: int) -> None:
        async with semaphore:
            await post(http, f"{url}/bot{BOT_TOKEN}/sendMessage",
                       {"chat_id": chat_id, "text": "新活动：重阳登高，名额 100 个", "reply_markup": markup})

    await asyncio.gather(*(one(c) for c in chat_ids))


async def answered_count(http: aiohttp.ClientSession, url: str) -> int:
    return (await sandbox_stats(http, url))["requests"].get("answerCallbackQuery", 0)


async def rush(url: str, db: Database, settings: Settings, ids: list[int], activity_id: int) -> dict:
    services = build_services(settings, db, SystemClock(settings.tz))
    runtime = BotRuntime(settings, services)
    await runtime.start()
    try:
        async with aiohttp.ClientSession() as http:
            await post(http, f"{url}/sandbox/stats/reset", {})
            with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as f:
                f.write("\n".join(map(str, ids)))
            watch, cpu = Stopwatch(), time.process_time()
            # Not subprocess.run: the bot shares this event loop and must keep serving while the taps come.
            load = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.load", url, str(BOT_ID), f.name, "1", f"data=act:join:{activity_id}",
                stdout=asyncio.subprocess.PIPE)
            tap_output, _ = await load.communicate()
            Path(f.name).unlink()
            while (await answered_count(http, url)) < len(ids) and watch.elapsed < 120:
                await asyncio.sleep(0.05)  # a cheap counter, so polling steals little from the bot
            answered_by, bot_cpu = watch.elapsed, time.process_time() - cpu
            async with http.get(f"{url}/sandbox/bots/{BOT_ID}/callback_answers") as resp:
                answers = (await resp.json())["answers"]
            delivered: list[float] = []  # seconds after the first tap when the n-th reply arrived
            while len(delivered) < len(ids) and watch.elapsed < 300:
                sent = (await sandbox_stats(http, url))["messages_sent"]
                delivered += [watch.elapsed] * (sent - len(delivered))
                await asyncio.sleep(0.1)
            stats = await sandbox_stats(http, url)
    finally:
        await runtime.stop()
    return {"answers": answers, "tap_seconds": float(tap_output.decode().strip() or "nan"), "answered_by": answered_by,
            "bot_cpu": bot_cpu, "delivered": delivered, "429s": stats["too_many_requests"]}


async def main(retirees: int = 2_000, seats: int = 100) -> list[str]:
    async with sandbox_process(**NO_LIMITS) as url:
        ids = await create_people(url, retirees, BOT_ID)
        async with aiohttp.ClientSession() as http:
            await drain_updates(http, url)
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(_env_file=None, db=Path(folder) / "bench.db", telegram_token=BOT_TOKEN,
                                telegram_api_url=url)  # Telegram's limits: 30/s, 1/s per chat
            db = await Database.connect(settings.db)
            await migrate(db)
            await seed_bound(db, ids)
            start = datetime.now(UTC) + timedelta(days=3)
            async with db.transaction() as tx:
                activity_id = await activity_store.insert(tx, ActivityFields(
                    title="重阳登高", kind="文体比赛", place="五泉山公园东门", starts_at=start,
                    ends_at=start + timedelta(hours=3), signup_deadline=start - timedelta(days=1), capacity=seats,
                ), created_by=None, now=datetime.now(UTC))
            async with aiohttp.ClientSession() as http:
                await deliver_notice(http, url, ids, activity_id)
                await post(http, f"{url}/sandbox/config", TELEGRAM_LIMITS)
            result = await rush(url, db, settings, ids, activity_id)
            registrations = await activity_store.registrations(db, activity_id)
            await db.close()
    confirmed = sum(r.status == "confirmed" for r in registrations)
    waiting = [r for r in registrations if r.status == "waiting"]
    in_order = [r.seq for r in waiting] == sorted(r.seq for r in waiting)
    answers = result["answers"]
    latencies = [a["answered_at"] - a["asked_at"] for a in answers]
    outcomes = {text: sum(a["text"] == text for a in answers) for text in {a["text"] for a in answers}}
    window = max(a["asked_at"] for a in answers) - min(a["asked_at"] for a in answers)
    delivered = result["delivered"]
    line = (
        f"activity rush: {retirees} retirees tap 报名 for {seats} seats (taps sent over {window:.2f} s), "
        f"sending at 30 msgs/s:\n"
        f"  registrations: {confirmed} confirmed, {len(waiting)} waiting (in arrival order: {in_order}); "
        f"taps answered: {len(answers)}/{retirees} {outcomes}\n"
        f"  time to answer a tap: p50 {percentile(latencies, 50) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms (target p99 <= 2000 ms);"
        f" the bot process used {result['bot_cpu']:.2f} s of CPU until the last answer"
        f" ({result['answered_by']:.2f} s)\n"
        f"  follow-up messages with the details: first after {delivered[0]:.1f} s, half by "
        f"{percentile(delivered, 50):.1f} s, all {len(delivered)} by {delivered[-1]:.1f} s "
        f"({len(delivered) / max(delivered[-1] - delivered[0], 1e-9):.1f} msgs/s); 429s: {result['429s']}"
    )
    print(line, flush=True)
    return [line]
