"""The staff inbox (收件箱): what needs a person, a retiree's whole conversation, staff messages."""
from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from admin.auth import actor_of
from admin.keys import MEDIA, SERVICES
from admin.parsing import ISO_MOMENT, Id, PageQuery, Strict, parse_json, parse_query, path_id, query_moment, respond
from yinling.models import ConversationEntry, InboxFilter, InboxItem

MAX_PER_PAGE = 100


class InboxQuery(PageQuery):
    filter: InboxFilter = Field("all", description="all, mine, unassigned, urgent or overdue")


class InboxCounts(BaseModel):
    all: int
    mine: int
    unassigned: int
    urgent: int
    overdue: int


class InboxPage(BaseModel):
    items: list[InboxItem] = Field(description="open help requests and unanswered messages, urgent first, then oldest")
    total: int
    page: int
    per_page: int
    counts: InboxCounts
    warnings: list[str] = Field(description="things staff must know, e.g. a year without a holiday calendar")


class ConversationQuery(Strict):
    before: str | None = Field(None, pattern=ISO_MOMENT, description="only what was said before this moment")
    limit: int = Field(200, ge=1, le=500)


class Conversation(BaseModel):
    retiree_id: int
    items: list[ConversationEntry] = Field(description="in order: what they sent (in) and were sent (out)")


class MediaQuery(Strict):
    update_id: int = Field(ge=1, le=2**63 - 1, description="the conversation entry's ref (an 'in' entry)")


class MessageBody(Strict):
    text: str = Field(min_length=1, max_length=3500)


class MessageSent(BaseModel):
    outbox_id: int


class AssignBody(Strict):
    staff_id: Id


async def inbox(request: web.Request) -> web.Response:
    query = parse_query(request, InboxQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    services = request.app[SERVICES]
    items, total, counts = await services.inbox.queue(actor_of(request), query.filter, page=query.page,
                                                      per_page=per_page)
    return respond(InboxPage(items=items, total=total, page=query.page, per_page=per_page,
                             counts=InboxCounts(**counts), warnings=await services.inbox.warnings()))


async def get_message(request: web.Request) -> web.Response:
    return respond(await request.app[SERVICES].inbox.visible_message(actor_of(request), path_id(request)))


async def mark_handled(request: web.Request) -> web.Response:
    return respond(await request.app[SERVICES].inbox.do_mark_handled(actor_of(request), path_id(request)))


async def assign(request: web.Request) -> web.Response:
    body = await parse_json(request, AssignBody)
    return respond(await request.app[SERVICES].inbox.do_assign(actor_of(request), path_id(request), body.staff_id))


async def message_media(request: web.Request) -> web.Response:
    data, content_type = await request.app[SERVICES].inbox.message_media(
        actor_of(request), path_id(request), request.app[MEDIA])
    return web.Response(body=data, content_type=content_type, headers={"Cache-Control": "private, no-store"})


async def conversation(request: web.Request) -> web.Response:
    query = parse_query(request, ConversationQuery)
    services = request.app[SERVICES]
    before = query_moment("before", query.before, None, services.core.clock.tz)
    retiree_id = path_id(request)
    items = await services.inbox.conversation(actor_of(request), retiree_id, before=before, limit=query.limit)
    return respond(Conversation(retiree_id=retiree_id, items=items))


async def conversation_media(request: web.Request) -> web.Response:
    query = parse_query(request, MediaQuery)
    data, content_type = await request.app[SERVICES].inbox.conversation_media(
        actor_of(request), path_id(request), query.update_id, request.app[MEDIA])
    return web.Response(body=data, content_type=content_type, headers={"Cache-Control": "private, no-store"})


async def send_message(request: web.Request) -> web.Response:
    body = await parse_json(request, MessageBody)
    outbox_id = await request.app[SERVICES].inbox.do_send_message(actor_of(request), path_id(request), body.text)
    return respond(MessageSent(outbox_id=outbox_id), status=201)

