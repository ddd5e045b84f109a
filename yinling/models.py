"""Pydantic models that cross layers. Frozen: they are values, not records to mutate."""
from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# ---- outgoing messages (channel-neutral) ---------------------------------------------------------


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


# ---- people ----------------------------------------------------------------------------------------

StaffRole = Literal["admin", "liaison", "viewer"]


class Staff(Frozen):
    id: int
    username: str
    display_name: str
    role: StaffRole
    phone: str | None = None
    active: bool = True


class Retiree(Frozen):
    id: int
    name: str
    phone: str | None = None
    birth_date: date | None = None
    party_join_date: date | None = None
    liaison_id: int | None = None
    telegram_user_id: int | None = None
    telegram_chat_id: int | None = None
    reachable: bool = True

    @property
    def bound(self) -> bool:
        return self.telegram_user_id is not None

    @property
    def polite_name(self) -> str:
        """How the bot addresses a retiree: full name + 同志, the form these offices use in writing
        (a surname + 老 would break on two-character surnames such as 欧阳)."""
        return f"{self.name}同志"


class Dialog(Frozen):
    chat_id: int
    state: str = "idle"
    data: dict = Field(default_factory=dict)


class PendingRegistration(Frozen):
    id: int
    telegram_user_id: int
    telegram_chat_id: int
    phone: str
    telegram_name: str
    reason: Literal["unknown_phone", "bound_elsewhere", "shared_phone"]
    status: Literal["pending", "approved", "rejected"]
    created_at: datetime


# ---- what a chat face hands to the core -----------------------------------------------------------


class Contact(Frozen):
    phone: str
    user_id: int | None  # whose contact card it is, when the channel knows


class Inbound(Frozen):
    """Something a person sent that is not a button: text, or a voice note / photo / document."""

    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None


class ChatEvent(Frozen):
    """One thing that happened in a chat. `event_id` is the channel's id for it (Telegram's
    update_id): an event seen twice has one effect."""

    event_id: int
    user_id: int
    chat_id: int
    display_name: str = ""
