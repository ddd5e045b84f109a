"""金点子 in real headless Chromium: a liaison finds an idea, is refused a 暂未采纳 without a reason
(said beside the field), then adopts it with a reply the retiree receives; a viewer reads without
the phone or the forms; a photo sent with an idea shows and its voice note has a player. Every
page: a screenshot and the accessibility check."""
from __future__ import annotations

import struct
import zlib

import pytest

from admin.app import create_app
from console.app import mount_console
from tests.console.conftest import check_page, open_as
from tests.console.owned.ideas import add_idea
from tests.console.test_ideas import ZHANG_CHAT, told, two_ideas
from yinling.models import Inbound


async def test_a_liaison_reviews_an_idea_with_a_reply(browser, server, services, office):
    ideas = await two_ideas(services)
    page = await open_as(browser, server, "wangfang", "/console/ideas")
    await page.get_by_role("heading", name="金点子", exact=True).wait_for()
    assert await page.get_by_role("row").count() == 2  # the header and 张建国's idea (not 李强's retiree's)
    await check_page(page, "ideas-list")

    await page.get_by_role("link", name=f"查看 #{ideas['wang']}").click()
    await page.get_by_role("heading", name=f"金点子 #{ideas['wang']} · 城市建设").wait_for()
    assert "13800000001" in await page.locator("dl.facts").inner_text()
    await check_page(page, "ideas-detail")

    await page.get_by_label("状态").select_option(label="改为「暂未采纳」")
    await page.get_by_role("button", name="保存并发给老同志").click()
    error = page.locator("#f-reply-error")
    await error.wait_for()
    assert await error.inner_text() == "设为「暂未采纳」时必填，写明原因"
    await check_page(page, "ideas-review-refused")

    await page.get_by_label("状态").select_option(label="改为「已采纳」")
    await page.get_by_label("给老同志的答复").fill("已转交市交通局，列入明年计划")
    await page.get_by_role("button", name="保存并发给老同志").click()
    await page.get_by_text("张建国会在聊天里收到").wait_for()
    assert await page.locator("dl.facts .state").inner_text() == "已采纳"
    assert "状态改为「已采纳」" in await page.get_by_role("table").inner_text()
    await check_page(page, "ideas-reviewed")
    assert (await told(services, ZHANG_CHAT))[-1].endswith("答复：已转交市交通局，列入明年计划")


async def test_a_viewer_reads_an_idea_without_the_phone_or_the_forms(browser, server, services, office):
    ideas = await two_ideas(services)
    page = await open_as(browser, server, "leader", f"/console/ideas/{ideas['li']}")
    await page.get_by_role("heading", name=f"金点子 #{ideas['li']} · 乡村振兴").wait_for()
    text = await page.locator("main").inner_text()
    assert "赵淑芬" in text and "13800000002" not in text
    assert await page.get_by_role("button", name="保存并发给老同志").count() == 0
    await check_page(page, "ideas-detail-viewer")


def tiny_png() -> bytes:
    """A 2×2 grey picture (the browser shows it whatever type the answer names)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class PictureMedia:
    """The channel's files, as the bot's media source would fetch them: a real picture for photos."""

    async def fetch(self, file_id: str) -> bytes:
        return tiny_png() if file_id.startswith("photo") else f"bytes-of-{file_id}".encode()


@pytest.fixture
async def media_server(aiohttp_server, settings, services, office):
    app = create_app(settings, services, media=PictureMedia())
    mount_console(app)
    return await aiohttp_server(app)


async def test_a_photo_sent_with_an_idea_shows_and_its_voice_note_has_a_player(browser, media_server, services,
                                                                                office, clock):
    idea = await add_idea(services, clock, office.wang_retiree, "路口的照片和语音", attachments=(
        Inbound(kind="voice", file_id="voice-of-zhang"), Inbound(kind="photo", file_id="photo-of-zhang")))
    page = await open_as(browser, media_server, "wangfang", f"/console/ideas/{idea}")
    photo = page.get_by_role("img", name="张建国发来的照片（点开看大图）")
    await photo.wait_for()
    await page.wait_for_function("() => document.querySelector('main img').complete")
    assert await photo.evaluate("img => img.naturalWidth") == 2  # the picture itself arrived and decoded
    assert await page.locator("main audio[controls]").count() == 1
    await check_page(page, "ideas-detail-media")

    await page.get_by_role("link", name="单独查看这条金点子的语音和照片").click()
    await page.get_by_role("heading", name=f"金点子 #{idea}（张建国）的语音和照片").wait_for()
    assert await page.locator("main audio[controls]").count() == 1 and await page.locator("main img").count() == 1
    await check_page(page, "ideas-media")
