"""What a bot restarted over its database needs from a new sandbox: update ids past those it has
seen (`min_update_id`), and private chats that began in an earlier run (`started`)."""
from __future__ import annotations

import pytest
import telegram

from sandbox import RunningSandbox
from sandbox.client import SandboxClient
from tests.sandbox.conftest import BOT_ID, TOKEN


async def test_min_update_id_numbers_the_bots_updates_from_there_on(sandbox: RunningSandbox,
                                                                     client: SandboxClient) -> None:
    async def update_id_of(text: str) -> int:
        sent = await client.request("POST", f"/sandbox/bots/{BOT_ID}/send", {"from_id": person.id, "text": text})
        return int(sent["update_id"])

    await client.add_bot(TOKEN, min_update_id=2_000_000_000)
    person = await client.create_user("老王")
    first = await update_id_of("/start")
    assert first >= 2_000_000_000
    await client.add_bot(TOKEN, min_update_id=5)  # never back: ids only grow
    assert await update_id_of("again") == first + 1


async def test_a_person_created_started_may_be_written_to_first(bot: telegram.Bot, client: SandboxClient) -> None:
    before = await client.create_user("新人")
    started = await client.create_user("老朋友", started=True)
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)chat not found"):  # never wrote to the bot
        await bot.send_message(before.id, "您好")
    await bot.send_message(started.id, "您好")
    assert [m["text"] for m in await client.chat_messages(BOT_ID, started.id)] == ["您好"]
