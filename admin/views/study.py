"""Daily study (每日学习): the library of pieces, their import, and the reading figures."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import PageQuery, Strict, parse_json, parse_query, path_id, respond
from admin.views.retirees import uploaded_file
from yinling.errors import InvalidInput
from yinling.models import SaneDate, StudyPiece, StudyTopic, window_problems
from yinling.study_io import Body, PieceIn, QuizIn, Source, Title

MAX_PER_PAGE = 100


class PieceCreate(Strict, PieceIn):
    """A dated piece (publish_on) or a queued one (queue_position); neither: the end of the queue."""


class PiecePatch(Strict):
    """Only the fields sent change; null is refused except for quiz (null removes it). Sending
    publish_on makes a queued piece dated, and queue_position the other way round."""

    title: Title = None  # type: ignore[assignment]
    body: Body = None  # type: ignore[assignment]
    source: Source = None  # type: ignore[assignment]
    topic: StudyTopic = None  # type: ignore[assignment]
    quiz: QuizIn | None = None
    publish_on: SaneDate = None  # type: ignore[assignment]
    queue_position: int = Field(None, ge=1, le=1_000_000)  # type: ignore[assignment]

    def changes(self) -> dict:
        return {name: (getattr(self, name).model_dump() if name == "quiz" and self.quiz else getattr(self, name))
                for name in self.model_fields_set}


class PieceOut(BaseModel):
    id: int
    title: str
    body: str
    source: str
    topic: StudyTopic
    quiz: QuizIn | None
    publish_on: date | None
    queue_position: int | None
    shown_on: date | None = Field(description="the day it was (or is) the day's piece; null: not yet")
    withdrawn_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PiecePage(BaseModel):
    items: list[PieceOut]
    total: int
    page: int
    per_page: int


class PieceQuery(PageQuery):
    topic: StudyTopic | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = Field(
        None, description="words in the title or body")
    state: Literal["all", "dated", "queued", "shown", "withdrawn"] = Field(
        "all", description="dated/queued: still to go out; shown: has been a day's piece")


class ImportOut(BaseModel):
    created: int
    items: list[PieceOut]


ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


class StatsQuery(Strict):
    from_: str | None = Field(None, alias="from", pattern=ISO_DAY,
                              description="first local day (2026-11-01); default 30 days before to")
    to: str | None = Field(None, pattern=ISO_DAY, description="last local day; default today")


class DayFigures(BaseModel):
    day: date
    piece_id: int
    title: str
    pushed: int = Field(description="subscribers it was pushed to that day")
    read_by_pushed: int = Field(description="of those, how many read it (学完了), whenever")
    read_rate: float | None = Field(description="read_by_pushed / pushed")
    readers: int = Field(description="everyone who read this piece (also from 往期回顾)")
    answered: int
    correct: int
    accuracy: float | None = Field(description="correct / answered")


class PieceFigures(BaseModel):
    piece_id: int
    title: str
    topic: StudyTopic
    pushed: int
    readers: int
    read_rate: float | None
    answered: int
    correct: int
    accuracy: float | None


class StudyStats(BaseModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    days: list[DayFigures] = Field(description="each day's piece, in order")
    pieces: list[PieceFigures] = Field(description="pieces pushed or read in the period")


def out(piece: StudyPiece) -> PieceOut:
    return PieceOut(**piece.model_dump(exclude={"quiz", "created_by"}),
                    quiz=QuizIn.of(piece.quiz) if piece.quiz else None)


def _day(name: str, value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(f"{name} 不是真实的日期", fields={name: "不是真实的日期，例如 2026-11-22"}) from None
    if problems := window_problems(**{name: day}):
        raise InvalidInput(f"{name} 超出了允许的范围", fields=problems)
    return day


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def list_pieces(request: web.Request) -> web.Response:
    query = parse_query(request, PieceQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    items, total = await request.app[SERVICES].study.page(topic=query.topic, q=query.q, state=query.state,
                                                          page=query.page, per_page=per_page)
    return respond(PiecePage(items=[out(p) for p in items], total=total, page=query.page, per_page=per_page))


async def create_piece(request: web.Request) -> web.Response:
    body = await parse_json(request, PieceCreate)
    return respond(out(await request.app[SERVICES].study.do_create(actor_of(request), body)), status=201)


async def get_piece(request: web.Request) -> web.Response:
    return respond(out(await request.app[SERVICES].study.get(path_id(request))))


async def update_piece(request: web.Request) -> web.Response:
    body = await parse_json(request, PiecePatch)
    piece = await request.app[SERVICES].study.do_update(actor_of(request), path_id(request), body.changes())
    return respond(out(piece))


async def withdraw_piece(request: web.Request) -> web.Response:
    return respond(out(await request.app[SERVICES].study.do_withdraw(actor_of(request), path_id(request))))


async def import_pieces(request: web.Request) -> web.Response:
    """multipart/form-data with one file field `file` (.json, .xlsx or .csv)."""
    filename, data = await uploaded_file(request)
    pieces = await request.app[SERVICES].study.do_import(actor_of(request), filename, data)
    return respond(ImportOut(created=len(pieces), items=[out(p) for p in pieces]), status=201)


async def study_stats(request: web.Request) -> web.Response:
    query = parse_query(request, StatsQuery)
    services = request.app[SERVICES]
    until = _day("to", query.to) or services.core.clock.today()
    since = _day("from", query.from_) or until - timedelta(days=29)
    by_day, by_piece = await services.study.stats(since=since, until=until)
    days = [DayFigures(**d.model_dump(), read_rate=_ratio(d.read_by_pushed, d.pushed),
                       accuracy=_ratio(d.correct, d.answered)) for d in by_day]
    pieces = [PieceFigures(**p.model_dump(), read_rate=_ratio(p.readers, p.pushed),
                           accuracy=_ratio(p.correct, p.answered)) for p in by_piece]
    stats = StudyStats.model_validate({"from": since, "to": until, "days": days, "pieces": pieces})
    return respond(stats, by_alias=True)
