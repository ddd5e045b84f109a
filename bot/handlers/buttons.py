"""Inline buttons (callback queries)."""
from __future__ import annotations

from telegram import Update

from bot.context import YinlingContext
from bot.handlers import event_of


async def press(update: Update, context: YinlingContext) -> None:
    query = update.callback_query
    assert query is not None
    notice = await context.services.conversation.do_press(event_of(update), query.data or "")
    # Answering stops the button's spinner; it is not a message, so it skips the outbox.
    await query.answer(notice)
