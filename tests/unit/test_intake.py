"""The bot's intake (bot/intake.py): the columns read from an update's JSON, and store -> dispatch ->
mark with a small PTB Application (no network: its handlers only record what they were given)."""
from __future__ import annotations

import asyncio
import json
import random

from telegram import Update, User
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ExtBot, MessageHandler, filters

from bot.app import ChatOrderedProcessor
from bot.intake import Intake, record_of
from yinling.store import intake as intake_store

CHAT, OTHER = 555000111, 555000222
POISON = "这句话会让处理出错"


def message(update_id: int, chat_id: int = CHAT, text: str | None = "你好", **content) -> dict:
    body = {"message_id": update_id % 100000, "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "张"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "张"}, **content}
    if text is not None:
        body["text"] = text
    return {"update_id": update_id, "message": body}


def columns(data: dict) -> tuple:
    r = record_of(data, json.dumps(data))
    return r.chat_id, r.user_id, r.kind, r.text, r.file_id


# ---- columns -------------------------------------------------------------------------------------


def test_texts_commands_and_media_are_told_apart():
    assert columns(message(1)) == (CHAT, CHAT, "text", "你好", None)
    command = message(2, text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    assert columns(command)[2:4] == ("command", "/start")
    assert columns(message(3, text=None, voice={"file_id": "V1", "duration": 3}, caption="语音"))[2:] == (
        "voice", "语音", "V1")
    assert columns(message(4, text=None, audio={"file_id": "A1"}))[2:] == ("voice", None, "A1")
    sizes = [{"file_id": "small", "width": 90}, {"file_id": "large", "width": 1280}]
    assert columns(message(5, text=None, photo=sizes, caption="照片"))[2:] == ("photo", "照片", "large")
    assert columns(message(6, text=None, document={"file_id": "D1"}))[2:] == ("document", None, "D1")
    assert columns(message(7, text=None, contact={"phone_number": "13800000001"}))[2:] == ("contact", None, None)
    assert columns(message(8, text=None, sticker={"file_id": "S1"}))[2:] == ("other", None, None)


def test_a_press_is_stored_with_the_pressed_buttons_label_or_else_its_data():
    keyboard = {"inline_keyboard": [[{"text": "报名", "callback_data": "act:join:3"},
                                     {"text": "不去了", "callback_data": "act:skip:3"}]]}
    query = {"id": "9", "chat_instance": "1", "from": {"id": CHAT, "is_bot": False, "first_name": "张"},
             "message": {**message(1)["message"], "reply_markup": keyboard}, "data": "act:skip:3"}
    assert columns({"update_id": 20, "callback_query": query}) == (CHAT, CHAT, "press", "不去了", None)
    gone = {**query, "data": "act:old:1"}
    assert columns({"update_id": 21, "callback_query": gone})[2:4] == ("press", "act:old:1")


def test_any_json_gets_a_row_however_odd():
    assert columns({"update_id": 30, "my_chat_member": {"chat": {"id": 7}, "from": {"id": 8}}}) == (
        7, 8, "other", None, None)
    assert columns({"update_id": 31, "message": "not an object"}) == (None, None, "other", None, None)
    odd = {"update_id": 32, "message": {"chat": [], "from": {"id": True}, "text": 5, "photo": [3]}}
    assert columns(odd) == (None, None, "other", None, None)
    r = record_of({"update_id": 33}, "{}", error="unparseable: KeyError")
    assert (r.kind, r.error) == ("unparseable", "unparseable: KeyError")


# ---- store, dispatch, mark -------------------------------------------------------------------------


class OfflineBot(ExtBot):
    """Initialises without asking Telegram who it is (an Application must be initialised to handle)."""

    async def get_me(self, *args, **kwargs) -> User:
        return User(id=123, is_bot=True, first_name="银龄助手", username="yinling_test_bot")


class Recorder:
    """A small Application whose handlers record (chat, text) and fail on POISON."""

    def __init__(self) -> None:
        self.handled: list[tuple[int, str]] = []
        self.apologised: list[int] = []
        self.app: Application = (ApplicationBuilder().bot(OfflineBot("123:test")).updater(None)
                                 .concurrent_updates(ChatOrderedProcessor()).build())
        self.app.add_handler(MessageHandler(filters.ALL, self.handle))
        self.app.add_handler(CallbackQueryHandler(self.handle))
        self.app.add_error_handler(self.apologise)

    async def handle(self, update: Update, context) -> None:
        await asyncio.sleep(random.random() / 500)  # chats interleave; each chat's order must hold
        text = update.effective_message.text
        if text == POISON:
            raise ValueError(f"quoting what was said: {text}")
        self.handled.append((update.effective_chat.id, text))

    async def apologise(self, update: object, context) -> None:
        if isinstance(update, Update):
            self.apologised.append(update.update_id)


async def intake_for(recorder: Recorder, db, clock) -> Intake:
    await recorder.app.initialize()
    intake = Intake(recorder.app, db, clock, flush_seconds=0.02)
    recorder.app.add_error_handler(intake.record_error)
    return intake


async def test_each_chats_updates_are_handled_in_order_and_all_marked_processed(db, clock):
    recorder = Recorder()
    intake = await intake_for(recorder, db, clock)
    await intake.start()
    sent = [message(100 + i, chat_id=(CHAT, OTHER)[i % 2], text=f"第{i}句") for i in range(60)]
    for start in range(0, 60, 7):  # batches as polling would bring them
        await intake.receive(sent[start:start + 7])
    await intake.stop()
    for chat in (CHAT, OTHER):
        expected = [u["message"]["text"] for u in sent if u["message"]["chat"]["id"] == chat]
        assert [text for c, text in recorder.handled if c == chat] == expected
    assert await intake_store.unprocessed(db) == []
    assert await db.fetch_value("SELECT count(*) FROM inbound_updates WHERE error IS NOT NULL") == 0


async def test_a_failing_update_is_recorded_marked_processed_and_still_apologised_for(db, clock):
    recorder = Recorder()
    intake = await intake_for(recorder, db, clock)
    await intake.start()
    await intake.receive([message(200, text=POISON), message(201, text="之后的话")])
    await intake.stop()
    failed = await intake_store.get(db, 200)
    assert failed.processed_at is not None and failed.error == "handler: ValueError"  # no words quoted
    assert recorder.apologised == [200]
    assert recorder.handled == [(CHAT, "之后的话")]
    assert await intake_store.unprocessed(db) == []


async def test_a_redelivered_update_is_handled_once(db, clock):
    recorder = Recorder()
    intake = await intake_for(recorder, db, clock)
    await intake.start()
    assert await intake.receive([message(300)]) == [300]
    assert await intake.receive([message(300), message(300)]) == []
    await intake.stop()
    assert recorder.handled == [(CHAT, "你好")]


async def test_an_unparseable_update_is_stored_processed_and_never_handled(db, clock):
    recorder = Recorder()
    intake = await intake_for(recorder, db, clock)
    await intake.start()
    assert await intake.receive([{"update_id": 400, "message": {"message_id": 1}}]) == [400]
    await intake.stop()
    stored = await intake_store.get(db, 400)
    assert (stored.kind, stored.error) == ("unparseable", "unparseable: KeyError")
    assert stored.processed_at is not None and recorder.handled == []


async def test_what_was_stored_before_a_start_is_handled_first_and_in_order(db, clock, monkeypatch):
    # Stored while no bot was running (a crash after storing, or webhooks before the start).
    before = Intake(Recorder().app, db, clock)
    await before.receive([message(502, text="二"), message(501, text="一")])
    await before.receive([message(503, text="三")])
    assert [r.update_id for r in await intake_store.unprocessed(db)] == [501, 502, 503]

    # The start is held once it has read the backlog, so the next update surely arrives meanwhile
    # (left to chance, it was sometimes stored before that read and counted in the backlog).
    backlog_read, go_on = asyncio.Event(), asyncio.Event()
    read_backlog = intake_store.unprocessed

    async def held_after_reading(*args, **kwargs):
        rows = await read_backlog(*args, **kwargs)
        backlog_read.set()
        await go_on.wait()
        return rows

    monkeypatch.setattr(intake_store, "unprocessed", held_after_reading)
    recorder = Recorder()
    intake = await intake_for(recorder, db, clock)
    started = asyncio.create_task(intake.start())
    await backlog_read.wait()
    receiving = asyncio.create_task(intake.receive([message(504, text="四")]))  # arrives during the start
    while await intake_store.get(db, 504) is None:  # stored: now it waits its turn
        await asyncio.sleep(0.001)
    assert recorder.handled == []
    go_on.set()
    assert await started == 3 and await receiving == [504]
    monkeypatch.undo()
    await intake.stop()
    assert recorder.handled == [(CHAT, "一"), (CHAT, "二"), (CHAT, "三"), (CHAT, "四")]
    assert await intake_store.unprocessed(db) == []


async def test_updates_received_after_stop_are_kept_for_the_next_start(db, clock):
    recorder = Recorder()
    intake = await intake_for(recorder, db, clock)
    await intake.start()
    await intake.stop()
    await intake.receive([message(600)])  # the webhook still answers while the bot stops
    assert recorder.handled == []
    assert [r.update_id for r in await intake_store.unprocessed(db)] == [600]
