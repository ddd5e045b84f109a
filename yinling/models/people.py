"""People: staff, retirees as the chat needs them, pending registrations, who acts through the
staff API, and the audit log of what they did."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from yinling.models.common import Frozen

StaffRole = Literal["admin", "liaison", "viewer"]


class Staff(Frozen):
    id: int
    username: str
    display_name: str
    role: StaffRole
    phone: str | None = None
    active: bool = True
    telegram_user_id: int | None = None  # linked (yinling staff link): may act and be told in Telegram


class Retiree(Frozen):
    """A retiree as the chat needs them (the whole file is RetireeRecord)."""

    id: int
    name: str
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


class AuditEntry(Frozen):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    ip: str | None
    action: str
    target_type: str | None
    target_id: int | None
    result: str
    detail: dict


class Actor(Frozen):
    """Who is acting through the staff API, and from where."""

    staff: Staff
    ip: str | None = None

    @property
    def role(self) -> StaffRole:
        return self.staff.role

    @property
    def scope_liaison_id(self) -> int | None:
        """A liaison sees only their own retirees; admins and viewers see the whole roster."""
        return self.staff.id if self.staff.role == "liaison" else None

    @property
    def sees_sensitive(self) -> bool:
        return self.staff.role in ("admin", "liaison")

