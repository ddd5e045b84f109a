"""Outgoing messages, channel-neutral: what the outbox keeps and the sender delivers."""
from __future__ import annotations

from enum import IntEnum
from typing import Literal

from yinling.models.common import Frozen


class Priority(IntEnum):
    """Lower sends first: a reply to a tap is never stuck behind a notice to ten thousand people."""

    INTERACTIVE = 0
    NORMAL = 1
    BULK = 2


class Button(Frozen):
    """One button. `action` is what comes back when it is pressed (inline buttons only);
    `request` asks the channel for something of the person's own (their phone number)."""

    label: str
    action: str | None = None
    request: Literal["contact"] | None = None


class Keyboard(Frozen):
    """`choices`: big buttons under the input field that send their label (the main menu);
    `inline`: buttons attached to the message that send their action;
    `remove`: take the big buttons away."""

    kind: Literal["choices", "inline", "remove"]
    rows: tuple[tuple[Button, ...], ...] = ()

    @classmethod
    def choices(cls, *rows: list[str] | tuple[str, ...]) -> Keyboard:
        return cls(kind="choices", rows=tuple(tuple(Button(label=label) for label in row) for row in rows))

    @classmethod
    def inline(cls, *rows: list[Button] | tuple[Button, ...]) -> Keyboard:
        return cls(kind="inline", rows=tuple(tuple(row) for row in rows))

    @classmethod
    def remove(cls) -> Keyboard:
        return cls(kind="remove")


class MediaRef(Frozen):
    kind: Literal["photo", "voice", "document"]
    file_id: str | None = None  # the channel's id of a file it already has
    path: str | None = None  # a local file to upload


class OutgoingMessage(Frozen):
    chat_id: int
    text: str
    retiree_id: int | None = None
    keyboard: Keyboard | None = None
    media: MediaRef | None = None
    priority: Priority = Priority.NORMAL
    source: str | None = None


class QueuedMessage(Frozen):
    """An outbox row as the sender sees it."""

    id: int
    chat_id: int
    retiree_id: int | None
    text: str
    keyboard: Keyboard | None
    media: MediaRef | None
    priority: Priority
    attempts: int
    source: str | None
