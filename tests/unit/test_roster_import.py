"""Reading a roster file's rows and cells: every form a value is written in, and every bad row named."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.roster_sheets import TODAY, csv_bytes, only_error, only_row, parse, parse_rows, xlsx
from yinling.models import AGED_TAG, RETIREE_TAGS
from yinling.roster_columns import TEMPLATE_HEADERS
from yinling.roster_import import CONSENT_MISSING, ImportRow, RowError

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
