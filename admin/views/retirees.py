"""The roster (台账): list, read, add, edit, delete, import, export."""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Literal, get_args
from urllib.parse import unquote

import aiohttp.http_exceptions
from aiohttp import BodyPartReader, web
from pydantic import BaseModel, Field

from admin.auth import actor_of
from admin.keys import SERVICES, SETTINGS
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


def retiree_out(request: web.Request, record: RetireeRecord, status: int = 200) -> web.Response:
    """One retiree's file as the caller may see it (a viewer: without VIEWER_HIDDEN)."""
    age, tags = request.app[SERVICES].roster.age_and_tags(record)
    out = RetireeOut.model_validate({**record.model_dump(), "tags": tags, "age": age, "phones": list(record.phones)})
    hidden = VIEWER_HIDDEN if actor_of(request).role == "viewer" else set()
    return respond(out, status, exclude=hidden)


# A listed retiree's fields, in RetireeOut's order; created_at and updated_at are added here, in the
# office's time. The page is written by SQLite as JSON (yinling/store/roster_search.py): no model per row.
LIST_FIELDS = tuple(name for name in RetireeOut.model_fields if name not in ("created_at", "updated_at"))
VIEWER_LIST_FIELDS = tuple(name for name in LIST_FIELDS if name not in VIEWER_HIDDEN)


async def list_retirees(request: web.Request) -> web.Response:
    query = parse_query(request, RetireeQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    filters = RosterFilter(**query.model_dump(include={"liaison_id", "tag", "q", "bound", "reachable"}))
    actor = actor_of(request)
    tz = request.app[SETTINGS].tz
    items, total = await request.app[SERVICES].roster.list_retirees(
        actor, filters, page=query.page, per_page=per_page,
        fields=VIEWER_LIST_FIELDS if actor.role == "viewer" else LIST_FIELDS,
    )
    listed = ",".join(f'{item.body[:-1]},"created_at":"{office_time(item.created_at, tz)}",'
                      f'"updated_at":"{office_time(item.updated_at, tz)}"}}' for item in items)
    return web.Response(text=f'{{"items":[{listed}],"total":{total},"page":{query.page},"per_page":{per_page}}}',
                        content_type="application/json")


def office_time(moment: str, tz: tzinfo) -> str:
    """A moment as the API says every moment: in the office's offset. SQLite has said most already
    (yinling/store/roster_search.py steady_offset); the rest come as stored (ISO 8601 UTC, ending in Z)."""
    return datetime.fromisoformat(moment).astimezone(tz).isoformat() if moment.endswith("Z") else moment


async def get_retiree(request: web.Request) -> web.Response:
    record = await request.app[SERVICES].roster.get_retiree(actor_of(request), path_id(request))
    return retiree_out(request, record)


async def create_retiree(request: web.Request) -> web.Response:
    body = await parse_json(request, RetireeCreate)
    record = await request.app[SERVICES].roster.do_create(actor_of(request), body.model_dump())
    return retiree_out(request, record, status=201)


async def update_retiree(request: web.Request) -> web.Response:
    body = await parse_json(request, RetireeWrite)
    record = await request.app[SERVICES].roster.do_update(
        actor_of(request), path_id(request), body.model_dump(exclude_unset=True)
    )
    return retiree_out(request, record)


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
        raise InvalidInput("请用 multipart/form-data 方式上传文件", fields={"file": "没有上传文件"})
    if request.content_length is not None and request.content_length > IMPORT_LIMIT:
        raise TooLarge("文件太大，最多 10 MB")
    try:
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.name == "file":  # not a nested multipart
                data = await part.read(decode=False)
                if len(data) > IMPORT_LIMIT:
                    raise TooLarge("文件太大，最多 10 MB")
                # Some clients (aiohttp among them) send a non-ASCII file name percent-encoded.
                return unquote(part.filename or "upload"), bytes(data)
    except (ValueError, aiohttp.http_exceptions.HttpProcessingError):  # no boundary, broken part headers
        raise InvalidInput("上传的内容格式不对", fields={"file": "格式不对"}) from None
    raise InvalidInput("上传的内容里没有 file 这一项", fields={"file": "没有上传文件"})


assert set(get_args(Tag)) == set(RETIREE_TAGS)  # the schema's enum is the product's list
