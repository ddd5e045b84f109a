"""金点子: ideas retirees send to the government, and what the office decides."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from yinling.models.common import Frozen

IDEA_FIELDS: tuple[str, ...] = ("城市建设", "公共服务", "乡村振兴", "社会治理", "关心下一代", "文明创建", "其他")
IdeaField = Literal["城市建设", "公共服务", "乡村振兴", "社会治理", "关心下一代", "文明创建", "其他"]
IdeaStatus = Literal["submitted", "reviewing", "adopted", "noted", "implemented", "merged"]
IDEA_STATUSES: tuple[str, ...] = ("submitted", "reviewing", "adopted", "noted", "implemented", "merged")


class Idea(Frozen):
    id: int
    retiree_id: int
    retiree_name: str = ""
    liaison_id: int | None = None
    field: IdeaField
    status: IdeaStatus
    summary: str = ""
    reply: str | None = None
    merged_into: int | None = None
    duplicates: int = 0  # ideas merged into this one
    created_at: datetime
    updated_at: datetime
    reviewed_at: datetime | None = None
    adopted_at: datetime | None = None
    noted_at: datetime | None = None
    implemented_at: datetime | None = None
    merged_at: datetime | None = None


class IdeaPart(Frozen):
    id: int
    idea_id: int
    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None
    created_at: datetime


class IdeaNote(Frozen):
    id: int
    idea_id: int
    staff_id: int | None = None
    staff_name: str | None = None
    text: str
    created_at: datetime


class IdeaEvent(Frozen):
    id: int
    idea_id: int
    at: datetime
    staff_id: int | None = None
    staff_name: str | None = None
    kind: Literal["submitted", "review", "merged", "merged_in"]
    from_status: IdeaStatus | None = None
    to_status: IdeaStatus | None = None
    reply: str | None = None
    other_id: int | None = None


class ReceivedIdea(Frozen):
    """What the figures need of one idea received in a period: its field and its status now."""

    field: IdeaField
    status: IdeaStatus
    created_at: datetime
    adopted_at: datetime | None = None


class IdeaFilter(Frozen):
    status: IdeaStatus | None = None
    field: IdeaField | None = None
    retiree_id: int | None = None
    q: str | None = None
    received_from: datetime | None = None  # created_at in [received_from, received_to)
    received_to: datetime | None = None
