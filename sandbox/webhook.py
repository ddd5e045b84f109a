"""Webhook delivery: one worker per bot POSTs queued updates, in order.

A non-2xx answer or a connection error keeps the update at the head of the
queue and retries with exponential backoff, recording ``last_error_date`` and
``last_error_message`` for getWebhookInfo, as Telegram does. A 2xx answer
whose JSON body names a ``method`` is executed as a Bot API call (Telegram's
"reply to the webhook with a method call").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .config import SandboxConfig
from .models import Webhook, now_ts
from .state import BotState, SandboxState

log = logging.getLogger(__name__)

ReplyExecutor = Callable[[BotState, dict[str, Any]], Awaitable[None]]


class WebhookDelivery:
    def __init__(self, config: SandboxConfig, state: SandboxState) -> None:
        self._config = config
        self._state = state
        self._session: aiohttp.ClientSession | None = None
        self.execute_reply: ReplyExecutor | None = None

    async def open(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._config.webhook_timeout)
        )
        for bot in self._state.bots.values():
            self.restart(bot)

    async def close(self) -> None:
        tasks = []
        for bot in self._state.bots.values():
            if bot.webhook_task is not None:
                bot.webhook_task.cancel()
                tasks.append(bot.webhook_task)
                bot.webhook_task = None
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    def restart(self, bot: BotState) -> None:
        """(Re)starts the worker after the bot's webhook changed."""
        if bot.webhook_task is not None:
            bot.webhook_task.cancel()
            bot.webhook_task = None
        if bot.webhook is not None and self._session is not None:
            bot.webhook_task = asyncio.create_task(
                self._run(bot, bot.webhook), name=f"sandbox-webhook-{bot.id}"
            )

    async def _run(self, bot: BotState, hook: Webhook) -> None:
        delay = self._config.webhook_retry_initial
        while bot.webhook is hook and not self._state.closing:
            if not bot.updates:
                await bot.updates_changed.wait(30.0)
                continue
            update = bot.updates[0]
            error, reply = await self._post(hook, update)
            if bot.webhook is not hook:
                return
            if error is None:
                if bot.updates and bot.updates[0] is update:
                    bot.acknowledge_head()
                delay = self._config.webhook_retry_initial
                if reply is not None and self.execute_reply is not None:
                    try:
                        await self.execute_reply(bot, reply)
                    except Exception:  # a bad reply must not stop delivery
                        log.exception("webhook reply of bot %s failed", bot.id)
                continue
            hook.last_error_date = now_ts()
            hook.last_error_message = error
            log.info("webhook delivery to bot %s failed: %s", bot.id, error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._config.webhook_retry_max)

    async def _post(self, hook: Webhook, update: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        try:
            async with self._session.post(hook.url, data=body, headers=headers) as response:
                payload = await response.read()
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}", None
                reply = None
                if response.content_type == "application/json" and payload.strip():
                    with contextlib.suppress(ValueError):
                        decoded = json.loads(payload)
                        if isinstance(decoded, dict) and isinstance(decoded.get("method"), str):
                            reply = decoded
                return None, reply
        except TimeoutError:
            return "Timeout expired", None
        except aiohttp.ClientConnectorError:
            return "Connection refused", None
        except aiohttp.ClientError as exc:
            return f"Connection error: {type(exc).__name__}", None
