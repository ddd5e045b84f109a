"""Flood control through a real client."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import RetryAfter

from sandbox.client import SandboxClient

from .conftest import FakeClock, retry_after


async def test_global_limit(bot: telegram.Bot, client: SandboxClient, clock: FakeClock) -> None:
    await client.configure_flood(global_rate=30, private_rate=0)
    user = await client.create_user("快")
    await user.send_text("hi")
    await client.reset_stats()
    for n in range(30):
        await bot.send_message(user.id, f"#{n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "#30")
    assert retry_after(caught.value) >= 1
    stats = await client.stats()
    assert stats["too_many_requests"] == 1
    assert stats["messages_sent"] == 30
    assert stats["requests"]["sendMessage"] == 31
    # The refused request had no effect.
    assert len(await user.bot_messages()) == 30
    clock.advance(0.1)  # three tokens back
    for n in range(3):
        await bot.send_message(user.id, f"again #{n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "again too many")
    # Non-message methods are not limited.
    await bot.get_me()
    await bot.send_chat_action(user.id, "typing")


async def test_paid_broadcast_raises_limit(bot: telegram.Bot, client: SandboxClient, clock: FakeClock) -> None:
    await client.configure_flood(global_rate=5, private_rate=0)
    user = await client.create_user("付费")
    await user.send_text("hi")
    for n in range(20):
        await bot.send_message(user.id, f"#{n}", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "free")
    await bot.send_message(user.id, "paid still fine", allow_paid_broadcast=True)


async def test_private_chat_limit(bot: telegram.Bot, client: SandboxClient, clock: FakeClock) -> None:
    config = await client.configure_flood(private_rate=1, private_burst=3)
    assert config["private_burst"] == 3
    user = await client.create_user("慢")
    other = await client.create_user("别人")
    await user.send_text("hi")
    await other.send_text("hi")
    for n in range(3):
        await bot.send_message(user.id, f"#{n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "too fast")
    # Another chat has its own allowance.
    await bot.send_message(other.id, "fine")
    clock.advance(1.0)  # one message per second is the sustained rate
    await bot.send_message(user.id, "later")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "too fast again")


async def test_group_limit(bot: telegram.Bot, client: SandboxClient, clock: FakeClock) -> None:
    await client.configure_flood(group_per_minute=20)
    member = await client.create_user("群友")
    group = await client.create_group("老干部活动群", [member.id])
    assert group["id"] < 0 and group["type"] == "group"
    for n in range(20):
        await bot.send_message(group["id"], f"#{n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group["id"], "too many")
    assert 1 <= retry_after(caught.value) <= 60
    # Edits count too.
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("x", chat_id=group["id"], message_id=1)


async def test_limits_can_be_disabled(bot: telegram.Bot, client: SandboxClient, clock: FakeClock) -> None:
    config = await client.configure_flood(global_rate=0, private_rate=None)
    assert config["global_rate"] == 0 and config["private_rate"] is None
    user = await client.create_user("无限")
    await user.send_text("hi")
    for n in range(40):
        await bot.send_message(user.id, f"#{n}")
