"""The office calendar: the days that make SLAs' working days."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from yinling.models.common import Frozen

CalendarDayKind = Literal["holiday", "workday"]


class CalendarDay(Frozen):
    """A day the office calendar sets: an official holiday, or a make-up workday (调休) on a weekend.
    `updated_by` is the staff username (None when given by a file before it was stored)."""

    day: date
    kind: CalendarDayKind
    name: str = ""
    updated_at: datetime | None = None
    updated_by: str | None = None
