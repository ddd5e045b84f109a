"""The help-request API: the triage queue, scope, replies reaching the chat, transitions."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import Events
from yinling.models import Contact, Inbound


async def request_from(services, db, *, retiree_phone: str, user_id: int, text: str, urgent: bool = False,
                       start: int = 0) -> int:
    """A retiree (bound through the chat) asks for help; returns the request id. `start`: where this
    conversation's update ids begin (Telegram's are unique per bot)."""
    events = Events(user_id=user_id, start=start or user_id * 10)
    conversation = services.conversation
    await conversation.do_contact(events.next(), Contact(phone=retiree_phone, user_id=user_id))
    for words in ("🙋 我要求助", "生活照料", text, "✅ 说完了", "🔴 很急" if urgent else "不急", "✅ 确认提交"):
        await conversation.do_message(events.next(), Inbound(kind="text", text=words))
    return await db.fetch_value("SELECT max(id) FROM help_requests")


@pytest.fixture
async def requests(services, db, office):
    wang = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")
    li = await request_from(services, db, retiree_phone="13800000002", user_id=9002, text="胸痛", urgent=True)
    return {"wang": wang, "li": li}


async def test_the_queue_shows_a_liaison_only_their_retirees_requests_with_counts(as_wang, requests):
    body = await (await as_wang.get("/api/v1/help-requests")).json()
    assert [r["id"] for r in body["items"]] == [requests["wang"]]
    assert body["counts"] == {"mine": 1, "unassigned": 0, "all": 1, "overdue": 0}
    assert (await as_wang.get(f"/api/v1/help-requests/{requests['li']}")).status == 404
    assert (await as_wang.post(f"/api/v1/help-requests/{requests['li']}/replies", json={"text": "x"})).status == 404


async def test_an_admin_filters_by_priority_status_and_words(as_admin, requests):
    urgent = await (await as_admin.get("/api/v1/help-requests", params={"priority": "urgent"})).json()
    assert [r["id"] for r in urgent["items"]] == [requests["li"]]
    assert (await (await as_admin.get("/api/v1/help-requests", params={"q": "买菜"})).json())["total"] == 1
    assert (await (await as_admin.get("/api/v1/help-requests", params={"status": "new"})).json())["total"] == 2
    bad = await as_admin.get("/api/v1/help-requests", params={"priority": "whenever", "assignee": "bob"})
    assert bad.status == 422 and {"priority", "assignee"} <= set((await bad.json())["error"]["fields"])


async def test_a_reply_reaches_the_chat_verbatim_and_opens_the_request(as_wang, requests, db):
    resp = await as_wang.post(f"/api/v1/help-requests/{requests['wang']}/replies",
                              json={"text": "明天上午我陪您去超市"})
    assert resp.status == 201
    told = await db.fetch_value("SELECT text FROM outbox WHERE chat_id = 9001 ORDER BY id DESC")
    assert told == f"关于求助单 #{requests['wang']}，王芳回复您：\n明天上午我陪您去超市"
    detail = await (await as_wang.get(f"/api/v1/help-requests/{requests['wang']}")).json()
    assert detail["request"]["status"] == "open" and detail["request"]["first_response_at"]
    assert [m["author"] for m in detail["thread"]] == ["retiree", "staff"]
    assert {"created", "replied"} <= {e["kind"] for e in detail["events"]}


async def test_notes_stay_private(as_wang, requests, db):
    await as_wang.post(f"/api/v1/help-requests/{requests['wang']}/notes", json={"text": "家属电话打不通"})
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE text LIKE '%家属电话打不通%'") == 0
    detail = await (await as_wang.get(f"/api/v1/help-requests/{requests['wang']}")).json()
    assert detail["thread"][-1] == {**detail["thread"][-1], "author": "note", "text": "家属电话打不通"}


async def test_only_allowed_transitions_and_pending_needs_a_reminder(as_admin, requests, db):
    path = f"/api/v1/help-requests/{requests['wang']}/status"
    assert (await as_admin.post(path, json={"status": "pending"})).status == 422
    ok = await as_admin.post(path, json={"status": "pending", "reason": "等社区回复",
                                         "remind_at": "2026-11-25T09:00:00+08:00"})
    assert ok.status == 200
    assert (await as_admin.post(path, json={"status": "new"})).status == 409  # nothing goes back to new
    assert (await as_admin.post(path, json={"status": "resolved"})).status == 200
    conflict = await as_admin.post(path, json={"status": "pending", "remind_at": "2026-11-25T09:00:00+08:00"})
    assert conflict.status == 409 and "status" in (await conflict.json())["error"]["fields"]
    told = await db.fetch_one("SELECT text, keyboard FROM outbox WHERE chat_id = 9001 ORDER BY id DESC")
    assert "已处理完毕" in told["text"] and "还没解决" in told["keyboard"]


async def test_claim_and_assign(as_admin, as_li, requests, office, db):
    assert (await as_li.post(f"/api/v1/help-requests/{requests['li']}/claim")).status == 200
    told = await db.fetch_value("SELECT text FROM outbox WHERE chat_id = 9002 ORDER BY id DESC")
    assert told == f"您的求助单 #{requests['li']} 已受理，李强正在处理。"
    resp = await as_li.post(f"/api/v1/help-requests/{requests['li']}/assign", json={"staff_id": office.wang})
    assert resp.status == 422  # a liaison takes requests, they do not hand them out
    resp = await as_admin.post(f"/api/v1/help-requests/{requests['li']}/assign", json={"staff_id": office.viewer})
    assert resp.status == 422
    assign = await as_admin.post(f"/api/v1/help-requests/{requests['li']}/assign", json={"staff_id": office.admin})
    assert assign.status == 200


async def test_overdue_when_the_first_response_is_late(as_admin, requests, clock):
    clock.advance(timedelta(hours=1))  # urgent: first response due in 30 minutes
    body = await (await as_admin.get("/api/v1/help-requests", params={"overdue": "true"})).json()
    assert [r["id"] for r in body["items"]] == [requests["li"]] and body["items"][0]["overdue"] is True
    assert body["counts"]["overdue"] == 1


async def test_a_viewer_never_reads_what_retirees_wrote(as_viewer, requests):
    # Requests carry health and family matters; leaders get the statistics instead.
    assert (await as_viewer.get("/api/v1/help-requests")).status == 403
    assert (await as_viewer.get(f"/api/v1/help-requests/{requests['wang']}")).status == 403
    assert (await as_viewer.post(f"/api/v1/help-requests/{requests['wang']}/replies", json={"text": "x"})).status == 403


async def test_merging_a_duplicate_closes_it_into_the_other(as_admin, services, db, requests):
    again = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="还是买菜的事",
                               start=200_000)
    resp = await as_admin.post(f"/api/v1/help-requests/{again}/merge", json={"into": requests["wang"]})
    assert resp.status == 200
    merged = await (await as_admin.get(f"/api/v1/help-requests/{again}")).json()
    assert merged["request"]["merged_into"] == requests["wang"] and merged["request"]["status"] == "closed"
    queue = await (await as_admin.get("/api/v1/help-requests")).json()
    assert again not in [r["id"] for r in queue["items"]]
    told = await db.fetch_value("SELECT text FROM outbox WHERE chat_id = 9001 ORDER BY id DESC")
    assert f"#{again}" in told and f"#{requests['wang']}" in told and "合并" in told
    assert (await as_admin.post(f"/api/v1/help-requests/{again}/merge", json={"into": again})).status == 409


async def test_a_followup_call_is_recorded_with_its_result(as_wang, requests):
    resp = await as_wang.post(f"/api/v1/help-requests/{requests['wang']}/followups",
                              json={"reached": True, "result": "老人说菜已经买到了", "satisfaction": "满意"})
    assert resp.status == 201
    detail = await (await as_wang.get(f"/api/v1/help-requests/{requests['wang']}")).json()
    followup = next(e for e in detail["events"] if e["kind"] == "followup")
    assert followup["detail"]["result"] == "老人说菜已经买到了" and detail["request"]["satisfaction"] == "满意"


async def test_medical_requests_open_a_visit_task_for_the_liaison(as_wang, as_li, services, db, office):
    events = Events(user_id=9001, start=50_000)
    await services.conversation.do_contact(events.next(), Contact(phone="13800000001", user_id=9001))
    for words in ("🙋 我要求助", "住院看病", "下周住院做手术", "✅ 说完了", "不急", "✅ 确认提交"):
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=words))
    tasks = await (await as_wang.get("/api/v1/visit-tasks")).json()
    assert tasks["total"] == 1 and tasks["items"][0]["reason"].endswith("住院看病")
    assert (await (await as_li.get("/api/v1/visit-tasks")).json())["total"] == 0


async def test_a_breach_is_told_to_staff_once(services, db, requests, clock):
    clock.advance(timedelta(hours=1))  # past the urgent request's 30 minutes
    assert await services.help.do_notify_breaches() == 1
    assert await services.help.do_notify_breaches() == 0
    text = await db.fetch_value("SELECT text FROM outbox WHERE text LIKE '【超时】%' ORDER BY id DESC")
    assert f"#{requests['li']}" in text and "首次响应" in text


async def test_statistics_give_the_rates_an_office_reports(as_admin, as_wang, services, requests, clock):
    clock.advance(timedelta(minutes=10))
    await as_admin.post(f"/api/v1/help-requests/{requests['li']}/replies", json={"text": "马上到"})  # urgent, in time
    clock.advance(timedelta(hours=1))  # within the logins' idle limit
    await as_admin.post(f"/api/v1/help-requests/{requests['li']}/status", json={"status": "resolved"})
    events = Events(user_id=9002, start=300_000)
    await services.conversation.do_press(events.next(), f"help:solved:{requests['li']}")
    await services.conversation.do_press(events.next(), f"help:rate:{requests['li']}:基本满意")
    resp = await as_admin.get("/api/v1/stats/help", params={"from": "2026-11-01"})
    body = await resp.json()
    assert resp.status == 200, body
    overall = body["overall"]
    assert overall["received"] == 2 and overall["response_rate"] == 0.5 and overall["resolution_rate"] == 0.5
    assert overall["satisfaction_rate"] == 1.0 and overall["median_first_response_minutes"] == 10.0
    assert {c["category"] for c in body["by_category"]} == {"生活照料"}
    assert {row["name"] for row in body["by_liaison"]} == {"王芳", "李强"}  # the liaisons own their requests
    mine = await (await as_wang.get("/api/v1/stats/help", params={"from": "2026-11-01"})).json()
    assert mine["overall"]["received"] == 1  # a liaison's figures cover their own retirees
    bad = await as_admin.get("/api/v1/stats/help", params={"from": "2026-12-01", "to": "2026-11-01"})
    assert bad.status == 422


async def test_media_without_a_bot_token_is_503_naming_the_setting(as_wang, services, db, office):
    events = Events(user_id=9001, start=400_000)
    await services.conversation.do_contact(events.next(), Contact(phone="13800000001", user_id=9001))
    for inbound in (Inbound(kind="text", text="🙋 我要求助"), Inbound(kind="text", text="其他"),
                    Inbound(kind="photo", file_id="photo-file-1"), Inbound(kind="text", text="✅ 说完了"),
                    Inbound(kind="text", text="不急"), Inbound(kind="text", text="✅ 确认提交")):
        await services.conversation.do_message(events.next(), inbound)
    message_id = await db.fetch_value("SELECT id FROM help_messages WHERE kind = 'photo'")
    resp = await as_wang.get(f"/api/v1/media/{message_id}")
    assert resp.status == 503 and "YINLING_TELEGRAM_TOKEN" in (await resp.json())["error"]["message"]
    assert (await as_wang.get("/api/v1/media/999999")).status == 404


async def test_a_pending_request_comes_back_to_staff_at_its_reminder_time(as_admin, services, requests, clock, db):
    resp = await as_admin.post(f"/api/v1/help-requests/{requests['wang']}/status",
                               json={"status": "pending", "reason": "等社区回复",
                                    "remind_at": "2026-11-24T09:00:00+08:00"})
    assert resp.status == 200, await resp.text()
    assert await services.help.do_remind_pending() == 0
    clock.advance(timedelta(days=1))  # 2026-11-24 09:30 local
    assert await services.help.do_remind_pending() == 1
    assert await services.help.do_remind_pending() == 0
    text = await db.fetch_value("SELECT text FROM outbox WHERE text LIKE '【提醒】%'")
    assert f"#{requests['wang']}" in text and "王芳" in text


async def test_a_new_request_set_to_pending_stays_pending(as_admin, requests, db):
    resp = await as_admin.post(f"/api/v1/help-requests/{requests['li']}/status",
                               json={"status": "pending", "remind_at": "2026-11-24T09:00:00+08:00"})
    assert resp.status == 200
    row = await db.fetch_one("SELECT status, first_response_at FROM help_requests WHERE id = ?", (requests["li"],))
    assert row["status"] == "pending" and row["first_response_at"]


async def test_a_staff_members_own_change_shows_in_the_queue_at_once(as_wang, requests):
    before = await (await as_wang.get("/api/v1/help-requests")).json()
    assert before["items"][0]["status"] == "new"
    await as_wang.post(f"/api/v1/help-requests/{requests['wang']}/replies", json={"text": "收到"})
    after = await (await as_wang.get("/api/v1/help-requests")).json()
    assert after["items"][0]["status"] == "open" and after["counts"]["all"] == 1


async def test_an_open_visit_follows_a_reassigned_retiree_to_the_new_liaison(as_admin, as_wang, as_li, services,
                                                                             office):
    events = Events(user_id=9001, start=60_000)
    await services.conversation.do_contact(events.next(), Contact(phone="13800000001", user_id=9001))
    for words in ("🙋 我要求助", "住院看病", "下周住院做手术", "✅ 说完了", "不急", "✅ 确认提交"):
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=words))
    assert (await (await as_wang.get("/api/v1/visit-tasks")).json())["total"] == 1
    resp = await as_admin.patch(f"/api/v1/retirees/{office.wang_retiree}", json={"liaison_id": office.li})
    assert resp.status == 200, await resp.text()
    seen_by_li = await (await as_li.get("/api/v1/visit-tasks", params={"status": "open"})).json()
    assert seen_by_li["total"] == 1
    [task] = seen_by_li["items"]
    assert (task["retiree_name"], task["liaison_id"]) == ("张建国", office.li) and task["reason"].endswith("住院看病")
    assert (await (await as_wang.get("/api/v1/visit-tasks")).json()) == {"items": [], "total": 0, "page": 1,
                                                                          "per_page": 20}
