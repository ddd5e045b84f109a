"""Reading an office calendar file: CSV or JSON, one day a row, as the State Council's notice lists
them. Rows are checked one by one and every bad row is reported in words for office staff.

CSV (UTF-8, also as Excel saves it, or GB18030), with or without a header row; columns in order
date, kind, name, or named 日期/date, 类型/kind, 名称/name in a header:

    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-07,workday,春节调休上班

JSON: a list of {"date", "kind", "name"}, or {"days": [...]} around it.

kind: holiday (also 放假, 休) or workday (also 上班, 班, 补班, 调休上班); name may be empty.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from yinling.models import OUTSIDE_WINDOW_ZH, CalendarDay, in_window
from yinling.sheet_reader import MAX_CELL_CHARS, MAX_COLUMNS

MAX_BYTES = 1 << 20
MAX_ROWS = 2000  # a year has about thirty such days
NAME_MAX = 50
KINDS = {
    "holiday": "holiday", "放假": "holiday", "休": "holiday", "休息": "holiday", "假": "holiday",
    "workday": "workday", "上班": "workday", "班": "workday", "补班": "workday", "调休上班": "workday",
}
_HEADERS = {"date": "date", "日期": "date", "kind": "kind", "类型": "kind", "name": "name", "名称": "name"}
_LABELS = {"date": "日期", "kind": "类型", "name": "名称"}
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class CalendarFileError(ValueError):
    """The file as a whole cannot be read (its problem is said in Chinese)."""


@dataclass(frozen=True)
class RowProblem:
    line: int  # CSV: the file's line; JSON: the item's place in the list, from 1
    column: str | None
    message: str


def parse_day(text: str) -> date | None:
    """2027-01-01, 2027/1/1, 2027.1.1 or 2027年1月1日; None if it is not a real day."""
    match = _DAY.match(text.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_days(filename: str, data: bytes) -> tuple[list[CalendarDay], list[RowProblem]]:
    """The days a file sets, in file order, and the problems of its bad rows (a date given twice is
    one: in a file it is more likely a typo than a change of mind)."""
    if len(data) > MAX_BYTES:
        raise CalendarFileError(f"文件太大，最多 {MAX_BYTES // 1024} KB")
    text = _decode(data).lstrip()
    if not text:
        raise CalendarFileError("文件是空的")
    is_json = filename.lower().endswith(".json") or text[0] in "[{"
    rows = _json_rows(text) if is_json else _csv_rows(text)
    if len(rows) > MAX_ROWS:
        raise CalendarFileError(f"行数太多，最多 {MAX_ROWS} 行")
    days: list[CalendarDay] = []
    problems: list[RowProblem] = []
    seen: dict[date, int] = {}
    for line, cells in rows:
        day, said = check_row(cells)
        problems += [RowProblem(line, column, message) for column, message in said]
        if day is None:
            continue
        if day.day in seen:
            problems.append(RowProblem(line, _LABELS["date"], f"和第 {seen[day.day]} 行是同一天"))
            continue
        seen[day.day] = line
        days.append(day)
    return days, problems


def check_row(cells: dict[str, Any]) -> tuple[CalendarDay | None, list[tuple[str, str]]]:
    """One row's day, or what is wrong with it as (column, message) pairs."""
    said: list[tuple[str, str]] = []
    raw_day = str(cells.get("date") or "").strip()
    day = parse_day(raw_day) if raw_day else None
    if not raw_day:
        said.append((_LABELS["date"], "日期不能空着"))
    elif day is None:
        said.append((_LABELS["date"], "日期应像 2027-01-01，且是真实的日子"))
    elif not in_window(day):
        said.append((_LABELS["date"], OUTSIDE_WINDOW_ZH))
        day = None
    kind = KINDS.get(str(cells.get("kind") or "").strip().lower())
    if kind is None:
        said.append((_LABELS["kind"], "类型只能是 holiday（放假）或 workday（调休上班）"))
    name = str(cells.get("name") or "").strip()
    if len(name) > NAME_MAX:
        said.append((_LABELS["name"], f"名称太长了，最多 {NAME_MAX} 个字"))
    if said or day is None or kind is None:
        return None, said
    return CalendarDay(day=day, kind=kind, name=name), []  # type: ignore[arg-type]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # Excel in Chinese saves CSV this way
    except UnicodeDecodeError:
        raise CalendarFileError("读不出文件的文字，请存成 UTF-8 编码的 CSV 或 JSON") from None


def _json_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: [[[[...]]]] nested past Python's stack
        raise CalendarFileError("不是有效的 JSON") from None
    if isinstance(data, dict):
        data = data.get("days")
    if not isinstance(data, list):
        raise CalendarFileError("JSON 应是一个列表，或带 days 列表的对象")
    rows = []
    for index, item in enumerate(data, start=1):
        rows.append((index, item if isinstance(item, dict) else {}))
    return rows


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    """A record at a time, stopping at the first over a limit: MAX_ROWS rows (blank ones skipped),
    MAX_COLUMNS columns, MAX_CELL_CHARS characters in a cell (1 MB of commas is a million cells)."""
    reader = csv.reader(io.StringIO(text))
    columns: list[str | None] | None = None
    rows = []
    try:
        for line, cells in enumerate(reader, start=1):
            _check_cells(line, cells)
            if columns is None:
                header = [_HEADERS.get(cell.strip().lower()) for cell in cells]
                columns = header if "date" in header else ["date", "kind", "name"]
                if "date" in header:
                    continue
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            rows.append((line, {column: cell for column, cell in zip(columns, cells, strict=False) if column}))
            if len(rows) > MAX_ROWS:
                raise CalendarFileError(f"行数太多，最多 {MAX_ROWS} 行")
    except csv.Error as exc:
        raise CalendarFileError(
            f"CSV 文件格式有误（第 {reader.line_num} 行），或有一格超过 {MAX_CELL_CHARS} 字") from exc
    return rows


def _check_cells(line: int, cells: list[str]) -> None:
    if len(cells) > MAX_COLUMNS and any(cell.strip() for cell in cells[MAX_COLUMNS:]):
        raise CalendarFileError(f"列数太多：第 {line} 行超过 {MAX_COLUMNS} 列")
    if (longest := max((len(cell) for cell in cells), default=0)) > MAX_CELL_CHARS:
        raise CalendarFileError(f"第 {line} 行有一格太长（{longest} 字），每格最多 {MAX_CELL_CHARS} 字")
