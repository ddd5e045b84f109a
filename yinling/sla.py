"""Service levels for help requests: when the first response and the resolution are due.

YINLING_SLA maps a priority ("urgent") or a priority and category ("normal/医疗健康", which wins)
to {"first_response": D, "resolution": D}; D is 30m, 4h, 7d or 1wd (working days: official
holidays and make-up workdays from the Chinese calendar; for a year that calendar does not cover
yet, Monday to Friday)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from yinling.config import DEFAULT_SLA, Settings

_DURATION = re.compile(r"^(\d+)(m|h|d|wd)$")  # config.py checks settings against the same form


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # the package does not know this year's holidays yet
        return day.weekday() < 5


def add_working_days(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """`days` working days later, at the same local time (from a day off, counting starts at the
    next working day's same time)."""
    local = moment.astimezone(tz)
    while days > 0:
        local += timedelta(days=1)
        if is_workday(local.date()):
            days -= 1
    return local


def after_duration(moment: datetime, text: str, tz: ZoneInfo) -> datetime:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"not a duration: {text!r} (use 30m, 4h, 7d or 1wd)")
    amount, unit = int(match[1]), match[2]
    if unit == "wd":
        return add_working_days(moment, amount, tz)
    return moment + {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]


def due_times(settings: Settings, priority: str, category: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    levels = settings.sla
    level = levels.get(f"{priority}/{category}") or levels.get(priority) or DEFAULT_SLA[priority]
    return after_duration(now, level["first_response"], tz), after_duration(now, level["resolution"], tz)
