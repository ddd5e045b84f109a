"""Delivering one outbox message through the Bot API, and saying how it went.

The sender decides what to do with each outcome; this module only knows Telegram's vocabulary:
429 -> RetryLater(rate_limited), 403 blocked/deactivated -> Unreachable, other 400/403 -> Failed,
network trouble and 5xx -> RetryLater.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal, Protocol

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.keyboards import render
from yinling.models import QueuedMessage

TEXT_LIMIT = 4096  # Telegram counts UTF-16 code units
CAPTION_LIMIT = 1024


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


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split `text` into pieces Telegram accepts, preferring line breaks; never loses a character."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = _fit(rest, limit)
        newline = rest.rfind("\n", 0, cut)
        if newline > cut // 2:
            cut = newline + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return [p for p in pieces if p] or [text]


def _fit(text: str, limit: int) -> int:
    """The longest prefix length (in code points) within `limit` UTF-16 units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


class TelegramTransport:
    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self.paid_broadcast = paid_broadcast
        # A local file sent to many (a notice's photo) is uploaded once; Telegram's file_id after.
        self._uploaded: dict[str, str] = {}

    async def deliver(self, message: QueuedMessage) -> Outcome:
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
        markup = render(message.keyboard)
        if message.media is not None:
            return await self._send_media(message, markup, extra)
        pieces = split_text(message.text)
        sent = None
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            sent = await self.bot.send_message(
                message.chat_id, piece, reply_markup=markup if last else None, **extra
            )
        return sent.message_id if sent else None

    async def _send_media(self, message: QueuedMessage, markup, extra: dict) -> int | None:
        media = message.media
        assert media is not None
        payload: str | InputFile
        uploaded = self._uploaded.get(media.path or "")
        if media.file_id or uploaded:
            payload = media.file_id or uploaded or ""
        else:
            payload = InputFile(Path(media.path or "").read_bytes(), filename=Path(media.path or "file").name)
        fits = utf16_len(message.text) <= CAPTION_LIMIT
        caption = message.text if fits else None
        send = {"photo": self.bot.send_photo, "voice": self.bot.send_voice, "document": self.bot.send_document}[
            media.kind
        ]
        sent = await send(message.chat_id, payload, caption=caption, reply_markup=markup if fits else None, **extra)
        if isinstance(payload, InputFile) and media.path and (file_id := _file_id(sent, media.kind)):
            self._uploaded[media.path] = file_id
        if fits:
            return sent.message_id
        last = None
        for index, piece in enumerate(pieces := split_text(message.text)):
            last = await self.bot.send_message(
                message.chat_id, piece, reply_markup=markup if index == len(pieces) - 1 else None, **extra
            )
        return last.message_id if last else sent.message_id


def _file_id(sent, kind: str) -> str | None:
    """Telegram's id of the file a message carries (the largest size of a photo)."""
    if kind == "photo":
        return sent.photo[-1].file_id if sent.photo else None
    attached = getattr(sent, kind, None)
    return attached.file_id if attached is not None else None
