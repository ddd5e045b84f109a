"""The roster (台账) as offices keep it in Excel: read an uploaded .xlsx/.csv, write an .xlsx back.

`parse_roster` turns a file into checked rows and reports every bad row with its reason (in Chinese,
with the line number a person sees); the caller decides what to do (all-or-nothing). `export_roster`
writes records in the same layout, so export -> edit -> re-import round-trips. Pure functions over
bytes: no database, no files, no network.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from pydantic import BaseModel, Field

from yinling import sheet_reader
from yinling.models import (
    AGED_TAG,
    RETIREE_TAGS,
    Frozen,
    Gender,
    RetireeRecord,
    RetirementType,
    age_on,
    is_aged,
)
from yinling.phones import normalize_phone
from yinling.sheet_reader import ONLY_XLSX_OR_CSV, Rows, TableFileError
from yinling.xlsx_safe import safe_cell

MAX_ROWS = 20_000
SHEET_TITLE = "台账"
CONSENT_MISSING = "未取得本人单独同意，不能录入健康状况和家属信息"


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


# ---- the columns ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Column:
    field: str  # the ImportRow attribute; for computed columns, a name used only here
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 12
    sensitive: bool = False  # PIPL: exported only on request, needs separate consent
    computed: bool = False  # export-only, ignored on import
    is_date: bool = False


_COLUMNS: tuple[_Column, ...] = (
    _Column("id", "编号", ("ID",), width=8),
    _Column("name", "姓名", width=10),
    _Column("gender", "性别", width=6),
    _Column("birth_date", "出生日期", ("出生年月", "生日"), is_date=True),
    _Column("age", "年龄", width=6, computed=True),
    _Column("phones", "手机号", ("手机", "电话", "联系电话", "手机号码"), width=28),
    _Column("address", "住址", ("地址", "家庭住址"), width=36),
    _Column("former_unit", "原单位", ("原工作单位", "单位"), width=24),
    _Column("former_post", "原职务", ("职务",), width=14),
    _Column("retirement_type", "离退休", ("离休/退休", "类别"), width=8),
    _Column("party_member", "是否党员", ("党员",), width=9),
    _Column("party_join_date", "入党时间", ("入党日期",), is_date=True),
    _Column("liaison", "联系干部", ("联系人", "一对一联系干部"), width=10),
    _Column("tags", "标签", width=18),
    _Column("aged", "是否高龄", width=9, computed=True),
    _Column("hobbies", "兴趣特长", ("爱好", "特长"), width=20),
    _Column("notes", "备注", width=30),
    _Column("health_notes", "健康状况", ("健康备注", "身体状况"), width=30, sensitive=True),
    _Column("family_name", "家属姓名", width=10, sensitive=True),
    _Column("family_relation", "家属关系", ("与本人关系",), width=9, sensitive=True),
    _Column("family_phone", "家属电话", width=16, sensitive=True),
    _Column("sensitive_consent", "同意存储敏感信息", ("敏感信息授权", "授权同意"), width=16, sensitive=True),
)
_BY_FIELD = {column.field: column for column in _COLUMNS}
TEMPLATE_HEADERS: tuple[str, ...] = tuple(c.header for c in _COLUMNS if not c.computed)

_SENSITIVE_DATA = ("health_notes", "family_name", "family_relation", "family_phone")
_TEXT_LIMITS = {
    "address": 200,
    "former_unit": 100,
    "former_post": 100,
    "liaison": 50,
    "hobbies": 500,
    "notes": 2000,
    "health_notes": 2000,
    "family_name": 50,
    "family_relation": 20,
}
_NAME_LIMIT = 50
_HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common; look this far for it
_REQUIRED_MARK = re.compile(r"(?:\*|\(必填\))+$")


def _header_key(text: str) -> str:
    """'  姓名（必填）' / '姓　名*' / 'ID' -> a key to look up: NFKC, no spaces, no required mark, casefold."""
    key = "".join(unicodedata.normalize("NFKC", text).split())
    return _REQUIRED_MARK.sub("", key).casefold()


def _header_index() -> dict[str, _Column]:
    index: dict[str, _Column] = {}
    for column in _COLUMNS:
        for label in (column.header, *column.aliases):
            key = _header_key(label)
            assert key not in index, f"header {label!r} is claimed twice"
            index[key] = column
    return index


_HEADER_INDEX = _header_index()


# ---- cells ------------------------------------------------------------------------------------------

_EDGE_SPACE = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")
_PLACEHOLDERS = frozenset({"无", "暂无", "/", "-", "—", "——", "－"})


class _CellError(ValueError):
    """A reason that reads after the column name: '「X」无法识别' -> '性别「X」无法识别'."""


def _cell_text(raw: object) -> str | None:
    """The trimmed text of a cell; None when it is empty, only spaces, or a placeholder like 无."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))  # phone numbers and ids typed as numbers
    elif isinstance(raw, datetime):
        text = raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    elif isinstance(raw, date):
        text = raw.isoformat()
    else:
        text = str(raw)
    text = _EDGE_SPACE.sub("", text)
    return None if not text or text in _PLACEHOLDERS else text


def _is_blank(values: Sequence[object]) -> bool:
    return all(_cell_text(value) is None for value in values)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


# ---- field parsers: raw cell -> value, or _CellError ---------------------------------------------------


def _parse_text(limit: int) -> Callable[[object], str | None]:
    def parse(raw: object) -> str | None:
        text = _cell_text(raw)
        if text is not None and len(text) > limit:
            raise _CellError(f"不能超过 {limit} 字（现有 {len(text)} 字）")
        return text

    return parse


_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def _parse_name(raw: object) -> str | None:
    """Inner whitespace collapsed; the padding some sheets put inside two-character names
    ('张　三') is dropped."""
    text = _cell_text(raw)
    if text is None:
        return None
    name = _CJK_GAP.sub("", " ".join(text.split()))
    if len(name) > _NAME_LIMIT:
        raise _CellError(f"不能超过 {_NAME_LIMIT} 字（现有 {len(name)} 字）")
    return name


def _parse_id(raw: object) -> int | None:
    text = _cell_text(raw)
    if text is None:
        return None
    if isinstance(raw, bool) or not text.isdigit() or int(text) <= 0:
        raise _CellError(f"「{text}」应为正整数")
    return int(text)


_GENDERS: dict[str, Gender] = {
    "男": "男", "男性": "男", "m": "男", "male": "男",
    "女": "女", "女性": "女", "f": "女", "female": "女",
}  # fmt: skip


def _parse_gender(raw: object) -> Gender | None:
    text = _cell_text(raw)
    if text is None:
        return None
    if (gender := _GENDERS.get(_folded(text))) is None:
        raise _CellError(f"「{text}」无法识别，请填 男 或 女")
    return gender


_RETIREMENT_TYPES: dict[str, RetirementType] = {
    "离休": "离休", "离休干部": "离休", "退休": "退休", "退休干部": "退休",
}  # fmt: skip


def _parse_retirement_type(raw: object) -> RetirementType | None:
    text = _cell_text(raw)
    if text is None:
        return None
    if (kind := _RETIREMENT_TYPES.get(_folded(text))) is None:
        raise _CellError(f"「{text}」无法识别，请填 离休 或 退休")
    return kind


_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "中共党员", "党员", "同意"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "群众", "非党员", "不同意"})


def _parse_bool(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = _cell_text(raw)
    if text is None:
        return None
    folded = _folded(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise _CellError(f"「{text}」无法识别，请填 是 或 否")


# -- dates

_EARLIEST = date(1900, 1, 1)
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_HINT = "请写成 1942-03-12 这样的格式"


def _parse_date(today: date) -> Callable[[object], date | None]:
    def parse(raw: object) -> date | None:
        value = _read_date(raw)
        if value is None:
            return None
        if value < _EARLIEST:
            raise _CellError(f"「{value.isoformat()}」早于 1900 年")
        if value > today:
            raise _CellError(f"「{value.isoformat()}」晚于今天")
        return value

    return parse


def _read_date(raw: object) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _date_from_number(raw)
    text = _cell_text(raw)
    return None if text is None else _date_from_text(unicodedata.normalize("NFKC", text))


def _date_from_number(number: float) -> date:
    """An Excel serial (15412 = 1942-03-12), or 19420312 typed as a number."""
    if not math.isfinite(number):
        raise _CellError(f"「{number}」无法识别，{_DATE_HINT}")
    if not float(number).is_integer() and 1900 <= number < 2100:
        # 1942.03 typed into a number cell: Excel already lost whether it was March or October
        raise _CellError(f"「{number}」是数字，无法确定月份，{_DATE_HINT}")
    whole = int(number)
    if 10_000_000 <= whole <= 99_999_999:
        return _date_from_text(str(whole))
    if not 1 <= whole <= 2_958_465:  # 9999-12-31
        raise _CellError(f"「{number}」无法识别，{_DATE_HINT}")
    return from_excel(whole).date()


def _date_from_text(text: str) -> date:
    if text.isdigit() and len(text) <= 5:
        return _date_from_number(int(text))  # a serial that lost its date format (e.g. via CSV)
    match = _DATE_COMPACT.match(text) or _DATE_TEXT.match(text)
    if match is None:
        raise _CellError(f"「{text}」无法识别，{_DATE_HINT}")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        return date(int(year), int(month), int(day) if day else 1)
    except ValueError:
        raise _CellError(f"「{text}」不是有效日期") from None


# -- phones and tags

_PHONE_SEPARATORS = re.compile(r"[;；、,，/\r\n]+")
_SCIENTIFIC = re.compile(r"\d[eE]\+?\d")


def _parse_phones(raw: object) -> list[str]:
    text = _cell_text(raw)
    if text is None:
        return []
    phones: list[str] = []
    unreadable: list[str] = []
    for piece in _PHONE_SEPARATORS.split(text):
        piece = piece.strip()
        if not piece or piece in _PLACEHOLDERS:
            continue
        numbers = _phones_in(piece)
        if numbers:
            phones.extend(numbers)
        else:
            unreadable.append(piece)
    if unreadable:
        raise _CellError(_bad_phone_reason(unreadable))
    return list(dict.fromkeys(phones))


def _phones_in(piece: str) -> list[str]:
    """'+86 138 1234 5678' is one number; '13812345678 13987654321' is two. [] when unreadable."""
    if whole := normalize_phone(piece):
        return [whole]
    parts = piece.split()
    numbers = [normalize_phone(part) for part in parts]
    return [n for n in numbers if n] if len(parts) > 1 and all(numbers) else []


def _bad_phone_reason(pieces: list[str]) -> str:
    quoted = "".join(f"「{piece}」" for piece in pieces)
    hint = "（号码被 Excel 当成了数字，请把该列设为文本格式）" if any(_SCIENTIFIC.search(p) for p in pieces) else ""
    return f"{quoted}不是有效的电话号码{hint}"


def _parse_family_phone(raw: object) -> str | None:
    text = _cell_text(raw)
    if text is None:
        return None
    if (phone := normalize_phone(text)) is None:
        raise _CellError(_bad_phone_reason([text]))
    return phone


_TAG_SEPARATORS = re.compile(r"[;；、,，\s]+")


def _parse_tags(raw: object) -> list[str]:
    """Allowed tags only; 高龄 is dropped, since it is computed from the birth date."""
    text = _cell_text(raw)
    if text is None:
        return []
    tags = [tag for tag in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", text)) if tag]
    unknown = [tag for tag in tags if tag not in RETIREE_TAGS and tag != AGED_TAG]
    if unknown:
        quoted = "".join(f"「{tag}」" for tag in dict.fromkeys(unknown))
        raise _CellError(f"{quoted}不在可选范围内（可选：{'、'.join(RETIREE_TAGS)}）")
    return list(dict.fromkeys(tag for tag in tags if tag != AGED_TAG))


def _field_parsers(today: date) -> dict[str, Callable[[object], object]]:
    parsers: dict[str, Callable[[object], object]] = {
        field: _parse_text(limit) for field, limit in _TEXT_LIMITS.items()
    }
    parsers.update(
        id=_parse_id,
        name=_parse_name,
        gender=_parse_gender,
        birth_date=_parse_date(today),
        party_join_date=_parse_date(today),
        phones=_parse_phones,
        retirement_type=_parse_retirement_type,
        party_member=_parse_bool,
        sensitive_consent=_parse_bool,
        tags=_parse_tags,
        family_phone=_parse_family_phone,
    )
    return parsers


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
                                   too_many=too_many or str(_too_many_rows()), is_blank=_is_blank)


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
        return "；".join(text for c in cells if (text := _cell_text(c)) is not None) or None


def _find_header(rows: _Rows) -> tuple[int, _Layout]:
    """The first row (among the first few) that has a 姓名 column; rows above it are titles."""
    if not rows:
        raise RosterFileError("文件是空的，没有找到任何内容")
    for position, (_, values) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(_column_for(value) is _BY_FIELD["name"] for value in values):
            return position, _layout_of(values)
    raise RosterFileError("找不到「姓名」列，请确认表头（第一行）里有「姓名」")


def _column_for(value: object) -> _Column | None:
    text = _cell_text(value)
    return None if text is None else _HEADER_INDEX.get(_header_key(text))


def _layout_of(header: Sequence[object]) -> _Layout:
    layout = _Layout(indexes={}, labels={}, warnings=[])
    for index, value in enumerate(header):
        text = _cell_text(value)
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
        if _cell_text(raw) is not None:
            draft.filled.add(field)
        try:
            draft.values[field] = parsers[field](raw)
        except _CellError as exc:
            draft.failed.add(field)
            draft.error(layout, field, f"{_BY_FIELD[field].header}{exc}")
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
    carried = [field for field in _SENSITIVE_DATA if field in draft.filled]
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
    parsers = _field_parsers(today)
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


# ---- export -----------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")  # 年龄, 是否高龄: shown, never read back
_COMPUTED_FONT = Font(bold=True, color="7F7F7F")
_DATE_FORMAT = "yyyy-mm-dd"


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("是" if value else "否")


def _record_values(record: RetireeRecord, today: date) -> dict[str, object]:
    family = record.family
    return {
        "id": record.id,
        "name": record.name,
        "gender": record.gender,
        "birth_date": record.birth_date,
        "age": age_on(record.birth_date, today),
        "phones": "；".join(record.phones) or None,
        "address": record.address,
        "former_unit": record.former_unit,
        "former_post": record.former_post,
        "retirement_type": record.retirement_type,
        "party_member": _yes_no(record.party_member),
        "party_join_date": record.party_join_date,
        "liaison": record.liaison_name,
        "tags": "、".join(tag for tag in record.tags if tag != AGED_TAG) or None,
        "aged": _yes_no(is_aged(record.birth_date, today)) if record.birth_date else None,
        "hobbies": record.hobbies,
        "notes": record.notes,
        "health_notes": record.health_notes,
        "family_name": family.name if family else None,
        "family_relation": family.relation if family else None,
        "family_phone": family.phone if family else None,
        "sensitive_consent": _yes_no(record.sensitive_consent),
    }


def _data_cell(sheet, column: _Column, value: object) -> object:
    """A plain value where openpyxl needs nothing more (the fast path on a big roster)."""
    if isinstance(value, str):
        return safe_cell(sheet, value)  # text that looks like a formula stays text
    if column.is_date and isinstance(value, date):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # set here: types-openpyxl's WriteOnlyCell(value=) leaves out dates
        cell.number_format = _DATE_FORMAT
        return cell
    return value


def _header_cell(sheet, column: _Column) -> Cell:
    cell = WriteOnlyCell(sheet, value=column.header)
    cell.font = _COMPUTED_FONT if column.computed else _HEADER_FONT
    cell.fill = _COMPUTED_FILL if column.computed else _HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _new_sheet(workbook: Workbook, title: str, columns: Sequence[_Column]):
    sheet = workbook.create_sheet(title)
    for position, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, column) for column in columns])
    return sheet


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_roster(records: Iterable[RetireeRecord], *, include_sensitive: bool, today: date) -> bytes:
    """The roster as .xlsx, in the layout parse_roster reads. Health and family columns (and the
    consent column that governs them) only with include_sensitive."""
    columns = [c for c in _COLUMNS if include_sensitive or not c.sensitive]
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook, SHEET_TITLE, columns)
    for record in records:
        values = _record_values(record, today)
        sheet.append([_data_cell(sheet, column, values[column.field]) for column in columns])
    return _to_bytes(workbook)


def _instructions() -> list[str]:
    return [
        "填写说明",
        "1. 第一行是表头，请不要修改列名；列的顺序可以调整，不需要的列可以删除。",
        "2. 「姓名」必填；「编号」由系统生成，新增人员请留空，修改已有人员请保留编号。",
        "3. 日期写成 1942-03-12、1942/3/12、1942年3月12日 或 1942年3月 均可。",
        "4. 多个手机号用「；」或「、」分隔。",
        f"5. 标签可选：{'、'.join(RETIREE_TAGS)}，多个用「、」分隔；「高龄」按出生日期自动计算，不用填写。",
        "6. 「离退休」填 离休 或 退休；「是否党员」「同意存储敏感信息」填 是 或 否。",
        "7. 健康状况和家属信息属于敏感个人信息，只有取得本人单独同意（「同意存储敏感信息」填 是）才能填写。",
    ]


def template_xlsx() -> bytes:
    """A blank roster to download and fill in: the headers, and a sheet of instructions."""
    workbook = Workbook(write_only=True)
    _new_sheet(workbook, SHEET_TITLE, [c for c in _COLUMNS if not c.computed])
    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in _instructions():
        notes.append([line])
    return _to_bytes(workbook)
