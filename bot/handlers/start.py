"""/start, /menu, /help, /cancel: available at every step."""
from __future__ import annotations

from telegram import Update

from bot.context import YinlingContext
from bot.handlers import event_of


async def start(update: Update, context: YinlingContext) -> None:
    await context.services.conversation.do_start(event_of(update))


async def menu(update: Update, context: YinlingContext) -> None:
    await context.services.conversation.do_menu(event_of(update))


async def help_(update: Update, context: YinlingContext) -> None:
    await context.services.conversation.do_help(event_of(update))


async def cancel(update: Update, context: YinlingContext) -> None:
    await context.services.conversation.do_cancel(event_of(update))
