"""Reading an uploaded table within limits: what is refused (and said), and what is skipped cheaply.

The peak memory of refusing the worst files is measured in tests/unit/test_import_memory.py."""
from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from tests import oversized
from yinling.roster_io import RosterFileError, parse_roster
from yinling.sheet_reader import MAX_CELL_CHARS, MAX_COLUMNS, MAX_MEMBERS, MAX_ROW_ELEMENTS

TODAY = date(2026, 11, 23)


def parse(filename: str, data: bytes):
    return parse_roster(filename, data, today=TODAY)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue().encode()


# ---- unpacking: refused before openpyxl opens the file -----------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory():
    with pytest.raises(RosterFileError, match=r"压缩比异常（xl/worksheets/sheet1\.xml 解压后是压缩时的 \d+ 倍）"):
        parse("台账.xlsx", oversized.zip_bomb(8))


def test_a_part_over_its_unpacked_size_is_refused_naming_it():
    data = io.BytesIO(oversized.blank_rows(10))
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("xl/styles2.xml", b"<a>" + b"x" * (5 << 20) + b"</a>", zipfile.ZIP_STORED)
    with pytest.raises(RosterFileError, match=r"其中 xl/styles2\.xml 有 5 MB，最多 4 MB"):
        parse("台账.xlsx", data.getvalue())


def test_a_part_is_taken_for_xml_by_what_it_holds_not_by_its_name():
    """openpyxl opens whatever part a link names: XML called image1.png is capped as XML; a picture is not."""
    def with_member(name: str, content: bytes) -> bytes:
        data = io.BytesIO(oversized.blank_rows(10))
        with zipfile.ZipFile(data, "a") as archive:
            archive.writestr(name, content, zipfile.ZIP_STORED)
        return data.getvalue()

    picture = b"\x89PNG\r\n\x1a\n" + random.Random(5).randbytes(5 << 20)
    assert [row.name for row in parse("台账.xlsx", with_member("xl/media/image1.png", picture)).rows] == ["张建国"]
    with pytest.raises(RosterFileError, match=r"其中 xl/media/image1\.png 有 5 MB，最多 4 MB"):
        parse("台账.xlsx", with_member("xl/media/image1.png", b"<a>" + b"x" * (5 << 20) + b"</a>"))


def test_a_zip_of_many_members_is_refused():
    data = io.BytesIO(xlsx([["姓名"], ["张建国"]]))
    with zipfile.ZipFile(data, "a") as archive:
        for number in range(MAX_MEMBERS):
            archive.writestr(f"junk/{number}", b"")
    with pytest.raises(RosterFileError, match=f"部件太多.*最多 {MAX_MEMBERS} 个"):
        parse("台账.xlsx", data.getvalue())


def test_a_part_that_unpacks_past_its_declared_size_is_a_damaged_file():
    """zipfile stops at the size the directory declares and fails the CRC: no bomb behind a small number."""
    data = bytearray(oversized.blank_rows(100_000))  # 1.6 MB of rows
    entry = data.index(b"PK\x01\x02")  # the central directory's entries: sizes at +20, name at +46
    while data[entry + 46:entry + 70] != b"xl/worksheets/sheet1.xml":
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24:entry + 28] = (300_000).to_bytes(4, "little")  # says it unpacks to 300 KB
    with pytest.raises(RosterFileError, match="文件可能已损坏"):
        parse("台账.xlsx", bytes(data))


def test_a_million_blank_rows_are_refused_by_counting_them():
    with pytest.raises(RosterFileError, match=f"行数太多（含空行超过 {MAX_ROW_ELEMENTS} 行）"):
        parse("台账.xlsx", oversized.blank_rows(MAX_ROW_ELEMENTS + 10))


def test_a_row_of_too_many_cells_and_a_flood_of_merged_ranges_are_refused():
    with pytest.raises(RosterFileError, match="有一处的内容太多"):
        parse("台账.xlsx", oversized.crowded_row(60_000))
    with pytest.raises(RosterFileError, match="有一处的内容太多"):
        parse("台账.xlsx", oversized.many_merges(60_000))


def test_a_text_far_longer_than_any_cell_is_refused_before_it_is_parsed():
    with pytest.raises(RosterFileError, match="有一格内容太长（超过 128 KB）"):
        parse("台账.xlsx", oversized.huge_cell(300_000))


# ---- rows, columns and cells ------------------------------------------------------------------------


def test_a_value_past_the_last_column_is_refused_naming_the_row():
    at_limit = ["姓名", *[None] * (MAX_COLUMNS - 2), "备注"]
    assert parse("a.xlsx", xlsx([at_limit, ["张建国", *[None] * (MAX_COLUMNS - 2), "好"]])).rows[0].notes == "好"
    with pytest.raises(RosterFileError, match=f"列数太多：第 2 行超过 {MAX_COLUMNS} 列"):
        parse("a.xlsx", xlsx([["姓名"], ["张建国", *[None] * (MAX_COLUMNS - 1), "多出来的"]]))
    with pytest.raises(RosterFileError, match=f"列数太多：第 1 行超过 {MAX_COLUMNS} 列"):
        parse("a.xlsx", oversized.wide_sheet(200))


def test_a_cell_over_the_limit_is_refused_naming_row_and_column():
    header = ["姓名", "备注"]
    assert parse("a.xlsx", xlsx([header, ["张建国", "字" * MAX_CELL_CHARS]])).rows[0].notes == "字" * MAX_CELL_CHARS
    too_long = f"第 3 行 B 列的内容太长（{MAX_CELL_CHARS + 1} 字），每格最多 {MAX_CELL_CHARS} 字"
    with pytest.raises(RosterFileError, match=too_long):
        parse("a.xlsx", xlsx([header, ["张建国", "好"], ["李四", "字" * (MAX_CELL_CHARS + 1)]]))
    with pytest.raises(RosterFileError, match=f"第 2 行 B 列的内容太长（{MAX_CELL_CHARS + 1} 字）"):
        parse("a.csv", csv_bytes([header, ["张建国", "字" * (MAX_CELL_CHARS + 1)]]))


def test_trailing_blank_rows_are_not_data_and_cost_nothing_per_cell():
    """Formatted blank rows, stray empty cells out at column XFD, a last row at 1048576: one person."""
    def chunks():
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c></row>'
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>\xe5\xbc\xa0\xe5\xbb\xba\xe5\x9b\xbd</t></is></c></row>'
        yield b"".join(b'<row r="%d" s="1" customFormat="1"><c r="XFD%d" s="1"/></row>' % (r, r)
                       for r in range(3, 50_000))
        yield b'<row r="1048576"><c r="B1048576" t="inlineStr"><is><t> </t></is></c></row>'
    result = parse("台账.xlsx", oversized.xlsx_with_sheet(chunks()))
    assert [(row.line, row.name) for row in result.rows] == [(2, "张建国")]


def test_a_csv_with_a_long_blank_tail_is_read_and_blank_rows_then_data_are_refused():
    head = "姓名,性别\r\n张建国,男\r\n"
    assert len(parse("a.csv", (head + ",,\r\n" * (MAX_ROW_ELEMENTS + 5)).encode()).rows) == 1
    with pytest.raises(RosterFileError, match=f"行数太多（含空行超过 {MAX_ROW_ELEMENTS} 行）"):
        parse("a.csv", (head + "\r\n" * MAX_ROW_ELEMENTS + "李四,女\r\n").encode())


def test_a_csv_field_past_the_csv_modules_limit_is_named_too_long():
    with pytest.raises(RosterFileError, match=f"第 2 行有一格内容太长；每格最多 {MAX_CELL_CHARS} 字"):
        parse("a.csv", ("姓名,备注\n张建国," + "x" * 200_000 + "\n").encode())


def test_a_wide_csv_is_refused_and_empty_cells_past_the_last_column_are_not_counted():
    assert len(parse("a.csv", ("姓名\n张建国" + "," * 10_000 + "\n").encode()).rows) == 1
    with pytest.raises(RosterFileError, match=f"第 1 行超过 {MAX_COLUMNS} 列"):
        parse("a.csv", ",".join(["姓名", *(f"列{i}" for i in range(100))]).encode())
