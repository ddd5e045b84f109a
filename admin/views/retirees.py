"""The roster (台账): list, read, add, edit, delete, import, export."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args
from urllib.parse import unquote

import aiohttp.http_exceptions
from aiohttp import BodyPartReader, web
from pydantic import BaseModel, Field

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import Id, Page, PageQuery, Strict, TooLarge, parse_json, parse_query, path_id, respond
from yinling.errors import InvalidInput
from yinling.models import RETIREE_TAGS, FamilyContact, Gender, RetireeRecord, RetirementType, RosterFilter, SaneDate

MAX_PER_PAGE = 100
Tag = Literal["独居", "丧偶", "患病", "失能", "空巢", "异地居住", "特殊困难"]  # RETIREE_TAGS, as a schema enum
FilterTag = Literal["独居", "丧偶", "患病", "失能", "空巢", "异地居住", "特殊困难", "高龄"]
# A viewer (a leader) sees statistics and non-sensitive fields only.
VIEWER_HIDDEN = {"phones", "address", "health_notes", "family"}


class FamilyIn(Strict):
    name: str = Field(min_length=1, max_length=50)
    relation: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=30)


class RetireeWrite(Strict):
    """Fields staff write. In PATCH every field is optional and only those sent change."""

    name: str = Field(None, min_length=1, max_length=50, description="may be changed, not removed")  # type: ignore[assignment]
    gender: Gender | None = None
    birth_date: SaneDate | None = None
    phones: list[str] | None = Field(None, max_length=5)
    address: str | None = Field(None, max_length=200)
    former_unit: str | None = Field(None, max_length=100)
    former_post: str | None = Field(None, max_length=100)
    retirement_type: RetirementType | None = None
    party_member: bool | None = None
    party_join_date: SaneDate | None = None
    liaison_id: Id | None = None
    tags: list[Tag] | None = Field(None, max_length=10)
    hobbies: str | None = Field(None, max_length=500)
    health_notes: str | None = Field(None, max_length=2000)
    family: FamilyIn | None = None
    sensitive_consent: bool | None = None
    notes: str | None = Field(None, max_length=2000)


class RetireeCreate(RetireeWrite):
    name: str = Field(min_length=1, max_length=50)


class RetireeOut(BaseModel):
    id: int
    name: str
    gender: Gender | None = None
    birth_date: date | None = None
    age: int | None = None
    phones: list[str] | None = Field(None, description="absent for viewers")
    address: str | None = Field(None, description="absent for viewers")
    former_unit: str | None = None
    former_post: str | None = None
    retirement_type: RetirementType | None = None
    party_member: bool = False
    party_join_date: date | None = None
    liaison_id: int | None = None
    liaison_name: str | None = None
    tags: list[str] = Field(description="stored tags, plus 高龄 when 80 or older; a viewer gets no sensitive tags")
    hobbies: str | None = None
    health_notes: str | None = Field(None, description="absent for viewers")
    family: FamilyContact | None = Field(None, description="absent for viewers")
    sensitive_consent: bool = False
    notes: str | None = None
    telegram_bound: bool = False
    reachable: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


class RetireeQuery(PageQuery):
    liaison_id: Id | None = None
    tag: FilterTag | None = None
    q: str | None = Field(None, max_length=50, description="part of a name or phone number (a viewer: of a name only)")
    bound: bool | None = None
    reachable: bool | None = None


RetireePage = Page[RetireeOut]


def retiree_out(request: web.Request, record: RetireeRecord) -> dict:
    age, tags = request.app[SERVICES].roster.age_and_tags(record)
    out = RetireeOut.model_validate({**record.model_dump(), "tags": tags, "age": age, "phones": list(record.phones)})
    hidden = VIEWER_HIDDEN if actor_of(request).role == "viewer" else set()
    return out.model_dump(mode="json", exclude=hidden)


async def list_retirees(request: web.Request) -> web.Response:
    query = parse_query(request, RetireeQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    filters = RosterFilter(**query.model_dump(include={"liaison_id", "tag", "q", "bound", "reachable"}))
    items, total = await request.app[SERVICES].roster.list_retirees(
        actor_of(request), filters, page=query.page, per_page=per_page
    )
    return respond({"items": [retiree_out(request, r) for r in items], "total": total,
                    "page": query.page, "per_page": per_page})


async def get_retiree(request: web.Request) -> web.Response:
    record = await request.app[SERVICES].roster.get_retiree(actor_of(request), path_id(request))
    return respond(retiree_out(request, record))


async def create_retiree(request: web.Request) -> web.Response:
    body = await parse_json(request, RetireeCreate)
    record = await request.app[SERVICES].roster.do_create(actor_of(request), body.model_dump())
    return respond(retiree_out(request, record), status=201)


async def update_retiree(request: web.Request) -> web.Response:
    body = await parse_json(request, RetireeWrite)
    record = await request.app[SERVICES].roster.do_update(
        actor_of(request), path_id(request), body.model_dump(exclude_unset=True)
    )
    return respond(retiree_out(request, record))


async def delete_retiree(request: web.Request) -> web.Response:
    await request.app[SERVICES].roster.do_delete(actor_of(request), path_id(request))
    return web.Response(status=204)


class ImportResult(BaseModel):
    created: int
    updated: int
    warnings: list[str]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_LIMIT = 10 * 1024 * 1024


async def import_retirees(request: web.Request) -> web.Response:
    """multipart/form-data with one file field `file` (.xlsx or .csv)."""
    filename, data = await uploaded_file(request)
    result = await request.app[SERVICES].roster.do_import(actor_of(request), filename, data)
    return respond(ImportResult(**result))


async def export_retirees(request: web.Request) -> web.Response:
    data = await request.app[SERVICES].roster.export(actor_of(request))
    return web.Response(
        body=data, content_type=XLSX,
        headers={"Content-Disposition":
                 "attachment; filename=\"roster.xlsx\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx"},
    )


async def uploaded_file(request: web.Request) -> tuple[str, bytes]:
    if not request.content_type.startswith("multipart/"):
        raise InvalidInput("upload the file as multipart/form-data", fields={"file": "missing"})
    if request.content_length is not None and request.content_length > IMPORT_LIMIT:
        raise TooLarge("file over 10 MB")
    try:
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.name == "file":  # not a nested multipart
                data = await part.read(decode=False)
                if len(data) > IMPORT_LIMIT:
                    raise TooLarge("file over 10 MB")
                # Some clients (aiohttp among them) send a non-ASCII file name percent-encoded.
                return unquote(part.filename or "upload"), bytes(data)
    except (ValueError, aiohttp.http_exceptions.HttpProcessingError):  # no boundary, broken part headers
        raise InvalidInput("the upload is not well-formed multipart/form-data", fields={"file": "malformed"}) from None
    raise InvalidInput("no file field in the upload", fields={"file": "missing"})


assert set(get_args(Tag)) == set(RETIREE_TAGS)  # the schema's enum is the product's list
