"""Service levels for help requests: when the first response and the resolution are due.

YINLING_SLA maps a priority ("urgent") or a priority and category ("normal/医疗健康", which wins)
to {"first_response": D, "resolution": D}; D is 30m, 4h, 7d or 1wd (working days).

A working day is decided, in order, by
1. the office calendar (holidays and make-up workdays staff enter: yinling/services/calendar.py),
2. the chinesecalendar package (official holidays and 调休 of the years it shipped with),
3. Monday to Friday, for a year neither knows. That last guess is never silent: `missing_years`
   names such years, and /healthz and the staff inbox show them.

Due times are computed inside write transactions, synchronously, so the office calendar is a
`WorkCalendar` held in memory. The process's CalendarService registers itself here as the source
of the current one (`use_office_calendar`); it keeps it fresh (see its docstring). Callers that
hold a calendar may pass it instead, which is what tests do.
"""
from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from yinling.config import DEFAULT_SLA, Settings
from yinling.models import CalendarDayKind

_DURATION = re.compile(r"^(\d+)(m|h|d|wd)$")  # config.py checks settings against the same form


@functools.lru_cache(maxsize=64)
def package_knows(year: int) -> bool:
    """Whether the installed chinesecalendar has this year's holidays (it raises for other years)."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkCalendar:
    """The office calendar as one process holds it: a day's kind where the office set one.
    `version` is the stored counter this copy was read at (see migrations/0010)."""

    days: Mapping[date, CalendarDayKind] = field(default_factory=dict)
    version: int = 0
    office_years: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "office_years", frozenset(day.year for day in self.days))

    def is_workday(self, day: date) -> bool:
        kind = self.days.get(day)
        if kind is not None:
            return kind == "workday"
        if package_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5  # a guess, reported by missing_years

    def knows(self, year: int) -> bool:
        """A year counts as known once the office entered any day of it, or the package has it."""
        return year in self.office_years or package_knows(year)

    def missing_years(self, first: date, last: date) -> list[int]:
        """The years from `first` to `last` whose working days would be guessed as Monday-Friday."""
        return [year for year in range(first.year, last.year + 1) if not self.knows(year)]


EMPTY = WorkCalendar()
_registered: weakref.WeakMethod | None = None


def use_office_calendar(source: Callable[[], WorkCalendar]) -> None:
    """Make `source`, a bound method, the one `due_times` asks when no calendar is passed. Held
    weakly, so a dropped service stops being asked. One office per process: the last one wins."""
    global _registered
    _registered = weakref.WeakMethod(source)


def office_calendar() -> WorkCalendar:
    source = _registered() if _registered is not None else None
    return source() if source is not None else EMPTY


def is_workday(day: date, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or office_calendar()).is_workday(day)


def add_working_days(moment: datetime, days: int, tz: ZoneInfo, calendar: WorkCalendar | None = None) -> datetime:
    """`days` working days later, at the same local time (from a day off, counting starts at the
    next working day's same time)."""
    calendar = calendar or office_calendar()
    local = moment.astimezone(tz)
    while days > 0:
        local += timedelta(days=1)
        if calendar.is_workday(local.date()):
            days -= 1
    return local


def after_duration(moment: datetime, text: str, tz: ZoneInfo, calendar: WorkCalendar | None = None) -> datetime:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"not a duration: {text!r} (use 30m, 4h, 7d or 1wd)")
    amount, unit = int(match[1]), match[2]
    if unit == "wd":
        return add_working_days(moment, amount, tz, calendar)
    return moment + {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]


def due_times(
    settings: Settings, priority: str, category: str, now: datetime, tz: ZoneInfo,
    calendar: WorkCalendar | None = None,
) -> tuple[datetime, datetime]:
    levels = settings.sla
    level = levels.get(f"{priority}/{category}") or levels.get(priority) or DEFAULT_SLA[priority]
    calendar = calendar or office_calendar()  # one copy for both, even if a refresh lands between
    return (after_duration(now, level["first_response"], tz, calendar),
            after_duration(now, level["resolution"], tz, calendar))
