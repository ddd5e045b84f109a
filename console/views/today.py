"""今日: what needs doing now. For staff: the inbox's counts (urgent, overdue, unassigned, mine, all;
each links to the inbox so filtered), retirees the chat cannot reach (with the phone to call), this
week's activities and the notices going out (with progress). A viewer has no inbox: they see the
activities, the notices, and how many cannot be reached (never a phone).

The counts and the notices' progress are a fragment (`/today/counts`) the page asks for again every
20 seconds; each figure comes from the service the API's view calls."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from console.page import EVERYONE, Page
from console.render import office_now, office_tz, render
from yinling.models import Activity, Actor, RosterFilter
from yinling.services import Services

UNREACHABLE_SHOWN = 20
NOTICES_LOOKED_AT = 20  # the newest notices; those being sent or scheduled are among them
STAFF_UNREACHABLE_FIELDS = ("id", "name", "phones", "liaison_name")
# (count, label, the inbox filter it opens): 新留言 are messages outside a help request, found in 全部
INBOX_CARDS = (
    ("urgent", "紧急", "urgent"), ("overdue", "超时未办", "overdue"), ("unassigned", "没人接", "unassigned"),
    ("mine", "我的待办", "mine"), ("messages", "新留言", "all"), ("all", "收件箱全部（求助单和留言）", "all"),
)


async def _counts(services: Services, actor: Actor) -> dict[str, int] | None:
    if actor.role == "viewer":  # viewers have no inbox
        return None
    return await services.inbox.counts(actor)


def _progress(counts: dict[str, int]) -> dict[str, int]:
    """How far a notice has gone, from its report's counts: of those it was queued for (the rest were
    not in the chat when it was sent), how many are done one way or another."""
    queued_for = max(0, counts["recipients"] - counts["not_in_chat"])
    finished = counts["sent"] + counts["failed"] + counts["blocked"] + counts["cancelled"]
    return {**counts, "queued_for": queued_for, "finished": min(finished, queued_for),
            "waiting": counts["queued"] + counts["claimed"], "undelivered": counts["failed"] + counts["blocked"]}


async def _notices(services: Services, actor: Actor) -> list[dict[str, Any]]:
    """Notices being sent (with progress) and those scheduled, oldest first."""
    broadcasts, _ = await services.broadcasts.page(actor, page=1, per_page=NOTICES_LOOKED_AT)
    found = []
    for broadcast in reversed(broadcasts):
        if broadcast.status == "sending":
            _, counts = await services.broadcasts.progress(actor, broadcast.id)
            found.append({"broadcast": broadcast, "progress": _progress(counts)})
        elif broadcast.status == "scheduled":
            found.append({"broadcast": broadcast, "progress": None})
    return found


async def _live(request: web.Request) -> dict[str, Any]:
    actor, services = actor_of(request), request.config_dict[SERVICES]
    return {"counts": await _counts(services, actor), "cards": INBOX_CARDS,
            "notices": await _notices(services, actor)}


async def _unreachable(services: Services, actor: Actor) -> tuple[list[dict[str, Any]], int]:
    """Retirees the chat can no longer reach (they blocked the bot or left): their liaison phones them.
    A viewer gets how many only."""
    viewer = actor.role == "viewer"
    listed, total = await services.roster.list_retirees(
        actor, RosterFilter(reachable=False), page=1, per_page=1 if viewer else UNREACHABLE_SHOWN,
        fields=("id",) if viewer else STAFF_UNREACHABLE_FIELDS)
    return ([] if viewer else [json.loads(item.body) for item in listed]), total


def _week_end(now: datetime, request: web.Request) -> datetime:
    """The end of this week (Sunday midnight), in the office's time."""
    today = now.astimezone(office_tz(request)).date()
    return datetime.combine(today + timedelta(days=7 - today.weekday()), time(), office_tz(request))


async def _this_week(services: Services, actor: Actor, until: datetime) -> list[Activity]:
    upcoming, _ = await services.activities.page(when="upcoming", kind=None, page=1, per_page=100, actor=actor)
    return [activity for activity in upcoming if activity.starts_at < until]


async def today(request: web.Request) -> web.Response:
    actor, services = actor_of(request), request.config_dict[SERVICES]
    unreachable, unreachable_total = await _unreachable(services, actor)
    return render(request, "today.html", {
        **await _live(request), "unreachable": unreachable, "unreachable_total": unreachable_total,
        "activities": await _this_week(services, actor, _week_end(office_now(request), request)),
    })


async def today_counts(request: web.Request) -> web.Response:
    return render(request, "today_counts.html", await _live(request))


PAGES: tuple[Page, ...] = (
    Page("GET", "/", today, EVERYONE, "今日: what needs doing now"),
    Page("GET", "/today/counts", today_counts, EVERYONE, "今日's counts and notices' progress (refreshes itself)"),
)
