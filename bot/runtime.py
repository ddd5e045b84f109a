"""The bot's moving parts in one object: the intake (updates stored before they are acknowledged,
from our own long polling or from the webhook), the PTB Application that handles them, and the
outbox sender. `yinling serve` starts one; the e2e tests start one against the sandbox."""
from __future__ import annotations

import asyncio
import gc
import logging
from urllib.parse import urlparse

from bot.app import ALLOWED_UPDATES, build_application, register_commands
from bot.context import YinlingContext
from bot.intake import Intake
from bot.plain_text import PlainTextRoute
from bot.polling import Poller
from bot.sender import Sender, SendLimits
from bot.transport import TelegramTransport
from yinling.config import Settings
from yinling.services import Services

log = logging.getLogger(__name__)
# Python's collector makes a young-generation pass for every 700 new container objects, and now and
# then a full pass over everything PTB, pydantic and aiohttp keep. Handling one update makes
# hundreds (models, dicts, coroutines, request objects), so at the default the collector took 5-10%
# of the bot's CPU under bench/inbound.py; at this first threshold, a few passes a second.
# Set while the bot runs (a serving process's lifetime), the previous thresholds put back at stop.
GC_THRESHOLD = (10_000, 10, 10)


def webhook_path(settings: Settings) -> str:
    """The admin server answers the webhook at the path of YINLING_WEBHOOK_URL."""
    path = urlparse(settings.webhook_url or "").path
    return path if path and path != "/" else "/telegram/webhook"


class BotRuntime:
    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.services = services
        self.polling = not settings.webhook_url
        # No PTB Updater in either mode: it acknowledges updates before they are stored.
        self.application = build_application(settings, services, polling=False)
        self.intake = Intake(self.application, services.core.db, services.core.clock,
                             plain_text=PlainTextRoute(self.application, settings.staff_chat_id))
        self.application.add_error_handler(self.intake.record_error)  # after the one that apologises
        self.poller = (Poller(self.application.bot, self.intake, allowed_updates=ALLOWED_UPDATES)
                       if self.polling else None)
        self.transport = TelegramTransport(self.application.bot, paid_broadcast=settings.paid_broadcast)
        self.sender = Sender(
            services,
            self.transport,
            SendLimits.from_settings(settings),
            poll_seconds=settings.outbox_poll_seconds,
        )
        self._sender_task: asyncio.Task | None = None
        self._gc_threshold: tuple[int, int, int] | None = None

    async def start(self) -> None:
        self._gc_threshold = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)
        # The sender first: replies queued before a restart go out even if Telegram is slow to answer.
        self._sender_task = asyncio.create_task(self.sender.run(), name="outbox-sender")
        await self.application.initialize()
        await register_commands(self.application)
        await self.application.start()
        # What was stored but not processed before a crash goes first, then whatever arrives.
        await self.intake.start()
        if self.poller is not None:
            await self.poller.start()
        else:
            await self.application.bot.set_webhook(
                url=self.settings.webhook_url,
                secret_token=self.settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        assert self.application.job_queue is not None  # the job-queue extra is a dependency
        jobs = self.application.job_queue
        jobs.run_repeating(_prune_update_ids, interval=3600, first=60, name="prune-update-ids")
        tick = self.settings.tick_seconds
        jobs.run_repeating(_help_breaches, interval=tick, first=min(5.0, tick), name="help-sla-breaches")
        jobs.run_repeating(_activity_jobs, interval=tick, first=min(1.0, tick), name="activity-reminders")
        jobs.run_repeating(_study_push, interval=tick, first=min(1.0, tick), name="study-push")
        jobs.run_repeating(_scheduled_broadcasts, interval=tick, first=min(1.0, tick), name="scheduled-broadcasts")
        jobs.run_repeating(_message_notices, interval=tick, first=min(1.0, tick), name="message-notices")
        log.info("bot started (%s)", "polling" if self.polling else "webhook")

    async def feed_update(self, data: dict) -> None:
        """A webhook delivery (a dict with an int update_id): returns once it is stored, so the
        webhook may answer 200; handled from the store like a polled one. Raises if not stored."""
        await self.intake.receive([data])

    async def stop(self) -> None:
        """Graceful: no new updates, finish those in hand, then let the sender finish its sends."""
        if self.poller is not None:
            await self.poller.stop()
        await self.intake.stop()
        if self.application.running:
            await self.application.stop()
        await self.sender.stop()
        if self._sender_task is not None:
            await asyncio.gather(self._sender_task, return_exceptions=True)
        await self.application.shutdown()
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
            self._gc_threshold = None
        log.info("bot stopped")


async def _prune_update_ids(context: YinlingContext) -> None:
    removed = await context.services.maintenance.do_prune_processed_updates()
    if removed:
        log.info("pruned %d old update ids", removed)


async def _help_breaches(context: YinlingContext) -> None:
    """Requests past their SLA, and pending ones whose reminder time came: staff are told once."""
    notified = await context.services.help.do_notify_breaches()
    reminded = await context.services.help.do_remind_pending()
    if notified or reminded:
        log.info("help requests: %d overdue, %d reminders", notified, reminded)


async def _activity_jobs(context: YinlingContext) -> None:
    """Activity reminders whose time came, and no-shows of activities that ended."""
    reminded = await context.services.activities.do_send_reminders()
    recorded = await context.services.activities.do_record_no_shows()
    if reminded or recorded:
        log.info("activities: %d reminders queued, %d ended activities' no-shows recorded", reminded, recorded)


async def _study_push(context: YinlingContext) -> None:
    """Today's study piece to subscribers whose chosen time has come (also those missed while down)."""
    queued = await context.services.study.do_push_due()
    if queued:
        log.info("study: %d daily pieces queued", queued)


async def _scheduled_broadcasts(context: YinlingContext) -> None:
    """Scheduled notices whose time came, also those due while the process was down."""
    sent = await context.services.broadcasts.do_send_due()
    if sent:
        log.info("broadcasts: %d scheduled notices sent to the outbox", sent)


async def _message_notices(context: YinlingContext) -> None:
    """New messages from retirees, told to their liaisons and the staff group in groups."""
    sent = await context.services.inbox.do_notify_new_messages()
    if sent:
        log.info("inbox: %d grouped notices of new messages queued", sent)
