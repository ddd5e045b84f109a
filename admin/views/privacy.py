"""Privacy requests (PIPL): retirees asked in the chat to have what the office keeps deleted."""
from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import Field, StringConstraints

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import Page, PageQuery, Strict, parse_json, parse_query, path_id, respond
from yinling.models import PrivacyRequest, PrivacyRequestStatus
from yinling.services.privacy import REASON_LIMIT

MAX_PER_PAGE = 100


class PrivacyQuery(PageQuery):
    status: PrivacyRequestStatus | None = Field(None, description="pending, completed or rejected; default: all")


class RejectBody(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_LIMIT)] = Field(
        description="why, in words the retiree reads in the chat")


PrivacyPage = Page[PrivacyRequest]


async def list_requests(request: web.Request) -> web.Response:
    query = parse_query(request, PrivacyQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    items, total = await request.app[SERVICES].privacy.page(status=query.status, page=query.page, per_page=per_page)
    return respond(PrivacyPage(items=items, total=total, page=query.page, per_page=per_page))


async def complete(request: web.Request) -> web.Response:
    done = await request.app[SERVICES].privacy.do_complete(actor_of(request), path_id(request))
    return respond(done)


async def reject(request: web.Request) -> web.Response:
    body = await parse_json(request, RejectBody)
    done = await request.app[SERVICES].privacy.do_reject(actor_of(request), path_id(request), body.reason)
    return respond(done)
