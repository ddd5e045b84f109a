"""Rendering a console page: the template, plus what every page needs (who is signed in, the
navigation their role may see, the CSRF token, the office's time, the 大字 switch), and the
Jinja filters that write times and numbers the way the office writes them (console.fmt)."""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin.auth import ACTOR, ROLE_NAMES, TOKEN
from admin.keys import SERVICES
from admin.parsing import office_tz
from console import fmt
from console.session import CSRF_HEADER, big_text, csrf_for

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

# The navigation, as written in the office. Who sees an entry is not written here: it is the roles
# of the GET page behind it in the page table (console.app.create_console stores them as NAV_KEY).
NAV: tuple[tuple[str, str], ...] = (
    ("今日", "/console/"), ("收件箱", "/console/inbox"), ("台账", "/console/roster"), ("活动", "/console/activities"),
    ("通知", "/console/notices"), ("金点子", "/console/ideas"), ("学习", "/console/study"),
    ("统计", "/console/stats"), ("账号", "/console/accounts"),
)
NAV_KEY: web.AppKey[tuple[tuple[str, str, frozenset[str]], ...]] = web.AppKey("console_nav", tuple)


def office_now(request: web.Request) -> datetime:
    return request.config_dict[SERVICES].core.clock.now()


@jinja2.pass_context
def _when(context: Mapping[str, Any], moment: datetime | None) -> str:
    return fmt.when(moment, context["tz"], context["now"])


@jinja2.pass_context
def _day(context: Mapping[str, Any], value: date | datetime | None) -> str:
    return fmt.day(value, context["tz"], context["now"].astimezone(context["tz"]).date())


@jinja2.pass_context
def _waited(context: Mapping[str, Any], since: datetime | None) -> str:
    return fmt.waited(since, context["now"])


@jinja2.pass_context
def _picker(context: Mapping[str, Any], moment: datetime | None) -> str:
    return fmt.to_picker(moment, context["tz"])


FILTERS: dict[str, Callable[..., str]] = {
    "when": _when, "day": _day, "waited": _waited, "picker": _picker, "num": fmt.num,
}


@functools.cache
def asset(name: str) -> str:
    """A static file's address with its content's hash, so a browser keeps it until it changes."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/console/static/{name}?v={digest}"


def setup_templates(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                               filters=FILTERS, undefined=jinja2.StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, default_helpers=False)
    env.globals["percent"] = fmt.percent
    env.globals["asset"] = asset


def page_context(request: web.Request) -> dict[str, Any]:
    actor = request.get(ACTOR)
    token = request.get(TOKEN)
    role = actor.role if actor else None
    return {
        "actor": actor,
        "role_name": ROLE_NAMES.get(role, "") if role else "",
        "nav": [(label, href) for label, href, roles in request.app[NAV_KEY] if role in roles],
        "here": request.path,
        "csrf": csrf_for(token) if token else "",
        "csrf_header": CSRF_HEADER,
        "big": big_text(request),
        "tz": office_tz(request),
        "now": office_now(request),
        "is_htmx": request.headers.get("HX-Request") == "true",
    }


def render(request: web.Request, template: str, context: Mapping[str, Any] | None = None, *,
           status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, {**page_context(request), **(context or {})},
                                          status=status)


def message_page(request: web.Request, status: int, title: str, message: str) -> web.Response:
    """A refusal or an error as a page (or, for an htmx request, into the page's message area)."""
    htmx = request.headers.get("HX-Request") == "true"
    response = render(request, "message_part.html" if htmx else "message.html", {"title": title, "message": message},
                      status=status)
    if htmx:
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def see_other(location: str) -> web.Response:
    """After a form: go to `location` with a GET (303), so a reload never posts twice."""
    return web.Response(status=303, headers={"Location": location})
