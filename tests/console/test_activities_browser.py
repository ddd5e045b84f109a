"""活动 in real headless Chromium: publish on the form (mistakes said beside the fields), see the
registrant, check in at the door by typing codes (htmx, the input keeps its focus), the printable
sign-in sheet; and end to end with the real bot: an activity published on 活动 is signed up for by
a retiree tapping in the chat, and the registrant appears on the activity's page.
Every page opened goes through check_page (a screenshot, and axe-core finds no serious violation)."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta

from playwright.async_api import expect
from yarl import URL

from tests.admin.conftest import PASSWORD
from tests.console.conftest import check_page, open_as
from tests.console.owned.activities import signs_up
from tests.console.test_activities import admin_actor
from tests.e2e.conftest import app, e2e_settings, sandbox, sb, staff_group, staff_people  # noqa: F401 (fixtures)
from tests.e2e.test_activities import code_in, saturday_morning
from tests.e2e.test_onboarding import bound_user
from tests.factories import ROSTER_PHONE, add_retiree
from yinling import texts
from yinling.passwords import hash_password
from yinling.store import staff as staff_store


def picker(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


async def fill_activity(page, *, title: str, start: datetime, capacity: str = "20") -> None:
    await page.get_by_label("活动名称").fill(title)
    await page.get_by_label("活动类型").select_option("文体比赛")
    await page.get_by_label("地点").fill("五泉山公园东门")
    await page.get_by_label("开始时间").fill(picker(start))
    await page.get_by_label("结束时间").fill(picker(start + timedelta(hours=3)))
    await page.get_by_label("报名截止时间").fill(picker(start - timedelta(hours=15)))
    await page.get_by_label("名额（人数）").fill(capacity)


async def check_in(page, code: str) -> None:
    box = page.get_by_label("签到码")
    await box.fill(code)
    await box.press("Enter")


async def test_publish_check_in_and_print_in_the_browser(browser, server, services, office):
    page = await open_as(browser, server, "wangfang", "/console/activities")
    await expect(page.get_by_role("heading", level=1)).to_have_text("活动")
    await expect(page.get_by_text("现在没有还没结束的活动")).to_be_visible()
    await check_page(page, "activities-list-empty")

    await page.get_by_role("link", name="发布新活动").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("发布新活动")
    await check_page(page, "activities-new")
    await page.get_by_role("button", name="发布活动").click()  # nothing filled in
    await expect(page.get_by_role("alert")).to_contain_text("请改正下面标出的")
    await expect(page.locator("#f-title-error")).to_have_text("不能为空")
    await expect(page.locator("#f-starts_at-error")).to_have_text("必填，请选一个日期和时间")
    await expect(page.get_by_label("活动名称")).to_have_attribute("aria-invalid", "true")
    await check_page(page, "activities-new-errors")

    await fill_activity(page, title="重阳登高", start=datetime(2026, 11, 28, 9, 0))
    await page.get_by_label("可以带一位家属").check()
    await page.get_by_role("button", name="发布活动").click()
    await expect(page.get_by_text("活动已发布。")).to_be_visible()
    await expect(page.get_by_text("11月28日 周六 上午9:00 至 中午12:00")).to_be_visible()
    activity_id = int(re.search(r"/activities/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    await check_page(page, "activities-detail-empty")

    await signs_up(services, "13800000001", 777000301, activity_id)  # 张建国, in the chat
    [registration] = (await services.activities.registrations(admin_actor(office), activity_id))[1]
    await page.reload()
    confirmed = page.get_by_role("table").first
    await expect(confirmed).to_contain_text("张建国")
    await expect(confirmed).to_contain_text("13800000001")  # her own retiree: the phone to call
    await expect(page.get_by_role("heading", name="已报名（1 人）")).to_be_visible()
    await check_page(page, "activities-detail")
    async with page.expect_download() as download:
        await page.get_by_role("button", name="下载报名名单（Excel）").click()
    assert (await download.value).suggested_filename == "报名名单-重阳登高.xlsx"

    await page.get_by_role("link", name="签到", exact=True).click()
    box = page.get_by_label("签到码")
    await expect(box).to_be_focused()
    await check_page(page, "activities-checkin")
    await check_in(page, registration.code)
    result = page.locator("#checkin-result")
    await expect(result).to_contain_text("已签到：张建国")
    await expect(box).to_be_focused()
    await expect(box).to_have_value("")
    await expect(page.get_by_role("heading", name="还没签到的（0 人）")).to_be_visible()
    await check_page(page, "activities-checkin-done")
    await check_in(page, registration.code)
    await expect(result).to_contain_text("已经签过：张建国")
    wrong = "0000" if registration.code != "0000" else "1111"
    await check_in(page, wrong)
    await expect(result).to_contain_text(f"签到码不对：{wrong}")
    await expect(box).to_be_focused()
    await check_page(page, "activities-checkin-wrong")

    await page.goto(str(server.make_url(f"/console/activities/{activity_id}/sheet")))
    await expect(page.get_by_role("heading", level=1)).to_have_text("重阳登高 签到表")
    await expect(page.get_by_role("columnheader", name="签名")).to_be_visible()
    await check_page(page, "activities-sheet")
    await page.emulate_media(media="print")
    await expect(page.get_by_role("button", name="打印签到表")).to_be_hidden()
    await expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    await expect(page.get_by_role("cell", name="张建国")).to_be_visible()
    await check_page(page, "activities-sheet-print")
    await page.emulate_media(media="screen")

    await page.goto(str(server.make_url(f"/console/activities/{activity_id}/edit")))
    await expect(page.get_by_label("开始时间")).to_have_value("2026-11-28T09:00")
    await check_page(page, "activities-edit")
    await page.get_by_label("地点").fill("兰山公园南门")
    await page.get_by_role("button", name="保存修改").click()
    await expect(page.get_by_text("修改已保存")).to_be_visible()
    await expect(page.get_by_text("兰山公园南门")).to_be_visible()

    await page.get_by_role("link", name="‹ 回到活动列表").click()
    row = page.get_by_role("row").filter(has_text="重阳登高")
    await expect(row).to_contain_text("1 / 20")
    await expect(row).to_contain_text("正在报名")
    await check_page(page, "activities-list")
    await page.close()

    viewer = await open_as(browser, server, "leader", f"/console/activities/{activity_id}")
    await expect(viewer.locator("main")).to_contain_text("只读账号只看人数")
    await expect(viewer.locator("main")).not_to_contain_text("张建国")
    await expect(viewer.get_by_role("link", name="签到", exact=True)).to_have_count(0)
    assert "13800000001" not in await viewer.content()
    await check_page(viewer, "activities-detail-viewer")
    await viewer.close()


async def add_liaison(db, clock) -> int:
    """王芳, with the password open_as signs in with."""
    async with db.transaction() as tx:
        return await staff_store.insert(tx, username="wangfang", display_name="王芳", role="liaison",
                                        phone="13900001001", password_hash=hash_password(PASSWORD), now=clock.now())


class At:
    """The running process's console address, shaped as open_as takes a server."""

    def __init__(self, base: str) -> None:
        self.base = URL(base)

    def make_url(self, path: str) -> URL:
        return self.base.join(URL(path))


async def test_an_activity_published_on_the_console_is_signed_up_for_in_the_chat(app, sb, db, clock, browser):  # noqa: F811
    liaison = await add_liaison(db, clock)
    await add_retiree(db, clock, name="张建国", phone=ROSTER_PHONE, liaison_id=liaison)
    zhang = await bound_user(sb, ROSTER_PHONE)
    start = saturday_morning(app.services.core.clock.tz).replace(tzinfo=None)
    page = await open_as(browser, At(app.admin_url), "wangfang", "/console/activities/new")
    await fill_activity(page, title="秋游植物园", start=start)
    await page.get_by_role("button", name="发布活动").click()
    await expect(page.get_by_text("已在聊天里通知 1 位老同志")).to_be_visible()
    await check_page(page, "activities-e2e-published")

    # 张建国, in the chat: 活动报名 → the activity → 报名
    await zhang.tap("📅 活动报名")
    listing = await zhang.wait_for_bot_message(texts.ACT_LIST)
    [[label]] = zhang.inline_labels(listing)
    assert label.endswith("秋游植物园 · 还剩 20 个名额")
    await zhang.press(label)
    await zhang.wait_for_bot_message("【文体比赛】秋游植物园")
    await zhang.press(texts.JOIN_BUTTON)
    code = code_in(await zhang.wait_for_bot_message("报名成功"))

    table = page.get_by_role("table").first
    for _ in range(50):  # the sign-up is committed by the bot's own turn: look again until it shows
        await page.reload()
        if await table.count() and "张建国" in await table.inner_text():
            break
        await asyncio.sleep(0.2)
    await expect(table).to_contain_text("张建国")
    await expect(table).to_contain_text(code)
    await expect(page.get_by_text("已报名 1 人 / 共 20 个名额")).to_be_visible()
    await check_page(page, "activities-e2e-registrant")

    await page.get_by_role("link", name="签到", exact=True).click()
    await check_in(page, code)
    await expect(page.locator("#checkin-result")).to_contain_text("已签到：张建国")
    await check_page(page, "activities-e2e-checked-in")
    await page.close()
