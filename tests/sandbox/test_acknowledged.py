"""Which updates the bot acknowledged, as Telegram would forget them: getUpdates with an offset past
them, or a 2xx answer to their webhook delivery (never a failed one)."""

from __future__ import annotations

import asyncio
from typing import Any

import telegram
from aiohttp import web

from sandbox.client import SandboxClient

from .conftest import BOT_ID


async def test_fetching_is_not_acknowledging_an_offset_past_an_update_is(
        bot: telegram.Bot, client: SandboxClient) -> None:
    user = await client.create_user("甲")
    for text in ("一", "二", "三"):
        await user.send_text(text)
    ids = [u.update_id for u in await bot.get_updates()]
    assert await client.acknowledged(BOT_ID) == []  # fetched, not confirmed: Telegram sends them again
    await bot.get_updates(offset=ids[1])
    assert await client.acknowledged(BOT_ID) == ids[:1]
    await bot.get_updates(offset=-1)  # "all previous updates will be forgotten"
    assert await client.acknowledged(BOT_ID) == ids[:2]
    await bot.get_updates(offset=ids[2] + 1)
    assert await client.acknowledged(BOT_ID) == ids
    assert await client.acknowledged(BOT_ID, start=2) == ids[2:]


async def test_a_webhook_delivery_is_acknowledged_by_its_2xx_only(
        bot: telegram.Bot, client: SandboxClient, aiohttp_server: Any) -> None:
    answers = [500, 503, 200]
    delivered: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        delivered.append((await request.json())["update_id"])
        return web.Response(status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    await bot.set_webhook(str(server.make_url("/hook")))
    user = await client.create_user("乙")
    sent = await client.request("POST", f"/sandbox/bots/{BOT_ID}/send", {"from_id": user.id, "text": "你好"})

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while not await client.acknowledged(BOT_ID):
        assert loop.time() < deadline, "the update was never acknowledged"
        await asyncio.sleep(0.02)
    assert delivered == [sent["update_id"]] * 3  # twice refused, then taken
    assert await client.acknowledged(BOT_ID) == [sent["update_id"]]
