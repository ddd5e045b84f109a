"""Inbound: updates/s handled end to end (update in, reply received by the sandbox) for bound users
pressing menu buttons, beside a bare python-telegram-bot echo bot on the same sandbox, same run.

Targets: >= 500 updates/s and >= 0.5 of the echo bot. The load comes from a separate process."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.common import BOT_TOKEN, ECHO_TOKEN, Stopwatch, create_people, sandbox_process, sandbox_stats
from bot.request import AiohttpRequest
from bot.runtime import BotRuntime
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.models import RetireeFields
from yinling.services import build_services
from yinling.store import retirees as retiree_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

MENU_PRESS = "👤 我的"


async def drive(url: str, bot_id: int, ids_file: str, expected: int, rounds: int) -> float:
    """Fire the load from another process; return seconds until the sandbox has every reply."""
    async with aiohttp.ClientSession() as http:
        before = (await sandbox_stats(http, url))["messages_sent"]
        watch = Stopwatch()
        load = subprocess.Popen(
            [sys.executable, "-m", "bench.load", url, str(bot_id), ids_file, str(rounds), MENU_PRESS],
            stdout=subprocess.PIPE)
        while (await sandbox_stats(http, url))["messages_sent"] - before < expected:
            await asyncio.sleep(0.02)
            if watch.elapsed > 300:
                raise RuntimeError("replies did not all arrive within 300 s")
        elapsed = watch.elapsed
        load.wait(30)
    return elapsed


async def seed_bound(db: Database, ids: list[int]) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        for uid in ids:
            fields = RetireeFields(name=f"老同志{uid % 1000}", birth_date=date(1945, 1, 1))
            rid = await retiree_store.insert_record(tx, fields, now=now)
            await retiree_store.bind_telegram(tx, rid, user_id=uid, chat_id=uid, now=now)


async def ours(url: str, ids: list[int], ids_file: str, rounds: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, db=Path(folder) / "bench.db", telegram_token=BOT_TOKEN,
                            telegram_api_url=url, send_rate=100000.0)
        db = await Database.connect(settings.db)
        await migrate(db)
        await seed_bound(db, ids)
        services = build_services(settings, db, SystemClock(settings.tz))
        runtime = BotRuntime(settings, services)
        await runtime.start()
        try:
            return await drive(url, int(BOT_TOKEN.split(":")[0]), ids_file, len(ids) * rounds, rounds)
        finally:
            await runtime.stop()
            await db.close()


async def echo(url: str, ids: list[int], ids_file: str, rounds: int, *, aiohttp_backend: bool) -> float:
    """A bare echo bot: PTB's defaults (httpx), or with the same aiohttp backend as ours."""
    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    builder = (ApplicationBuilder().token(ECHO_TOKEN).base_url(f"{url}/bot").base_file_url(f"{url}/file/bot")
               .concurrent_updates(64))
    if aiohttp_backend:
        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=2, read_timeout=30.0))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, reply))
    await app.initialize()
    await app.updater.start_polling()
    await app.start()
    try:
        return await drive(url, int(ECHO_TOKEN.split(":")[0]), ids_file, len(ids) * rounds, rounds)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def main(users: int, rounds: int) -> list[str]:
    no_limits = {"global_rate": 0, "paid_rate": 0, "private_rate": 0, "group_per_minute": 0}
    async with sandbox_process(**no_limits) as url:
        ids = await create_people(url, users, 0, first_message=None)
        with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as f:
            f.write("\n".join(map(str, ids)))
            ids_file = f.name
        n = users * rounds
        ours_s = await ours(url, ids, ids_file, rounds)
        echo_s = await echo(url, ids, ids_file, rounds, aiohttp_backend=False)
        echo_aio_s = await echo(url, ids, ids_file, rounds, aiohttp_backend=True)
        Path(ids_file).unlink()
    ours_rate, echo_rate, echo_aio_rate = n / ours_s, n / echo_s, n / echo_aio_s
    line = (
        f"inbound: {users} bound users x {rounds} menu presses = {n} updates, each answered:\n"
        f"  yinling                              {ours_rate:6.0f} updates/s ({ours_s:.2f} s)\n"
        f"  bare PTB echo bot (PTB defaults)     {echo_rate:6.0f} updates/s ({echo_s:.2f} s);"
        f" yinling / echo = {ours_rate / echo_rate:.2f}\n"
        f"  bare PTB echo bot (aiohttp backend)  {echo_aio_rate:6.0f} updates/s ({echo_aio_s:.2f} s);"
        f" yinling / echo = {ours_rate / echo_aio_rate:.2f}"
    )
    print(line, flush=True)
    return [line]
