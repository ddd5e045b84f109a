"""Activities (活动报名): publish, change, cancel; registrations, export, check-in."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints, model_validator

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import (
    ISO_MOMENT,
    Id,
    PageQuery,
    Strict,
    parse_json,
    parse_query,
    path_id,
    recent_period,
    respond,
)
from admin.views.retirees import XLSX
from yinling.models import (
    AUDIENCE_TAGS,
    Activity,
    ActivityFields,
    ActivityKind,
    ActivityRegistration,
    Audience,
    AudienceKind,
    SaneAwareDatetime,
    audience_problem,
)

MAX_PER_PAGE = 100
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Capacity = Annotated[int, Field(ge=1, le=10_000)]
Tag = Literal[AUDIENCE_TAGS]  # type: ignore[valid-type]


class AudienceBody(Strict):
    kind: AudienceKind = "everyone"
    tags: list[Tag] = Field(default_factory=list, max_length=len(AUDIENCE_TAGS),
                            description="kind 'tags': any of these (高龄 is computed from the birth date)")
    liaison_ids: list[Id] = Field(default_factory=list, max_length=200,
                                  description="kind 'liaisons': these liaisons' retirees")

    @model_validator(mode="after")
    def _complete(self) -> AudienceBody:
        if problem := audience_problem(self.kind, self.tags, self.liaison_ids):
            raise ValueError(problem)
        return self

    def to_audience(self) -> Audience:
        return Audience(kind=self.kind, tags=tuple(dict.fromkeys(self.tags)),
                        liaison_ids=tuple(dict.fromkeys(self.liaison_ids)))


class ActivityCreate(Strict):
    title: Title
    kind: ActivityKind
    description: Description = ""
    place: Place
    starts_at: SaneAwareDatetime
    ends_at: SaneAwareDatetime
    signup_deadline: SaneAwareDatetime | None = Field(None, description="defaults to starts_at")
    capacity: Capacity
    audience: AudienceBody = Field(default_factory=AudienceBody)
    companion_allowed: bool = Field(False, description="one family companion may come (counted beside the seats)")
    ask_transport: bool = Field(False, description="ask each retiree 需要接送吗?")
    notify: bool = Field(False, description="tell the audience's retirees in the chat now (bulk priority)")

    def fields(self) -> ActivityFields:
        data = self.model_dump(exclude={"notify", "audience", "signup_deadline"})
        return ActivityFields(**data, audience=self.audience.to_audience(),
                              signup_deadline=self.signup_deadline or self.starts_at)


class ActivityPatch(Strict):
    """Only the fields sent change; null is refused (every field has a value)."""

    title: Title = None  # type: ignore[assignment]
    kind: ActivityKind = None  # type: ignore[assignment]
    description: Description = None  # type: ignore[assignment]
    place: Place = None  # type: ignore[assignment]
    starts_at: SaneAwareDatetime = None  # type: ignore[assignment]
    ends_at: SaneAwareDatetime = None  # type: ignore[assignment]
    signup_deadline: SaneAwareDatetime = None  # type: ignore[assignment]
    capacity: Capacity = Field(None, description="a larger capacity gives seats to the waiting list at once")  # type: ignore[assignment]
    audience: AudienceBody = None  # type: ignore[assignment]
    companion_allowed: bool = None  # type: ignore[assignment]
    ask_transport: bool = None  # type: ignore[assignment]

    def changes(self) -> dict:
        changed = {name: getattr(self, name) for name in self.model_fields_set}
        if "audience" in changed:
            changed["audience"] = self.audience.to_audience()
        return changed


class ActivityOut(Activity):
    seats_left: int = Field(description="capacity minus confirmed")
    confirmed: int
    waiting: int
    companions: int = Field(description="confirmed retirees bringing a family companion")


class ActivityCreated(ActivityOut):
    notified: int = Field(description="retirees told in the chat (queued at bulk priority)")


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    total: int
    page: int
    per_page: int


class ActivityQuery(PageQuery):
    when: Literal["upcoming", "past", "all"] = Field("upcoming", description="upcoming includes those going on now")
    kind: ActivityKind | None = None


class RegistrationOut(ActivityRegistration):
    position: int | None = Field(None, description="place in the whole waiting list (waiting only)")
    phone: str | None = Field(None, description="only for retirees the caller may see (admins: all; a liaison: own)")
    address: str | None = None


class RegistrationList(BaseModel):
    """A liaison gets their own retirees' rows only (and the sums below over those); `activity`'s
    counts and each waiting row's `position` are over the whole activity."""

    activity: ActivityOut
    confirmed: list[RegistrationOut]
    waiting: list[RegistrationOut] = Field(description="in order: the first is promoted first")
    cancelled: list[RegistrationOut]
    companions: int
    transport_needed: int
    attended: int
    no_shows: int


class CancelBody(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class CheckinBody(Strict):
    retiree_id: Id | None = None
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4,7}$")] | None = Field(
        None, description="the check-in code the retiree was shown")

    @model_validator(mode="after")
    def _one(self) -> CheckinBody:
        if (self.retiree_id is None) == (self.code is None):
            raise ValueError("retiree_id 和 code 请只填一个")
        return self


class CheckinOut(BaseModel):
    registration: RegistrationOut
    already: bool = Field(description="was already checked in")


class StatsQuery(Strict):
    from_: str | None = Field(None, alias="from", pattern=ISO_MOMENT,
                              description="activities starting from: 2026-11-01 (local midnight) or "
                                          "2026-11-01T08:00:00+08:00; default 30 days before to")
    to: str | None = Field(None, pattern=ISO_MOMENT, description="starting before (exclusive); default now")


class Turnout(BaseModel):
    """Registrations counted in the caller's scope (a liaison: their own retirees')."""

    confirmed: int = Field(description="报上名: confirmed places")
    waiting: int = Field(description="still on the waiting list")
    attended: int = Field(description="参与人次: confirmed and checked in")
    companions: int = Field(description="family companions who came with those checked in (not in attended)")
    no_shows: int = Field(description="confirmed, marked absent after the end")
    not_checked_in: int = Field(description="confirmed, neither checked in nor yet marked absent")
    attendance_rate: float | None = Field(description="到场率: attended / (attended + no_shows)")


class ActivityTurnout(Turnout):
    id: int
    title: str
    kind: ActivityKind
    place: str
    starts_at: datetime
    ends_at: datetime


class TurnoutTotals(Turnout):
    activities: int = Field(description="activities held (not cancelled)")


class KindTurnout(TurnoutTotals):
    kind: ActivityKind


class ActivityStats(BaseModel):
    from_: datetime = Field(alias="from", serialization_alias="from")
    to: datetime
    overall: TurnoutTotals
    by_kind: list[KindTurnout] = Field(description="the kinds held in the period, in the menu's order")
    activities: list[ActivityTurnout] = Field(description="not cancelled, starting in the period, soonest first")


def out(activity: Activity) -> ActivityOut:
    return ActivityOut(**activity.model_dump(), seats_left=activity.open_seats)


async def list_activities(request: web.Request) -> web.Response:
    query = parse_query(request, ActivityQuery)
    per_page = min(query.per_page, MAX_PER_PAGE)
    items, total = await request.app[SERVICES].activities.page(when=query.when, kind=query.kind, page=query.page,
                                                               per_page=per_page, actor=actor_of(request))
    return respond(ActivityPage(items=[out(a) for a in items], total=total, page=query.page, per_page=per_page))


async def create_activity(request: web.Request) -> web.Response:
    body = await parse_json(request, ActivityCreate)
    activity, told = await request.app[SERVICES].activities.do_create(actor_of(request), body.fields(),
                                                                      notify=body.notify)
    return respond(ActivityCreated(**out(activity).model_dump(), notified=told), status=201)


async def get_activity(request: web.Request) -> web.Response:
    return respond(out(await request.app[SERVICES].activities.get(path_id(request), actor_of(request))))


async def update_activity(request: web.Request) -> web.Response:
    body = await parse_json(request, ActivityPatch)
    activity = await request.app[SERVICES].activities.do_update(actor_of(request), path_id(request), body.changes())
    return respond(out(activity))


async def cancel_activity(request: web.Request) -> web.Response:
    body = await parse_json(request, CancelBody)
    activity = await request.app[SERVICES].activities.do_cancel(actor_of(request), path_id(request), body.reason)
    return respond(out(activity))


def _registration_out(registration: ActivityRegistration, contacts: dict, position: int | None) -> RegistrationOut:
    phone, address = contacts.get(registration.retiree_id, (None, None))
    return RegistrationOut(**registration.model_dump(), position=position, phone=phone, address=address)


async def list_registrations(request: web.Request) -> web.Response:
    activity, registrations, contacts, positions = await request.app[SERVICES].activities.registrations(
        actor_of(request), path_id(request))
    groups: dict[str, list[RegistrationOut]] = {"confirmed": [], "waiting": [], "cancelled": []}
    for registration in registrations:  # in arrival order
        groups[registration.status].append(_registration_out(registration, contacts, positions.get(registration.id)))
    confirmed = groups["confirmed"]
    return respond(RegistrationList(
        activity=out(activity), **groups,
        companions=sum(r.companion for r in confirmed), transport_needed=sum(r.needs_transport for r in confirmed),
        attended=sum(r.attendance == "attended" for r in confirmed),
        no_shows=sum(r.attendance == "no_show" for r in confirmed),
    ))


async def export_registrations(request: web.Request) -> web.Response:
    activity_id = path_id(request)
    data = await request.app[SERVICES].activities.export_xlsx(actor_of(request), activity_id)
    return web.Response(body=data, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"activity-{activity_id}.xlsx\""})


async def check_in(request: web.Request) -> web.Response:
    body = await parse_json(request, CheckinBody)
    registration, already = await request.app[SERVICES].activities.do_checkin(
        actor_of(request), path_id(request), retiree_id=body.retiree_id, code=body.code)
    return respond(CheckinOut(registration=_registration_out(registration, {}, None), already=already))


async def stats(request: web.Request) -> web.Response:
    """参与人次: the activities starting in [from, to), as the help figures' period (default 30 days)."""
    query = parse_query(request, StatsQuery)
    services = request.app[SERVICES]
    start, end = recent_period(query.from_, query.to, now=services.core.clock.now(), tz=services.core.clock.tz)
    figures = await services.activities.participation(actor_of(request), start, end)
    return respond(ActivityStats.model_validate(figures), by_alias=True)
