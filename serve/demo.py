"""`yinling demo`: a fresh demo office, the sandbox standing in for Telegram, bot and staff API,
all on loopback. No token, no network."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from sandbox.client import SandboxClient
from sandbox.server import SandboxConfig, start_sandbox
from serve.process import running, stop_on_signals
from yinling.clock import SystemClock
from yinling.config import Settings
from yinling.demo import DEMO_CHAT_PEOPLE, seed
from yinling.store.database import Database
from yinling.store.migrate import migrate

log = logging.getLogger(__name__)

DEMO_TOKEN = "700000001:demo-token-for-the-local-sandbox-only"
DEMO_DB = Path("./data/demo.db")


async def fresh_demo_database(path: Path, settings: Settings) -> dict[str, str]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = await Database.connect(path)
    try:
        await migrate(db)
        return await seed(db, SystemClock(settings.tz))
    finally:
        await db.close()


async def demo(host: str = "127.0.0.1", sandbox_port: int = 8081, admin_port: int = 8080) -> None:
    started = time.monotonic()
    stop = stop_on_signals()
    sandbox = await start_sandbox(SandboxConfig(), host=host, port=sandbox_port)
    try:
        settings = Settings(
            db=DEMO_DB,
            telegram_token=DEMO_TOKEN,
            telegram_api_url=sandbox.url,
            admin_host=host,
            admin_port=admin_port,
            office_phone="0931-0000001",
            webhook_url=None,
        )
        passwords = await fresh_demo_database(DEMO_DB, settings)
        client = SandboxClient(sandbox.url)
        try:
            await client.add_bot(DEMO_TOKEN, username="yinling_demo_bot", first_name="银龄助手")
            for name, phone in DEMO_CHAT_PEOPLE:
                await client.create_user(name, phone_number=phone)
        finally:
            await client.close()
        async with running(settings) as run:
            print_banner(sandbox.url, run.admin_url or "", passwords, time.monotonic() - started)
            await stop.wait()
    finally:
        await sandbox.stop()


def print_banner(sandbox_url: str, admin_url: str, passwords: dict[str, str], seconds: float) -> None:
    lines = [
        "",
        f"银龄助手 demo is running (ready in {seconds:.1f} s). Press Ctrl+C to stop.",
        f"  Web chat (act as a retiree):  {sandbox_url}/",
        f"  Staff API:                    {admin_url}/api/openapi.json",
        f"    log in: curl -X POST {admin_url}/api/v1/auth/login -H 'Content-Type: application/json' \\",
        "            -d '{\"username\": \"admin\", \"password\": \"<below>\"}'",
        "  Staff accounts (username / password / role):",
    ]
    roles = {"admin": "admin", "wangfang": "liaison", "lileader": "viewer"}
    for username, password in passwords.items():
        lines.append(f"    {username:<10} {password:<14} {roles.get(username, '')}")
    print("\n".join(lines), flush=True)
