"""The demo's web chat in a real headless Chromium (Playwright driving Debian's /usr/bin/chromium):
a newcomer picks a retiree, starts, verifies and asks for help by tapping; staff answer from the
staff group's view and over the staff API; and on a 360×640 phone what the bot said last stays in
sight above the keyboard.

`make test` installs Debian's chromium when it runs as root; without it these tests skip, saying why."""
from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from serve.demo import demo_office
from tests.chromium import WAIT_MS
from yinling.demo import DEMO_STAFF_GROUP

SMALL_PHONE = {"width": 360, "height": 640}


@pytest.fixture
async def office(tmp_path):
    async with demo_office("127.0.0.1", 0, 0, db_path=tmp_path / "demo.db", _env_file=None,
                           outbox_poll_seconds=0.2) as running:
        yield running


async def open_chat(browser, office, person: str, viewport: dict[str, int] | None = None) -> Any:
    page = await browser.new_page(viewport=viewport or {"width": 390, "height": 844})
    await page.goto(office.sandbox_url + "/")
    await page.locator(".person", has_text=person).first.click()
    return page


async def tap(page, label: str) -> None:
    """A reply-keyboard button, once it is there."""
    await page.locator("#keyboard button", has_text=label).first.click(timeout=WAIT_MS)


async def last_bot_text(page, contains: str) -> None:
    from playwright.async_api import expect

    await expect(page.locator("#messages .row.bot .bubble").last).to_contain_text(contains, timeout=WAIT_MS)


async def assert_last_bot_message_in_sight(page) -> None:
    """By their bounding boxes: the message list ends above the keyboard, and the last bot bubble lies
    inside the list's visible box (one taller than that box starts at its top: read from its first
    line). Retried while the page settles its scrolling."""
    for _ in range(50):
        bubble = await page.locator("#messages .row.bot .bubble").last.bounding_box()
        box = await page.locator("#messages").bounding_box()
        keyboard = await page.locator("#keyboard").bounding_box()  # None when hidden
        assert bubble is not None and box is not None
        top, bottom = box["y"], box["y"] + box["height"]
        list_above_keyboard = keyboard is None or bottom <= keyboard["y"] + 1
        starts_in_sight = top - 1 <= bubble["y"] <= bottom - 40
        ends_in_sight = bubble["y"] + bubble["height"] <= bottom + 1 or bubble["height"] > box["height"]
        if list_above_keyboard and starts_in_sight and ends_in_sight:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the last bot message is out of sight: {bubble} in {box}, keyboard {keyboard}")


async def test_a_newcomer_asks_for_help_and_sees_staff_answer_from_the_staff_group(browser, office):
    from playwright.async_api import expect

    page = await open_chat(browser, office, "张建国")
    await expect(page.locator("#messages")).to_contain_text("开始")  # an empty chat says what to do
    await page.get_by_role("button", name="开始", exact=True).click()
    await last_bot_text(page, "验证手机号")
    verify = page.locator("#keyboard button", has_text="验证手机号")
    await expect(verify).to_have_text("📱 验证手机号")  # one 📱, not two
    await verify.click()
    await last_bot_text(page, "身份已经确认")

    await tap(page, "我要求助")
    await tap(page, "生活照料")
    await page.locator("#text").fill("家里水龙头漏水，想请人来修一下")
    await page.locator("#text").press("Enter")
    await last_bot_text(page, "收到了")
    await tap(page, "说完了")
    await tap(page, "不急")
    await last_bot_text(page, "请核对一下")
    await tap(page, "确认提交")
    await last_bot_text(page, "已收到")

    staff = await browser.new_page(viewport={"width": 390, "height": 844})
    await staff.goto(office.sandbox_url + "/")
    await staff.locator(".person", has_text=DEMO_STAFF_GROUP).filter(has_text="刘主任").click()
    card = staff.locator("#messages .row", has_text="张建国").filter(has_text="水龙头").first
    await expect(card).to_contain_text("水龙头", timeout=WAIT_MS)
    await card.get_by_role("button", name="回复").click()
    await staff.locator("#text").fill("张老您好，明天上午师傅上门修水龙头。")
    await staff.locator("#text").press("Enter")
    await expect(staff.locator("#messages")).to_contain_text("已转达给张建国", timeout=WAIT_MS)

    await last_bot_text(page, "明天上午师傅上门修水龙头")
    await assert_last_bot_message_in_sight(page)


async def test_on_a_small_phone_the_bots_words_stay_above_the_keyboard(browser, office):
    page = await open_chat(browser, office, "李秀英", SMALL_PHONE)
    await page.get_by_role("button", name="开始", exact=True).click()
    await last_bot_text(page, "验证手机号")
    await assert_last_bot_message_in_sight(page)
    await tap(page, "验证手机号")
    await last_bot_text(page, "身份已经确认")
    await assert_last_bot_message_in_sight(page)
    await tap(page, "我要求助")
    await last_bot_text(page, "哪方面的帮助")  # the question, with seven categories and two ways out below it
    await assert_last_bot_message_in_sight(page)

    # A staff member writes to her over the staff API, as an admin.
    async with aiohttp.ClientSession(office.admin_url) as http:
        login = {"username": "admin", "password": office.database.passwords["admin"]}
        async with http.post("/api/v1/auth/login", json=login) as resp:
            token = (await resp.json())["token"]
        retiree_id = await office.run.services.core.db.fetch_value(
            "SELECT id FROM retirees WHERE name = '李秀英'")
        async with http.post(f"/api/v1/retirees/{retiree_id}/messages", json={"text": "李阿姨，下午我来看您。"},
                             headers={"Authorization": f"Bearer {token}"}) as resp:
            assert resp.status == 201, await resp.text()
    await last_bot_text(page, "下午我来看您")
    await assert_last_bot_message_in_sight(page)
