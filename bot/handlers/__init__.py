"""One module per flow. Each handler: parse the update, call one service, nothing else."""
from __future__ import annotations

from telegram import Update

from yinling.models import ChatEvent


def event_of(update: Update) -> ChatEvent:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None  # handlers are registered for user messages only
    return ChatEvent(
        event_id=update.update_id, user_id=user.id, chat_id=chat.id, display_name=user.full_name or ""
    )
