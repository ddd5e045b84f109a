"""Login, logout, who am I."""
from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field

from admin.auth import TOKEN, actor_of, client_ip
from admin.keys import SERVICES
from admin.parsing import Strict, parse_json, respond
from yinling.models import StaffRole


class LoginBody(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    token: str
    expires_at: datetime


class StaffOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: StaffRole
    phone: str | None = None


class Ok(BaseModel):
    ok: bool = True


async def login(request: web.Request) -> web.Response:
    body = await parse_json(request, LoginBody)
    result = await request.app[SERVICES].staff.do_login(body.username, body.password, client_ip(request))
    return respond(LoginOut(token=result.token, expires_at=result.expires_at))


async def logout(request: web.Request) -> web.Response:
    await request.app[SERVICES].staff.do_logout(request[TOKEN], actor_of(request))
    return respond(Ok())


async def me(request: web.Request) -> web.Response:
    staff = actor_of(request).staff
    return respond(StaffOut.model_validate(staff.model_dump()))
