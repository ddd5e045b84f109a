"""Oversized uploads to every import answer 422 naming what was too big, and change nothing.

The files (tests/oversized.py) are small uploads that unpack to far more; what refusing them costs in
memory is measured in tests/unit/test_import_memory.py."""
from __future__ import annotations

import io

import pytest
from aiohttp import FormData

from tests import oversized

ROSTER, STUDY, CALENDAR = "/api/v1/retirees/import", "/api/v1/study/pieces/import", "/api/v1/calendar/import"


async def upload(client, path: str, name: str, data: bytes):
    form = FormData()
    form.add_field("file", io.BytesIO(data), filename=name)  # raw bytes over 1 MB: aiohttp warns
    return await client.post(path, data=form)


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return {
        "bomb": oversized.zip_bomb(20),
        "blank rows": oversized.blank_rows(1_000_000),
        "wide": oversized.wide_sheet(16_384),
        "huge cell": oversized.huge_cell(1 << 20),
        "long cell": oversized.xlsx_with_sheet([
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c>'
            b'<c r="B1" t="inlineStr"><is><t>\xe5\xa4\x87\xe6\xb3\xa8</t></is></c></row>',  # 姓名, 备注
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c>'
            b'<c r="B2" t="inlineStr"><is><t>' + b"x" * 2001 + b"</t></is></c></row>"]),
    }


@pytest.mark.parametrize(("file", "said"), [
    ("bomb", "压缩比异常（xl/worksheets/sheet1.xml 解压后是压缩时的"),
    ("blank rows", "表格的行数太多（含空行超过 200000 行）"),
    ("wide", "表格的列数太多：第 1 行超过 60 列"),
    ("huge cell", "表格里有一格内容太长（超过 128 KB）"),
    ("long cell", "第 2 行 B 列的内容太长（2001 字），每格最多 2000 字"),
])
async def test_an_oversized_roster_is_refused_naming_what_was_too_big(as_admin, db, files, file, said):
    before = await db.fetch_value("SELECT count(*) FROM retirees")
    resp = await upload(as_admin, ROSTER, "台账.xlsx", files[file])
    assert resp.status == 422, await resp.text()
    assert said in (await resp.json())["error"]["fields"]["file"]
    assert await db.fetch_value("SELECT count(*) FROM retirees") == before


async def test_oversized_study_files_are_refused(as_admin, db, files):
    for name, data, said in (("学习.xlsx", files["bomb"], "压缩比异常"),
                             ("学习.xlsx", files["wide"], "列数太多"),
                             ("学习.json", b"[" + b"{}," * 3_000_000 + b"{}]", "JSON 文件里的项太多"),
                             ("学习.csv", ("标题,正文\n" + "题,文\n" * 2001).encode(), "一次最多导入 2000 篇")):
        resp = await upload(as_admin, STUDY, name, data)
        assert resp.status == 422, (name, await resp.text())
        assert said in (await resp.json())["error"]["fields"]["file"], name
    assert await db.fetch_value("SELECT count(*) FROM study_pieces") == 0


async def test_oversized_calendar_files_are_refused(as_admin, db):
    for data, said in ((b"2027-01-01,holiday," + b"x," * 400_000, "列数太多：第 1 行超过 60 列"),
                       (b"2027-01-01,holiday," + b"x" * 100_000, "第 1 行有一格太长（100000 字），每格最多 2000 字"),
                       (b"2027-01-01,holiday," + b"x" * 200_000, "有一格超过 2000 字"),
                       (b"2027-01-01,holiday,x\n" * 2001, "行数太多，最多 2000 行")):
        resp = await upload(as_admin, CALENDAR, "日历.csv", data)
        assert resp.status == 422, await resp.text()
        assert said in (await resp.json())["error"]["fields"]["file"]
    assert await db.fetch_value("SELECT count(*) FROM office_calendar") == 0
