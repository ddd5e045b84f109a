"""The services' own refusals reach staff in Chinese (issue 14): each `message` and every `fields`
reason is plain Chinese; codes, HTTP statuses, field names and ids stay as they are."""
from __future__ import annotations

import re

from tests.admin.test_activities_api import PARTY_DAY
from tests.admin.test_help_api import request_from
from yinling import texts

# The only ASCII words a message may hold: field names and status codes staff type into the API.
FIELD_NAMES_AND_CODES = {
    "retiree_id", "code", "status", "pending", "remind_at", "from", "to", "audience.liaison_ids",
    "schedule_at", "body", "new", "open", "resolved", "closed",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z_.]*[A-Za-z]")


def english_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if sum(c.isalpha() for c in w) >= 3 and w not in FIELD_NAMES_AND_CODES]


def assert_chinese(text: str) -> None:
    assert _CJK.search(text) and not english_words(text), (text, english_words(text))


async def refusal(resp, status: int, code: str) -> dict:
    """The error body, after checking its status, code, and that message and reasons are Chinese."""
    body = await resp.json()
    assert resp.status == status, body
    error = body["error"]
    assert error["code"] == code, error
    assert_chinese(error["message"])
    for reason in error["fields"].values():
        assert_chinese(reason)
    return error


def test_the_check_itself_catches_english():
    assert english_words("no such retiree") == ["such", "retiree"]
    assert english_words("设为 pending 时，请填写提醒时间（remind_at）") == []


async def test_a_retiree_not_found_or_out_of_scope_is_said_in_chinese(as_admin, as_wang, office):
    missing = await refusal(await as_admin.get("/api/v1/retirees/999999/conversation"), 404, "not_found")
    assert missing["message"] == "没有这位老同志"
    others = await refusal(await as_wang.get(f"/api/v1/retirees/{office.li_retiree}/conversation"), 404, "not_found")
    assert others["message"] == "没有这位老同志"  # another liaison's retiree: as if not there


async def test_missing_things_are_named_in_chinese_keeping_their_ids(as_admin):
    assert (await refusal(await as_admin.get("/api/v1/help-requests/999999"), 404, "not_found"))["message"] == (
        "找不到这条求助单")
    assert (await refusal(await as_admin.get("/api/v1/ideas/999999"), 404, "not_found"))["message"] == (
        "找不到这条金点子")
    broadcast = await refusal(await as_admin.get("/api/v1/broadcasts/4321"), 404, "not_found")
    assert broadcast["message"] == "找不到编号 4321 的通知"
    piece = await refusal(await as_admin.get("/api/v1/study/pieces/987"), 404, "not_found")
    assert piece["message"] == "找不到编号 987 的学习内容"
    await refusal(await as_admin.post("/api/v1/registrations/999999/reject"), 404, "not_found")
    await refusal(await as_admin.post("/api/v1/privacy-requests/999999/reject", json={"reason": "不符合"}),
                  404, "not_found")


async def test_status_conflicts_are_409_in_chinese(as_admin, services, db):
    first = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")
    again = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="还是买菜的事",
                               start=200_000)
    assert (await as_admin.post(f"/api/v1/help-requests/{again}/merge", json={"into": first})).status == 200
    reopened = await refusal(await as_admin.post(f"/api/v1/help-requests/{again}/status", json={"status": "open"}),
                             409, "conflict")
    assert reopened["message"] == f"求助单 #{again} 已经合并到 #{first}，请在那一条里继续办理"
    assert reopened["fields"] == {"status": "合并过的求助单不能重新打开"}
    done = await refusal(await as_admin.post(f"/api/v1/help-requests/{first}/status", json={"status": "new"}),
                         409, "conflict")
    assert done["message"] == "这条求助单已经是「已提交」了"
    assert "「处理中」（open）" in done["fields"]["status"]  # the words, and the code the API takes

    activity = await (await as_admin.post("/api/v1/activities", json=PARTY_DAY)).json()
    cancel = f"/api/v1/activities/{activity['id']}/cancel"
    assert (await as_admin.post(cancel, json={"reason": "场地维修"})).status == 200
    twice = await refusal(await as_admin.post(cancel, json={"reason": "场地维修"}), 409, "conflict")
    assert twice == {"code": "conflict", "message": "这个活动已经取消过了", "fields": {"status": "已取消"}}


async def test_service_level_422s_name_the_field_in_chinese(as_admin, services, db, office):
    request_id = await request_from(services, db, retiree_phone="13800000001", user_id=9001, text="需要人帮忙买菜")
    pending = await refusal(await as_admin.post(f"/api/v1/help-requests/{request_id}/status",
                                                json={"status": "pending"}), 422, "invalid")
    assert pending["fields"] == {"remind_at": "设为 pending 时必填"} and "提醒时间" in pending["message"]
    past = await refusal(await as_admin.post("/api/v1/broadcasts", json={
        "text": "本周五上午九点召开座谈会。", "schedule_at": "2020-01-01T09:00:00+08:00"}), 422, "invalid")
    assert "schedule_at" in past["fields"]
    period = await refusal(await as_admin.get("/api/v1/stats/ideas", params={"from": "2026-12-01", "to": "2026-11-01"}),
                           422, "invalid")
    assert period["fields"] == {"from": "要早于 to"}
    both = await refusal(await as_admin.post(f"/api/v1/activities/{await _activity(as_admin)}/checkins",
                                             json={"code": "1234", "retiree_id": office.wang_retiree}), 422, "invalid")
    assert "retiree_id 和 code 请只填一个" in both["fields"].values()


async def _activity(client) -> int:
    return (await (await client.post("/api/v1/activities", json=PARTY_DAY)).json())["id"]


async def test_a_liaison_out_of_scope_is_403_in_chinese(as_wang, office):
    resp = await as_wang.post("/api/v1/activities", json={
        **PARTY_DAY, "audience": {"kind": "liaisons", "liaison_ids": [office.li]}})
    error = await refusal(resp, 403, "forbidden")
    assert error["message"] == "联系干部发布的活动只能面向自己联系的老同志"
    assert error["fields"] == {"audience.liaison_ids": "只能填您自己的编号"}


async def test_a_bad_login_is_401_and_a_locked_account_429_in_chinese(api):
    wrong = {"username": "wangfang", "password": "wrong-password"}
    error = await refusal(await api.post("/api/v1/auth/login", json=wrong), 401, "unauthorized")
    assert error == {"code": "unauthorized", "message": "用户名或密码不对", "fields": {}}
    for _ in range(4):
        await api.post("/api/v1/auth/login", json=wrong)
    locked = await refusal(await api.post("/api/v1/auth/login", json=wrong), 429, "rate_limited")
    assert locked["message"] == texts.LOGIN_ACCOUNT_LOCKED.format(minutes=15)
