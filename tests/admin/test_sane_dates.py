"""Days and moments people enter are held to 1900-01-01 .. 2100-12-31 (422 naming the field), everywhere:
one at 9999-12-31 has no local time or day after it, and broke pages and the chat."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from admin.parsing import validate
from admin.routes import ROUTES
from tests.admin.conftest import login
from tests.factories import ChatPerson, add_bound_retiree
from yinling import texts
from yinling.errors import InvalidInput
from yinling.models import OUTSIDE_WINDOW, ActivityFields
from yinling.store import activities as activity_store
from yinling.store import study as study_store

PARTY_DAY = {
    "title": "十二月主题党日", "kind": "主题党日", "place": "老干部活动中心三楼",
    "starts_at": "2026-11-28T09:00:00+08:00", "ends_at": "2026-11-28T11:30:00+08:00", "capacity": 10,
}
PIECE = {"title": "学习二十届四中全会精神", "body": "全会审议通过了……", "topic": "时事"}
FAR_DAY, FAR_MOMENT = "9999-12-31", "9999-12-31T23:00:00Z"


def fields_of(resp_body: dict) -> dict:
    return resp_body["error"]["fields"]


async def test_an_activity_in_year_9999_is_refused_naming_starts_at(as_admin):
    resp = await as_admin.post("/api/v1/activities", json={
        **PARTY_DAY, "starts_at": "9999-12-31T09:00:00+08:00", "ends_at": FAR_MOMENT})
    assert resp.status == 422
    fields = fields_of(await resp.json())
    assert fields["starts_at"] == fields["ends_at"] == OUTSIDE_WINDOW
    listed = await (await as_admin.get("/api/v1/activities", params={"when": "all"})).json()
    assert listed["total"] == 0


async def test_an_activity_cannot_be_moved_to_year_9999_either(as_admin):
    created = await (await as_admin.post("/api/v1/activities", json=PARTY_DAY)).json()
    resp = await as_admin.patch(f"/api/v1/activities/{created['id']}", json={"ends_at": FAR_MOMENT})
    assert resp.status == 422 and fields_of(await resp.json()) == {"ends_at": OUTSIDE_WINDOW}


async def test_a_day_before_1900_is_refused_too(as_admin):
    resp = await as_admin.post("/api/v1/retirees", json={"name": "钱老", "party_join_date": "1899-12-31"})
    assert resp.status == 422 and fields_of(await resp.json()) == {"party_join_date": OUTSIDE_WINDOW}


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("post", "/api/v1/broadcasts", {"text": "通知", "schedule_at": FAR_MOMENT}, "schedule_at"),
    ("post", "/api/v1/study/pieces", {**PIECE, "publish_on": FAR_DAY}, "publish_on"),
    ("post", "/api/v1/retirees", {"name": "钱老", "birth_date": FAR_DAY}, "birth_date"),
    ("put", f"/api/v1/calendar/{FAR_DAY}", {"kind": "holiday"}, "date"),
    ("get", f"/api/v1/stats/study?to={FAR_DAY}", None, "to"),
    ("get", "/api/v1/stats/study?from=0001-01-01", None, "from"),
])
async def test_other_far_days_are_refused_naming_the_field(as_admin, method, path, body, field):
    resp = await getattr(as_admin, method)(path, **({"json": body} if body is not None else {}))
    assert resp.status == 422, await resp.text()
    assert field in fields_of(await resp.json())


async def test_an_imported_calendar_day_in_year_9999_is_a_bad_row(as_admin):
    from aiohttp import FormData

    form = FormData()
    form.add_field("file", "date,kind,name\n2027-01-01,holiday,元旦\n9999-12-31,holiday,末日\n".encode(),
                   filename="days.csv")
    resp = await as_admin.post("/api/v1/calendar/import", data=form)
    assert resp.status == 422
    assert [(r["line"], r["column"]) for r in (await resp.json())["error"]["rows"]] == [(3, "日期")]


async def test_an_imported_study_piece_dated_9999_is_a_bad_row(as_admin):
    from aiohttp import FormData

    form = FormData()
    rows = [{**PIECE, "publish_on": "2026-12-01"}, {**PIECE, "title": "防诈骗", "publish_on": FAR_DAY}]
    form.add_field("file", json.dumps(rows, ensure_ascii=False).encode(), filename="pieces.json")
    resp = await as_admin.post("/api/v1/study/pieces/import", data=form)
    assert resp.status == 422
    assert (await resp.json())["error"]["rows"] == [
        {"line": 2, "column": "日期", "message": "日期应在 1900-01-01 到 2100-12-31 之间"}]


def _date_fields(model) -> list[tuple[str, str]]:
    """(field, a far value) for each date or date-time property of a request body's schema."""
    found = []
    for name, prop in model.model_json_schema()["properties"].items():
        formats = {prop.get("format"), *(p.get("format") for p in prop.get("anyOf", []))}
        if "date-time" in formats:
            found.append((name, FAR_MOMENT))
        elif "date" in formats:
            found.append((name, FAR_DAY))
    return found


BODIES_WITH_DATES = {route.body for route in ROUTES if route.body and _date_fields(route.body)}


def test_the_schema_walk_finds_the_dated_bodies():
    names = {model.__name__ for model in BODIES_WITH_DATES}
    assert {"ActivityCreate", "ActivityPatch", "BroadcastCreate", "StatusBody", "PieceCreate", "PiecePatch",
            "RetireeCreate", "RetireeWrite"} <= names


@pytest.mark.parametrize("model", sorted(BODIES_WITH_DATES, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_every_date_in_every_request_body_is_held_to_the_window(model):
    for field, far in _date_fields(model):
        with pytest.raises(InvalidInput) as refused:
            validate(model, {field: far})
        assert refused.value.fields.get(field) == OUTSIDE_WINDOW, (model.__name__, field)


# ---- the chat: one odd date stored before the window existed breaks nobody's 活动报名 ----

async def test_the_chat_list_survives_an_activity_stored_at_the_edge_of_the_calendar(services, db, clock, office):
    edge = datetime(9999, 12, 31, 20, 0, tzinfo=UTC)  # no local time in Shanghai: it would be year 10000
    saturday = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    async with db.transaction() as tx:
        for title, start in (("十二月主题党日", saturday), ("万年之约", edge)):
            await activity_store.insert(tx, ActivityFields(
                title=title, kind="主题党日", place="老干部活动中心", starts_at=start,
                ends_at=start + timedelta(hours=2), signup_deadline=start - timedelta(hours=1), capacity=5),
                created_by=office.admin, now=clock.now())
    person = ChatPerson(services, db, 9301, await add_bound_retiree(db, clock, 9301))
    await person.say("📅 活动报名")
    assert (await person.last())["text"] == texts.ACT_LIST
    labels = [label for label, _ in await person.buttons()]
    assert labels[0].startswith("11月28日 十二月主题党日") and "万年之约" in labels[1]
    await person.press("act:view:2")
    assert "万年之约" in (await person.last())["text"]
    await person.press("act:join:2:0:0")  # signing up: no reminders can be scheduled, and no crash
    assert (await activity_store.registration(db, 2, person.retiree_id)).status == "confirmed"


# ---- study pieces: an old day is 422, a piece that went out keeps its day (409) ----

async def test_moving_a_piece_to_a_day_before_today_is_422_naming_publish_on(as_admin):
    piece = await (await as_admin.post("/api/v1/study/pieces", json=PIECE)).json()
    resp = await as_admin.patch(f"/api/v1/study/pieces/{piece['id']}", json={"publish_on": "2026-11-22"})
    assert resp.status == 422 and fields_of(await resp.json()) == {"publish_on": "日期已经过去了，应是今天或以后"}


async def test_a_piece_that_went_out_keeps_its_day_but_its_text_may_still_be_corrected(api, as_admin, db, clock):
    piece = await (await as_admin.post("/api/v1/study/pieces", json={**PIECE, "publish_on": "2026-11-23"})).json()
    async with db.transaction() as tx:
        await study_store.day_piece(tx, date(2026, 11, 23))  # it goes out today
    clock.advance(timedelta(days=1))
    as_admin = await login(api, "admin")
    path = f"/api/v1/study/pieces/{piece['id']}"
    moved = await as_admin.patch(path, json={"publish_on": "2026-11-22"})
    assert moved.status == 409 and "publish_on" in fields_of(await moved.json())
    fixed = await as_admin.patch(path, json={"title": "学习党的二十届四中全会精神"})
    assert fixed.status == 200, await fixed.text()
    body = await fixed.json()
    assert (body["title"], body["publish_on"], body["shown_on"]) == (
        "学习党的二十届四中全会精神", "2026-11-23", "2026-11-23")


async def test_a_piece_stored_in_year_9999_is_422_naming_publish_on_not_500(as_admin, db):
    piece = await (await as_admin.post("/api/v1/study/pieces", json={**PIECE, "publish_on": "2026-11-30"})).json()
    async with db.transaction() as tx:  # as a day could be stored before the window existed
        await tx.execute("UPDATE study_pieces SET publish_on = '9999-12-31' WHERE id = :id", {"id": piece["id"]})
    resp = await as_admin.patch(f"/api/v1/study/pieces/{piece['id']}", json={"title": "改个标题"})
    assert resp.status == 422 and fields_of(await resp.json()) == {"publish_on": OUTSIDE_WINDOW}
    moved = await as_admin.patch(f"/api/v1/study/pieces/{piece['id']}", json={"publish_on": "2026-12-01"})
    assert moved.status == 200 and (await moved.json())["publish_on"] == "2026-12-01"
