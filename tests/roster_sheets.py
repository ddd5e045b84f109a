"""Roster spreadsheets built in code for the tests (never committed as binaries), and reading them."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook

from yinling.roster_import import ImportRow, ParsedRoster, RowError, parse_roster

TODAY = date(2026, 11, 23)


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
