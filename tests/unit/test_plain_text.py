"""bot/plain_text.py: the updates it takes from PTB are exactly those bot/app.py's handlers would pass
to the conversation as text, with the same event; the rest it leaves to PTB; a failure is still
apologised for."""
from __future__ import annotations

import asyncio
import random
from types import SimpleNamespace

import pytest
from telegram import Update, User
from telegram.ext import ApplicationBuilder, ContextTypes, ExtBot

from bot.app import ChatOrderedProcessor, add_handlers
from bot.context import BotData, YinlingContext
from bot.intake import Intake
from bot.plain_text import PlainTextRoute

CHAT = 555000111
STAFF = -100777


class OfflineBot(ExtBot):
    """Initialises without asking Telegram who it is."""

    async def get_me(self, *args, **kwargs) -> User:
        self._bot_user = User(id=123, is_bot=True, first_name="银龄助手", username="yinling_test_bot")
        return self._bot_user


class Conversation:
    """Records what the handlers asked of the conversation; fails on `fail_on`; `slow` takes a random
    moment first, so chats interleave."""

    def __init__(self, fail_on: str | None = None, slow: bool = False) -> None:
        self.calls: list[tuple] = []
        self.fail_on = fail_on
        self.slow = slow

    def __getattr__(self, name: str):
        async def record(*args) -> None:
            if self.slow:
                await asyncio.sleep(random.random() / 500)
            self.calls.append((name, *args))
            if name == self.fail_on:
                raise RuntimeError("the service failed")

        return record


async def application(conversation: Conversation):
    app = (ApplicationBuilder().bot(OfflineBot("123:test")).updater(None).concurrent_updates(ChatOrderedProcessor())
           .context_types(ContextTypes(context=YinlingContext, bot_data=BotData)).build())
    app.bot_data.services = SimpleNamespace(conversation=conversation)  # type: ignore[assignment]
    add_handlers(app, STAFF)
    await app.initialize()
    return app


def message(update_id: int = 1, chat: dict | None = None, **fields) -> dict:
    body = {"message_id": 9, "date": 1_790_000_000, "chat": chat or {"id": CHAT, "type": "private", "first_name": "张"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "张", "last_name": "建国"}, **fields}
    return {"update_id": update_id, "message": body}


TAKEN = [
    message(text="👤 我的"),
    message(text="请给我打电话 13800000001", entities=[{"type": "phone_number", "offset": 6, "length": 11}]),
    message(text="看 /start 这个", entities=[{"type": "bot_command", "offset": 2, "length": 6}]),
    message(text="/start", update_id=4),  # no entity: Telegram did not see a command, nor does PTB
    {"update_id": 5, "message": {**message()["message"], "text": "你好", "from": {"id": CHAT, "is_bot": False,
                                                                                 "first_name": "张"}}},
]
LEFT_TO_PTB = [
    message(text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}]),
    message(text="/help", entities=[{"type": "bot_command", "offset": 0, "length": 5}]),
    message(contact={"phone_number": "13800000001", "first_name": "张", "user_id": CHAT}),
    message(text="你好", chat={"id": -100555, "type": "supergroup", "title": "某群"}),
    message(text="收到", chat={"id": STAFF, "type": "supergroup", "title": "工作人员群"}),
    message(text="语音说明", voice={"file_id": "V1", "file_unique_id": "v1", "duration": 3}),
    message(text="看这里", entities=[{"type": "text_link", "offset": 0, "length": 3, "url": "https://e.cn"}]),
    message(text="回复", reply_to_message=message()["message"]),
    {"update_id": 1, "edited_message": message(text="改过的")["message"]},
    {"update_id": 1, "message": {**message(text="x")["message"], "from": {"id": True, "is_bot": False,
                                                                           "first_name": "张"}}},
]


@pytest.mark.parametrize("data", TAKEN)
async def test_what_it_takes_reaches_the_conversation_as_the_handlers_would_send_it(data):
    through_ptb, plain = Conversation(), Conversation()
    app = await application(through_ptb)
    await app.process_update(Update.de_json(data, app.bot))
    route = PlainTextRoute(await application(plain), STAFF)
    item = route.match(data)
    assert item is not None
    await route.handle(item)
    assert plain.calls == through_ptb.calls and through_ptb.calls[0][0] == "do_message"
    assert through_ptb.calls[0][1].display_name == data["message"]["from"]["first_name"] + (
        " 建国" if "last_name" in data["message"]["from"] else "")


@pytest.mark.parametrize("data", LEFT_TO_PTB)
async def test_commands_contacts_groups_media_and_anything_unusual_are_left_to_ptb(data):
    assert PlainTextRoute(await application(Conversation()), STAFF).match(data) is None


async def test_a_failing_service_is_apologised_for_as_through_ptb():
    conversation = Conversation(fail_on="do_message")
    app = await application(conversation)
    failures: list[tuple[int, str]] = []

    async def remember(update: object, context) -> None:
        failures.append((update.update_id, type(context.error).__name__))  # type: ignore[attr-defined]

    app.add_error_handler(remember)
    route = PlainTextRoute(app, STAFF)
    await route.handle(route.match(message(update_id=42, text="你好")))  # type: ignore[arg-type]
    # bot/handlers/errors.on_error: the apology (texts.GENERIC_ERROR) goes to the chat
    assert conversation.calls[-1] == ("do_apologize", CHAT)
    assert failures == [(42, "RuntimeError")]


async def test_a_chats_plain_texts_and_commands_are_handled_in_the_order_sent(db, clock):
    conversation = Conversation(slow=True)
    app = await application(conversation)
    intake = Intake(app, db, clock, flush_seconds=0.02, plain_text=PlainTextRoute(app, STAFF))
    await intake.start()
    sent = []
    for i in range(40):  # two chats, each alternating plain text (without PTB) and /menu (through PTB)
        chat = {"id": CHAT + i % 2, "type": "private", "first_name": "张"}
        command = {"entities": [{"type": "bot_command", "offset": 0, "length": 5}]} if i % 4 >= 2 else {}
        sent.append(message(update_id=100 + i, chat=chat, text="/menu" if command else f"第{i}句", **command))
    await intake.receive(sent)
    await intake.stop()
    for chat_id in (CHAT, CHAT + 1):
        handled = [(name, event.event_id) for name, event, *_ in conversation.calls if event.chat_id == chat_id]
        expected = [("do_menu" if "entities" in u["message"] else "do_message", u["update_id"])
                    for u in sent if u["message"]["chat"]["id"] == chat_id]
        assert handled == expected
