"""The office calendar (办公日历): official holidays and make-up workdays (调休) for working-day SLAs.

The chinesecalendar package knows only the years it shipped with, and the State Council publishes
each coming year's schedule late in the year before. So the office enters the days itself (a file
import, or one day at a time through the staff API), and they are consulted before the package.
A year that neither knows is counted Monday to Friday, and said so: `missing_years`, shown by
/healthz and the staff inbox.

Why an in-memory copy. Due times are computed inside write transactions (yinling/sla.py), where
nothing may be awaited, so the calendar must be at hand synchronously. Each process keeps a
`WorkCalendar` and registers `current` as the source the SLA code asks:
- it is loaded when the service is built, at start-up (after the migrations have run);
- a write here marks it stale after commit, so this process sees its own edit at once;
- otherwise every `recheck_seconds` (the tick, by default) `current` reads one row, the version
  counter every write raises, and reloads the days only when it changed: another process's edit is
  seen within a tick, at the cost of one indexed read per tick.
That read is synchronous (yinling/store/calendar.py says why that is cheap and safe). A failed read
keeps the copy in hand and tries again at the next interval; the SLA never fails for it.
"""
from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from yinling.calendar_io import CalendarFileError, RowProblem, parse_days
from yinling.errors import InvalidInput, NotFound
from yinling.models import OUTSIDE_WINDOW_ZH, Actor, CalendarDay, CalendarDayKind, in_window
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.sla import EMPTY, WorkCalendar, package_knows, use_office_calendar
from yinling.store import calendar as store

log = logging.getLogger(__name__)

LOOKAHEAD = timedelta(days=31)  # due times run weeks ahead: in December, next year must be known too
NAME_MAX = 50


@dataclass(frozen=True)
class YearView:
    """A year as staff see it: the office's days and where the rest come from."""

    year: int
    days: list[CalendarDay]
    package_knows: bool

    @property
    def guessed(self) -> bool:
        return not self.days and not self.package_knows


@dataclass(frozen=True)
class ImportResult:
    days: list[CalendarDay]
    created: int
    updated: int


def missing_warning(years: list[int]) -> str | None:
    """What staff read about years counted Monday to Friday (None when there are none)."""
    if not years:
        return None
    named = "、".join(f"{year} 年" for year in years)
    return (f"{named}的放假和调休安排还没有录入，这期间的工作日暂按周一到周五计算，"
            "求助单的处理时限可能不准。请按国务院办公厅的通知导入办公日历。")


class CalendarService:
    def __init__(
        self, core: Core, *, recheck_seconds: float | None = None, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.core = core
        self._recheck = core.settings.tick_seconds if recheck_seconds is None else recheck_seconds
        self._monotonic = monotonic
        self._calendar = EMPTY
        self._loaded = False
        self._checked_at = -math.inf
        use_office_calendar(self.current)
        self.current()  # loaded now, so no request pays for the first read

    # ---- the copy in memory ----
    def current(self) -> WorkCalendar:
        """The office calendar now (synchronous; see the module docstring for how fresh it is)."""
        now = self._monotonic()
        if now - self._checked_at >= self._recheck:
            self._refresh(now)
        return self._calendar

    def _refresh(self, now: float) -> None:
        self._checked_at = now
        known = self._calendar.version if self._loaded else None
        try:
            version, days = store.read_snapshot(self.core.db.path, known)
        except Exception:  # the SLA must not fail for it: keep what we have, try at the next interval
            log.warning("could not read the office calendar; keeping the copy in memory", exc_info=True)
            return
        if days is not None:
            self._calendar = WorkCalendar(days, version)
        self._loaded = True

    def _stale(self) -> None:
        self._checked_at = -math.inf

    def missing_years(self, now: datetime) -> list[int]:
        """Years from today to a month ahead (local time) whose working days would be guessed as
        Monday to Friday: neither the office calendar nor the package has them."""
        today = now.astimezone(self.core.clock.tz).date()
        return self.current().missing_years(today, today + LOOKAHEAD)

    async def warnings(self) -> list[str]:
        """For the staff inbox: what to do about years whose working days would be guessed."""
        warning = missing_warning(self.missing_years(self.core.clock.now()))
        return [warning] if warning else []

    # ---- reading ----
    async def year(self, year: int) -> YearView:
        days = await store.list_between(self.core.db, date(year, 1, 1), date(year, 12, 31))
        return YearView(year=year, days=days, package_knows=package_knows(year))

    # ---- writing (admins, through the API or the command line) ----
    def check_day(self, kind: str, name: str) -> tuple[CalendarDayKind, str]:
        name = name.strip()
        if kind not in ("holiday", "workday"):
            raise InvalidInput("kind 只能是 holiday（放假）或 workday（调休上班）",
                               fields={"kind": "只能是 holiday 或 workday"})
        if len(name) > NAME_MAX:
            raise InvalidInput(f"name 太长了，最多 {NAME_MAX} 个字", fields={"name": f"最多 {NAME_MAX} 个字"})
        return kind, name  # type: ignore[return-value]

    async def do_set_day(self, actor: Actor, day: date, kind: str, name: str = "") -> CalendarDay:
        """Set one day (a new one or a change): a holiday, or a weekend day worked (调休上班)."""
        kind, name = self.check_day(kind, name)
        if not in_window(day):
            raise InvalidInput(f"date {OUTSIDE_WINDOW_ZH}", fields={"date": OUTSIDE_WINDOW_ZH})
        async with self.core.db.transaction() as tx:
            before = await store.get(tx, day)
            await store.set_day(tx, day, kind, name, by=actor.staff.username, now=self.core.clock.now())
            await audit(self.core, tx, actor, "calendar.set", target_type="calendar_day",
                        detail={"date": day.isoformat(), "kind": kind, "was": before.kind if before else None})
            tx.after_commit(self._stale)
            saved = await store.get(tx, day)
        assert saved is not None
        return saved

    async def do_delete_day(self, actor: Actor, day: date) -> None:
        """The day goes back to the package's say (or Monday to Friday)."""
        async with self.core.db.transaction() as tx:
            if not await store.delete(tx, day):
                raise NotFound(f"办公日历里没有 {day.isoformat()}", fields={"date": "没有这一天"})
            await audit(self.core, tx, actor, "calendar.delete", target_type="calendar_day",
                        detail={"date": day.isoformat()})
            tx.after_commit(self._stale)

    def check_import(self, filename: str, data: bytes) -> list[CalendarDay]:
        """The file's days, or InvalidInput naming every bad row (nothing is written then)."""
        try:
            days, problems = parse_days(filename, data)
        except CalendarFileError as exc:
            raise InvalidInput(f"文件有问题：{exc}", fields={"file": str(exc)}) from None
        if problems or not days:
            problems = problems or [RowProblem(1, None, "文件里没有日子")]
            lines = len({p.line for p in problems})
            raise InvalidInput(f"有 {lines} 行需要改正，什么都没有导入", fields={"file": "有需要改正的行"},
                               extra={"rows": [{"line": p.line, "column": p.column, "message": p.message}
                                               for p in problems]})
        return days

    async def do_import(self, actor: Actor, filename: str, data: bytes) -> ImportResult:
        """All or nothing: every row is checked first. Days already set are replaced; days the file
        does not name are kept (an office's own extra days survive a re-import of the notice)."""
        try:
            days = await asyncio.to_thread(self.check_import, filename, data)
        except InvalidInput as exc:
            async with self.core.db.transaction() as tx:  # a refused import is audited too
                await audit(self.core, tx, actor, "calendar.import", result="failed",
                            detail={"bad_rows": len(exc.extra.get("rows", [])) or None})
            raise
        async with self.core.db.transaction() as tx:
            existing = {d.day for d in await store.list_between(tx, min(d.day for d in days), max(d.day for d in days))}
            await store.upsert_many(tx, days, by=actor.staff.username, now=self.core.clock.now())
            updated = sum(d.day in existing for d in days)
            await audit(self.core, tx, actor, "calendar.import",
                        detail={"days": len(days), "created": len(days) - updated, "updated": updated,
                                "years": sorted({d.day.year for d in days})})
            tx.after_commit(self._stale)
            saved = await store.list_between(tx, min(d.day for d in days), max(d.day for d in days))
        wanted = {d.day for d in days}
        return ImportResult(days=[d for d in saved if d.day in wanted], created=len(days) - updated, updated=updated)
