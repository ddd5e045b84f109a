"""活动报名 end to end: staff publish over HTTP; retirees tap through the real bot on the sandbox."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime, time, timedelta

from tests.e2e.conftest import BOT_ID, bot_running
from tests.e2e.helpers import eventually
from tests.e2e.test_help import add_staff, staff_session
from tests.e2e.test_onboarding import bound_user
from tests.factories import OTHER_ROSTER_PHONE, ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.clock import ShiftedClock


def saturday_morning(tz) -> datetime:
    """09:00 local, three days from now (real time: the sandbox's clock is the real one)."""
    day = datetime.now(tz).date() + timedelta(days=3)
    return datetime.combine(day, time(9), tzinfo=tz)


def activity_body(start: datetime, **changes) -> dict:
    body = {"title": "重阳登高", "kind": "文体比赛", "place": "五泉山公园东门", "capacity": 1,
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=3)).isoformat(),
            "signup_deadline": (start - timedelta(hours=15)).isoformat()}
    return {**body, **changes}


def code_in(message: dict) -> str:
    found = re.search(r"签到码：(\d+)", message["text"])
    assert found, message["text"]
    return found.group(1)


async def test_publish_sign_up_wait_give_up_check_in_and_cancel(app, sb, db, clock):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison)
    await add_retiree(db, clock, name="赵淑芬", phone=OTHER_ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)
    zhao = await bound_user(sb, OTHER_ROSTER_PHONE)
    start = saturday_morning(app.services.core.clock.tz)
    http, auth = await staff_session(app, "wangfang")
    async with http:
        resp = await http.post("/api/v1/activities", headers=auth,
                               json=activity_body(start, companion_allowed=True, notify=True))
        activity = await resp.json()
        assert resp.status == 201 and activity["notified"] == 2

        # 张建国 is told of it, opens it from the notice and signs up with a companion
        notice = await zhang.wait_for_bot_message("新活动")
        assert notice["text"].startswith("新活动：【文体比赛】重阳登高") and "还剩 1 个名额" in notice["text"]
        assert zhang.inline_labels(notice) == [[texts.ACT_VIEW_BUTTON]]
        await zhang.press(texts.ACT_VIEW_BUTTON)
        details = await zhang.wait_for_bot_message("【文体比赛】重阳登高")
        assert zhang.inline_labels(details) == [[texts.JOIN_BUTTON], [texts.ACT_BACK_TO_LIST]]
        await zhang.press(texts.JOIN_BUTTON)
        question = await zhang.wait_for_bot_message(texts.ACT_ASK_COMPANION)
        assert zhang.inline_labels(question) == [[texts.WITH_COMPANION_BUTTON, texts.ALONE_BUTTON]]
        tap = await zhang.press(texts.WITH_COMPANION_BUTTON)
        confirmed = await zhang.wait_for_bot_message("报名成功")
        assert "地点：五泉山公园东门" in confirmed["text"] and "带一位家属" in confirmed["text"]
        zhang_code = code_in(confirmed)

        async def toast() -> bool:
            answers = await sb.callback_answers(BOT_ID, tap["id"])
            return bool(answers) and answers[0]["text"] == "报名成功"

        await eventually(toast, what="the tap answered where it was made")

        # 赵淑芬 finds it full from the menu and joins the waiting list
        await zhao.tap("📅 活动报名")
        listing = await zhao.wait_for_bot_message(texts.ACT_LIST)
        [[label], ] = zhao.inline_labels(listing)
        assert label.endswith("重阳登高 · 已满可候补")
        await zhao.press(label)
        await zhao.wait_for_bot_message("名额已满，可以候补")
        await zhao.press(texts.WAIT_BUTTON)
        await zhao.wait_for_bot_message(texts.ACT_ASK_COMPANION)
        await zhao.press(texts.ALONE_BUTTON)
        waiting = await zhao.wait_for_bot_message("候补")
        assert "现在排第 1 位" in waiting["text"]

        # 张建国 cannot go after all: the seat goes to 赵淑芬 at once, with a way to give it up
        await zhang.press(texts.LEAVE_BUTTON)
        await zhang.wait_for_bot_message("确定不去「重阳登高」了吗")
        await zhang.press(texts.LEAVE_CONFIRM_BUTTON)
        await zhang.wait_for_bot_message("已经为您取消了「重阳登高」的报名")
        promoted = await zhao.wait_for_bot_message("好消息")
        assert zhao.inline_labels(promoted) == [[texts.GIVE_UP_BUTTON]]
        zhao_code = code_in(promoted)
        assert zhao_code != zhang_code

        # at the door: 赵淑芬 checked in by her code
        resp = await http.post(f"/api/v1/activities/{activity['id']}/checkins", headers=auth, json={"code": zhao_code})
        assert resp.status == 200 and (await resp.json())["registration"]["retiree_name"] == "赵淑芬"
        listed = await (await http.get(f"/api/v1/activities/{activity['id']}/registrations", headers=auth)).json()
        assert [r["retiree_name"] for r in listed["confirmed"]] == ["赵淑芬"] and listed["attended"] == 1
        assert [r["retiree_name"] for r in listed["cancelled"]] == ["张建国"]

        # the office cancels: 赵淑芬 is told why; 张建国, who left, is not bothered
        resp = await http.post(f"/api/v1/activities/{activity['id']}/cancel", headers=auth, json={"reason": "大风降温"})
        assert resp.status == 200
        cancelled = await zhao.wait_for_bot_message("取消了")
        assert "原因：大风降温" in cancelled["text"]
    assert not [m for m in await zhang.bot_messages() if "原因：" in m.get("text", "")]


async def test_reminders_arrive_at_their_hour_once_each_across_a_restart(e2e_settings, sb, db, clock):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison)
    settings = e2e_settings.model_copy(update={"tick_seconds": 0.2})
    product_clock = ShiftedClock(settings.tz)
    start = saturday_morning(settings.tz)
    eve = datetime.combine(start.date() - timedelta(days=1), time(18), tzinfo=settings.tz)
    async with bot_running(settings, product_clock) as run:
        zhang = await bound_user(sb, ROSTER_PHONE)
        http, auth = await staff_session(run, "wangfang")
        async with http:
            resp = await http.post("/api/v1/activities", headers=auth, json=activity_body(start))
            assert resp.status == 201
        await zhang.tap("📅 活动报名")
        listing = await zhang.wait_for_bot_message(texts.ACT_LIST)
        await zhang.press(zhang.inline_labels(listing)[0][0])
        await zhang.wait_for_bot_message("【文体比赛】")
        await zhang.press(texts.JOIN_BUTTON)
        await zhang.wait_for_bot_message("报名成功")

        product_clock.set(eve - timedelta(seconds=2))
        await asyncio.sleep(0.6)  # three ticks: not yet
        assert not [m for m in await zhang.bot_messages() if m.get("text", "").startswith("提醒您")]
        product_clock.set(eve)
        evening = await zhang.wait_for_bot_message("提醒您：明天9:00有活动「重阳登高」")
        assert zhang.inline_labels(evening) == [[texts.LEAVE_BUTTON]]

    # The process is down through the two-hours-before time and comes back a minute after it.
    product_clock.set(start - timedelta(hours=2) + timedelta(minutes=1))
    async with bot_running(settings, product_clock):
        await zhang.wait_for_bot_message("两小时后（9:00）开始")
        await asyncio.sleep(0.6)
    reminders = [m for m in await zhang.bot_messages() if m.get("text", "").startswith("提醒您")]
    assert len(reminders) == 2
