"""活动: the list (upcoming and past), one activity with its registrants and waiting list, and
cancelling with a reason. Creating and editing are in activities_form.py; the door (check-in, the
printed sign-in sheet, the .xlsx) in activities_door.py. Every page calls the services the API's
activity routes call (admin/views/activities.py), with the signed-in staff member as the actor."""
from __future__ import annotations

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.views.activities import CancelBody
from console.forms import checked, form_fields
from console.page import EVERYONE, STAFF, Page
from console.render import render, see_other
from console.views import activities_door, activities_form
from console.views.activities_shared import (
    CANCELLED_BY,
    Registrants,
    activity_id,
    activity_view,
    audience_words,
    registrants,
)
from yinling.models import ACTIVITY_KINDS

PER_PAGE = 20
WHEN_TABS: tuple[tuple[str, str], ...] = (("upcoming", "近期活动（还没结束的）"), ("past", "已经结束的"))
# What the page says after a form has done its work (?done=...): fixed words, never the query's text.
DONE = {
    "created": "活动已发布。",
    "saved": "修改已保存。如果改了时间或地点，已报名和候补的老同志会在聊天里收到通知。",
    "cancelled": "活动已取消，已在聊天里告诉报名和候补的老同志，并说明了原因。",
}


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 1 <= int(raw) <= 1_000_000 else 1


async def list_page(request: web.Request) -> web.Response:
    when = request.query.get("when", "upcoming")
    when = when if when in dict(WHEN_TABS) else "upcoming"
    kind = request.query.get("kind") or None
    kind = kind if kind in ACTIVITY_KINDS else None
    page = _page_number(request.query.get("page"))
    items, total = await request.config_dict[SERVICES].activities.page(
        when=when, kind=kind, page=page, per_page=PER_PAGE, actor=actor_of(request))  # type: ignore[arg-type]
    return render(request, "activities.html", {
        "rows": [activity_view(a, request) for a in items], "total": total, "page": page,
        "pages": max(1, -(-total // PER_PAGE)), "when": when, "kind": kind or "", "tabs": WHEN_TABS,
        "kinds": ACTIVITY_KINDS,
    })


def _done_message(request: web.Request) -> str:
    message = DONE.get(request.query.get("done", ""), "")
    told = request.query.get("told", "")
    if message and told.isdigit():
        message += f"已在聊天里通知 {int(told):,} 位老同志。"
    return message


async def _detail(request: web.Request, found: Registrants, *, status: int = 200, reason: str = "",
                  cancel_errors: dict[str, str] | None = None) -> web.Response:
    return render(request, "activities_detail.html", {
        **activity_view(found.activity, request), "r": found, "audience": await audience_words(request, found.activity),
        "done": _done_message(request), "reason": reason, "errors": cancel_errors or {},
        "cancelled_by": CANCELLED_BY,
        "may_change": request.config_dict[SERVICES].activities.may_change(actor_of(request), found.activity),
    }, status=status)


async def detail(request: web.Request) -> web.Response:
    found = await registrants(request)
    if request.headers.get("HX-Request") == "true":  # the registrants refreshing by themselves
        return render(request, "activities_registrants.html", {"r": found, "cancelled_by": CANCELLED_BY})
    return await _detail(request, found)


async def cancel(request: web.Request) -> web.Response:
    actor = actor_of(request)
    found = await registrants(request, actor)  # one this staff member cannot see is 404 before anything
    reason = (await form_fields(request)).get("reason", "")
    body, errors = checked(request, CancelBody, {"reason": reason})
    if body is None:
        return await _detail(request, found, status=422, reason=reason, cancel_errors=errors)
    await request.config_dict[SERVICES].activities.do_cancel(actor, activity_id(request), body.reason)
    return see_other(f"/console/activities/{activity_id(request)}?done=cancelled")


PAGES: tuple[Page, ...] = (
    Page("GET", "/activities", list_page, EVERYONE, "活动: upcoming or past, seats taken, waiting, state"),
    *activities_form.PAGES,
    Page("GET", "/activities/{id}", detail, EVERYONE,
         "One activity: details, registrants and the waiting list (a liaison: their own; a viewer: counts only)"),
    Page("POST", "/activities/{id}/cancel", cancel, STAFF, "Cancel with a reason (registrants are told)"),
    *activities_door.PAGES,
)
