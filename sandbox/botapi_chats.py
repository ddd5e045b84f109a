"""Bot API methods about a chat rather than one message: callback query answers, chat actions,
chat and member info, and file downloads (getFile)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .botapi_registry import method
from .errors import bad_request
from .models import JSON, now_ts
from .params import Params
from .state import BotState

if TYPE_CHECKING:
    from .botapi import BotApi

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)


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


@method("getFile")
async def get_file(api: BotApi, bot: BotState, p: Params) -> JSON:
    stored = api.state.files.get((p.get_str("file_id") or "").strip())
    if stored is None or stored.bot_id != bot.id:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD_SIZE:
        raise bad_request("file is too big")
    return stored.to_file()
