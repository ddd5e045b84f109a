"""通知 end to end: a notice written on the console in Chromium goes out through the real bot to the
sandbox's chats, its progress runs to the end on the page, and a retiree's 已阅 tap shows up there."""
from __future__ import annotations

from tests.chromium import WAIT_MS
from tests.console.conftest import DESKTOP, check_page
from tests.e2e.conftest import app, e2e_settings, sandbox, sb, staff_group, staff_people  # noqa: F401 (fixtures)
from tests.e2e.test_help import PASSWORD, add_staff
from tests.e2e.test_onboarding import bound_user
from tests.factories import OTHER_ROSTER_PHONE, ROSTER_PHONE, add_retiree
from yinling import texts

TEXT = "寒潮来了，独居的老同志请关好门窗，注意取暖用电安全。"
POLLED_MS = 25_000  # the page asks for its progress every 2s while sending, every 10s while 已阅 come in


async def open_console(browser, base_url: str, username: str, path: str):
    page = await browser.new_page(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page.set_default_timeout(WAIT_MS)
    await page.goto(base_url + "/console/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/console/")
    await page.goto(base_url + path)
    return page


async def test_a_notice_from_the_console_reaches_the_chat_and_an_ack_shows_on_its_page(
        app, sb, db, clock, browser):  # noqa: F811 (fixtures imported above)
    wang = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    for name, phone in (("张建国", ROSTER_PHONE), ("赵淑芬", OTHER_ROSTER_PHONE), ("钱秀英", "13800000004")):
        await add_retiree(db, clock, name=name, phone=phone, liaison_id=wang, tags=("独居",))
    await add_retiree(db, clock, name="孙志强", phone="13800000003", liaison_id=wang)  # not 独居
    zhang = await bound_user(sb, ROSTER_PHONE)
    zhao = await bound_user(sb, OTHER_ROSTER_PHONE)  # 钱秀英 never opened the chat: a phone call

    page = await open_console(browser, app.admin_url, "wangfang", "/console/notices/new")
    await page.get_by_label("通知内容").fill(TEXT)
    await page.get_by_label("我联系的老同志中，有下面标签的").check()
    await page.get_by_label("独居", exact=True).check()
    await page.get_by_label("请老同志看完点「已阅」").check()
    await page.get_by_role("button", name="预览：看看会发给多少人").click()
    await page.get_by_text("将发给 3 人").wait_for()
    assert "其中 2 人在聊天里能直接收到；1 人还没有用聊天" in await page.locator("#dry-run").inner_text()
    await check_page(page, "notices-chat-preview")

    await page.get_by_role("button", name="发送给 3 人").click()
    await page.get_by_text("通知已经开始发送").wait_for()
    progress = page.locator("#progress")
    await progress.get_by_text("状态：已发完").wait_for(timeout=POLLED_MS)
    assert "在聊天里要发 2 人，已发出 2 人（100%完成）" in await progress.inner_text()
    await check_page(page, "notices-chat-sent")

    notice = await zhang.wait_for_bot_message("寒潮来了")
    assert notice["text"] == texts.BROADCAST_HEADING + TEXT + texts.BROADCAST_ACK_ASK
    await zhao.wait_for_bot_message("寒潮来了")
    await zhang.press(texts.BROADCAST_ACK_BUTTON)
    await zhang.wait_for_bot_message("看过")
    await page.locator("#acked").get_by_text("已阅：1 人").wait_for(timeout=POLLED_MS)  # without reloading

    await page.get_by_role("link", name="刷新名单").click()
    await page.get_by_role("heading", name="已经点了「已阅」的（1 人）").wait_for()
    pending = page.locator("table").filter(has=page.get_by_role("cell", name="赵淑芬"))
    assert "张建国" not in await pending.inner_text()
    unreachable = page.get_by_role("row").filter(has_text="钱秀英")
    assert "13800000004" in await unreachable.inner_text()
    await check_page(page, "notices-chat-acked")

    await page.get_by_role("button", name="提醒未读（再发给还没点「已阅」的人）").click()
    await page.get_by_text("已经再发给还没点「已阅」的 1 人").wait_for()
    reminder = await zhao.wait_for_bot_message("提醒")
    assert reminder["text"].startswith(texts.BROADCAST_REMINDER)
    assert not [m for m in await zhang.bot_messages() if m.get("text", "").startswith(texts.BROADCAST_REMINDER)]
