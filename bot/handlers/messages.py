"""Anything a retiree says that is not a command or a contact: text, voice, photos, documents."""
from __future__ import annotations

from telegram import Message, Update

from bot.context import YinlingContext
from bot.handlers import event_of
from yinling.models import Inbound


def inbound_of(message: Message) -> Inbound | None:
    if message.text is not None:
        return Inbound(kind="text", text=message.text)
    if message.voice is not None:
        return Inbound(kind="voice", file_id=message.voice.file_id, text=message.caption)
    if message.audio is not None:  # some phones send recordings as audio files
        return Inbound(kind="voice", file_id=message.audio.file_id, text=message.caption)
    if message.photo:
        return Inbound(kind="photo", file_id=message.photo[-1].file_id, text=message.caption)
    if message.document is not None:
        return Inbound(kind="document", file_id=message.document.file_id, text=message.caption)
    return None


async def message(update: Update, context: YinlingContext) -> None:
    inbound = inbound_of(update.effective_message)  # type: ignore[arg-type]
    if inbound is None:
        await context.services.conversation.do_unsupported(event_of(update))
    else:
        await context.services.conversation.do_message(event_of(update), inbound)


async def unknown_command(update: Update, context: YinlingContext) -> None:
    await context.services.conversation.do_menu(event_of(update))
