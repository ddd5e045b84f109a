"""Who is calling: the bearer token -> an Actor, and the route table's roles -> allowed or not.

401 when there is no valid token (missing, unknown, expired, revoked), 403 when the role may not
call the route. Both are decided before the view runs, so a refused request writes nothing."""
from __future__ import annotations

from aiohttp import web

from admin.errors import error_response
from admin.keys import ROUTE_META, SERVICES
from yinling.models import Actor

ACTOR = web.RequestKey("actor", Actor)
ROLE_NAMES = {"admin": "管理员", "liaison": "联系干部", "viewer": "只读账号"}
TOKEN = web.RequestKey("token", str)


def client_ip(request: web.Request) -> str:
    return request.remote or "unknown"


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        return None
    return token.strip()


@web.middleware
async def auth_middleware(request: web.Request, handler) -> web.StreamResponse:
    route = request.app[ROUTE_META].get(request.match_info.route)
    if route is None or route.roles is None:  # unknown paths fall through to aiohttp's 404/405
        return await handler(request)
    token = bearer_token(request)
    actor = await request.app[SERVICES].staff.authenticate(token, client_ip(request)) if token else None
    if token is None or actor is None:
        return error_response(401, "unauthorized", "请先登录，并在请求头带上 Authorization: Bearer <token>",
                              headers={"WWW-Authenticate": "Bearer"})
    if actor.role not in route.roles:
        return error_response(403, "forbidden", f"{ROLE_NAMES[actor.role]}没有权限做这件事")
    request[ACTOR] = actor
    request[TOKEN] = token
    return await handler(request)


def actor_of(request: web.Request) -> Actor:
    return request[ACTOR]
