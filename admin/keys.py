"""Typed application keys (aiohttp web.AppKey): views reach services without casts."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from yinling.config import Settings
from yinling.services import Services

SERVICES = web.AppKey("services", Services)
SETTINGS = web.AppKey("settings", Settings)
UpdateSink = Callable[[dict], Awaitable[None]]
UPDATE_SINK = web.AppKey("update_sink", UpdateSink)  # type: ignore[arg-type]
# aiohttp's route object -> our Route (roles, models), filled by admin.routes.add_routes
ROUTE_META = web.AppKey("route_meta", dict)
ROUTES_KEY = web.AppKey("routes", tuple)  # the Route table this app serves (for openapi.json)
MEDIA = web.AppKey("media", object)  # a yinling.media.MediaSource, or None without a bot token
PAGE_CACHE = web.AppKey("page_cache", object)  # a yinling.services.memo.ShortMemo of serialised list pages
