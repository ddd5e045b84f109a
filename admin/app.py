"""create_app(settings, services) -> the staff API (aiohttp). Also serves Telegram's webhook when
the bot runs in webhook mode, so one port faces the outside."""
from __future__ import annotations

from aiohttp import web, web_response

from admin.auth import auth_middleware
from admin.errors import error_middleware
from admin.keys import MEDIA, PAGE_CACHE, ROUTES_KEY, SERVICES, SETTINGS, UPDATE_SINK, UpdateSink
from admin.routes import ROUTES, add_routes, webhook_route
from yinling.config import Settings
from yinling.media import MediaSource
from yinling.services import Services
from yinling.services.memo import ShortMemo

MAX_BODY_BYTES = 11 << 20  # roster imports up to 10 MB; JSON bodies have their own smaller limit
CACHEABLE = frozenset({"/", "/api/openapi.json"})  # public and the same for everyone; all else is no-store
CONSOLE_ASSETS = "/console/static/"  # the console's styles and pinned htmx: the same for everyone
SERVER = "yinling"
# Answers aiohttp writes itself before any route is matched (a malformed request's 400) skip the
# signal below and would name "Python/3.x aiohttp/3.x"; aiohttp offers no setting for that default.
if hasattr(web_response, "SERVER_SOFTWARE"):
    web_response.SERVER_SOFTWARE = SERVER


async def _safe_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every answer, errors and file downloads included (a signal runs for streamed responses too,
    where a middleware would come too late): no caching of personal data by browsers or proxies,
    no content sniffing, and a Server header that names no versions."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Server"] = SERVER
    # The console's forms act with the signed-in staff member's rights: no other site may frame them
    # (clickjacking), and no address with an id in it leaks to another site through Referer.
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.path.startswith(CONSOLE_ASSETS):  # versioned by content hash (console.render.asset)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif request.path not in CACHEABLE and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"


def create_app(
    settings: Settings,
    services: Services,
    *,
    update_sink: UpdateSink | None = None,
    webhook_path: str = "/telegram/webhook",
    media: MediaSource | None = None,
) -> web.Application:
    app = web.Application(middlewares=[error_middleware, auth_middleware], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[SERVICES] = services
    app[MEDIA] = media
    # Triage screens poll the same pages: one serialised page serves the same caller for up to a second.
    app[PAGE_CACHE] = ShortMemo(ttl=1.0)
    app.on_response_prepare.append(_safe_headers)
    routes = ROUTES
    if update_sink is not None:
        app[UPDATE_SINK] = update_sink
        routes = (*routes, webhook_route(webhook_path))
    app[ROUTES_KEY] = routes
    add_routes(app, routes)
    return app
