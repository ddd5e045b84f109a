"""收件箱's thread pages: one help request (the request, its thread, the retiree's chat, private notes,
and what staff do to it) and one message (the message, the chat, a reply, 标记已处理, assign).

Each action calls the service the API's view calls (admin/views/help.py, admin/views/inbox.py) with
the API's own body model, then goes back to the thread with a short confirmation (303); what is
wrong is shown beside the form it belongs to. Each form's fields have names of their own (reply_text,
note_text ...) so two forms on one page never share an id."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.views import help as help_api
from admin.views import inbox as inbox_api
from console.forms import checked, form_fields
from console.page import STAFF, Page
from console.render import render, see_other
from yinling.errors import Conflict, InvalidInput
from yinling.models import Actor
from yinling.services import Services
from yinling.services.help.staff import TRANSITIONS

CONVERSATION_LIMIT = 60  # the latest part of the chat; the rest stays in the retiree's file

# How staff say each state (the retiree hears texts.HELP_STATUS; staff need to know who acts next).
STATUS_WORDS = {"new": "新求助，还没人受理", "open": "处理中", "pending": "等待办理",
                "resolved": "已处理，等老同志确认", "closed": "已办结"}
PRIORITY_WORDS = {"low": "不急", "normal": "一般", "high": "比较急", "urgent": "紧急"}
ORIGIN_WORDS = {"unprompted": "留言", "human": "找人工时的留言", "left": "没说完就离开时说的话", "kept": "留言",
                "reply": "回复工作人员的话", "emergency": "紧急求救", "unverified": "没验证身份的人的留言",
                "privacy": "个人信息方面的请求"}
EVENT_WORDS = {"created": "提交了求助", "assigned": "指派", "replied": "回复了老同志", "open": "改为处理中",
               "pending": "改为等待办理", "resolved": "改为已处理", "closed": "办结", "reopened": "重新打开",
               "merged": "合并到另一条", "merged_in": "另一条合并进来", "retiree_added": "老同志补充了内容",
               "followup": "回访", "reminded": "提醒跟进", "sla_breached": "超过时限", "review": "老同志评价"}
OUT_STATUS_WORDS = {"queued": "等待发出", "claimed": "正在发出", "sent": "已发出", "failed": "没发出去",
                    "cancelled": "已取消"}
FIX_BELOW = "没有做成：请看下面标出的地方，改好再提交。"
DONE_WORDS = {
    "reply": "回复已发出，老同志会在聊天里收到。", "claim": "已接单，这条求助单由您负责。", "assign": "已指派。",
    "status": "状态已更改。", "note": "备注已保存，只有工作人员看得到。",
    "merge": "已合并，以后请在合并到的那一条里办理。",
    "message": "消息已发出，老同志会在聊天里收到；他们回的话会回到您这里。", "handled": "已标记为处理完。",
}


def services_of(request: web.Request) -> Services:
    return request.config_dict[SERVICES]


async def staff_names(services: Services) -> dict[int, str]:
    return {staff.id: staff.display_name for staff in await services.staff.list_staff()}


async def assignable(services: Services, actor: Actor) -> list[tuple[int, str]]:
    """Whom the 指派 list offers: active admins and liaisons; a liaison only themselves. The service
    decides again (and says why) — this only keeps choices off the list that it would refuse."""
    return [(s.id, s.display_name) for s in await services.staff.list_staff()
            if s.active and s.role != "viewer" and (actor.role == "admin" or s.id == actor.staff.id)]


def done_words(request: web.Request) -> str:
    return DONE_WORDS.get(request.query.get("done", ""), "")


def renamed(errors: dict[str, str], names: dict[str, str], form: str) -> dict[str, str]:
    """The model's field names -> this form's field names; what belongs to no field of the form is
    said beside the form as a whole (under the form's own name)."""
    out: dict[str, str] = {}
    for field, why in errors.items():
        key = names.get(field, form)
        out[key] = f"{out[key]}；{why}" if key in out else why
    return out


Act = Callable[[Any], Awaitable[object]]
Again = Callable[..., Awaitable[web.Response]]


async def _act(request: web.Request, form: str, act: Act, *, again: Again, back: str,
               model: type[BaseModel] | None = None, data: dict[str, Any] | None = None,
               names: dict[str, str] | None = None) -> web.StreamResponse:
    """Check the form with the API's body model, do it, and go back to the thread (`back`); or show
    the thread again (`again`) with what is wrong beside this form's fields, what was typed kept.
    `names`: the model's field -> this form's field."""
    data, names = data or {}, names or {}
    typed = {names.get(key, key): value for key, value in data.items() if isinstance(value, str)}
    parsed = None
    if model is not None:
        parsed, errors = checked(request, model, data)
        if parsed is None:
            return await again(request, errors=renamed(errors, names, form), typed=typed, status=422,
                               problem=FIX_BELOW)
    try:
        await act(parsed)
    except (InvalidInput, Conflict) as exc:
        return await again(request, errors=renamed(exc.fields, names, form), typed=typed, status=exc.status,
                           problem=exc.message)
    return see_other(back)


# ================================ a help request ================================
def _id(request: web.Request) -> int:
    return int(request.match_info["id"])


async def _help_page(request: web.Request, *, errors: dict[str, str] | None = None, problem: str = "",
                     typed: dict[str, str] | None = None, status: int = 200) -> web.Response:
    actor, services = actor_of(request), services_of(request)
    item, thread, events = await services.help.detail(actor, _id(request))
    conversation = await services.inbox.conversation(actor, item.retiree_id, before=None, limit=CONVERSATION_LIMIT)
    return render(request, "inbox_help.html", {
        "item": item, "thread": thread, "events": events, "conversation": conversation,
        "overdue": services.help.is_overdue(item), "names": await staff_names(services),
        "choices": await assignable(services, actor),
        "next_statuses": [(s, STATUS_WORDS[s]) for s in STATUS_WORDS if s in TRANSITIONS[item.status]],
        "errors": errors or {}, "typed": typed or {}, "problem": problem,
        "done": "" if problem else done_words(request),
        **WORDS,
    }, status=status)


async def help_thread(request: web.Request) -> web.Response:
    return await _help_page(request)


def _help_back(request: web.Request, done: str, anchor: str = "") -> str:
    return f"/console/inbox/help/{_id(request)}?done={done}{anchor}"


async def help_reply(request: web.Request) -> web.StreamResponse:
    form = await form_fields(request)
    actor, rid, help_service = actor_of(request), _id(request), services_of(request).help
    return await _act(request, "reply", lambda body: help_service.do_reply(actor, rid, body.text),
                      again=_help_page, back=_help_back(request, "reply"), model=help_api.TextBody,
                      data={"text": form.get("reply_text", "")}, names={"text": "reply_text"})


async def help_note(request: web.Request) -> web.StreamResponse:
    form = await form_fields(request)
    actor, rid, help_service = actor_of(request), _id(request), services_of(request).help
    return await _act(request, "note", lambda body: help_service.do_note(actor, rid, body.text),
                      again=_help_page, back=_help_back(request, "note", "#notes"), model=help_api.TextBody,
                      data={"text": form.get("note_text", "")}, names={"text": "note_text"})


async def help_claim(request: web.Request) -> web.StreamResponse:
    actor, rid, help_service = actor_of(request), _id(request), services_of(request).help
    return await _act(request, "claim", lambda _: help_service.do_claim(actor, rid),
                      again=_help_page, back=_help_back(request, "claim"))


async def help_assign(request: web.Request) -> web.StreamResponse:
    form = await form_fields(request)
    actor, rid, help_service = actor_of(request), _id(request), services_of(request).help
    return await _act(request, "assign", lambda body: help_service.do_assign(actor, rid, body.staff_id),
                      again=_help_page, back=_help_back(request, "assign"), model=help_api.AssignBody,
                      data={"staff_id": form.get("staff_id", "")}, names={"staff_id": "staff_id"})


async def help_status(request: web.Request) -> web.StreamResponse:
    form = await form_fields(request)
    actor, rid, help_service = actor_of(request), _id(request), services_of(request).help
    data = {"status": form.get("status", ""), "reason": form.get("reason", "").strip() or None,
            "remind_at": form.get("remind_at", "").strip() or None}
    return await _act(request, "status", lambda body: help_service.do_set_status(
                          actor, rid, body.status, reason=body.reason, remind_at=body.remind_at),
                      again=_help_page, back=_help_back(request, "status"), model=help_api.StatusBody, data=data,
                      names={"status": "status", "reason": "reason", "remind_at": "remind_at"})


async def help_merge(request: web.Request) -> web.StreamResponse:
    form = await form_fields(request)
    actor, rid, help_service = actor_of(request), _id(request), services_of(request).help
    return await _act(request, "merge", lambda body: help_service.do_merge(actor, rid, body.into),
                      again=_help_page, back=_help_back(request, "merge"), model=help_api.MergeBody,
                      data={"into": form.get("into", "").strip().lstrip("#")}, names={"into": "into"})


# ================================ a message ================================
async def _message_page(request: web.Request, *, errors: dict[str, str] | None = None, problem: str = "",
                        typed: dict[str, str] | None = None, status: int = 200) -> web.Response:
    actor, services = actor_of(request), services_of(request)
    message = await services.inbox.visible_message(actor, _id(request))
    conversation = [] if message.retiree_id is None else await services.inbox.conversation(
        actor, message.retiree_id, before=None, limit=CONVERSATION_LIMIT)
    return render(request, "inbox_message.html", {
        "message": message, "who": message.retiree_name or "（还没验证身份的人）", "conversation": conversation,
        "names": await staff_names(services),
        "choices": await assignable(services, actor), "errors": errors or {}, "typed": typed or {},
        "problem": problem, "done": "" if problem else done_words(request), **WORDS,
    }, status=status)


async def message_thread(request: web.Request) -> web.Response:
    return await _message_page(request)


def _message_back(request: web.Request, done: str) -> str:
    return f"/console/inbox/messages/{_id(request)}?done={done}"


async def message_reply(request: web.Request) -> web.StreamResponse:
    form = await form_fields(request)
    actor, inbox = actor_of(request), services_of(request).inbox
    message = await inbox.visible_message(actor, _id(request))

    async def send(body: inbox_api.MessageBody) -> None:
        if message.retiree_id is None:  # nobody on the roster to write to: only a phone call reaches them
            raise InvalidInput("这个人还没有在聊天里验证身份，不能在这里回复", fields={"text": "请打电话联系"})
        await inbox.do_send_message(actor, message.retiree_id, body.text)

    return await _act(request, "reply", send, again=_message_page, back=_message_back(request, "message"),
                      model=inbox_api.MessageBody, data={"text": form.get("reply_text", "")},
                      names={"text": "reply_text"})


async def message_handled(request: web.Request) -> web.StreamResponse:
    actor, mid, inbox = actor_of(request), _id(request), services_of(request).inbox
    return await _act(request, "handled", lambda _: inbox.do_mark_handled(actor, mid),
                      again=_message_page, back=_message_back(request, "handled"))


async def message_assign(request: web.Request) -> web.StreamResponse:
    form = await form_fields(request)
    actor, mid, inbox = actor_of(request), _id(request), services_of(request).inbox
    return await _act(request, "assign", lambda body: inbox.do_assign(actor, mid, body.staff_id),
                      again=_message_page, back=_message_back(request, "assign"), model=inbox_api.AssignBody,
                      data={"staff_id": form.get("staff_id", "")}, names={"staff_id": "staff_id"})


WORDS = {"status_words": STATUS_WORDS, "priority_words": PRIORITY_WORDS, "origin_words": ORIGIN_WORDS,
         "event_words": EVENT_WORDS, "out_status_words": OUT_STATUS_WORDS}

PAGES: tuple[Page, ...] = (
    Page("GET", "/inbox/help/{id}", help_thread, STAFF, "收件箱: one help request, its thread and the retiree's chat"),
    Page("POST", "/inbox/help/{id}/reply", help_reply, STAFF, "Reply to the retiree (as the API's help reply)"),
    Page("POST", "/inbox/help/{id}/note", help_note, STAFF, "A private note on the request"),
    Page("POST", "/inbox/help/{id}/claim", help_claim, STAFF, "接单: take the request"),
    Page("POST", "/inbox/help/{id}/assign", help_assign, STAFF, "Give the request to a staff member"),
    Page("POST", "/inbox/help/{id}/status", help_status, STAFF, "Change the request's status"),
    Page("POST", "/inbox/help/{id}/merge", help_merge, STAFF, "Merge the request into another"),
    Page("GET", "/inbox/messages/{id}", message_thread, STAFF, "收件箱: one message and the retiree's chat"),
    Page("POST", "/inbox/messages/{id}/reply", message_reply, STAFF, "Write to the retiree in the chat"),
    Page("POST", "/inbox/messages/{id}/handled", message_handled, STAFF, "标记已处理"),
    Page("POST", "/inbox/messages/{id}/assign", message_assign, STAFF, "Give the message to a staff member"),
)
