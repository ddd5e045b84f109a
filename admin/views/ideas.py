"""金点子: the ideas list, one idea with its history, reviews, private notes, merges, media, statistics."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from admin.auth import actor_of
from admin.keys import MEDIA, SERVICES
from admin.parsing import (
    ISO_MOMENT,
    Id,
    Page,
    PageQuery,
    Strict,
    ordered_period,
    parse_json,
    parse_query,
    path_id,
    query_moment,
    respond,
)
from admin.views.help import Done
from yinling.models import Idea, IdeaEvent, IdeaField, IdeaFilter, IdeaNote, IdeaPart, IdeaStatus

MAX_PER_PAGE = 100


class IdeaQuery(PageQuery):
    status: IdeaStatus | None = None
    field: IdeaField | None = None
    retiree_id: Id | None = None
    q: str | None = Field(None, max_length=50, description="words of the idea or the retiree's name")
    from_: str | None = Field(None, alias="from", pattern=ISO_MOMENT,
                              description="received from: 2026-01-01 (local midnight) or 2026-01-01T08:00:00+08:00")
    to: str | None = Field(None, pattern=ISO_MOMENT, description="received before (exclusive)")


IdeaOut = Idea  # an idea as staff see it (the review and merge answers)
IdeaPage = Page[Idea]


class IdeaDetail(BaseModel):
    idea: Idea
    parts: list[IdeaPart] = Field(
        description="what the retiree sent; a voice note or photo: GET /api/v1/media/ideas/{part id}")
    events: list[IdeaEvent] = Field(description="submitted, each review with the reply as sent, merges")
    notes: list[IdeaNote] = Field(description="private to staff; never sent to the retiree")
    duplicates: list[Idea] = Field(description="ideas merged into this one; their submitters hear its news too")


class ReviewBody(Strict):
    status: Literal["reviewing", "adopted", "noted", "implemented"] = Field(
        description="submitted -> reviewing -> adopted | noted; adopted -> implemented; noted -> reviewing. "
                    "The current status again, with a reply, sends a further reply")
    reply: str | None = Field(None, max_length=2000,
                              description="the office's words, sent to the submitter; required for noted (the reason)")


class NoteBody(Strict):
    text: str = Field(min_length=1, max_length=4000)


class MergeBody(Strict):
    into: Id = Field(description="the idea that carries on (not this one, not a merged one)")


class StatsQuery(Strict):
    from_: str | None = Field(None, alias="from", pattern=ISO_MOMENT,
                              description="received from: 2026-01-01 (local midnight) or a moment with its offset; "
                                          "default the start of this year (local)")
    to: str | None = Field(None, pattern=ISO_MOMENT, description="received before (exclusive); default now")


class IdeaFigures(BaseModel):
    received: int = Field(description="收到: every idea received, merged duplicates included")
    submitted: int = Field(description="not yet taken up")
    reviewing: int
    adopted: int = Field(description="采纳: adopted, including those since implemented")
    noted: int
    implemented: int = Field(description="落实")
    merged: int = Field(description="duplicates merged into another idea")
    adoption_rate: float | None = Field(description="adopted / (received - merged)")


class FieldFigures(IdeaFigures):
    field: IdeaField


class MonthFigures(IdeaFigures):
    month: str = Field(description="YYYY-MM, local time")


class IdeaStats(BaseModel):
    from_: datetime = Field(alias="from", serialization_alias="from")
    to: datetime
    overall: IdeaFigures
    by_field: list[FieldFigures] = Field(description="every field, in the chat's order")
    by_month: list[MonthFigures] = Field(description="every month of the period, oldest first")


def period(request: web.Request, start: str | None, end: str | None, *, default_start: datetime | None,
           default_end: datetime | None) -> tuple[datetime | None, datetime | None]:
    tz = request.app[SERVICES].core.clock.tz
    begins, ends = query_moment("from", start, default_start, tz), query_moment("to", end, default_end, tz)
    ordered_period(begins, ends)
    return begins, ends


async def list_ideas(request: web.Request) -> web.Response:
    query = parse_query(request, IdeaQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    start, end = period(request, query.from_, query.to, default_start=None, default_end=None)
    filters = IdeaFilter(**query.model_dump(include={"status", "field", "retiree_id", "q"}),
                         received_from=start, received_to=end)
    items, total = await request.app[SERVICES].ideas.page(actor_of(request), filters, page=query.page,
                                                          per_page=per_page)
    return respond(IdeaPage(items=items, total=total, page=query.page, per_page=per_page))


async def get_idea(request: web.Request) -> web.Response:
    idea, parts, events, notes, duplicates = await request.app[SERVICES].ideas.detail(actor_of(request),
                                                                                     path_id(request))
    return respond(IdeaDetail(idea=idea, parts=parts, events=events, notes=notes, duplicates=duplicates))


async def review(request: web.Request) -> web.Response:
    body = await parse_json(request, ReviewBody)
    idea = await request.app[SERVICES].ideas.do_review(actor_of(request), path_id(request), body.status, body.reply)
    return respond(idea)


async def note(request: web.Request) -> web.Response:
    body = await parse_json(request, NoteBody)
    await request.app[SERVICES].ideas.do_note(actor_of(request), path_id(request), body.text)
    return respond(Done(), status=201)


async def merge(request: web.Request) -> web.Response:
    body = await parse_json(request, MergeBody)
    idea = await request.app[SERVICES].ideas.do_merge(actor_of(request), path_id(request), body.into)
    return respond(idea)


async def media(request: web.Request) -> web.Response:
    data, content_type = await request.app[SERVICES].ideas.media(actor_of(request), path_id(request),
                                                                 request.app[MEDIA])
    return web.Response(body=data, content_type=content_type, headers={"Cache-Control": "private, no-store"})


async def stats(request: web.Request) -> web.Response:
    """Default period: from the local new year of `to` (the figures an office reports for its year)."""
    query = parse_query(request, StatsQuery)
    services = request.app[SERVICES]
    tz = services.core.clock.tz
    until = query_moment("to", query.to, services.core.clock.now(), tz)
    last = (until - timedelta(microseconds=1)).astimezone(tz)
    start, end = period(request, query.from_, None, default_start=datetime(last.year, 1, 1, tzinfo=tz),
                        default_end=until)
    assert start is not None and end is not None
    figures = await services.ideas.stats(actor_of(request), start, end)
    return respond(IdeaStats.model_validate(figures), by_alias=True)
