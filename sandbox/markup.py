"""Validation and normalisation of ``reply_markup`` objects."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request

Markup = dict[str, Any]

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)
_KEYBOARD_REQUESTS = (
    "request_contact", "request_location", "request_poll", "request_users", "request_chat",
    "web_app",
)
_MAX_BUTTONS = 100


def _valid_button_url(url: str) -> bool:
    return bool(re.match(r"^(https?|tg)://[^\s]+$", url, re.IGNORECASE))


def _rows(obj: Markup, key: str, kind: str) -> list[list[Any]]:
    rows = obj.get(key)
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(f'field "{key}" of the {kind} should be an Array of Arrays')
    if sum(len(r) for r in rows) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _inline_button(button: Any) -> Markup:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [k for k in _INLINE_ACTIONS if k in button and button[k] is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    result: Markup = {"text": text}
    for key in actions[:1]:
        value = button[key]
        if key == "callback_data":
            data = str(value)
            if not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            value = data
        elif key == "url" and (not isinstance(value, str) or not _valid_button_url(value)):
            raise bad_request("BUTTON_URL_INVALID")
        result[key] = value
    if "style" in button:
        result["style"] = button["style"]
    return result


def _keyboard_button(button: Any) -> Markup:
    if isinstance(button, str):
        return {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse keyboard button: Field \"text\" must be of type String")
    result: Markup = {"text": button["text"]}
    for key in _KEYBOARD_REQUESTS:
        if button.get(key) not in (None, False):
            result[key] = button[key]
    return result


def parse_reply_markup(obj: Any) -> Markup | None:
    """Validates a reply_markup (already JSON-decoded) and returns a normalised
    copy: keyboard buttons given as plain strings become ``{"text": ...}``."""
    if obj is None:
        return None
    if not isinstance(obj, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in obj:
        rows = _rows(obj, "inline_keyboard", "InlineKeyboardMarkup")
        return {"inline_keyboard": [[_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in obj:
        rows = _rows(obj, "keyboard", "ReplyKeyboardMarkup")
        result: Markup = {"keyboard": [[_keyboard_button(b) for b in row] for row in rows]}
        for flag in ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective"):
            if obj.get(flag):
                result[flag] = True
        placeholder = obj.get("input_field_placeholder")
        if placeholder is not None:
            if not isinstance(placeholder, str) or len(placeholder) > 64:
                raise bad_request("can't parse reply keyboard markup JSON object")
            result["input_field_placeholder"] = placeholder
        return result
    if obj.get("remove_keyboard"):
        result = {"remove_keyboard": True}
        if obj.get("selective"):
            result["selective"] = True
        return result
    if obj.get("force_reply"):
        result = {"force_reply": True}
        if obj.get("input_field_placeholder"):
            result["input_field_placeholder"] = str(obj["input_field_placeholder"])[:64]
        if obj.get("selective"):
            result["selective"] = True
        return result
    raise bad_request("can't parse reply keyboard markup JSON object")


def is_inline(markup: Markup | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


def inline_buttons(markup: Markup | None) -> list[Markup]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [b for row in markup["inline_keyboard"] for b in row]
