"""An uploaded roster (台账, .xlsx or .csv) -> checked rows, and every bad row with its reason.

`parse_roster` finds the header (a title row or two above it is common), reads each row's cells
(yinling/roster_cells.py), checks the rules across cells (a name; party membership; family contact;
PIPL consent for health and family data) and repeats within the file, and reports every bad row with
the line number a person sees and the column as written in the file, in Chinese; the caller decides
what to do (all-or-nothing). Pure functions over bytes: no database, no files, no network.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from yinling import sheet_reader
from yinling.models import Frozen, Gender, RetirementType
from yinling.roster_cells import CellError, cell_text, field_parsers, is_blank
from yinling.roster_columns import BY_FIELD, HEADER_INDEX, SENSITIVE_DATA, Column, header_key
from yinling.sheet_reader import ONLY_XLSX_OR_CSV, Rows, TableFileError

MAX_ROWS = 20_000
CONSENT_MISSING = "未取得本人单独同意，不能录入健康状况和家属信息"
_HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common; look this far for it


# ---- the public shapes ------------------------------------------------------------------------------


class ImportRow(Frozen):
    """One valid data row. `present` names the fields that had a column in the file (plus
    `party_member` when a join date implied it), so an update only touches those."""

    line: int
    id: int | None = None
    name: str
    gender: Gender | None = None
    birth_date: date | None = None
    phones: list[str] = Field(default_factory=list)
    address: str | None = None
    former_unit: str | None = None
    former_post: str | None = None
    retirement_type: RetirementType | None = None
    party_member: bool | None = None
    party_join_date: date | None = None
    liaison: str | None = None
    tags: list[str] = Field(default_factory=list)
    hobbies: str | None = None
    notes: str | None = None
    health_notes: str | None = None
    family_name: str | None = None
    family_relation: str | None = None
    family_phone: str | None = None
    sensitive_consent: bool | None = None
    present: frozenset[str] = frozenset()


class RowError(Frozen):
    line: int
    column: str | None  # the header as written in the file
    message: str  # for office staff, in Chinese


class ParsedRoster(BaseModel):
    rows: list[ImportRow] = Field(default_factory=list)
    errors: list[RowError] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


RosterFileError = TableFileError  # the file as a whole is unusable; the message is for office staff


# ---- reading the file into rows (limits and the streaming read: yinling/sheet_reader.py) -------------

_Rows = Rows  # (line a person sees, cell values), blank rows left out


def read_table(filename: str, data: bytes, *, allowed: str = ONLY_XLSX_OR_CSV, max_rows: int | None = None,
               too_many: str | None = None) -> _Rows:
    """The non-blank rows of an .xlsx (its first sheet) or .csv file, with the line a person sees;
    a row of placeholders such as 无 is blank. At most `max_rows` data rows (default MAX_ROWS), with
    room for title rows above the header; more is RosterFileError(`too_many`). `allowed` is what to
    say of any other kind of file. Other imports (study pieces) read through it."""
    limit = MAX_ROWS if max_rows is None else max_rows
    return sheet_reader.read_table(filename, data, allowed=allowed, max_rows=limit + _HEADER_SEARCH_ROWS,
                                   too_many=too_many or str(_too_many_rows()), is_blank=is_blank)


def _too_many_rows() -> RosterFileError:
    return RosterFileError(f"一次最多导入 {MAX_ROWS} 行，请分批导入")


# ---- the header -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Layout:
    indexes: dict[str, list[int]]  # field -> the file's column positions (手机号 may come twice)
    labels: dict[str, str]  # field -> its header as written in the file
    warnings: list[str]

    def cell(self, values: Sequence[object], field: str) -> object:
        cells = [values[i] for i in self.indexes[field] if i < len(values)]
        if len(cells) <= 1:
            return cells[0] if cells else None
        return "；".join(text for c in cells if (text := cell_text(c)) is not None) or None


def _find_header(rows: _Rows) -> tuple[int, _Layout]:
    """The first row (among the first few) that has a 姓名 column; rows above it are titles."""
    if not rows:
        raise RosterFileError("文件是空的，没有找到任何内容")
    for position, (_, values) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(_column_for(value) is BY_FIELD["name"] for value in values):
            return position, _layout_of(values)
    raise RosterFileError("找不到「姓名」列，请确认表头（第一行）里有「姓名」")


def _column_for(value: object) -> Column | None:
    text = cell_text(value)
    return None if text is None else HEADER_INDEX.get(header_key(text))


def _layout_of(header: Sequence[object]) -> _Layout:
    layout = _Layout(indexes={}, labels={}, warnings=[])
    for index, value in enumerate(header):
        text = cell_text(value)
        if text is None:
            continue
        column = _column_for(value)
        if column is None:
            layout.warnings.append(f"未识别的列「{text}」，已忽略")
        elif not column.computed:
            if column.field in layout.indexes and column.field != "phones":
                raise RosterFileError(
                    f"「{layout.labels[column.field]}」和「{text}」都是「{column.header}」列，请只保留一列"
                )
            layout.indexes.setdefault(column.field, []).append(index)
            layout.labels.setdefault(column.field, text)
    return layout


# ---- rows -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _RowDraft:
    line: int
    values: dict[str, object]
    filled: set[str]  # fields whose cell was not empty
    failed: set[str]  # fields whose cell could not be read
    errors: list[RowError]
    implied: set[str]

    def error(self, layout: _Layout, field: str | None, message: str) -> None:
        column = layout.labels.get(field) if field else None
        self.errors.append(RowError(line=self.line, column=column, message=message))


def _read_cells(line: int, values: Sequence[object], layout: _Layout, parsers) -> _RowDraft:
    draft = _RowDraft(line, {}, set(), set(), [], set())
    for field in layout.indexes:
        raw = layout.cell(values, field)
        if cell_text(raw) is not None:
            draft.filled.add(field)
        try:
            draft.values[field] = parsers[field](raw)
        except CellError as exc:
            draft.failed.add(field)
            draft.error(layout, field, f"{BY_FIELD[field].header}{exc}")
    return draft


def _check_row(draft: _RowDraft, layout: _Layout) -> None:
    """Rules across cells: a name, party membership, family contact, PIPL consent."""
    values = draft.values
    if "name" not in draft.failed and not values.get("name"):
        draft.error(layout, "name", "姓名不能为空")
    _check_party(draft, layout)
    if {"family_relation", "family_phone"} & draft.filled and "family_name" not in draft.filled:
        field = "family_name" if "family_name" in layout.labels else "family_relation"
        draft.error(layout, field, "填写了家属关系或家属电话，但没有填家属姓名")
    carried = [field for field in SENSITIVE_DATA if field in draft.filled]
    if carried and "sensitive_consent" not in draft.failed and values.get("sensitive_consent") is not True:
        field = "sensitive_consent" if "sensitive_consent" in layout.labels else carried[0]
        draft.error(layout, field, CONSENT_MISSING)


def _check_party(draft: _RowDraft, layout: _Layout) -> None:
    values = draft.values
    joined = values.get("party_join_date")
    if joined is None:
        return
    if values.get("party_member") is False:
        draft.error(layout, "party_join_date", "填写了入党时间，但是否党员填的是「否」")
    elif "party_member" not in draft.failed:
        values["party_member"] = True
        draft.implied.add("party_member")
    birth = values.get("birth_date")
    if isinstance(birth, date) and isinstance(joined, date) and joined < birth:
        draft.error(layout, "party_join_date", "入党时间早于出生日期")


class _Duplicates:
    """Same 编号, or same 姓名 + 出生日期, as an earlier row: an error on the later line."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}
        self.people: dict[tuple[str, date], int] = {}

    def check(self, draft: _RowDraft, layout: _Layout) -> None:
        retiree_id = draft.values.get("id")
        if isinstance(retiree_id, int) and (first := self.ids.setdefault(retiree_id, draft.line)) != draft.line:
            draft.error(layout, "id", f"编号 {retiree_id} 与第 {first} 行重复")
        name, birth = draft.values.get("name"), draft.values.get("birth_date")
        if (isinstance(name, str) and isinstance(birth, date)
                and (first := self.people.setdefault((name, birth), draft.line)) != draft.line):
            draft.error(layout, "name", f"与第 {first} 行的姓名和出生日期相同，疑似重复录入")


def _parse_rows(rows: _Rows, today: date) -> ParsedRoster:
    position, layout = _find_header(rows)
    data_rows = rows[position + 1 :]
    if not data_rows:
        raise RosterFileError("表格里只有表头，没有数据行")
    if len(data_rows) > MAX_ROWS:
        raise _too_many_rows()
    warnings_ = list(layout.warnings)
    if position:
        warnings_.insert(0, f"表头在第 {rows[position][0]} 行，上面的 {position} 行已忽略")
    parsers = field_parsers(today)
    duplicates = _Duplicates()
    result = ParsedRoster(warnings=warnings_)
    present = frozenset(layout.indexes)
    for line, values in data_rows:
        draft = _read_cells(line, values, layout, parsers)
        _check_row(draft, layout)
        duplicates.check(draft, layout)
        if draft.errors:
            result.errors.extend(draft.errors)
        else:
            result.rows.append(ImportRow.model_validate(
                {"line": line, **draft.values, "present": present | draft.implied}))
    return result


def parse_roster(filename: str, data: bytes, *, today: date | None = None) -> ParsedRoster:
    """Every valid row and every bad row's reasons; RosterFileError when the file as a whole is
    unusable. `today` bounds dates (none may be in the future); by default the system date."""
    return _parse_rows(read_table(filename, data), today or date.today())
