"""Long polling that acknowledges an update only once it is stored.

Telegram forgets an update as soon as getUpdates is called with an offset past it. PTB's Updater
moves the offset as soon as a batch is fetched (into an in-memory queue), so a crash lost what was
fetched but not yet handled. Here the next offset is asked for only after the intake has committed
the batch (bot/intake.py).

The batch is fetched as raw JSON through our own request object rather than `Bot.get_updates`: that
parses the whole batch into Update objects and raises for all of it when one fails (and PTB then logs
the batch, personal data included), so one update PTB cannot read would stall polling forever. Here
it is stored as unparseable and polling moves on. Errors are met as PTB's network loop meets them:
429 waits retry_after (+0.5 s), a timed-out long poll asks again at once, 409 and network errors back
off from 1 s up to 30 s, a refused token stops polling.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter  # what Bot._do_post builds its data from

from bot.intake import Intake
from bot.request import AiohttpRequest
from bot.transport import retry_after_seconds

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open (PTB's start_polling default)
READ_SLACK = 10.0  # beyond the poll timeout before the read counts as timed out
MAX_BACKOFF = 30.0


class Poller:
    def __init__(self, bot: Bot, intake: Intake, *, allowed_updates: Sequence[str],
                 timeout: int = POLL_TIMEOUT, request: BaseRequest | None = None) -> None:
        self._bot = bot
        self._intake = intake
        self._allowed = list(allowed_updates)
        self._timeout = timeout
        # Its own small pool: the long poll holds its connection for the poll timeout.
        self._request = request or AiohttpRequest(connection_pool_size=2, read_timeout=READ_SLACK)
        self._offset: int | None = None  # the next offset to ask for: everything before it is stored
        self._asked: int | None = None  # the offset last sent, i.e. what Telegram knows is confirmed
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._webhook_cleared = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        await self._request.initialize()
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="polling")

    async def stop(self) -> None:
        """Stop asking; a batch being stored is finished first. Then confirm the last stored batch,
        as PTB's Updater does (stored already, so this only spares Telegram re-sending it)."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._offset is not None and self._offset != self._asked:
            try:
                await self._get_updates(timeout=0, limit=1)
            except TelegramError as exc:
                log.info("confirming the last updates at stop failed (%s); they will come again, "
                         "and are recognised as stored", type(exc).__name__)
        await self._request.shutdown()

    async def _run(self) -> None:
        delay = 0.0
        while not self._stopping.is_set():
            try:
                if not self._webhook_cleared:
                    # A webhook left set (an earlier run in webhook mode) answers every getUpdates 409.
                    await self._bot.delete_webhook()
                    self._webhook_cleared = True
                batch = await self._unless_stopped(self._get_updates(timeout=self._timeout))
                if batch is None:
                    return
                await self._store(batch)  # not interrupted by a stop: the batch is stored or not at all
                delay = 0.0
                continue
            except RetryAfter as exc:
                delay = retry_after_seconds(exc) + 0.5
                log.warning("getUpdates: 429, waiting %.1f s", delay)
            except TimedOut:
                delay = 0.0  # a long poll outlasted its read timeout: ask again at once
            except InvalidToken:
                log.error("the bot token was refused (401/404): polling stops")
                return
            except Conflict:
                delay = _backoff(delay)
                log.warning("getUpdates: 409 conflict (another poller or a webhook); retrying in %.1f s", delay)
            except TelegramError as exc:
                delay = _backoff(delay)
                log.warning("getUpdates failed (%s); retrying in %.1f s", type(exc).__name__, delay)
            except Exception as exc:  # storing failed: nothing acknowledged, ask again later
                delay = _backoff(delay)
                log.error("storing updates failed (%s); asking for them again in %.1f s", type(exc).__name__, delay)
            if delay:
                await self._unless_stopped(asyncio.sleep(delay))

    async def _store(self, batch: list[Any]) -> None:
        updates = [u for u in batch if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
        if len(updates) != len(batch):
            log.error("getUpdates returned %d items without an update id; skipped", len(batch) - len(updates))
        if updates:
            await self._intake.receive(updates)
            last = max(u["update_id"] for u in updates)
            self._offset = max(self._offset or 0, last + 1)

    async def _get_updates(self, *, timeout: int, limit: int = 100) -> list[Any]:
        params: dict[str, Any] = {"timeout": timeout, "limit": limit, "allowed_updates": self._allowed}
        if self._offset is not None:
            params["offset"] = self._offset
        data = RequestData([RequestParameter.from_input(key, value) for key, value in params.items()])
        asked = self._offset
        result = await self._request.post(
            f"{self._bot.base_url}/getUpdates", request_data=data, read_timeout=timeout + READ_SLACK
        )
        self._asked = asked
        return result if isinstance(result, list) else []

    async def _unless_stopped(self, work: Any) -> Any:
        """Await `work` unless stop() is called first (then cancel it and return None)."""
        task = asyncio.ensure_future(work)
        stopped = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            stopped.cancel()
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return None


def _backoff(delay: float) -> float:
    return 1.0 if delay == 0 else min(MAX_BACKOFF, delay * 1.5)
