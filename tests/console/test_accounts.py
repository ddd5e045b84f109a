"""账号 (admins only): accounts listed with their role in Chinese, a new account that can sign in, a
role changed and a password reset (their logins end), the password rules' refusals beside the
field, and the audit log with its filters and pages."""
from __future__ import annotations

from tests.admin.conftest import PASSWORD
from tests.console.conftest import check_page, open_as, sign_in
from yinling.services.audit import audit

NEW = {"display_name": "赵敏", "username": "zhaomin", "role": "liaison", "password": "Qingshan-2026",
       "password2": "Qingshan-2026"}


def error_beside(page: str, field: str) -> str:
    """The error the form shows beside `field` ("" when none)."""
    marker = f'id="f-{field}-error">'
    return page.split(marker)[1].split("<")[0] if marker in page else ""


async def usernames(services) -> list[str]:
    return [s.username for s in await services.staff.list_staff()]


async def test_only_admins_open_the_accounts_and_the_audit_log(console, services):
    for username in ("wangfang", "leader"):
        signed = await sign_in(console, username)
        for path in ("/console/accounts", "/console/accounts/audit", "/console/accounts/2/password"):
            resp = await signed.get(path)
            assert resp.status == 403 and "没有权限" in await resp.text(), (username, path)
        resp = await signed.post("/console/accounts", NEW)
        assert resp.status == 403
        assert (await signed.post("/console/accounts/3/role", {"role": "admin"})).status == 403
    assert "zhaomin" not in await usernames(services)
    assert (await services.staff.list_staff())[2].role == "liaison"  # 李强 is still a liaison


async def test_the_accounts_are_listed_with_their_roles_in_chinese(console):
    signed = await sign_in(console, "admin")
    page = await (await signed.get("/console/accounts")).text()
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    for name, username, role in (("刘主任", "admin", "管理员"), ("王芳", "wangfang", "联系干部"),
                                 ("李强", "liqiang", "联系干部"), ("李局长", "leader", "只读账号")):
        row = table.split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]
        assert f"<td>{username}</td>" in row and f"<td>{role}</td>" in row and "<td>在用</td>" in row


async def test_a_new_account_can_sign_in(console, services):
    signed = await sign_in(console, "admin")
    resp = await signed.post("/console/accounts", NEW)
    assert resp.status == 303, await resp.text()
    page = await (await signed.get(resp.headers["Location"])).text()
    assert "已建好账号 赵敏（zhaomin），角色：联系干部" in page
    newcomer = await sign_in(console, "zhaomin", "Qingshan-2026")
    home = await (await newcomer.get("/console/")).text()
    assert "赵敏（联系干部）" in home


async def test_a_weak_password_is_refused_beside_the_field_and_nothing_is_created(console, services):
    signed = await sign_in(console, "admin")
    before = await usernames(services)
    cases = (
        ({"password": "short", "password2": "short"}, "password", "至少要 8 个字符"),
        ({"role": "admin", "password": "Qingshan9", "password2": "Qingshan9"}, "password", "至少要 10 个字符"),
        ({"password": "12345678", "password2": "12345678"}, "password", "太常见，请换一个"),
        ({"password2": "Qingshan-2027"}, "password2", "两次输入的密码不一样，请重新输入"),
        ({"username": "wangfang"}, "username", "已经有人用了"),
        ({"username": "赵 敏"}, "username", "只能用字母、汉字、数字和 . - _，最多 64 个字符"),
    )
    for change, field, said in cases:
        resp = await signed.post("/console/accounts", {**NEW, **change})
        page = await resp.text()
        assert resp.status == 422, change
        assert error_beside(page, field) == said, (change, error_beside(page, field))
        assert "请改正下面标出的1处" in page
        assert 'name="password" type="password" value=""' in page  # a password is never sent back
        assert f'value="{change.get("username", "zhaomin")}"' in page  # what was typed stays
    assert await usernames(services) == before


async def test_a_role_change_takes_effect_and_ends_their_logins(console, services, office):
    li = await sign_in(console, "liqiang")
    li_cookies = li.client.session.cookie_jar.filter_cookies(console.make_url("/console/"))
    li_cookie = li_cookies["yinling_console"].value
    signed = await sign_in(console, "admin")
    resp = await signed.post(f"/console/accounts/{office.li}/role", {"role": "viewer"})
    assert resp.status == 303
    page = await (await signed.get(resp.headers["Location"])).text()
    assert "已把 李强（liqiang） 的角色改为只读账号" in page
    row = page.split('<th scope="row">李强</th>')[1].split("</tr>")[0]
    assert "<td>只读账号</td>" in row
    old = await console.get("/api/v1/me", headers={"Authorization": f"Bearer {li_cookie}"})
    assert old.status == 401  # the session's token is revoked: a new role, a new login
    assert (await signed.post(f"/console/accounts/{office.li}/role", {"role": "boss"})).status == 422
    assert (await signed.post("/console/accounts/999/role", {"role": "viewer"})).status == 404


async def test_a_password_reset_replaces_the_old_one(console, office):
    signed = await sign_in(console, "admin")
    form = await (await signed.get(f"/console/accounts/{office.wang}/password")).text()
    assert "重置密码：王芳（wangfang）" in form
    resp = await signed.post(f"/console/accounts/{office.wang}/password", {"password": "abc", "password2": "abc"})
    assert resp.status == 422 and error_beside(await resp.text(), "password") == "至少要 8 个字符"
    resp = await signed.post(f"/console/accounts/{office.wang}/password",
                             {"password": "Lanzhou-2026", "password2": "Lanzhou-2026"})
    assert resp.status == 303
    assert "已给 王芳（wangfang） 设好新密码" in await (await signed.get(resp.headers["Location"])).text()
    assert (await sign_in(console, "wangfang", "Lanzhou-2026")).csrf
    page = await (await console.get("/console/login")).text()
    token = page.split('name="login_csrf" value="')[1].split('"')[0]
    old = await console.post("/console/login", data={"username": "wangfang", "password": PASSWORD,
                                                     "login_csrf": token}, allow_redirects=False)
    assert old.status == 401


async def test_the_audit_log_shows_the_changes_newest_first_with_filters(console, services, office):
    signed = await sign_in(console, "admin")
    assert (await signed.post("/console/accounts", NEW)).status == 303
    await signed.post(f"/console/accounts/{office.wang}/password",
                      {"password": "Lanzhou-2026", "password2": "Lanzhou-2026"})
    page = await (await signed.get("/console/accounts/audit")).text()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "重置密码" in rows[0] and f"账号 #{office.wang}（王芳）" in rows[0]
    assert "刘主任（admin）" in rows[0] and "命令行" not in rows[0]  # done in the console: by the admin, not "cli"
    assert "新建账号" in rows[1] and "（赵敏）" in rows[1] and "角色：联系干部" in rows[1]
    assert "刘主任（admin）" in rows[1]
    assert "登录" in rows[2] and "刘主任（admin）" in rows[2]
    only = await (await signed.get("/console/accounts/audit", params={"action": "staff.create"})).text()
    assert "共 1 条" in only and "重置密码</td>" not in only
    mine = await (await signed.get("/console/accounts/audit", params={"actor_id": str(office.admin),
                                                                     "target_type": "staff"})).text()
    assert "登录</td>" in mine and "命令行" not in mine and "共 " in mine
    bad = await signed.get("/console/accounts/audit", params={"target_id": "x"})
    assert bad.status == 422 and error_beside(await bad.text(), "target_id") == "应是整数"


async def test_the_audit_log_pages(console, services, db, clock):
    async with db.transaction() as tx:
        for n in range(60):
            await audit(services.core, tx, None, "login", target_type="staff", result="failed", ip=f"10.0.0.{n}",
                        actor_name="nobody")
    signed = await sign_in(console, "admin")
    first = await (await signed.get("/console/accounts/audit", params={"action": "login"})).text()
    assert "第 1 页，共 2 页" in first and 'href="/console/accounts/audit?action=login&amp;page=2"' in first
    second = await (await signed.get("/console/accounts/audit", params={"action": "login", "page": "2"})).text()
    assert "第 2 页，共 2 页" in second and "上一页" in second and "10.0.0.0<" in second
    assert "10.0.0.59<" in first and "失败" in first


async def test_accounts_in_the_browser_create_reset_and_see_them_in_the_audit_log(browser, server, office):
    from playwright.async_api import expect

    page = await open_as(browser, server, "admin", "/console/accounts")
    await check_page(page, "accounts")
    await page.get_by_label("姓名").fill("赵敏")
    await page.get_by_label("用户名").fill("zhaomin")
    await page.get_by_label("角色").select_option(label="只读账号")
    await page.get_by_label("初始密码（必填）", exact=True).fill("short")
    await page.get_by_label("再输一次初始密码").fill("short")
    await page.get_by_role("button", name="建好账号").click()
    await expect(page.locator("#f-password-error")).to_have_text("至少要 8 个字符")
    await expect(page.get_by_label("用户名")).to_have_value("zhaomin")
    await check_page(page, "accounts-weak-password")
    await page.get_by_label("初始密码（必填）", exact=True).fill("Qingshan-2026")
    await page.get_by_label("再输一次初始密码").fill("Qingshan-2026")
    await page.get_by_role("button", name="建好账号").click()
    await expect(page.get_by_text("已建好账号 赵敏（zhaomin），角色：只读账号")).to_be_visible()
    await expect(page.get_by_role("row", name="赵敏")).to_contain_text("只读账号")

    await page.get_by_role("link", name="重置王芳的密码").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("重置密码：王芳（wangfang）")
    await check_page(page, "accounts-password")
    await page.get_by_label("新密码（必填）", exact=True).fill("Lanzhou-2026")
    await page.get_by_label("再输一次新密码").fill("Lanzhou-2026")
    await page.get_by_role("button", name="保存新密码").click()
    await expect(page.get_by_text("已给 王芳（wangfang） 设好新密码")).to_be_visible()

    await page.get_by_role("link", name="查看操作记录（审计日志）").click()
    rows = page.get_by_role("row")
    await expect(rows.nth(1)).to_contain_text("重置密码")
    await expect(rows.nth(1)).to_contain_text("（王芳）")
    await expect(rows.nth(2)).to_contain_text("新建账号")
    await expect(rows.nth(2)).to_contain_text("（赵敏）")
    await check_page(page, "accounts-audit")
    await page.get_by_label("操作").select_option(label="新建账号")
    await page.get_by_role("button", name="筛选").click()
    await expect(page.get_by_text("共 1 条")).to_be_visible()


async def test_the_last_admin_cannot_be_made_something_else(console, office):
    signed = await sign_in(console, "admin")
    resp = await signed.post(f"/console/accounts/{office.admin}/role", {"role": "liaison"})
    assert resp.status == 409 and "最后一位管理员" in await resp.text()
    assert (await signed.get("/console/accounts")).status == 200  # still an admin, still signed in
    assert (await signed.post(f"/console/accounts/{office.wang}/role", {"role": "admin"})).status == 303
    signed = await sign_in(console, "admin")
    assert (await signed.post(f"/console/accounts/{office.wang}/role", {"role": "liaison"})).status == 303
