"""台账 in-process: the list (search, filters, paging, scope, what a viewer sees), the export, and the
one-person page (一人一档) with the retiree's requests, activities, ideas and conversation."""
from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest

from admin.app import create_app
from console.views import roster as roster_views
from tests.admin.conftest import login
from tests.console.conftest import sign_in
from tests.console.owned.roster import foreign
from tests.factories import Events, add_retiree
from yinling.errors import NotFound
from yinling.models import Actor, Contact, Inbound, Staff
from yinling.store import retirees as retiree_store

ROW = re.compile(r'<td><a href="/console/roster/(\d+)">([^<]+)</a></td>')
ROLES = {"admin": "admin", "wangfang": "liaison", "leader": "viewer"}
WANG_USER = 9001


def names(html: str) -> list[str]:
    """The names in the results table, in order."""
    return [name for _, name in ROW.findall(html)]


async def listed(signed, **params) -> tuple[int, str]:
    resp = await signed.get("/console/roster", params=params)
    return resp.status, await resp.text()


async def test_the_list_searches_and_filters_as_the_api_does(console, office, db, clock):
    await add_retiree(db, clock, name="张秀英", phone="13900000003", liaison_id=office.li, birth_date=date(1940, 5, 1))
    gone = await add_retiree(db, clock, name="钱卫东", phone="13900000004", liaison_id=office.wang,
                            birth_date=date(1960, 5, 1))
    async with db.transaction() as tx:
        await retiree_store.mark_unreachable(tx, gone, reason="blocked", now=clock.now())
    admin = await sign_in(console, "admin")
    _, page = await listed(admin)
    assert names(page) == ["张建国", "赵淑芬", "张秀英", "钱卫东"]
    assert "台账里共有 <strong>4</strong> 位老同志" in page
    assert names((await listed(admin, q="张"))[1]) == ["张建国", "张秀英"]
    assert names((await listed(admin, q="0000002"))[1]) == ["赵淑芬"]  # part of a phone number
    assert names((await listed(admin, tag="独居"))[1]) == ["张建国"]
    assert "钱卫东" not in names((await listed(admin, tag="高龄"))[1])  # 66: not 高龄, the age filter
    assert names((await listed(admin, liaison_id=str(office.li)))[1]) == ["赵淑芬", "张秀英"]
    _, unreachable = await listed(admin, reachable="false")
    assert names(unreachable) == ["钱卫东"] and "联系不上" in unreachable
    assert names((await listed(admin, q="张", liaison_id=str(office.li)))[1]) == ["张秀英"]
    _, none = await listed(admin, q="没有这个人")
    assert "没有找到符合条件的老同志" in none


async def test_a_bad_filter_is_said_in_chinese(console):
    admin = await sign_in(console, "admin")
    status, page = await listed(admin, tag="富翁", liaison_id="abc")
    assert status == 422
    assert "查找条件有误" in page and "只能是" in page and "应是整数" in page


async def test_htmx_gets_the_results_only_and_the_search_box_asks_as_you_type(console):
    admin = await sign_in(console, "admin")
    _, page = await listed(admin)
    assert 'hx-trigger="input changed delay:400ms, search"' in page and 'method="get"' in page
    resp = await admin.get("/console/roster", params={"q": "赵"}, headers={"HX-Request": "true"})
    fragment = await resp.text()
    assert "<html" not in fragment and "<table>" in fragment and names(fragment) == ["赵淑芬"]
    restore = await admin.get("/console/roster", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in await restore.text()  # Back restores the whole page


async def test_pages_of_twenty_with_links_that_keep_the_filters(console, office, db, clock):
    for n in range(25):
        await add_retiree(db, clock, name=f"王{n:02d}", phone=f"139000001{n:02d}", liaison_id=office.wang)
    wang = await sign_in(console, "wangfang")
    _, first = await listed(wang, q="王")
    assert len(names(first)) == 20 and "第 1 页，共 2 页" in first
    assert 'href="/console/roster?q=%E7%8E%8B&amp;page=2"' in first and "上一页" not in first
    _, second = await listed(wang, q="王", page="2")
    assert names(second) == [f"王{n:02d}" for n in range(20, 25)] and "上一页" in second


async def test_a_liaison_sees_only_their_own_people_and_no_liaison_choice(console, office):
    wang = await sign_in(console, "wangfang")
    _, page = await listed(wang)
    assert names(page) == ["张建国"]
    assert 'name="liaison_id"' not in page
    assert names((await listed(wang, liaison_id=str(office.li)))[1]) == []  # not even by asking
    assert (await wang.get(f"/console/roster/{office.li_retiree}")).status == 404


async def test_a_viewer_sees_no_phone_address_health_note_or_sensitive_tag(console, office):
    leader = await sign_in(console, "leader")
    _, page = await listed(leader)
    assert names(page) == ["张建国", "赵淑芬"]
    assert "13800000001" not in page and "手机号</th>" not in page and "独居" not in page
    assert names((await listed(leader, q="13800000001"))[1]) == []  # nor searches by phone
    assert (await listed(leader, tag="独居"))[0] == 403  # nor by a sensitive tag
    person = await (await leader.get(f"/console/roster/{office.wang_retiree}")).text()
    assert "张建国" in person
    for hidden in ("13800000001", "幸福路1号", "高血压", "独居", "聊天记录", "修改档案"):
        assert hidden not in person, hidden
    assert "只读账号看不到电话" in person


async def test_the_export_is_an_xlsx_of_the_callers_people(console, office):
    async def exported(username: str) -> list[tuple]:
        signed = await sign_in(console, username)
        resp = await signed.post("/console/roster/export.xlsx", {"download": "1"})
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in resp.headers["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(await resp.read())).active
        return list(sheet.iter_rows(values_only=True))

    admin = await exported("admin")
    header = admin[0]
    people = {row[header.index("姓名")]: row for row in admin[1:]}
    assert set(people) == {"张建国", "赵淑芬"}
    assert "13800000001" in str(people["张建国"][header.index("手机号")])
    assert [row[header.index("姓名")] for row in (await exported("wangfang"))[1:]] == ["张建国"]
    viewer = await exported("leader")
    assert "13800000001" not in str(viewer) and "高血压" not in str(viewer)
    # a POST without the button (a stray request) goes back to the list instead
    resp = await (await sign_in(console, "admin")).post("/console/roster/export.xlsx")
    assert resp.status == 303 and resp.headers["Location"] == "/console/roster"


@pytest.fixture
async def history(console, services, office):
    """张建国 in the chat: bound, asks for help, sends an idea, signs up for an activity."""
    api = await login(console, "wangfang")
    resp = await api.post("/api/v1/activities", json={
        "title": "重阳节座谈会", "kind": "座谈会", "place": "老干部活动中心", "capacity": 20,
        "starts_at": "2026-11-28T09:00:00+08:00", "ends_at": "2026-11-28T11:30:00+08:00",
        "signup_deadline": "2026-11-27T18:00:00+08:00"})
    assert resp.status == 201, await resp.text()
    activity = (await resp.json())["id"]
    events = Events(user_id=WANG_USER, start=WANG_USER * 10)
    chat = services.conversation
    await chat.do_contact(events.next(), Contact(phone="13800000001", user_id=WANG_USER))
    for words in ("🙋 我要求助", "生活照料", "需要人帮忙买菜", "✅ 说完了", "不急", "✅ 确认提交",
                  "💡 金点子", "城市建设", "幸福路口建议加装红绿灯", "✅ 说完了", "✅ 确认提交"):
        await chat.do_message(events.next(), Inbound(kind="text", text=words))
    await chat.do_press(events.next(), f"act:join:{activity}:0:0")


async def test_one_persons_file_has_profile_consent_family_and_what_they_did(console, office, services, history):
    api = await login(console, "admin")
    resp = await api.patch(f"/api/v1/retirees/{office.wang_retiree}", json={
        "family": {"name": "张小明", "relation": "儿子", "phone": "13900000099"}, "former_unit": "市建设局"})
    assert resp.status == 200, await resp.text()
    wang = await sign_in(console, "wangfang")
    resp = await wang.get(f"/console/roster/{office.wang_retiree}")
    page = await resp.text()
    assert resp.status == 200
    for seen in ("张建国", "13800000001", "幸福路1号", "市建设局", "独居", "高血压", "本人已同意",
                 "张小明（儿子），电话 13900000099", "王芳", "已在聊天里绑定"):
        assert seen in page, seen
    requests = page.split("<h2>求助</h2>")[1].split("<h2>")[0]
    assert "需要人帮忙买菜" in requests and "生活照料" in requests and "已提交" in requests
    assert '<a href="/console/inbox/help/' in requests  # each opens its thread in 收件箱
    activities = page.split("<h2>活动</h2>")[1].split("<h2>")[0]
    assert "重阳节座谈会" in activities and "已报名" in activities and "11月28日 周六 上午9:00" in activities
    ideas = page.split("<h2>金点子</h2>")[1].split("<h2>")[0]
    assert "幸福路口建议加装红绿灯" in ideas and "已收到" in ideas
    assert '<a href="/console/ideas/' in ideas
    chat = page.split("<h2>聊天记录</h2>")[1]
    assert "需要人帮忙买菜" in chat and "办公室" in chat


async def test_an_empty_file_says_so_in_words(console, office):
    admin = await sign_in(console, "admin")
    page = await (await admin.get(f"/console/roster/{office.li_retiree}")).text()
    for said in ("没有提过求助", "最近没有报名活动", "没有提过金点子", "还没有在聊天里绑定", "本人未同意"):
        assert said in page, said


async def test_every_roster_page_answers_each_role_and_keeps_others_people_out(console, office, services, clock):
    """The permission walk of tests/console/test_console_permissions.py over the 台账 pages alone."""
    ids = await foreign(office, services, clock)
    for username, role in ROLES.items():
        signed = await sign_in(console, username)
        for page in roster_views.PAGES:
            path = "/console" + page.path.replace("{id}", str(ids.get(page.path, 0)))
            resp = await (signed.get(path) if page.method == "GET" else signed.post(path, {}))
            body = await resp.read()
            if role not in page.roles:
                assert resp.status == 403, (username, path)
            elif "{id}" in page.path and role == "liaison":
                assert resp.status == 404, (username, page.method, path, resp.status)
            elif page.method == "GET":
                assert resp.status == 200, (username, path, resp.status)
            assert resp.status < 500, (username, page.method, path)
            if role == "viewer":
                assert b"13800000002" not in body and "高血压".encode() not in body, path
    admin = await sign_in(console, "admin")  # an empty post deleted nothing
    assert (await admin.get(f"/console/roster/{office.li_retiree}")).status == 200


async def test_the_api_and_the_console_list_the_same_people(aiohttp_client, settings, services, office, console):
    api = await login(await aiohttp_client(create_app(settings, services)), "wangfang")
    body = await (await api.get("/api/v1/retirees", params={"q": "张"})).json()
    _, page = await listed(await sign_in(console, "wangfang"), q="张")
    assert names(page) == [item["name"] for item in body["items"]]


async def test_study_and_sign_ups_come_from_the_services_in_the_callers_scope(console, office, services):
    admin = await sign_in(console, "admin")
    page = await (await admin.get(f"/console/roster/{office.wang_retiree}")).text()
    study = page.split("<h2>学习</h2>")[1].split("<h2>")[0]
    assert "连续学习 <strong>0</strong> 天" in study and "今天还没有学" in study
    wang = Actor(staff=Staff(id=office.wang, username="wangfang", display_name="王芳", role="liaison"))
    with pytest.raises(NotFound):
        await services.study.progress_of(wang, office.li_retiree)
    with pytest.raises(NotFound):
        await services.activities.for_retiree(wang, office.li_retiree)
    assert await services.activities.for_retiree(wang, office.wang_retiree) == []
