"""收件箱 end to end: the real bot talks to the Telegram sandbox, the console runs in the same process
(as `yinling serve` runs it), and 王芳 works in real Chromium. A retiree asks for help by tapping,
with a voice note; 王芳 hears it on the thread page and replies there; the reply arrives in the
retiree's chat."""
from __future__ import annotations

import re

from playwright.async_api import expect

from tests.console.conftest import check_page, open_as
from tests.e2e.conftest import app, e2e_settings, sandbox, sb, staff_group, staff_people  # noqa: F401 (fixtures)
from tests.e2e.test_help import ask
from tests.e2e.test_onboarding import bound_user

VOICE = b"OggS-voice-of-zhang-jianguo"


class Running:
    """The running process's staff address, as open_as takes a test server."""

    def __init__(self, base: str) -> None:
        self.base = base

    def make_url(self, path: str) -> str:
        return self.base + path


async def test_a_reply_typed_in_the_inbox_arrives_in_the_retirees_chat(app, sb, office, browser):  # noqa: F811
    zhang = await bound_user(sb, "13800000001")  # 张建国, 王芳's retiree in the office
    received = await ask(zhang, "生活照料", "需要人帮忙买菜", voice=VOICE)
    request_id = int(re.search(r"求助单 #(\d+)", received["text"]).group(1))

    page = await open_as(browser, Running(app.admin_url), "wangfang", "/console/inbox")
    await page.get_by_role("link", name="需要人帮忙买菜").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"求助单 #{request_id}"))
    audio = page.locator(f'audio[src*="/console/inbox/help/{request_id}/media"]')
    await expect(audio).to_have_count(1)
    voice = await page.request.get(app.admin_url + await audio.get_attribute("src"))
    assert voice.status == 200 and voice.headers["content-type"] == "audio/ogg"
    assert await voice.body() == VOICE  # fetched from the channel, as the API's media route does

    await page.get_by_label("回复内容").fill("明天上午我陪您去超市")
    await page.get_by_role("button", name="发送回复").click()
    await expect(page.locator("#flash")).to_contain_text("回复已发出")
    reply = await zhang.wait_for_bot_message("明天上午我陪您去超市")
    assert reply["text"] == f"关于求助单 #{request_id}，王芳回复您：\n明天上午我陪您去超市"
    await check_page(page, "inbox-help-e2e")
