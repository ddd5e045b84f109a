"""Broadcast notices (通知公告) and their attachments."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import model_validator

from yinling.models.audiences import Audience, audience_problem
from yinling.models.common import Frozen

BroadcastAudienceKind = Literal["everyone", "tags", "party_members", "liaisons", "activity", "retirees"]
BroadcastStatus = Literal["scheduled", "sending", "done", "cancelled"]
MAX_LISTED_RETIREES = 10_000


class BroadcastAudience(Frozen):
    """An activity audience's kinds, plus an activity's registrants (confirmed and waiting) and a
    list of retirees."""

    kind: BroadcastAudienceKind = "everyone"
    tags: tuple[str, ...] = ()
    liaison_ids: tuple[int, ...] = ()
    activity_id: int | None = None
    retiree_ids: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> BroadcastAudience:
        if self.kind in ("everyone", "tags", "party_members", "liaisons"):
            if problem := audience_problem(self.kind, self.tags, self.liaison_ids):
                raise ValueError(problem)
        elif self.tags or self.liaison_ids:
            raise ValueError(f"kind 是 {self.kind} 时，不能给 tags 或 liaison_ids")
        if (self.kind == "activity") != (self.activity_id is not None):
            raise ValueError("activity_id 只在 kind 是 activity 时给，而且那时必须给")
        if (self.kind == "retirees") != bool(self.retiree_ids):
            raise ValueError("retiree_ids 只在 kind 是 retirees 时给，而且那时不能为空")
        return self

    def basic(self) -> Audience | None:
        """The same audience as an activity's, when it is one of those kinds."""
        if self.kind in ("activity", "retirees"):
            return None
        return Audience(kind=self.kind, tags=self.tags, liaison_ids=self.liaison_ids)  # type: ignore[arg-type]


class BroadcastDraft(Frozen):
    text: str
    audience: BroadcastAudience = BroadcastAudience()
    require_ack: bool = False
    schedule_at: datetime | None = None
    attachment_id: int | None = None


class Broadcast(BroadcastDraft):
    id: int
    status: BroadcastStatus
    recipients: int = 0  # fixed when it is sent (a scheduled one: 0 until then)
    started_at: datetime | None = None
    cancelled_at: datetime | None = None
    reminders: int = 0
    created_by: int | None = None
    created_by_liaison: int | None = None  # a liaison's broadcast stays theirs to read
    created_at: datetime
    updated_at: datetime


class FailedNotice(Frozen):
    """A notice the sender gave up on, with the reason it gave."""

    retiree_id: int
    name: str
    liaison_id: int | None = None
    error: str | None = None


class UnreachableRecipient(Frozen):
    """A recipient the notice could not reach in the chat: for their liaison to phone."""

    retiree_id: int
    name: str
    liaison_id: int | None = None
    liaison_name: str | None = None
    phone: str | None = None  # their first phone


class UnacknowledgedRecipient(Frozen):
    """A reachable recipient who has not tapped 已阅."""

    retiree_id: int
    name: str
    liaison_id: int | None = None


class Attachment(Frozen):
    id: int
    kind: Literal["photo", "document"]
    filename: str
    size: int
    path: str
    created_at: datetime
