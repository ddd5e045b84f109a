"""Injected faults, for testing a bot's retry logic."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import NetworkError, RetryAfter

from sandbox.client import SandboxClient

from .conftest import BOT_ID, retry_after


async def test_server_errors(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("故障")
    await user.send_text("hi")
    await client.inject_fault(BOT_ID, "sendMessage", 500, "Internal Server Error", count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(user.id, "x")
    assert (await bot.send_message(user.id, "ok")).text == "ok"
    await client.inject_fault(BOT_ID, "getme", 502, "Bad Gateway")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    calls = await client.calls(BOT_ID, "sendMessage")
    assert [c["status"] for c in calls] == [500, 500, 200]


async def test_injected_429(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("限流")
    await user.send_text("hi")
    await client.inject_fault(BOT_ID, "sendMessage", 429, None, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "x")
    assert retry_after(caught.value) == 7
    assert (await client.stats())["too_many_requests"] == 1
