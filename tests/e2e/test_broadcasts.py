"""通知公告 end to end: staff send over HTTP; retirees receive through the real bot on the sandbox."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from tests.e2e.conftest import BOT_ID, bot_running
from tests.e2e.helpers import eventually
from tests.e2e.test_help import add_staff, staff_session
from tests.e2e.test_onboarding import bound_user
from tests.factories import OTHER_ROSTER_PHONE, ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.clock import ShiftedClock

THIRD_PHONE = "13800000003"


async def test_audience_ack_remind_and_cancel(app, sb, db, clock):
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=wang, tags=("独居",))
    await add_retiree(db, clock, name="赵淑芬", phone=OTHER_ROSTER_PHONE, liaison_id=wang, tags=("独居",))
    await add_retiree(db, clock, name="孙志强", phone=THIRD_PHONE, liaison_id=wang)
    zhang = await bound_user(sb, ROSTER_PHONE)
    zhao = await bound_user(sb, OTHER_ROSTER_PHONE)
    sun = await bound_user(sb, THIRD_PHONE)
    http, auth = await staff_session(app, "wangfang")
    async with http:
        body = {"text": "寒潮来了，独居的老同志请关好门窗，注意取暖用电安全。", "require_ack": True,
                "audience": {"kind": "tags", "tags": ["独居"]}}
        dry = await http.post("/api/v1/broadcasts", headers=auth, json={**body, "dry_run": True})
        assert dry.status == 200 and (await dry.json())["recipients"] == 2
        resp = await http.post("/api/v1/broadcasts", headers=auth, json=body)
        assert resp.status == 201, await resp.text()
        broadcast_id = (await resp.json())["broadcast"]["id"]

        # the two who live alone get it as sent, with 已阅; the third does not
        notice = await zhang.wait_for_bot_message("寒潮来了")
        assert notice["text"] == texts.BROADCAST_HEADING + body["text"] + texts.BROADCAST_ACK_ASK
        assert zhang.inline_labels(notice) == [[texts.BROADCAST_ACK_BUTTON]]
        await zhao.wait_for_bot_message("寒潮来了")
        tap = await zhang.press(texts.BROADCAST_ACK_BUTTON)
        assert (await zhang.wait_for_bot_message("看过"))["text"] == texts.BROADCAST_ACKED

        async def toast() -> bool:
            answers = await sb.callback_answers(BOT_ID, tap["id"])
            return bool(answers) and answers[0]["text"] == texts.BROADCAST_ACK_TOAST

        await eventually(toast, what="已阅 answered where it was tapped")
        await zhang.press(texts.BROADCAST_ACK_BUTTON, message_id=notice["message_id"])  # recorded once

        async def report() -> dict:
            async with http.get(f"/api/v1/broadcasts/{broadcast_id}", headers=auth) as got:
                return await got.json()

        async def settled() -> bool:
            counts = (await report())["report"]
            return counts["sent"] == 2 and counts["acknowledged"] == 1

        await eventually(settled, what="both sent, one acknowledged")
        assert [p["name"] for p in (await report())["not_acknowledged"]] == ["赵淑芬"]

        # a reminder to the one who has not acknowledged
        resp = await http.post(f"/api/v1/broadcasts/{broadcast_id}/remind", headers=auth)
        assert resp.status == 200 and (await resp.json())["queued"] == 1
        reminder = await zhao.wait_for_bot_message("提醒")
        assert reminder["text"].startswith(texts.BROADCAST_REMINDER)
        await zhao.press(texts.BROADCAST_ACK_BUTTON, message_id=reminder["message_id"])
        await zhao.wait_for_bot_message("看过")

        async def all_acked() -> bool:
            return (await report())["report"]["acknowledged"] == 2

        await eventually(all_acked, what="both acknowledged")
        await asyncio.sleep(0.5)
        assert not [m for m in await sun.bot_messages() if "寒潮" in m.get("text", "")]
        assert len([m for m in await zhang.bot_messages() if "寒潮" in m.get("text", "")]) == 1  # no reminder for him

        # nothing left to stop once everything went
        resp = await http.post(f"/api/v1/broadcasts/{broadcast_id}/cancel", headers=auth)
        assert resp.status == 409


async def test_a_scheduled_notice_goes_at_its_time_and_a_cancelled_one_never(e2e_settings, sb, db, clock):
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=wang)
    settings = e2e_settings.model_copy(update={"tick_seconds": 0.2})
    product_clock = ShiftedClock(settings.tz)
    at = datetime.now(settings.tz).replace(microsecond=0) + timedelta(days=1)
    async with bot_running(settings, product_clock) as run:
        zhang = await bound_user(sb, ROSTER_PHONE)
        http, auth = await staff_session(run, "wangfang")
        async with http:
            for text in ("明天上午体检，请空腹。", "这条会被撤回。"):
                resp = await http.post("/api/v1/broadcasts", headers=auth,
                                       json={"text": text, "schedule_at": at.isoformat()})
                assert resp.status == 201 and (await resp.json())["broadcast"]["status"] == "scheduled"
                withdrawn = (await resp.json())["broadcast"]["id"]
            assert (await http.post(f"/api/v1/broadcasts/{withdrawn}/cancel", headers=auth)).status == 200
        product_clock.set(at - timedelta(seconds=2))
        await asyncio.sleep(0.6)
        assert not [m for m in await zhang.bot_messages() if "体检" in m.get("text", "")]
    # the process is down at the time and comes back a little after: it goes at start-up
    product_clock.set(at + timedelta(minutes=5))
    async with bot_running(settings, product_clock):
        notice = await zhang.wait_for_bot_message("体检")
        assert notice["text"] == texts.BROADCAST_HEADING + "明天上午体检，请空腹。"
        await asyncio.sleep(0.6)
    assert not [m for m in await zhang.bot_messages() if "撤回" in m.get("text", "")]


async def test_under_a_429_and_a_blocked_user_everyone_else_gets_it_once(app, sb, db, clock):
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    phones = [ROSTER_PHONE, OTHER_ROSTER_PHONE, THIRD_PHONE]
    for i, phone in enumerate(phones):
        await add_retiree(db, clock, name=f"老同志{i}", phone=phone, liaison_id=wang)
    people = [await bound_user(sb, phone) for phone in phones]
    await people[2].block()
    await sb.reset_stats()
    await sb.inject_fault(BOT_ID, "sendMessage", 429, count=1, retry_after=1)
    http, auth = await staff_session(app, "wangfang")
    async with http:
        resp = await http.post("/api/v1/broadcasts", headers=auth, json={"text": "停水通知：明天8点到12点停水。"})
        broadcast_id = (await resp.json())["broadcast"]["id"]

        async def finished() -> bool:
            async with http.get(f"/api/v1/broadcasts/{broadcast_id}", headers=auth) as got:
                return (await got.json())["broadcast"]["status"] == "done"

        await eventually(finished, timeout=15, what="the notice finished")
        async with http.get(f"/api/v1/broadcasts/{broadcast_id}", headers=auth) as got:
            report = await got.json()
    assert (report["report"]["sent"], report["report"]["blocked"], report["report"]["failed"]) == (2, 1, 0)
    assert [u["name"] for u in report["unreachable"]] == ["老同志2"]
    for person in people[:2]:
        assert len([m for m in await person.bot_messages() if "停水" in m.get("text", "")]) == 1
    attempts = await db.fetch_value("SELECT attempts FROM outbox WHERE retiree_id = (SELECT id FROM retirees"
                                    " WHERE name = '老同志2') AND source = ?", (f"broadcast:{broadcast_id}",))
    assert attempts == 1  # blocked: failed at once, not retried
    assert (await sb.stats())["too_many_requests"] == 1
