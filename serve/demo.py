"""`yinling demo`: a demo office, the sandbox standing in for Telegram, bot, staff API and console,
all on loopback. No token, no network.

A new office comes with two weeks of work in it (yinling/demo_story.py: requests in every state,
messages, activities, 金点子, notices), so every console page has something to show. Its data
(./data/demo.db) is kept from one run to the next; `fresh=True` (`yinling demo --fresh`) starts
over. The sandbox lives in memory, so each run starts with empty chats: the demo's people and staff
group are made again with the same Telegram ids, the private chats of those verified (or seen in an
earlier run) marked as begun (the bot may write first, as it could before), and the bot's update ids
continue past those the database has seen (the intake would take repeated ids for updates it already
has; the story's are among them)."""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.client import SandboxClient
from sandbox.server import RunningSandbox, SandboxConfig, start_sandbox
from serve.process import PortBusy, Running, running, stop_on_signals
from yinling.clock import Clock, SystemClock
from yinling.config import Settings
from yinling.demo import (
    DEMO_CHAT_PEOPLE,
    DEMO_CHAT_USERS,
    DEMO_STAFF,
    DEMO_STAFF_GROUP,
    DEMO_STAFF_GROUP_MEMBERS,
    link_staff_group,
    seed,
)
from yinling.demo_roster import PHONES
from yinling.store import intake as intake_store
from yinling.store import staff as staff_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

log = logging.getLogger(__name__)

DEMO_TOKEN = "700000001:demo-token-for-the-local-sandbox-only"
DEMO_DB = Path("./data/demo.db")


def logins_file(db_path: Path) -> Path:
    """The demo's staff passwords, kept beside its database so a restart can print them again."""
    return db_path.with_name(db_path.stem + "-logins.json")


@dataclass(frozen=True)
class DemoDatabase:
    passwords: dict[str, str] | None  # None: kept from a run whose passwords were not saved
    kept: bool  # the office came from an earlier run
    last_update_id: int | None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def prepare_demo_database(path: Path, clock: Clock, *, fresh: bool = False,
                                settings: Settings | None = None) -> DemoDatabase:
    """The demo database at `path`: kept as it is, or (fresh, or none yet) made anew with its office
    at `clock`'s now. `settings`: the office's (timezone, SLAs ...), the defaults when not given."""
    logins = logins_file(path)
    if fresh:
        _remove(path)
        logins.unlink(missing_ok=True)
    db = await Database.connect(path)
    making = False
    try:
        await migrate(db)
        if await staff_store.get_by_username(db, DEMO_STAFF[0].username) is None:
            making = True
            passwords = await seed(db, clock, settings or Settings(_env_file=None, db=path))
            making = False
            with os.fdopen(os.open(logins, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
                json.dump(passwords, out, ensure_ascii=False, indent=1)  # readable by this user only
            return DemoDatabase(passwords, kept=False, last_update_id=await intake_store.last_update_id(db))
        await link_staff_group(db)
        try:
            saved = json.loads(logins.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = None
        return DemoDatabase(saved if isinstance(saved, dict) else None, kept=True,
                            last_update_id=await intake_store.last_update_id(db))
    finally:
        await db.close()
        if making:  # the office was not finished: the next run would keep half of it, so none is left
            _remove(path)


async def populate_sandbox(url: str, database: DemoDatabase) -> int:
    """The demo's bot, people and staff group in a new sandbox. Returns the staff group's chat id."""
    client = SandboxClient(url)
    try:
        last = database.last_update_id
        await client.add_bot(DEMO_TOKEN, username="yinling_demo_bot", first_name="银龄助手",
                             min_update_id=None if last is None else last + 1)
        for name, phone, user_id in DEMO_CHAT_PEOPLE:
            await client.create_user(name, phone_number=phone, user_id=user_id, started=database.kept)
        for name, user_id in DEMO_CHAT_USERS:  # verified when the office was made
            await client.create_user(name, phone_number=PHONES[name], user_id=user_id, started=True)
        for name, _, user_id in DEMO_STAFF_GROUP_MEMBERS:
            await client.create_user(name, user_id=user_id)
        group = await client.create_group(DEMO_STAFF_GROUP, member_ids=[m[2] for m in DEMO_STAFF_GROUP_MEMBERS])
        return int(group["id"])
    finally:
        await client.close()


@dataclass(frozen=True)
class DemoOffice:
    sandbox_url: str
    admin_url: str
    database: DemoDatabase
    run: Running


@asynccontextmanager
async def demo_office(host: str = "127.0.0.1", sandbox_port: int = 8081, admin_port: int = 8080, *,
                      fresh: bool = False, db_path: Path = DEMO_DB, **settings: Any) -> AsyncIterator[DemoOffice]:
    """The sandbox, the demo database, the bot and the staff API, running; all stopped on leaving.
    PortBusy (one line naming the option) when a port is taken. `settings`: more Settings fields."""
    sandbox = await _start_sandbox(host, sandbox_port)
    try:
        config = Settings(db=db_path, telegram_token=DEMO_TOKEN, admin_host=host, admin_port=admin_port,
                          office_phone="0931-0000001", webhook_url=None, **settings)
        database = await prepare_demo_database(db_path, SystemClock(config.tz), fresh=fresh, settings=config)
        staff_chat_id = await populate_sandbox(sandbox.url, database)
        config = config.model_copy(update={"telegram_api_url": sandbox.url, "staff_chat_id": staff_chat_id})
        async with running(config, port_setting="--admin-port") as run:
            yield DemoOffice(sandbox.url, run.admin_url or "", database, run)
    finally:
        await sandbox.stop()


async def demo(host: str = "127.0.0.1", sandbox_port: int = 8081, admin_port: int = 8080, *,
               fresh: bool = False, db_path: Path = DEMO_DB) -> None:
    """Run until SIGINT/SIGTERM."""
    started = time.monotonic()
    stop = stop_on_signals()
    async with demo_office(host, sandbox_port, admin_port, fresh=fresh, db_path=db_path) as office:
        print(banner(office.sandbox_url, office.admin_url, office.database, db_path, time.monotonic() - started),
              flush=True)
        await stop.wait()


async def _start_sandbox(host: str, port: int) -> RunningSandbox:
    try:
        return await start_sandbox(SandboxConfig(), host=host, port=port)
    except OSError as exc:
        raise PortBusy.of(exc, host, port, "--sandbox-port") from None


def banner(sandbox_url: str, admin_url: str, database: DemoDatabase, db_path: Path, seconds: float) -> str:
    staff = {s.username: s for s in DEMO_STAFF}
    lines = [
        "",
        f"银龄助手 demo is running (ready in {seconds:.1f} s). Press Ctrl+C to stop.",
        f"  Console:    {admin_url}/console/  (the office's web pages, 工作台: sign in with an account below)",
        "    try first: sign in as wangfang, open 收件箱, answer the urgent request at the top (杨振华's),",
        "    then pick 杨振华 in the web chat below: your reply is there, as he reads it.",
    ]
    if database.passwords:
        lines.append("  Staff accounts (username / password / role):")
        for username, password in database.passwords.items():
            known = staff.get(username)
            who = f"{known.role:<8} {known.display_name}" if known else ""
            lines.append(f"    {username:<10} {password:<14} {who}")
    else:
        lines.append("  Staff accounts: " + ", ".join(staff) + " (passwords as printed when this office was made)")
    lines += [
        f"  Web chat:   {sandbox_url}/",
        "    pick a retiree (张建国 ...), tap 开始 (or send /start), tap 📱 验证手机号, then try 我要求助;",
        "    杨振华, 赵淑芬 and the others listed after 新来的老同志 have used it for weeks: tap 开始, then 👤 我的;",
        f"    pick {DEMO_STAFF_GROUP} to see the staff side: each request's card; reply to a card to answer.",
        f"  Staff API:  {admin_url}/  (every route with its roles and fields)",
        f"    log in: curl -X POST {admin_url}/api/v1/auth/login -H 'Content-Type: application/json' \\",
        "            -d '{\"username\": \"admin\", \"password\": \"<above>\"}'",
    ]
    if database.kept:
        lines.append(f"  Data: kept from the last run in {db_path} (the chats start empty). "
                     "`yinling demo --fresh` starts over, with new passwords.")
    else:
        lines.append(f"  Data: a new office in {db_path}, with two weeks of its work, kept when the demo restarts. "
                     "`yinling demo --fresh` starts over.")
    return "\n".join(lines)
