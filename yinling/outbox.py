"""The durable queue of messages to people. Channel-neutral: text + buttons + media ref.

Services call `enqueue` inside the transaction that caused the message, so a change and the
message about it commit together or not at all. After commit, listeners in this process (the
sender) are told at once; a sender in another process finds the row on its next poll.

One row is one channel message. A text longer than the channel takes (Telegram: 4,096 UTF-16
units, 1,024 for a caption) is cut here, when it is queued, into several rows in order, the
buttons on the last: each part then has the outbox's own guarantees (claimed, confirmed, failed
and retried on its own, kept in order within the chat). Cutting later, in the transport, made one
row cost several sends, and a refusal of a later part (a 429 from the per-chat limit) retried the
row from its first part: the retiree got the first part again on every try (issue 12).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from yinling.clock import Clock
from yinling.models import OutgoingMessage
from yinling.store import outbox as outbox_store
from yinling.store.database import Transaction
from yinling.text_split import TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT, split_text, utf16_len


class Outbox:
    def __init__(
        self, clock: Clock, *, text_limit: int = TELEGRAM_TEXT_LIMIT, caption_limit: int = TELEGRAM_CAPTION_LIMIT
    ) -> None:
        self._clock = clock
        self._text_limit = text_limit
        self._caption_limit = caption_limit
        self._listeners: list[Callable[[], None]] = []

    async def enqueue(self, tx: Transaction, message: OutgoingMessage) -> int:
        """Queue `message` (as several rows if it is too long). Returns the first row's id."""
        first, *rest = self.parts(message)
        outbox_id = await outbox_store.insert(tx, first, now=self._clock.now())
        if rest:
            await outbox_store.insert_many(tx, rest, now=self._clock.now())
        tx.after_commit(self.notify)
        return outbox_id

    async def enqueue_many(self, tx: Transaction, messages: Iterable[OutgoingMessage]) -> None:
        await outbox_store.insert_many(tx, self._all_parts(messages), now=self._clock.now())
        tx.after_commit(self.notify)

    def _all_parts(self, messages: Iterable[OutgoingMessage]) -> Iterator[OutgoingMessage]:
        for message in messages:
            yield from self.parts(message)

    def parts(self, message: OutgoingMessage) -> list[OutgoingMessage]:
        """The rows `message` becomes: itself when it fits; otherwise its text in pieces (after the
        media, sent bare, when the text is too long for a caption), the keyboard on the last."""
        if message.media is not None:
            if utf16_len(message.text) <= self._caption_limit:
                return [message]
            head = [message.model_copy(update={"text": "", "keyboard": None})]
        else:
            if utf16_len(message.text) <= self._text_limit:
                return [message]
            head = []
        pieces = split_text(message.text, self._text_limit)
        last = len(pieces) - 1
        return head + [
            message.model_copy(update={"text": piece, "media": None,
                                       "keyboard": message.keyboard if i == last else None})
            for i, piece in enumerate(pieces)
        ]

    def on_enqueue(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def notify(self) -> None:
        for listener in self._listeners:
            listener()
