"""The intake end to end: an update stored but not processed when the process died is handled at the
next start; our long polling moves its offset past an update only after the intake stored it, and
waits out 429, 409 and a failed store."""
from __future__ import annotations

import asyncio
import json
import time

import telegram

from bot.intake import record_of
from bot.polling import Poller
from tests.e2e.conftest import BOT_ID, TOKEN, bot_running
from tests.e2e.helpers import eventually
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.store import inbox as inbox_store
from yinling.store import intake as intake_store


async def test_an_update_stored_before_a_crash_is_handled_at_the_next_start(e2e_settings, sb, db, clock):
    retiree_id = await add_retiree(db, clock, phone=ROSTER_PHONE)
    async with bot_running(e2e_settings):
        zhang = await bound_user(sb, ROSTER_PHONE)
    # What the intake holds when the process dies right after storing (and acknowledging) an update.
    update = {"update_id": 987000001, "message": {
        "message_id": 9001, "date": 1_790_000_000, "text": "谢谢你们上次的帮助",
        "chat": {"id": zhang.id, "type": "private", "first_name": "老同志"},
        "from": {"id": zhang.id, "is_bot": False, "first_name": "老同志"}}}
    await intake_store.insert_many(db, [record_of(update, json.dumps(update, ensure_ascii=False))], now=clock.now())
    async with bot_running(e2e_settings):
        await zhang.wait_for_bot_message(texts.MESSAGE_KEPT)

        async def marked() -> bool:
            row = await intake_store.get(db, update["update_id"])
            return row.processed_at is not None

        await eventually(marked, what="the update marked processed")
    assert [m.text for m in await inbox_store.messages_of(db, retiree_id)] == ["谢谢你们上次的帮助"]
    said = await inbox_store.conversation(db, zhang.id, before=None, limit=50)
    stored = sorted((e for e in said if e.direction == "in"), key=lambda e: e.ref)  # in update id order
    assert [r.kind for r in stored][:2] == ["command", "contact"]
    assert (await intake_store.get(db, stored[-1].ref)).error is None


class FakeIntake:
    """Stores by remembering; can be told to fail (the database unavailable) a number of times."""

    def __init__(self, failures: int = 0) -> None:
        self.stored: list[int] = []
        self.failures = failures
        self.calls = 0

    async def receive(self, updates: list[dict]) -> list[int]:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise OSError("database unavailable")
        ids = [u["update_id"] for u in updates]
        self.stored += ids
        return ids


async def poller_for(sandbox, intake: FakeIntake) -> tuple[Poller, telegram.Bot]:
    bot = telegram.Bot(TOKEN, base_url=f"{sandbox.url}/bot")
    await bot.initialize()
    poller = Poller(bot, intake, allowed_updates=["message", "callback_query"], timeout=1)  # type: ignore[arg-type]
    await poller.start()
    return poller, bot


async def sent_update(sb, person, text: str) -> int:
    return (await sb.request("POST", f"/sandbox/bots/{BOT_ID}/send", {"from_id": person.id, "text": text}))["update_id"]


async def test_an_update_is_acknowledged_only_after_it_was_stored(sandbox, sb):
    intake = FakeIntake(failures=1)
    person = await sb.create_user("张", bot_id=BOT_ID)
    first = await sent_update(sb, person, "第一句")
    poller, bot = await poller_for(sandbox, intake)
    try:
        await eventually(lambda: _true(intake.calls >= 1), what="a first attempt to store")
        await asyncio.sleep(0.3)
        assert intake.stored == [] and await sb.acknowledged(BOT_ID) == []  # not stored: not confirmed
        await eventually(lambda: _true(intake.stored == [first]), timeout=5, what="the retry to store it")
        second = await sent_update(sb, person, "第二句")
        await eventually(lambda: _true(intake.stored == [first, second]), what="the next update")
    finally:
        await poller.stop()
        await bot.shutdown()
    assert await sb.acknowledged(BOT_ID) == [first, second]  # by the poll after each store, or the stop


async def test_429_and_409_are_waited_out_and_polling_goes_on(sandbox, sb):
    intake = FakeIntake()
    person = await sb.create_user("李", bot_id=BOT_ID)
    await sb.inject_fault(BOT_ID, "getUpdates", 429, "Too Many Requests: retry after 1", retry_after=1)
    await sb.inject_fault(BOT_ID, "getUpdates", 409, "Conflict: terminated by other getUpdates request")
    update_id = await sent_update(sb, person, "你好")
    began = time.monotonic()
    poller, bot = await poller_for(sandbox, intake)
    try:
        await eventually(lambda: _true(intake.stored == [update_id]), timeout=10, what="the update after 429 and 409")
        assert time.monotonic() - began >= 1.5  # retry_after 1 s (+0.5), then a 1 s back-off... at least
        statuses = [c["status"] for c in await sb.calls(BOT_ID, "getUpdates")]
        assert statuses[:2] == [429, 409] and 200 in statuses
    finally:
        await poller.stop()
        await bot.shutdown()


async def _true(value: bool) -> bool:
    return value
