"""The sandbox's data model: users, chats, messages, files, callback queries, webhooks, faults
and statistics, each with its Bot API (or control API) JSON form.

``Notifier`` lives here because a chat log wakes its own waiters; the stores that hold these
objects (one bot's, the whole sandbox's) are in :mod:`sandbox.state`.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .markup import Markup

JSON = dict[str, Any]


def now_ts() -> int:
    return int(time.time())


class Notifier:
    """Wakes every current waiter on ``notify()`` (a broadcast event)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        event = self._event
        if timeout <= 0:
            return False
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "zh-hans"
    phone_number: str | None = None

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def to_control(self) -> JSON:
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
            "phone_number": self.phone_number,
        }


@dataclass
class Chat:
    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    user: User | None = None  # the other party of a private chat
    member_ids: list[int] = field(default_factory=list)

    def to_api(self) -> JSON:
        if self.user is not None:
            data: JSON = {"id": self.id, "first_name": self.user.first_name}
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
            data["type"] = "private"
            return data
        data = {"id": self.id, "title": self.title, "type": self.type}
        if self.username:
            data["username"] = self.username
        if self.type == "group":
            data["all_members_are_administrators"] = False
        return data

    def to_full_info(self) -> JSON:
        data = self.to_api()
        data.pop("all_members_are_administrators", None)
        data.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return data

    def to_control(self) -> JSON:
        data = self.to_api()
        data["member_ids"] = list(self.member_ids)
        return data


@dataclass
class StoredMessage:
    data: JSON  # the Bot API Message, current state (edits applied)
    from_bot: bool
    markup: Markup | None = None  # reply_markup as sent, of any kind

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])


@dataclass
class ChatLog:
    """One bot's view of one chat."""

    bot_id: int
    chat: Chat
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: Markup | None = None
    keyboard_message_id: int | None = None  # the bot message that set reply_keyboard
    started: bool = False  # private chats: the user has written to the bot
    last_action: JSON | None = None
    version: int = 0
    changed: Notifier = field(default_factory=Notifier)

    @property
    def chat_instance(self) -> str:
        digest = hashlib.sha256(f"{self.bot_id}:{self.chat.id}".encode()).digest()
        return str(int.from_bytes(digest[:8], "big", signed=True))

    def add(self, message: StoredMessage) -> None:
        self.messages[message.message_id] = message
        self.touch()

    def allocate_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def touch(self) -> None:
        self.version += 1
        self.changed.notify()

    def listing(self, after: int = 0) -> list[JSON]:
        return [m.data for mid, m in self.messages.items() if mid > after]


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    bot_id: int
    kind: str  # "photo" | "voice" | "document" | "audio" | "video"
    data: bytes
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None
    # kind-specific details: photo "sizes" (the PhotoSize list shared by all
    # sizes of one photo), voice "duration".
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def file_size(self) -> int:
        return len(self.data)

    def to_file(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass
class CallbackQuery:
    id: str
    bot_id: int
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    chat_instance: str
    created_at: float
    answer: JSON | None = None


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Fault:
    method: str  # lower-case
    error_code: int
    description: str
    remaining: int
    retry_after: int | None = None

    def to_json(self) -> JSON:
        return {
            "method": self.method,
            "error_code": self.error_code,
            "description": self.description,
            "remaining": self.remaining,
            "retry_after": self.retry_after,
        }


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)
    messages_sent: int = 0
    too_many_requests: int = 0

    def to_json(self) -> JSON:
        return {
            "requests": dict(self.requests),
            "messages_sent": self.messages_sent,
            "too_many_requests": self.too_many_requests,
        }

    def reset(self) -> None:
        self.requests.clear()
        self.messages_sent = 0
        self.too_many_requests = 0
