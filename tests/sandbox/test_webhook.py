"""Webhook delivery to a local aiohttp server."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
import telegram
from aiohttp import web
from telegram.error import BadRequest

from sandbox.client import SandboxClient


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_until(predicate: Any, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_delivery_secret_order_and_retry(bot: telegram.Bot, client: SandboxClient, aiohttp_server: Any) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = {"left": 1}

    async def hook(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=500, text="boom")
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    url = str(server.make_url("/hook"))
    assert await bot.set_webhook(url, secret_token="s3cret_-X", allowed_updates=["message"])
    info = await bot.get_webhook_info()
    assert info.url == url and info.allowed_updates == ("message",)

    user = await client.create_user("钩子")
    await user.send_text("一")
    await user.send_text("二")
    await _wait_until(lambda: len(received) == 2)
    assert [secret for secret, _ in received] == ["s3cret_-X", "s3cret_-X"]
    assert [body["message"]["text"] for _, body in received] == ["一", "二"]
    ids = [body["update_id"] for _, body in received]
    assert ids[1] == ids[0] + 1
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_date is not None
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_undelivered_updates_survive_delete_webhook(bot: telegram.Bot, client: SandboxClient) -> None:
    await bot.set_webhook(f"http://127.0.0.1:{_closed_port()}/hook")
    user = await client.create_user("离线")
    await user.send_text("还在吗")

    async def errored() -> bool:
        return (await bot.get_webhook_info()).last_error_message is not None

    for _ in range(100):
        if await errored():
            break
        await asyncio.sleep(0.02)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1 and info.last_error_message == "Connection refused"
    assert await bot.delete_webhook()
    updates = await bot.get_updates()
    assert [u.message.text for u in updates] == ["还在吗"]


async def test_drop_pending_updates(bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("丢弃")
    await user.send_text("旧消息")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_method_in_webhook_reply(bot: telegram.Bot, client: SandboxClient, aiohttp_server: Any) -> None:
    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        chat_id = update["message"]["chat"]["id"]
        return web.json_response({"method": "sendMessage", "chat_id": chat_id,
                                  "text": "回声：" + update["message"]["text"]})

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    await bot.set_webhook(str(server.make_url("/hook")))
    user = await client.create_user("回声")
    await user.send_text("你好")
    reply = await user.wait_for_bot_message("回声")
    assert reply["text"] == "回声：你好"


async def test_set_webhook_validation(bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:1/x", secret_token="bad secret!")
    with pytest.raises(BadRequest, match="Bad webhook"):
        await bot.set_webhook("ftp://example.org/x")
    assert await bot.get_webhook_info() == telegram.WebhookInfo("", False, 0)
