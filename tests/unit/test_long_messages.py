"""Long messages: the outbox queues one row per part, and each part reaches the chat exactly once.

Issue 12: a help summary longer than Telegram's limit used to be one outbox row that the transport
sent as several messages; a 429 on a later part retried the row from its first part, so the
retiree got the first part dozens of times.
"""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from telegram.error import BadRequest, ChatMigrated, RetryAfter

from bot.sender import Sender, SendLimits
from bot.transport import Failed, RetryLater, Sent, TelegramTransport
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


# ---- the Telegram transport, with a stand-in for PTB's Bot ----

class FakeBot:
    """Answers send_message like PTB's Bot; `refuse[n]` is raised on the n-th call (from 0)."""

    def __init__(self, refuse: dict[int, Exception] | None = None) -> None:
        self.refuse = refuse or {}
        self.calls: list[tuple[str, object]] = []

    async def send_message(self, chat_id, text, reply_markup=None, **extra):
        index = len(self.calls)
        self.calls.append((text, reply_markup))
        if index in self.refuse:
            raise self.refuse.pop(index)
        return SimpleNamespace(message_id=100 + index)


def queued(text: str, keyboard: Keyboard | None = KEYBOARD, outbox_id: int = 1) -> QueuedMessage:
    return QueuedMessage(id=outbox_id, chat_id=CHAT, retiree_id=None, text=text, keyboard=keyboard, media=None,
                         priority=Priority.NORMAL, attempts=0, source=None)


async def test_the_transport_makes_one_call_for_a_row_that_fits():
    bot = FakeBot()
    outcome = await TelegramTransport(bot).deliver(queued("您好"))
    assert outcome == Sent(100) and len(bot.calls) == 1 and bot.calls[0][1] is not None


async def test_a_row_queued_too_long_resumes_after_its_last_delivered_part():
    """Rows written around Outbox.enqueue (or before it cut texts) still reach the chat once each."""
    bot = FakeBot(refuse={1: RetryAfter(1)})
    transport = TelegramTransport(bot)
    first = await transport.deliver(queued(LONG))
    assert isinstance(first, RetryLater) and first.rate_limited
    second = await transport.deliver(queued(LONG))
    texts = [text for text, _ in bot.calls]
    assert texts[1] == texts[2] and len(texts) == 4 and len(set(texts)) == 3  # part 2 twice, the rest once
    assert "\n\n".join(texts[i] for i in (0, 2, 3)) == LONG
    assert [markup is not None for _, markup in bot.calls] == [False, False, False, True]
    assert second == Sent(103)


async def test_400s_are_permanent_failures_including_a_migrated_group():
    too_long = await TelegramTransport(FakeBot({0: BadRequest("Message is too long")})).deliver(queued("x"))
    assert too_long == Failed("400: Message is too long")
    migrated = await TelegramTransport(FakeBot({0: ChatMigrated(-100123)})).deliver(queued("x"))
    assert isinstance(migrated, Failed) and migrated.error.startswith("400: ")


class Running:
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    async def __aenter__(self) -> Sender:
        self.task = asyncio.create_task(self.sender.run())
        return self.sender

    async def __aexit__(self, *exc) -> None:
        await self.sender.stop(grace=2)
        await asyncio.wait_for(self.task, 5)
