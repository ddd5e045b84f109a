"""The outbox's claim/confirm protocol in the store."""
from __future__ import annotations

from datetime import timedelta

from yinling.models import Keyboard, MediaRef, OutgoingMessage, Priority
from yinling.store import outbox as outbox_store


async def put(db, clock, *messages: OutgoingMessage, not_before=None) -> None:
    async with db.transaction() as tx:
        await outbox_store.insert_many(tx, messages, now=clock.now(), not_before=not_before)


def m(text: str, priority: Priority = Priority.NORMAL, chat_id: int = 1) -> OutgoingMessage:
    return OutgoingMessage(chat_id=chat_id, text=text, priority=priority)


async def test_claim_takes_the_most_urgent_first_then_oldest(db, clock):
    await put(db, clock, m("bulk", Priority.BULK), m("normal"), m("tap", Priority.INTERACTIVE), m("normal 2"))
    claimed = await outbox_store.claim(db, now=clock.now(), limit=3)
    assert [c.text for c in claimed] == ["tap", "normal", "normal 2"]
    assert [c.text for c in await outbox_store.claim(db, now=clock.now(), limit=3)] == ["bulk"]


async def test_a_claimed_message_is_not_claimed_again(db, clock):
    await put(db, clock, m("once"))
    assert len(await outbox_store.claim(db, now=clock.now(), limit=10)) == 1
    assert await outbox_store.claim(db, now=clock.now(), limit=10) == []


async def test_messages_not_yet_due_wait(db, clock):
    await put(db, clock, m("later"), not_before=clock.now() + timedelta(minutes=5))
    assert await outbox_store.claim(db, now=clock.now(), limit=10) == []
    clock.advance(timedelta(minutes=5))
    assert [c.text for c in await outbox_store.claim(db, now=clock.now(), limit=10)] == ["later"]


async def test_confirm_records_the_channel_message_id(db, clock):
    await put(db, clock, m("hello"))
    [claimed] = await outbox_store.claim(db, now=clock.now(), limit=1)
    await outbox_store.confirm_sent(db, [(claimed.id, 77)], now=clock.now())
    row = await db.fetch_one("SELECT status, message_id, sent_at FROM outbox")
    assert (row["status"], row["message_id"]) == ("sent", 77) and row["sent_at"]


async def test_requeue_after_a_crash_and_release_on_stop_put_claims_back(db, clock):
    await put(db, clock, m("a"), m("b"))
    assert len(await outbox_store.claim(db, now=clock.now(), limit=2)) == 2
    assert await outbox_store.requeue_claimed(db) == 2
    a, _ = await outbox_store.claim(db, now=clock.now(), limit=2)
    await outbox_store.release_many(db, [a.id])
    assert await outbox_store.status_counts(db) == {"queued": 1, "claimed": 1}


async def test_keyboard_and_media_survive_the_round_trip(db, clock):
    keyboard = Keyboard.choices(["🙋 我要求助", "☎️ 找人工"])
    media = MediaRef(kind="photo", file_id="AgAD-123")
    await put(db, clock, OutgoingMessage(chat_id=5, text="看图", keyboard=keyboard, media=media))
    [claimed] = await outbox_store.claim(db, now=clock.now(), limit=1)
    assert claimed.keyboard == keyboard and claimed.media == media


async def test_rolled_back_change_takes_its_message_with_it(db, clock, services):
    try:
        async with db.transaction() as tx:
            await services.core.outbox.enqueue(tx, m("about a change that failed"))
            raise RuntimeError
    except RuntimeError:
        pass
    assert await outbox_store.status_counts(db) == {}
