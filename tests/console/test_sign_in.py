"""登录, 退出, the session cookie, CSRF on every form, lockout in Chinese, 大字."""
from __future__ import annotations

from tests.admin.conftest import PASSWORD
from tests.console.conftest import check_page, open_as, sign_in


async def test_a_page_without_signing_in_goes_to_the_sign_in_form_and_back(console):
    resp = await console.get("/console/?filter=urgent&page=2", allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == "/console/login?next=/console/%3Ffilter%3Durgent%26page%3D2"
    page = await (await console.get(resp.headers["Location"])).text()
    assert "用户名" in page and "密码" in page and "登录" in page
    assert 'name="next" value="/console/?filter=urgent&amp;page=2"' in page


async def test_signing_in_sets_a_strict_httponly_cookie_and_shows_who_is_signed_in(console):
    signed = await sign_in(console, "wangfang")
    session = next(c for c in signed.set_cookie if c.startswith("yinling_console="))
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/console" in session
    assert "Secure" not in session  # plain HTTP here; behind HTTPS it is Secure (test below)
    home = await (await signed.get("/console/")).text()
    assert "王芳（联系干部）" in home
    assert "账号" not in home.split("主导航")[1].split("</nav>")[0]  # admins only


async def test_a_wrong_password_is_refused_in_chinese_and_the_account_locks(console):
    page = await (await console.get("/console/login")).text()
    token = page.split('name="login_csrf" value="')[1].split('"')[0]
    for _ in range(5):
        resp = await console.post("/console/login", data={"username": "wangfang", "password": "wrong",
                                                          "login_csrf": token}, allow_redirects=False)
        assert resp.status == 401
        assert "用户名或密码不对" in await resp.text()
    resp = await console.post("/console/login", data={"username": "wangfang", "password": "wrong",
                                                      "login_csrf": token}, allow_redirects=False)
    assert resp.status == 429
    assert "锁定" in await resp.text() or "分钟" in await resp.text()


async def test_the_sign_in_form_without_its_own_token_is_refused(console):
    resp = await console.post("/console/login", data={"username": "admin", "password": "x"}, allow_redirects=False)
    assert resp.status == 403
    assert "过期" in await resp.text()


async def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(console):
    signed = await sign_in(console, "wangfang")
    resp = await signed.post("/console/logout", csrf=False)
    assert resp.status == 403
    assert "页面已过期" in await resp.text()
    assert (await signed.get("/console/")).status == 200  # still signed in
    resp = await signed.post("/console/logout", {"csrf": "0" * 40})
    assert resp.status == 403


async def test_signing_out_ends_the_session(console):
    signed = await sign_in(console, "admin")
    cookie = signed.client.session.cookie_jar.filter_cookies(console.make_url("/console/"))["yinling_console"].value
    resp = await signed.post("/console/logout")
    assert resp.status == 303 and resp.headers["Location"] == "/console/login"
    # the token itself is revoked, not just the cookie dropped
    resp = await console.get("/console/", cookies={"yinling_console": cookie}, allow_redirects=False)
    assert resp.status == 303
    api = await console.get("/api/v1/me", headers={"Authorization": f"Bearer {cookie}"})
    assert api.status == 401


async def test_behind_https_the_cookie_is_secure(console):
    page = await (await console.get("/console/login")).text()
    token = page.split('name="login_csrf" value="')[1].split('"')[0]
    resp = await console.post("/console/login", data={"username": "admin", "password": PASSWORD, "login_csrf": token},
                              headers={"X-Forwarded-Proto": "https"}, allow_redirects=False)
    assert resp.status == 303
    assert all("Secure" in c for c in resp.headers.getall("Set-Cookie"))


async def test_the_console_address_without_its_slash_and_an_unknown_page(console):
    resp = await console.get("/console", allow_redirects=False)
    assert resp.status == 301 and resp.headers["Location"] == "/console/"
    resp = await console.get("/console/nowhere", allow_redirects=False)
    assert resp.status == 404 and "没有这个页面" in await resp.text()


async def test_console_pages_cannot_be_framed_by_another_site(console):
    signed = await sign_in(console, "wangfang")
    resp = await signed.get("/console/")
    assert resp.headers["X-Frame-Options"] == "DENY" and resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["Cache-Control"] == "no-store"  # a shared PC's browser keeps no copy of a page


async def test_a_failure_inside_a_page_is_a_page_in_chinese_and_the_log_names_no_one(console, services,
                                                                                  monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("张建国 13800000001")

    monkeypatch.setattr(services.inbox, "queue", broken)
    signed = await sign_in(console, "wangfang")
    resp = await signed.get("/console/inbox?filter=urgent")
    assert resp.status == 500 and resp.content_type == "text/html"
    assert "服务器出了点问题" in await resp.text()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "console GET" in logged and "张建国" not in logged and "13800000001" not in logged


async def test_next_never_leads_to_another_site(console):
    page = await (await console.get("/console/login?next=//evil.example/x")).text()
    assert 'name="next" value="/console/"' in page


async def test_signing_in_and_big_text_in_the_browser(browser, server):
    page = await open_as(browser, server, "admin")
    from playwright.async_api import expect

    await expect(page.get_by_role("heading", level=1)).to_contain_text("今日")
    await expect(page.get_by_role("navigation", name="主导航")).to_contain_text("账号")
    size = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16
    await page.get_by_role("button", name="大字").click()
    await expect(page.get_by_role("button", name="标准字")).to_be_visible()
    big = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert big >= 20
    await check_page(page, "today-big-text")
    await page.get_by_role("button", name="退出").click()
    await expect(page.get_by_role("button", name="登录")).to_be_visible()
    await check_page(page, "login")
