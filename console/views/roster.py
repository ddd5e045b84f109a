"""台账: the roster list with its search, filters and paging, and the export. The one-person page
(一人一档) is in roster_person.py; adding, editing, deleting and importing in roster_edit.py.

Every page calls the roster service as the API's views do (admin/views/retirees.py), with the same
query model, and a viewer gets the fields the API gives a viewer (VIEWER_HIDDEN left out)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.views.retirees import VIEWER_HIDDEN, XLSX, RetireeQuery
from console.forms import checked
from console.page import EVERYONE, Page
from console.render import render, see_other
from console.views import roster_edit, roster_person
from yinling.models import AGED_TAG, RETIREE_TAGS, Actor, RosterFilter

PER_PAGE = 20
# What the list shows of each retiree (names of yinling/store/roster_search.py FIELDS): fewer than the
# API's LIST_FIELDS, since a table row needs no address or notes.
LIST_COLUMNS = ("id", "name", "gender", "age", "phones", "liaison_name", "tags", "telegram_bound", "reachable")
QUERY_KEYS = ("q", "tag", "liaison_id", "reachable", "bound", "page")
YES_NO_ANY = [("", "不限"), ("true", "是"), ("false", "否")]
NOTICES = {"deleted": "已删除这位老同志的档案。"}


def fragment_wanted(request: web.Request) -> bool:
    """htmx asks for the results only; restoring history (Back) wants the whole page."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def list_columns(actor: Actor) -> tuple[str, ...]:
    return tuple(c for c in LIST_COLUMNS if actor.role != "viewer" or c not in VIEWER_HIDDEN)


def asked(request: web.Request) -> dict[str, str]:
    """The filters as written in the address (empty ones left out; anything else ignored)."""
    return {key: value for key in QUERY_KEYS if (value := request.query.get(key, "").strip())}


def page_href(params: dict[str, str], page: int) -> str:
    return "/console/roster?" + urlencode({**{k: v for k, v in params.items() if k != "page"}, "page": str(page)})


async def filter_choices(request: web.Request, actor: Actor) -> dict[str, Any]:
    """The tags this person may search by (a viewer: not the sensitive ones, as the service says) and
    the liaisons to choose from (a liaison sees only their own people: no choice)."""
    services = request.config_dict[SERVICES]
    tags = [t for t in RETIREE_TAGS if actor.sees_sensitive or t not in services.roster.sensitive_tags]
    tag_options = [("", "不限"), *[(t, t) for t in tags], (AGED_TAG, "高龄（80岁及以上）")]
    liaisons = None
    if actor.scope_liaison_id is None:
        staff = await services.staff.list_staff()
        liaisons = [("", "不限"), *[(str(s.id), s.display_name) for s in staff if s.active and s.role != "viewer"]]
    return {"tag_options": tag_options, "liaison_options": liaisons, "yes_no": YES_NO_ANY}


async def roster_list(request: web.Request) -> web.Response:
    actor = actor_of(request)
    params = asked(request)
    query, errors = checked(request, RetireeQuery, params)
    rows: list[dict[str, Any]] = []
    total = 0
    if query is not None:
        filters = RosterFilter(**query.model_dump(include={"liaison_id", "tag", "q", "bound", "reachable"}))
        items, total = await request.config_dict[SERVICES].roster.list_retirees(
            actor, filters, page=query.page, per_page=PER_PAGE, fields=list_columns(actor))
        rows = [json.loads(item.body) for item in items]  # each written as JSON by SQLite
    page = query.page if query is not None else 1
    pages = max(1, -(-total // PER_PAGE))
    context = {
        "rows": rows, "total": total, "page": page, "pages": pages, "params": params, "errors": errors,
        "searching": any(k != "page" for k in params),
        "prev_href": page_href(params, page - 1) if page > 1 else None,
        "next_href": page_href(params, page + 1) if page < pages else None,
        "show_phones": "phones" in list_columns(actor),
        "notice": NOTICES.get(request.query.get("notice", ""), ""),
    }
    status = 422 if errors else 200
    if fragment_wanted(request):
        return render(request, "roster_results.html", context, status=status)
    context.update(await filter_choices(request, actor))
    return render(request, "roster.html", context, status=status)


async def export(request: web.Request) -> web.StreamResponse:
    """The caller's scope as .xlsx, as the API's export gives it. A POST (it is audited, and a button
    in a form works without JavaScript); one without the button's field goes back to the list."""
    form = await request.post()
    if form.get("download") != "1":
        return see_other("/console/roster")
    data = await request.config_dict[SERVICES].roster.export(actor_of(request))
    return web.Response(body=data, content_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=\"roster.xlsx\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx"})


PAGES: tuple[Page, ...] = (
    Page("GET", "/roster", roster_list, EVERYONE, "台账: search, filters, paging (htmx: the results only)"),
    Page("POST", "/roster/export.xlsx", export, EVERYONE, "Download the caller's roster as .xlsx"),
    *roster_person.PAGES,
    *roster_edit.PAGES,
)
