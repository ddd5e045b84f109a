"""Bot API methods that write messages: sending (text, photo, voice, document), editing
(text, caption, inline keyboard) and deleting."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from .botapi_registry import method
from .errors import ApiError, bad_request
from .formatting import format_text
from .markup import Markup
from .models import JSON, Chat, ChatLog, StoredMessage, now_ts
from .params import Params, UploadedFile
from .state import BotState

if TYPE_CHECKING:
    from .botapi import BotApi


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
