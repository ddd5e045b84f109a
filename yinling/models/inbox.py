"""The staff inbox (收件箱) and a retiree's conversation."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from yinling.models.common import Frozen

InboxFilter = Literal["all", "mine", "unassigned", "urgent", "overdue"]
MessageOrigin = Literal["unprompted", "human", "left", "kept", "reply", "emergency", "unverified"]


class InboxMessage(Frozen):
    """Something a person said outside a help request, waiting for (or answered by) staff."""

    id: int
    retiree_id: int | None = None
    chat_id: int | None = None
    retiree_name: str | None = None
    liaison_id: int | None = None
    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None
    origin: str
    urgent: bool = False
    assignee_id: int | None = None
    handled_at: datetime | None = None
    handled_by: int | None = None
    created_at: datetime


class InboxItem(Frozen):
    """One line of the inbox: an open help request or an unanswered message."""

    kind: Literal["help", "message"]
    id: int
    retiree_id: int | None = None
    retiree_name: str | None = None
    liaison_id: int | None = None
    assignee_id: int | None = None
    urgent: bool
    overdue: bool
    status: str
    origin: str | None = None
    preview: str
    created_at: datetime


class ConversationEntry(Frozen):
    """One thing said in a retiree's chat: by them (in) or to them (out), in order."""

    direction: Literal["in", "out"]
    at: datetime
    kind: str
    text: str | None = None
    file_id: str | None = None
    ref: int = Field(description="the update id (in) or the outbox id (out)")
    status: str | None = None  # out: queued, claimed, sent, failed, cancelled
    source: str | None = None  # out: what caused it (chat, help:12, broadcast:3, staff-message:5 ...)
