"""In-memory state of the sandbox: each bot's own store (updates, chats, webhook, commands) and
the sandbox-wide registries of bots, users, groups and files.

Everything runs on one asyncio loop, so the state is mutated without locks;
``Notifier`` wakes the long polls (getUpdates, webhook delivery, the control
API's ``wait``) when something changes. The objects stored here are in :mod:`sandbox.models`.
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
from collections import deque
from typing import Any

from .errors import ControlError
from .models import JSON, CallbackQuery, Chat, ChatLog, Fault, Notifier, Stats, StoredFile, User, Webhook

# Update types a bot receives when it never chose (Telegram's default leaves
# these three out).
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,100})$")
FIRST_USER_ID = 100000001


class BotState:
    def __init__(
        self, token: str, *, username: str | None, first_name: str | None, calls_log_size: int
    ) -> None:
        m = TOKEN_RE.match(token)
        if not m:
            raise ValueError("malformed bot token (expected '<bot_id>:<secret>')")
        self.token = token
        self.id = int(m.group(1))
        self.username = username or f"sandbox{self.id}_bot"
        self.first_name = first_name or "Sandbox Bot"
        # Telegram's update ids start "from a certain positive number"; a fixed
        # per-bot start keeps runs reproducible without being 1.
        self.next_update_id = random.Random(self.id).randint(10_000_000, 900_000_000)
        self.updates: deque[JSON] = deque()
        self.updates_changed = Notifier()
        # Ids of updates the bot acknowledged, in that order: by calling getUpdates with an offset
        # past them, or by answering their webhook delivery 2xx. Telegram forgets an update then,
        # so a bot that had not stored it by that moment has lost it (the crash tests count these).
        self.acknowledged: list[int] = []
        self.allowed_updates: list[str] | None = None
        self.poll_generation = 0
        self.webhook: Webhook | None = None
        self.webhook_task: asyncio.Task[None] | None = None
        self.commands: dict[tuple[str, int | None, int | None, str], list[JSON]] = {}
        self.seen_in_groups: set[int] = set()  # users met in a group chat
        self.blocked: dict[int, str] = {}  # user_id -> "blocked" | "deactivated"
        self.chats: dict[int, ChatLog] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.calls: deque[JSON] = deque(maxlen=calls_log_size)
        self.faults: list[Fault] = []
        self.files_by_path: dict[str, StoredFile] = {}
        self.extra_settings: dict[tuple[str, Any], Any] = {}  # description, name, menu button ...

    # -- identity
    def user_dict(self) -> JSON:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def get_me(self) -> JSON:
        return {
            **self.user_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- updates
    def accepts(self, update_type: str) -> bool:
        if not self.allowed_updates:
            return update_type not in _NOT_DEFAULT_UPDATES
        return update_type in self.allowed_updates

    def enqueue(self, update_type: str, payload: JSON) -> int | None:
        """Queues an update; like Telegram, types the bot did not ask for are
        never created (returns None then)."""
        if not self.accepts(update_type):
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, update_type: payload})
        self.updates_changed.notify()
        return update_id

    def acknowledge_head(self) -> JSON:
        """Removes the oldest pending update, which the bot acknowledged."""
        update = self.updates.popleft()
        self.acknowledged.append(update["update_id"])
        return update

    def drop_pending(self) -> None:
        self.updates.clear()
        self.updates_changed.notify()

    def take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None


class SandboxState:
    def __init__(self, *, calls_log_size: int = 10_000) -> None:
        self.calls_log_size = calls_log_size
        self.bots: dict[int, BotState] = {}
        self.users: dict[int, User] = {}
        self.groups: dict[int, Chat] = {}
        self._private_chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.stats = Stats()
        self.closing = False
        self._next_user_id = FIRST_USER_ID
        self._group_seq = 0
        self._file_seq = 0
        self._callback_seq = 0

    # -- bots
    def add_bot(self, token: str, username: str | None = None, first_name: str | None = None) -> BotState:
        m = TOKEN_RE.match(token)
        if not m:
            raise ControlError(400, "malformed bot token (expected '<bot_id>:<secret>')")
        existing = self.bots.get(int(m.group(1)))
        if existing is not None:
            if existing.token != token:
                raise ControlError(409, f"bot {existing.id} already exists with another token")
            if username:
                existing.username = username
            if first_name:
                existing.first_name = first_name
            return existing
        bot = BotState(token, username=username, first_name=first_name, calls_log_size=self.calls_log_size)
        self.bots[bot.id] = bot
        return bot

    def bot_by_token(self, token: str) -> BotState | None:
        m = TOKEN_RE.match(token)
        if not m:
            return None
        bot = self.bots.get(int(m.group(1)))
        if bot is None or not secrets.compare_digest(bot.token, token):
            return None
        return bot

    def require_bot(self, bot_id: int) -> BotState:
        bot = self.bots.get(bot_id)
        if bot is None:
            raise ControlError(404, f"unknown bot {bot_id}")
        return bot

    # -- users and chats
    def add_user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        phone_number: str | None = None,
        language_code: str | None = "zh-hans",
        user_id: int | None = None,
    ) -> User:
        if user_id is None:
            while self._next_user_id in self.users:
                self._next_user_id += 1
            user_id = self._next_user_id
            self._next_user_id += 1
        elif user_id <= 0:
            raise ControlError(400, "user id must be positive")
        elif user_id in self.users:
            raise ControlError(409, f"user {user_id} already exists")
        if username and any(u.username and u.username.lower() == username.lower() for u in self.users.values()):
            raise ControlError(409, f"username {username!r} is taken")
        user = User(user_id, first_name, last_name, username, language_code, phone_number)
        self.users[user_id] = user
        return user

    def require_user(self, user_id: int) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise ControlError(404, f"unknown user {user_id}")
        return user

    def add_group(self, kind: str, title: str, member_ids: list[int], username: str | None = None) -> Chat:
        if kind not in ("group", "supergroup"):
            raise ControlError(400, "type must be 'group' or 'supergroup'")
        for member_id in member_ids:
            self.require_user(member_id)
        self._group_seq += 1
        # Basic groups have small negative ids, supergroups -100xxxxxxxxxx.
        chat_id = -(4_000_000_000 + self._group_seq) if kind == "group" else -(1_002_000_000_000 + self._group_seq)
        chat = Chat(chat_id, kind, title=title, username=username, member_ids=list(member_ids))
        self.groups[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> Chat | None:
        if chat_id > 0:
            user = self.users.get(chat_id)
            if user is None:
                return None
            chat = self._private_chats.get(chat_id)
            if chat is None:
                chat = self._private_chats[chat_id] = Chat(chat_id, "private", user=user)
            return chat
        return self.groups.get(chat_id)

    def chat_by_username(self, username: str) -> Chat | None:
        name = username.lstrip("@").lower()
        for chat in self.groups.values():
            if chat.username and chat.username.lower() == name:
                return chat
        return None

    def chat_log(self, bot: BotState, chat: Chat) -> ChatLog:
        log = bot.chats.get(chat.id)
        if log is None:
            log = bot.chats[chat.id] = ChatLog(bot.id, chat)
        return log

    # -- files
    def store_file(
        self,
        bot: BotState,
        kind: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        extension: str = "",
    ) -> StoredFile:
        self._file_seq += 1
        prefix = {"photo": "AgAC", "voice": "AwAC", "document": "BQAC"}.get(kind, "CAAC")
        folder = {"photo": "photos", "voice": "voice", "document": "documents"}.get(kind, kind + "s")
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(36),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            bot_id=bot.id,
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{self._file_seq}{extension}",
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        bot.files_by_path[stored.file_path] = stored
        return stored

    def next_callback_id(self, bot: BotState) -> str:
        self._callback_seq += 1
        # Telegram's ids are opaque decimal strings.
        return str((bot.id % 1_000_000) * 10**12 + 4_000_000_000_000 + self._callback_seq)

    # -- lifecycle
    def notify_all(self) -> None:
        for bot in self.bots.values():
            bot.updates_changed.notify()
            for log in bot.chats.values():
                log.changed.notify()

    def close(self) -> None:
        self.closing = True
        self.notify_all()
