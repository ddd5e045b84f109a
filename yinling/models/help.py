"""Help requests (我要求助)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal, NamedTuple

from pydantic import Field

from yinling.models.common import Frozen

HELP_CATEGORIES: tuple[str, ...] = ("生活照料", "医疗健康", "住院看病", "房屋维修", "心理关怀", "政策咨询", "其他")
MEDICAL_CATEGORIES = frozenset({"医疗健康", "住院看病"})  # 患病必访、住院必访: they open a visit task
HelpStatus = Literal["new", "open", "pending", "resolved", "closed"]
HelpPriority = Literal["low", "normal", "high", "urgent"]
Satisfaction = Literal["满意", "基本满意", "不满意"]


class HelpRequest(Frozen):
    id: int
    retiree_id: int
    retiree_name: str = ""
    liaison_id: int | None = None
    category: str
    priority: HelpPriority
    status: HelpStatus
    assignee_id: int | None = None
    assignee_name: str | None = None
    summary: str = ""
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    first_response_due: datetime
    resolution_due: datetime
    remind_at: datetime | None = None
    satisfaction: Satisfaction | None = None
    satisfaction_comment: str | None = None
    merged_into: int | None = None


class HelpMessage(Frozen):
    id: int
    request_id: int
    author: Literal["retiree", "staff", "note"]
    staff_id: int | None = None
    staff_name: str | None = None
    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None
    created_at: datetime


class HelpEvent(Frozen):
    id: int
    request_id: int
    at: datetime
    staff_id: int | None = None
    kind: str
    detail: dict = Field(default_factory=dict)


class HelpFilter(Frozen):
    status: HelpStatus | None = None
    category: str | None = None
    priority: HelpPriority | None = None
    assignee: Literal["me", "unassigned"] | int | None = None
    retiree_id: int | None = None
    overdue: bool | None = None
    q: str | None = None


class HelpStatsRow(NamedTuple):
    """What the statistics need of one request (store.help.for_stats), worked out by the database: a
    plain tuple, as a period may hold tens of thousands of requests and the page is built while one waits."""

    category: str
    assignee_id: int | None
    assignee_name: str | None
    in_time: int  # 1: first response within its SLA
    resolved: int  # 1: resolved or closed
    rated: int  # 1: has a satisfaction rating
    satisfied: int  # 1: rated 满意 or 基本满意
    response_minutes: float | None  # to the first response
    resolution_hours: float | None  # to resolved (or closed)


class VisitTask(Frozen):
    """A 五必访 visit owed to a retiree, with the liaison it now falls to."""

    id: int
    retiree_id: int
    retiree_name: str
    liaison_id: int | None
    request_id: int | None
    reason: str
    status: Literal["open", "done", "cancelled"]
    created_at: datetime
    done_at: datetime | None
