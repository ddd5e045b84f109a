"""Small helpers for e2e tests."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from yinling.models import OutgoingMessage, Priority
from yinling.services import Services


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def queue_notice(services: Services, chat_id: int, text: str, retiree_id: int | None = None) -> None:
    """What a staff notice will do: a message to a retiree through the outbox."""
    async with services.core.db.transaction() as tx:
        await services.core.outbox.enqueue(
            tx, OutgoingMessage(chat_id=chat_id, text=text, retiree_id=retiree_id, priority=Priority.NORMAL)
        )


async def group_texts(sb, bot_id: int, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in await sb.chat_messages(bot_id, chat_id) if m["from"]["is_bot"]]
