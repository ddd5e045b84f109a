"""The staff API speaks the office's time: every moment it answers carries the office's offset
(Settings.timezone, Asia/Shanghai by default), and a moment it reads without an offset — in a body or a
query — is office time; one with an offset is taken as given. The database still holds UTC."""
from __future__ import annotations

import re

import pytest

from admin.app import create_app
from admin.parsing import ISO_MOMENT
from tests.admin.conftest import login
from tests.admin.test_activities_api import PARTY_DAY
from tests.admin.test_ideas_api import idea_from
from tests.factories import make_settings

NAIVE_DAY = {"starts_at": "2026-12-10 09:00", "ends_at": "2026-12-10T11:30",
             "signup_deadline": "2026-12-09T18:00:00"}


async def publish(client, **changes) -> dict:
    resp = await client.post("/api/v1/activities", json={**PARTY_DAY, **changes})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def stored_start(db, activity_id: int) -> str:
    return await db.fetch_value("SELECT starts_at FROM activities WHERE id = ?", (activity_id,))


# ---- answers ------------------------------------------------------------------------------------------

async def test_login_and_records_answer_in_the_offices_offset(api, as_admin, office):
    login = await api.post("/api/v1/auth/login", json={"username": "admin", "password": "correct-horse-9"})
    assert (await login.json())["expires_at"].endswith("+08:00")
    record = await (await as_admin.get(f"/api/v1/retirees/{office.wang_retiree}")).json()
    assert record["created_at"] == "2026-11-23T09:30:00+08:00"  # the clock's 01:30 UTC
    roster = await (await as_admin.get("/api/v1/retirees")).json()
    assert {r["created_at"] for r in roster["items"]} == {"2026-11-23T09:30:00+08:00"}


async def test_an_activity_reads_back_in_office_time(as_admin):
    created = await publish(as_admin)
    assert (created["starts_at"], created["created_at"]) == ("2026-11-28T09:00:00+08:00", "2026-11-23T09:30:00+08:00")
    again = await (await as_admin.get(f"/api/v1/activities/{created['id']}")).json()
    assert again["ends_at"] == "2026-11-28T11:30:00+08:00" and again["signup_deadline"] == "2026-11-27T18:00:00+08:00"
    listed = await (await as_admin.get("/api/v1/activities")).json()
    assert [a["starts_at"] for a in listed["items"]] == ["2026-11-28T09:00:00+08:00"]


async def test_stats_periods_answer_in_office_time(as_admin):
    body = await (await as_admin.get("/api/v1/stats/ideas")).json()
    assert body["to"] == "2026-11-23T09:30:00+08:00" and body["from"] == "2026-01-01T00:00:00+08:00"
    help_stats = await (await as_admin.get("/api/v1/stats/help", params={"from": "2026-11-01"})).json()
    assert (help_stats["from"], help_stats["to"]) == ("2026-11-01T00:00:00+08:00", "2026-11-23T09:30:00+08:00")


# ---- bodies ---------------------------------------------------------------------------------------------

async def test_a_body_time_without_an_offset_is_office_time_and_stored_as_utc(as_admin, db):
    created = await publish(as_admin, **NAIVE_DAY)
    assert (created["starts_at"], created["ends_at"], created["signup_deadline"]) == (
        "2026-12-10T09:00:00+08:00", "2026-12-10T11:30:00+08:00", "2026-12-09T18:00:00+08:00")
    assert await stored_start(db, created["id"]) == "2026-12-10T01:00:00.000000Z"


async def test_a_body_time_with_an_offset_is_taken_as_given(as_admin, db):
    created = await publish(as_admin, starts_at="2026-12-10T01:00:00Z", ends_at="2026-12-10T05:00:00+02:00",
                            signup_deadline="2026-12-09T10:00:00+00:00")
    assert (created["starts_at"], created["ends_at"], created["signup_deadline"]) == (
        "2026-12-10T09:00:00+08:00", "2026-12-10T11:00:00+08:00", "2026-12-09T18:00:00+08:00")
    assert await stored_start(db, created["id"]) == "2026-12-10T01:00:00.000000Z"


async def test_a_patch_reads_office_time_too(as_admin, db):
    created = await publish(as_admin)
    resp = await as_admin.patch(f"/api/v1/activities/{created['id']}", json={"place": "老干部活动中心一楼",
                                                                           "ends_at": "2026-11-28 12:00"})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["ends_at"] == "2026-11-28T12:00:00+08:00"
    assert await db.fetch_value("SELECT ends_at FROM activities WHERE id = ?",
                                (created["id"],)) == "2026-11-28T04:00:00.000000Z"


@pytest.mark.parametrize("moment", ["2026-12-10 25:00", "2026-12-10T09", "十二月十日上午九点", "2026-12-10"])
async def test_what_is_no_time_is_still_refused_naming_the_field(as_admin, moment):
    resp = await as_admin.post("/api/v1/activities", json={**PARTY_DAY, **NAIVE_DAY, "starts_at": moment})
    assert resp.status == 422 and list((await resp.json())["error"]["fields"]) == ["starts_at"]


# ---- queries --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "read"), [
    ("2026-11-01 08:00", "2026-11-01T08:00:00+08:00"),  # office time
    ("2026-11-01T08:00", "2026-11-01T08:00:00+08:00"),
    ("2026-11-01", "2026-11-01T00:00:00+08:00"),  # a day: its local midnight, as before
    ("2026-11-01T08:00:00Z", "2026-11-01T16:00:00+08:00"),  # with an offset: as given
    ("2026-11-01T08:00:00+09:00", "2026-11-01T07:00:00+08:00"),
])
async def test_a_query_time_without_an_offset_is_office_time(as_admin, given, read):
    resp = await as_admin.get("/api/v1/stats/ideas", params={"from": given})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["from"] == read


async def test_a_query_time_filters_by_office_time(as_admin, services, db, office):
    idea = await idea_from(services, db, phone="13800000001", user_id=9001, parts=("幸福路口建议加装红绿灯",))
    # The idea came at 09:30 in the office (01:30 UTC): read as UTC, 09:00 would be 17:00 and miss it.
    before = await (await as_admin.get("/api/v1/ideas", params={"from": "2026-11-23 09:00"})).json()
    after = await (await as_admin.get("/api/v1/ideas", params={"from": "2026-11-23T10:00"})).json()
    assert [i["id"] for i in before["items"]] == [idea] and after["items"] == []
    assert before["items"][0]["created_at"] == "2026-11-23T09:30:00+08:00"


async def test_a_query_that_is_no_time_is_refused_naming_the_parameter(as_admin):
    for bad in ("2026-11-01 8点", "2026-02-31 08:00", "2026-11-01T24:00"):
        resp = await as_admin.get("/api/v1/stats/ideas", params={"from": bad})
        assert resp.status == 422 and list((await resp.json())["error"]["fields"]) == ["from"], bad


# ---- the office's timezone is Settings' ----------------------------------------------------------------

async def test_another_office_timezone_is_read_and_answered(aiohttp_client, db_path, services, office):
    berlin = await aiohttp_client(create_app(make_settings(db_path, timezone="Europe/Berlin"), services))
    client = await login(berlin, "admin")
    created = await publish(client, **NAIVE_DAY)
    assert created["starts_at"] == "2026-12-10T09:00:00+01:00" and created["created_at"] == "2026-11-23T02:30:00+01:00"


# ---- the description says so ------------------------------------------------------------------------------

async def test_the_description_says_how_times_are_read(api):
    spec = await (await api.get("/api/openapi.json")).json()
    starts_at = spec["components"]["schemas"]["ActivityCreate"]["properties"]["starts_at"]
    assert starts_at["format"] == "date-time" and "without an offset: office time" in starts_at["description"]
    params = {p["name"]: p for p in spec["paths"]["/api/v1/stats/ideas"]["get"]["parameters"]}
    moment = params["from"]["schema"]
    assert "without an offset: office time" in moment["description"]
    pattern = next(part["pattern"] for part in (moment, *moment.get("anyOf", ())) if "pattern" in part)
    assert pattern == ISO_MOMENT and re.match(pattern, "2026-11-01 08:00") and re.match(pattern, "2026-11-01T08:00")
