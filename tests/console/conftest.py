"""The staff console, in-process (pytest-aiohttp) and in real headless Chromium.

`console` is the staff API with the console mounted, over the office of tests/admin/conftest.py
(刘主任 admin, 王芳 and 李强 liaisons, 李局长 viewer, a retiree each for 王芳 and 李强).
`sign_in(console, "wangfang")` gives a client with the session cookie and the forms' CSRF token;
`open_as(browser, server, "wangfang")` signs in through the real form in a browser page."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from admin.app import create_app
from console.app import mount_console
from tests.admin.conftest import PASSWORD, Office, seed_office
from tests.chromium import WAIT_MS

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "console-screens"
DESKTOP = {"width": 1366, "height": 768}
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
_LOGIN_CSRF = re.compile(r'name="login_csrf" value="([0-9a-f]+)"')


def console_app(settings, services):
    app = create_app(settings, services)
    mount_console(app)
    return app


@pytest.fixture
async def office(db, clock) -> Office:
    return await seed_office(db, clock)


@pytest.fixture
async def console(aiohttp_client, settings, services, office):
    """An in-process client of the staff API with the console (no cookies yet)."""
    return await aiohttp_client(console_app(settings, services))


@pytest.fixture
async def server(aiohttp_server, settings, services, office):
    """The staff API with the console on a real port, for the browser."""
    return await aiohttp_server(console_app(settings, services))


class Signed:
    """A signed-in client: its cookie jar holds the session; `csrf` goes into every form it posts."""

    def __init__(self, client, csrf: str, set_cookie: list[str]) -> None:
        self.client = client
        self.csrf = csrf
        self.set_cookie = set_cookie  # what the sign-in answer set

    async def get(self, path: str, **kwargs):
        return await self.client.get(path, allow_redirects=False, **kwargs)

    async def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        return await self.client.post(path, data=form, allow_redirects=False, **kwargs)


async def sign_in(client, username: str, password: str = PASSWORD) -> Signed:
    client.session.cookie_jar.clear()
    page = await (await client.get("/console/login")).text()
    token = _LOGIN_CSRF.search(page)
    assert token, page
    resp = await client.post("/console/login", data={"username": username, "password": password,
                                                     "login_csrf": token.group(1)}, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    home = await (await client.get("/console/")).text()
    csrf = _CSRF.search(home)
    assert csrf, home
    return Signed(client, csrf.group(1), resp.headers.getall("Set-Cookie"))


async def open_as(browser, server, username: str, path: str = "/console/", viewport: dict | None = None) -> Any:
    """A browser page signed in as `username` through the sign-in form, then at `path`."""
    page = await browser.new_page(viewport=viewport or DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page.set_default_timeout(WAIT_MS)
    await page.goto(str(server.make_url("/console/login")))
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/console/")
    if path != "/console/":
        await page.goto(str(server.make_url(path)))
    return page


async def axe_violations(page) -> list[dict]:
    """axe-core (pinned, in vendor/) on the page as it is: the serious and critical violations."""
    await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = await page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
    return [v for v in json.loads(result) if v.get("impact") in ("serious", "critical")]


async def check_page(page, name: str) -> None:
    """Every page the tests open: a screenshot saved under build/console-screens/, and no serious
    accessibility violation (the failure names each rule and the elements it found)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    found = await axe_violations(page)
    assert not found, "\n".join(f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in found)
