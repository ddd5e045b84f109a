"""Activities (活动报名) and registrations for them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from yinling.models.audiences import Audience
from yinling.models.common import Frozen
from yinling.models.roster import RetireeRecord

ACTIVITY_KINDS: tuple[str, ...] = ("主题党日", "老年大学", "文体比赛", "体检", "参观学习", "座谈会", "志愿服务", "其他")
ActivityKind = Literal["主题党日", "老年大学", "文体比赛", "体检", "参观学习", "座谈会", "志愿服务", "其他"]
RegistrationStatus = Literal["confirmed", "waiting", "cancelled"]


class ActivityFields(Frozen):
    title: str
    kind: ActivityKind
    description: str = ""
    place: str
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime
    capacity: int
    audience: Audience = Audience()
    companion_allowed: bool = False
    ask_transport: bool = False


class Activity(ActivityFields):
    id: int
    status: Literal["published", "cancelled"]
    cancel_reason: str | None = None
    cancelled_at: datetime | None = None
    created_by: int | None = None
    created_by_liaison: int | None = Field(
        None, description="set when a liaison published it: it is for that liaison's retirees only")
    created_at: datetime
    updated_at: datetime
    confirmed: int = 0
    waiting: int = 0
    companions: int = 0

    @property
    def open_seats(self) -> int:
        return max(0, self.capacity - self.confirmed)

    def offered_to(self, record: RetireeRecord, today: date) -> bool:
        """Its audience, within its liaison's own retirees when a liaison published it (the same rule
        as yinling.store.audiences.where with `liaison`)."""
        if self.created_by_liaison is not None and record.liaison_id != self.created_by_liaison:
            return False
        return self.audience.includes(record, today)


class ActivityRegistration(Frozen):
    id: int
    activity_id: int
    retiree_id: int
    retiree_name: str = ""
    liaison_id: int | None = None
    status: RegistrationStatus
    seq: int
    code: str
    companion: bool = False
    needs_transport: bool = False
    attendance: Literal["attended", "no_show"] | None = None
    checked_in_at: datetime | None = None
    created_at: datetime
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by: Literal["retiree", "staff"] | None = None


class DueReminder(Frozen):
    """A reminder whose time has come, with what deciding and writing it needs."""

    id: int
    kind: Literal["eve", "soon"]  # the evening before, or shortly before it starts
    registration_id: int
    registration_status: RegistrationStatus
    code: str
    retiree_id: int
    chat_id: int | None = None  # None: not in the chat
    activity_id: int
