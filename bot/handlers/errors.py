"""The last resort: log once (no personal data), apologise in the chat."""
from __future__ import annotations

import logging
import traceback

from telegram import Update

from bot.context import YinlingContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: YinlingContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    # The exception's type and traceback locate the bug; its message may quote what a person wrote.
    where = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("handling update %s failed: %s\n%s", update_id, type(error).__name__, where)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        await context.services.conversation.do_apologize(update.effective_chat.id)
