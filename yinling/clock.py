"""The product's time. One timezone for the office; everything stored is UTC.

`Clock` is the interface; `SystemClock` reads the real time and `FakeClock` is the test double
that tests move by hand (reminders, schedules, SLAs all read time through a Clock).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock(ABC):
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    @abstractmethod
    def now(self) -> datetime:
        """Aware UTC now."""

    def local_now(self) -> datetime:
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()

    def timestamp(self) -> float:
        return self.now().timestamp()


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock(Clock):
    def __init__(self, tz: ZoneInfo, start: datetime) -> None:
        super().__init__(tz)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)


class ShiftedClock(SystemClock):
    """Real time moved by an offset that can be advanced. End-to-end tests use it: what Telegram
    times (long polling, flood control) stays real while the product jumps to a reminder's hour."""

    def __init__(self, tz: ZoneInfo, offset: timedelta = timedelta(0)) -> None:
        super().__init__(tz)
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def set(self, when: datetime) -> None:
        self.offset = when.astimezone(UTC) - datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Stored form of a moment: ISO 8601 UTC, sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def after(moment: datetime, seconds: float) -> datetime:
    return moment + timedelta(seconds=seconds)
