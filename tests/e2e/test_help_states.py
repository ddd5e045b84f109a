"""Staff close a request and reopen it over HTTP; the retiree reads both in the real chat."""
from __future__ import annotations

from tests.e2e.test_help import add_staff, ask, staff_session
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.store import help as help_store


async def test_staff_closing_then_reopening_a_request_is_told_in_the_chat(app, sb, db, clock):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await ask(zhang, "房屋维修", "阳台的窗户关不严")
    request_id = await db.fetch_value("SELECT max(id) FROM help_requests")

    http, auth = await staff_session(app, "wangfang")
    async with http:
        path = f"/api/v1/help-requests/{request_id}/status"
        async with http.post(path, headers=auth, json={"status": "closed"}) as resp:
            assert resp.status == 200, await resp.text()
        closed = await zhang.wait_for_bot_message("已办结")
        async with http.post(path, headers=auth, json={"status": "open", "reason": "老人来电说还是关不严"}) as resp:
            assert resp.status == 200, await resp.text()
        reopened = await zhang.wait_for_bot_message("已重新打开")

    assert closed["text"] == texts.HELP_CLOSED_BY_STAFF.format(id=request_id)
    assert reopened["text"] == texts.HELP_REOPENED_BY_STAFF.format(id=request_id)
    said = [m["text"] for m in await zhang.bot_messages()]
    assert said.index(closed["text"]) < said.index(reopened["text"])  # in the order staff acted
    assert (await help_store.get(db, request_id)).status == "open"
