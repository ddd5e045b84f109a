"""GET / on the staff port: a page of our own listing every route, built from /api/openapi.json."""
from __future__ import annotations

import re
from html import escape

from admin.routes import ROUTES


async def test_the_api_page_lists_every_route_with_its_roles_summary_and_fields(api):
    resp = await api.get("/")
    assert resp.status == 200 and resp.content_type == "text/html"
    page = await resp.text()
    articles = dict(re.findall(r'<article class="op" id="([^"]+)">(.*?)</article>', page, flags=re.S))
    for route in ROUTES:
        anchor = (route.method + route.path).lower().replace("/", "-").replace("{", "").replace("}", "")
        article = articles[anchor]
        assert escape(route.summary) in article, route.path
        assert ("public (no login)" if route.roles is None else "roles: " + ", ".join(sorted(route.roles))) in article
    login = articles["post-api-v1-auth-login"]
    assert "<code>username</code>" in login and "<code>password</code>" in login  # body fields
    retirees = articles["get-api-v1-retirees"]
    assert "<code>per_page</code>" in retirees and "Query parameters" in retirees  # query fields
    assert "roles: admin" in articles["get-api-v1-audit"] and "liaison" not in articles["get-api-v1-audit"]


async def test_the_api_page_needs_no_login_and_nothing_from_the_network(api):
    page = await (await api.get("/")).text()  # no Authorization header
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no CDN: every link stays on this server
    assert '<a href="/api/openapi.json">' in page
