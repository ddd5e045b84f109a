"""Inline and reply keyboards, callback queries, contact sharing."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from telegram.error import BadRequest

from sandbox.client import SandboxClient, SandboxError

from .conftest import BOT_ID


async def test_inline_keyboard_press(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("王", phone_number="13800000001")
    await user.send_text("/start")
    markup = InlineKeyboardMarkup([
        [InlineKeyboardButton("是", callback_data="yes"), InlineKeyboardButton("否", callback_data="no")],
        [InlineKeyboardButton("官网", url="https://example.org")],
    ])
    sent = await bot.send_message(user.id, "确认吗？", reply_markup=markup)
    assert sent.reply_markup == markup
    query = await user.press("是")
    assert query["data"] == "yes" and query["message"]["message_id"] == sent.message_id
    updates = await bot.get_updates()
    cq = updates[-1].callback_query
    assert cq is not None
    assert cq.data == "yes" and cq.from_user.id == user.id
    assert cq.message.message_id == sent.message_id and cq.message.text == "确认吗？"
    assert cq.chat_instance and cq.chat_instance == (await user.press(data="no"))["chat_instance"]
    assert await bot.answer_callback_query(cq.id, text="好的", show_alert=True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(cq.id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    answers = await client.callback_answers(BOT_ID, cq.id)
    assert answers[0]["text"] == "好的" and answers[0]["show_alert"] is True
    with pytest.raises(SandboxError):
        await user.press("官网")  # a URL button sends nothing to the bot
    with pytest.raises(SandboxError):
        await user.press("不存在")


async def test_callback_data_limits(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("何")
    await user.send_text("hi")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("长", callback_data="x" * 65)]]))
    ok = await bot.send_message(user.id, "x", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("长", callback_data="数" * 21)]]))  # 63 bytes
    assert ok.reply_markup is not None


async def test_edit_reply_markup_after_press(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("许")
    await user.send_text("hi")
    sent = await bot.send_message(user.id, "选择", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("A", callback_data="a")]]))
    await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=None)
    with pytest.raises(SandboxError):
        await user.press("A")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=None)


async def test_reply_keyboard_tap(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("陈", phone_number="13800000002")
    await user.send_text("/start")
    assert await user.keyboard_labels() == []
    await bot.send_message(user.id, "请选择", reply_markup=ReplyKeyboardMarkup(
        [["查询待遇", "活动报名"], [KeyboardButton("分享手机号", request_contact=True)]],
        resize_keyboard=True, input_field_placeholder="请点按钮"))
    assert await user.keyboard_labels() == [["查询待遇", "活动报名"], ["分享手机号"]]
    message = await user.tap("活动报名")
    assert message["text"] == "活动报名"
    contact = await user.tap("分享手机号")
    assert contact["contact"] == {
        "phone_number": "13800000002", "first_name": "陈", "user_id": user.id,
    }
    with pytest.raises(SandboxError, match="no button labelled"):
        await user.tap("没有这个")
    updates = await bot.get_updates()
    assert updates[-1].message.contact.user_id == user.id
    assert updates[-1].message.contact.phone_number == "13800000002"
    await bot.send_message(user.id, "好了", reply_markup=telegram.ReplyKeyboardRemove())
    assert await user.keyboard_labels() == []


async def test_one_time_keyboard_and_delete(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("林")
    await user.send_text("hi")
    await bot.send_message(user.id, "一次", reply_markup=ReplyKeyboardMarkup([["好"]], one_time_keyboard=True))
    await user.tap("好")
    assert await user.keyboard_labels() == []
    sent = await bot.send_message(user.id, "再来", reply_markup=ReplyKeyboardMarkup([["好"]]))
    await user.tap("好")
    assert await user.keyboard_labels() == [["好"]]
    # The keyboard belongs to its message: deleting the message removes it.
    await bot.delete_message(user.id, sent.message_id)
    assert await user.keyboard_labels() == []


async def test_share_someone_elses_contact(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("黄", phone_number="13800000003")
    own = await user.share_contact()
    assert own["contact"]["user_id"] == user.id
    other = await user.share_contact("13900000000", first_name="老伴")
    assert "user_id" not in other["contact"] and other["contact"]["phone_number"] == "13900000000"
    updates = await bot.get_updates()
    assert updates[-1].message.contact.user_id is None
