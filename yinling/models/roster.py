"""The roster (台账 / 一人一档): what staff keep about each retiree."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from yinling.models.common import Frozen

RETIREE_TAGS: tuple[str, ...] = ("独居", "丧偶", "患病", "失能", "空巢", "异地居住", "特殊困难")
AGED_TAG = "高龄"  # never stored: computed from the birth date (80 or older)
AGED_FROM = 80
Gender = Literal["男", "女"]
RetirementType = Literal["离休", "退休"]


class FamilyContact(Frozen):
    name: str
    relation: str | None = None
    phone: str | None = None


class RetireeFields(Frozen):
    """What staff may write about a retiree (create, edit, import)."""

    name: str
    gender: Gender | None = None
    birth_date: date | None = None
    phones: tuple[str, ...] = ()
    address: str | None = None
    former_unit: str | None = None
    former_post: str | None = None
    retirement_type: RetirementType | None = None
    party_member: bool = False
    party_join_date: date | None = None
    liaison_id: int | None = None
    tags: tuple[str, ...] = ()
    hobbies: str | None = None
    health_notes: str | None = None
    family: FamilyContact | None = None
    sensitive_consent: bool = False
    notes: str | None = None


class RetireeRecord(RetireeFields):
    """One retiree's whole file (一人一档), as staff with full access see it."""

    id: int
    liaison_name: str | None = None
    telegram_bound: bool = False
    reachable: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def is_aged(birth_date: date | None, today: date) -> bool:
    age = age_on(birth_date, today)
    return age is not None and age >= AGED_FROM


class RosterFilter(Frozen):
    liaison_id: int | None = None
    tag: str | None = None
    q: str | None = None
    q_phones: bool = True  # q also matches phone numbers (only for those who may see them)
    bound: bool | None = None
    reachable: bool | None = None
