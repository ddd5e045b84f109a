"""一人一档: one retiree's file — profile, tags, consent, family contact — and what they did with the
office: help requests, activities, ideas, study and the conversation in the chat.

Each part comes from the service the API answers it with, for this caller: the file as the API's
GET /api/v1/retirees/{id} gives it (a viewer without VIEWER_HIDDEN), help requests and the
conversation only for staff (as the API's routes allow), ideas for everyone. A liaison opening
another liaison's retiree gets 404 from the roster service, before anything else is read."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import path_id
from admin.views.retirees import VIEWER_HIDDEN, RetireeOut
from console.page import EVERYONE, Page
from console.render import render
from yinling.models import Actor, HelpFilter, IdeaFilter, RetireeRecord
from yinling.services import Services
from yinling.texts.activities import ACT_MINE_STATUS
from yinling.texts.help import HELP_MEDIA_NAMES, HELP_STATUS
from yinling.texts.ideas import IDEA_STATUS

LISTED = 10  # the newest help requests and ideas shown; the 收件箱 and 金点子 pages have the rest
CONVERSATION = 20  # the last things said in the chat
KIND_NAMES = {**HELP_MEDIA_NAMES, "media": "图片或文件", "text": ""}


def person_out(services: Services, actor: Actor, record: RetireeRecord) -> dict[str, Any]:
    """The file as the API's retiree_out gives it to this caller (its model, its hidden fields)."""
    age, tags = services.roster.age_and_tags(record)
    out = RetireeOut.model_validate({**record.model_dump(), "tags": tags, "age": age, "phones": list(record.phones)})
    return out.model_dump(exclude=VIEWER_HIDDEN if actor.role == "viewer" else set())


async def help_requests(services: Services, actor: Actor, retiree_id: int) -> tuple[list[Any], int]:
    items, total, _ = await services.help.queue(actor, HelpFilter(retiree_id=retiree_id), sort="newest",
                                                page=1, per_page=LISTED)
    return items, total


async def ideas(services: Services, actor: Actor, retiree_id: int) -> tuple[list[Any], int]:
    return await services.ideas.page(actor, IdeaFilter(retiree_id=retiree_id), page=1, per_page=LISTED)


async def registrations(services: Services, actor: Actor, retiree_id: int) -> list[tuple[Any, Any]]:
    """(activity, registration) of this retiree, of the last year and to come, soonest first."""
    return await services.activities.for_retiree(actor, retiree_id)


async def study_progress(services: Services, actor: Actor, retiree_id: int) -> Any:
    """我的学习 as the retiree sees it."""
    return await services.study.progress_of(actor, retiree_id)


async def person(request: web.Request) -> web.Response:
    actor = actor_of(request)
    services = request.config_dict[SERVICES]
    retiree_id = path_id(request)
    record = await services.roster.get_retiree(actor, retiree_id)  # scope first: NotFound for others' people
    context: dict[str, Any] = {
        "person": person_out(services, actor, record), "is_staff": actor.role != "viewer",
        "help_status": HELP_STATUS, "idea_status": IDEA_STATUS, "activity_status": ACT_MINE_STATUS,
        "kind_names": KIND_NAMES, "listed": LISTED,
    }
    context["ideas"], context["ideas_total"] = await ideas(services, actor, retiree_id)
    context["study"] = await study_progress(services, actor, retiree_id)
    if actor.role != "viewer":  # the API gives viewers no help requests, registrations or conversation
        context["requests"], context["requests_total"] = await help_requests(services, actor, retiree_id)
        context["registrations"] = await registrations(services, actor, retiree_id)
        context["conversation"] = await services.inbox.conversation(actor, retiree_id, before=None,
                                                                    limit=CONVERSATION)
    return render(request, "roster_person.html", context)


PAGES: tuple[Page, ...] = (
    Page("GET", "/roster/{id}", person, EVERYONE, "一人一档: the file, requests, activities, ideas, study, chat"),
)
