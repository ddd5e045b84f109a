"""登录 and 退出, and the 大字 switch."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from aiohttp import web

from admin.auth import TOKEN, actor_of, client_ip
from admin.keys import SERVICES, SETTINGS
from console.page import EVERYONE, Page
from console.render import render, see_other
from console.session import (
    BIG_TEXT_COOKIE,
    COOKIE_PATH,
    clear_session,
    is_https,
    login_csrf_ok,
    login_csrf_value,
    set_login_csrf,
    set_session,
)
from yinling.errors import RateLimited, Unauthorized

USERNAME_MAX = 64
PASSWORD_MAX = 256


def safe_next(target: str) -> str:
    """Only a console path of this site: never another site (an open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console/") or "\\" in target:
        return "/console/"
    return target


def _login_page(request: web.Request, *, status: int = 200, error: str = "", username: str = "",
                next_path: str = "/console/") -> web.Response:
    token = login_csrf_value(request)  # written into the form and, as a cookie, beside it
    response = render(request, "login.html", {"error": error, "username": username, "next": next_path,
                                              "login_csrf": token}, status=status)
    set_login_csrf(response, request, token)
    return response


async def login_form(request: web.Request) -> web.Response:
    return _login_page(request, next_path=safe_next(request.query.get("next", "/console/")))


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", "")).strip()[:USERNAME_MAX]
    password = str(form.get("password", ""))[:PASSWORD_MAX]
    next_path = safe_next(str(form.get("next", "/console/")))
    if not login_csrf_ok(request, str(form.get("login_csrf", ""))):
        return _login_page(request, status=403, username=username, next_path=next_path,
                           error="登录页面已过期，请再输入一次。")
    if not username or not password:
        return _login_page(request, status=422, username=username, next_path=next_path,
                           error="请填写用户名和密码。")
    try:
        result = await request.config_dict[SERVICES].staff.do_login(username, password, client_ip(request))
    except RateLimited as exc:
        return _login_page(request, status=429, username=username, next_path=next_path, error=exc.message)
    except Unauthorized:
        return _login_page(request, status=401, username=username, next_path=next_path,
                           error="用户名或密码不对。连续输错多次，账号会被暂时锁定一段时间。")
    response = see_other(next_path)
    settings = request.config_dict[SETTINGS]
    set_session(response, request, result.token, timedelta(hours=settings.session_max_hours))
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    await request.config_dict[SERVICES].staff.do_logout(request[TOKEN], actor_of(request))
    response = see_other("/console/login")
    clear_session(response)
    return response


async def big_text(request: web.Request) -> web.StreamResponse:
    """大字: a cookie the pages read, so the choice holds on every page and on the next visit."""
    form = await request.post()
    response = see_other(safe_next(str(form.get("back", "/console/"))))
    on = request.cookies.get(BIG_TEXT_COOKIE) != "1"
    response.set_cookie(BIG_TEXT_COOKIE, "1" if on else "0", path=COOKIE_PATH, samesite="Strict",
                        secure=is_https(request), max_age=400 * 24 * 3600)
    return response


PAGES: tuple[Page, ...] = (
    Page("GET", "/login", login_form, None, "The sign-in form"),
    Page("POST", "/login", login_submit, None, "Sign in (the form's own CSRF cookie is checked)"),
    Page("POST", "/logout", logout, EVERYONE, "Sign out"),
    Page("POST", "/big-text", big_text, EVERYONE, "Switch 大字 on or off"),
)
