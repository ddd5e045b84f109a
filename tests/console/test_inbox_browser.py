"""今日 and 收件箱 in real headless Chromium: sign in, open the inbox, open a thread, reply; a new
request appears on the open inbox page without reloading; every page passes the accessibility check."""
from __future__ import annotations

from playwright.async_api import expect

from tests.console.conftest import check_page, open_as
from tests.console.test_inbox import HELP_STEPS, latest, zhang
from yinling.models import Inbound

POLL_MS = 20_000


async def test_staff_open_the_inbox_and_a_thread_and_reply(browser, server, services, clock, db):
    person = await zhang(services, clock)
    await person.say(*HELP_STEPS)
    await person.say(Inbound(kind="text", text="另外，楼道灯坏了"))
    page = await open_as(browser, server, "wangfang")
    await expect(page.get_by_role("link", name="紧急 0 件")).to_be_visible()
    await expect(page.get_by_role("link", name="我的待办 2 件")).to_be_visible()
    await check_page(page, "today")

    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="收件箱").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("收件箱")
    await expect(page.get_by_role("link", name="全部（2）")).to_be_visible()
    await check_page(page, "inbox")

    await page.get_by_role("link", name="需要人帮忙买菜").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("张建国")
    await page.get_by_label("回复内容").fill("明天上午我陪您去超市")
    await page.get_by_role("button", name="发送回复").click()
    await expect(page.locator("#flash")).to_contain_text("回复已发出")
    await expect(page.locator(".chat").first).to_contain_text("明天上午我陪您去超市")
    await expect(page.get_by_text("处理中", exact=True)).to_be_visible()
    await check_page(page, "inbox-help")
    assert "明天上午我陪您去超市" in await db.fetch_value("SELECT text FROM outbox ORDER BY id DESC")

    await page.get_by_role("link", name="回到收件箱").click()
    await page.get_by_role("link", name="另外，楼道灯坏了").click()
    await expect(page.get_by_role("button", name="标记已处理")).to_be_visible()
    await check_page(page, "inbox-message")
    await page.get_by_role("button", name="标记已处理").click()
    await expect(page.locator("#flash")).to_contain_text("已标记为处理完")


async def test_a_new_help_request_appears_on_the_open_inbox_without_reloading(browser, server, services, clock, db):
    page = await open_as(browser, server, "wangfang")
    await page.clock.install()  # the list's 20-second poll, fast-forwarded instead of waited for
    await page.goto(str(server.make_url("/console/inbox")))
    await expect(page.get_by_text("收件箱是空的")).to_be_visible()
    await page.evaluate("window.sameDocument = true")

    await (await zhang(services, clock)).say(*HELP_STEPS)
    request_id = await latest(db, "help_requests")
    await page.clock.run_for(POLL_MS + 1_000)
    row = page.get_by_role("row").filter(has_text="需要人帮忙买菜")
    await expect(row).to_contain_text(f"求助单 #{request_id}")
    await expect(page.get_by_role("link", name="全部（1）")).to_be_visible()
    assert await page.evaluate("window.sameDocument") is True  # the page was not reloaded


async def test_a_viewer_sees_today_without_an_inbox(browser, server):
    page = await open_as(browser, server, "leader")
    await expect(page.get_by_role("heading", name="本周活动")).to_be_visible()
    await expect(page.get_by_role("link", name="收件箱")).to_have_count(0)
    await check_page(page, "today-viewer")
