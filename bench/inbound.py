"""Inbound: updates/s handled end to end (update in, reply received by the sandbox) for bound users
pressing menu buttons, beside a bare python-telegram-bot echo bot on the same sandbox, same run.

Targets: >= 500 updates/s and >= 0.8 of the echo bot on the same aiohttp backend (issue 14).

Fair by construction, and steady on a machine shared with other work:
- each bot runs in a process of its own (as `yinling serve` does), so neither inherits the other's
  heap or interpreter settings; the load comes from one more process, started once;
- one sandbox, the same users, the same number of updates for each bot, and every update answered:
  afterwards the replies of a sample of chats are read back (ours must be the real answer to the
  button, not an apology);
- the two are measured in alternating slices (one press per user each, the order swapped every
  slice), so a burst of load from elsewhere falls on both alike.
The echo bot on PTB's default networking (httpx) runs last, on its own, for comparison.

    python -m bench.inbound bot ours|echo|echo-httpx URL IDS_FILE   a bot, until a line on stdin
    python -m bench.inbound load URL IDS_FILE                       presses, one slice per stdin line
"""
from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench import load
from bench.common import BOT_TOKEN, ECHO_TOKEN, Stopwatch, create_people, sandbox_process, sandbox_stats
from bot.request import AiohttpRequest
from bot.runtime import BotRuntime
from yinling import texts
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.models import RetireeFields
from yinling.services import build_services
from yinling.store import retirees as retiree_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

MENU_PRESS = "👤 我的"
ANSWERS = {"ours": texts.MINE_PROMPT, "echo": MENU_PRESS, "echo-httpx": MENU_PRESS}
BOT_IDS = {"ours": int(BOT_TOKEN.split(":")[0]), "echo": int(ECHO_TOKEN.split(":")[0])}
CHECKED_CHATS = 20
TARGET = 0.8


# ---- the processes ---------------------------------------------------------------------------------


async def seed_bound(db: Database, ids: list[int]) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        for uid in ids:
            fields = RetireeFields(name=f"老同志{uid % 1000}", birth_date=date(1945, 1, 1))
            rid = await retiree_store.insert_record(tx, fields, now=now)
            await retiree_store.bind_telegram(tx, rid, user_id=uid, chat_id=uid, now=now)


async def until_told() -> None:
    """Say ready, wait for a line on stdin, then say how much CPU this process used meanwhile."""
    print("ready", flush=True)
    cpu = time.process_time()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    print(f"cpu {time.process_time() - cpu:.3f}", flush=True)


async def run_ours(url: str, ids: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, db=Path(folder) / "bench.db", telegram_token=BOT_TOKEN,
                            telegram_api_url=url, send_rate=100000.0)
        db = await Database.connect(settings.db)
        await migrate(db)
        await seed_bound(db, ids)
        runtime = BotRuntime(settings, build_services(settings, db, SystemClock(settings.tz)))
        await runtime.start()
        try:
            await until_told()
        finally:
            await runtime.stop()
            await db.close()


async def run_echo(url: str, *, aiohttp_backend: bool) -> None:
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
        await until_told()
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def run_load(url: str, ids: list[int]) -> None:
    """One slice per stdin line 'BOT_ID ROUNDS': that many presses from every user (bench/load.py),
    until an empty line."""
    print("ready", flush=True)
    while (line := await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)).strip():
        bot_id, rounds = map(int, line.split())
        await load.main(url, bot_id, ids, rounds, MENU_PRESS)  # prints its seconds: the slice is done


# ---- the measurement -------------------------------------------------------------------------------


class Child:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, *args: str) -> Child:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench.inbound", *args,
                                                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        child = cls(proc)
        if await child.line(120) != "ready":
            raise RuntimeError(f"bench.inbound {args[0]} {args[1]} did not start")
        return child

    async def line(self, timeout: float = 300) -> str:
        assert self.proc.stdout is not None
        return (await asyncio.wait_for(self.proc.stdout.readline(), timeout)).decode().strip()

    async def say(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode() + b"\n")
        await self.proc.stdin.drain()

    async def stop(self) -> float:
        """Tell it to stop; returns the CPU seconds it reports."""
        await self.say("stop")
        cpu = float((await self.line(60)).split()[1])
        await asyncio.wait_for(self.proc.wait(), 60)
        return cpu


async def press(http: aiohttp.ClientSession, url: str, loader: Child, bot_id: int, users: int, rounds: int) -> float:
    """Seconds from the first press of a slice to the sandbox holding every reply."""
    before = (await sandbox_stats(http, url))["messages_sent"]
    watch = Stopwatch()
    await loader.say(f"{bot_id} {rounds}")
    while (await sandbox_stats(http, url))["messages_sent"] - before < users * rounds:
        await asyncio.sleep(0.01)
        if watch.elapsed > 300:
            raise RuntimeError("replies did not all arrive within 300 s")
    elapsed = watch.elapsed
    await loader.line()  # the load generator's own seconds: it is done with this slice
    return elapsed


async def check_answers(url: str, bot_id: int, ids: list[int], count: int, answer: str) -> None:
    """Every sampled chat got `count` answers from the bot, each of them `answer`."""
    async with aiohttp.ClientSession() as http:
        for uid in ids[:: max(1, len(ids) // CHECKED_CHATS)][:CHECKED_CHATS]:
            async with http.get(f"{url}/sandbox/bots/{bot_id}/chats/{uid}/messages") as resp:
                said = [m.get("text") for m in (await resp.json())["messages"] if m.get("from", {}).get("is_bot")]
            if said != [answer] * count:
                raise RuntimeError(f"bot {bot_id}, chat {uid}: {len(said)} answers, not {count} of the expected one")


async def main(users: int, rounds: int) -> list[str]:
    no_limits = {"global_rate": 0, "paid_rate": 0, "private_rate": 0, "group_per_minute": 0}
    async with sandbox_process(**no_limits) as url, aiohttp.ClientSession() as http:
        ids = await create_people(url, users, 0, first_message=None)
        with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as f:
            f.write("\n".join(map(str, ids)))
        loader = await Child.start("load", url, f.name)
        bots = {kind: await Child.start("bot", kind, url, f.name) for kind in ("echo", "ours")}
        seconds = dict.fromkeys(bots, 0.0)
        for slice_ in range(rounds):
            for kind in ("echo", "ours") if slice_ % 2 == 0 else ("ours", "echo"):
                seconds[kind] += await press(http, url, loader, BOT_IDS[kind], users, 1)
        cpu = {kind: await bot.stop() for kind, bot in bots.items()}
        for kind in bots:
            await check_answers(url, BOT_IDS[kind], ids, rounds, ANSWERS[kind])
        httpx_bot = await Child.start("bot", "echo-httpx", url, f.name)  # the echo bot's chats again
        seconds["echo-httpx"] = await press(http, url, loader, BOT_IDS["echo"], users, rounds)
        cpu["echo-httpx"] = await httpx_bot.stop()
        await check_answers(url, BOT_IDS["echo"], ids, 2 * rounds, MENU_PRESS)
        await loader.say("")
        await asyncio.wait_for(loader.proc.wait(), 30)
        Path(f.name).unlink()
    n = users * rounds
    rate = {kind: n / s for kind, s in seconds.items()}
    ratio = rate["ours"] / rate["echo"]

    def row(kind: str, label: str) -> str:
        return (f"  {label:<37}{rate[kind]:6.0f} updates/s ({seconds[kind]:.2f} s;"
                f" bot process CPU {cpu[kind] / n * 1e6:.0f} us/update)")

    line = (
        f"inbound: {users} bound users x {rounds} menu presses = {n} updates for each bot, each answered:\n"
        + row("echo", "bare PTB echo bot (aiohttp backend)") + "\n"
        + row("ours", "yinling") + "\n"
        + f"  yinling / echo = {ratio:.2f} (target >= {TARGET}: {'met' if ratio >= TARGET else 'NOT met'})\n"
        + row("echo-httpx", "bare PTB echo bot (PTB defaults)")
        + f"; yinling / it = {rate['ours'] / rate['echo-httpx']:.2f}"
    )
    print(line, flush=True)
    return [line]


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)  # as `python -m bench` has it
    role, *rest = sys.argv[1:]
    kind, url, ids_file = rest if role == "bot" else ("", *rest)
    user_ids = [int(x) for x in Path(ids_file).read_text().split()]
    if role == "load":
        asyncio.run(run_load(url, user_ids))
    elif kind == "ours":
        asyncio.run(run_ours(url, user_ids))
    else:
        asyncio.run(run_echo(url, aiohttp_backend=kind == "echo"))
