"""Reading a roster file as a whole: headers, CSV encodings and delimiters, and files that cannot be used."""
from __future__ import annotations

from datetime import date

import pytest

from tests.roster_sheets import csv_bytes, only_error, only_row, parse, parse_rows, xlsx
from yinling import roster_import
from yinling.roster_import import MAX_ROWS, ParsedRoster, RosterFileError

# ---- headers --------------------------------------------------------------------------------------------


def test_header_aliases_full_width_spaces_and_required_marks():
    header = [
        "　姓 名＊ ", "ＩＤ", "联系电话", "生日（必填）", "离休/退休", "党员", "入党日期", "一对一联系干部",
        "家庭住址", "原工作单位", "职务", "爱好", "备注 *", "性别*",
    ]  # fmt: skip
    row_cells = [
        "甲", 5, "13812345678", "1940-01-01", "退休", "是", "1960-01-01", "王干事", "某路", "某厅", "科长",
        "钓鱼", "无", "女",
    ]  # fmt: skip
    row = only_row(parse_rows(row_cells, header=header))
    assert (row.name, row.id, row.phones, row.birth_date, row.retirement_type) == (
        "甲", 5, ["13812345678"], date(1940, 1, 1), "退休",
    )  # fmt: skip
    assert (row.party_member, row.party_join_date, row.liaison) == (True, date(1960, 1, 1), "王干事")
    assert (row.address, row.former_unit, row.former_post, row.hobbies) == ("某路", "某厅", "科长", "钓鱼")
    assert (row.notes, row.gender) == (None, "女")


def test_an_error_names_the_column_as_written_in_the_file():
    error = only_error(parse_rows(["甲", "X"], header=["姓名", " 性别（必填） "]))
    assert error.column == "性别（必填）"


def test_unknown_columns_are_ignored_with_a_warning_and_computed_ones_silently():
    result = parse_rows(["甲", "身份证号不收", 86, "是"], header=["姓名", "身份证号", "年龄", "是否高龄"])
    assert only_row(result).present == frozenset({"name"})
    assert result.warnings == ["未识别的列「身份证号」，已忽略"]


def test_two_columns_for_the_same_field_make_the_file_unusable():
    with pytest.raises(RosterFileError, match="「地址」和「住址」都是「住址」列"):
        parse_rows(["甲", "a", "b"], header=["姓名", "地址", "住址"])


# ---- csv ----------------------------------------------------------------------------------------------------

CSV_ROWS = [["姓名", "性别", "出生日期", "手机号", "标签"], ["张三", "男", "1940/1/2", "13812345678", "独居"]]


def _expect_csv_row(result: ParsedRoster) -> None:
    row = only_row(result)
    assert (row.line, row.name, row.gender, row.birth_date, row.phones, row.tags) == (
        2, "张三", "男", date(1940, 1, 2), ["13812345678"], ["独居"],
    )  # fmt: skip


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_in_the_encodings_excel_saves(encoding):
    _expect_csv_row(parse("台账.CSV", csv_bytes(CSV_ROWS, encoding=encoding)))


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_csv_delimiter_is_sniffed(delimiter):
    _expect_csv_row(parse("a.csv", csv_bytes(CSV_ROWS, delimiter=delimiter)))


def test_csv_lines_count_records_and_a_quoted_cell_may_hold_separators():
    data = csv_bytes([["姓名", "手机号", "备注"], ["甲", "13812345678,13987654321", "第一行\n第二行"], ["乙", "", ""]])
    result = parse("a.csv", data)
    assert [(r.line, r.phones, r.notes) for r in result.rows] == [
        (2, ["13812345678", "13987654321"], "第一行\n第二行"),
        (3, [], None),
    ]


# ---- files that cannot be used --------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["台账.xls", "台账.txt", "台账", "台账.xlsx.exe"])
def test_only_xlsx_and_csv(filename):
    with pytest.raises(RosterFileError, match=r"^只支持 \.xlsx 或 \.csv 文件$"):
        parse(filename, xlsx([["姓名"], ["甲"]]))


def test_extension_is_case_insensitive():
    assert only_row(parse("台账.XLSX", xlsx([["姓名"], ["甲"]]))).name == "甲"


@pytest.mark.parametrize(
    "data",
    [b"not a zip at all", xlsx([["姓名"], ["甲"]])[:300], b"PK\x03\x04" + b"\x00" * 100],
    ids=["garbage", "truncated", "bad-zip-header"],
)
def test_a_corrupt_xlsx(data):
    with pytest.raises(RosterFileError, match="无法读取这个 Excel 文件"):
        parse("a.xlsx", data)


@pytest.mark.parametrize(
    ("filename", "data"),
    [("a.xlsx", b""), ("a.xlsx", xlsx([])), ("a.xlsx", xlsx([[None], ["  "]])), ("a.csv", b"\r\n,,\r\n")],
)
def test_an_empty_file(filename, data):
    with pytest.raises(RosterFileError, match="文件是空的"):
        parse(filename, data)


def test_a_header_without_data_rows():
    with pytest.raises(RosterFileError, match="没有数据行"):
        parse("a.xlsx", xlsx([["姓名", "性别"], [None, None]]))


def test_a_file_without_a_name_column():
    with pytest.raises(RosterFileError, match="找不到「姓名」列"):
        parse("a.csv", csv_bytes([["名字", "性别"], ["甲", "男"]]))


def test_more_than_max_rows():
    rows = [["姓名"]] + [[f"人{i}"] for i in range(MAX_ROWS + 1)]
    with pytest.raises(RosterFileError, match=f"一次最多导入 {MAX_ROWS} 行"):
        parse("a.csv", csv_bytes(rows))


def test_exactly_max_rows_in_an_xlsx_is_fine_and_one_more_is_not(monkeypatch):
    monkeypatch.setattr(roster_import, "MAX_ROWS", 3)
    assert len(parse("a.xlsx", xlsx([["姓名"], ["a"], ["b"], ["c"]])).rows) == 3
    with pytest.raises(RosterFileError, match="一次最多导入 3 行"):
        parse("a.xlsx", xlsx([["姓名"], ["a"], ["b"], ["c"], ["d"]]))


def test_a_csv_in_an_unknown_encoding():
    with pytest.raises(RosterFileError, match="编码"):
        parse("a.csv", b"\xff\xff\xff\x80\x80")
