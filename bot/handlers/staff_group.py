"""The staff group: /whoami, 接单 / 查看 on request cards, replies to a card."""
from __future__ import annotations

from telegram import Update

from bot.context import YinlingContext
from bot.handlers import event_of
from bot.handlers.messages import inbound_of


async def whoami(update: Update, context: YinlingContext) -> None:
    await context.services.staff_group.do_whoami(event_of(update))


async def press(update: Update, context: YinlingContext) -> None:
    query = update.callback_query
    assert query is not None
    notice, alert = await context.services.staff_group.do_press(event_of(update), query.data or "")
    await query.answer(notice or None, show_alert=alert)


async def message(update: Update, context: YinlingContext) -> None:
    msg = update.effective_message
    assert msg is not None
    inbound = inbound_of(msg)
    if inbound is None:
        return
    replied_to = msg.reply_to_message.message_id if msg.reply_to_message else None
    await context.services.staff_group.do_reply(event_of(update), replied_to, inbound)
