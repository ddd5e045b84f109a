"""The office calendar through the staff API: admins write, all staff read, fields named in Chinese,
and /healthz warns about a year counted Monday to Friday.

The 2027 days are this test's EXAMPLE, not the official schedule (published late in 2026)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import FormData

from tests.admin.conftest import login

EXAMPLE_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休上班（示例）\n"


async def upload(client, text: str, filename: str = "2027.csv"):
    form = FormData()
    form.add_field("file", text.encode(), filename=filename, content_type="text/csv")
    return await client.post("/api/v1/calendar/import", data=form)


async def test_an_admin_imports_a_year_and_every_staff_role_reads_it(as_admin, as_wang, as_viewer):
    resp = await upload(as_admin, EXAMPLE_2027)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["created"], body["updated"]) == (2, 0)
    for client in (as_admin, as_wang, as_viewer):
        year = await (await client.get("/api/v1/calendar?year=2027")).json()
        assert [(d["date"], d["kind"], d["name"]) for d in year["days"]] == [
            ("2027-01-01", "holiday", "元旦"), ("2027-02-20", "workday", "春节调休上班（示例）")]
        assert (year["package_knows"], year["guessed"], year["warning"]) == (False, False, None)


async def test_a_year_nobody_knows_says_so(as_viewer):
    year = await (await as_viewer.get("/api/v1/calendar?year=2030")).json()
    assert year["guessed"] is True and "2030 年" in year["warning"] and "周一到周五" in year["warning"]
    known = await (await as_viewer.get("/api/v1/calendar?year=2026")).json()
    assert (known["package_knows"], known["guessed"]) == (True, False)


async def test_only_admins_write(as_wang, as_viewer):
    for client in (as_wang, as_viewer):
        assert (await client.put("/api/v1/calendar/2027-01-01", json={"kind": "holiday"})).status == 403
        assert (await client.delete("/api/v1/calendar/2027-01-01")).status == 403
        assert (await upload(client, EXAMPLE_2027)).status == 403


async def test_one_day_is_set_changed_and_removed(as_admin, db):
    resp = await as_admin.put("/api/v1/calendar/2027-01-01", json={"kind": "holiday", "name": "元旦"})
    assert resp.status == 200 and (await resp.json())["updated_by"] == "admin"
    resp = await as_admin.put("/api/v1/calendar/2027-01-01", json={"kind": "workday"})
    assert (await resp.json())["kind"] == "workday"
    assert (await as_admin.delete("/api/v1/calendar/2027-01-01")).status == 204
    missing = await as_admin.delete("/api/v1/calendar/2027-01-01")
    assert missing.status == 404 and (await missing.json())["error"]["fields"] == {"date": "没有这一天"}
    assert await db.fetch_value("SELECT count(*) FROM audit_log WHERE action LIKE 'calendar.%'") == 3


async def test_bad_fields_are_named_in_chinese(as_admin):
    resp = await as_admin.put("/api/v1/calendar/2027-01-01", json={"kind": "周末", "name": "x" * 51})
    assert resp.status == 422
    fields = (await resp.json())["error"]["fields"]
    assert set(fields) == {"kind", "name"} and "holiday" in fields["kind"] and "50" in fields["name"]
    resp = await as_admin.put("/api/v1/calendar/2027-02-30", json={"kind": "holiday"})
    assert resp.status == 422 and "2027-01-01" in (await resp.json())["error"]["fields"]["date"]
    for not_a_day in ("20270101", "tomorrow"):  # the route takes dates only
        assert (await as_admin.put(f"/api/v1/calendar/{not_a_day}", json={"kind": "holiday"})).status == 404
    resp = await as_admin.get("/api/v1/calendar?year=20270")
    assert resp.status == 422 and "年份" in (await resp.json())["error"]["fields"]["year"]


async def test_a_bad_import_lists_its_rows_and_changes_nothing(as_admin):
    resp = await upload(as_admin, "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,\n")
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert error["rows"] == [{"line": 3, "column": "日期", "message": "日期应像 2027-01-01，且是真实的日子"}]
    assert (await (await as_admin.get("/api/v1/calendar?year=2027")).json())["days"] == []


async def test_healthz_warns_about_2027_until_it_is_entered(api, clock):
    clock.set(datetime(2027, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    as_admin = await login(api, "admin")  # logged in on New Year's Day
    health = await (await api.get("/healthz")).json()
    assert health["status"] == "ok"
    assert health["details"]["calendar"]["missing_years"] == [2027]
    assert health["warnings"] == [health["details"]["calendar"]["warning"]] and "2027 年" in health["warnings"][0]
    assert (await upload(as_admin, EXAMPLE_2027)).status == 200
    health = await (await api.get("/healthz")).json()
    assert health["details"]["calendar"] == {"missing_years": [], "warning": None} and health["warnings"] == []
