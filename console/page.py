"""One console page or form action: its method, path under /console, view, and the roles that may
open it (None: no sign-in needed). Every views module lists its own in PAGES; console.pages joins
them, and the permission test walks that table."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

View = Callable[[web.Request], Awaitable[web.StreamResponse]]

ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "liaison"})
EVERYONE = frozenset({"admin", "liaison", "viewer"})


@dataclass(frozen=True)
class Page:
    method: str
    path: str  # under /console: "/", "/inbox", "/roster/{id}"
    view: View
    roles: frozenset[str] | None
    summary: str
