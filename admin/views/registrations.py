"""Pending registrations from onboarding."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import Id, Page, PageQuery, Strict, parse_json, parse_query, path_id, respond
from admin.views.retirees import RetireeCreate
from yinling.phones import mask_phone


class RegistrationOut(BaseModel):
    id: int
    telegram_name: str
    phone: str
    reason: Literal["unknown_phone", "bound_elsewhere", "shared_phone"]
    status: Literal["pending", "approved", "rejected"]
    created_at: datetime


RegistrationList = Page[RegistrationOut]
MAX_PER_PAGE = 100


class ApproveBody(Strict):
    retiree_id: Id | None = Field(None, description="bind to this retiree")
    new_retiree: RetireeCreate | None = Field(None, description="or create one and bind to it")


class Approved(BaseModel):
    retiree_id: int


async def list_registrations(request: web.Request) -> web.Response:
    query = parse_query(request, PageQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    pending, total = await request.app[SERVICES].registrations.list_pending(
        limit=per_page, offset=(query.page - 1) * per_page
    )
    viewer = actor_of(request).role == "viewer"
    items = [RegistrationOut(**{**r.model_dump(), "phone": mask_phone(r.phone) if viewer else r.phone})
             for r in pending]
    return respond(RegistrationList(items=items, total=total, page=query.page, per_page=per_page))


async def approve(request: web.Request) -> web.Response:
    body = await parse_json(request, ApproveBody)
    retiree_id = await request.app[SERVICES].registrations.do_approve(
        actor_of(request), path_id(request), retiree_id=body.retiree_id,
        new_retiree=body.new_retiree.model_dump() if body.new_retiree else None,
    )
    return respond(Approved(retiree_id=retiree_id))


async def reject(request: web.Request) -> web.Response:
    await request.app[SERVICES].registrations.do_reject(actor_of(request), path_id(request))
    return web.Response(status=204)
