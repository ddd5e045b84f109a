"""The console's sign-in: the staff session token in a cookie, and a CSRF token on every form.

The cookie holds the same session token the API hands out (so lockout, idle expiry, revocation
and audit are the staff service's, unchanged): HttpOnly, SameSite=Strict, Path=/console, and
Secure when the request came over HTTPS. A form's CSRF token is derived from that secret token
(an HMAC), so a page on another site can neither read nor guess it. The sign-in form itself,
before there is a session, is guarded by a random value in a cookie of its own that the form
must repeat (double submit)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from aiohttp import web

SESSION_COOKIE = "yinling_console"
LOGIN_CSRF_COOKIE = "yinling_console_login"
BIG_TEXT_COOKIE = "yinling_big"
COOKIE_PATH = "/console"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


def is_https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def session_token(request: web.Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE, "").strip()
    return token if 0 < len(token) <= 200 else None


def csrf_for(token: str) -> str:
    return hmac.new(token.encode(), b"yinling-console-csrf", hashlib.sha256).hexdigest()[:40]


def set_session(response: web.StreamResponse, request: web.Request, token: str, lasts: timedelta) -> None:
    """`lasts`: how long the session may live (a Max-Age, not a date: the browser's clock may be off;
    the server decides expiry anyway)."""
    response.set_cookie(SESSION_COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="Strict",
                        secure=is_https(request), max_age=max(1, int(lasts.total_seconds())))


def clear_session(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def login_csrf_value(request: web.Request) -> str:
    """The sign-in form's token: kept when the browser already has one, so two tabs both work."""
    value = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return value if 20 <= len(value) <= 64 and value.isalnum() else secrets.token_hex(16)


def set_login_csrf(response: web.StreamResponse, request: web.Request, value: str) -> None:
    response.set_cookie(LOGIN_CSRF_COOKIE, value, path=COOKIE_PATH, httponly=True, samesite="Strict",
                        secure=is_https(request))


def login_csrf_ok(request: web.Request, submitted: str) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), submitted.encode())


async def submitted_csrf(request: web.Request) -> str:
    """The token a form or htmx request carries: the header htmx adds, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def csrf_ok(request: web.Request, token: str) -> bool:
    return hmac.compare_digest(csrf_for(token).encode(), (await submitted_csrf(request)).encode())


def big_text(request: web.Request) -> bool:
    return request.cookies.get(BIG_TEXT_COOKIE) == "1"
