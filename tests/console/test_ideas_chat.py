"""金点子 end to end through the console: a retiree sends an idea through the real bot on the sandbox,
a liaison reviews it in the console in Chromium, and the retiree reads the office's reply in the chat."""
from __future__ import annotations

from tests.chromium import WAIT_MS
from tests.console.conftest import DESKTOP, check_page
from tests.e2e.conftest import app, e2e_settings, sandbox, sb, staff_group, staff_people  # noqa: F401 (fixtures)
from tests.e2e.test_help import PASSWORD, add_staff
from tests.e2e.test_ideas import propose
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree


async def console_as(browser, base_url: str, username: str, path: str):
    """A browser page signed in through the console's form on the running product."""
    page = await browser.new_page(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"{base_url}/console/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/console/")
    await page.goto(f"{base_url}{path}")
    return page


async def test_a_reply_written_in_the_console_reaches_the_retiree_in_the_chat(app, sb, db, clock, browser):  # noqa: F811
    liaison = await add_staff(db, clock, "wangfang", "王芳", "13900001001")
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)
    await propose(zhang, "城市建设", "建议在幸福路和和平路口加装红绿灯")
    idea_id = await db.fetch_value("SELECT max(id) FROM ideas")

    page = await console_as(browser, app.admin_url, "wangfang", "/console/ideas")
    await page.get_by_role("link", name=f"查看 #{idea_id}").click()
    await page.get_by_text("建议在幸福路和和平路口加装红绿灯").wait_for()
    await page.get_by_label("状态").select_option(label="改为「已采纳」")
    await page.get_by_label("给老同志的答复").fill("已转交市交警支队，列入明年路口改造")
    await page.get_by_role("button", name="保存并发给老同志").click()
    await page.get_by_text("张建国会在聊天里收到").wait_for()
    await check_page(page, "ideas-reviewed-chat")

    adopted = await zhang.wait_for_bot_message("已被采纳")
    assert adopted["text"] == (f"好消息！您的金点子 #{idea_id} 已被采纳。感谢您建言献策！\n"
                               "答复：已转交市交警支队，列入明年路口改造")
