"""活动: publish a new activity and change one, through the API's own body models (ActivityCreate,
ActivityPatch) and the same service calls; what is wrong is said beside the field, in Chinese.

The form holds every field as text; an edit sends only the fields whose text changed, so an
untouched start time (stored with seconds, shown to the minute) is never "changed" and the
registrants are told of a change only when there is one."""
from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.views.activities import ActivityCreate, ActivityPatch
from console.fmt import to_picker
from console.forms import FIELD_MAX, checked
from console.page import STAFF, Page
from console.render import office_tz, render, see_other
from console.views.activities_shared import AUDIENCE_KINDS, activity_id
from yinling.errors import Conflict, Forbidden, InvalidInput
from yinling.models import ACTIVITY_KINDS, AUDIENCE_TAGS, Activity, Actor

TEXTS = ("title", "kind", "description", "place", "starts_at", "ends_at", "signup_deadline", "capacity")
FLAGS = ("companion_allowed", "ask_transport")
PICKERS = ("starts_at", "ends_at", "signup_deadline")
# The body's field (as its errors name it) -> the form's field the error is written beside.
AUDIENCE_FIELDS = (("audience.tags", "audience_tags"), ("audience.liaison_ids", "audience_liaison_ids"),
                   ("audience", "audience_kind"))
Values = dict[str, Any]
# A service's words may name a body field for API callers ("应晚于开始时间（starts_at）"); beside the
# form's own field that name means nothing to the person reading it.
_BODY_FIELD_NAME = re.compile(r"（[a-z_.]+）")


def blank_values() -> Values:
    return {**dict.fromkeys(TEXTS, ""), **dict.fromkeys(FLAGS, False), "audience_kind": "everyone",
            "audience_tags": [], "audience_liaison_ids": [], "notify": True}


def values_of(activity: Activity, request: web.Request) -> Values:
    tz = office_tz(request)
    return {
        "title": activity.title, "kind": activity.kind, "description": activity.description, "place": activity.place,
        **{name: to_picker(getattr(activity, name), tz) for name in PICKERS},
        "capacity": str(activity.capacity), "companion_allowed": activity.companion_allowed,
        "ask_transport": activity.ask_transport, "audience_kind": activity.audience.kind,
        "audience_tags": list(activity.audience.tags),
        "audience_liaison_ids": [str(i) for i in activity.audience.liaison_ids], "notify": False,
    }


async def read_values(request: web.Request) -> Values:
    form = await request.post()

    def text(name: str) -> str:
        value = form.get(name, "")
        return value[:FIELD_MAX] if isinstance(value, str) else ""

    def many(name: str) -> list[str]:
        return [v[:100] for v in form.getall(name, []) if isinstance(v, str)][:300]

    return {**{name: text(name) for name in TEXTS}, **{name: name in form for name in (*FLAGS, "notify")},
            "audience_kind": text("audience_kind") or "everyone", "audience_tags": many("audience_tags"),
            "audience_liaison_ids": many("audience_liaison_ids")}


def audience_of(values: Values) -> dict[str, Any]:
    """The audience as the body takes it: ticks left under another kind are not sent (the person
    switched kind; sending them would only be refused)."""
    kind = values["audience_kind"]
    return {"kind": kind, "tags": values["audience_tags"] if kind == "tags" else [],
            "liaison_ids": values["audience_liaison_ids"] if kind == "liaisons" else []}


# An empty required field said plainly, rather than as a value that could not be read ("应是整数").
BLANK_SAID = {"kind": "请选一个活动类型", "capacity": "必填，请填一共有几个名额",
              **dict.fromkeys(PICKERS, "必填，请选一个日期和时间")}
REQUIRED_NEW = ("kind", "capacity", "starts_at", "ends_at")  # a new one's deadline defaults to its start
REQUIRED_EDIT = ("kind", "capacity", *PICKERS)


def blanks(values: Values, required: tuple[str, ...]) -> dict[str, str]:
    return {name: BLANK_SAID[name] for name in required if not values[name].strip()}


def audience_said(values: Values, fields: dict[str, str]) -> dict[str, str]:
    """The audience model's "kind 是 tags 时，tags 不能为空" as the form's words, beside the ticks."""
    if "audience" in fields and values["audience_kind"] == "tags" and not values["audience_tags"]:
        return {"audience_tags": "请至少勾选一种情况"}
    if "audience" in fields and values["audience_kind"] == "liaisons" and not values["audience_liaison_ids"]:
        return {"audience_liaison_ids": "请至少勾选一位联系干部"}
    return {}


def form_errors(fields: dict[str, str], message: str, values: Values) -> dict[str, str]:
    """A body's or a service's field errors, keyed by the form's fields; what belongs to no field
    (e.g. the activity was cancelled meanwhile) is said at the top."""
    if said := audience_said(values, fields):
        fields = {key: text for key, text in fields.items() if key != "audience"}
    found: dict[str, str] = dict(said)
    for key, text in fields.items():
        name = key if key in TEXTS or key in FLAGS else next(
            (form for body, form in AUDIENCE_FIELDS if key == body or key.startswith(body + ".")), None)
        if name is None:
            found[""] = message or text
        else:
            found.setdefault(name, _BODY_FIELD_NAME.sub("", text))
    return found


async def liaison_choices(request: web.Request, actor: Actor) -> list[tuple[str, str]]:
    """Whom a liaisons audience may name: a liaison only themselves (the service refuses others)."""
    if actor.scope_liaison_id is not None:
        return [(str(actor.staff.id), actor.staff.display_name)]
    return [(str(s.id), s.display_name) for s in await request.config_dict[SERVICES].staff.list_staff()
            if s.role == "liaison" and s.active]


async def _form(request: web.Request, values: Values, *, activity: Activity | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> web.Response:
    actor = actor_of(request)
    return render(request, "activities_form.html", {
        "v": values, "activity": activity, "errors": errors or {},
        "kinds": [("", "请选择"), *((k, k) for k in ACTIVITY_KINDS)],
        "audience_kinds": AUDIENCE_KINDS, "tags": AUDIENCE_TAGS, "liaisons": await liaison_choices(request, actor),
        "is_liaison": actor.scope_liaison_id is not None,
    }, status=status)


async def new_form(request: web.Request) -> web.Response:
    return await _form(request, blank_values())


async def create(request: web.Request) -> web.Response:
    values = await read_values(request)
    data = {name: values[name] for name in TEXTS} | {name: values[name] for name in (*FLAGS, "notify")}
    data["signup_deadline"] = values["signup_deadline"] or None  # the body's default: when it starts
    data["audience"] = audience_of(values)
    body, errors = checked(request, ActivityCreate, data)
    errors = form_errors(errors, "", values) | blanks(values, REQUIRED_NEW)
    if body is None or errors:
        return await _form(request, values, errors=errors, status=422)
    try:
        activity, told = await request.config_dict[SERVICES].activities.do_create(
            actor_of(request), body.fields(), notify=body.notify)
    except (InvalidInput, Forbidden) as exc:
        if not exc.fields:
            raise
        return await _form(request, values, errors=form_errors(exc.fields, exc.message, values), status=422)
    told_part = f"&told={told}" if body.notify else ""
    return see_other(f"/console/activities/{activity.id}?done=created{told_part}")


async def edit_form(request: web.Request) -> web.Response:
    activity = await request.config_dict[SERVICES].activities.get(activity_id(request), actor_of(request))
    return await _form(request, values_of(activity, request), activity=activity)


def changed_fields(values: Values, before: Values) -> dict[str, Any]:
    """Only what the person changed, as ActivityPatch takes it."""
    data: dict[str, Any] = {name: values[name] for name in (*TEXTS, *FLAGS) if values[name] != before[name]}
    audience = audience_of(values)
    if audience != audience_of(before):
        data["audience"] = audience
    return data


async def update(request: web.Request) -> web.Response:
    actor = actor_of(request)
    services = request.config_dict[SERVICES]
    activity = await services.activities.get(activity_id(request), actor)  # not theirs: 404 before anything
    values = await read_values(request)
    body, errors = checked(request, ActivityPatch, changed_fields(values, values_of(activity, request)))
    errors = form_errors(errors, "", values) | blanks(values, REQUIRED_EDIT)
    if body is None or errors:
        return await _form(request, values, activity=activity, errors=errors, status=422)
    try:
        await services.activities.do_update(actor, activity.id, body.changes())
    except (InvalidInput, Conflict, Forbidden) as exc:
        if not exc.fields:
            raise
        return await _form(request, values, activity=activity, errors=form_errors(exc.fields, exc.message, values),
                           status=422)
    return see_other(f"/console/activities/{activity.id}?done=saved")


PAGES: tuple[Page, ...] = (
    Page("GET", "/activities/new", new_form, STAFF, "The form for a new activity"),
    Page("POST", "/activities/new", create, STAFF, "Publish it (with 通知, its audience is told in the chat)"),
    Page("GET", "/activities/{id}/edit", edit_form, STAFF, "The form to change an activity"),
    Page("POST", "/activities/{id}/edit", update, STAFF,
         "Save the changes (registrants are told of a new time or place)"),
)
