"""The staff console (工作台): server-rendered pages at /console/, a fourth face beside the bot, the
API and the CLI. Views parse a form, call the same services as the API, and render a template;
no business rule lives here.

mount_console(app) adds it to the staff API's aiohttp app (serve/ does, and the tests)."""
from __future__ import annotations

import logging
from urllib.parse import quote

from aiohttp import web

from admin.auth import ACTOR, TOKEN, client_ip
from admin.keys import SERVICES
from console.pages import PAGE_META, PAGES, add_pages
from console.render import NAV, NAV_KEY, STATIC, message_page, see_other, setup_templates
from console.session import clear_session, csrf_ok, session_token
from yinling.errors import DomainError, Forbidden, NotFound, RateLimited

log = logging.getLogger(__name__)
PREFIX = "/console"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _to_login(request: web.Request) -> web.StreamResponse:
    target = "/console/login"
    if request.method == "GET" and request.rel_url.raw_path_qs != "/console/":
        target += "?next=" + quote(request.rel_url.raw_path_qs, safe="/")
    if request.headers.get("HX-Request") == "true":  # htmx follows this header with a full page load
        return web.Response(status=200, headers={"HX-Redirect": target})
    response = see_other(target)
    clear_session(response)
    return response


@web.middleware
async def console_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Sign-in, the page's roles and the CSRF token are checked before the view runs, so a refused
    request writes nothing; the service's refusals become pages in Chinese."""
    page = request.app[PAGE_META].get(request.match_info.route)
    try:
        if page is not None and page.roles is not None:
            token = session_token(request)
            actor = await request.config_dict[SERVICES].staff.authenticate(token, client_ip(request)) \
                if token else None
            if token is None or actor is None:
                return _to_login(request)
            request[ACTOR] = actor
            request[TOKEN] = token
            if actor.role not in page.roles:
                return message_page(request, 403, "没有权限", "您的账号不能打开这个页面。")
            if request.method not in SAFE_METHODS and not await csrf_ok(request, token):
                return message_page(request, 403, "页面已过期", "这个页面已经过期了，请刷新页面后再做一次。")
        return await handler(request)
    except NotFound as exc:
        return message_page(request, 404, "找不到", exc.message)
    except Forbidden as exc:
        return message_page(request, 403, "没有权限", exc.message)
    except RateLimited as exc:
        response = message_page(request, 429, "请稍后再试", exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except DomainError as exc:
        return message_page(request, exc.status, "没有做成", exc.message)
    except web.HTTPNotFound:
        return message_page(request, 404, "找不到", "没有这个页面。")
    except web.HTTPRequestEntityTooLarge:  # reading the form for its CSRF token, before any view
        return message_page(request, 413, "文件太大了", "上传的内容太大了（最多 10 MB），请换一个小一点的文件。")
    except web.HTTPException:
        raise
    except Exception:  # a page, not the API's JSON; the log names the route, never what was typed
        log.exception("console %s %s failed", request.method, request.match_info.route.resource)
        return message_page(request, 500, "出错了", "服务器出了点问题，请稍后再试；如果一直这样，请告诉管理员。")


def create_console() -> web.Application:
    console = web.Application(middlewares=[console_middleware])
    setup_templates(console)
    add_pages(console, PAGES)
    readers = {PREFIX + page.path: page.roles for page in PAGES if page.method == "GET" and page.roles}
    console[NAV_KEY] = tuple((label, href, readers[href]) for label, href in NAV)
    console.router.add_static("/static", STATIC)
    return console


async def _to_console(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently(PREFIX + "/")


def mount_console(app: web.Application) -> None:
    app.router.add_get(PREFIX, _to_console)  # first: the sub-app would take "/console" as its own, and 404 it
    app.add_subapp(PREFIX, create_console())
