"""The office calendar (办公日历): holidays and make-up workdays for working-day SLAs."""
from __future__ import annotations

import re
from datetime import date as Date
from datetime import datetime
from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import Strict, parse_json, parse_query, respond
from admin.views.retirees import uploaded_file
from yinling.errors import InvalidInput
from yinling.models import CalendarDay, CalendarDayKind
from yinling.services.calendar import NAME_MAX, YearView, missing_warning

# Any whitespace is allowed and trimmed: a name is a label, and "" means none.
Name = Annotated[str, StringConstraints(max_length=NAME_MAX)]


class YearQuery(Strict):
    year: int | None = Field(None, ge=1900, le=2200, description="default: this year")


class DayBody(Strict):
    kind: CalendarDayKind = Field(description="holiday: a day off; workday: a weekend day worked (调休上班)")
    name: Name = Field("", description="元旦, 春节调休上班 ...")


class DayOut(BaseModel):
    date: Date
    kind: CalendarDayKind
    name: str
    updated_at: datetime | None
    updated_by: str | None = Field(description="the staff username (cli: the command line)")


class YearOut(BaseModel):
    year: int
    days: list[DayOut] = Field(description="the office's own days, in date order")
    package_knows: bool = Field(description="the bundled holiday package has this year")
    guessed: bool = Field(description="neither has it: working days are counted Monday to Friday")
    warning: str | None = Field(description="what staff should do about a guessed year")


class ImportOut(BaseModel):
    created: int
    updated: int
    days: list[DayOut]


def day_out(day: CalendarDay) -> DayOut:
    return DayOut(date=day.day, **day.model_dump(exclude={"day"}))


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What each field should be, in words for office staff (pydantic's own messages are English).
_SHOULD_BE = {
    "date": "应是真实的日子，写成 2027-01-01",
    "kind": "只能是 holiday（放假）或 workday（调休上班）",
    "name": f"应是文字，最多 {NAME_MAX} 个字",
    "year": "应是 1900 到 2200 之间的年份",
    "body": "应是一个 JSON 对象",
}


def _in_chinese(exc: InvalidInput) -> InvalidInput:
    fields = {name: _SHOULD_BE.get(name, "不认识这一项") for name in exc.fields}
    return InvalidInput("；".join(f"{name} {said}" for name, said in fields.items()), fields=fields)


def _path_date(request: web.Request) -> Date:
    raw = request.match_info["date"]
    try:
        if _ISO_DAY.match(raw):  # fromisoformat alone would also take 20270101 and 2027-W01-1
            return Date.fromisoformat(raw)
    except ValueError:
        pass
    raise _in_chinese(InvalidInput("日期不对", fields={"date": "不是真实的日子"}))


def year_out(view: YearView) -> YearOut:
    return YearOut(year=view.year, days=[day_out(d) for d in view.days], package_knows=view.package_knows,
                   guessed=view.guessed, warning=missing_warning([view.year]) if view.guessed else None)


async def get_year(request: web.Request) -> web.Response:
    try:
        query = parse_query(request, YearQuery)
    except InvalidInput as exc:
        raise _in_chinese(exc) from None
    services = request.app[SERVICES]
    return respond(year_out(await services.calendar.year(query.year or services.core.clock.today().year)))


async def set_day(request: web.Request) -> web.Response:
    day = _path_date(request)
    try:
        body = await parse_json(request, DayBody)
    except InvalidInput as exc:
        raise _in_chinese(exc) from None
    saved = await request.app[SERVICES].calendar.do_set_day(actor_of(request), day, body.kind, body.name)
    return respond(day_out(saved))


async def delete_day(request: web.Request) -> web.Response:
    await request.app[SERVICES].calendar.do_delete_day(actor_of(request), _path_date(request))
    return web.Response(status=204)


async def import_days(request: web.Request) -> web.Response:
    """multipart/form-data with one file field `file` (.csv or .json: date, kind, name)."""
    filename, data = await uploaded_file(request)
    result = await request.app[SERVICES].calendar.do_import(actor_of(request), filename, data)
    return respond(ImportOut(created=result.created, updated=result.updated, days=[day_out(d) for d in result.days]))
