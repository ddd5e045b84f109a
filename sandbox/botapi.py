"""The Bot API surface: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``.

Handlers raise :class:`ApiError` with Telegram's own codes and descriptions;
``BotApi.call`` turns results and errors into Telegram's response envelope,
applies injected faults, counts statistics and records the call log. The helpers every family
of methods shares (resolving a chat, the common tail of send*, captions, files, edit targets)
are ``BotApi``'s methods; the methods themselves are in ``botapi_updates``, ``botapi_messages``,
``botapi_chats`` and ``botapi_profile``, registered in :mod:`sandbox.botapi_registry`.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from typing import Any

from aiohttp import web

from . import botapi_chats, botapi_messages, botapi_profile, botapi_updates  # noqa: F401  (they register the methods)
from .botapi_registry import METHODS, Described, RegisteredMethod
from .core import Sandbox
from .errors import CHAT_NOT_FOUND, ApiError, bad_request, forbidden
from .formatting import MAX_CAPTION_LENGTH, format_text
from .markup import Markup, parse_reply_markup
from .models import JSON, Chat, ChatLog, StoredFile, StoredMessage, now_ts
from .params import Params, UploadedFile, read_params
from .state import TOKEN_RE, BotState

log = logging.getLogger(__name__)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _json_response(body: JSON, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def _loggable(params: Params) -> JSON:
    data = params.raw()
    for name, upload in params.files.items():
        data[name] = {"file_name": upload.filename, "file_size": len(upload.data)}
    return data


class BotApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state
        self.config = sandbox.config
        sandbox.webhooks.execute_reply = self._execute_webhook_reply

    def routes(self) -> list[web.RouteDef]:
        return [
            web.route("*", "/bot{token}/{method}", self.handle),
            web.get("/file/bot{token}/{path:.+}", self.handle_file),
        ]

    # ------------------------------------------------------------ dispatch
    async def handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        bot = self.state.bot_by_token(token)
        if bot is None:
            # Telegram: well-formed but unknown token -> 401, malformed -> 404.
            error = ApiError(401, "Unauthorized") if TOKEN_RE.match(token) else ApiError(404, "Not Found")
            return _json_response(error.to_json(), error.error_code)
        entry = METHODS.get(request.match_info["method"].lower())
        if entry is None:
            return _json_response(ApiError(404, "Not Found").to_json(), 404)
        try:
            params = await read_params(request)
        except ApiError as exc:
            return _json_response(exc.to_json(), exc.error_code)
        status, body = await self.call(bot, entry, params)
        return _json_response(body, status)

    async def call(self, bot: BotState, entry: RegisteredMethod, params: Params) -> tuple[int, JSON]:
        started = time.time()
        self.state.stats.requests[entry.name] += 1
        body: JSON
        try:
            fault = bot.take_fault(entry.name.lower())
            if fault is not None:
                retry = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise ApiError(fault.error_code, fault.description, retry)
            result = await entry.handler(self, bot, params)
            if isinstance(result, Described):
                body = {"ok": True, "result": result.result, "description": result.description}
            else:
                body = {"ok": True, "result": result}
            status = 200
        except ApiError as exc:
            body, status = exc.to_json(), exc.error_code
        if status == 429:
            self.state.stats.too_many_requests += 1
        bot.calls.append(
            {
                "method": entry.name,
                "params": _loggable(params),
                "at": started,
                "status": status,
                "description": body.get("description") if status != 200 else None,
            }
        )
        log.debug("bot %s %s -> %s", bot.id, entry.name, status)
        return status, body

    async def _execute_webhook_reply(self, bot: BotState, payload: JSON) -> None:
        payload = dict(payload)
        entry = METHODS.get(str(payload.pop("method")).lower())
        if entry is not None:
            await self.call(bot, entry, Params(payload))

    async def handle_file(self, request: web.Request) -> web.Response:
        bot = self.state.bot_by_token(request.match_info["token"])
        if bot is None:
            return _json_response(ApiError(401, "Unauthorized").to_json(), 401)
        stored = bot.files_by_path.get(request.match_info["path"])
        if stored is None:
            return _json_response(ApiError(404, "Not Found").to_json(), 404)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ------------------------------------------------------------ helpers
    def resolve_chat(self, bot: BotState, p: Params, name: str = "chat_id") -> tuple[Chat, ChatLog]:
        raw = p.get(name)
        if raw is None or raw == "":
            raise bad_request(f"{name} is empty")
        chat: Chat | None
        if isinstance(raw, str) and raw.strip().startswith("@"):
            chat = self.state.chat_by_username(raw.strip())
        else:
            chat_id = p.get_int(name) or 0
            chat = self.state.chat(chat_id) if chat_id else None
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        chat_log = bot.chats.get(chat.id)
        if chat.type == "private" and (chat_log is None or not chat_log.started):
            # Bots cannot start conversations: the user must have written first.
            # A user the bot has only met in a group is known but still closed.
            if chat.id in bot.seen_in_groups:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request(CHAT_NOT_FOUND)
        return chat, self.state.chat_log(bot, chat)

    @staticmethod
    def ensure_can_send(bot: BotState, chat: Chat) -> None:
        if chat.type != "private":
            return
        reason = bot.blocked.get(chat.id)
        if reason == "deactivated":
            raise forbidden("user is deactivated")
        if reason is not None:
            raise forbidden("bot was blocked by the user")

    @staticmethod
    def reply_target(chat_log: ChatLog, p: Params) -> JSON | None:
        params = p.get_json("reply_parameters", "can't parse reply parameters JSON object")
        if isinstance(params, dict) and params.get("message_id") is not None:
            message_id = Params(params).get_int("message_id") or 0
            allow_missing = Params(params).get_bool("allow_sending_without_reply")
        elif p.has("reply_to_message_id"):
            message_id = p.get_int("reply_to_message_id") or 0
            allow_missing = p.get_bool("allow_sending_without_reply")
        else:
            return None
        target = chat_log.messages.get(message_id)
        if target is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        snapshot = copy.deepcopy(target.data)
        snapshot.pop("reply_to_message", None)  # Telegram nests one level only
        return snapshot

    def send(self, bot: BotState, chat: Chat, chat_log: ChatLog, p: Params, content: JSON) -> JSON:
        """Common tail of every send* method: validate, rate-limit, store."""
        markup = parse_reply_markup(
            p.get_json("reply_markup", "can't parse reply keyboard markup JSON object")
        )
        reply = self.reply_target(chat_log, p)
        self.ensure_can_send(bot, chat)
        self.sandbox.flood.check(bot.id, chat.id, chat.type, paid=p.get_bool("allow_paid_broadcast"))
        message: JSON = {
            "message_id": chat_log.allocate_id(),
            "from": bot.user_dict(),
            "chat": chat.to_api(),
            "date": now_ts(),
        }
        if reply is not None:
            message["reply_to_message"] = reply
        message.update(content)
        if p.get_bool("protect_content"):
            message["has_protected_content"] = True
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        stored = StoredMessage(message, from_bot=True, markup=markup)
        if markup is not None and "keyboard" in markup:
            chat_log.reply_keyboard = markup
            chat_log.keyboard_message_id = stored.message_id
        elif markup is not None and "remove_keyboard" in markup:
            chat_log.reply_keyboard = None
            chat_log.keyboard_message_id = None
        chat_log.add(stored)
        self.state.stats.messages_sent += 1
        return copy.deepcopy(message)

    def caption(self, p: Params) -> JSON:
        text = p.get_str("caption")
        if text is None:
            return {}
        plain, entities = format_text(
            text,
            p.get_str("parse_mode"),
            p.get_json("caption_entities", "can't parse caption entities JSON object"),
            max_length=MAX_CAPTION_LENGTH,
            caption=True,
        )
        result: JSON = {}
        if plain:
            result["caption"] = plain
            if entities:
                result["caption_entities"] = entities
        return result

    def upload_or_file(self, bot: BotState, p: Params, field: str) -> UploadedFile | StoredFile:
        upload = p.files.get(field)
        raw = p.get(field)
        if upload is None and isinstance(raw, str) and raw.startswith("attach://"):
            upload = p.files.get(raw[len("attach://"):])
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            return upload
        if isinstance(raw, str) and raw.strip():
            stored = self.state.files.get(raw.strip())
            # URLs would be downloaded by Telegram; the sandbox has no network.
            if stored is None or stored.bot_id != bot.id:
                raise bad_request("wrong file identifier/HTTP URL specified")
            if stored.kind != field:
                raise bad_request("type of file mismatch")
            return stored

        raise bad_request(f"there is no {field} in the request")

    def edit_target(self, bot: BotState, p: Params) -> tuple[Chat, ChatLog, StoredMessage]:
        if p.has("inline_message_id") and not p.has("chat_id"):
            # Inline-mode messages do not exist in the sandbox.
            raise bad_request("MESSAGE_ID_INVALID")
        chat, chat_log = self.resolve_chat(bot, p)
        message = chat_log.messages.get(p.get_int("message_id") or 0)
        if message is None:
            raise bad_request("message to edit not found")
        return chat, chat_log, message

    def inline_markup(self, p: Params) -> Markup | None:
        markup = parse_reply_markup(
            p.get_json("reply_markup", "can't parse reply keyboard markup JSON object")
        )
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup
