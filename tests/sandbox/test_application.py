"""An unmodified python-telegram-bot Application, polling the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox import RunningSandbox
from sandbox.client import SandboxClient

from .conftest import BOT_ID, TOKEN


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("分享手机号", request_contact=True)], ["帮助"]], resize_keyboard=True
    )
    await context.bot.send_message(update.effective_chat.id, "您好！请分享手机号以便核对身份。", reply_markup=keyboard)


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.contact is not None
    own = update.message.contact.user_id == update.message.from_user.id
    await update.message.reply_text(
        f"已收到：{update.message.contact.phone_number}" if own else "请分享您本人的手机号",
        reply_markup=ReplyKeyboardRemove(),
    )
    await update.message.reply_text(
        "要报名本周活动吗？",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("报名", callback_data="signup")]]),
    )


async def signup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("报名成功")
    await query.edit_message_text("已报名本周活动 ✅")


async def help_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_html("<b>帮助</b>：发送 /start 重新开始")


@pytest.fixture
async def application(sandbox: RunningSandbox) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{sandbox.url}/bot")
        .base_file_url(f"{sandbox.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.CONTACT, contact))
    app.add_handler(MessageHandler(filters.Text(["帮助"]), help_text))
    app.add_handler(CallbackQueryHandler(signup, pattern="^signup$"))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, drop_pending_updates=True)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_conversation(application: Application, client: SandboxClient) -> None:  # type: ignore[type-arg]
    user = await client.create_user("王建国", phone_number="13912345678")
    await user.send_text("/start")
    greeting = await user.wait_for_bot_message("请分享手机号")
    assert greeting["chat"]["id"] == user.id
    assert await user.keyboard_labels() == [["分享手机号"], ["帮助"]]

    await user.tap("帮助")
    assert (await user.wait_for_bot_message("帮助"))["entities"][0]["type"] == "bold"

    await user.tap("分享手机号")
    assert (await user.wait_for_bot_message("已收到"))["text"] == "已收到：13912345678"
    offer = await user.wait_for_bot_message("报名")
    assert await user.keyboard_labels() == []

    query = await user.press("报名")
    edited = await _wait_for_edit(user, offer["message_id"])
    assert edited["text"] == "已报名本周活动 ✅" and "reply_markup" not in edited
    answers = await client.callback_answers(BOT_ID, query["id"])
    assert answers[0]["text"] == "报名成功"
    methods = {c["method"] for c in await client.calls(BOT_ID)}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage", "answerCallbackQuery", "editMessageText"} <= methods


async def _wait_for_edit(user, message_id: int) -> dict:  # type: ignore[no-untyped-def]
    import asyncio

    for _ in range(200):
        for message in await user.messages():
            if message["message_id"] == message_id and "edit_date" in message:
                return message
        await asyncio.sleep(0.02)
    raise AssertionError("message was not edited")
