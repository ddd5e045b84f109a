"""活动 in the console, in-process: publishing with errors beside the fields, editing, cancelling with
a reason, the check-in screen's answers, and what each role sees (a liaison: own retirees only; a
viewer: the counts, no names). The browser and the real bot: test_activities_browser.py."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from console.views import activities
from tests.console.conftest import sign_in
from tests.console.owned.activities import li_activity, signs_up
from tests.console.test_console_permissions import ROLE_OF, ROLES, filled
from yinling.models import Actor, Staff

ZHANG_USER, ZHAO_USER = 777000101, 777000102
ZHANG_PHONE, ZHAO_PHONE = "13800000001", "13800000002"
FORM = {
    "title": "重阳登高", "kind": "文体比赛", "place": "五泉山公园东门", "capacity": "30",
    "starts_at": "2026-11-28T09:00", "ends_at": "2026-11-28T11:30", "signup_deadline": "2026-11-27T18:00",
    "audience_kind": "everyone", "description": "请穿运动鞋",
}


def admin_actor(office) -> Actor:
    return Actor(staff=Staff(id=office.admin, username="admin", display_name="刘主任", role="admin"))


def error_beside(page: str, field: str) -> str:
    """The error written beside a form field (the _fields.html macros' markup), or ""."""
    found = re.search(rf'id="f-{field}-error">([^<]*)<', page)
    return found.group(1) if found else ""


async def post_form(signed, path: str, fields: dict):
    """A form post where a field may be ticked more than once (a list value: one pair per tick)."""
    pairs = [("csrf", signed.csrf)] + [(key, item) for key, value in fields.items()
                                       for item in (value if isinstance(value, list) else [value])]
    return await signed.client.post(path, data=pairs, allow_redirects=False)


async def publish(signed, **changes) -> int:
    resp = await post_form(signed, "/console/activities/new", {**FORM, **changes})
    assert resp.status == 303, await resp.text()
    found = re.fullmatch(r"/console/activities/(\d+)\?done=created(&told=\d+)?", resp.headers["Location"])
    assert found, resp.headers["Location"]
    return int(found.group(1))


async def codes(services, office, activity_id: int) -> dict[str, str]:
    _, rows, _, _ = await services.activities.registrations(admin_actor(office), activity_id)
    return {r.retiree_name: r.code for r in rows}


async def outbox_texts(db, chat_id: int) -> list[str]:
    return [row["text"] for row in await db.fetch_all("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id",
                                                      (chat_id,))]


async def test_a_new_activity_with_mistakes_says_each_beside_its_field_in_chinese(console):
    signed = await sign_in(console, "wangfang")
    form = await (await signed.get("/console/activities/new")).text()
    assert 'type="datetime-local"' in form and "活动名称" in form and "发布活动" in form
    resp = await signed.post("/console/activities/new", {**FORM, "title": "  ", "capacity": "0", "starts_at": "",
                                                         "kind": "", "audience_kind": "tags"})
    page = await resp.text()
    assert resp.status == 422
    assert error_beside(page, "title") == "不能为空"
    assert error_beside(page, "capacity") == "不能小于 1"
    assert error_beside(page, "kind") == "请选一个活动类型"
    assert error_beside(page, "starts_at") == "必填，请选一个日期和时间"
    assert error_beside(page, "audience_tags") == "请至少勾选一种情况"
    assert 'value="五泉山公园东门"' in page  # what was typed is kept
    assert "请改正下面标出的" in page

    # the service's own checks, beside the field too: ends before it starts, and starts in the past
    resp = await signed.post("/console/activities/new", {**FORM, "ends_at": "2026-11-28T08:00"})
    assert resp.status == 422 and error_beside(await resp.text(), "ends_at") == "应晚于开始时间"
    resp = await signed.post("/console/activities/new", {**FORM, "starts_at": "2026-11-20T09:00",
                                                         "ends_at": "2026-11-20T10:00", "signup_deadline": ""})
    assert resp.status == 422 and error_beside(await resp.text(), "starts_at") == "应是以后的时间"
    listing = await (await signed.get("/console/activities")).text()
    assert "重阳登高" not in listing  # nothing was published


async def test_published_activity_is_listed_with_seats_waiting_and_state_in_words(console, services, office):
    signed = await sign_in(console, "wangfang")
    resp = await post_form(signed, "/console/activities/new", {**FORM, "audience_kind": "tags",
                                                         "audience_tags": ["独居", "高龄"], "notify": "on"})
    assert resp.status == 303 and resp.headers["Location"].endswith("?done=created&told=0")  # nobody in the chat
    activity_id = int(resp.headers["Location"].split("/")[-1].split("?")[0])
    page = await (await signed.get(resp.headers["Location"])).text()
    assert "活动已发布。已在聊天里通知 0 位老同志。" in page
    assert "11月28日 周六 上午9:00 至 上午11:30" in page
    assert "王芳联系的老同志中，有这些情况的老同志：独居、高龄（联系干部发布的活动）" in page
    assert "正在报名" in page and "还没有人报名" in page
    listing = await (await signed.get("/console/activities")).text()
    row = listing.split(f'href="/console/activities/{activity_id}">重阳登高')[1].split("</tr>")[0]
    assert "0 / 30" in row and "还剩 30 个" in row and "0 人" in row and "正在报名" in row
    past = await (await signed.get("/console/activities?when=past")).text()
    assert "重阳登高" not in past and "还没有已经结束的活动" in past


async def test_editing_changes_what_was_changed_and_tells_registrants_of_a_new_place(console, services, office, db):
    signed = await sign_in(console, "wangfang")
    activity_id = await publish(signed, capacity="1")
    await signs_up(services, ZHANG_PHONE, ZHANG_USER, activity_id)
    form = await (await signed.get(f"/console/activities/{activity_id}/edit")).text()
    assert 'value="2026-11-28T09:00"' in form and 'value="五泉山公园东门"' in form and "保存修改" in form

    unchanged = {**FORM, "capacity": "1"}
    resp = await signed.post(f"/console/activities/{activity_id}/edit", {**unchanged, "capacity": "0"})
    assert resp.status == 422 and error_beside(await resp.text(), "capacity") == "不能小于 1"
    resp = await signed.post(f"/console/activities/{activity_id}/edit", {**unchanged, "place": "兰山公园南门",
                                                                        "capacity": "20", "ask_transport": "on"})
    assert resp.status == 303 and resp.headers["Location"].endswith("?done=saved")
    page = await (await signed.get(resp.headers["Location"])).text()
    assert "修改已保存" in page and "兰山公园南门" in page and "共 20 个名额" in page and "需要接送" in page
    told = await outbox_texts(db, ZHANG_USER)
    assert any("有变动" in text and "兰山公园南门" in text for text in told)

    # saving the form untouched tells nobody anything
    before = len(await outbox_texts(db, ZHANG_USER))
    resp = await signed.post(f"/console/activities/{activity_id}/edit", {**unchanged, "place": "兰山公园南门",
                                                                        "capacity": "20", "ask_transport": "on"})
    assert resp.status == 303
    assert len(await outbox_texts(db, ZHANG_USER)) == before


async def test_another_liaison_cannot_change_an_office_activity(console, services, office):
    admin = await sign_in(console, "admin")
    activity_id = await publish(admin)
    signed = await sign_in(console, "wangfang")
    page = await (await signed.get(f"/console/activities/{activity_id}")).text()
    assert "修改活动" not in page and "取消这个活动" not in page  # not offered to her at all
    resp = await signed.post(f"/console/activities/{activity_id}/edit", {**FORM, "place": "别处"})
    assert resp.status == 403 and "只有发布这个活动的人或管理员" in await resp.text()
    admin = await sign_in(console, "admin")  # one client: signing in again replaces 王芳's session
    page = await (await admin.get(f"/console/activities/{activity_id}")).text()
    assert "修改活动" in page and "取消这个活动" in page


async def test_cancelling_needs_a_reason_and_tells_the_registrants_why(console, services, office, db):
    signed = await sign_in(console, "wangfang")
    activity_id = await publish(signed)
    await signs_up(services, ZHANG_PHONE, ZHANG_USER, activity_id)
    resp = await signed.post(f"/console/activities/{activity_id}/cancel", {"reason": "   "})
    page = await resp.text()
    assert resp.status == 422 and error_beside(page, "reason") == "不能为空"
    assert '<details class="cancel" open' in page
    resp = await signed.post(f"/console/activities/{activity_id}/cancel", {"reason": "大风降温"})
    assert resp.status == 303
    page = await (await signed.get(resp.headers["Location"])).text()
    assert "活动已取消" in page and "取消原因" in page and "大风降温" in page and "已取消" in page
    assert "确认取消活动" not in page  # nothing more to cancel
    assert any("原因：大风降温" in text for text in await outbox_texts(db, ZHANG_USER))
    resp = await signed.post(f"/console/activities/{activity_id}/cancel", {"reason": "再取消一次"})
    assert resp.status == 409 and "已经取消过了" in await resp.text()


@pytest.mark.parametrize("htmx", [True, False])
async def test_check_in_by_code_says_who_came_a_wrong_code_and_a_second_time(console, services, office, htmx):
    signed = await sign_in(console, "wangfang")
    activity_id = await publish(signed, companion_allowed="on")
    await signs_up(services, ZHANG_PHONE, ZHANG_USER, activity_id)
    code = (await codes(services, office, activity_id))["张建国"]
    screen = await (await signed.get(f"/console/activities/{activity_id}/checkin")).text()
    assert "签到码" in screen and "还没签到的（1 人）" in screen and "autofocus" in screen
    headers = {"HX-Request": "true"} if htmx else {}
    path = f"/console/activities/{activity_id}/checkin"

    resp = await signed.post(path, {"code": code}, headers=headers)
    page = await resp.text()
    assert resp.status == 200 and "已签到：张建国" in page and "还没签到的（0 人）" in page
    assert ("<html" in page) is not htmx  # htmx gets only the feedback and the list, swapped in place
    if htmx:
        assert 'hx-swap-oob="true"' in page
    resp = await signed.post(path, {"code": f" {code} "}, headers=headers)
    assert resp.status == 200 and "已经签过：张建国" in await resp.text()
    wrong = "0000" if code != "0000" else "1111"
    resp = await signed.post(path, {"code": wrong}, headers=headers)
    assert resp.status == 422 and f"签到码不对：{wrong}" in await resp.text()
    resp = await signed.post(path, {"code": "abc"}, headers=headers)
    assert resp.status == 422 and "签到码不对" in await resp.text()
    resp = await signed.post(path, {"code": ""}, headers=headers)
    assert resp.status == 422 and "请输入签到码" in await resp.text()
    page = await (await signed.get(f"/console/activities/{activity_id}")).text()
    assert "已签到（11月23日 周一 上午9:30）" in page


async def test_full_width_digits_and_checking_in_by_name_work_at_the_door(console, services, office):
    signed = await sign_in(console, "admin")
    activity_id = await publish(signed)
    await signs_up(services, ZHANG_PHONE, ZHANG_USER, activity_id)
    await signs_up(services, ZHAO_PHONE, ZHAO_USER, activity_id)
    code = (await codes(services, office, activity_id))["张建国"]
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    resp = await signed.post(f"/console/activities/{activity_id}/checkin", {"code": wide})
    assert "已签到：张建国" in await resp.text()
    resp = await signed.post(f"/console/activities/{activity_id}/checkin", {"retiree_id": str(office.li_retiree)})
    page = await resp.text()
    assert "已签到：赵淑芬" in page and "报名的老同志都签到了" in page


async def test_each_role_sees_the_registrants_it_may(console, services, office):
    admin = await sign_in(console, "admin")
    activity_id = await publish(admin, ask_transport="on")
    await signs_up(services, ZHANG_PHONE, ZHANG_USER, activity_id)
    await signs_up(services, ZHAO_PHONE, ZHAO_USER, activity_id)
    zhao_code = (await codes(services, office, activity_id))["赵淑芬"]
    page = await (await admin.get(f"/console/activities/{activity_id}")).text()
    assert "已报名（2 人）" in page and ZHANG_PHONE in page and ZHAO_PHONE in page and "幸福路1号" in page

    wang = await sign_in(console, "wangfang")
    page = await (await wang.get(f"/console/activities/{activity_id}")).text()
    assert "已报名（1 人）" in page and "张建国" in page and ZHANG_PHONE in page
    assert "赵淑芬" not in page and ZHAO_PHONE not in page and "只列出您联系的老同志" in page
    resp = await wang.post(f"/console/activities/{activity_id}/checkin", {"code": zhao_code})
    assert resp.status == 422 and "签到码不对" in await resp.text()  # not hers: as if not registered
    sheet = await (await wang.get(f"/console/activities/{activity_id}/sheet")).text()
    assert "张建国" in sheet and "赵淑芬" not in sheet
    li_own = await li_activity(office, services)
    assert (await wang.get(f"/console/activities/{li_own}")).status == 404
    assert "李强组的书法课" not in await (await wang.get("/console/activities")).text()

    viewer = await sign_in(console, "leader")
    page = await (await viewer.get(f"/console/activities/{activity_id}")).text()
    assert "张建国" not in page and "赵淑芬" not in page  # as the API: counts, no list of names
    assert "已报名 2 人" in page and "只读账号只看人数" in page
    assert ZHANG_PHONE not in page and ZHAO_PHONE not in page and "幸福路1号" not in page
    assert f"<td>{zhao_code}</td>" not in page
    assert "发布新活动" not in await (await viewer.get("/console/activities")).text()
    assert (await viewer.get(f"/console/activities/{activity_id}/checkin")).status == 403


async def test_the_export_is_the_services_workbook_in_the_callers_scope(console, services, office):
    admin = await sign_in(console, "admin")
    activity_id = await publish(admin)
    await signs_up(services, ZHANG_PHONE, ZHANG_USER, activity_id)
    await signs_up(services, ZHAO_PHONE, ZHAO_USER, activity_id)

    async def names(signed) -> list[str]:
        resp = await signed.post(f"/console/activities/{activity_id}/registrations.xlsx", {"download": "1"})
        assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
        sheet = load_workbook(BytesIO(await resp.read())).active
        return [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]

    assert await names(admin) == ["张建国", "赵淑芬"]
    resp = await admin.post(f"/console/activities/{activity_id}/registrations.xlsx")  # not the button
    assert resp.status == 303 and resp.headers["Location"] == f"/console/activities/{activity_id}"
    assert await names(await sign_in(console, "wangfang")) == ["张建国"]


async def test_the_sign_in_sheet_has_a_signature_column_and_print_styles(console, services, office):
    signed = await sign_in(console, "wangfang")
    activity_id = await publish(signed)
    await signs_up(services, ZHANG_PHONE, ZHANG_USER, activity_id)
    page = await (await signed.get(f"/console/activities/{activity_id}/sheet")).text()
    assert "重阳登高 签到表" in page and ">签名</th>" in page and "张建国" in page
    assert "@media print" in page and "打印签到表" in page


@pytest.mark.parametrize("username", ROLES)
async def test_every_activities_page_answers_each_role_by_the_table(console, office, services, clock, username):
    """The permission walk of test_console_permissions.py, over this area's pages only (so it runs
    while other areas are being built)."""
    from tests.console.owned.activities import foreign

    ids = await foreign(office, services, clock)
    signed = await sign_in(console, username)
    role = ROLE_OF[username]
    for page in activities.PAGES:
        path = filled(page.path, ids)
        resp = await (signed.get(path) if page.method == "GET" else signed.post(path, {}))
        body = await resp.text()
        if role not in page.roles:  # type: ignore[operator]
            assert resp.status == 403 and "没有权限" in body, (username, page.method, path)
            continue
        if "{id}" in page.path and role == "liaison":
            assert resp.status == 404, (username, page.method, path, resp.status)
        elif page.method == "GET":
            assert resp.status == 200, (username, page.method, path, resp.status, body[:300])
        if role == "viewer":
            assert "13800000002" not in body and "高血压" not in body, path
        assert resp.status < 500, (username, page.method, path, body[:300])
