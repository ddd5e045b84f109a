"""GET /api/v1/retirees as staff read it: each listed retiree reads as their own page does, moments in
the office's time, totals right past the last page, and a viewer's list hides what their detail hides.
(The page is written by SQLite as JSON, not by the response model: these hold the two together.)"""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from admin.views.retirees import office_time
from tests.factories import add_retiree
from yinling.clock import to_iso
from yinling.models import RosterFilter
from yinling.store import retirees as retiree_store
from yinling.store import roster_search

# The office of tests/admin/conftest.py: 张建国 (王芳's, 独居, health notes, born 1942), 赵淑芬 (李强's).


async def listed(client, **params) -> dict:
    resp = await client.get("/api/v1/retirees", params={k: str(v) for k, v in params.items()})
    assert resp.status == 200, await resp.text()
    assert resp.content_type == "application/json"
    return await resp.json()


async def detail(client, retiree_id: int) -> dict:
    resp = await client.get(f"/api/v1/retirees/{retiree_id}")
    assert resp.status == 200, await resp.text()
    return await resp.json()


def same_moments(a: dict, b: dict) -> tuple[dict, dict]:
    """Both items, their created_at and updated_at read as instants (the detail still answers in UTC
    until every response speaks office time)."""
    def instants(item: dict) -> dict:
        return {**item, **{k: datetime.fromisoformat(item[k]).astimezone(UTC) for k in ("created_at", "updated_at")}}
    return instants(a), instants(b)


async def test_each_listed_retiree_reads_exactly_as_their_own_page_for_every_role(
        as_admin, as_wang, as_viewer, office, db, clock):
    family = {"name": "张小红", "relation": "女儿", "phone": "13987654321"}
    full = await add_retiree(db, clock, name="Li Ming", phones=("13812345678", "09318888888"), liaison_id=office.wang,
                             gender="男", address="幸福路2号", former_unit="水利厅", former_post="处长",
                             retirement_type="离休", party_member=True, party_join_date=date(1960, 7, 1),
                             hobbies="书法", notes='引号"和\\斜杠\n换行', health_notes="高血压", family=family,
                             sensitive_consent=True, tags=("丧偶", "空巢"), birth_date=date(1950, 1, 2))
    async with db.transaction() as tx:
        await retiree_store.bind_telegram(tx, full, user_id=4242, chat_id=4242, now=clock.now())
        await retiree_store.mark_unreachable(tx, full, reason="blocked", now=clock.now())
    await add_retiree(db, clock, name="无生日", phone=None, birth_date=None, liaison_id=office.wang)
    for client in (as_admin, as_wang, as_viewer):
        items = (await listed(client))["items"]
        assert items, "nobody listed"
        for item in items:
            mine, theirs = same_moments(item, await detail(client, item["id"]))
            # as JSON text: true and 1, or "" and null, would compare equal as Python values
            assert json.dumps(mine, sort_keys=True, default=str) == json.dumps(theirs, sort_keys=True, default=str)
    by_id = {item["id"]: item for item in (await listed(as_admin))["items"]}
    assert by_id[full]["tags"] == ["丧偶", "空巢"] and by_id[full]["family"] == family
    assert by_id[full]["reachable"] is False and by_id[full]["telegram_bound"] is True
    assert by_id[office.wang_retiree]["tags"] == ["独居", "高龄"] and by_id[office.wang_retiree]["age"] == 84


async def test_a_viewers_list_has_no_contact_health_family_or_sensitive_tags(as_viewer, office):
    item = next(i for i in (await listed(as_viewer))["items"] if i["id"] == office.wang_retiree)
    assert not {"phones", "address", "health_notes", "family"} & set(item)
    assert item["tags"] == ["高龄"]  # 独居 is sensitive: a viewer sees figures, not who lives alone


async def test_listed_moments_are_in_the_office_offset(as_admin, office, clock):
    item = next(i for i in (await listed(as_admin))["items"] if i["id"] == office.wang_retiree)
    assert item["created_at"] == "2026-11-23T09:30:00+08:00"  # the fake clock's 01:30 UTC
    assert item["updated_at"] == item["created_at"]


async def test_totals_hold_on_every_page_and_past_the_last(as_admin, office, db, clock):
    for i in range(23):
        await add_retiree(db, clock, name=f"王{i:02d}", phone=f"1590000{i:04d}", liaison_id=office.li,
                          tags=("空巢",) if i % 2 else ())
    pages = [await listed(as_admin, q="王", per_page=10, page=n) for n in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [10, 10, 3, 0] and {p["total"] for p in pages} == {23}
    assert [p["page"] for p in pages] == [1, 2, 3, 4] and {p["per_page"] for p in pages} == {10}
    ids = [item["id"] for p in pages for item in p["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 23
    assert (await listed(as_admin, tag="空巢", page=3, per_page=10)) == {"items": [], "total": 11, "page": 3,
                                                                         "per_page": 10}
    assert (await listed(as_admin, liaison_id=office.li, tag="空巢", q="159"))["total"] == 11
    assert (await listed(as_admin, q="1590000001"))["total"] == 10  # 15900000010 ... 15900000019
    assert (await listed(as_admin, q="没有这个人")) == {"items": [], "total": 0, "page": 1, "per_page": 20}


async def test_a_liaison_lists_and_counts_only_their_own_and_changes_show_at_once(as_wang, as_admin, office):
    assert (await listed(as_wang, tag="高龄"))["total"] == 1
    assert (await listed(as_wang, q="赵"))["total"] == 0  # 李强's retiree, not theirs
    resp = await as_admin.patch(f"/api/v1/retirees/{office.li_retiree}", json={"liaison_id": office.wang})
    assert resp.status == 200
    assert (await listed(as_wang, q="赵"))["total"] == 1
    assert (await listed(as_wang))["total"] == 2
    assert (await as_admin.delete(f"/api/v1/retirees/{office.li_retiree}")).status == 204
    assert (await listed(as_wang, q="赵"))["total"] == 0 and (await listed(as_wang))["total"] == 1


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kathmandu"])
async def test_moments_read_in_any_office_zone_as_python_says_them_across_its_changes(db, clock, zone):
    """SQLite says the moments of the zone's steady window; Python the rest (before a DST change)."""
    tz = ZoneInfo(zone)
    moments = [datetime.now(UTC).replace(microsecond=0) - timedelta(days=days, hours=hours, microseconds=micro)
               for days in (0, 40, 100, 200, 400, 700) for hours, micro in ((0, 0), (7, 123456))]
    for moment in moments:
        clock.set(moment)
        await add_retiree(db, clock, name="张建国", phone=None)
    items, _ = await roster_search.page(db, RosterFilter(), scope_liaison_id=None, aged_cutoff=date(1946, 1, 1),
                                        today=date.today(), limit=100, offset=0, fields=("id",),
                                        steady=roster_search.steady_offset(tz))
    said = [office_time(item.created_at, tz) for item in items]
    assert said == [datetime.fromisoformat(to_iso(m)).astimezone(tz).isoformat() for m in moments]
    assert any("." in text for text in said) and any("." not in text for text in said)
