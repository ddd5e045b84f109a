"""getUpdates semantics: offsets, long polling, allowed_updates, conflicts."""

from __future__ import annotations

import asyncio
import time

import pytest
import telegram
from telegram.error import Conflict

from sandbox import RunningSandbox
from sandbox.client import SandboxClient

from .conftest import make_bot


async def test_offset_confirms_updates(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("甲")
    for text in ("一", "二", "三"):
        await user.send_text(text)
    updates = await bot.get_updates()
    assert [u.message.text for u in updates] == ["一", "二", "三"]
    ids = [u.update_id for u in updates]
    assert ids == list(range(ids[0], ids[0] + 3))
    # Not confirmed yet: the same updates come again.
    assert [u.update_id for u in await bot.get_updates()] == ids
    # offset = last + 1 confirms everything before it.
    assert await bot.get_updates(offset=ids[1]) == tuple(updates[1:])
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0


async def test_negative_offset_and_limit(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("乙")
    for n in range(5):
        await user.send_text(f"m{n}")
    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["m0", "m1"]
    # offset=-1: only the last update is kept, all earlier are forgotten.
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last] == ["m4"]
    assert [u.message.text for u in await bot.get_updates()] == ["m4"]


async def test_long_poll_wakes_on_new_update(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("丙")

    async def write_later() -> None:
        await asyncio.sleep(0.2)
        await user.send_text("醒醒")

    started = time.monotonic()
    writer = asyncio.create_task(write_later())
    updates = await bot.get_updates(timeout=5)
    elapsed = time.monotonic() - started
    await writer
    assert [u.message.text for u in updates] == ["醒醒"]
    assert 0.15 < elapsed < 2


async def test_long_poll_times_out_empty(bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=0.3) == ()
    assert time.monotonic() - started >= 0.25


async def test_allowed_updates_persist(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("丁")
    await user.send_text("before")
    await bot.send_message(user.id, "pick", reply_markup=telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("A", callback_data="a")]]))
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    # Updates created before the change are still delivered (as on Telegram).
    assert [u.message.text for u in updates] == ["before"]
    offset = updates[-1].update_id + 1
    await user.send_text("ignored")  # not wanted: never created
    await user.press("A")
    updates = await bot.get_updates(offset=offset)  # no allowed_updates: setting persists
    assert [u.callback_query.data for u in updates] == ["a"]
    offset = updates[-1].update_id + 1
    # An empty list restores the default (all but a few types).
    await bot.get_updates(offset=offset, allowed_updates=[])
    await user.send_text("wanted")
    assert [u.message.text for u in await bot.get_updates(offset=offset)] == ["wanted"]


async def test_conflict_with_webhook(bot: telegram.Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_second_poll_terminates_first(sandbox: RunningSandbox) -> None:
    async with make_bot(sandbox.url) as first, make_bot(sandbox.url) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await waiting
