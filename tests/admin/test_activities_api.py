"""The activities API: publish, validation naming the field, roles, registrations, export, check-in."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import Events
from yinling.models import Contact

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
    assert body["starts_at"] == "2026-11-28T01:00:00Z" and body["notified"] == 0
    listed = await (await as_admin.get("/api/v1/activities")).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]] and listed["total"] == 1
    assert (await (await as_admin.get("/api/v1/activities", params={"when": "past"})).json())["total"] == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"ends_at": "2026-11-28T08:00:00+08:00"}, "ends_at"),
    ({"signup_deadline": "2026-11-28T10:00:00+08:00"}, "signup_deadline"),
    ({"starts_at": "2020-01-01T09:00:00+08:00", "ends_at": "2020-01-01T10:00:00+08:00",
      "signup_deadline": "2020-01-01T08:00:00+08:00"}, "starts_at"),
    ({"starts_at": "2026-11-28T09:00:00"}, "starts_at"),  # no timezone
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
    resp = await as_admin.patch(f"/api/v1/activities/{activity['id']}", json={"place": "市老年大学礼堂", "capacity": 30})
    body = await resp.json()
    assert resp.status == 200 and (body["place"], body["capacity"], body["title"]) == ("市老年大学礼堂", 30, "十二月主题党日")
    resp = await as_admin.patch(f"/api/v1/activities/{activity['id']}", json={"title": None})
    assert resp.status == 422 and "title" in (await resp.json())["error"]["fields"]


async def test_registrations_list_waiting_in_order_and_contacts_in_scope(api, as_admin, as_li, services, office):
    activity = await create(as_admin)
    assert await joins(services, "13800000001", 9001, activity["id"]) == "报名成功"  # 王芳's retiree
    assert await joins(services, "13800000002", 9002, activity["id"], companion="0") == "已排上候补"  # 李强's
    body = await (await as_admin.get(f"/api/v1/activities/{activity['id']}/registrations")).json()
    [confirmed] = body["confirmed"]
    [waiting] = body["waiting"]
    assert (confirmed["retiree_name"], confirmed["phone"], confirmed["address"]) == ("张建国", "13800000001", "幸福路1号")
    assert (waiting["retiree_name"], waiting["position"]) == ("赵淑芬", 1)
    assert (body["companions"], body["transport_needed"], body["activity"]["waiting"]) == (1, 1, 1)
    # 李强 runs the door: he sees everyone registered, but only his own retiree's phone
    seen_by_li = await (await as_li.get(f"/api/v1/activities/{activity['id']}/registrations")).json()
    assert seen_by_li["confirmed"][0]["phone"] is None and seen_by_li["waiting"][0]["phone"] == "13800000002"


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
