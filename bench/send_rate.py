"""Send rate: N messages to N chats through the sandbox's flood control.

Figures: achieved msgs/s, achieved / limit (target >= 0.95 at 30/s), 429s received (target 0);
in paid broadcast mode at 1000/s, msgs/s (target >= 800)."""
from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp
from telegram.ext import ExtBot

from bench.common import BOT_TOKEN, Stopwatch, create_people, post, sandbox_process, sandbox_stats
from bot.request import AiohttpRequest
from bot.sender import Sender, SendLimits
from bot.transport import TelegramTransport
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.models import OutgoingMessage, Priority
from yinling.services import build_services
from yinling.store import outbox as outbox_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

BOT_ID = int(BOT_TOKEN.split(":")[0])


async def send_rate(messages: int, limit: float, *, paid: bool) -> dict:
    flood = {"global_rate": 30.0, "paid_rate": limit} if paid else {"global_rate": limit}
    async with sandbox_process(**flood) as url:
        chats = await create_people(url, messages, BOT_ID)
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                _env_file=None, db=Path(folder) / "bench.db", telegram_token=BOT_TOKEN, telegram_api_url=url,
                send_rate=30.0 if paid else limit, paid_broadcast=paid, paid_send_rate=limit,
            )
            db = await Database.connect(settings.db)
            await migrate(db)
            services = build_services(settings, db, SystemClock(settings.tz))
            async with db.transaction() as tx:
                await services.core.outbox.enqueue_many(
                    tx, (OutgoingMessage(chat_id=c, text=f"通知：明天上午九点开会（{i}）", priority=Priority.BULK)
                         for i, c in enumerate(chats)),
                )
            bot = ExtBot(
                BOT_TOKEN, base_url=settings.bot_api_base_url, base_file_url=settings.bot_file_base_url,
                request=AiohttpRequest(connection_pool_size=256),
            )
            await bot.initialize()
            sender = Sender(services, TelegramTransport(bot, paid_broadcast=paid), SendLimits.from_settings(settings))
            async with aiohttp.ClientSession() as http:
                await post(http, f"{url}/sandbox/stats/reset", {})
                watch = Stopwatch()
                task = asyncio.create_task(sender.run())
                while sender.sent_count < messages:
                    await asyncio.sleep(0.01)
                elapsed = watch.elapsed
                await sender.stop()
                await task
                stats = await sandbox_stats(http, url)
            counts = await outbox_store.status_counts(db)
            await bot.shutdown()
            await db.close()
    rate = messages / elapsed
    return {
        "messages": messages, "limit": limit, "paid": paid, "seconds": round(elapsed, 2),
        "rate": round(rate, 1), "ratio": round(rate / limit, 3),
        "429s": stats.get("too_many_requests"), "sent_rows": counts.get("sent", 0),
    }


def report(result: dict) -> str:
    mode = "paid broadcast" if result["paid"] else "normal"
    return (
        f"send rate ({mode}, limit {result['limit']:.0f}/s): {result['messages']} messages in {result['seconds']} s"
        f" = {result['rate']} msgs/s, {result['ratio']:.3f} of the limit, 429s received: {result['429s']},"
        f" rows sent: {result['sent_rows']}"
    )


async def main(messages: int) -> list[str]:
    lines = []
    for limit, paid in ((30.0, False), (1000.0, True)):
        started = time.perf_counter()
        result = await send_rate(messages, limit, paid=paid)
        lines.append(report(result) + f"  [{time.perf_counter() - started:.0f} s with set-up]")
        print(lines[-1], flush=True)
    return lines
