"""Days and moments as people enter them: a sane window, and the office's own time.

The window: 9999-12-31 is a date, but 9999-12-31T20:00Z has no local time in Shanghai and no day after
it, so one such activity broke 活动报名 for everyone. No office means a day outside this window: every
date or moment that comes in (API bodies and query parameters, imported cells, service inputs) is held
to it, naming the field; what is already stored is read back whatever it is.

Office time: staff write times as the office's clock shows them. A moment given without an offset
("2026-12-10 09:00") is that time in the office's timezone; one with an offset is taken as given. The
face that knows the office passes its timezone in pydantic's validation context (office_context); with
no context a moment without an offset is refused, as before: the core never guesses a timezone.
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
OUTSIDE_WINDOW = "日期应在 1900-01-01 到 2100-12-31 之间"
OUTSIDE_WINDOW_ZH = OUTSIDE_WINDOW  # the name imports' bad rows know it by
OFFICE_TZ = "office_tz"  # the validation context's key for the office's timezone


def in_window(value: date | datetime) -> bool:
    return FIRST_DAY <= (value.date() if isinstance(value, datetime) else value) <= LAST_DAY


def window_problems(**values: date | datetime | None) -> dict[str, str]:
    """For services' checks: each named value outside the window, with the reason."""
    return {name: OUTSIDE_WINDOW for name, value in values.items() if value is not None and not in_window(value)}


def office_context(tz: tzinfo) -> dict[str, Any]:
    """The validation context that lets OfficeDatetime fields read a time without an offset."""
    return {OFFICE_TZ: tz}


def _sane(value: date) -> date:
    if not in_window(value):
        raise PydanticCustomError("day_out_of_window", OUTSIDE_WINDOW)
    return value


def _office_time(value: datetime, info: ValidationInfo) -> datetime:
    if value.utcoffset() is not None:
        return value
    tz = info.context.get(OFFICE_TZ) if isinstance(info.context, dict) else None
    if tz is None:
        raise PydanticCustomError("timezone_aware", "Input should have timezone info")
    return value.replace(tzinfo=tz)


SaneDate = Annotated[date, AfterValidator(_sane)]
SaneDatetime = Annotated[datetime, AfterValidator(_sane)]
# A moment in the window, always with an offset: given, or the office's when the context names it.
OfficeDatetime = Annotated[datetime, AfterValidator(_office_time), AfterValidator(_sane)]
SaneAwareDatetime = OfficeDatetime  # the name request models were written with
