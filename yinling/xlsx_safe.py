"""Cells for every .xlsx the product writes (the roster, an activity's registration list ...).

Whatever a retiree or staff member typed may start like a formula: `=HYPERLINK(...)`, `+1`, `-2`,
`@SUM(...)`, or a tab or carriage return before one (the CSV/formula-injection starts OWASP lists).
Such text is written as a text cell with Excel's quote prefix (what typing a leading ' does): it
shows and stays the words typed, in Excel and WPS, even when someone edits the cell, and never runs.
The value itself is not changed, so an exported roster still imports back as it was. Characters no
.xlsx may hold (control characters) are dropped instead of failing the whole file.

Use `safe_row` (or `safe_cell`) for every row a sheet appends that holds anything typed by a person.
"""
from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(sheet, value: object) -> object:
    """`value` as a write-only sheet should take it: text that looks like a formula becomes a text
    cell with the quote prefix; anything else is returned as it is (openpyxl's fast path)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would take a leading = for a formula
    cell.quotePrefix = True  # and Excel would, on editing, take any of FORMULA_STARTS for one
    return cell


def safe_row(sheet, values: Iterable[object]) -> list[object]:
    return [safe_cell(sheet, value) for value in values]
