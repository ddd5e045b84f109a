"""活动, at the door: the check-in screen (type a code, see at once who it is), the printed sign-in
sheet (打印签到表) and the registration list as .xlsx, through the services the API's check-in and
export routes call (admin/views/activities.py check_in, export_registrations)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.views.activities import CheckinBody
from admin.views.retirees import XLSX
from console.fmt import when
from console.forms import checked, form_fields
from console.page import STAFF, Page
from console.render import office_now, office_tz, render, see_other
from console.views.activities_shared import activity_id, activity_view, registrants
from yinling.errors import Conflict, NotFound
from yinling.models import Actor

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
BLANK_SHEET_ROWS = 5  # for those who come without having signed up, written in by hand


@dataclass(frozen=True)
class CheckinResult:
    """What the check-in screen says, big: `headline` (已签到：张建国 / 签到码不对 / 已经签过：张建国)
    and a line under it; `tone` only repeats what the words say."""

    headline: str
    detail: str
    tone: str  # good / warn / bad

    @property
    def ok(self) -> bool:
        return self.tone == "good"


def typed_code(raw: str) -> str:
    """As typed at the door: full-width digits (a Chinese input method) and spaces are forgiven."""
    return "".join(raw.translate(FULL_WIDTH_DIGITS).split())[:20]


async def _check_in(request: web.Request, actor: Actor, fields: dict[str, str]) -> CheckinResult:
    code, retiree = typed_code(fields.get("code", "")), fields.get("retiree_id", "").strip()
    body, _ = checked(request, CheckinBody, {"retiree_id": retiree} if retiree and not code else {"code": code})
    if body is None:
        if not code:
            return CheckinResult("请输入签到码", "签到码是老同志报名成功时在聊天里收到的一串数字。", "bad")
        return CheckinResult(f"签到码不对：{code}", "签到码是4到7位数字，请核对后再输一次。", "bad")
    try:
        registration, already = await request.config_dict[SERVICES].activities.do_checkin(
            actor, activity_id(request), retiree_id=body.retiree_id, code=body.code)
    except NotFound as exc:
        if body.code is None:
            return CheckinResult("没有找到", exc.message, "bad")
        return CheckinResult(f"签到码不对：{code}", "没有找到用这个签到码报名的老同志，请核对后再输一次。", "bad")
    except Conflict as exc:
        return CheckinResult("不能签到", exc.message, "bad")
    name = registration.retiree_name
    if already:
        at = when(registration.checked_in_at, office_tz(request), office_now(request))
        return CheckinResult(f"已经签过：{name}", f"{at}已经签过到了，不用再签。", "warn")
    return CheckinResult(f"已签到：{name}", "带一位家属一起来。" if registration.companion else "欢迎参加。", "good")


async def checkin_page(request: web.Request) -> web.Response:
    found = await registrants(request)
    return render(request, "activities_checkin.html", {**activity_view(found.activity, request), "r": found,
                                                       "result": None})


async def checkin(request: web.Request) -> web.Response:
    actor = actor_of(request)
    await request.config_dict[SERVICES].activities.get(activity_id(request), actor)  # not theirs: 404 first
    result = await _check_in(request, actor, await form_fields(request))
    found = await registrants(request, actor)  # after the check-in: the counts include it
    # htmx: only the feedback and the list of who has not come (the input keeps its focus); without
    # JavaScript the whole screen again.
    template = "activities_checkin_result.html" if request.headers.get("HX-Request") == "true" \
        else "activities_checkin.html"
    return render(request, template, {**activity_view(found.activity, request), "r": found, "result": result},
                  status=200 if result.tone != "bad" else 422)


async def sheet(request: web.Request) -> web.Response:
    found = await registrants(request)
    return render(request, "activities_sheet.html", {**activity_view(found.activity, request), "r": found,
                                                     "blank_rows": BLANK_SHEET_ROWS})


async def export(request: web.Request) -> web.StreamResponse:
    """The registrations the caller may see, as the API's export gives them. A POST, as the roster's
    export: it is audited, and a button in a form works without JavaScript; one without the button's
    field goes back to the activity."""
    number = activity_id(request)
    services = request.config_dict[SERVICES]
    actor = actor_of(request)
    activity = await services.activities.get(number, actor)  # one they cannot see: 404 before anything
    form = await request.post()
    if form.get("download") != "1":
        return see_other(f"/console/activities/{number}")
    data = await services.activities.export_xlsx(actor, number)
    name = quote(f"报名名单-{activity.title}.xlsx", safe="")
    return web.Response(body=data, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"activity-{number}.xlsx\"; filename*=UTF-8''{name}"})


PAGES: tuple[Page, ...] = (
    Page("GET", "/activities/{id}/checkin", checkin_page, STAFF, "The check-in screen: type a code"),
    Page("POST", "/activities/{id}/checkin", checkin, STAFF, "Check one in, by code or by retiree"),
    Page("GET", "/activities/{id}/sheet", sheet, STAFF, "打印签到表: a printable sign-in sheet"),
    Page("POST", "/activities/{id}/registrations.xlsx", export, STAFF, "The registration list as .xlsx"),
)
