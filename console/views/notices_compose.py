"""通知 · 写新通知: the compose form, its dry run (预览: how many it would reach, what they would see)
and sending. The form is read into the API's BroadcastCreate and handed to the same broadcast
service as POST /api/v1/broadcasts; the service checks the audience, scope and time.

Sending needs the preview first: the preview writes a fingerprint of what it counted into the form,
and 发送 only sends when the form still says the same, so "将发给 37 人" is what was confirmed."""
from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from aiohttp.web_request import FileField

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import TooLarge
from admin.views.broadcasts import BroadcastCreate
from console.fmt import from_picker
from console.forms import checked, form_fields
from console.render import office_tz, render, see_other
from yinling.errors import InvalidInput
from yinling.models import AUDIENCE_TAGS, Actor
from yinling.services.broadcasts.staff import ATTACHMENT_LIMIT, DOCUMENT_SUFFIXES, PHOTO_SUFFIXES

ACTIVITY_CHOICES = 100  # the upcoming activities offered in the form's list
PREVIEW_FIRST = "发送前请先看一下：将发给多少人、老同志看到的样子。没问题再点发送。"
# When the audience itself is incomplete, the model's words name JSON fields: say it for a person,
# beside the part of the form that is missing.
_MISSING = {"tags": ("tags", "请至少勾选一个标签"), "liaisons": ("liaison_ids", "请至少勾选一位联系干部"),
            "activity": ("activity_id", "请选一个活动")}
# A body field (as the API names it) -> the form field the error is shown beside.
_FORM_FIELD = {"text": "text", "audience": "kind", "audience.kind": "kind", "audience.tags": "tags",
               "audience.liaison_ids": "liaison_ids", "audience.activity_id": "activity_id",
               "audience.retiree_ids": "kind", "schedule_at": "schedule_at", "attachment_id": "file",
               "file": "file", "require_ack": "require_ack"}


@dataclass
class ComposeForm:
    """What the person typed and picked, as text, to write back into the form."""

    text: str = ""
    kind: str = "everyone"
    tags: list[str] = field(default_factory=list)
    liaison_ids: list[str] = field(default_factory=list)
    activity_id: str = ""
    schedule_at: str = ""
    require_ack: bool = False
    attachment_id: str = ""
    attachment_name: str = ""
    confirmed: str = ""


def kinds_for(actor: Actor) -> list[tuple[str, str]]:
    """The audiences offered, in the words of who is sending (a liaison's reach only their own)."""
    if actor.role == "liaison":
        return [("everyone", "我联系的全部老同志"), ("tags", "我联系的老同志中，有下面标签的"),
                ("party_members", "我联系的党员"), ("activity", "报名了某个活动的人（我联系的）")]
    return [("everyone", "全部老同志"), ("tags", "有下面标签的老同志"), ("party_members", "党员"),
            ("liaisons", "某几位联系干部联系的老同志"), ("activity", "报名了某个活动的人")]


async def read_form(request: web.Request) -> ComposeForm:
    try:
        post = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise TooLarge(f"文件太大了，最多 {ATTACHMENT_LIMIT // (1024 * 1024)} MB，请换一个小一点的文件") from None
    fields = await form_fields(request)
    form = ComposeForm(
        text=fields.get("text", ""), kind=fields.get("kind", "everyone"),
        tags=[str(t) for t in post.getall("tags", [])][:len(AUDIENCE_TAGS)],
        liaison_ids=[str(i) for i in post.getall("liaison_ids", [])][:200],
        activity_id=fields.get("activity_id", "").strip(), schedule_at=fields.get("schedule_at", "").strip(),
        require_ack=bool(fields.get("require_ack")), confirmed=fields.get("confirmed", ""))
    if not fields.get("drop_attachment"):
        form.attachment_id = fields.get("attachment_id", "").strip()
        form.attachment_name = fields.get("attachment_name", "")[:200]
    return form


def uploaded(post: Any) -> FileField | None:
    part = post.get("file")
    return part if isinstance(part, FileField) and part.filename else None


async def attach_upload(request: web.Request, form: ComposeForm) -> dict[str, str]:
    """A file chosen in the form is kept at once (a re-shown form cannot keep a chosen file), and the
    form then names it. Returns an error for the file field, if any."""
    part = uploaded(await request.post())
    if part is None:
        return {}
    data = await asyncio.to_thread(part.file.read, ATTACHMENT_LIMIT + 1)
    if len(data) > ATTACHMENT_LIMIT:
        return {"file": f"文件太大了，最多 {ATTACHMENT_LIMIT // (1024 * 1024)} MB"}
    name = unquote(part.filename)  # some clients send a non-ASCII name percent-encoded
    try:
        attachment = await request.config_dict[SERVICES].broadcasts.do_attach(actor_of(request), name, data)
    except InvalidInput as exc:
        return {"file": (exc.fields or {}).get("file", exc.message)}
    form.attachment_id, form.attachment_name = str(attachment.id), attachment.filename
    return {}


def body_data(request: web.Request, form: ComposeForm) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as the API's body: only the parts of the audience its kind uses (a box ticked under
    another choice is not a contradiction a person should be told about)."""
    audience: dict[str, Any] = {"kind": form.kind}
    if form.kind == "tags":
        audience["tags"] = form.tags
    elif form.kind == "liaisons":
        audience["liaison_ids"] = form.liaison_ids
    elif form.kind == "activity":
        audience["activity_id"] = form.activity_id or None
    data: dict[str, Any] = {"text": form.text, "audience": audience, "require_ack": form.require_ack}
    if form.attachment_id:
        data["attachment_id"] = form.attachment_id
    try:
        data["schedule_at"] = from_picker(form.schedule_at, office_tz(request))
    except ValueError:
        return data, {"schedule_at": "请选一个时间，例如 2026-12-10 09:00"}
    return data, {}


def beside_fields(fields: dict[str, str], form: ComposeForm, *, from_model: bool) -> dict[str, str]:
    """Errors keyed by the form's fields. `from_model`: the body's own checks, whose words about an
    incomplete audience are replaced by what the person has to do."""
    errors: dict[str, str] = {}
    for key, message in fields.items():
        parts = key.split(".")
        name = _FORM_FIELD.get(".".join(parts[:2]), _FORM_FIELD.get(parts[0], ""))
        if from_model and name == "kind":
            name, message = _MISSING.get(form.kind, ("kind", "请选发给谁"))
        errors.setdefault(name, message)
    return errors


def fingerprint(body: BroadcastCreate) -> str:
    """What the preview counted, so 发送 can tell that nothing changed since (not a secret)."""
    return hashlib.sha256(body.model_dump_json(exclude={"dry_run"}).encode()).hexdigest()[:24]


async def form_context(request: web.Request, form: ComposeForm) -> dict[str, Any]:
    actor = actor_of(request)
    services = request.config_dict[SERVICES]
    activities, _ = await services.activities.page(when="upcoming", kind=None, page=1, per_page=ACTIVITY_CHOICES,
                                                   actor=actor)
    liaisons = [s for s in await services.staff.list_staff() if s.role == "liaison" and s.active] \
        if actor.role == "admin" else []
    accept = ",".join((*PHOTO_SUFFIXES, *DOCUMENT_SUFFIXES))
    return {"form": form, "kinds": kinds_for(actor), "tag_choices": AUDIENCE_TAGS, "liaisons": liaisons,
            "activity_options": [("", "（请选一个活动）")] + [(str(a.id), a.title) for a in activities],
            "accept": accept, "attachment_mb": ATTACHMENT_LIMIT // (1024 * 1024)}


async def show_form(request: web.Request, form: ComposeForm, errors: dict[str, str], *,
                    dry: dict[str, Any] | None = None, note: str = "", status: int = 200) -> web.Response:
    """The whole page, or for htmx's 预览 only the form (it replaces itself)."""
    context = {**await form_context(request, form), "errors": errors, "dry": dry, "note": note}
    if request.headers.get("HX-Request") != "true":
        return render(request, "notices_new.html", context, status=status)
    response = render(request, "notices_form.html", context, status=status)
    # bring what the person has to read next into view: the count, or the form's errors
    response.headers["HX-Reswap"] = "outerHTML show:#dry-run:top" if dry else "outerHTML show:#compose:top"
    return response


async def checked_body(request: web.Request, form: ComposeForm) -> tuple[BroadcastCreate | None, dict[str, str]]:
    errors = await attach_upload(request, form)  # first: the file is kept even when the rest is wrong
    data, picker_errors = body_data(request, form)
    errors.update(picker_errors)
    body, problems = checked(request, BroadcastCreate, data)
    errors = {**beside_fields(problems, form, from_model=True), **errors}
    return (body if not errors else None), errors


async def try_dry_run(request: web.Request, form: ComposeForm,
                      body: BroadcastCreate) -> tuple[dict[str, Any] | None, dict[str, str]]:
    try:
        dry = await request.config_dict[SERVICES].broadcasts.dry_run(actor_of(request), body.draft())
    except InvalidInput as exc:
        return None, beside_fields(exc.fields or {"": exc.message}, form, from_model=False)
    return {**dry, "confirm": fingerprint(body), "schedule_at": body.schedule_at}, {}


async def compose(request: web.Request) -> web.Response:
    return await show_form(request, ComposeForm(), {})


async def preview(request: web.Request) -> web.Response:
    form = await read_form(request)
    body, errors = await checked_body(request, form)
    if body is None:
        return await show_form(request, form, errors, status=422)
    dry, errors = await try_dry_run(request, form, body)
    return await show_form(request, form, errors, dry=dry, status=422 if errors else 200)


async def send(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    body, errors = await checked_body(request, form)
    if body is None:
        return await show_form(request, form, errors, status=422)
    if form.confirmed != fingerprint(body):  # not previewed, or changed since: show the count first
        dry, errors = await try_dry_run(request, form, body)
        return await show_form(request, form, errors, dry=dry, status=422 if errors else 200,
                               note="" if errors else PREVIEW_FIRST)
    try:
        broadcast = await request.config_dict[SERVICES].broadcasts.do_create(actor_of(request), body.draft())
    except InvalidInput as exc:
        return await show_form(request, form, beside_fields(exc.fields or {"": exc.message}, form, from_model=False),
                               status=422)
    said = "scheduled" if broadcast.status == "scheduled" else "sent"
    return see_other(f"/console/notices/{broadcast.id}?said={said}")
