"""Control API (``/sandbox/...``): tests and the demo page act as people here.

Successful answers are plain JSON objects of the documented shapes; failures
are ``{"ok": false, "description": ...}`` with a 4xx status.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import copy
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from .core import Sandbox
from .errors import ControlError
from .formatting import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, detect_entities
from .markup import inline_buttons
from .media import DEFAULT_PHOTO_SIZE, fake_voice, tiny_png
from .state import JSON, BotState, CallbackQuery, Chat, ChatLog, Fault, StoredMessage, User, now_ts

WEBCHAT_DIR = Path(__file__).resolve().parent / "webchat"
MAX_CONTROL_WAIT = 60.0
_DEFAULT_FAULT_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

ControlHandler = Callable[["ControlApi", web.Request], Awaitable[web.StreamResponse | JSON]]


def _control(handler: ControlHandler) -> Callable[[ControlApi, web.Request], Awaitable[web.StreamResponse]]:
    """Turns dict results into JSON responses and ControlError into 4xx."""

    async def wrapper(self: ControlApi, request: web.Request) -> web.StreamResponse:
        try:
            result = await handler(self, request)
        except ControlError as exc:
            return _json({"ok": False, "description": exc.description}, exc.status)
        if isinstance(result, web.StreamResponse):
            return result
        return _json(result)

    return wrapper


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


async def _body(request: web.Request) -> JSON:
    if not request.body_exists:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ControlError(400, "request body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlError(400, "request body must be a JSON object")
    return data


def _int(value: Any, name: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _number(value: Any, name: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be a number") from None


def _opt_str(body: JSON, name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ControlError(400, f"{name} must be a string")
    return value


class ControlApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state

    def routes(self) -> list[web.RouteDef]:
        r = web
        return [
            r.get("/", self.page),
            r.get("/sandbox/chat", self.page),
            r.post("/sandbox/bots", self.add_bot),
            r.get("/sandbox/bots", self.list_bots),
            r.get("/sandbox/bots/{bot_id}", self.bot_info),
            r.post("/sandbox/users", self.add_user),
            r.get("/sandbox/users", self.list_users),
            r.get("/sandbox/users/{user_id}", self.get_user),
            r.post("/sandbox/chats", self.add_chat),
            r.get("/sandbox/chats", self.list_chats),
            r.post("/sandbox/bots/{bot_id}/send", self.send),
            r.post("/sandbox/bots/{bot_id}/tap", self.tap),
            r.post("/sandbox/bots/{bot_id}/press", self.press),
            r.post("/sandbox/bots/{bot_id}/users/{user_id}/block", self.block),
            r.get("/sandbox/bots/{bot_id}/chats/{chat_id}/messages", self.messages),
            r.get("/sandbox/bots/{bot_id}/chats/{chat_id}/keyboard", self.keyboard),
            r.get("/sandbox/bots/{bot_id}/callback_answers", self.callback_answers),
            r.get("/sandbox/bots/{bot_id}/calls", self.calls),
            r.get("/sandbox/bots/{bot_id}/acknowledged", self.acknowledged),
            r.post("/sandbox/bots/{bot_id}/faults", self.add_fault),
            r.get("/sandbox/config", self.get_config),
            r.post("/sandbox/config", self.set_config),
            r.get("/sandbox/stats", self.stats),
            r.post("/sandbox/stats/reset", self.reset_stats),
            r.get("/sandbox/files/{file_id}", self.file),
        ]

    # ---------------------------------------------------------------- helpers
    def _bot(self, request: web.Request) -> BotState:
        return self.state.require_bot(_int(request.match_info["bot_id"], "bot_id") or 0)

    def _chat(self, chat_id: int) -> Chat:
        chat = self.state.chat(chat_id)
        if chat is None:
            raise ControlError(404, f"unknown chat {chat_id}")
        return chat

    def _chat_for(self, bot: BotState, user: User, chat_id: int | None) -> tuple[Chat, ChatLog]:
        if chat_id is None or chat_id == user.id:
            chat = self._chat(user.id)
        else:
            chat = self._chat(chat_id)
            if chat.type == "private":
                raise ControlError(400, "a user can only write in their own private chat with the bot")
            if user.id not in chat.member_ids:
                raise ControlError(400, f"user {user.id} is not a member of chat {chat.id}")
        return chat, self.state.chat_log(bot, chat)

    def _post_user_message(
        self,
        bot: BotState,
        chat: Chat,
        chat_log: ChatLog,
        user: User,
        content: JSON,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Stores a message written by a person and queues its update."""
        message: JSON = {
            "message_id": chat_log.allocate_id(),
            "from": user.to_api(),
            "chat": chat.to_api(),
            "date": now_ts(),
        }
        if reply_to_message_id is not None:
            target = chat_log.messages.get(reply_to_message_id)
            if target is None:
                chat_log.next_message_id -= 1  # nothing was sent
                raise ControlError(400, f"message {reply_to_message_id} not found in the chat")
            snapshot = copy.deepcopy(target.data)
            snapshot.pop("reply_to_message", None)
            message["reply_to_message"] = snapshot
        message.update(content)
        if chat.type == "private":
            chat_log.started = True
        else:
            bot.seen_in_groups.add(user.id)
        chat_log.add(StoredMessage(message, from_bot=False))
        update_id = bot.enqueue("message", copy.deepcopy(message))
        return {"message": copy.deepcopy(message), "update_id": update_id}

    @staticmethod
    def _text_content(text: str, key: str = "text") -> JSON:
        entity_key = "entities" if key == "text" else "caption_entities"
        content: JSON = {key: text}
        entities = detect_entities(text, [])
        if entities:
            content[entity_key] = entities
        return content

    def _contact(self, user: User, spec: Any) -> JSON:
        if not isinstance(spec, dict) or not spec.get("phone_number"):
            raise ControlError(400, "contact.phone_number is required")
        contact: JSON = {"phone_number": str(spec["phone_number"])}
        owner: User | None = None
        user_id = _int(spec.get("user_id"), "contact.user_id", required=False)
        if user_id is not None:
            owner = self.state.users.get(user_id)
        else:
            owner = next(
                (u for u in self.state.users.values() if u.phone_number == contact["phone_number"]), None
            )
        first_name = spec.get("first_name") or (owner.first_name if owner else None)
        if not first_name:
            raise ControlError(400, "contact.first_name is required for an unknown person")
        contact["first_name"] = str(first_name)
        last_name = spec.get("last_name") or (owner.last_name if owner and not spec.get("first_name") else None)
        if last_name:
            contact["last_name"] = str(last_name)
        if user_id is not None:
            contact["user_id"] = user_id
        return contact

    # ------------------------------------------------------------------ page
    async def page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(WEBCHAT_DIR / "index.html", headers={"Cache-Control": "no-store"})

    # ------------------------------------------------------------ registries
    @_control
    async def add_bot(self, request: web.Request) -> JSON:
        body = await _body(request)
        token = body.get("token")
        if not isinstance(token, str):
            raise ControlError(400, "token is required")
        bot = self.state.add_bot(token, _opt_str(body, "username"), _opt_str(body, "first_name"))
        # A bot that met an earlier sandbox (a demo restarted over its database) has seen update ids
        # up to some number: later updates must be numbered past it, as Telegram's always are.
        min_update_id = _int(body.get("min_update_id"), "min_update_id", required=False)
        if min_update_id is not None:
            bot.next_update_id = max(bot.next_update_id, min_update_id)
        return {**bot.get_me(), "token": bot.token}

    @_control
    async def list_bots(self, request: web.Request) -> JSON:
        return {"bots": [{**b.get_me(), "token": b.token} for b in self.state.bots.values()]}

    @_control
    async def bot_info(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        hook = bot.webhook
        webhook = None
        if hook is not None:
            webhook = {
                "url": hook.url,
                "secret_token": hook.secret_token,
                "max_connections": hook.max_connections,
                "last_error_date": hook.last_error_date,
                "last_error_message": hook.last_error_message,
                "allowed_updates": bot.allowed_updates,
            }
        return {
            "bot": {**bot.get_me(), "token": bot.token},
            "webhook": webhook,
            "commands": copy.deepcopy(bot.commands.get(("default", None, None, ""), [])),
            "command_sets": [
                {
                    "scope": {
                        k: v
                        for k, v in (("type", key[0]), ("chat_id", key[1]), ("user_id", key[2]))
                        if v is not None
                    },
                    "language_code": key[3],
                    "commands": copy.deepcopy(commands),
                }
                for key, commands in bot.commands.items()
            ],
            "pending_update_count": len(bot.updates),
            "allowed_updates": bot.allowed_updates,
        }

    @_control
    async def add_user(self, request: web.Request) -> JSON:
        body = await _body(request)
        first_name = body.get("first_name")
        if not isinstance(first_name, str) or not first_name.strip():
            raise ControlError(400, "first_name is required")
        language = body.get("language_code", "zh-hans")
        user = self.state.add_user(
            first_name,
            last_name=_opt_str(body, "last_name"),
            username=_opt_str(body, "username"),
            phone_number=None if body.get("phone_number") is None else str(body["phone_number"]),
            language_code=language if isinstance(language, str) and language else None,
            user_id=_int(body.get("id"), "id", required=False),
        )
        if body.get("started"):
            # The person wrote to the bots before (in an earlier run): they may write to them first.
            for bot in self.state.bots.values():
                self.state.chat_log(bot, self._chat(user.id)).started = True
        return user.to_control()

    @_control
    async def list_users(self, request: web.Request) -> JSON:
        return {"users": [u.to_control() for u in self.state.users.values()]}

    @_control
    async def get_user(self, request: web.Request) -> JSON:
        return self.state.require_user(_int(request.match_info["user_id"], "user_id") or 0).to_control()

    @_control
    async def add_chat(self, request: web.Request) -> JSON:
        body = await _body(request)
        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ControlError(400, "title is required")
        members = body.get("member_ids", [])
        if not isinstance(members, list):
            raise ControlError(400, "member_ids must be a list")
        member_ids = [_int(m, "member_ids[]") or 0 for m in members]
        chat = self.state.add_group(
            str(body.get("type", "group")), title, member_ids, _opt_str(body, "username")
        )
        return chat.to_control()

    @_control
    async def list_chats(self, request: web.Request) -> JSON:
        return {"chats": [c.to_control() for c in self.state.groups.values()]}

    # -------------------------------------------------------- people acting
    @_control
    async def send(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await _body(request)
        user = self.state.require_user(_int(body.get("from_id"), "from_id") or 0)
        chat, chat_log = self._chat_for(bot, user, _int(body.get("chat_id"), "chat_id", required=False))
        kinds = [k for k in ("text", "contact", "voice", "photo", "document") if body.get(k) is not None]
        if len(kinds) != 1:
            raise ControlError(400, "give exactly one of text, contact, voice, photo, document")
        kind = kinds[0]
        data: bytes | None = None
        if body.get("data_b64") is not None:
            try:
                data = base64.b64decode(str(body["data_b64"]), validate=True)
            except (binascii.Error, ValueError):
                raise ControlError(400, "data_b64 is not valid base64") from None
            if not data:
                raise ControlError(400, "data_b64 is empty")

        content: JSON
        if kind == "text":
            text = body["text"]
            if not isinstance(text, str) or not text.strip():
                raise ControlError(400, "text must be a non-empty string")
            if len(text) > MAX_TEXT_LENGTH:
                raise ControlError(400, "text is longer than 4096 characters")
            content = self._text_content(text)
        elif kind == "contact":
            content = {"contact": self._contact(user, body["contact"])}
        else:
            spec = body[kind]
            if not isinstance(spec, dict):
                spec = {}
            if kind == "voice":
                duration = _int(spec.get("duration"), "voice.duration", required=False) or 3
                stored = self.sandbox.store_voice(bot, data or fake_voice(duration), duration)
                content = {"voice": self.sandbox.voice_json(stored)}
            elif kind == "photo":
                width = _int(spec.get("width"), "photo.width", required=False)
                height = _int(spec.get("height"), "photo.height", required=False)
                if (width is None) != (height is None):
                    raise ControlError(400, "give both photo.width and photo.height")
                if data is None and width is None:
                    width, height = DEFAULT_PHOTO_SIZE  # a "camera photo" unless bytes say otherwise
                content = {"photo": self.sandbox.store_photo(bot, data or tiny_png(), width, height)}
            else:
                stored = self.sandbox.store_document(
                    bot,
                    data or b"%PDF-1.4\n% sandbox document\n%%EOF\n",
                    _opt_str(spec, "file_name") or "document.pdf",
                    _opt_str(spec, "mime_type"),
                )
                content = {"document": self.sandbox.document_json(stored)}
            caption = body.get("caption")
            if isinstance(caption, str) and caption.strip():
                if len(caption) > MAX_CAPTION_LENGTH:
                    raise ControlError(400, "caption is longer than 1024 characters")
                content.update(self._text_content(caption, "caption"))
        reply_to = _int(body.get("reply_to_message_id"), "reply_to_message_id", required=False)
        return self._post_user_message(bot, chat, chat_log, user, content, reply_to)

    @_control
    async def tap(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await _body(request)
        user = self.state.require_user(_int(body.get("from_id"), "from_id") or 0)
        label = body.get("label")
        if not isinstance(label, str):
            raise ControlError(400, "label is required")
        chat, chat_log = self._chat_for(bot, user, None)
        keyboard = chat_log.reply_keyboard
        rows = keyboard["keyboard"] if keyboard else []
        button = next((b for row in rows for b in row if b.get("text") == label), None)
        if keyboard is None or button is None:
            raise ControlError(400, f"no button labelled {label!r} on the current reply keyboard")
        content: JSON
        if button.get("request_contact"):
            if not user.phone_number:
                raise ControlError(400, f"user {user.id} has no phone_number to share")
            contact: JSON = {"phone_number": user.phone_number, "first_name": user.first_name}
            if user.last_name:
                contact["last_name"] = user.last_name
            contact["user_id"] = user.id
            content = {"contact": contact}
        else:
            special = next(
                (k for k in ("request_location", "request_poll", "request_users", "request_chat", "web_app")
                 if button.get(k)),
                None,
            )
            if special is not None:
                raise ControlError(400, f"button {label!r} uses {special}, which the sandbox cannot act out")
            content = self._text_content(label)
        if keyboard.get("one_time_keyboard"):
            chat_log.reply_keyboard = None
            chat_log.keyboard_message_id = None
        return self._post_user_message(bot, chat, chat_log, user, content)

    @_control
    async def press(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await _body(request)
        user = self.state.require_user(_int(body.get("from_id"), "from_id") or 0)
        chat, chat_log = self._chat_for(bot, user, _int(body.get("chat_id"), "chat_id", required=False))
        label, data = body.get("label"), body.get("data")
        if label is None and data is None:
            raise ControlError(400, "give label or data")
        message_id = _int(body.get("message_id"), "message_id", required=False)
        if message_id is not None:
            one = chat_log.messages.get(message_id)
            if one is None:
                raise ControlError(400, f"message {message_id} not found in the chat")
            candidates = [one]
        else:
            candidates = list(reversed(chat_log.messages.values()))
        found: tuple[StoredMessage, JSON] | None = None
        url_button = False
        for message in candidates:
            if not message.from_bot:
                continue
            for button in inline_buttons(message.data.get("reply_markup")):
                if label is not None and button.get("text") != label:
                    continue
                if "callback_data" not in button:
                    url_button = url_button or data is None
                    continue
                if data is not None and button["callback_data"] != data:
                    continue
                found = (message, button)
                break
            if found:
                break
        if found is None:
            what = f"labelled {label!r}" if label is not None else f"with data {data!r}"
            if url_button:
                raise ControlError(400, f"the inline button {what} is not a callback button")
            raise ControlError(400, f"no inline button {what} in the chat")
        message, button = found
        query = CallbackQuery(
            id=self.state.next_callback_id(bot),
            bot_id=bot.id,
            user_id=user.id,
            chat_id=chat.id,
            message_id=message.message_id,
            data=button["callback_data"],
            chat_instance=chat_log.chat_instance,
            created_at=time.time(),
        )
        bot.callback_queries[query.id] = query
        if chat.type == "private":
            chat_log.started = True
        payload: JSON = {
            "id": query.id,
            "from": user.to_api(),
            "message": copy.deepcopy(message.data),
            "chat_instance": query.chat_instance,
            "data": query.data,
        }
        update_id = bot.enqueue("callback_query", copy.deepcopy(payload))
        return {"callback_query": payload, "update_id": update_id}

    @_control
    async def block(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        user = self.state.require_user(_int(request.match_info["user_id"], "user_id") or 0)
        body = await _body(request)
        blocked = bool(body.get("blocked", True))
        reason = str(body.get("reason") or "blocked")
        if reason not in ("blocked", "deactivated"):
            raise ControlError(400, "reason must be 'blocked' or 'deactivated'")
        previous = bot.blocked.get(user.id)
        if blocked:
            bot.blocked[user.id] = reason
        else:
            bot.blocked.pop(user.id, None)
        chat_log = bot.chats.get(user.id)
        # Telegram tells the bot about (un)blocking with a my_chat_member update.
        was_kicked = previous == "blocked"
        is_kicked = blocked and reason == "blocked"
        if chat_log is not None and chat_log.started and was_kicked != is_kicked:
            member = {"user": bot.user_dict(), "status": "member"}
            kicked = {"user": bot.user_dict(), "status": "kicked", "until_date": 0}
            bot.enqueue(
                "my_chat_member",
                {
                    "chat": chat_log.chat.to_api(),
                    "from": user.to_api(),
                    "date": now_ts(),
                    "old_chat_member": kicked if was_kicked else member,
                    "new_chat_member": kicked if is_kicked else member,
                },
            )
        return {"user_id": user.id, "blocked": blocked, "reason": reason if blocked else None}

    # --------------------------------------------------------------- reading
    @_control
    async def messages(self, request: web.Request) -> web.StreamResponse:
        bot = self._bot(request)
        chat = self._chat(_int(request.match_info["chat_id"], "chat_id") or 0)
        chat_log = self.state.chat_log(bot, chat)
        query = request.query
        after = _int(query.get("after"), "after", required=False) or 0
        wait = min(max(_number(query.get("wait"), "wait", 0.0), 0.0), MAX_CONTROL_WAIT)
        minimum = max(_int(query.get("min"), "min", required=False) or 1, 1)
        # Extension for the web page: wait for any change past this version.
        version = _int(query.get("version"), "version", required=False)

        def satisfied() -> bool:
            if version is not None:
                return chat_log.version != version
            return len(chat_log.listing(after)) >= minimum

        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not satisfied() and not self.state.closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await chat_log.changed.wait(remaining)
        return _json(
            {"messages": copy.deepcopy(chat_log.listing(after))},
            headers={"X-Sandbox-Version": str(chat_log.version)},
        )

    @_control
    async def keyboard(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        chat = self._chat(_int(request.match_info["chat_id"], "chat_id") or 0)
        chat_log = bot.chats.get(chat.id)
        return {"keyboard": copy.deepcopy(chat_log.reply_keyboard) if chat_log else None}

    @_control
    async def callback_answers(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        wanted = request.query.get("callback_query_id")
        answers = [
            {**q.answer, "asked_at": q.created_at}
            for q in bot.callback_queries.values()
            if q.answer is not None and (wanted is None or q.id == wanted)
        ]
        return {"answers": answers}

    @_control
    async def calls(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        wanted = request.query.get("method")
        calls = [
            c for c in bot.calls if wanted is None or c["method"].lower() == wanted.lower()
        ]
        return {"calls": calls}

    @_control
    async def acknowledged(self, request: web.Request) -> JSON:
        """Update ids the bot acknowledged (getUpdates offset past them, webhook 2xx), in order;
        `start` skips the first ones, for reading a long run in steps."""
        bot = self._bot(request)
        start = _int(request.query.get("start", "0"), "start") or 0
        return {"update_ids": bot.acknowledged[start:], "total": len(bot.acknowledged)}

    @_control
    async def add_fault(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await _body(request)
        method = body.get("method")
        if not isinstance(method, str) or not method:
            raise ControlError(400, "method is required")
        code = _int(body.get("error_code"), "error_code") or 0
        if not 400 <= code <= 599:
            raise ControlError(400, "error_code must be between 400 and 599")
        count = _int(body.get("count", 1), "count") or 0
        if count < 1:
            raise ControlError(400, "count must be >= 1")
        retry_after = _int(body.get("retry_after"), "retry_after", required=False)
        if code == 429 and not retry_after:
            retry_after = 1
        description = body.get("description")
        if not isinstance(description, str) or not description:
            if code == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_FAULT_TEXT.get(code, "Internal Server Error")
        bot.faults.append(Fault(method.lower(), code, description, count, retry_after))
        return {"faults": [f.to_json() for f in bot.faults]}

    # ----------------------------------------------------------- settings
    @_control
    async def get_config(self, request: web.Request) -> JSON:
        return self.sandbox.flood.config.to_json()

    @_control
    async def set_config(self, request: web.Request) -> JSON:
        body = await _body(request)
        try:
            return self.sandbox.flood.reconfigure(**body).to_json()
        except (TypeError, ValueError) as exc:
            raise ControlError(400, str(exc)) from None

    @_control
    async def stats(self, request: web.Request) -> JSON:
        return self.state.stats.to_json()

    @_control
    async def reset_stats(self, request: web.Request) -> JSON:
        self.state.stats.reset()
        return self.state.stats.to_json()

    @_control
    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise ControlError(404, "unknown file")
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
