"""Delivering one outbox message through the Bot API, and saying how it went.

The sender decides what to do with each outcome; this module only knows Telegram's vocabulary:
429 -> RetryLater(rate_limited), 403 blocked/deactivated -> Unreachable, other 400/403 -> Failed
(a 400 never succeeds on a second try, the group-upgraded one included), network trouble and
5xx -> RetryLater.

One outbox row is one Bot API call: the outbox cuts long texts into rows when they are queued
(yinling/outbox.py). A row that still needs several calls (a text queued too long by a path that
bypasses `Outbox.enqueue`, or queued before the outbox cut texts) remembers, in this process, how
many of its calls went through, so a retry resumes after the last delivered part instead of
sending the first one again.

Text goes to the Bot API as one JSON post through the bot's own request object (PTB's, so its
timeouts and its mapping of answers to exceptions hold) rather than through `Bot.send_message`:
that renders the keyboard into PTB objects and back into JSON for every message, and parses
Telegram's whole answer, keyboard included, into a Message of which we keep only the id. Those
two were over half the time of a send (profiled under bench/inbound.py). A keyboard's JSON is made
once, with PTB's own serialisation, and reused. Media stay on PTB's methods (uploads, file ids).
"""
from __future__ import annotations

import functools
import json
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal, Protocol

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter  # what Bot._do_post builds its data from
from telegram.warnings import PTBDeprecationWarning

from bot.keyboards import render
from yinling.models import Keyboard, QueuedMessage
from yinling.text_split import TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT, split_text, utf16_len

TEXT_LIMIT = TELEGRAM_TEXT_LIMIT  # Telegram counts UTF-16 code units
CAPTION_LIMIT = TELEGRAM_CAPTION_LIMIT


@dataclass(frozen=True)
class Sent:
    message_id: int | None


@dataclass(frozen=True)
class RetryLater:
    after: float
    error: str
    rate_limited: bool = False  # a 429: pause everything, and it does not count as an attempt


@dataclass(frozen=True)
class Unreachable:
    reason: Literal["blocked", "deactivated"]
    error: str


@dataclass(frozen=True)
class Failed:
    error: str


Outcome = Sent | RetryLater | Unreachable | Failed


class Transport(Protocol):
    async def deliver(self, message: QueuedMessage) -> Outcome: ...


def retry_after_seconds(exc: RetryAfter) -> float:
    # PTB 22 warns that retry_after will become a timedelta; accept either, without the warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(seconds, 1.0)


class TelegramTransport:
    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self.paid_broadcast = paid_broadcast
        # A local file sent to many (a notice's photo) is uploaded once; Telegram's file_id after.
        self._uploaded: dict[str, str] = {}
        # outbox id -> (calls already delivered, Telegram's id of the last), for rows of several calls
        self._progress: dict[int, tuple[int, int | None]] = {}

    async def deliver(self, message: QueuedMessage) -> Outcome:
        outcome = await self._outcome(message)
        if not isinstance(outcome, RetryLater):
            self._progress.pop(message.id, None)  # done with, one way or the other
        return outcome

    async def _outcome(self, message: QueuedMessage) -> Outcome:
        try:
            return Sent(await self._send(message))
        except RetryAfter as exc:
            return RetryLater(after=retry_after_seconds(exc), error=f"429: {exc.message}", rate_limited=True)
        except Forbidden as exc:
            text = exc.message.lower()
            if "blocked" in text:
                return Unreachable("blocked", f"403: {exc.message}")
            if "deactivated" in text:
                return Unreachable("deactivated", f"403: {exc.message}")
            return Failed(f"403: {exc.message}")
        except BadRequest as exc:
            return Failed(f"400: {exc.message}")
        except ChatMigrated as exc:  # a 400 too: the group became a supergroup with a new id
            return Failed(f"400: {exc.message}")
        except NetworkError as exc:  # includes timeouts and 5xx answers
            return RetryLater(after=0.0, error=f"network: {exc.message}")
        except TelegramError as exc:
            return RetryLater(after=0.0, error=f"telegram: {exc.message}")

    async def _send(self, message: QueuedMessage) -> int | None:
        extra = {}
        if self.paid_broadcast:
            # Every message, replies too: a paid broadcast may use up the free 30/s allowance (the
            # sandbox assumes it does; Telegram does not say), and a reply must not wait behind it.
            extra["allow_paid_broadcast"] = True
        if message.media is None and utf16_len(message.text) <= TEXT_LIMIT:  # nearly every row
            return await self._send_text(message.chat_id, message.text, markup_json(message.keyboard), extra)
        steps = self._steps(message, extra)
        if len(steps) == 1:
            return await steps[0]()
        done, last_id = self._progress.get(message.id, (0, None))
        for index in range(done, len(steps)):
            last_id = await steps[index]()
            self._progress[message.id] = (index + 1, last_id)
        return last_id

    def _steps(self, message: QueuedMessage, extra: dict) -> list[Callable[[], Awaitable[int | None]]]:
        """The Bot API calls `message` takes, in order, the keyboard on the last."""
        if message.media is None:
            pieces = split_text(message.text, TEXT_LIMIT) if utf16_len(message.text) > TEXT_LIMIT else [message.text]
            media_steps: list[Callable[[], Awaitable[int | None]]] = []
        elif utf16_len(message.text) <= CAPTION_LIMIT:
            markup = render(message.keyboard)
            return [lambda: self._send_media(message, message.text or None, markup, extra)]
        else:
            pieces = split_text(message.text, TEXT_LIMIT)
            media_steps = [lambda: self._send_media(message, None, None, extra)]
        last, markup_text = len(pieces) - 1, markup_json(message.keyboard)
        return media_steps + [
            functools.partial(self._send_text, message.chat_id, piece, markup_text if i == last else None, extra)
            for i, piece in enumerate(pieces)
        ]

    async def _send_text(self, chat_id: int, text: str, markup: str | None, extra: dict) -> int | None:
        params = {"chat_id": chat_id, "text": text, "reply_markup": markup, **extra}
        data = RequestData([RequestParameter.from_input(key, value) for key, value in params.items()])
        sent = await self.bot.request.post(f"{self.bot.base_url}/sendMessage", request_data=data)
        return sent.get("message_id") if isinstance(sent, dict) else None

    async def _send_media(self, message: QueuedMessage, caption: str | None, markup, extra: dict) -> int | None:
        media = message.media
        assert media is not None
        payload: str | InputFile
        uploaded = self._uploaded.get(media.path or "")
        if media.file_id or uploaded:
            payload = media.file_id or uploaded or ""
        else:
            payload = InputFile(Path(media.path or "").read_bytes(), filename=Path(media.path or "file").name)
        senders: dict[str, Callable[..., Awaitable[Message]]] = {
            "photo": self.bot.send_photo, "voice": self.bot.send_voice, "document": self.bot.send_document}
        sent = await senders[media.kind](message.chat_id, payload, caption=caption, reply_markup=markup, **extra)
        if isinstance(payload, InputFile) and media.path and (file_id := _file_id(sent, media.kind)):
            self._uploaded[media.path] = file_id
        return sent.message_id


@functools.lru_cache(maxsize=512)
def markup_json(keyboard: Keyboard | None) -> str | None:
    """The reply_markup parameter PTB would send for `keyboard` (most replies carry one of a few)."""
    markup = render(keyboard)
    return None if markup is None else json.dumps(markup.to_dict())


def _file_id(sent, kind: str) -> str | None:
    """Telegram's id of the file a message carries (the largest size of a photo)."""
    if kind == "photo":
        return sent.photo[-1].file_id if sent.photo else None
    attached = getattr(sent, kind, None)
    return attached.file_id if attached is not None else None
