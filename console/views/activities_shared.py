"""What the 活动 pages share: an activity's state and times in words, its audience in words, and its
registrations grouped as the API groups them (admin/views/activities.py list_registrations), over
the same service call, so a liaison sees only their own retirees (a viewer is shown the counts
only, by the template)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import path_id
from admin.views.activities import RegistrationOut
from console import fmt
from console.render import office_now, office_tz
from yinling.models import Activity, Actor

AUDIENCE_KINDS: tuple[tuple[str, str], ...] = (
    ("everyone", "全体老同志"),
    ("party_members", "党员"),
    ("tags", "有下面这些情况的老同志"),
    ("liaisons", "下面这些联系干部联系的老同志"),
)
CANCELLED_BY = {"retiree": "本人取消", "staff": "工作人员取消"}


def activity_id(request: web.Request) -> int:
    return path_id(request)


def phase(activity: Activity, now: datetime) -> tuple[str, str]:
    """(the activity's state in words, a tone for the badge): the words carry the meaning, the tone
    only repeats it. The same moments as the chat's sign-up uses (deadline, start, end)."""
    if activity.status == "cancelled":
        return "已取消", "urgent"
    if activity.ends_at <= now:
        return "已结束", ""
    if activity.starts_at <= now:
        return "正在进行", "good"
    if activity.signup_deadline <= now:
        return "报名已截止", "warn"
    if not activity.open_seats:
        return "已报满，可候补", "warn"
    return "正在报名", "good"


def time_span(activity: Activity, tz: tzinfo, now: datetime) -> str:
    """12月10日 周四 上午9:00 至 上午11:30 (the day written once when it ends the same day)."""
    start = fmt.when(activity.starts_at, tz, now)
    try:
        same_day = activity.starts_at.astimezone(tz).date() == activity.ends_at.astimezone(tz).date()
        end = fmt.clock_time(activity.ends_at.astimezone(tz)) if same_day else fmt.when(activity.ends_at, tz, now)
    except OverflowError:  # a time stored at the calendar's edge: shown as stored rather than failing
        end = str(activity.ends_at)
    return f"{start} 至 {end}"


async def audience_words(request: web.Request, activity: Activity) -> str:
    """Whom it is for, as a sentence: a liaison's activity is only ever for their own retirees."""
    audience = activity.audience
    names: dict[int, str] = {}
    if audience.kind == "liaisons" or activity.created_by_liaison is not None:
        names = {s.id: s.display_name for s in await request.config_dict[SERVICES].staff.list_staff()}
    words = {
        "everyone": "全体老同志",
        "party_members": "党员",
        "tags": "有这些情况的老同志：" + "、".join(audience.tags),
        "liaisons": "这些联系干部联系的老同志：" + "、".join(names.get(i, f"编号{i}") for i in audience.liaison_ids),
    }.get(audience.kind, audience.kind)
    if activity.created_by_liaison is None:
        return words
    liaison = names.get(activity.created_by_liaison, "发布的联系干部")
    if audience.kind == "everyone":
        return f"{liaison}联系的全部老同志（联系干部发布的活动）"
    return f"{liaison}联系的老同志中，{words}（联系干部发布的活动）"


def activity_view(activity: Activity, request: web.Request) -> dict:
    """An activity with what every 活动 page writes beside it."""
    now, tz = office_now(request), office_tz(request)
    state, tone = phase(activity, now)
    return {"a": activity, "state": state, "tone": tone, "span": time_span(activity, tz, now)}


@dataclass
class Registrants:
    """The registrations this staff member may see (a liaison: their own retirees'), grouped; the
    activity's own counts stay over the whole activity, as in the API's RegistrationList."""

    activity: Activity
    confirmed: list[RegistrationOut] = field(default_factory=list)
    waiting: list[RegistrationOut] = field(default_factory=list)
    cancelled: list[RegistrationOut] = field(default_factory=list)
    scoped: bool = False  # a liaison's view: only their own retirees
    contacts: bool = False  # phones and addresses are shown

    @property
    def attended(self) -> int:
        return sum(r.attendance == "attended" for r in self.confirmed)

    @property
    def companions(self) -> int:
        return sum(r.companion for r in self.confirmed)

    @property
    def transport_needed(self) -> int:
        return sum(r.needs_transport for r in self.confirmed)

    @property
    def not_checked_in(self) -> list[RegistrationOut]:
        return [r for r in self.confirmed if r.attendance != "attended"]


async def registrants(request: web.Request, actor: Actor | None = None) -> Registrants:
    actor = actor or actor_of(request)
    activity, rows, contacts, positions = await request.config_dict[SERVICES].activities.registrations(
        actor, activity_id(request))
    found = Registrants(activity, scoped=actor.scope_liaison_id is not None, contacts=actor.sees_sensitive)
    groups = {"confirmed": found.confirmed, "waiting": found.waiting, "cancelled": found.cancelled}
    for registration in rows:  # in arrival order; the waiting list in its order
        phone, address = contacts.get(registration.retiree_id, (None, None))
        groups[registration.status].append(RegistrationOut(
            **registration.model_dump(), position=positions.get(registration.id), phone=phone, address=address))
    return found
