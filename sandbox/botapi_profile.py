"""Bot API methods about the bot itself: getMe, its command lists per scope and language, and
the profile settings (name, descriptions, menu button), which the sandbox only stores."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from .botapi_registry import method
from .errors import CHAT_NOT_FOUND, bad_request
from .models import JSON
from .params import Params
from .state import BotState

if TYPE_CHECKING:
    from .botapi import BotApi

SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


@method("getMe")
async def get_me(api: BotApi, bot: BotState, p: Params) -> JSON:
    return bot.get_me()


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
