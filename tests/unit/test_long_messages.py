"""Long messages: the outbox queues one row per part, and each part reaches the chat exactly once.

Issue 12: a help summary longer than Telegram's limit used to be one outbox row that the transport
sent as several messages; a 429 on a later part retried the row from its first part, so the
retiree got the first part dozens of times.
"""
from __future__ import annotations

import asyncio
import json

from telegram import Bot
from telegram.request import BaseRequest

from bot.sender import Sender, SendLimits
from bot.transport import Failed, RetryLater, Sent, TelegramTransport, Unreachable
from tests.fakes import FakeTransport
from yinling.models import Keyboard, MediaRef, OutgoingMessage, Priority, QueuedMessage
from yinling.store import outbox as outbox_store
from yinling.text_split import utf16_len

FAST = SendLimits(global_rate=1000, private_rate=1000, private_burst=1000, group_per_minute=6000)
CHAT = 5
KEYBOARD = Keyboard.choices(["✅ 确认提交", "重新说"])
PARAGRAPH = "卫生间的水龙头一直滴水，请师傅来修一下。" * 20  # 400 characters
LONG = "\n\n".join(f"第{i}段：{PARAGRAPH}" for i in range(25))  # about 10,000


def long_message(**extra) -> OutgoingMessage:
    return OutgoingMessage(chat_id=CHAT, text=LONG, keyboard=KEYBOARD, priority=Priority.INTERACTIVE,
                           source="chat", **extra)


async def rows(db) -> list:
    return await db.fetch_all("SELECT id, chat_id, text, keyboard, media, priority, source, status FROM outbox"
                              " ORDER BY id")


async def test_a_long_text_is_queued_as_parts_in_order_with_the_keyboard_on_the_last(services, db):
    async with db.transaction() as tx:
        first_id = await services.core.outbox.enqueue(tx, long_message())
    queued = await rows(db)
    assert len(queued) == 3 and queued[0]["id"] == first_id
    assert all(utf16_len(r["text"]) <= 4096 for r in queued)
    assert "\n\n".join(r["text"] for r in queued) == LONG
    assert [r["keyboard"] is not None for r in queued] == [False, False, True]
    assert {(r["chat_id"], r["priority"], r["source"]) for r in queued} == {(CHAT, int(Priority.INTERACTIVE), "chat")}


async def test_enqueue_many_keeps_each_messages_parts_together_and_in_order(services, db):
    short = OutgoingMessage(chat_id=CHAT, text="短的")
    async with db.transaction() as tx:
        await services.core.outbox.enqueue_many(tx, [short, long_message(), short])
    queued = [r["text"] for r in await rows(db)]
    assert len(queued) == 5 and queued[0] == queued[-1] == "短的"
    assert "\n\n".join(queued[1:-1]) == LONG


async def test_media_with_a_text_too_long_for_a_caption_goes_bare_then_the_text(services, db):
    photo = MediaRef(kind="photo", file_id="AgAD-1")
    async with db.transaction() as tx:
        await services.core.outbox.enqueue(tx, long_message(media=photo))
    queued = await rows(db)
    assert queued[0]["text"] == "" and queued[0]["media"] and queued[0]["keyboard"] is None
    assert all(r["media"] is None for r in queued[1:]) and queued[-1]["keyboard"]
    assert "\n\n".join(r["text"] for r in queued[1:]) == LONG


async def test_a_short_caption_stays_with_its_media_in_one_row(services, db):
    photo = MediaRef(kind="photo", file_id="AgAD-1")
    async with db.transaction() as tx:
        await services.core.outbox.enqueue(tx, OutgoingMessage(chat_id=CHAT, text="看图", media=photo))
    assert len(await rows(db)) == 1


async def test_each_part_is_sent_once_in_order_even_when_a_later_part_meets_a_429(services, db):
    transport = FakeTransport()
    async with db.transaction() as tx:
        await services.core.outbox.enqueue(tx, long_message())
    transport.script[CHAT].extend([Sent(1), RetryLater(after=0.2, error="429: Too Many Requests", rate_limited=True)])
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        await transport.wait_delivered(2)
    sent_texts = [m.text for m in transport.attempts]
    assert len(sent_texts) == 4  # part 1; part 2 refused; part 2 again; part 3
    assert sent_texts[1] == sent_texts[2] and len(set(sent_texts)) == 3
    assert (await outbox_store.status_counts(db)) == {"sent": 3}


async def test_a_permanent_400_is_failed_once_and_the_next_part_still_goes(services, db):
    transport = FakeTransport()
    async with db.transaction() as tx:
        await services.core.outbox.enqueue(tx, long_message())
    transport.then(CHAT, Sent(1), Failed("400: Bad Request: message is too long"))
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        await transport.wait_delivered(1)
        await asyncio.sleep(0.3)  # time enough for a retry, were there one
    assert len(transport.attempts) == 3
    statuses = [(r["status"]) for r in await rows(db)]
    assert statuses == ["sent", "failed", "sent"]
    row = await db.fetch_one("SELECT attempts, error FROM outbox WHERE status = 'failed'")
    assert (row["attempts"], row["error"]) == (1, "400: Bad Request: message is too long")


# ---- the Telegram transport: PTB's Bot over a stand-in for the Bot API's HTTP answers ----

class FakeApi(BaseRequest):
    """Answers sendMessage as the Bot API does; `refuse[n]` is the (status, body) of the n-th call
    (from 0), so PTB itself turns it into the exception the transport meets."""

    def __init__(self, refuse: dict[int, tuple[int, dict]] | None = None) -> None:
        self.refuse = refuse or {}
        self.calls: list[tuple[str, object]] = []

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url, method, request_data=None, **timeouts) -> tuple[int, bytes]:
        assert url.endswith("/sendMessage") and request_data is not None
        params = json.loads(request_data.json_payload)
        index = len(self.calls)
        self.calls.append((params["text"], params.get("reply_markup")))
        if index in self.refuse:
            status, body = self.refuse.pop(index)
            return status, json.dumps({"ok": False, "error_code": status, **body}).encode()
        message = {"message_id": 100 + index, "date": 0, "chat": {"id": int(params["chat_id"]), "type": "private"},
                   "text": params["text"]}
        return 200, json.dumps({"ok": True, "result": message}).encode()


def fake_bot(refuse: dict[int, tuple[int, dict]] | None = None) -> tuple[Bot, FakeApi]:
    api = FakeApi(refuse)
    return Bot("123:fake", request=api, get_updates_request=FakeApi()), api


RETRY_AFTER_1 = (429, {"description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}})


def queued(text: str, keyboard: Keyboard | None = KEYBOARD, outbox_id: int = 1) -> QueuedMessage:
    return QueuedMessage(id=outbox_id, chat_id=CHAT, retiree_id=None, text=text, keyboard=keyboard, media=None,
                         priority=Priority.NORMAL, attempts=0, source=None)


async def test_the_transport_makes_one_call_for_a_row_that_fits():
    bot, api = fake_bot()
    outcome = await TelegramTransport(bot).deliver(queued("您好"))
    assert outcome == Sent(100) and len(api.calls) == 1
    assert json.loads(api.calls[0][1]) == {  # what PTB itself sends for the keyboard
        "keyboard": [[{"text": "✅ 确认提交", "request_contact": False}, {"text": "重新说", "request_contact": False}]],
        "resize_keyboard": True, "is_persistent": True}


async def test_a_row_queued_too_long_resumes_after_its_last_delivered_part():
    """Rows written around Outbox.enqueue (or before it cut texts) still reach the chat once each."""
    bot, api = fake_bot(refuse={1: RETRY_AFTER_1})
    transport = TelegramTransport(bot)
    first = await transport.deliver(queued(LONG))
    assert isinstance(first, RetryLater) and first.rate_limited and first.after == 1
    second = await transport.deliver(queued(LONG))
    texts = [text for text, _ in api.calls]
    assert texts[1] == texts[2] and len(texts) == 4 and len(set(texts)) == 3  # part 2 twice, the rest once
    assert "\n\n".join(texts[i] for i in (0, 2, 3)) == LONG
    assert [markup is not None for _, markup in api.calls] == [False, False, False, True]
    assert second == Sent(103)


async def test_400s_are_permanent_failures_including_a_migrated_group():
    bot, _ = fake_bot({0: (400, {"description": "Bad Request: message is too long"})})
    too_long = await TelegramTransport(bot).deliver(queued("x"))
    assert too_long == Failed("400: Message is too long")
    bot, _ = fake_bot({0: (400, {"description": "Bad Request: group chat was upgraded to a supergroup chat",
                                 "parameters": {"migrate_to_chat_id": -100123}})})
    migrated = await TelegramTransport(bot).deliver(queued("x"))
    assert isinstance(migrated, Failed) and migrated.error.startswith("400: ")


async def test_blocked_is_unreachable_and_a_5xx_is_tried_again():
    bot, _ = fake_bot({0: (403, {"description": "Forbidden: bot was blocked by the user"}),
                       1: (502, {"description": "Bad Gateway"})})
    transport = TelegramTransport(bot)
    blocked = await transport.deliver(queued("x"))
    assert isinstance(blocked, Unreachable) and blocked.reason == "blocked"
    assert isinstance(await transport.deliver(queued("x")), RetryLater)


class Running:
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    async def __aenter__(self) -> Sender:
        self.task = asyncio.create_task(self.sender.run())
        return self.sender

    async def __aexit__(self, *exc) -> None:
        await self.sender.stop(grace=2)
        await asyncio.wait_for(self.task, 5)
