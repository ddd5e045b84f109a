"""The activities API: publish, validation naming the field, roles, registrations, export, check-in."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import Events, add_retiree
from yinling import texts
from yinling.models import Contact, Inbound

PARTY_DAY = {
    "title": "十二月主题党日", "kind": "主题党日", "place": "老干部活动中心三楼",
    "starts_at": "2026-11-28T09:00:00+08:00", "ends_at": "2026-11-28T11:30:00+08:00",
    "signup_deadline": "2026-11-27T18:00:00+08:00", "capacity": 1,
    "companion_allowed": True, "ask_transport": True,
}


async def joins(services, phone: str, user_id: int, activity_id: int, *, companion: str = "1", transport: str = "1"):
    """A retiree verifies in the chat and signs up (with a companion, needing transport)."""
    events = Events(user_id=user_id, start=user_id * 10)
    await services.conversation.do_contact(events.next(), Contact(phone=phone, user_id=user_id))
    return await services.conversation.do_press(events.next(), f"act:join:{activity_id}:{companion}:{transport}")


async def create(client, **changes) -> dict:
    resp = await client.post("/api/v1/activities", json={**PARTY_DAY, **changes})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_publishing_returns_the_activity_with_its_counts(as_admin):
    body = await create(as_admin, audience={"kind": "tags", "tags": ["独居", "高龄"]})
    assert body["title"] == "十二月主题党日" and body["status"] == "published"
    assert (body["capacity"], body["seats_left"], body["confirmed"], body["waiting"]) == (1, 1, 0, 0)
    assert body["audience"] == {"kind": "tags", "tags": ["独居", "高龄"], "liaison_ids": []}
    assert body["starts_at"] == "2026-11-28T09:00:00+08:00" and body["notified"] == 0
    listed = await (await as_admin.get("/api/v1/activities")).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]] and listed["total"] == 1
    assert (await (await as_admin.get("/api/v1/activities", params={"when": "past"})).json())["total"] == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"ends_at": "2026-11-28T08:00:00+08:00"}, "ends_at"),
    ({"signup_deadline": "2026-11-28T10:00:00+08:00"}, "signup_deadline"),
    ({"starts_at": "2020-01-01T09:00:00+08:00", "ends_at": "2020-01-01T10:00:00+08:00",
      "signup_deadline": "2020-01-01T08:00:00+08:00"}, "starts_at"),
    ({"starts_at": "2026-11-28 9点"}, "starts_at"),  # not a time (without an offset is office time)
    ({"capacity": 0}, "capacity"),
    ({"title": "   "}, "title"),
    ({"kind": "聚餐"}, "kind"),
    ({"audience": {"kind": "tags"}}, "audience"),
    ({"audience": {"kind": "tags", "tags": ["有钱"]}}, "audience.tags.0"),
    ({"audience": {"kind": "liaisons", "liaison_ids": [1]}}, "audience.liaison_ids"),  # #1 is the admin
    ({"seats": 3}, "seats"),
])
async def test_a_bad_field_is_named(as_admin, changes, field):
    resp = await as_admin.post("/api/v1/activities", json={**PARTY_DAY, **changes})
    assert resp.status == 422, await resp.text()
    assert field in (await resp.json())["error"]["fields"]


async def test_roles_viewers_read_staff_run_activities(as_viewer, as_wang, as_admin):
    activity = await create(as_wang)
    assert (await as_viewer.post("/api/v1/activities", json=PARTY_DAY)).status == 403
    assert (await as_viewer.get(f"/api/v1/activities/{activity['id']}")).status == 200
    assert (await as_viewer.get(f"/api/v1/activities/{activity['id']}/registrations")).status == 403
    assert (await as_viewer.post(f"/api/v1/activities/{activity['id']}/checkins", json={"code": "1234"})).status == 403
    assert (await as_admin.get("/api/v1/activities/999")).status == 404


async def test_patch_changes_only_what_is_sent_and_refuses_null(as_admin):
    activity = await create(as_admin)
    resp = await as_admin.patch(f"/api/v1/activities/{activity['id']}",
                                json={"place": "市老年大学礼堂", "capacity": 30})
    body = await resp.json()
    assert resp.status == 200
    assert (body["place"], body["capacity"], body["title"]) == ("市老年大学礼堂", 30, "十二月主题党日")
    resp = await as_admin.patch(f"/api/v1/activities/{activity['id']}", json={"title": None})
    assert resp.status == 422 and "title" in (await resp.json())["error"]["fields"]


async def test_registrations_list_waiting_in_order_and_contacts_in_scope(api, as_admin, as_li, services, office):
    activity = await create(as_admin)
    assert await joins(services, "13800000001", 9001, activity["id"]) == "报名成功"  # 王芳's retiree
    assert await joins(services, "13800000002", 9002, activity["id"], companion="0") == "已排上候补"  # 李强's
    body = await (await as_admin.get(f"/api/v1/activities/{activity['id']}/registrations")).json()
    [confirmed] = body["confirmed"]
    [waiting] = body["waiting"]
    assert (confirmed["retiree_name"], confirmed["phone"], confirmed["address"]) == (
        "张建国", "13800000001", "幸福路1号")
    assert (waiting["retiree_name"], waiting["position"]) == ("赵淑芬", 1)
    assert (body["companions"], body["transport_needed"], body["activity"]["waiting"]) == (1, 1, 1)
    # 李强 sees his own retiree only, with the phone
    seen_by_li = await (await as_li.get(f"/api/v1/activities/{activity['id']}/registrations")).json()
    assert seen_by_li["confirmed"] == [] and [w["retiree_name"] for w in seen_by_li["waiting"]] == ["赵淑芬"]
    assert seen_by_li["waiting"][0]["phone"] == "13800000002"


async def test_the_export_is_a_spreadsheet_of_the_list(as_admin, services, office):
    activity = await create(as_admin)
    await joins(services, "13800000001", 9001, activity["id"])
    await joins(services, "13800000002", 9002, activity["id"], companion="0", transport="0")
    resp = await as_admin.get(f"/api/v1/activities/{activity['id']}/registrations.xlsx")
    assert resp.status == 200 and resp.content_type.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(BytesIO(await resp.read())).active.iter_rows(values_only=True))
    assert rows[1][:7] == ("状态", "候补顺序", "姓名", "签到码", "带家属", "需要接送", "签到")
    assert rows[2][0] == "已报名" and rows[2][2] == "张建国" and rows[2][4:6] == ("是", "是")
    assert rows[3][:3] == ("候补", 1, "赵淑芬")


async def test_check_in_by_code_then_again_says_already(as_admin, services, office):
    activity = await create(as_admin)
    await joins(services, "13800000001", 9001, activity["id"])
    listed = await (await as_admin.get(f"/api/v1/activities/{activity['id']}/registrations")).json()
    code = listed["confirmed"][0]["code"]
    first = await as_admin.post(f"/api/v1/activities/{activity['id']}/checkins", json={"code": code})
    body = await first.json()
    assert first.status == 200 and body["already"] is False and body["registration"]["attendance"] == "attended"
    again = await (await as_admin.post(f"/api/v1/activities/{activity['id']}/checkins",
                                       json={"retiree_id": office.wang_retiree})).json()
    assert again["already"] is True
    missing = await as_admin.post(f"/api/v1/activities/{activity['id']}/checkins", json={"code": "0000"})
    assert missing.status == 404 and "code" in (await missing.json())["error"]["fields"]
    both = await as_admin.post(f"/api/v1/activities/{activity['id']}/checkins", json={"code": code, "retiree_id": 1})
    assert both.status == 422


async def test_cancel_needs_a_reason_and_happens_once(as_admin):
    activity = await create(as_admin)
    assert (await as_admin.post(f"/api/v1/activities/{activity['id']}/cancel", json={})).status == 422
    resp = await as_admin.post(f"/api/v1/activities/{activity['id']}/cancel", json={"reason": "场地维修"})
    assert resp.status == 200 and (await resp.json())["status"] == "cancelled"
    again = await as_admin.post(f"/api/v1/activities/{activity['id']}/cancel", json={"reason": "场地维修"})
    assert again.status == 409
    assert (await as_admin.patch(f"/api/v1/activities/{activity['id']}", json={"capacity": 5})).status == 409


async def test_every_change_is_audited(as_admin, db):
    activity = await create(as_admin)
    await as_admin.patch(f"/api/v1/activities/{activity['id']}", json={"capacity": 5})
    await as_admin.post(f"/api/v1/activities/{activity['id']}/cancel", json={"reason": "天气原因"})
    actions = [r["action"] for r in await db.fetch_all("SELECT action FROM audit_log WHERE target_type = 'activity'")]
    assert actions == ["activity.create", "activity.update", "activity.cancel"]


# ---- scope: a liaison's activities are for their own retirees; others' are not theirs to run ----


async def bind(services, phone: str, user_id: int) -> None:
    """A retiree verifies in the chat."""
    await services.conversation.do_contact(Events(user_id=user_id, start=user_id * 100).next(),
                                           Contact(phone=phone, user_id=user_id))


async def activity_messages(db, activity_id: int) -> list[tuple[int, str]]:
    rows = await db.fetch_all("SELECT chat_id, text FROM outbox WHERE source = ? ORDER BY id",
                              (f"activity:{activity_id}",))
    return [(r["chat_id"], r["text"]) for r in rows]


async def test_a_liaisons_activity_reaches_and_is_offered_to_their_own_retirees_only(as_wang, services, db, office):
    await bind(services, "13800000001", 9001)  # 王芳's 张建国
    await bind(services, "13800000002", 9002)  # 李强's 赵淑芬
    activity = await create(as_wang, notify=True, capacity=5)  # audience: everyone
    assert activity["notified"] == 1 and activity["created_by_liaison"] == office.wang
    told = await activity_messages(db, activity["id"])
    assert [chat for chat, _ in told] == [9001] and told[0][1].startswith("新活动：【主题党日】十二月主题党日")
    # 赵淑芬 is not offered it in the chat, and a stale or forged button does not sign her up
    zhao = Events(user_id=9002, start=777_000)
    await services.conversation.do_message(zhao.next(), Inbound(kind="text", text="活动报名"))
    assert (await db.fetch_value("SELECT text FROM outbox WHERE chat_id = 9002 ORDER BY id DESC LIMIT 1")
            == texts.ACT_NONE)
    assert await services.conversation.do_press(zhao.next(), f"act:join:{activity['id']}:0:0") == "这次不在名单里"
    assert await services.conversation.do_press(
        Events(user_id=9001, start=888_000).next(), f"act:join:{activity['id']}:0:0") == "报名成功"


@pytest.mark.parametrize("liaison_ids", [["li"], ["wang", "li"], ["admin"]])
async def test_a_liaison_naming_other_liaisons_in_the_audience_is_refused(as_wang, office, db, liaison_ids):
    ids = [getattr(office, name) for name in liaison_ids]
    resp = await as_wang.post("/api/v1/activities",
                              json={**PARTY_DAY, "notify": True, "audience": {"kind": "liaisons", "liaison_ids": ids}})
    assert resp.status == 403 and "audience.liaison_ids" in (await resp.json())["error"]["fields"]
    assert await db.fetch_value("SELECT count(*) FROM activities") == 0
    mine = await create(as_wang, audience={"kind": "liaisons", "liaison_ids": [office.wang]})
    resp = await as_wang.patch(f"/api/v1/activities/{mine['id']}",
                               json={"audience": {"kind": "liaisons", "liaison_ids": ids}})
    assert resp.status == 403 and "audience.liaison_ids" in (await resp.json())["error"]["fields"]


async def test_only_its_publisher_or_an_admin_changes_or_cancels_an_activity(as_admin, as_wang, services, db, office):
    offices = await create(as_admin, capacity=5)
    await joins(services, "13800000001", 9001, offices["id"])
    await joins(services, "13800000002", 9002, offices["id"])
    before = await activity_messages(db, offices["id"])
    for resp in (await as_wang.patch(f"/api/v1/activities/{offices['id']}", json={"place": "别处"}),
                 await as_wang.post(f"/api/v1/activities/{offices['id']}/cancel", json={"reason": "不办了"})):
        assert resp.status == 403
        error = (await resp.json())["error"]
        assert error["code"] == "forbidden" and error["fields"] == {}
    unchanged = await (await as_wang.get(f"/api/v1/activities/{offices['id']}")).json()
    assert (unchanged["place"], unchanged["status"]) == (PARTY_DAY["place"], "published")
    assert await activity_messages(db, offices["id"]) == before  # no registrant was told anything
    # her own she changes and cancels; an admin may change anyone's
    mine = await create(as_wang)
    assert (await as_wang.patch(f"/api/v1/activities/{mine['id']}", json={"capacity": 3})).status == 200
    assert (await as_admin.patch(f"/api/v1/activities/{mine['id']}", json={"capacity": 4})).status == 200
    assert (await as_wang.post(f"/api/v1/activities/{mine['id']}/cancel", json={"reason": "场地维修"})).status == 200


async def test_another_liaisons_activity_is_not_found(as_wang, as_li, as_viewer, as_admin):
    mine = await create(as_wang)
    path = f"/api/v1/activities/{mine['id']}"
    for resp in (await as_li.get(path), await as_li.patch(path, json={"capacity": 3}),
                 await as_li.post(f"{path}/cancel", json={"reason": "不办了"}),
                 await as_li.get(f"{path}/registrations"), await as_li.get(f"{path}/registrations.xlsx"),
                 await as_li.post(f"{path}/checkins", json={"code": "1234"})):
        assert resp.status == 404
    assert (await (await as_li.get("/api/v1/activities")).json())["total"] == 0
    for reader in (as_wang, as_viewer, as_admin):
        assert [a["id"] for a in (await (await reader.get("/api/v1/activities")).json())["items"]] == [mine["id"]]


async def test_a_liaison_lists_exports_and_checks_in_their_own_retirees_only(as_admin, as_li, services, office, db,
                                                                              clock):
    await add_retiree(db, clock, name="孙大爷", phone="13800000003", liaison_id=office.wang)
    activity = await create(as_admin, capacity=1)
    await joins(services, "13800000001", 9001, activity["id"])  # 王芳's: confirmed
    await joins(services, "13800000003", 9003, activity["id"])  # 王芳's: first in line
    await joins(services, "13800000002", 9002, activity["id"])  # 李强's: second in line
    path = f"/api/v1/activities/{activity['id']}"
    seen = await (await as_li.get(f"{path}/registrations")).json()
    assert seen["confirmed"] == [] and seen["cancelled"] == []
    assert [(w["retiree_name"], w["position"]) for w in seen["waiting"]] == [("赵淑芬", 2)]
    rows = list(load_workbook(BytesIO(await (await as_li.get(f"{path}/registrations.xlsx")).read()))
                .active.iter_rows(values_only=True))
    assert [r[:3] for r in rows[2:]] == [("候补", 2, "赵淑芬")]
    everyone = await (await as_admin.get(f"{path}/registrations")).json()
    zhang = everyone["confirmed"][0]
    for body, field in (({"code": zhang["code"]}, "code"), ({"retiree_id": office.wang_retiree}, "retiree_id")):
        resp = await as_li.post(f"{path}/checkins", json=body)
        assert resp.status == 404 and field in (await resp.json())["error"]["fields"]
    assert await db.fetch_value("SELECT count(*) FROM activity_registrations WHERE attendance IS NOT NULL") == 0
    # his own, once given a seat, he checks in
    await as_admin.patch(path, json={"capacity": 3})
    own = await as_li.post(f"{path}/checkins", json={"retiree_id": office.li_retiree})
    assert own.status == 200 and (await own.json())["registration"]["attendance"] == "attended"
