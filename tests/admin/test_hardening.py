"""What every answer carries (no caching of personal data, no sniffing, no versions), and bodies
built to break the parser answered 4xx, not 500."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.admin.conftest import PASSWORD

JSON = {"Content-Type": "application/json"}


def assert_safe_headers(resp, *, cacheable: bool = False) -> None:
    assert resp.headers["X-Content-Type-Options"] == "nosniff", resp.url
    assert resp.headers["Server"] == "yinling", resp.url  # not "Python/3.11 aiohttp/3.x"
    if not cacheable:
        assert "no-store" in resp.headers["Cache-Control"], resp.url


async def test_answers_with_personal_data_are_not_stored_nor_sniffed_and_name_no_versions(as_wang):
    for path in ("/api/v1/me", "/api/v1/retirees", "/api/v1/retirees/export.xlsx"):
        resp = await as_wang.get(path)
        assert resp.status == 200, path
        assert_safe_headers(resp)


async def test_error_answers_carry_the_same_headers(api, as_viewer):
    unauthorized = await api.get("/api/v1/retirees")
    missing = await api.get("/api/v1/no-such-thing")
    invalid = await api.post("/api/v1/auth/login", json={"username": "wangfang"})
    forbidden = await as_viewer.post("/api/v1/retirees", json={"name": "张三"})
    assert [r.status for r in (unauthorized, missing, invalid, forbidden)] == [401, 404, 422, 403]
    for resp in (unauthorized, missing, invalid, forbidden):
        assert_safe_headers(resp)


async def test_a_login_token_is_not_cached(api):
    resp = await api.post("/api/v1/auth/login", json={"username": "wangfang", "password": PASSWORD})
    assert resp.status == 200
    assert_safe_headers(resp)


async def test_public_answers_are_not_sniffed_and_name_no_versions(api):
    assert_safe_headers(await api.get("/healthz"))
    assert_safe_headers(await api.get("/api/openapi.json"), cacheable=True)


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 40_000 + b"1" + b"}" * 40_000,
], ids=["arrays", "objects"])
async def test_json_nested_far_too_deep_is_refused_not_a_500(api, as_admin, body):
    login = await api.post("/api/v1/auth/login", data=body, headers=JSON)
    create = await as_admin.post("/api/v1/retirees", data=body, headers=JSON)
    for resp in (login, create):
        assert resp.status == 422, await resp.text()
        assert "body" in (await resp.json())["error"]["fields"]


@pytest.mark.parametrize("path, filename", [("/api/v1/calendar/import", "days.json"),
                                            ("/api/v1/study/pieces/import", "pieces.json")])
async def test_an_uploaded_json_file_nested_far_too_deep_is_refused_not_a_500(as_admin, path, filename):
    form = aiohttp.FormData()
    form.add_field("file", b"[" * 100_000 + b"]" * 100_000, filename=filename, content_type="application/json")
    resp = await as_admin.post(path, data=form)
    assert resp.status == 422, await resp.text()
    assert "JSON" in (await resp.json())["error"]["message"]


async def test_a_malformed_request_answered_by_the_http_parser_names_no_versions(api):
    reader, writer = await asyncio.open_connection(api.server.host, api.server.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    await writer.drain()
    head = (await reader.read(4096)).decode("latin-1").split("\r\n\r\n")[0]
    writer.close()
    assert head.startswith("HTTP/1.") and " 400 " in head.splitlines()[0]
    assert "Server: yinling" in head.splitlines() and "aiohttp" not in head and "Python" not in head
