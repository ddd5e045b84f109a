"""Test doubles for the I/O interfaces (one beside each)."""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque

from bot.transport import Outcome, Sent
from yinling.models import QueuedMessage


class FakeTransport:
    """Records what would have gone out. `script[chat_id]` holds outcomes to return for that chat
    before falling back to Sent; `delay` simulates the network round trip."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.delivered: list[tuple[float, QueuedMessage]] = []
        self.attempts: list[QueuedMessage] = []
        self.script: dict[int, deque[Outcome]] = defaultdict(deque)
        self._next_message_id = 1
        self.arrived = asyncio.Event()

    def then(self, chat_id: int, *outcomes: Outcome) -> None:
        self.script[chat_id].extend(outcomes)

    async def deliver(self, message: QueuedMessage) -> Outcome:
        self.attempts.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.script[message.chat_id]:
            return self.script[message.chat_id].popleft()
        self.delivered.append((time.monotonic(), message))
        self._next_message_id += 1
        self.arrived.set()
        return Sent(self._next_message_id)

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [m.text for _, m in self.delivered if chat_id is None or m.chat_id == chat_id]

    async def wait_delivered(self, count: int, timeout: float = 5.0) -> None:
        async def enough() -> None:
            while len(self.delivered) < count:
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(enough(), timeout)
