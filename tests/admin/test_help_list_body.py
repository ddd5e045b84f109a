"""GET /api/v1/help-requests writes its page without pydantic (admin/views/help.py): the body keeps
HelpPage's shape, field for field, with every moment in the office's time, and the search box finds
pieces of a request's words or its retiree's name."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from admin.views.help import HelpOut, HelpPage
from tests.admin.test_help_api import request_from
from yinling.clock import to_iso


async def test_the_list_keeps_helppage_shape_with_moments_in_office_time(as_admin, services, db, clock):
    first = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")
    late = to_iso(clock.now() - timedelta(days=1))  # both due times passed a day ago: overdue
    await db.write("UPDATE help_requests SET first_response_due = :t, resolution_due = :t, remind_at = :t"
                   " WHERE id = :id", {"id": first, "t": late})
    body = await (await as_admin.get("/api/v1/help-requests", params={"q": "买菜"})).json()

    assert list(body) == list(HelpPage.model_fields) and body["total"] == 1
    assert list(body["counts"]) == ["mine", "unassigned", "all", "overdue"] and body["counts"]["overdue"] == 1
    item = body["items"][0]
    assert list(item) == list(HelpOut.model_fields)
    assert item["id"] == first and item["summary"] == "需要人帮忙买菜" and item["overdue"] is True
    stored = await db.fetch_one("SELECT created_at, remind_at FROM help_requests WHERE id = :id", {"id": first})
    for name in ("created_at", "updated_at", "first_response_due", "resolution_due", "remind_at"):
        assert item[name].endswith("+08:00"), name
    assert datetime.fromisoformat(item["created_at"]) == datetime.fromisoformat(stored["created_at"])
    assert datetime.fromisoformat(item["remind_at"]).astimezone(UTC) == datetime.fromisoformat(stored["remind_at"])
    assert item["first_response_at"] is None and item["closed_at"] is None
    assert HelpPage.model_validate(body).items[0].id == first
    detail = await (await as_admin.get(f"/api/v1/help-requests/{first}")).json()
    assert item == detail["request"]  # what respond() writes for the same request, field for field


async def test_the_search_box_finds_one_or_two_characters_of_words_or_a_name(as_admin, services, db):
    await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")  # 张建国
    await request_from(services, db, retiree_phone="13800000002", user_id=9002, text="胸痛")  # 赵淑芬

    async def found(q: str) -> list[str]:
        body = await (await as_admin.get("/api/v1/help-requests", params={"q": q})).json()
        return [item["summary"] for item in body["items"]]

    assert await found("菜") == ["需要人帮忙买菜"]
    assert await found("胸痛") == ["胸痛"]
    assert await found("赵") == ["胸痛"]
    assert await found("建国") == ["需要人帮忙买菜"]
    assert await found("没有这回事") == []
