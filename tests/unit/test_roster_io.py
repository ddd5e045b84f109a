"""The roster spreadsheet in and out: files are built here in code, never committed as binaries."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from yinling import roster_io
from yinling.models import AGED_TAG, RETIREE_TAGS, FamilyContact, RetireeRecord
from yinling.roster_io import (
    CONSENT_MISSING,
    MAX_ROWS,
    TEMPLATE_HEADERS,
    ImportRow,
    ParsedRoster,
    RosterFileError,
    RowError,
    export_roster,
    parse_roster,
    template_xlsx,
)

TODAY = date(2026, 11, 23)
SENSITIVE_FIELDS = {"health_notes", "family_name", "family_relation", "family_phone", "sensitive_consent"}


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding)


def parse(filename: str, data: bytes) -> ParsedRoster:
    return parse_roster(filename, data, today=TODAY)


def parse_rows(*rows: list[object], header: list[object]) -> ParsedRoster:
    return parse("台账.xlsx", xlsx([header, *rows]))


def only_row(result: ParsedRoster) -> ImportRow:
    assert result.errors == []
    assert len(result.rows) == 1
    return result.rows[0]


def only_error(result: ParsedRoster) -> RowError:
    assert result.rows == []
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# ---- a clean file -------------------------------------------------------------------------------------


def test_clean_xlsx_with_every_kind_of_column():
    header = list(TEMPLATE_HEADERS)
    row = [
        7, "张建国", "男", date(1938, 5, 4), "13812345678；0931-8888888", "兰州市城关区XX路1号",
        "省水利厅", "处长", "离休", "是", date(1958, 7, 1), "liwei", "独居、患病", "书法", "老同志",
        "高血压", "张小红", "女儿", "13987654321", "是",
    ]  # fmt: skip
    result = parse("台账.xlsx", xlsx([header, row]))
    assert result.warnings == []
    assert only_row(result) == ImportRow(
        line=2,
        id=7,
        name="张建国",
        gender="男",
        birth_date=date(1938, 5, 4),
        phones=["13812345678", "09318888888"],
        address="兰州市城关区XX路1号",
        former_unit="省水利厅",
        former_post="处长",
        retirement_type="离休",
        party_member=True,
        party_join_date=date(1958, 7, 1),
        liaison="liwei",
        tags=["独居", "患病"],
        hobbies="书法",
        notes="老同志",
        health_notes="高血压",
        family_name="张小红",
        family_relation="女儿",
        family_phone="13987654321",
        sensitive_consent=True,
        present=frozenset(
            {
                "id", "name", "gender", "birth_date", "phones", "address", "former_unit", "former_post",
                "retirement_type", "party_member", "party_join_date", "liaison", "tags", "hobbies",
                "notes", "health_notes", "family_name", "family_relation", "family_phone",
                "sensitive_consent",
            }
        ),
    )


def test_only_the_columns_in_the_file_are_present_and_blank_cells_are_none():
    result = parse_rows(["王芳", "  ", None], header=["姓名", "住址", "性别"])
    row = only_row(result)
    assert row.present == frozenset({"name", "address", "gender"})
    assert (row.address, row.gender, row.phones, row.tags) == (None, None, [], [])


def test_text_is_trimmed_and_a_name_has_its_inner_spaces_collapsed():
    result = parse_rows(["张　三", " 备注 "], ["  Li   Ming ", "\u3000"], header=["姓名", "备注"])
    assert result.errors == []
    assert [(r.name, r.notes) for r in result.rows] == [("张三", "备注"), ("Li Ming", None)]


def test_rows_are_numbered_as_a_person_sees_them_skipping_nothing_but_blank_rows():
    data = xlsx([["台账（2026年）"], [], ["姓名", "性别"], ["甲", "男"], [None, None], ["乙", "女"]])
    result = parse("a.xlsx", data)
    assert [(r.line, r.name) for r in result.rows] == [(4, "甲"), (6, "乙")]
    assert result.warnings == ["表头在第 3 行，上面的 1 行已忽略"]


# ---- dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        datetime(1942, 3, 12),  # a real date cell
        date(1942, 3, 12),
        15412,  # an Excel serial number in a General cell
        15412.0,
        "15412",  # the serial, once it went through a CSV
        "1942-03-12",
        "1942/3/12",
        "1942.3.12",
        "19420312",
        19420312,
        "1942年3月12日",
        "１９４２年３月１２日",
        "1942-03-12 00:00:00",
        " 1942-3-12 ",
    ],
)
def test_every_written_form_of_a_date(cell):
    assert only_row(parse_rows(["甲", cell], header=["姓名", "出生日期"])).birth_date == date(1942, 3, 12)


@pytest.mark.parametrize("cell", ["1942年3月", "1942-03", "1942/3", "1942.03"])
def test_a_month_without_a_day_means_its_first_day(cell):
    assert only_row(parse_rows(["甲", cell], header=["姓名", "出生年月"])).birth_date == date(1942, 3, 1)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1942-02-30", "出生日期「1942-02-30」不是有效日期"),
        ("1942-13-01", "出生日期「1942-13-01」不是有效日期"),
        ("2030-01-01", "出生日期「2030-01-01」晚于今天"),
        (date(2026, 11, 24), "出生日期「2026-11-24」晚于今天"),
        ("1899-12-31", "出生日期「1899-12-31」早于 1900 年"),
        ("去年", "出生日期「去年」无法识别，请写成 1942-03-12 这样的格式"),
        (1942.03, "出生日期「1942.03」是数字，无法确定月份，请写成 1942-03-12 这样的格式"),
    ],
)
def test_a_date_that_cannot_be_or_is_out_of_range_is_a_row_error(cell, reason):
    error = only_error(parse_rows(["甲", cell], header=["姓名", "出生日期"]))
    assert error == RowError(line=2, column="出生日期", message=reason)


def test_today_itself_is_a_valid_date():
    assert only_row(parse_rows(["甲", TODAY], header=["姓名", "出生日期"])).birth_date == TODAY


# ---- phones and tags --------------------------------------------------------------------------------------


def test_several_phones_with_mixed_separators_are_normalised_deduplicated_in_order():
    cell = "+86 138-1234-5678；13987654321、0931-8888888, 13812345678 / 13700000000，(138) 1234 5678"
    row = only_row(parse_rows(["甲", cell], header=["姓名", "手机号"]))
    assert row.phones == ["13812345678", "13987654321", "09318888888", "13700000000"]


def test_phones_separated_only_by_spaces_are_split_but_a_spaced_number_is_kept_whole():
    result = parse_rows(["甲", "13812345678 13987654321"], ["乙", "0086 139 8765 4321"], header=["姓名", "电话"])
    assert result.errors == []
    assert [r.phones for r in result.rows] == [["13812345678", "13987654321"], ["13987654321"]]


def test_a_phone_typed_as_a_number_is_read():
    assert only_row(parse_rows(["甲", 13812345678], header=["姓名", "手机"])).phones == ["13812345678"]


def test_an_unreadable_phone_is_named():
    error = only_error(parse_rows(["甲", "13812345678；1234；打办公室"], header=["姓名", "联系电话"]))
    assert error == RowError(line=2, column="联系电话", message="手机号「1234」「打办公室」不是有效的电话号码")


def test_a_phone_excel_turned_into_scientific_notation_gets_a_hint():
    error = only_error(parse("a.csv", csv_bytes([["姓名", "手机号"], ["甲", "1.38123E+10"]])))
    assert "「1.38123E+10」" in error.message and "文本格式" in error.message


def test_two_phone_columns_are_merged():
    row = only_row(parse_rows(["甲", "13812345678", "0931-8888888"], header=["姓名", "手机", "电话"]))
    assert row.phones == ["13812345678", "09318888888"]


def test_tags_are_split_deduplicated_and_aged_is_dropped_because_it_is_computed():
    row = only_row(parse_rows(["甲", f"独居、{AGED_TAG}；患病 独居，空巢"], header=["姓名", "标签"]))
    assert row.tags == ["独居", "患病", "空巢"]


def test_an_unknown_tag_is_named_with_the_allowed_ones():
    error = only_error(parse_rows(["甲", "独居、孤寡、低保"], header=["姓名", "标签"]))
    assert error.column == "标签"
    assert error.message.startswith("标签「孤寡」「低保」不在可选范围内")
    assert all(tag in error.message for tag in RETIREE_TAGS)


# ---- other kinds of cell ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("男", "男"), ("女性", "女"), ("M", "男"), ("f", "女"), ("Female", "女"), (" 男 ", "男")],
)
def test_gender(cell, expected):
    assert only_row(parse_rows(["甲", cell], header=["姓名", "性别"])).gender == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True), ("Y", True), ("yes", True), ("TRUE", True), (1, True), ("√", True),
        ("中共党员", True), (True, True),
        ("否", False), ("n", False), ("No", False), ("false", False), (0, False), ("群众", False),
        ("", None),
    ],
)  # fmt: skip
def test_party_member(cell, expected):
    assert only_row(parse_rows(["甲", cell], header=["姓名", "是否党员"])).party_member is expected


def test_a_join_date_implies_party_membership_when_the_column_is_absent_or_blank():
    absent = only_row(parse_rows(["甲", "1960-07-01"], header=["姓名", "入党时间"]))
    assert absent.party_member is True and "party_member" in absent.present
    blank = only_row(parse_rows(["甲", None, "1960-07-01"], header=["姓名", "是否党员", "入党日期"]))
    assert blank.party_member is True


def test_a_join_date_with_party_member_no_or_before_birth_is_an_error():
    result = parse_rows(
        ["甲", "否", "1960-07-01", None],
        ["乙", "是", "1930-07-01", "1940-01-01"],
        header=["姓名", "是否党员", "入党时间", "出生日期"],
    )
    assert result.rows == []
    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (2, "入党时间", "填写了入党时间，但是否党员填的是「否」"),
        (3, "入党时间", "入党时间早于出生日期"),
    ]


@pytest.mark.parametrize(("cell", "expected"), [("离休", "离休"), ("退休", "退休"), ("退休干部", "退休")])
def test_retirement_type(cell, expected):
    assert only_row(parse_rows(["甲", cell], header=["姓名", "离退休"])).retirement_type == expected


def test_bad_choices_name_what_is_allowed():
    result = parse_rows(
        ["甲", "未知", "内退", "也许", "abc"], header=["姓名", "性别", "类别", "党员", "编号"]
    )
    assert [(e.column, e.message) for e in result.errors] == [
        ("性别", "性别「未知」无法识别，请填 男 或 女"),
        ("类别", "离退休「内退」无法识别，请填 离休 或 退休"),
        ("党员", "是否党员「也许」无法识别，请填 是 或 否"),
        ("编号", "编号「abc」应为正整数"),
    ]


def test_text_longer_than_its_cap_is_an_error():
    result = parse_rows(["甲", "路" * 201, "注" * 2000], header=["姓名", "住址", "备注"])
    assert only_error(result) == RowError(line=2, column="住址", message="住址不能超过 200 字（现有 201 字）")


def test_placeholders_like_none_count_as_empty():
    row = only_row(parse_rows(["甲", "无", "/", "-"], header=["姓名", "手机号", "住址", "家属姓名"]))
    assert (row.phones, row.address, row.family_name) == ([], None, None)


# ---- every bad row, all at once -----------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_line_not_just_the_first():
    data = xlsx(
        [
            ["姓名", "性别", "手机号", "出生日期"],
            ["甲", "男", "13812345678", "1940-01-01"],
            ["乙", "男人", "13812345678", "1940-01-01"],
            ["丙", "女", None, None],
            ["丁", None, "12", "1940-02-30"],
            [None, None, None, None],
            [None, "女", "13912345678", None],
        ]
    )
    result = parse("a.xlsx", data)
    assert [r.line for r in result.rows] == [2, 4]
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "性别"),
        (5, "手机号"),
        (5, "出生日期"),
        (7, "姓名"),
    ]
    assert result.errors[-1].message == "姓名不能为空"


def test_a_repeated_id_or_name_with_birth_date_is_an_error_on_the_later_line():
    result = parse_rows(
        [1, "甲", "1940-01-01"],
        [2, "乙", "1941-01-01"],
        [1, "丙", "1942-01-01"],
        [None, "乙", date(1941, 1, 1)],
        [None, "丁", None],
        [None, "丁", None],  # no birth date: could be two people
        header=["编号", "姓名", "出生日期"],
    )
    assert [r.line for r in result.rows] == [2, 3, 6, 7]
    assert result.errors == [
        RowError(line=4, column="编号", message="编号 1 与第 2 行重复"),
        RowError(line=5, column="姓名", message="与第 3 行的姓名和出生日期相同，疑似重复录入"),
    ]


# ---- sensitive data (PIPL) ------------------------------------------------------------------------------


@pytest.mark.parametrize("consent", [None, "否", "不同意"])
def test_health_or_family_data_without_separate_consent_is_an_error(consent):
    header = ["姓名", "健康状况", "家属姓名", "家属电话", "同意存储敏感信息"]
    result = parse_rows(
        ["甲", "糖尿病", None, None, consent], ["乙", None, "李四", "13812345678", consent], header=header
    )
    assert result.rows == []
    assert result.errors == [
        RowError(line=2, column="同意存储敏感信息", message=CONSENT_MISSING),
        RowError(line=3, column="同意存储敏感信息", message=CONSENT_MISSING),
    ]
    assert CONSENT_MISSING == "未取得本人单独同意，不能录入健康状况和家属信息"


def test_health_data_in_a_file_without_a_consent_column_is_an_error_on_that_column():
    error = only_error(parse_rows(["甲", "糖尿病"], header=["姓名", "身体状况"]))
    assert error == RowError(line=2, column="身体状况", message=CONSENT_MISSING)


def test_with_consent_sensitive_data_is_read_and_consent_alone_is_fine():
    header = ["姓名", "健康备注", "家属姓名", "与本人关系", "家属电话", "授权同意"]
    result = parse_rows(
        ["甲", "糖尿病", "李四", "儿子", "+86 139 8765 4321", "是"],
        ["乙", None, None, None, None, "否"],
        header=header,
    )
    assert result.errors == []
    first, second = result.rows
    assert (first.health_notes, first.family_name, first.family_relation, first.family_phone) == (
        "糖尿病", "李四", "儿子", "13987654321",
    )  # fmt: skip
    assert (first.sensitive_consent, second.sensitive_consent) == (True, False)


def test_family_details_need_a_family_name_and_a_readable_phone():
    header = ["姓名", "家属姓名", "家属关系", "家属电话", "同意存储敏感信息"]
    result = parse_rows(["甲", None, "儿子", None, "是"], ["乙", "李四", None, "电话坏了", "是"], header=header)
    assert result.errors == [
        RowError(line=2, column="家属姓名", message="填写了家属关系或家属电话，但没有填家属姓名"),
        RowError(line=3, column="家属电话", message="家属电话「电话坏了」不是有效的电话号码"),
    ]


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
    monkeypatch.setattr(roster_io, "MAX_ROWS", 3)
    assert len(parse("a.xlsx", xlsx([["姓名"], ["a"], ["b"], ["c"]])).rows) == 3
    with pytest.raises(RosterFileError, match="一次最多导入 3 行"):
        parse("a.xlsx", xlsx([["姓名"], ["a"], ["b"], ["c"], ["d"]]))


def test_a_csv_in_an_unknown_encoding():
    with pytest.raises(RosterFileError, match="编码"):
        parse("a.csv", b"\xff\xff\xff\x80\x80")


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
