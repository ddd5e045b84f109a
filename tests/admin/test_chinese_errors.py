"""Refusals are told in Chinese: each 422 field says what is wrong in words staff read (by pydantic's
error type), the message names the fields, and aiohttp's own refusals (404, 405, 413, 500), the JSON body's
and the login's are Chinese too. Codes stay English, for programs."""
from __future__ import annotations

import re
from io import BytesIO

import pytest

from tests.admin.test_activities_api import PARTY_DAY

ENGLISH = re.compile(r"Field required|should|Input|invalid|Extra inputs|not valid|Not Found|Method Not")


def chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not ENGLISH.search(text)


async def refused(resp, status: int = 422) -> dict:
    body = await resp.json()
    assert resp.status == status, body
    error = body["error"]
    assert chinese(error["message"]) and all(chinese(said) for said in error["fields"].values()), error
    return error


@pytest.mark.parametrize(("changes", "field", "said"), [
    ({"title": None}, "title", "应是文字"),
    ({"place": "楼" * 201}, "place", "最多 200 个字"),
    ({"seats": 3}, "seats", "不认识这个字段"),
    ({"capacity": "三十"}, "capacity", "应是整数"),
    ({"capacity": 2.5}, "capacity", "应是整数"),
    ({"capacity": 0}, "capacity", "不能小于 1"),
    ({"capacity": 10_001}, "capacity", "不能大于 10000"),
    ({"companion_allowed": "yes"}, "companion_allowed", "应是 true 或 false"),
    ({"kind": "聚餐"}, "kind", "只能是 主题党日、老年大学、文体比赛、体检、参观学习、座谈会、志愿服务、其他"),
    ({"starts_at": "明天上午"}, "starts_at", "应是时间，例如 2026-11-22T09:00（不带时区即办公室时间）"),
    ({"starts_at": "9999-12-31T23:00:00Z"}, "starts_at", "日期应在 1900-01-01 到 2100-12-31 之间"),
    ({"audience": {"kind": "tags"}}, "audience", "kind 是 tags 时，tags 不能为空"),
    ({"audience": "everyone"}, "audience", "应是对象（{...}）"),
    ({"audience": {"kind": "tags", "tags": "独居"}}, "audience.tags", "应是列表（[...]）"),
])
async def test_each_wrong_field_is_said_in_chinese(as_admin, changes, field, said):
    error = await refused(await as_admin.post("/api/v1/activities", json={**PARTY_DAY, **changes}))
    assert error["code"] == "invalid" and error["fields"] == {field: said}
    assert error["message"] == f"这些字段需要改正：{field}"


async def test_a_missing_field_is_required_and_the_message_names_every_field(as_admin):
    body = {key: value for key, value in PARTY_DAY.items() if key not in ("title", "place")}
    error = await refused(await as_admin.post("/api/v1/activities", json={**body, "colour": "红"}))
    assert error["fields"] == {"title": "必填", "place": "必填", "colour": "不认识这个字段"}
    assert error["message"] == "这些字段需要改正：title、place、colour"


async def test_a_blank_or_short_text_and_a_bad_day(as_admin):
    error = await refused(await as_admin.post("/api/v1/retirees", json={"name": "", "birth_date": "1940年"}))
    assert error["fields"] == {"name": "不能为空", "birth_date": "应是日期，例如 2026-11-22"}
    error = await refused(await as_admin.post("/api/v1/retirees", json={"name": "张三", "tags": ["有钱"]}))
    assert error["fields"]["tags.0"].startswith("只能是 独居、丧偶")


async def test_query_parameters_are_said_in_chinese(as_admin):
    error = await refused(await as_admin.get("/api/v1/retirees", params={"page": "0", "bound": "maybe",
                                                                         "colour": "红"}))
    assert error["fields"] == {"page": "不能小于 1", "bound": "应是 true 或 false", "colour": "不认识这个字段"}
    error = await refused(await as_admin.get("/api/v1/stats/ideas", params={"from": "上个月"}))
    assert error["fields"] == {"from": "应是日期（2026-11-01）或时间（2026-11-01T08:00，不带时区即办公室时间）"}
    error = await refused(await as_admin.get("/api/v1/stats/ideas", params={"from": "2026-02-31"}))
    assert error["fields"] == {"from": "不是真实的日期或时间"}


async def test_a_body_that_is_not_a_json_object(as_admin):
    bad = await refused(await as_admin.post("/api/v1/activities", data=b"{nope",
                                            headers={"Content-Type": "application/json"}))
    assert bad["fields"] == {"body": "不是有效的 JSON"} and bad["message"] == "请求内容不是有效的 JSON"
    listed = await refused(await as_admin.post("/api/v1/activities", json=[PARTY_DAY]))
    assert listed["fields"] == {"body": "应是 JSON 对象（{...}）"}
    deep = await refused(await as_admin.post("/api/v1/activities", data=BytesIO(b"[" * 100_000 + b"]" * 100_000),
                                             headers={"Content-Type": "application/json"}))
    assert deep["fields"] == {"body": "嵌套太深"}
    too_long = BytesIO(b'{"title": "' + b"x" * 300_000 + b'"}')
    large = await refused(await as_admin.post("/api/v1/activities", data=too_long,
                                              headers={"Content-Type": "application/json"}), 413)
    assert large["code"] == "too_large" and large["message"] == "请求内容太大，最多 256 KB"


async def test_an_id_too_big_is_said_in_chinese(as_admin):
    error = await refused(await as_admin.get(f"/api/v1/activities/{2**63}"))
    assert error["fields"] == {"id": "不是有效的编号"}


async def test_aiohttps_own_refusals_are_chinese_with_english_codes(api, as_admin):
    missing = await refused(await api.get("/api/v1/no-such-thing"), 404)
    assert missing == {"code": "not_found", "message": "没有这个地址", "fields": {}}
    resp = await as_admin.delete("/api/v1/me")
    wrong = await refused(resp, 405)
    assert wrong["code"] == "method_not_allowed" and wrong["message"] == "这个地址不接受 DELETE 请求"
    assert "GET" in resp.headers["Allow"]


async def test_login_and_roles_are_refused_in_chinese(api, as_viewer):
    nobody = await refused(await api.get("/api/v1/me"), 401)
    assert nobody["code"] == "unauthorized" and "Authorization: Bearer" in nobody["message"]
    viewer = await refused(await as_viewer.post("/api/v1/activities", json=PARTY_DAY), 403)
    assert viewer == {"code": "forbidden", "message": "只读账号没有权限做这件事", "fields": {}}


async def test_an_unexpected_failure_is_a_chinese_500(as_admin, services, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.staff, "authenticate", broken)
    error = await refused(await as_admin.get("/api/v1/me"), 500)
    assert error == {"code": "internal", "message": "服务器出错了，请稍后再试", "fields": {}}
    assert "disk on fire" not in str(error)
