"""Onboarding through the real bot and the sandbox: what a retiree sees and taps."""
from __future__ import annotations

from tests.e2e.conftest import BOT_ID
from tests.e2e.helpers import eventually, group_texts
from tests.factories import ROSTER_PHONE, UNKNOWN_PHONE, add_liaison, add_retiree
from yinling import texts
from yinling.store import registrations as registration_store
from yinling.store import retirees as retiree_store

MENU_ROWS = [["🙋 我要求助", "📅 活动报名"], ["📖 每日学习", "💡 金点子"], ["👤 我的", "☎️ 找人工"]]


async def test_a_retiree_verifies_with_one_tap_and_gets_the_menu(app, sb, db, clock):
    retiree_id = await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE)
    zhang = await new_user(sb, "建国", phone="+86" + ROSTER_PHONE)
    await zhang.send_text("/start")
    welcome = await zhang.wait_for_bot_message("验证手机号")
    assert welcome["text"] == texts.WELCOME_UNBOUND
    assert await zhang.keyboard_labels() == [["📱 验证手机号"]]

    await zhang.tap("📱 验证手机号")
    greeting = await zhang.wait_for_bot_message("身份已经确认")
    assert greeting["text"].startswith("张建国同志，您好！")
    assert await zhang.keyboard_labels() == MENU_ROWS
    assert (await retiree_store.get(db, retiree_id)).telegram_user_id == zhang.id


async def test_someone_elses_contact_is_refused_kindly(app, sb, db, clock):
    retiree_id = await add_retiree(db, clock, phone=ROSTER_PHONE)
    stranger = await new_user(sb, "王", phone="13911112222")
    await stranger.send_text("/start")
    await stranger.wait_for_bot_message("验证手机号")
    await stranger.share_contact(phone_number=ROSTER_PHONE, user_id=stranger.id + 1, first_name="张建国")
    refusal = await stranger.wait_for_bot_message("不是您本人")
    assert refusal["text"] == texts.CONTACT_NOT_OWN
    assert await stranger.keyboard_labels() == [["📱 验证手机号"]]
    assert (await retiree_store.get(db, retiree_id)).telegram_user_id is None


async def test_an_unknown_phone_is_told_staff_will_call_and_staff_see_it(app, sb, db, staff_group):
    newcomer = await new_user(sb, "新来的", phone=UNKNOWN_PHONE)
    await newcomer.send_text("/start")
    await newcomer.wait_for_bot_message("验证手机号")
    await newcomer.tap("📱 验证手机号")
    answer = await newcomer.wait_for_bot_message("不在我们的名单里")
    assert answer["text"] == texts.UNKNOWN_PHONE
    [pending], _ = await registration_store.list_pending(db)
    assert pending.telegram_user_id == newcomer.id and pending.phone == UNKNOWN_PHONE

    async def staff_told() -> bool:
        return any("身份核对" in t for t in await group_texts(sb, BOT_ID, staff_group["id"]))

    await eventually(staff_told, what="the staff group notice")

    # Unbound people get only onboarding, however they ask.
    await newcomer.send_text("🙋 我要求助")
    wait = await newcomer.wait_for_bot_message("核对")
    assert wait["text"].startswith(texts.PENDING_WAIT)


async def test_menu_help_and_cancel_work_at_every_step(app, sb, db, clock):
    liaison = await add_liaison(db, clock)
    await add_retiree(db, clock, phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await zhang.tap("☎️ 找人工")
    human = await zhang.wait_for_bot_message("联系干部")
    assert "王芳" in human["text"] and "13900001001" in human["text"]
    assert await zhang.keyboard_labels() == [["↩️ 返回主菜单", "☎️ 找人工"]]
    await zhang.send_text("/help")
    assert (await zhang.wait_for_bot_message("使用方法"))["text"] == texts.HELP
    await zhang.send_text("/cancel")
    assert (await zhang.wait_for_bot_message("取消"))["text"] == texts.CANCELLED
    assert await zhang.keyboard_labels() == MENU_ROWS
    await zhang.tap("📖 每日学习")
    assert (await zhang.wait_for_bot_message("每日学习"))["text"] == texts.STUDY_MENU_UNSUBSCRIBED
    await zhang.send_text("/menu")
    assert (await zhang.wait_for_bot_message())["text"] == texts.MENU_PROMPT


async def test_bot_commands_are_registered_in_chinese(app, sb):
    calls = await sb.calls(BOT_ID, "setMyCommands")
    assert calls, "setMyCommands was never called"
    commands = calls[-1]["params"]["commands"]
    if isinstance(commands, str):
        import json

        commands = json.loads(commands)
    assert [(c["command"], c["description"]) for c in commands] == list(texts.COMMANDS)


# ---- helpers ----

async def new_user(sb, first_name: str, *, phone: str):
    return await sb.create_user(first_name, phone_number=phone, bot_id=BOT_ID)


async def bound_user(sb, phone: str):
    person = await new_user(sb, "老同志", phone=phone)
    await person.send_text("/start")
    await person.wait_for_bot_message("验证手机号")
    await person.tap("📱 验证手机号")
    await person.wait_for_bot_message("身份已经确认")
    return person
