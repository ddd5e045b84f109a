"""每日学习 end to end: staff add pieces over HTTP; a retiree subscribes, gets the day's piece at the
chosen time, reads, answers, keeps and loses a streak, and stops. The product's clock is moved
(ShiftedClock) while Telegram's pacing stays real; a restart happens at the push time."""
from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from tests.e2e.conftest import BOT_ID, bot_running
from tests.e2e.helpers import eventually
from tests.e2e.test_help import add_staff, staff_session
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.clock import ShiftedClock

QUIZ = {"question": "接到陌生电话让转账，怎么办？", "options": ["马上转", "挂断，问家人或打110"], "answer": "B",
        "explanation": "先挂断，再核实。"}


def piece(title: str) -> dict:
    return {"title": title, "topic": "防诈骗", "source": "银龄助手编写", "quiz": QUIZ,
            "body": f"{title}：陌生电话说要转账，一律先挂断。拿不准，就问家人或者联系您的工作人员。"}


async def no_push_within(person, seconds: float, after: int) -> None:
    await asyncio.sleep(seconds)
    assert not [m for m in await person.bot_messages(after) if "今日学习" in m.get("text", "")]


async def test_daily_push_reading_quiz_streak_restart_and_stop(e2e_settings, sb, db, clock):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison)
    settings = e2e_settings.model_copy(update={"tick_seconds": 0.2})
    product_clock = ShiftedClock(settings.tz)
    day1 = datetime.now(settings.tz).date() + timedelta(days=1)

    def moment(day_offset: int, hour: int, minute: int, second: int = 0) -> datetime:
        return datetime.combine(day1 + timedelta(days=day_offset), time(hour, minute, second), tzinfo=settings.tz)

    product_clock.set(moment(0, 8, 0))
    async with bot_running(settings, product_clock) as run:
        http, auth = await staff_session(run, "wangfang")
        async with http:
            for title in ("第一课", "第二课", "第三课", "第四课"):
                assert (await http.post("/api/v1/study/pieces", headers=auth, json=piece(title))).status == 201
        zhang = await bound_user(sb, ROSTER_PHONE)

        # subscribes at 8:30 from the study menu
        await zhang.tap("📖 每日学习")
        assert (await zhang.wait_for_bot_message("每日学习"))["text"] == texts.STUDY_MENU_UNSUBSCRIBED
        await zhang.tap(texts.STUDY_SETTINGS_BUTTON)
        settings_message = await zhang.wait_for_bot_message("订阅设置")
        assert zhang.inline_labels(settings_message) == [["每天 7:00", "每天 8:30"], ["每天 12:00", "每天 19:00"],
                                                         [texts.STUDY_BOARD_JOIN_BUTTON]]
        await zhang.press("每天 8:30")
        assert (await zhang.wait_for_bot_message("8:30"))["text"] == texts.STUDY_SUBSCRIBED.format(time="8:30")

        # nothing before the time; at 8:30 the day's piece with 学完了
        product_clock.set(moment(0, 8, 29, 58))
        await no_push_within(zhang, 0.6, zhang.last_seen)
        product_clock.set(moment(0, 8, 30))
        pushed = await zhang.wait_for_bot_message("今日学习")
        assert "【防诈骗】第一课" in pushed["text"] and zhang.inline_labels(pushed) == [[texts.STUDY_DONE_BUTTON]]
        tap = await zhang.press(texts.STUDY_DONE_BUTTON)
        assert (await zhang.wait_for_bot_message("学完了"))["text"] == texts.STUDY_READ_DONE.format(streak=1, points=1)
        quiz = await zhang.wait_for_bot_message("小题")
        assert zhang.inline_labels(quiz) == [["A. 马上转"], ["B. 挂断，问家人或打110"]]

        async def toast() -> bool:
            answers = await sb.callback_answers(BOT_ID, tap["id"])
            return bool(answers) and answers[0]["text"] == texts.STUDY_READ_TOAST

        await eventually(toast, what="学完了 answered where it was tapped")
        await zhang.press("A. 马上转")  # wrong
        wrong = await zhang.wait_for_bot_message("没答对")
        assert "正确答案是 B. 挂断，问家人或打110" in wrong["text"]
        await asyncio.sleep(0.6)
        assert len([m for m in await zhang.bot_messages() if "今日学习" in m.get("text", "")]) == 1  # once a day
        seen = zhang.last_seen

    # The process is down at the next day's 8:30 and comes back a little later: the push goes at start-up.
    product_clock.set(moment(1, 8, 31))
    async with bot_running(settings, product_clock):
        second = await zhang.wait_for_bot_message("今日学习", after=seen)
        assert "【防诈骗】第二课" in second["text"]
        await zhang.press(texts.STUDY_DONE_BUTTON, message_id=second["message_id"])
        assert (await zhang.wait_for_bot_message("学完了"))["text"] == texts.STUDY_READ_DONE.format(streak=2, points=2)
        await zhang.wait_for_bot_message("小题")
        await zhang.press("B. 挂断，问家人或打110")
        assert (await zhang.wait_for_bot_message("答对了"))["text"] == "✅ 答对了！积 1 分。\n先挂断，再核实。"

        # a day without reading: the streak starts again
        product_clock.set(moment(3, 9, 0))
        third = await zhang.wait_for_bot_message("今日学习")
        await zhang.tap(texts.STUDY_MINE_BUTTON)
        mine = await zhang.wait_for_bot_message("我的学习")
        assert "已经连续学习 0 天" in mine["text"] and "一共 3 分" in mine["text"]
        await zhang.press(texts.STUDY_DONE_BUTTON, message_id=third["message_id"])
        assert (await zhang.wait_for_bot_message("学完了"))["text"] == texts.STUDY_READ_DONE.format(streak=1, points=4)

        # stops: no push the next day
        await zhang.tap(texts.STUDY_SETTINGS_BUTTON)
        await zhang.wait_for_bot_message("订阅设置")
        await zhang.press(texts.STUDY_STOP_BUTTON)
        assert (await zhang.wait_for_bot_message("暂停"))["text"] == texts.STUDY_STOPPED
        product_clock.set(moment(4, 8, 30))
        await no_push_within(zhang, 0.8, zhang.last_seen)
    pushes = [m for m in await zhang.bot_messages() if "今日学习" in m.get("text", "")]
    assert [p["text"].split("\n")[1] for p in pushes] == ["【防诈骗】第一课", "【防诈骗】第二课", "【防诈骗】第三课"]
