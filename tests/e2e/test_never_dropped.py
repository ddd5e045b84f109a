"""Words are never dropped (issue 12), through the real bot on the sandbox: typed answers at a quiz and
at 带家属? count as the tap, words at the help category start a request in 其他, and every reply
keyboard with 返回 also offers 找人工."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from tests.e2e.conftest import BOT_ID
from tests.e2e.test_help import add_staff
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from tests.unit.test_study import piece
from yinling import texts
from yinling.models import ActivityFields
from yinling.store import activities as activity_store
from yinling.store import help as help_store
from yinling.store import study as study_store

NAV = [texts.BACK_BUTTON, texts.HUMAN_BUTTON]


async def zhang_of(sb, db, clock):
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")  # staff #1, office_admin's id
    retiree_id = await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison)
    return await bound_user(sb, ROSTER_PHONE), retiree_id


async def test_a_typed_letter_answers_the_quiz(app, sb, db, clock, office_admin):
    zhang, retiree_id = await zhang_of(sb, db, clock)
    study_piece = await app.services.study.do_create(office_admin, piece())
    await zhang.tap("📖 每日学习")
    await zhang.wait_for_bot_message("每日学习")
    await zhang.tap(texts.STUDY_TODAY_BUTTON)
    await zhang.wait_for_bot_message("今日学习")
    await zhang.press(texts.STUDY_DONE_BUTTON)
    await zhang.wait_for_bot_message("小题")
    await zhang.send_text("A")
    await zhang.wait_for_bot_message("答对了")
    read = await study_store.read_of(db, retiree_id, study_piece.id)
    assert (read.choice, read.correct) == (0, True)
    assert await zhang.keyboard_labels() == [[texts.STUDY_TODAY_BUTTON, texts.STUDY_PAST_BUTTON],
                                             [texts.STUDY_MINE_BUTTON, texts.STUDY_SETTINGS_BUTTON], NAV]


async def test_typed_no_at_bring_a_companion_signs_up_alone(app, sb, db, clock, office_admin):
    zhang, retiree_id = await zhang_of(sb, db, clock)
    start = datetime.combine(datetime.now(app.services.core.clock.tz).date() + timedelta(days=3), time(9),
                             tzinfo=app.services.core.clock.tz)
    activity, _ = await app.services.activities.do_create(office_admin, ActivityFields(
        title="重阳登高", kind="文体比赛", place="五泉山公园东门", starts_at=start, ends_at=start + timedelta(hours=3),
        signup_deadline=start - timedelta(hours=15), capacity=5, companion_allowed=True), notify=False)
    await zhang.tap("📅 活动报名")
    await zhang.wait_for_bot_message(texts.ACT_LIST)
    await zhang.press(data=f"act:view:{activity.id}")
    await zhang.wait_for_bot_message("重阳登高")
    await zhang.press(texts.JOIN_BUTTON)
    await zhang.wait_for_bot_message(texts.ACT_ASK_COMPANION)
    await zhang.send_text("几点集合？")  # not an answer: passed to staff, asked again
    again = await zhang.wait_for_bot_message(texts.ACT_ASK_COMPANION)
    assert again["text"].startswith(texts.PASSED_TO_STAFF.format(thing="您说的话"))
    await zhang.send_text("不带")
    confirmed = await zhang.wait_for_bot_message("报名成功")
    assert texts.ACT_EXTRA_COMPANION.strip() not in confirmed["text"]
    registration = await activity_store.registration(db, activity.id, retiree_id)
    assert (registration.status, registration.companion) == ("confirmed", False)


async def test_words_at_the_help_category_start_a_request_in_other(app, sb, db, clock):
    zhang, retiree_id = await zhang_of(sb, db, clock)
    await zhang.tap("🙋 我要求助")
    await zhang.wait_for_bot_message("哪方面")
    await zhang.send_text("我家楼道的灯坏了好几天了")
    started = await zhang.wait_for_bot_message("其他")
    assert started["text"] == texts.HELP_STARTED_AS_OTHER.format(thing="您说的话")
    assert await zhang.keyboard_labels() == [[texts.DONE_BUTTON], NAV]
    await zhang.send_voice(duration=3)
    await zhang.wait_for_bot_message("已记下 2 条")
    await zhang.send_text("说完了")
    await zhang.wait_for_bot_message("急不急")
    await zhang.send_text("不急")
    await zhang.wait_for_bot_message("请核对")
    await zhang.send_text("确认")
    await zhang.wait_for_bot_message("已收到")
    [request] = await help_store.for_retiree(db, retiree_id)
    assert request.category == "其他"
    assert [m.kind for m in await help_store.thread(db, request.id)] == ["text", "voice"]


async def test_every_reply_keyboard_with_back_also_offers_a_person(app, sb, db, clock):
    zhang, _ = await zhang_of(sb, db, clock)
    walk = [("🙋 我要求助", "哪方面"), ("医疗健康", "请说说"), ("我的腿有点疼", "已记下"),
            (texts.DONE_BUTTON, "急不急"), (texts.NOT_URGENT_BUTTON, "请核对"), (texts.BACK_BUTTON, None),
            ("💡 金点子", "哪方面"), ("城市建设", "请说说"), ("多建几个公园", "已记下"), (texts.DONE_BUTTON, "请核对"),
            (texts.BACK_BUTTON, None),
            ("📖 每日学习", "每日学习"), (texts.BACK_BUTTON, None), ("👤 我的", texts.MINE_PROMPT),
            ("谢谢你们", "转给工作人员"), ("☎️ 找人工", "直接在这里说")]
    for label, expected in walk:
        shown = [b for row in await zhang.keyboard_labels() for b in row]
        await (zhang.tap(label) if label in shown else zhang.send_text(label))  # a button, or words
        await zhang.wait_for_bot_message(expected)
    backs = 0
    for call in await sb.calls(BOT_ID, "sendMessage"):
        markup = call["params"].get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup or {}
        for row in markup.get("keyboard", []):
            labels = [b["text"] if isinstance(b, dict) else b for b in row]
            if texts.BACK_BUTTON in labels:
                backs += 1
                assert labels == NAV or texts.HUMAN_BUTTON in labels, labels
    assert backs >= 10
