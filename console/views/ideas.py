"""金点子: the list with this year's figures, one idea with what was sent and its history, and what
staff do with it: the review (a status and the official reply the submitter receives in the chat),
merging a duplicate into another idea, and private notes. Voice notes and photos play and show on
the idea's page; its media page (`/ideas/{id}/media`) lists them, and with `?part=N` answers the file
through the same service call as the API's media route. Every rule is the ideas service's (its
refusals already name statuses as the submitter reads them); this module reads the forms with the
API's body models."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from admin.auth import actor_of
from admin.keys import MEDIA, SERVICES
from admin.views.ideas import IdeaQuery, MergeBody, NoteBody, ReviewBody
from console.forms import checked, form_fields
from console.page import EVERYONE, STAFF, Page
from console.render import office_now, office_tz, render, see_other
from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import IDEA_FIELDS, Idea, IdeaFilter
from yinling.services.ideas.staff import REVIEW_STATUSES, TRANSITIONS
from yinling.services.roster import Reach

PER_PAGE = 20
# The words the submitter reads in 我的金点子: staff and retirees name a status alike (the service's
# refusals use them too).
STATUS_NAMES: dict[str, str] = texts.IDEA_STATUS
PART_NAMES = {"voice": "一段语音", "photo": "一张照片", "document": "一个文件"}
MEDIA_KINDS = {"voice": "语音", "photo": "照片", "document": "文件"}
DONE = {"note": "备注已保存，只有工作人员能看到。"}
PICK_FROM_LIST = "请从列表里选一个"


def from_the_list(errors: dict[str, str], *lists: str) -> dict[str, str]:
    """A value a drop-down list never offers (an old link, a changed address) is refused by the API's
    model with its codes; the office is only asked to pick from the list."""
    return {name: PICK_FROM_LIST if name in lists else said for name, said in errors.items()}


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 1_000_000 else 1


# ---- the list ----
def this_year(request: web.Request) -> tuple[datetime, datetime]:
    """The figures' period: the office's calendar year (what an office reports), the ideas received
    from its new year on."""
    tz = office_tz(request)
    year = office_now(request).astimezone(tz).year
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


async def idea_list(request: web.Request) -> web.Response:
    actor = actor_of(request)
    services = request.config_dict[SERVICES]
    asked = {name: request.query[name].strip() for name in ("status", "field", "q")
             if request.query.get(name, "").strip()}
    query, errors = checked(request, IdeaQuery, {**asked, "page": page_number(request), "per_page": PER_PAGE})
    items: list[Idea] = []
    total = 0
    if query is not None:
        filters = IdeaFilter(**query.model_dump(include={"status", "field", "q"}))
        items, total = await services.ideas.page(actor, filters, page=query.page, per_page=PER_PAGE)
    start, end = this_year(request)
    figures = await services.ideas.stats(actor, start, end)
    return render(request, "ideas.html", {
        "items": items, "total": total, "page": query.page if query else 1, "per_page": PER_PAGE,
        "pages": max(1, -(-total // PER_PAGE)), "asked": asked, "errors": from_the_list(errors, "status", "field"),
        "figures": figures["overall"], "year": start.year, "status_names": STATUS_NAMES,
        "status_options": [("", "全部"), *STATUS_NAMES.items()],
        "field_options": [("", "全部"), *((name, name) for name in IDEA_FIELDS)],
        "query_for": lambda page: _query_string(asked, page),
    })


def _query_string(asked: dict[str, str], page: int) -> str:
    return urlencode({**asked, "page": page})


# ---- one idea ----
def status_choices(idea: Idea) -> list[tuple[str, str]]:
    """What the review form offers: the service's next statuses, and the current one again for a
    further reply (the service decides; this only spares staff a choice that would be refused)."""
    if idea.status == "merged":
        return []
    choices: list[tuple[str, str]] = []
    if idea.status in REVIEW_STATUSES:
        choices.append((idea.status, f"保持「{STATUS_NAMES[idea.status]}」，只再回复一次"))
    choices += [(s, f"改为「{STATUS_NAMES[s]}」") for s in REVIEW_STATUSES if s in TRANSITIONS[idea.status]]
    return choices


def event_words(kind: str, from_status: str | None, to_status: str | None, other_id: int | None) -> str:
    if kind == "submitted":
        return "老同志提交了这条金点子"
    if kind == "merged":
        return f"合并到 #{other_id}，一并办理"
    if kind == "merged_in":
        return f"#{other_id} 合并进来，一并办理"
    if from_status == to_status:
        return f"再次回复（状态仍是「{STATUS_NAMES.get(to_status or '', '')}」）"
    return f"状态改为「{STATUS_NAMES.get(to_status or '', '')}」"


async def submitter(request: web.Request, idea: Idea) -> Reach | None:
    """Who sent it and how to reach them (a viewer gets no phone); None once erased from the roster."""
    try:
        return await request.config_dict[SERVICES].roster.reach(actor_of(request), idea.retiree_id)
    except NotFound:
        return None


def media_url(idea_id: int, part_id: int) -> str:
    return f"/console/ideas/{idea_id}/media?part={part_id}"


async def detail_page(request: web.Request, idea_id: int, *, form: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None, which: str = "", status: int = 200) -> web.Response:
    """The idea; `which` names the form that was refused (review, merge, note) so its errors and
    what was typed show beside its fields."""
    actor = actor_of(request)
    idea, parts, events, notes, duplicates = await request.config_dict[SERVICES].ideas.detail(actor, idea_id)
    person = await submitter(request, idea)
    done = request.query.get("done", "")
    return render(request, "idea.html", {
        "idea": idea, "parts": parts, "events": events, "notes": notes, "duplicates": duplicates,
        "person": person, "phone": person.phones[0] if person and person.phones else "",
        "status_names": STATUS_NAMES, "part_names": PART_NAMES, "event_words": event_words,
        "media_url": media_url, "no_media": request.config_dict[MEDIA] is None,
        "choices": status_choices(idea), "can_act": actor.role in STAFF,
        "form": form or {}, "errors": errors or {}, "which": which,
        "done": done if done in ("review", "merge", "note") else "", "done_note": DONE["note"],
    }, status=status)


def idea_id_of(request: web.Request) -> int:
    return int(request.match_info["id"])


async def idea_detail(request: web.Request) -> web.Response:
    return await detail_page(request, idea_id_of(request))


def part_asked(request: web.Request) -> int | None:
    value = request.query.get("part", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


async def idea_media(request: web.Request) -> web.Response:
    """The idea's voice notes, photos and files; ?part=N: that one's file, by the service call the
    API's media route makes (scope and the idea.media audit row included)."""
    actor, services = actor_of(request), request.config_dict[SERVICES]
    idea, parts, *_ = await services.ideas.detail(actor, idea_id_of(request))
    files = [p for p in parts if p.file_id and p.kind in MEDIA_KINDS]
    part_id = part_asked(request)
    if part_id is not None:
        if part_id not in {p.id for p in files}:  # another idea's part: not under this idea's address
            raise NotFound("找不到这个语音、图片或文件")
        data, content_type = await services.ideas.media(actor, part_id, request.config_dict[MEDIA])
        return web.Response(body=data, content_type=content_type, headers={"Cache-Control": "private, no-store"})
    return render(request, "inbox_media.html", {  # the inbox's page of files, shared
        "title": f"金点子 #{idea.id}（{idea.retiree_name}）的语音和照片", "back": f"/console/ideas/{idea.id}",
        "kinds": MEDIA_KINDS,
        "files": [{"kind": p.kind, "at": p.created_at, "url": media_url(idea.id, p.id)} for p in files],
    })


# ---- what staff do ----
async def review(request: web.Request) -> web.Response:
    """A status and the reply: the service sends the reply to the submitter(s) in the chat."""
    idea_id = idea_id_of(request)
    form = await form_fields(request)
    data: dict[str, Any] = {"status": form.get("status", ""), "reply": form.get("reply", "").strip() or None}
    body, errors = checked(request, ReviewBody, data)
    errors = from_the_list(errors, "status")
    if body is not None:
        try:
            await request.config_dict[SERVICES].ideas.do_review(actor_of(request), idea_id, body.status, body.reply)
            return see_other(f"/console/ideas/{idea_id}?done=review")
        except (InvalidInput, Conflict) as exc:
            errors = exc.fields or {"": exc.message}
    return await detail_page(request, idea_id, form=form, errors=errors, which="review", status=422)


async def merge(request: web.Request) -> web.Response:
    idea_id = idea_id_of(request)
    form = await form_fields(request)
    into = form.get("into", "").strip().lstrip("#")
    body, errors = checked(request, MergeBody, {"into": into})
    if not into:
        errors = {"into": "请填要合并到的那条金点子的编号"}
    elif body is not None:
        try:
            await request.config_dict[SERVICES].ideas.do_merge(actor_of(request), idea_id, body.into)
            return see_other(f"/console/ideas/{idea_id}?done=merge")
        except (InvalidInput, Conflict) as exc:
            errors = exc.fields or {"": exc.message}
    if "id" in errors:  # the service names this idea itself ("already merged"): say it beside the number
        errors = {"into": errors["id"]}
    return await detail_page(request, idea_id, form=form, errors=errors, which="merge", status=422)


async def note(request: web.Request) -> web.Response:
    idea_id = idea_id_of(request)
    form = await form_fields(request)
    body, errors = checked(request, NoteBody, {"text": form.get("text", "")})
    if body is not None:
        try:
            await request.config_dict[SERVICES].ideas.do_note(actor_of(request), idea_id, body.text)
            return see_other(f"/console/ideas/{idea_id}?done=note")
        except InvalidInput as exc:
            errors = exc.fields or {"": exc.message}
    return await detail_page(request, idea_id, form=form, errors=errors, which="note", status=422)


PAGES: tuple[Page, ...] = (
    Page("GET", "/ideas", idea_list, EVERYONE, "金点子: the list (filters, paged) and this year's figures"),
    Page("GET", "/ideas/{id}", idea_detail, EVERYONE, "金点子: one idea, what was sent, its history, review forms"),
    Page("GET", "/ideas/{id}/media", idea_media, EVERYONE,
         "金点子: the voice notes, photos and files sent with an idea (?part=N: the file)"),
    Page("POST", "/ideas/{id}/review", review, STAFF, "金点子: set the status and send the official reply"),
    Page("POST", "/ideas/{id}/merge", merge, STAFF, "金点子: merge this idea into another"),
    Page("POST", "/ideas/{id}/note", note, STAFF, "金点子: a private note for staff"),
)
