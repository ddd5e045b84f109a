"""Typed application keys (aiohttp web.AppKey): views reach services without casts."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from yinling.config import Settings
from yinling.media import MediaSource
from yinling.services import Services
from yinling.services.memo import ShortMemo

if TYPE_CHECKING:
    from admin.routes import Route  # admin.routes imports this module

SERVICES = web.AppKey("services", Services)
SETTINGS = web.AppKey("settings", Settings)
UpdateSink = Callable[[dict], Awaitable[None]]
# Where a key's type is no plain class, the annotation gives it (aiohttp uses the class argument only
# in the key's repr).
UPDATE_SINK: web.AppKey[UpdateSink] = web.AppKey("update_sink")
# aiohttp's route object -> our Route (roles, models), filled by admin.routes.add_routes
ROUTE_META: web.AppKey[dict[web.AbstractRoute, Route]] = web.AppKey("route_meta", dict)
ROUTES_KEY: web.AppKey[tuple[Route, ...]] = web.AppKey("routes", tuple)  # the Route table this app serves
MEDIA: web.AppKey[MediaSource | None] = web.AppKey("media")  # None without a bot token
PAGE_CACHE = web.AppKey("page_cache", ShortMemo)  # serialised list pages
