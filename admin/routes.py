"""The one route table. Every route names the roles that may call it (None: no login needed).

A test walks the router: a route missing from this table fails it."""
from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from admin.views import health

Handler = object


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    roles: frozenset[str] | None  # None: public (health checks, Telegram's webhook with its secret)
    summary: str = ""


ROUTES: tuple[Route, ...] = (
    Route("GET", "/healthz", health.healthz, None, "Liveness and database check"),
)


def add_routes(app: web.Application, routes: tuple[Route, ...] = ROUTES) -> None:
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)  # type: ignore[arg-type]
