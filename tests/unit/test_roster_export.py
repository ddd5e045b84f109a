"""The roster written out: the export's layout, what it leaves out, the template, and the round trip."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from tests.roster_sheets import TODAY, parse
from yinling.models import AGED_TAG, FamilyContact, RetireeRecord
from yinling.roster_columns import TEMPLATE_HEADERS
from yinling.roster_export import export_roster, template_xlsx
from yinling.roster_import import RosterFileError, RowError

SENSITIVE_FIELDS = {"health_notes", "family_name", "family_relation", "family_phone", "sensitive_consent"}


# ---- export and round-trip -------------------------------------------------------------------------------------


def _records() -> list[RetireeRecord]:
    return [
        RetireeRecord(
            id=11,
            name="张建国",
            gender="男",
            birth_date=date(1938, 5, 4),
            phones=("13812345678", "09318888888", "+14155550100"),
            address="兰州市城关区XX路1号",
            former_unit="省水利厅",
            former_post="处长",
            retirement_type="离休",
            party_member=True,
            party_join_date=date(1958, 7, 1),
            liaison_id=3,
            liaison_name="李伟",
            tags=("独居", AGED_TAG, "患病"),
            hobbies="书法、太极",
            health_notes="高血压；每月复查",
            family=FamilyContact(name="张小红", relation="女儿", phone="13987654321"),
            sensitive_consent=True,
            notes="=HYPERLINK(\"http://x\")",
            telegram_bound=True,
        ),
        RetireeRecord(id=12, name="王芳", gender="女", birth_date=date(1950, 12, 31), retirement_type="退休"),
        RetireeRecord(id=13, name="Li Ming"),
    ]


def _expected(record: RetireeRecord, *, sensitive: bool) -> dict[str, object]:
    family = record.family
    expected: dict[str, object] = {
        "id": record.id,
        "name": record.name,
        "gender": record.gender,
        "birth_date": record.birth_date,
        "phones": list(record.phones),
        "address": record.address,
        "former_unit": record.former_unit,
        "former_post": record.former_post,
        "retirement_type": record.retirement_type,
        "party_member": record.party_member,
        "party_join_date": record.party_join_date,
        "liaison": record.liaison_name,
        "tags": [tag for tag in record.tags if tag != AGED_TAG],
        "hobbies": record.hobbies,
        "notes": record.notes,
    }
    if sensitive:
        expected |= {
            "health_notes": record.health_notes,
            "family_name": family.name if family else None,
            "family_relation": family.relation if family else None,
            "family_phone": family.phone if family else None,
            "sensitive_consent": record.sensitive_consent,
        }
    return expected


@pytest.mark.parametrize("sensitive", [True, False], ids=["with-sensitive", "without-sensitive"])
def test_export_then_import_round_trips(sensitive):
    records = _records()
    data = export_roster(records, include_sensitive=sensitive, today=TODAY)
    result = parse("台账.xlsx", data)
    assert result.errors == [] and result.warnings == []
    assert [row.line for row in result.rows] == [2, 3, 4]
    for record, row in zip(records, result.rows, strict=True):
        expected = _expected(record, sensitive=sensitive)
        assert row.present == frozenset(expected)
        assert row.model_dump(include=set(expected)) == expected
    if not sensitive:
        assert all(not (row.present & SENSITIVE_FIELDS) for row in result.rows)
        assert all(row.health_notes is None and row.family_name is None for row in result.rows)


def test_export_layout():
    data = export_roster(_records(), include_sensitive=True, today=TODAY)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "台账"
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["编号", "姓名", "性别", "出生日期", "年龄"]
    assert [h for h in header if h not in ("年龄", "是否高龄")] == list(TEMPLATE_HEADERS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["C"].width  # 住址 wider than 性别

    first = dict(zip(header, sheet[2], strict=True))
    assert first["编号"].value == 11
    assert first["出生日期"].value == datetime(1938, 5, 4)
    assert first["出生日期"].number_format == "yyyy-mm-dd"
    assert first["年龄"].value == 88
    assert first["是否高龄"].value == "是"
    assert first["手机号"].value == "13812345678；09318888888；+14155550100"
    assert first["标签"].value == "独居、患病"
    assert first["是否党员"].value == "是"
    assert first["联系干部"].value == "李伟"
    assert first["同意存储敏感信息"].value == "是"
    assert first["备注"].data_type == "s"  # a formula-looking note stays text

    second = dict(zip(header, sheet[3], strict=True))
    assert (second["年龄"].value, second["是否高龄"].value, second["是否党员"].value) == (75, "否", "否")
    third = dict(zip(header, sheet[4], strict=True))
    assert (third["年龄"].value, third["是否高龄"].value, third["出生日期"].value) == (None, None, None)


def test_export_without_sensitive_columns():
    data = export_roster(_records(), include_sensitive=False, today=TODAY)
    header = [cell.value for cell in load_workbook(io.BytesIO(data)).active[1]]
    assert not {"健康状况", "家属姓名", "家属关系", "家属电话", "同意存储敏感信息"} & set(header)
    assert {"手机号", "住址"} <= set(header)


def test_export_of_nobody_is_just_the_header():
    data = export_roster([], include_sensitive=False, today=TODAY)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 1


def test_template_has_the_headers_and_reads_back_as_header_only():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook.worksheets[0]
    assert sheet.title == "台账"
    assert tuple(cell.value for cell in sheet[1]) == TEMPLATE_HEADERS
    assert TEMPLATE_HEADERS[:2] == ("编号", "姓名") and "年龄" not in TEMPLATE_HEADERS
    assert workbook.sheetnames == ["台账", "填写说明"]
    with pytest.raises(RosterFileError, match="没有数据行"):
        parse("模板.xlsx", template_xlsx())


def test_models_are_frozen():
    error = RowError(line=2, column=None, message="x")
    with pytest.raises(ValidationError):
        error.line = 3  # type: ignore[misc]
