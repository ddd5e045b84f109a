"""Every console page × every role × owner, from the one page table (console.pages.PAGES):
- nobody signed in is sent to 登录 (and nothing runs);
- a role the page does not name gets 403 (and nothing runs);
- a liaison opening 李强's things by id gets 404, like the API;
- a viewer never sees a phone or a health note on any page.
A page with an {id} must name an object of 李强's in tests/console/owned/, or this test fails."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

from console.pages import PAGES
from tests.console import owned
from tests.console.conftest import sign_in

ROLES = ("admin", "wangfang", "leader")  # admin, liaison, viewer
ROLE_OF = {"admin": "admin", "wangfang": "liaison", "leader": "viewer"}
PHONES = ("13800000001", "13800000002")
HEALTH = "高血压"


async def foreign_ids(office, services, clock) -> dict[str, int]:
    found: dict[str, int] = {}
    for module in pkgutil.iter_modules(owned.__path__):
        area = importlib.import_module(f"{owned.__name__}.{module.name}")
        found.update(await area.foreign(office, services, clock))
    return found


def filled(path: str, ids: dict[str, int]) -> str:
    if "{id}" not in path:
        return "/console" + path
    assert path in ids, f"{path}: name an object of 李强's for it in tests/console/owned/"
    return "/console" + path.replace("{id}", str(ids[path]))


async def test_nobody_signed_in_is_sent_to_sign_in_on_every_page(console):
    for page in PAGES:
        if page.roles is None:
            continue
        path = "/console" + page.path.replace("{id}", "1")
        resp = await console.request(page.method, path, allow_redirects=False)
        assert resp.status == 303, (page.method, path, resp.status)
        assert resp.headers["Location"].startswith("/console/login"), (page.method, path)


@pytest.mark.parametrize("username", ROLES)
async def test_every_page_answers_each_role_by_the_table(console, office, services, clock, username):
    ids = await foreign_ids(office, services, clock)
    signed = await sign_in(console, username)
    role = ROLE_OF[username]
    for page in PAGES:
        if page.roles is None or page.path in ("/logout",):
            continue
        path = filled(page.path, ids)
        resp = await (signed.get(path) if page.method == "GET" else signed.post(path, {}))
        body = await resp.text()
        if role not in page.roles:
            assert resp.status == 403, (username, page.method, path, resp.status)
            assert "没有权限" in body
            continue
        assert resp.status != 403 or "页面已过期" not in body, (username, page.method, path)
        if "{id}" in page.path and role == "liaison":
            assert resp.status == 404, (username, page.method, path, resp.status)  # 李强's, not hers
        elif page.method == "GET":
            assert resp.status == 200, (username, page.method, path, resp.status, body[:300])
        if role == "viewer" and page.method == "GET":
            assert not any(phone in body for phone in PHONES), (path, "a phone shown to a viewer")
            assert HEALTH not in body, (path, "a health note shown to a viewer")
        assert resp.status < 500, (username, page.method, path, body[:300])


ODD = {
    "text": "长" * 30_000, "reply_text": "\x00\u202e倒过来的字", "note_text": "👨‍👩‍👧‍👦" * 2_000,
    "reason": "\ud7ff" * 10, "name": "𠮷" * 500, "title": " ", "place": "\u200b", "phones": "１３８００００００９９",
    "phone": "+86 138-0000-0099",
    "starts_at": "9999-12-31T23:59", "ends_at": "0001-01-01T00:00", "schedule_at": "2026-02-30T09:00",
    "remind_at": "明天上午", "birth_date": "1900-02-29", "capacity": "-1", "staff_id": "99999999999999999999",
    "into": "#-1", "status": "<script>", "role": "root", "password": "a" * 300, "password2": "b",
    "code": "１２３４", "q": "%' OR 1=1 --", "from": "2026-13-01", "to": "9999-01-01",
}


async def test_odd_input_on_every_form_gets_an_answer_not_a_crash(console, office, services, clock):
    """Huge texts, control and bidi characters, emoji sequences, full-width digits, impossible and
    year-9999 dates, numbers too big for SQLite, injection-looking search words: every POST page
    answers (a page, a refusal beside a field, a redirect) and never fails with a 500."""
    ids = await foreign_ids(office, services, clock)
    signed = await sign_in(console, "admin")
    seen: set[int] = set()
    for page in PAGES:
        if page.method != "POST" or page.roles is None or page.path in ("/logout",):
            continue
        path = filled(page.path, ids)
        resp = await signed.post(path, ODD)
        body = await resp.text()
        assert resp.status < 500, (page.path, resp.status, body[:500])
        assert "页面已过期" not in body, page.path  # the form reached its view
        seen.add(resp.status)
    assert seen & {200, 303} and seen & {409, 422}  # some were done, some refused beside their fields
