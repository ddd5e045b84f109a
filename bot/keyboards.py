"""Reply/inline keyboards for Telegram from the core's channel-neutral buttons."""
from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from yinling.models import Keyboard

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def render(keyboard: Keyboard | None) -> Markup | None:
    if keyboard is None:
        return None
    if keyboard.kind == "remove":
        return ReplyKeyboardRemove()
    if keyboard.kind == "inline":
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in keyboard.rows]
        )
    # Big buttons that stay: resize keeps them finger-sized, persistent keeps them from vanishing
    # after one tap (a retiree should never have to find a hidden keyboard icon).
    return ReplyKeyboardMarkup(
        [[KeyboardButton(b.label, request_contact=b.request == "contact") for b in row] for row in keyboard.rows],
        resize_keyboard=True,
        is_persistent=True,
    )
