"""The audit log, for admins."""
from __future__ import annotations

from aiohttp import web
from pydantic import Field

from admin.keys import SERVICES
from admin.parsing import Id, Page, PageQuery, parse_query, respond
from yinling.models import AuditEntry

MAX_PER_PAGE = 100


class AuditQuery(PageQuery):
    action: str | None = Field(None, max_length=50)
    actor_id: Id | None = None
    target_type: str | None = Field(None, max_length=30)
    target_id: Id | None = None


AuditPage = Page[AuditEntry]


async def list_audit(request: web.Request) -> web.Response:
    query = parse_query(request, AuditQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    items, total = await request.app[SERVICES].audit.page(
        action=query.action, actor_id=query.actor_id, target_type=query.target_type, target_id=query.target_id,
        limit=per_page, offset=(query.page - 1) * per_page,
    )
    page = AuditPage(items=items, total=total, page=query.page,
                     per_page=per_page)
    return respond(page)
