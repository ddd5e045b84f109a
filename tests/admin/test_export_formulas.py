"""Exports never hand Excel a formula: text that starts like one (= + - @, a tab or a carriage return)
is a text cell with the quote prefix, in the registration list exactly as in the roster."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from tests.factories import Events, add_retiree
from yinling.models import Contact
from yinling.xlsx_safe import safe_row

FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1:A9)", "-2", "\t=1+1"]
PARTY_DAY = {
    "title": '=HYPERLINK("http://evil","点这里")', "kind": "主题党日", "place": "+老干部活动中心",
    "starts_at": "2026-11-28T09:00:00+08:00", "ends_at": "2026-11-28T11:30:00+08:00", "capacity": 30,
}


def sheet_of(data: bytes):
    return load_workbook(BytesIO(data)).active


def cells_named(sheet, column: int) -> dict[str, object]:
    """Each row's cell in `column` (0-based), by its value."""
    return {row[column].value: row[column] for row in sheet.iter_rows(min_row=2) if row[column].value}


@pytest.fixture
async def signed_up(as_admin, services, db, clock, office) -> int:
    """An activity whose registrants are named like formulas; returns its id."""
    resp = await as_admin.post("/api/v1/activities", json=PARTY_DAY)
    assert resp.status == 201, await resp.text()
    activity_id = (await resp.json())["id"]
    for n, name in enumerate(FORMULA_NAMES):
        phone, user_id = f"1390000{n:04d}", 8100 + n
        await add_retiree(db, clock, name=name, phone=phone, liaison_id=office.wang)
        events = Events(user_id=user_id, start=user_id * 10)
        await services.conversation.do_contact(events.next(), Contact(phone=phone, user_id=user_id))
        await services.conversation.do_press(events.next(), f"act:join:{activity_id}")
    return activity_id


async def test_registrants_named_like_formulas_are_text_in_the_registration_export(as_admin, signed_up):
    resp = await as_admin.get(f"/api/v1/activities/{signed_up}/registrations.xlsx")
    assert resp.status == 200
    sheet = sheet_of(await resp.read())
    by_name = cells_named(sheet, 2)  # 姓名
    assert set(FORMULA_NAMES) <= set(by_name)
    for name in FORMULA_NAMES:
        cell = by_name[name]
        assert (cell.data_type, cell.quotePrefix, cell.value) == ("s", True, name), name
    title, place = sheet["B1"], sheet["D1"]  # the activity's own words, typed by staff
    assert (title.data_type, title.quotePrefix, title.value) == ("s", True, PARTY_DAY["title"])
    assert (place.data_type, place.quotePrefix, place.value) == ("s", True, PARTY_DAY["place"])


async def test_the_registration_export_neutralises_them_as_the_roster_export_does(as_admin, signed_up):
    registrations = sheet_of(await (await as_admin.get(f"/api/v1/activities/{signed_up}/registrations.xlsx")).read())
    roster = sheet_of(await (await as_admin.get("/api/v1/retirees/export.xlsx")).read())
    in_list, in_roster = cells_named(registrations, 2), cells_named(roster, 1)  # 姓名 in each
    for name in FORMULA_NAMES:
        same = (in_roster[name].data_type, in_roster[name].quotePrefix, in_roster[name].value)
        assert (in_list[name].data_type, in_list[name].quotePrefix, in_list[name].value) == same == ("s", True, name)


def test_ordinary_values_stay_plain_and_unwritable_characters_are_dropped():
    assert safe_row(None, ["张建国", "138-0000", 3, None, "a\x00b\x1fc"]) == ["张建国", "138-0000", 3, None, "abc"]


def test_a_leading_carriage_return_is_neutralised_too():
    # (not read back through a file: XML turns a stored CR into LF)
    [cell] = safe_row(Workbook(write_only=True).create_sheet("x"), ["\r=1+1"])
    assert (cell.data_type, cell.quotePrefix, cell.value) == ("s", True, "\r=1+1")
