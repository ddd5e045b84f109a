"""收件箱: what needs a person, as the API's GET /api/v1/inbox (services.inbox.queue): filters with
their counts, paging, urgent first. The list polls itself (an htmx request gets the list fragment
only), so new items appear without reloading. The thread pages and their actions are in
console/views/inbox_thread.py.

Voice notes and photos: each thread has a media page (`.../media`) listing its files; with the file's
reference in the query (`?message=`, `?update_id=`, `?file=1`) it answers the file itself, through
the same service call as the API's media routes (scope and audit included)."""
from __future__ import annotations

from math import ceil

from aiohttp import web

from admin.auth import actor_of
from admin.keys import MEDIA
from admin.views.inbox import MAX_PER_PAGE, InboxQuery
from console.forms import checked
from console.page import STAFF, Page
from console.render import render
from console.views import inbox_thread
from console.views.inbox_thread import WORDS, services_of, staff_names

PER_PAGE = 20
FILTERS = (("all", "全部"), ("mine", "我的"), ("unassigned", "没人接"), ("urgent", "紧急"), ("overdue", "超时"))
MEDIA_KINDS = {"voice": "语音", "photo": "照片", "document": "文件"}


def _query(request: web.Request) -> InboxQuery:
    """The filter and page asked for; anything the API would refuse falls back to the first page of all."""
    asked = {key: value for key, value in request.query.items() if key in ("filter", "page")}
    query, _ = checked(request, InboxQuery, asked)
    return query or InboxQuery()


async def inbox(request: web.Request) -> web.Response:
    actor, services = actor_of(request), services_of(request)
    query = _query(request)
    per_page = min(PER_PAGE, MAX_PER_PAGE)
    items, total, counts = await services.inbox.queue(actor, query.filter, page=query.page, per_page=per_page)
    context = {
        "items": items, "total": total, "counts": counts, "filter": query.filter, "filters": FILTERS,
        "filter_label": dict(FILTERS)[query.filter],
        "page": query.page, "pages": max(1, ceil(total / per_page)), "names": await staff_names(services),
        **WORDS,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "inbox_list.html", context)
    return render(request, "inbox.html", {**context, "warnings": await services.inbox.warnings()})


# ================================ media ================================
def _file(data: bytes, content_type: str) -> web.Response:
    return web.Response(body=data, content_type=content_type, headers={"Cache-Control": "private, no-store"})


def _query_id(request: web.Request, name: str) -> int | None:
    value = request.query.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


def _media_page(request: web.Request, title: str, back: str, files: list[dict]) -> web.Response:
    return render(request, "inbox_media.html", {"title": title, "back": back, "files": files,
                                                 "kinds": MEDIA_KINDS})


async def help_media(request: web.Request) -> web.Response:
    """A help request's voice notes and photos (id: the request); ?message=N: that thread message's file."""
    actor, services = actor_of(request), services_of(request)
    request_id = int(request.match_info["id"])
    message_id = _query_id(request, "message")
    if message_id is not None:
        await services.help.visible(actor, request_id)
        return _file(*await services.help.media(actor, message_id, request.config_dict[MEDIA]))
    item, thread, _ = await services.help.detail(actor, request_id)
    files = [{"kind": m.kind, "at": m.created_at, "url": f"/console/inbox/help/{item.id}/media?message={m.id}"}
             for m in thread if m.file_id and m.kind in MEDIA_KINDS]
    return _media_page(request, f"求助单 #{item.id}（{item.retiree_name}）的语音和照片",
                       f"/console/inbox/help/{item.id}", files)


async def retiree_media(request: web.Request) -> web.Response:
    """The voice notes and photos in a retiree's chat (id: the retiree); ?update_id=N: that one's file."""
    actor, services = actor_of(request), services_of(request)
    retiree_id = int(request.match_info["id"])
    update_id = _query_id(request, "update_id")
    if update_id is not None:
        return _file(*await services.inbox.conversation_media(actor, retiree_id, update_id,
                                                              request.config_dict[MEDIA]))
    retiree = await services.inbox.visible_retiree(actor, retiree_id)
    said = await services.inbox.conversation(actor, retiree_id, before=None, limit=500)
    files = [{"kind": e.kind, "at": e.at, "url": f"/console/inbox/retirees/{retiree_id}/media?update_id={e.ref}"}
             for e in said if e.direction == "in" and e.file_id and e.kind in MEDIA_KINDS]
    return _media_page(request, f"{retiree.name}在聊天里发来的语音和照片", "/console/inbox", files[::-1])


async def message_media(request: web.Request) -> web.Response:
    """A message's voice note or photo (id: the message): a page showing it; ?file=1: the file."""
    actor, services = actor_of(request), services_of(request)
    message_id = int(request.match_info["id"])
    if request.query.get("file") == "1":
        return _file(*await services.inbox.message_media(actor, message_id, request.config_dict[MEDIA]))
    message = await services.inbox.visible_message(actor, message_id)
    url = f"/console/inbox/messages/{message.id}/media?file=1"
    files = [{"kind": message.kind, "at": message.created_at, "url": url}] \
        if message.file_id and message.kind in MEDIA_KINDS else []
    return _media_page(request, f"{message.retiree_name or '留言'}发来的语音和照片",
                       f"/console/inbox/messages/{message.id}", files)


PAGES: tuple[Page, ...] = (
    Page("GET", "/inbox", inbox, STAFF, "收件箱: open help requests and messages, filtered, urgent first"),
    Page("GET", "/inbox/help/{id}/media", help_media, STAFF, "A help request's voice notes and photos (or one file)"),
    Page("GET", "/inbox/retirees/{id}/media", retiree_media, STAFF,
         "The voice notes and photos in a retiree's chat (or one file)"),
    Page("GET", "/inbox/messages/{id}/media", message_media, STAFF, "A message's voice note or photo (or the file)"),
    *inbox_thread.PAGES,
)
