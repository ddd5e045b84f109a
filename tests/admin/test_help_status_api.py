"""Closing and reopening through the staff API: the retiree hears both, the request's clocks restart."""
from __future__ import annotations

from datetime import timedelta

from tests.admin.test_help_api import request_from
from yinling import texts


async def told_last(db, chat_id: int) -> str:
    return await db.fetch_value("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id DESC", (chat_id,))


async def test_closing_and_reopening_through_the_api_reach_the_retiree(as_wang, services, db, office, clock):
    request_id = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")
    path = f"/api/v1/help-requests/{request_id}/status"
    before = (await (await as_wang.get(f"/api/v1/help-requests/{request_id}")).json())["request"]
    resp = await as_wang.post(path, json={"status": "closed", "reason": "家属已经买好了"})
    assert resp.status == 200, await resp.text()
    assert await told_last(db, 9001) == texts.HELP_CLOSED_BY_STAFF.format(id=request_id)

    clock.advance(timedelta(minutes=30))  # within the login's idle limit
    resp = await as_wang.post(path, json={"status": "open", "reason": "老人又打电话来"})
    assert resp.status == 200, await resp.text()
    assert await told_last(db, 9001) == texts.HELP_REOPENED_BY_STAFF.format(id=request_id)
    detail = await (await as_wang.get(f"/api/v1/help-requests/{request_id}")).json()
    assert detail["request"]["status"] == "open" and detail["request"]["closed_at"] is None
    # Never answered before it was closed: both clocks start again from the reopening.
    assert detail["request"]["first_response_due"] > before["first_response_due"]
    assert detail["request"]["resolution_due"] > before["resolution_due"]
    assert [e["kind"] for e in detail["events"]][-2:] == ["closed", "open"]


async def test_a_reopened_request_is_not_overdue_at_once(as_admin, services, db, office, clock):
    request_id = await request_from(services, db, retiree_phone="13800000002", user_id=9002, text="胸痛", urgent=True)
    path = f"/api/v1/help-requests/{request_id}/status"
    clock.advance(timedelta(minutes=45))  # urgent: 30 minutes to the first response
    assert await services.help.do_notify_breaches() == 1
    assert (await as_admin.post(path, json={"status": "resolved"})).status == 200
    assert (await as_admin.post(path, json={"status": "open"})).status == 200
    overdue = await (await as_admin.get("/api/v1/help-requests", params={"overdue": "true"})).json()
    assert overdue["total"] == 0  # answered when it was resolved; the resolution is due a day from now
    assert await services.help.do_notify_breaches() == 0


async def test_a_merged_request_cannot_be_reopened(as_admin, services, db, office):
    first = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")
    again = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="还是买菜的事",
                               start=200_000)
    assert (await as_admin.post(f"/api/v1/help-requests/{again}/merge", json={"into": first})).status == 200
    resp = await as_admin.post(f"/api/v1/help-requests/{again}/status", json={"status": "open"})
    assert resp.status == 409 and "status" in (await resp.json())["error"]["fields"]
