"""build_application(settings, services) -> a python-telegram-bot Application.

Handler order (first match wins within a group):
  group 0, the staff group (when YINLING_STAFF_CHAT_ID is set):
    /whoami; 接单 / 查看 on request cards (hs:...); replies to a card, which answer the retiree
  group 0, private chats only:
    1. /start /menu /help /cancel      always available, at every step
    2. other /commands                 back to the menu (a mistyped command is not an error)
    3. a shared contact                onboarding (📱 验证手机号)
    4. text, voice, audio, photo, document   the conversation decides by dialog state
    5. anything else (stickers, locations, ...)   a kind "I can't read this yet"
    6. inline button presses
Updates from one chat are handled one at a time and in order (ChatOrderedProcessor); different
chats run concurrently. Replayed updates are recognised inside each service transaction.
The commonest update, a private chat's plain text (4. as text), skips PTB's objects: the intake
hands it to bot/plain_text.py, which calls what handler 4 calls; keep the two in step.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.context import BotData, YinlingContext
from bot.handlers import buttons, messages, onboarding, staff_group, start
from bot.handlers.errors import on_error
from bot.plain_text import PlainText
from bot.request import AiohttpRequest
from yinling import texts
from yinling.config import Settings
from yinling.services import Services

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential within one: a retiree's contact and the text after it
    are handled in the order they were sent."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, PlainText):
            chat_id: int | None = update.chat_id
        else:
            chat = update.effective_chat if isinstance(update, Update) else None
            chat_id = chat.id if chat is not None else None
        if chat_id is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id]
                del self._locks[chat_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def build_application(settings: Settings, services: Services, *, polling: bool = True) -> Application:
    if not settings.telegram_token:
        raise ValueError("YINLING_TELEGRAM_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_file_base_url)
        .context_types(ContextTypes(context=YinlingContext, bot_data=BotData))
        .concurrent_updates(ChatOrderedProcessor())
        .request(AiohttpRequest(connection_pool_size=256))
        # Long polling holds its connection up to the poll timeout; its own small pool and a read
        # timeout beyond the poll's keep it apart from sends.
        .get_updates_request(AiohttpRequest(connection_pool_size=2, read_timeout=30.0))
    )
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.services = services
    add_handlers(application, settings.staff_chat_id)
    return application


def add_handlers(application: Application, staff_chat_id: int | None) -> None:
    private = filters.ChatType.PRIVATE
    if staff_chat_id is not None:
        staff = filters.Chat(chat_id=staff_chat_id)
        application.add_handlers([
            CommandHandler("whoami", staff_group.whoami, filters=staff),
            CallbackQueryHandler(staff_group.press, pattern=r"^hs:"),
            MessageHandler(staff & ~filters.COMMAND & (filters.TEXT | filters.VOICE | filters.PHOTO),
                           staff_group.message),
        ])
    application.add_handlers(
        [
            CommandHandler("start", start.start, filters=private),
            CommandHandler("menu", start.menu, filters=private),
            CommandHandler("help", start.help_, filters=private),
            CommandHandler("cancel", start.cancel, filters=private),
            MessageHandler(private & filters.COMMAND, messages.unknown_command),
            MessageHandler(private & filters.CONTACT, onboarding.contact),
            MessageHandler(
                private
                & (filters.TEXT | filters.VOICE | filters.AUDIO | filters.PHOTO | filters.Document.ALL),
                messages.message,
            ),
            MessageHandler(private & ~filters.StatusUpdate.ALL, messages.message),
            CallbackQueryHandler(buttons.press, pattern=r"^(?!hs:)"),
        ]
    )
    application.add_error_handler(on_error)


async def register_commands(application: Application) -> None:
    """The commands Telegram shows in its menu, described in Chinese."""
    await application.bot.set_my_commands([BotCommand(name, about) for name, about in texts.COMMANDS])
