"""The sender against a fake transport: order, limits, and what each Telegram answer leads to."""
from __future__ import annotations

import asyncio

import pytest

from bot.sender import Sender, SendLimits
from bot.transport import Failed, RetryLater, Unreachable
from tests.factories import STAFF_CHAT_ID, add_retiree
from tests.fakes import FakeTransport
from yinling import texts
from yinling.models import OutgoingMessage, Priority
from yinling.store import outbox as outbox_store
from yinling.store import retirees as retiree_store

FAST = SendLimits(global_rate=1000, private_rate=1000, private_burst=1000, group_per_minute=6000)


async def enqueue(services, *messages: OutgoingMessage) -> None:
    async with services.core.db.transaction() as tx:
        await services.core.outbox.enqueue_many(tx, messages)


def msg(chat_id: int, text: str, priority=Priority.NORMAL, retiree_id=None) -> OutgoingMessage:
    return OutgoingMessage(chat_id=chat_id, text=text, priority=priority, retiree_id=retiree_id)


class Running:
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    async def __aenter__(self) -> Sender:
        self.task = asyncio.create_task(self.sender.run())
        return self.sender

    async def __aexit__(self, *exc) -> None:
        await self.sender.stop(grace=2)
        await asyncio.wait_for(self.task, 5)


async def statuses(db) -> dict[str, int]:
    return await outbox_store.status_counts(db)


async def test_interactive_replies_overtake_bulk_messages_already_waiting(services, db):
    transport = FakeTransport()
    limits = SendLimits(global_rate=20, private_rate=100, private_burst=100)
    await enqueue(services, *(msg(1000 + i, f"notice {i}", Priority.BULK) for i in range(40)))
    async with Running(Sender(services, transport, limits, poll_seconds=0.05)):
        await transport.wait_delivered(3)
        await enqueue(services, msg(42, "reply to a tap", Priority.INTERACTIVE))
        await transport.wait_delivered(8)
    order = transport.texts()
    assert order.index("reply to a tap") <= 5  # within a couple of send slots, not after 40 notices


async def test_one_chat_gets_its_messages_in_order(services, db):
    transport = FakeTransport(delay=0.005)
    await enqueue(services, *(msg(7, f"part {i}") for i in range(10)))
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        await transport.wait_delivered(10)
    assert transport.texts(7) == [f"part {i}" for i in range(10)]
    assert (await statuses(db)) == {"sent": 10}


async def test_global_rate_is_kept(services, db):
    transport = FakeTransport()
    limits = SendLimits(global_rate=50, private_rate=1000, private_burst=1000)
    await enqueue(services, *(msg(2000 + i, "x", Priority.BULK) for i in range(60)))
    async with Running(Sender(services, transport, limits, poll_seconds=0.05)):
        await transport.wait_delivered(60)
    times = [t for t, _ in transport.delivered]
    busiest_second = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
    assert busiest_second <= 50


async def test_a_private_chat_gets_about_one_message_a_second_after_a_short_burst(services, db):
    transport = FakeTransport()
    limits = SendLimits(global_rate=1000, private_rate=10, private_burst=2)
    await enqueue(services, *(msg(9, f"m{i}") for i in range(6)))
    async with Running(Sender(services, transport, limits, poll_seconds=0.05)):
        await transport.wait_delivered(6)
    times = [t for t, _ in transport.delivered]
    assert times[-1] - times[0] >= 4 / 10 * 0.9  # two at once, then four at 10/s


async def test_429_pauses_then_sends_without_counting_an_attempt(services, db):
    transport = FakeTransport()
    transport.then(5, RetryLater(after=0.3, error="429: Too Many Requests: retry after 1", rate_limited=True))
    await enqueue(services, msg(5, "hello"), msg(6, "other"))
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        await transport.wait_delivered(2)
    delivered = {m.text: t for t, m in transport.delivered}
    assert set(delivered) == {"hello", "other"}
    row = await db.fetch_one("SELECT status, attempts FROM outbox WHERE text = 'hello'")
    assert (row["status"], row["attempts"]) == ("sent", 0)


async def test_network_errors_are_retried_with_backoff_keeping_the_chat_in_order(services, db):
    transport = FakeTransport()
    transport.then(5, RetryLater(after=0.0, error="network: Bad Gateway"))
    await enqueue(services, msg(5, "first"), msg(5, "second"))
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        await asyncio.sleep(0.3)
        row = await db.fetch_one("SELECT status, attempts, error FROM outbox WHERE text = 'first'")
        assert (row["status"], row["attempts"], row["error"]) == ("claimed", 1, "network: Bad Gateway")
        assert transport.texts() == []  # "second" waits behind the retry
        await transport.wait_delivered(2, timeout=3)  # backoff(0) = 1 s
    assert transport.texts(5) == ["first", "second"]
    assert (await statuses(db)) == {"sent": 2}


async def test_blocked_user_becomes_unreachable_staff_are_told_and_nothing_is_retried(services, db, clock):
    retiree_id = await add_retiree(db, clock)
    transport = FakeTransport()
    transport.then(5, Unreachable("blocked", "403: Forbidden: bot was blocked by the user"))
    await enqueue(services, msg(5, "one", retiree_id=retiree_id), msg(5, "two", retiree_id=retiree_id))
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        await transport.wait_delivered(1)  # the staff notice
    assert [m.chat_id for m in transport.attempts].count(5) == 1  # "two" was never tried
    assert not (await retiree_store.get(db, retiree_id)).reachable
    assert transport.texts(STAFF_CHAT_ID) == [
        texts.STAFF_UNREACHABLE.format(name="张建国", id=retiree_id, why=texts.STAFF_WHY_BLOCKED)
    ]
    rows = await db.fetch_all("SELECT status, error FROM outbox WHERE chat_id = 5")
    assert {(r["status"], r["error"]) for r in rows} == {("failed", "403: Forbidden: bot was blocked by the user")}


async def test_chat_not_found_fails_with_its_reason(services, db):
    transport = FakeTransport()
    transport.then(5, Failed("400: Chat not found"))
    await enqueue(services, msg(5, "hello"))
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        for _ in range(100):
            if (await statuses(db)).get("failed"):
                break
            await asyncio.sleep(0.02)
    row = await db.fetch_one("SELECT status, error FROM outbox")
    assert (row["status"], row["error"]) == ("failed", "400: Chat not found")


async def test_messages_claimed_by_a_dead_process_are_sent_after_restart(services, db, clock):
    await enqueue(services, msg(5, "before the crash"), msg(6, "also"))
    claimed = await outbox_store.claim(db, now=clock.now(), limit=10)
    assert len(claimed) == 2  # a process claimed them, then died
    transport = FakeTransport()
    async with Running(Sender(services, transport, FAST, poll_seconds=0.05)):
        await transport.wait_delivered(2)
    assert sorted(transport.texts()) == ["also", "before the crash"]


async def test_stop_gives_unsent_messages_back_to_the_queue(services, db):
    transport = FakeTransport()
    slow = SendLimits(global_rate=5, private_rate=100, private_burst=100)
    await enqueue(services, *(msg(3000 + i, "x", Priority.BULK) for i in range(20)))
    async with Running(Sender(services, transport, slow, poll_seconds=0.05)):
        await transport.wait_delivered(1)
    counts = await statuses(db)
    assert counts.get("claimed", 0) == 0
    assert counts["sent"] + counts["queued"] == 20 and counts["queued"] > 0


@pytest.mark.parametrize("raw, pieces", [("短" * 10, 1), ("字" * 5000, 2), ("😀" * 3000, 2)])
def test_long_texts_are_split_without_losing_a_character(raw, pieces):
    from bot.transport import split_text, utf16_len

    parts = split_text(raw)
    assert len(parts) == pieces and "".join(parts) == raw
    assert all(utf16_len(p) <= 4096 for p in parts)


@pytest.mark.parametrize("rate", [20, 30, 50, 1000])
def test_the_burst_never_lets_a_second_hold_more_than_the_limit(rate):
    from math import floor

    from bot.sender import PACING, global_burst

    assert floor(global_burst(rate) + PACING * rate) <= rate
    assert global_burst(rate) > 1.0  # room for a late timer
