"""今日: what needs doing now."""
from __future__ import annotations

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from console.page import EVERYONE, Page
from console.render import render


async def today(request: web.Request) -> web.Response:
    actor = actor_of(request)
    services = request.config_dict[SERVICES]
    counts = None
    if actor.role != "viewer":  # viewers have no inbox
        _, _, counts = await services.inbox.queue(actor, "all", page=1, per_page=1)
    return render(request, "today.html", {"counts": counts})


PAGES: tuple[Page, ...] = (
    Page("GET", "/", today, EVERYONE, "今日: what needs doing now"),
)
