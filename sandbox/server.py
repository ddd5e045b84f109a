"""Assembling and running the sandbox server."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from .botapi import BotApi
from .config import SandboxConfig
from .control import ControlApi
from .core import Sandbox
from .flood import FloodConfig

__all__ = ["SANDBOX_KEY", "RunningSandbox", "SandboxConfig", "create_sandbox_app", "main", "start_sandbox"]

SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
# Telegram accepts uploads up to 50 MB.
MAX_REQUEST_SIZE = 60 * 1024 * 1024


def create_sandbox_app(config: SandboxConfig | None = None) -> web.Application:
    sandbox = Sandbox(config or SandboxConfig())
    app = web.Application(client_max_size=MAX_REQUEST_SIZE)
    app[SANDBOX_KEY] = sandbox
    app.add_routes(BotApi(sandbox).routes())
    app.add_routes(ControlApi(sandbox).routes())

    async def webhooks(app: web.Application) -> AsyncIterator[None]:
        await sandbox.webhooks.open()
        yield
        await sandbox.webhooks.close()

    async def wake_waiters(app: web.Application) -> None:
        # Long polls (getUpdates, ?wait=) return at once so shutdown is quick.
        sandbox.state.close()

    app.cleanup_ctx.append(webhooks)
    app.on_shutdown.append(wake_waiters)
    return app


@dataclass
class RunningSandbox:
    url: str
    app: web.Application
    runner: web.AppRunner

    @property
    def sandbox(self) -> Sandbox:
        return self.app[SANDBOX_KEY]

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_sandbox(
    config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> RunningSandbox:
    """Starts the sandbox on ``host:port`` (0 = an ephemeral port)."""
    app = create_sandbox_app(config)
    runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()  # e.g. the port is taken: close what setup opened (the webhook session)
        raise
    # With port 0 the OS picks the port; the runner knows the bound address.
    bound_host, bound_port = runner.addresses[0][:2]
    display_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    return RunningSandbox(url=f"http://{display_host}:{bound_port}", app=app, runner=runner)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="Local stand-in for the Telegram Bot API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot", action="append", default=[], metavar="TOKEN",
                        help="register a bot token (<bot_id>:<secret>); repeatable")
    defaults = FloodConfig()
    for name in FloodConfig.field_names():
        parser.add_argument(
            "--" + name.replace("_", "-"), type=float, default=getattr(defaults, name),
            help=f"flood limit (0 disables; default {getattr(defaults, name)})",
        )
    parser.add_argument("--webhook-retry", type=float, default=1.0,
                        help="first webhook retry delay in seconds (doubles up to 60)")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    flood = FloodConfig(**{name: getattr(args, name) for name in FloodConfig.field_names()})
    config = SandboxConfig(bots=args.bot, flood=flood, webhook_retry_initial=args.webhook_retry)

    async def run() -> None:
        running = await start_sandbox(config, args.host, args.port)
        print(f"Telegram sandbox on {running.url}  (web chat: {running.url}/)", flush=True)
        print(f"  Bot API base_url: {running.url}/bot   file base_url: {running.url}/file/bot", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await running.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
