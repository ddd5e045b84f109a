"""`yinling serve`: bot + admin in one process and event loop, or either alone over one database."""
from __future__ import annotations

import asyncio
import errno
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

from aiohttp import web
from telegram import Bot

from admin.app import create_app
from bot.media import TelegramMediaSource
from bot.request import AiohttpRequest
from bot.runtime import BotRuntime, webhook_path
from console.app import mount_console
from yinling.clock import Clock, SystemClock
from yinling.config import Settings
from yinling.services import Services, build_services
from yinling.store.database import Database
from yinling.store.migrate import migrate

log = logging.getLogger(__name__)

Only = Literal["bot", "admin"] | None


class MissingSetting(Exception):
    """A setting the chosen mode cannot run without; the message names the variable."""


class PortBusy(Exception):
    """A port we were asked to listen on is taken (or not ours to take); the message, one line, names
    the port and the setting that chose it."""

    @classmethod
    def of(cls, exc: OSError, host: str, port: int, setting: str) -> PortBusy:
        why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror or exc})"
        return cls(f"port {port} on {host} {why}: stop what holds it, or choose another port with {setting}")


async def start_site(runner: web.AppRunner, host: str, port: int, setting: str) -> None:
    """Listen on host:port; PortBusy (naming `setting`) when that fails."""
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        raise PortBusy.of(exc, host, port, setting) from None


@dataclass
class Running:
    services: Services
    bot: BotRuntime | None
    admin_url: str | None


def check_settings(settings: Settings, only: Only) -> None:
    if only != "admin" and not settings.telegram_token:
        raise MissingSetting("YINLING_TELEGRAM_TOKEN is not set (the bot's token from @BotFather)")
    if only != "admin" and settings.webhook_url and not settings.webhook_secret:
        raise MissingSetting("YINLING_WEBHOOK_SECRET must be set when YINLING_WEBHOOK_URL is")
    if only == "bot" and settings.webhook_url:
        raise MissingSetting("webhook mode needs the admin server: run without --only bot")


@asynccontextmanager
async def running(settings: Settings, only: Only = None, clock: Clock | None = None, *,
                  port_setting: str = "YINLING_ADMIN_PORT") -> AsyncIterator[Running]:
    """Start everything `only` asks for; stop it all, gracefully, on leaving. PortBusy, naming
    `port_setting`, when the staff API's port is taken."""
    check_settings(settings, only)
    db = await Database.connect(settings.db)
    runner: web.AppRunner | None = None
    bot: BotRuntime | None = None
    media: TelegramMediaSource | None = None
    try:
        await migrate(db)
        services = build_services(settings, db, clock or SystemClock(settings.tz))
        if only != "admin":
            bot = BotRuntime(settings, services)
        admin_url = None
        if only != "bot":
            sink = bot.feed_update if bot is not None and not bot.polling else None
            media = media_source(settings, bot)
            app = create_app(settings, services, update_sink=sink, webhook_path=webhook_path(settings), media=media)
            mount_console(app)
            runner = web.AppRunner(app, access_log=None)  # access logs would carry retiree ids in paths
            await runner.setup()
            await start_site(runner, settings.admin_host, settings.admin_port, port_setting)
            port = runner.addresses[0][1]
            admin_url = f"http://{settings.admin_host}:{port}"
            log.info("staff API listening on %s", admin_url)
        if bot is not None:
            await bot.start()
        yield Running(services, bot, admin_url)
    finally:
        if bot is not None:
            await bot.stop()
        if runner is not None:
            await runner.cleanup()
        if media is not None:
            await media.close()
        await db.close()


def media_source(settings: Settings, bot: BotRuntime | None) -> TelegramMediaSource | None:
    """Media for the staff API: through the bot's own connection, or (admin alone) a Bot of its own."""
    if bot is not None:
        return TelegramMediaSource(bot.application.bot)
    if settings.telegram_token:
        return TelegramMediaSource(Bot(settings.telegram_token, base_url=settings.bot_api_base_url,
                                       base_file_url=settings.bot_file_base_url, request=AiohttpRequest()),
                                   owns_bot=True)
    return None


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(settings: Settings, only: Only = None) -> None:
    stop = stop_on_signals()
    async with running(settings, only):
        await stop.wait()
        log.info("stopping")
