"""A shared contact: the retiree proving their phone number (📱 验证手机号)."""
from __future__ import annotations

from telegram import Update

from bot.context import YinlingContext
from bot.handlers import event_of
from yinling.models import Contact


async def contact(update: Update, context: YinlingContext) -> None:
    card = update.effective_message.contact  # type: ignore[union-attr]
    assert card is not None
    await context.services.conversation.do_contact(
        event_of(update), Contact(phone=card.phone_number, user_id=card.user_id)
    )
