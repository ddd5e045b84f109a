"""Help requests: the triage queue, one request with its thread, and what staff do to it."""
from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any, Literal, get_args

from aiohttp import web
from pydantic import BaseModel, Field

from admin.auth import actor_of
from admin.keys import MEDIA, PAGE_CACHE, SERVICES, SETTINGS
from admin.parsing import (
    ISO_MOMENT,
    Id,
    Page,
    PageQuery,
    Strict,
    office_iso,
    parse_json,
    parse_query,
    path_id,
    recent_period,
    respond,
)
from yinling.models import (
    HelpEvent,
    HelpFilter,
    HelpMessage,
    HelpPriority,
    HelpRequest,
    HelpStatus,
    SaneAwareDatetime,
    Satisfaction,
    VisitTask,
)

MAX_PER_PAGE = 100
Category = Literal["生活照料", "医疗健康", "住院看病", "房屋维修", "心理关怀", "政策咨询", "其他"]


class HelpQuery(PageQuery):
    status: HelpStatus | None = None
    category: Category | None = None
    priority: HelpPriority | None = None
    assignee: str | None = Field(None, pattern=r"^(me|unassigned|[1-9][0-9]{0,17})$",
                                 description="me, unassigned, or a staff id")
    retiree_id: Id | None = None
    overdue: bool | None = None
    q: str | None = Field(None, max_length=50, description="words of the request or the retiree's name")
    sort: Literal["newest", "oldest", "priority", "due"] = "newest"


class HelpOut(HelpRequest):
    overdue: bool


class HelpCounts(BaseModel):
    mine: int
    unassigned: int
    all: int = Field(description="open requests in the caller's scope")
    overdue: int


class HelpPage(BaseModel):
    items: list[HelpOut]
    total: int = Field(description="requests matching; with q, counted up to 1000 (1000 means 1000 or more)")
    page: int
    per_page: int
    counts: HelpCounts


class HelpDetail(BaseModel):
    request: HelpOut
    thread: list[HelpMessage] = Field(description="retiree messages (with media file ids), staff replies, notes")
    events: list[HelpEvent]


class TextBody(Strict):
    text: str = Field(min_length=1, max_length=4000)


class AssignBody(Strict):
    staff_id: Id


class StatusBody(Strict):
    status: HelpStatus
    reason: str | None = Field(None, max_length=500)
    remind_at: SaneAwareDatetime | None = Field(None, description="required for pending")


class Done(BaseModel):
    ok: bool = True


def _out(request: web.Request, item: HelpRequest) -> HelpOut:
    return HelpOut(**item.model_dump(), overdue=request.app[SERVICES].help.is_overdue(item))


async def list_requests(request: web.Request) -> web.Response:
    """A page is serialised once and served again to the same staff member for up to a second, unless
    the help service changed a request meanwhile (its version is part of the key)."""
    actor = actor_of(request)
    pages = request.app[PAGE_CACHE]
    key = ("help", request.app[SERVICES].help.queue_version, actor.staff.id, actor.role, request.query_string)
    cached = pages.get(key)
    if cached is not None:
        return web.Response(body=cached, content_type="application/json")
    response = await _list_requests(request)
    pages.put(key, response.body)
    return response


async def _list_requests(request: web.Request) -> web.Response:
    query = parse_query(request, HelpQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    assignee = int(query.assignee) if query.assignee and query.assignee.isdigit() else query.assignee
    fields = query.model_dump(include={"status", "category", "priority", "retiree_id", "overdue", "q"})
    filters = HelpFilter.model_validate({**fields, "assignee": assignee})
    help_service = request.app[SERVICES].help
    items, total, counts = await help_service.queue(
        actor_of(request), filters, sort=query.sort, page=query.page, per_page=per_page
    )
    tz = request.app[SETTINGS].tz
    page = {"items": [_item(i, help_service.is_overdue(i), tz) for i in items], "total": total, "page": query.page,
            "per_page": per_page, "counts": {name: counts[name] for name in HelpCounts.model_fields}}
    return web.Response(text=json.dumps(page, ensure_ascii=False), content_type="application/json")


# A page is HelpPage, written out without pydantic: twenty rows dumped field by field cost more than
# the query that found them. The fields are HelpRequest's own values (str, int, None) but moments,
# which go out in the office's time as respond() writes every answer's ("2026-12-10T09:00:00+08:00").
_MOMENTS = tuple(name for name, field in HelpRequest.model_fields.items()
                 if datetime in (field.annotation, *get_args(field.annotation)))


def _item(item: HelpRequest, overdue: bool, tz: tzinfo) -> dict[str, Any]:
    data = dict(item.__dict__)
    for name in _MOMENTS:
        moment = data[name]
        if moment is not None:
            data[name] = office_iso(moment, tz) if moment.utcoffset() is not None else moment.isoformat()
    data["overdue"] = overdue
    return data


async def get_request(request: web.Request) -> web.Response:
    item, thread, events = await request.app[SERVICES].help.detail(actor_of(request), path_id(request))
    return respond(HelpDetail(request=_out(request, item), thread=thread, events=events))


async def reply(request: web.Request) -> web.Response:
    body = await parse_json(request, TextBody)
    await request.app[SERVICES].help.do_reply(actor_of(request), path_id(request), body.text)
    return respond(Done(), status=201)


async def note(request: web.Request) -> web.Response:
    body = await parse_json(request, TextBody)
    await request.app[SERVICES].help.do_note(actor_of(request), path_id(request), body.text)
    return respond(Done(), status=201)


async def assign(request: web.Request) -> web.Response:
    body = await parse_json(request, AssignBody)
    await request.app[SERVICES].help.do_assign(actor_of(request), path_id(request), body.staff_id)
    return respond(Done())


async def claim(request: web.Request) -> web.Response:
    await request.app[SERVICES].help.do_claim(actor_of(request), path_id(request))
    return respond(Done())


async def set_status(request: web.Request) -> web.Response:
    body = await parse_json(request, StatusBody)
    await request.app[SERVICES].help.do_set_status(
        actor_of(request), path_id(request), body.status, reason=body.reason, remind_at=body.remind_at
    )
    return respond(Done())


class MergeBody(Strict):
    into: Id = Field(description="the request that carries on")


class FollowupBody(Strict):
    reached: bool = Field(description="did the call reach the retiree")
    result: str = Field(min_length=1, max_length=2000, description="what was said")
    satisfaction: Satisfaction | None = None


class VisitQuery(PageQuery):
    status: Literal["open", "done", "cancelled"] | None = None


VisitPage = Page[VisitTask]


async def merge(request: web.Request) -> web.Response:
    body = await parse_json(request, MergeBody)
    await request.app[SERVICES].help.do_merge(actor_of(request), path_id(request), body.into)
    return respond(Done())


async def followup(request: web.Request) -> web.Response:
    body = await parse_json(request, FollowupBody)
    await request.app[SERVICES].help.do_followup(
        actor_of(request), path_id(request), reached=body.reached, result=body.result, satisfaction=body.satisfaction
    )
    return respond(Done(), status=201)


async def visit_tasks(request: web.Request) -> web.Response:
    query = parse_query(request, VisitQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    items, total = await request.app[SERVICES].help.visit_tasks(
        actor_of(request), status=query.status, page=query.page, per_page=per_page
    )
    return respond(VisitPage(items=items, total=total, page=query.page, per_page=per_page))



class StatsQuery(Strict):
    from_: str | None = Field(None, alias="from", pattern=ISO_MOMENT,
                              description="start: 2026-11-01 (local midnight) or 2026-11-01T08:00:00+08:00;"
                                         " default 30 days before to")
    to: str | None = Field(None, pattern=ISO_MOMENT, description="end, exclusive; default now")


class HelpFigures(BaseModel):
    received: int
    response_rate: float | None = Field(description="响应率: first response within the SLA")
    resolution_rate: float | None = Field(description="解决率")
    satisfaction_rate: float | None = Field(description="满意率: 满意 or 基本满意, of those rated")
    rated: int
    median_first_response_minutes: float | None
    median_resolution_hours: float | None


class LiaisonFigures(HelpFigures):
    staff_id: int | None
    name: str | None


class CategoryFigures(HelpFigures):
    category: str


class HelpStats(BaseModel):
    from_: datetime = Field(alias="from", serialization_alias="from")
    to: datetime
    overall: HelpFigures
    by_liaison: list[LiaisonFigures]
    by_category: list[CategoryFigures]


async def stats(request: web.Request) -> web.Response:
    query = parse_query(request, StatsQuery)
    services = request.app[SERVICES]
    start, end = recent_period(query.from_, query.to, now=services.core.clock.now(), tz=services.core.clock.tz)
    figures = await services.help_stats.stats(actor_of(request), start, end)
    return respond(HelpStats.model_validate({**figures, "from": start}), by_alias=True)


async def media(request: web.Request) -> web.Response:
    data, content_type = await request.app[SERVICES].help.media(actor_of(request), path_id(request), request.app[MEDIA])
    return web.Response(body=data, content_type=content_type, headers={"Cache-Control": "private, no-store"})
