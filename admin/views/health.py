from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from admin.keys import SERVICES


class Health(BaseModel):
    status: str


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    await services.core.db.fetch_value("SELECT 1")
    return web.json_response(Health(status="ok").model_dump())
