"""create_app(settings, services) -> the staff API (aiohttp). Also serves Telegram's webhook when
the bot runs in webhook mode, so one port faces the outside."""
from __future__ import annotations

from aiohttp import web

from admin.errors import error_middleware
from admin.keys import SERVICES, SETTINGS, UPDATE_SINK, UpdateSink
from admin.routes import add_routes
from admin.views import webhook
from yinling.config import Settings
from yinling.services import Services

MAX_BODY_BYTES = 2 << 20


def create_app(
    settings: Settings,
    services: Services,
    *,
    update_sink: UpdateSink | None = None,
    webhook_path: str = "/telegram/webhook",
) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[SERVICES] = services
    add_routes(app)
    if update_sink is not None:
        app[UPDATE_SINK] = update_sink
        app.router.add_post(webhook_path, webhook.receive_update)
    return app
