"""The SandboxClient / SandboxUser helpers."""

from __future__ import annotations

import asyncio

import pytest
import telegram

from sandbox.client import SandboxClient, SandboxError

from .conftest import BOT_ID


async def test_wait_for_bot_message(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("等待", phone_number="13700000000")
    assert user.bot_id == BOT_ID and user.phone_number == "13700000000"
    await user.send_text("/start")

    async def reply_later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(user.id, "请稍候")
        await bot.send_message(user.id, "欢迎使用银龄助手")

    task = asyncio.create_task(reply_later())
    message = await user.wait_for_bot_message("欢迎")
    await task
    assert message["text"] == "欢迎使用银龄助手" and message["from"]["is_bot"]
    # Already seen: the next wait needs a newer message; a timeout lists what came.
    await bot.send_message(user.id, "另一条")
    with pytest.raises(AssertionError, match="另一条") as caught:
        await user.wait_for_bot_message("还有吗", timeout=0.2)
    assert "欢迎使用银龄助手" not in str(caught.value)
    # `after` looks back explicitly.
    earlier = await user.wait_for_bot_message("请稍候", after=1)
    assert earlier["text"] == "请稍候"
    assert [m["text"] for m in await user.bot_messages()] == ["请稍候", "欢迎使用银龄助手", "另一条"]


async def test_helpers_drive_keyboards_and_blocking(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("助手", phone_number="13600000000")
    await user.send_text("hi")
    sent = await bot.send_message(
        user.id, "选一个",
        reply_markup=telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("报名", callback_data="join:1")]]),
    )
    assert user.inline_labels(sent.to_dict()) == [["报名"]]
    query = await user.press(data="join:1")
    assert query["message"]["message_id"] == sent.message_id
    with pytest.raises(SandboxError) as caught:
        await user.tap("不存在")
    assert caught.value.status == 400
    await user.block()
    with pytest.raises(telegram.error.Forbidden):
        await bot.send_message(user.id, "x")
    await user.unblock()
    await bot.send_message(user.id, "x")
    voice = await user.send_voice(duration=5)
    assert voice["voice"]["duration"] == 5 and voice["voice"]["mime_type"] == "audio/ogg"
    photo = await user.send_photo()
    assert photo["photo"][-1]["width"] == 1280


async def test_users_groups_and_stats(client: SandboxClient) -> None:
    a = await client.create_user("甲", user_id=555)
    assert a.id == 555
    b = await client.create_user("乙")
    assert b.id == 100000001
    users = await client.users()
    assert [u["id"] for u in users] == [555, 100000001]
    assert users[0]["language_code"] == "zh-hans"
    group = await client.create_group("读书会", [a.id, b.id], supergroup=True)
    assert str(group["id"]).startswith("-100") and group["type"] == "supergroup"
    with pytest.raises(SandboxError):
        await client.create_user("丙", user_id=555)
    stats = await client.reset_stats()
    assert stats == {"requests": {}, "messages_sent": 0, "too_many_requests": 0}


async def test_control_http_shapes(sandbox, client: SandboxClient) -> None:  # type: ignore[no-untyped-def]
    """Raw control-API answers, as the web page and other tools see them."""
    import aiohttp

    user = await client.create_user("页面")
    await user.send_text("hi")
    base = f"{sandbox.url}/sandbox/bots/{BOT_ID}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/tap", json={"from_id": user.id, "label": "无"}) as resp:
            assert resp.status == 400
            body = await resp.json()
            assert body["ok"] is False and body["description"].startswith("no button labelled")
        async with http.get(f"{base}/chats/{user.id}/messages") as resp:
            version = resp.headers["X-Sandbox-Version"]
            assert [m["text"] for m in (await resp.json())["messages"]] == ["hi"]

        async def write_soon() -> None:
            await asyncio.sleep(0.1)
            await user.send_text("again")

        task = asyncio.create_task(write_soon())
        # ?version= waits for any change of the chat (edits included).
        async with http.get(f"{base}/chats/{user.id}/messages",
                            params={"version": version, "wait": "5", "after": "1"}) as resp:
            assert [m["text"] for m in (await resp.json())["messages"]] == ["again"]
            assert resp.headers["X-Sandbox-Version"] != version
        await task
        async with http.get(f"{base}/chats/{user.id}/keyboard") as resp:
            assert await resp.json() == {"keyboard": None}
        async with http.get(f"{sandbox.url}/sandbox/bots/999/calls") as resp:
            assert resp.status == 404 and (await resp.json())["ok"] is False
        async with http.post(f"{sandbox.url}/sandbox/config", json={"nope": 1}) as resp:
            assert resp.status == 400
        async with http.get(f"{sandbox.url}/sandbox/bots/{BOT_ID}") as resp:
            info = await resp.json()
            assert set(info) >= {"bot", "webhook", "commands", "pending_update_count"}
            assert info["pending_update_count"] == 2 and info["webhook"] is None
