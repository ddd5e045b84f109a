"""Oversized uploads, built in code: spreadsheets that unpack to far more than they weigh.

An .xlsx is a zip of XML; these take a small real workbook and put a hand-written first sheet in it,
streamed into the zip so that building a file never holds its unpacked size in memory.
"""
from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

_SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_FOOT = b"</sheetData></worksheet>"


def _workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_sheet(chunks: Iterable[bytes]) -> bytes:
    """A real workbook whose first sheet's XML is `chunks` (between <sheetData> and </sheetData>)."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            if member.filename != _SHEET:
                archive.writestr(member, source.read(member.filename), zipfile.ZIP_DEFLATED)
                continue
            info = zipfile.ZipInfo(_SHEET, date_time=member.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as sheet:
                sheet.write(_HEAD)
                for chunk in chunks:
                    sheet.write(chunk)
                sheet.write(_FOOT)
    return out.getvalue()


def _text(column: int, row: int, text: str) -> bytes:
    cell = f"{get_column_letter(column)}{row}"
    return f'<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _header_and_one_row(header: str = "姓名", value: str = "张建国") -> Iterator[bytes]:
    yield b'<row r="1">' + _text(1, 1, header) + b"</row>"
    yield b'<row r="2">' + _text(1, 2, value) + b"</row>"


def zip_bomb(unpacked_mb: int = 40) -> bytes:
    """One real row, then `unpacked_mb` MB of empty <row/> elements: ~1000:1 (millions of rows)."""
    def chunks() -> Iterator[bytes]:
        yield from _header_and_one_row()
        block = b"<row/>" * (1 << 17)  # 768 KB
        for _ in range(unpacked_mb * 4 // 3):
            yield block
    return xlsx_with_sheet(chunks())


def blank_rows(count: int = 1_000_000) -> bytes:
    """One real row, then `count` numbered blank rows: they pack only ~7:1, so no ratio catches them."""
    def chunks() -> Iterator[bytes]:
        yield from _header_and_one_row()
        for start in range(3, count + 3, 50_000):
            yield b"".join(b'<row r="%d"/>' % r for r in range(start, min(start + 50_000, count + 3)))
    return xlsx_with_sheet(chunks())


def stray_far_cells(count: int = 100_000) -> bytes:
    """Rows each with one empty styled cell at column XFD (16384): a sheet 16384 columns wide."""
    def chunks() -> Iterator[bytes]:
        yield from _header_and_one_row()
        yield b"".join(b'<row r="%d"><c r="XFD%d" s="0"/></row>' % (r, r) for r in range(3, count + 3))
    return xlsx_with_sheet(chunks())


def wide_sheet(columns: int = 16_384) -> bytes:
    """A header row `columns` wide, every cell filled."""
    def chunks() -> Iterator[bytes]:
        yield b'<row r="1">' + _text(1, 1, "姓名") + b"".join(_text(c, 1, f"列{c}") for c in range(2, columns + 1))
        yield b"</row>"
        yield b'<row r="2">' + _text(1, 2, "张建国") + b"</row>"
    return xlsx_with_sheet(chunks())


def crowded_row(cells: int = 200_000) -> bytes:
    """A row of `cells` numbers without cell references (openpyxl counts them on past column XFD)."""
    numbers = random.Random(7).choices(range(10**6), k=cells)  # numbers, so that it does not pack well
    row = b'<row r="3">' + b"".join(b"<c><v>%d</v></c>" % n for n in numbers) + b"</row>"
    return xlsx_with_sheet([*_header_and_one_row(), row])


def many_merges(count: int = 200_000) -> bytes:
    """After the rows, `count` merged ranges: openpyxl builds an object of each."""
    merges = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (r, r) for r in range(3, count + 3))
    return xlsx_with_sheet([*_header_and_one_row(), b"</sheetData><mergeCells>", merges, b"</mergeCells><sheetData>"])


def huge_cell(characters: int) -> bytes:
    """A cell of `characters` letters that do not pack well (a zip ratio check alone lets it through)."""
    letters = "".join(random.Random(13).choices("abcdefghijklmnopqrstuvwxyz", k=characters))
    return xlsx_with_sheet([*_header_and_one_row(), b'<row r="3">' + _text(1, 3, letters) + b"</row>"])


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
