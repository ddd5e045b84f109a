"""The demo office in the console, in real Chromium: a newcomer signs in with a printed login and
finds something on every page of the navigation (the README's screenshots are these pages:
build/console-screens/demo-*.png)."""
from __future__ import annotations

import pytest

from serve.demo import demo_office
from tests.chromium import WAIT_MS
from tests.console.conftest import DESKTOP, check_page

# page, what must be on it in the demo office (a heading or a row a newcomer would look for)
PAGES = (
    ("/console/", "今日", "要办的事"),
    ("/console/inbox", "收件箱", "求助单"),
    ("/console/roster", "台账", "张建国"),
    ("/console/activities", "活动", "报名"),
    ("/console/notices", "通知", "已阅"),
    ("/console/ideas", "金点子", "已采纳"),
    ("/console/study", "学习", "学习"),
    ("/console/stats", "统计", "响应率"),
    ("/console/accounts", "账号", "刘主任"),
)


@pytest.fixture
async def demo(tmp_path):
    async with demo_office("127.0.0.1", 0, 0, db_path=tmp_path / "demo.db", _env_file=None,
                           outbox_poll_seconds=0.2) as running:
        yield running


async def test_every_console_page_of_the_demo_office_has_something_on_it(browser, demo):
    from playwright.async_api import expect

    passwords = demo.database.passwords
    assert passwords, "a fresh demo office has its logins"
    page = await browser.new_page(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page.set_default_timeout(WAIT_MS)
    await page.goto(demo.admin_url + "/console/")
    await page.get_by_label("用户名").fill("admin")
    await page.get_by_label("密码").fill(passwords["admin"])
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/console/")
    for path, heading, shown in PAGES:
        await page.goto(demo.admin_url + path)
        await expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        await expect(page.locator("main")).to_contain_text(shown)
        await check_page(page, "demo-" + (path.strip("/").split("/")[-1] if path != "/console/" else "today"))
    # one thread and one person's file, from the lists
    await page.goto(demo.admin_url + "/console/inbox")
    await page.locator("a[id^='item-help-']").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("求助单")
    await expect(page.locator("main")).to_contain_text("回复")
    await check_page(page, "demo-thread")
    await page.goto(demo.admin_url + "/console/roster")
    await page.locator("main table a", has_text="张建国").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("张建国")
    await expect(page).to_have_title("张建国 · 一人一档 · 银龄助手")
    await check_page(page, "demo-person")
