"""The Bot API surface: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``.

Handlers raise :class:`ApiError` with Telegram's own codes and descriptions;
``BotApi.call`` turns results and errors into Telegram's response envelope,
applies injected faults, counts statistics and records the call log.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from yarl import URL

from .core import Sandbox
from .errors import CHAT_NOT_FOUND, ApiError, bad_request, forbidden
from .formatting import MAX_CAPTION_LENGTH, format_text
from .markup import Markup, parse_reply_markup
from .params import Params, UploadedFile, read_params
from .state import JSON, TOKEN_RE, BotState, Chat, ChatLog, StoredFile, StoredMessage, Webhook, now_ts

log = logging.getLogger(__name__)

Handler = Callable[["BotApi", BotState, Params], Awaitable[Any]]

CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)
SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass(frozen=True)
class _Method:
    name: str
    handler: Handler


_METHODS: dict[str, _Method] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _METHODS[name.lower()] = _Method(name, handler)
        return handler

    return register


def method_names() -> list[str]:
    return sorted(m.name for m in _METHODS.values())


@dataclass
class Described:
    """A result that Telegram answers together with a ``description``."""

    result: Any
    description: str


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
        entry = _METHODS.get(request.match_info["method"].lower())
        if entry is None:
            return _json_response(ApiError(404, "Not Found").to_json(), 404)
        try:
            params = await read_params(request)
        except ApiError as exc:
            return _json_response(exc.to_json(), exc.error_code)
        status, body = await self.call(bot, entry, params)
        return _json_response(body, status)

    async def call(self, bot: BotState, entry: _Method, params: Params) -> tuple[int, JSON]:
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
        entry = _METHODS.get(str(payload.pop("method")).lower())
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


# ====================================================================== methods


@method("getMe")
async def get_me(api: BotApi, bot: BotState, p: Params) -> JSON:
    return bot.get_me()


@method("logOut")
async def log_out(api: BotApi, bot: BotState, p: Params) -> bool:
    return True


@method("close")
async def close(api: BotApi, bot: BotState, p: Params) -> bool:
    return True


# ------------------------------------------------------------------- updates


def _allowed_updates(p: Params) -> list[str] | None:
    value = p.get_json("allowed_updates", "can't parse allowed updates JSON object")
    if value is None:
        return None
    if not isinstance(value, list):
        raise bad_request("can't parse allowed updates JSON object")
    # Kept as given: names of types the sandbox never produces are harmless.
    return [v for v in value if isinstance(v, str)]


def _confirm(bot: BotState, offset: int) -> None:
    if offset > 0:
        while bot.updates and bot.updates[0]["update_id"] < offset:
            bot.acknowledge_head()
    elif offset < 0:
        while len(bot.updates) > -offset:
            bot.acknowledge_head()


@method("getUpdates")
async def get_updates(api: BotApi, bot: BotState, p: Params) -> list[JSON]:
    if bot.webhook is not None:
        raise ApiError(409, CONFLICT_WEBHOOK)
    offset = p.get_int("offset", 0) or 0
    limit = p.get_int("limit", 100) or 100
    if not 1 <= limit <= 100:
        limit = 100
    timeout = max(0.0, min(p.get_float("timeout", 0.0) or 0.0, api.config.max_long_poll))
    allowed = _allowed_updates(p)
    if allowed is not None:
        bot.allowed_updates = allowed
    # A newer getUpdates ends the one still waiting with 409.
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.updates_changed.notify()
    _confirm(bot, offset)

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not bot.updates and not api.state.closing:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await bot.updates_changed.wait(remaining)
        if bot.poll_generation != generation:
            raise ApiError(409, CONFLICT_OTHER_POLL)
        if bot.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
    return [copy.deepcopy(u) for u in itertools.islice(bot.updates, limit)]


def _webhook_url(api: BotApi, url: str) -> str:
    try:
        parsed = URL(url)
    except ValueError:
        raise bad_request("bad webhook: Wrong URL host") from None
    if api.config.webhook_require_https and parsed.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    return url


@method("setWebhook")
async def set_webhook(api: BotApi, bot: BotState, p: Params) -> Described:
    url = (p.get_str("url") or "").strip()
    secret = p.get_str("secret_token") or None
    if secret is not None:
        if len(secret) > 256:
            raise bad_request("secret token is too long")
        if not _SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
    max_connections = min(max(p.get_int("max_connections", 40) or 40, 1), 100)
    allowed = _allowed_updates(p)
    drop = p.get_bool("drop_pending_updates")
    if not url:
        was_set = bot.webhook is not None
        bot.webhook = None
        api.sandbox.webhooks.restart(bot)
        if drop:
            bot.drop_pending()
        return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")
    url = _webhook_url(api, url)
    if allowed is not None:
        bot.allowed_updates = allowed
    if drop:
        bot.drop_pending()
    current = bot.webhook
    if (
        current is not None
        and current.url == url
        and current.secret_token == secret
        and current.max_connections == max_connections
    ):
        return Described(True, "Webhook is already set")
    bot.webhook = Webhook(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        ip_address=p.get_str("ip_address") or None,
        has_custom_certificate="certificate" in p.files,
    )
    bot.updates_changed.notify()  # a waiting getUpdates now ends with 409
    api.sandbox.webhooks.restart(bot)
    return Described(True, "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(api: BotApi, bot: BotState, p: Params) -> Described:
    was_set = bot.webhook is not None
    bot.webhook = None
    api.sandbox.webhooks.restart(bot)
    if p.get_bool("drop_pending_updates"):
        bot.drop_pending()
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(api: BotApi, bot: BotState, p: Params) -> JSON:
    hook = bot.webhook
    info: JSON = {
        "url": hook.url if hook else "",
        "has_custom_certificate": bool(hook and hook.has_custom_certificate),
        "pending_update_count": len(bot.updates),
    }
    if hook is not None:
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        info["max_connections"] = hook.max_connections
        if bot.allowed_updates:
            info["allowed_updates"] = list(bot.allowed_updates)
    return info


# ------------------------------------------------------------------ messages


def _link_preview(p: Params) -> JSON | None:
    options = p.get_json("link_preview_options", "can't parse link preview options JSON object")
    if isinstance(options, dict) and options:
        return {k: v for k, v in options.items() if v is not None}
    if p.get_bool("disable_web_page_preview"):
        return {"is_disabled": True}
    return None


@method("sendMessage")
async def send_message(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, chat_log = api.resolve_chat(bot, p)
    text = p.get_str("text")
    if text is None:
        raise bad_request("message text is empty")
    plain, entities = format_text(
        text, p.get_str("parse_mode"), p.get_json("entities", "can't parse entities JSON object")
    )
    content: JSON = {"text": plain}
    if entities:
        content["entities"] = entities
    preview = _link_preview(p)
    if preview:
        content["link_preview_options"] = preview
    return api.send(bot, chat, chat_log, p, content)


@method("sendPhoto")
async def send_photo(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, chat_log = api.resolve_chat(bot, p)
    source = api.upload_or_file(bot, p, "photo")
    content = api.caption(p)
    if isinstance(source, UploadedFile):
        sizes = api.sandbox.store_photo(bot, source.data)
    else:
        sizes = copy.deepcopy(source.meta.get("sizes") or [])
    return api.send(bot, chat, chat_log, p, {"photo": sizes, **content})


@method("sendVoice")
async def send_voice(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, chat_log = api.resolve_chat(bot, p)
    source = api.upload_or_file(bot, p, "voice")
    content = api.caption(p)
    duration = p.get_int("duration")
    if isinstance(source, UploadedFile):
        source = api.sandbox.store_voice(bot, source.data, duration)
    return api.send(bot, chat, chat_log, p, {"voice": api.sandbox.voice_json(source, duration), **content})


@method("sendDocument")
async def send_document(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, chat_log = api.resolve_chat(bot, p)
    source = api.upload_or_file(bot, p, "document")
    content = api.caption(p)
    if isinstance(source, UploadedFile):
        source = api.sandbox.store_document(bot, source.data, source.filename, source.content_type)
    return api.send(bot, chat, chat_log, p, {"document": api.sandbox.document_json(source), **content})


def _not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def _apply_edit(api: BotApi, bot: BotState, chat: Chat, chat_log: ChatLog, message: StoredMessage,
                changes: JSON, markup: Markup | None) -> JSON:
    data = message.data
    # A value of None in ``changes`` means "absent", which data.get() also gives.
    unchanged = all(data.get(k) == v for k, v in changes.items())
    if unchanged and data.get("reply_markup") == markup:
        raise _not_modified()
    api.sandbox.flood.check(bot.id, chat.id, chat.type)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    if markup is None:
        data.pop("reply_markup", None)
    else:
        data["reply_markup"] = markup
    message.markup = markup
    data["edit_date"] = now_ts()
    chat_log.touch()
    return copy.deepcopy(data)


@method("editMessageText")
async def edit_message_text(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, chat_log, message = api.edit_target(bot, p)
    text = p.get_str("text")
    if text is None:
        raise bad_request("message text is empty")
    plain, entities = format_text(
        text, p.get_str("parse_mode"), p.get_json("entities", "can't parse entities JSON object")
    )
    markup = api.inline_markup(p)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    if "text" not in message.data:
        raise bad_request("there is no text in the message to edit")
    changes: JSON = {"text": plain, "entities": entities or None}
    preview = _link_preview(p)
    if preview:
        changes["link_preview_options"] = preview
    return _apply_edit(api, bot, chat, chat_log, message, changes, markup)


@method("editMessageCaption")
async def edit_message_caption(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, chat_log, message = api.edit_target(bot, p)
    caption = api.caption(p)
    markup = api.inline_markup(p)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    if "text" in message.data:
        raise bad_request("there is no caption in the message to edit")
    changes: JSON = {"caption": caption.get("caption"), "caption_entities": caption.get("caption_entities")}
    return _apply_edit(api, bot, chat, chat_log, message, changes, markup)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, chat_log, message = api.edit_target(bot, p)
    markup = api.inline_markup(p)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return _apply_edit(api, bot, chat, chat_log, message, {}, markup)


def _delete(chat_log: ChatLog, message_id: int) -> bool:
    if chat_log.messages.pop(message_id, None) is None:
        return False
    if chat_log.keyboard_message_id == message_id:
        # The reply keyboard lives with its message (tdlib's reply_markup_message_id).
        chat_log.reply_keyboard = None
        chat_log.keyboard_message_id = None
    chat_log.touch()
    return True


@method("deleteMessage")
async def delete_message(api: BotApi, bot: BotState, p: Params) -> bool:
    _, chat_log = api.resolve_chat(bot, p)
    if not _delete(chat_log, p.get_int("message_id") or 0):
        raise bad_request("message to delete not found")
    return True


@method("deleteMessages")
async def delete_messages(api: BotApi, bot: BotState, p: Params) -> bool:
    _, chat_log = api.resolve_chat(bot, p)
    ids = p.get_json("message_ids", "can't parse message identifiers JSON object")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    deleted = [_delete(chat_log, int(i)) for i in ids if isinstance(i, (int, str)) and str(i).lstrip("-").isdigit()]
    if not any(deleted):
        raise bad_request("message to delete not found")
    return True


@method("answerCallbackQuery")
async def answer_callback_query(api: BotApi, bot: BotState, p: Params) -> bool:
    query_id = p.get_str("callback_query_id") or ""
    query = bot.callback_queries.get(query_id)
    if (
        query is None
        or query.answer is not None
        or time.time() - query.created_at > api.config.callback_query_ttl
    ):
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "callback_query_id": query.id,
        "text": text,
        "show_alert": p.get_bool("show_alert"),
        "url": p.get_str("url"),
        "cache_time": p.get_int("cache_time", 0),
        "date": now_ts(),
        "answered_at": time.time(),  # control API only: how long the bot took (benchmarks)
    }
    return True


@method("sendChatAction")
async def send_chat_action(api: BotApi, bot: BotState, p: Params) -> bool:
    chat, chat_log = api.resolve_chat(bot, p)
    action = p.get_str("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    api.ensure_can_send(bot, chat)
    chat_log.last_action = {"action": action, "date": now_ts()}
    chat_log.touch()
    return True


@method("getChat")
async def get_chat(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, _ = api.resolve_chat(bot, p)
    return chat.to_full_info()


@method("getChatMember")
async def get_chat_member(api: BotApi, bot: BotState, p: Params) -> JSON:
    chat, _ = api.resolve_chat(bot, p)
    user_id = p.get_int("user_id") or 0
    if user_id == bot.id:
        return {"status": "member", "user": bot.user_dict()}
    user = api.state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    member = user_id == chat.id if chat.type == "private" else user_id in chat.member_ids
    return {"status": "member" if member else "left", "user": user.to_api()}


# ------------------------------------------------------------------ files


@method("getFile")
async def get_file(api: BotApi, bot: BotState, p: Params) -> JSON:
    stored = api.state.files.get((p.get_str("file_id") or "").strip())
    if stored is None or stored.bot_id != bot.id:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD_SIZE:
        raise bad_request("file is too big")
    return stored.to_file()


# --------------------------------------------------------------- commands


def _command_key(api: BotApi, p: Params) -> tuple[str, int | None, int | None, str]:
    scope = p.get_json("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    chat_id: int | None = None
    user_id: int | None = None
    if kind in ("chat", "chat_administrators", "chat_member"):
        scope_params = Params(scope)
        chat_id = scope_params.get_int("chat_id") or 0
        if api.state.chat(chat_id) is None:
            raise bad_request(CHAT_NOT_FOUND)
        if kind == "chat_member":
            user_id = scope_params.get_int("user_id") or 0
            if user_id not in api.state.users:
                raise bad_request("user not found")
    language = p.get_str("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return kind, chat_id, user_id, language




@method("setMyCommands")
async def set_my_commands(api: BotApi, bot: BotState, p: Params) -> bool:
    commands = p.get_json("commands", "can't parse commands JSON object")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    result: list[JSON] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", "")).strip()
        description = str(item.get("description", "")).strip()
        if not _COMMAND_RE.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": command, "description": description})
    key = _command_key(api, p)
    if result:
        bot.commands[key] = result
    else:
        bot.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(api: BotApi, bot: BotState, p: Params) -> list[JSON]:
    return copy.deepcopy(bot.commands.get(_command_key(api, p), []))


@method("deleteMyCommands")
async def delete_my_commands(api: BotApi, bot: BotState, p: Params) -> bool:
    bot.commands.pop(_command_key(api, p), None)
    return True


# -------------------------------------------- profile settings (stored only)


def _setting(name: str, field: str, limit: int) -> None:
    async def setter(api: BotApi, bot: BotState, p: Params) -> bool:
        value = p.get_str(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        bot.extra_settings[(field, p.get_str("language_code") or "")] = value
        return True

    async def getter(api: BotApi, bot: BotState, p: Params) -> JSON:
        value = bot.extra_settings.get((field, p.get_str("language_code") or ""), "")
        if field == "name" and not value:
            value = bot.first_name
        return {field: value}

    method(f"setMy{name}")(setter)
    method(f"getMy{name}")(getter)


_setting("Description", "description", 512)
_setting("ShortDescription", "short_description", 120)
_setting("Name", "name", 64)


@method("setChatMenuButton")
async def set_chat_menu_button(api: BotApi, bot: BotState, p: Params) -> bool:
    button = p.get_json("menu_button", "can't parse menu button JSON object") or {"type": "default"}
    bot.extra_settings[("menu_button", p.get_int("chat_id") or 0)] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(api: BotApi, bot: BotState, p: Params) -> JSON:
    button = bot.extra_settings.get(("menu_button", p.get_int("chat_id") or 0))
    if not button or button.get("type") == "default":
        return {"type": "commands"}
    return dict(button)
