"""Broadcast notices (通知公告): send (or try, dry_run), schedule, report, cancel, remind, attach."""
from __future__ import annotations

from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints, model_validator

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import Id, PageQuery, Strict, parse_json, parse_query, path_id, respond
from admin.views.activities import Tag
from admin.views.retirees import uploaded_file
from yinling.models import (
    MAX_LISTED_RETIREES,
    Attachment,
    Broadcast,
    BroadcastAudience,
    BroadcastAudienceKind,
    BroadcastDraft,
    SaneAwareDatetime,
    audience_problem,
)
from yinling.services.broadcasts import TEXT_LIMIT

MAX_PER_PAGE = 100


class BroadcastAudienceBody(Strict):
    kind: BroadcastAudienceKind = "everyone"
    tags: list[Tag] = Field(default_factory=list, max_length=20, description="kind 'tags': any of these")
    liaison_ids: list[Id] = Field(
        default_factory=list, max_length=200,
        description="kind 'liaisons': these liaisons' retirees (a liaison: only their own id)")
    activity_id: Id | None = Field(None, description="kind 'activity': its registrants, confirmed and waiting")
    retiree_ids: list[Id] = Field(default_factory=list, max_length=MAX_LISTED_RETIREES,
                                  description="kind 'retirees': these retirees")

    @model_validator(mode="after")
    def _complete(self) -> BroadcastAudienceBody:
        if self.kind in ("everyone", "tags", "party_members", "liaisons"):
            problem = audience_problem(self.kind, self.tags, self.liaison_ids)
            if problem is None and (self.activity_id is not None or self.retiree_ids):
                problem = f"kind 是 {self.kind} 时，不能给 activity_id 或 retiree_ids"
        elif self.tags or self.liaison_ids:
            problem = f"kind 是 {self.kind} 时，不能给 tags 或 liaison_ids"
        elif (self.kind == "activity") != (self.activity_id is not None):
            problem = "activity_id 只在 kind 是 activity 时给，而且那时必须给"
        elif (self.kind == "retirees") != bool(self.retiree_ids):
            problem = "retiree_ids 只在 kind 是 retirees 时给，而且那时不能为空"
        else:
            problem = None
        if problem:
            raise ValueError(problem)
        return self

    def to_audience(self) -> BroadcastAudience:
        return BroadcastAudience(kind=self.kind, tags=tuple(dict.fromkeys(self.tags)),
                                 liaison_ids=tuple(dict.fromkeys(self.liaison_ids)), activity_id=self.activity_id,
                                 retiree_ids=tuple(dict.fromkeys(self.retiree_ids)))


class BroadcastCreate(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LIMIT)]
    audience: BroadcastAudienceBody = Field(default_factory=BroadcastAudienceBody)
    attachment_id: Id | None = Field(None, description="a photo or document from POST /api/v1/broadcasts/attachments")
    schedule_at: SaneAwareDatetime | None = Field(None, description="send then (must be ahead); default: now")
    require_ack: bool = Field(False, description="ask each recipient to tap 已阅")
    dry_run: bool = Field(False, description="only count the recipients and show the preview; nothing is sent")

    def draft(self) -> BroadcastDraft:
        return BroadcastDraft(text=self.text, audience=self.audience.to_audience(), attachment_id=self.attachment_id,
                              schedule_at=self.schedule_at, require_ack=self.require_ack)


class BroadcastOut(Broadcast):
    pass


class DryRun(BaseModel):
    dry_run: Literal[True] = True
    recipients: int = Field(description="everyone in the audience now")
    reachable: int = Field(description="of them, in the chat and reachable")
    not_in_chat: int = Field(description="to be phoned by their liaisons")
    preview: str = Field(description="the text as retirees will see it")
    buttons: list[str]


class Counts(BaseModel):
    recipients: int
    not_in_chat: int = Field(description="not reachable in the chat when it was sent")
    queued: int = Field(description="waiting for their turn (the first notice)")
    claimed: int = Field(description="being sent")
    sent: int
    failed: int = Field(description="failed for another reason (see failures)")
    blocked: int = Field(description="blocked the bot or left Telegram: now unreachable, not retried")
    cancelled: int
    acknowledged: int


class Failure(BaseModel):
    retiree_id: int
    name: str
    liaison_id: int | None
    error: str | None


class Unreachable(BaseModel):
    retiree_id: int
    name: str
    liaison_id: int | None
    liaison_name: str | None
    phone: str | None = Field(description="only for callers who may see contact details")


class Pending(BaseModel):
    retiree_id: int
    name: str
    liaison_id: int | None


class BroadcastReport(BaseModel):
    broadcast: BroadcastOut
    report: Counts
    failures: list[Failure]
    unreachable: list[Unreachable] = Field(description="for their liaisons to phone")
    not_acknowledged: list[Pending] = Field(description="require_ack: reachable recipients who have not tapped 已阅")


class BroadcastPage(BaseModel):
    items: list[BroadcastOut]
    total: int
    page: int
    per_page: int


class Stopped(BaseModel):
    broadcast: BroadcastOut
    stopped: int = Field(description="notices not sent because of this")


class Reminded(BaseModel):
    broadcast: BroadcastOut
    queued: int = Field(description="reminders queued")


class AttachmentOut(BaseModel):
    id: int
    kind: Literal["photo", "document"]
    filename: str
    size: int


def _report(data: dict) -> BroadcastReport:
    return BroadcastReport(broadcast=BroadcastOut(**data["broadcast"].model_dump()), report=Counts(**data["counts"]),
                           failures=[Failure(**f.model_dump()) for f in data["failures"]],
                           unreachable=[Unreachable(**u.model_dump()) for u in data["unreachable"]],
                           not_acknowledged=[Pending(**p.model_dump()) for p in data["not_acknowledged"]])


async def create_broadcast(request: web.Request) -> web.Response:
    body = await parse_json(request, BroadcastCreate)
    service = request.app[SERVICES].broadcasts
    if body.dry_run:
        return respond(DryRun(**await service.dry_run(actor_of(request), body.draft())))
    broadcast = await service.do_create(actor_of(request), body.draft())
    return respond(_report(await service.report(actor_of(request), broadcast.id)), status=201)


async def list_broadcasts(request: web.Request) -> web.Response:
    query = parse_query(request, PageQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    items, total = await request.app[SERVICES].broadcasts.page(actor_of(request), page=query.page, per_page=per_page)
    return respond(BroadcastPage(items=[BroadcastOut(**b.model_dump()) for b in items], total=total,
                                 page=query.page, per_page=per_page))


async def get_broadcast(request: web.Request) -> web.Response:
    return respond(_report(await request.app[SERVICES].broadcasts.report(actor_of(request), path_id(request))))


async def cancel_broadcast(request: web.Request) -> web.Response:
    broadcast, stopped = await request.app[SERVICES].broadcasts.do_cancel(actor_of(request), path_id(request))
    return respond(Stopped(broadcast=BroadcastOut(**broadcast.model_dump()), stopped=stopped))


async def remind_broadcast(request: web.Request) -> web.Response:
    broadcast, queued = await request.app[SERVICES].broadcasts.do_remind(actor_of(request), path_id(request))
    return respond(Reminded(broadcast=BroadcastOut(**broadcast.model_dump()), queued=queued))


async def upload_attachment(request: web.Request) -> web.Response:
    """multipart/form-data with one file field `file`: a photo or a document."""
    filename, data = await uploaded_file(request)
    attachment: Attachment = await request.app[SERVICES].broadcasts.do_attach(actor_of(request), filename, data)
    return respond(AttachmentOut(**attachment.model_dump()), status=201)
