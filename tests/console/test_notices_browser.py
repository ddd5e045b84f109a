"""通知 in real headless Chromium: writing a notice, its errors and its count (htmx), sending it, the
notice page (and how it prints), and what a viewer sees."""
from __future__ import annotations

from tests.console.conftest import check_page, open_as
from tests.factories import add_bound_retiree
from yinling.models import Actor, BroadcastDraft
from yinling.store import staff as staff_store

TEXT = "本周五下午三点在活动室开座谈会，请准时参加。"


async def test_compose_preview_and_send_a_notice_in_the_browser(browser, server, db, clock, office):
    await add_bound_retiree(db, clock, 7101, name="孙志强", liaison_id=office.wang, tags=("独居",))
    page = await open_as(browser, server, "admin", "/console/notices")
    await page.get_by_text("还没有通知").wait_for()
    await check_page(page, "notices-list-empty")
    await page.get_by_role("link", name="写新通知").click()
    await page.get_by_role("heading", name="写新通知").wait_for()
    await check_page(page, "notices-new")

    # 预览 with nothing written: the errors appear beside the fields, in place
    await page.get_by_label("有下面标签的老同志").check()
    await page.get_by_role("button", name="预览：看看会发给多少人").click()
    await page.locator("#f-text-error").get_by_text("不能为空").wait_for()
    assert await page.locator("#f-tags-error").inner_text() == "请至少勾选一个标签"
    assert page.url.endswith("/console/notices/new")  # htmx: the form replaced itself
    await check_page(page, "notices-errors")

    await page.get_by_label("通知内容").fill(TEXT)
    await page.get_by_label("独居", exact=True).check()
    await page.get_by_label("请老同志看完点「已阅」").check()
    await page.get_by_role("button", name="预览：看看会发给多少人").click()
    await page.get_by_text("将发给 2 人").wait_for()  # 张建国 and 孙志强 live alone
    assert "1 人还没有用聊天" in await page.locator("#dry-run").inner_text()
    assert TEXT in await page.locator("#dry-run .bubble").inner_text()
    await check_page(page, "notices-preview")

    await page.get_by_role("button", name="发送给 2 人").click()
    await page.get_by_text("通知已经开始发送").wait_for()
    assert "有这些标签的老同志：独居" in await page.locator("main").inner_text()
    assert "13800000001" in await page.locator("main").inner_text()  # 张建国, to be phoned
    await check_page(page, "notices-one")
    await page.emulate_media(media="print")
    assert not await page.locator("header.top").is_visible()
    assert not await page.get_by_role("button", name="打印名单").is_visible()
    assert await page.get_by_role("heading", name="联系不上，请打电话告诉他们（1 人）").is_visible()
    await page.emulate_media(media="screen")

    await page.get_by_role("link", name="← 回到通知列表").click()
    row = page.get_by_role("row").filter(has_text="本周五下午三点")
    await row.get_by_text("正在发送").wait_for()
    await check_page(page, "notices-list")


async def test_a_viewer_sees_the_notice_without_phones_in_the_browser(browser, server, services, office):
    admin = await staff_store.get(services.core.db, office.admin)
    assert admin is not None
    notice = await services.broadcasts.do_create(Actor(staff=admin), BroadcastDraft(text=TEXT, require_ack=True))
    page = await open_as(browser, server, "leader", f"/console/notices/{notice.id}")
    await page.get_by_role("heading", name="联系不上，请打电话告诉他们（2 人）").wait_for()
    text = await page.locator("main").inner_text()
    assert "张建国" in text and "13800000001" not in text and "13800000002" not in text
    assert await page.get_by_role("button", name="提醒未读（再发给还没点「已阅」的人）").count() == 0
    await check_page(page, "notices-one-viewer")
