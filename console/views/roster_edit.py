"""台账 changes: add a retiree, edit one, delete one (PIPL erasure, after a confirmation), and import a
spreadsheet (admins) with the service's row report shown as a table.

Forms are checked with the API's write models (RetireeCreate / RetireeWrite) and written by the
roster service, whose rules (who may change the liaison, consent for sensitive fields, valid phones)
come back as errors beside the fields, in Chinese."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from multidict import MultiDictProxy

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import path_id
from admin.views.retirees import IMPORT_LIMIT, RetireeCreate, RetireeWrite
from console.forms import FIELD_MAX, checked
from console.page import ADMIN, STAFF, Page
from console.render import render, see_other
from yinling.errors import InvalidInput
from yinling.models import RETIREE_TAGS, Actor, RetireeRecord
from yinling.roster_columns import TEMPLATE_HEADERS

TEXT_FIELDS = ("name", "address", "former_unit", "former_post", "hobbies", "health_notes", "notes")
CHOICE_FIELDS = ("gender", "retirement_type", "birth_date", "party_join_date")  # empty: not known
YES_NO_FIELDS = ("party_member", "sensitive_consent")  # selects: "1" yes, "0" no
FAMILY_PARTS = ("name", "relation", "phone")
PHONE_SEPARATORS = re.compile(r"[,，、;；/\n]+")  # not spaces: "139 0000 0077" is one number

Form = MultiDictProxy[str | bytes | bytearray | web.FileField]  # what request.post() gives


def text_of(form: Form, name: str) -> str:
    value = form.get(name, "")
    return value[:FIELD_MAX].strip() if isinstance(value, str) else ""


def write_data(form: Form) -> dict[str, Any]:
    """The form as the API's write body: only the fields the form holds (so an edit changes what it
    shows), empty text as none, phones split, tags from their boxes, the family contact as one."""
    data: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in form:
            data[name] = text_of(form, name) or ("" if name == "name" else None)  # a name is never removed
    for name in CHOICE_FIELDS:
        if name in form:
            data[name] = text_of(form, name) or None
    for name in YES_NO_FIELDS:
        if name in form:
            data[name] = text_of(form, name) == "1"
    if "phones" in form:
        data["phones"] = [p.strip() for p in PHONE_SEPARATORS.split(text_of(form, "phones")) if p.strip()]
    if "liaison_id" in form:  # an admin's form has it; the service refuses anyone else who sends it
        data["liaison_id"] = text_of(form, "liaison_id") or None
    if "tags_shown" in form:  # boxes left unticked send nothing: the marker says the tags were on the form
        data["tags"] = [t for t in form.getall("tags", []) if isinstance(t, str) and t]
    if any(f"family_{part}" in form for part in FAMILY_PARTS):
        family = {part: text_of(form, f"family_{part}") or None for part in FAMILY_PARTS}
        data["family"] = {**family, "name": family["name"] or ""} if any(family.values()) else None
    return data


def beside(errors: dict[str, str]) -> dict[str, str]:
    """Errors named as the form's fields: phones.1 -> phones, family.phone -> family_phone."""
    named: dict[str, str] = {}
    for key, message in errors.items():
        head, _, rest = key.partition(".")
        part = rest.split(".", 1)[0]
        named.setdefault(f"family_{part}" if head == "family" and part in FAMILY_PARTS else head, message)
    return named


def record_values(record: RetireeRecord) -> dict[str, Any]:
    """A stored file as the form's values."""
    values: dict[str, Any] = {name: getattr(record, name) or "" for name in TEXT_FIELDS}
    values.update({name: str(getattr(record, name) or "") for name in CHOICE_FIELDS})
    values.update({name: "1" if getattr(record, name) else "0" for name in YES_NO_FIELDS})
    values.update(phones="，".join(record.phones), liaison_id=str(record.liaison_id or ""), tags=list(record.tags))
    family = record.family
    values.update({f"family_{part}": (getattr(family, part) or "") if family else "" for part in FAMILY_PARTS})
    return values


FORM_NAMES = (*TEXT_FIELDS, *CHOICE_FIELDS, *YES_NO_FIELDS, "phones", "liaison_id",
              *(f"family_{part}" for part in FAMILY_PARTS))


def form_values(form: Form) -> dict[str, Any]:
    """What was typed, to show again beside the errors."""
    values: dict[str, Any] = {name: text_of(form, name) for name in FORM_NAMES}
    values["tags"] = [t for t in form.getall("tags", []) if isinstance(t, str)]
    return values


async def liaison_options(request: web.Request, actor: Actor, record: RetireeRecord | None
                          ) -> list[tuple[str, str]] | None:
    """Whom an admin may make the liaison (active admins and liaisons), and the present one even when
    no longer active, so that saving never drops them unseen; None for others: they see the liaison
    without a choice."""
    if actor.role != "admin":
        return None
    staff = await request.config_dict[SERVICES].staff.list_staff()
    options = [("", "（暂不指定）"), *[(str(s.id), s.display_name) for s in staff if s.active and s.role != "viewer"]]
    if record is not None and record.liaison_id and str(record.liaison_id) not in dict(options):
        options.append((str(record.liaison_id), f"{record.liaison_name or record.liaison_id}（已停用）"))
    return options


async def edit_page(request: web.Request, *, record: RetireeRecord | None, values: dict[str, Any],
                    errors: dict[str, str], status: int = 200) -> web.Response:
    actor = actor_of(request)
    return render(request, "roster_edit.html", {
        "record": record, "values": values, "errors": beside(errors), "all_tags": RETIREE_TAGS,
        "liaisons": await liaison_options(request, actor, record),
        "liaison_name": record.liaison_name if record else actor.staff.display_name,
        "action": f"/console/roster/{record.id}/edit" if record else "/console/roster/new",
    }, status=status)


async def new_form(request: web.Request) -> web.Response:
    values = {**{name: "" for name in FORM_NAMES}, "sensitive_consent": "0", "party_member": "0", "tags": []}
    return await edit_page(request, record=None, values=values, errors={})


async def create(request: web.Request) -> web.Response:
    form = await request.post()
    model, errors = checked(request, RetireeCreate, write_data(form))
    if model is not None:
        try:
            record = await request.config_dict[SERVICES].roster.do_create(actor_of(request), model.model_dump())
            return see_other(f"/console/roster/{record.id}")
        except InvalidInput as exc:
            errors = exc.fields or {"": exc.message}
    return await edit_page(request, record=None, values=form_values(form), errors=errors, status=422)


async def edit_form(request: web.Request) -> web.Response:
    record = await request.config_dict[SERVICES].roster.get_retiree(actor_of(request), path_id(request))
    return await edit_page(request, record=record, values=record_values(record), errors={})


async def update(request: web.Request) -> web.Response:
    roster = request.config_dict[SERVICES].roster
    actor, retiree_id = actor_of(request), path_id(request)
    form = await request.post()
    model, errors = checked(request, RetireeWrite, write_data(form))
    if model is not None:
        try:
            await roster.do_update(actor, retiree_id, model.model_dump(exclude_unset=True))  # scoped there
            return see_other(f"/console/roster/{retiree_id}")
        except InvalidInput as exc:
            errors = exc.fields or {"": exc.message}
    record = await roster.get_retiree(actor, retiree_id)  # scope, also when the form itself was wrong
    return await edit_page(request, record=record, values=form_values(form), errors=errors, status=422)


async def delete_form(request: web.Request) -> web.Response:
    record = await request.config_dict[SERVICES].roster.get_retiree(actor_of(request), path_id(request))
    return render(request, "roster_delete.html", {"record": record, "errors": {}})


async def delete(request: web.Request) -> web.Response:
    """Only with the box ticked that says what is lost: the erasure cannot be undone."""
    roster = request.config_dict[SERVICES].roster
    actor, retiree_id = actor_of(request), path_id(request)
    record = await roster.get_retiree(actor, retiree_id)
    form = await request.post()
    if form.get("confirm") != "yes":
        return render(request, "roster_delete.html", {
            "record": record, "errors": {"confirm": "请先勾选上面这一项，确认要删除。"}}, status=422)
    await roster.do_delete(actor, retiree_id)
    return see_other("/console/roster?notice=deleted")


def import_page(request: web.Request, *, errors: dict[str, str] | None = None, rows: list[dict] | None = None,
                result: dict[str, Any] | None = None, status: int = 200) -> web.Response:
    return render(request, "roster_import.html", {
        "errors": errors or {}, "rows": rows or [], "result": result, "headers": TEMPLATE_HEADERS,
    }, status=status)


async def import_form(request: web.Request) -> web.Response:
    return import_page(request)


async def import_file(request: web.Request) -> web.Response:
    """All or nothing, as the service imports: every bad row in a table, or how many were added."""
    upload = (await request.post()).get("file")
    if not isinstance(upload, web.FileField) or not upload.filename:
        return import_page(request, errors={"file": "请先选择要导入的文件（.xlsx 或 .csv）"}, status=422)
    data = upload.file.read(IMPORT_LIMIT + 1)
    if len(data) > IMPORT_LIMIT:
        return import_page(request, errors={"file": "文件太大，最多 10 MB"}, status=422)
    try:
        result = await request.config_dict[SERVICES].roster.do_import(
            actor_of(request), unquote(upload.filename), data)  # some browsers percent-encode the name
    except InvalidInput as exc:
        return import_page(request, errors={"file": exc.fields.get("file") or exc.message, "": exc.message},
                           rows=exc.extra.get("rows"), status=422)
    return import_page(request, result=result)


PAGES: tuple[Page, ...] = (
    Page("GET", "/roster/new", new_form, STAFF, "Add a retiree: the form"),
    Page("POST", "/roster/new", create, STAFF, "Add a retiree (RetireeCreate, errors beside the fields)"),
    Page("GET", "/roster/{id}/edit", edit_form, STAFF, "Edit a retiree's file: the form"),
    Page("POST", "/roster/{id}/edit", update, STAFF, "Save a retiree's file (RetireeWrite; only admins reassign)"),
    Page("GET", "/roster/{id}/delete", delete_form, STAFF, "Delete a retiree (PIPL erasure): the confirmation"),
    Page("POST", "/roster/{id}/delete", delete, STAFF, "Delete a retiree, once confirmed"),
    Page("GET", "/roster/import", import_form, ADMIN, "Import .xlsx/.csv: the form"),
    Page("POST", "/roster/import", import_file, ADMIN, "Import .xlsx/.csv: the row report, or the counts"),
)
