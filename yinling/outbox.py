"""The durable queue of messages to people. Channel-neutral: text + buttons + media ref.

Services call `enqueue` inside the transaction that caused the message, so a change and the
message about it commit together or not at all. After commit, listeners in this process (the
sender) are told at once; a sender in another process finds the row on its next poll.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from yinling.clock import Clock
from yinling.models import OutgoingMessage
from yinling.store import outbox as outbox_store
from yinling.store.database import Transaction


class Outbox:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._listeners: list[Callable[[], None]] = []

    async def enqueue(self, tx: Transaction, message: OutgoingMessage) -> int:
        outbox_id = await outbox_store.insert(tx, message, now=self._clock.now())
        tx.after_commit(self.notify)
        return outbox_id

    async def enqueue_many(self, tx: Transaction, messages: Iterable[OutgoingMessage]) -> None:
        await outbox_store.insert_many(tx, messages, now=self._clock.now())
        tx.after_commit(self.notify)

    def on_enqueue(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def notify(self) -> None:
        for listener in self._listeners:
            listener()
