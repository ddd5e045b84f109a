"""The roster (台账) as an .xlsx to download: every record, or a blank template to fill in.

`export_roster` writes records in the layout `parse_roster` reads (yinling/roster_columns.py), so
export -> edit -> re-import round-trips; 年龄 and 是否高龄 are shown, greyed, and never read back.
Health and family columns only on request (PIPL). Pure functions: records in, bytes out.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from yinling.models import AGED_TAG, RETIREE_TAGS, RetireeRecord, age_on, is_aged
from yinling.roster_columns import COLUMNS, SHEET_TITLE, Column
from yinling.xlsx_safe import safe_cell

# ---- writing ------------------------------------------------------------------------------------------

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


def _data_cell(sheet, column: Column, value: object) -> object:
    """A plain value where openpyxl needs nothing more (the fast path on a big roster)."""
    if isinstance(value, str):
        return safe_cell(sheet, value)  # text that looks like a formula stays text
    if column.is_date and isinstance(value, date):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # set here: types-openpyxl's WriteOnlyCell(value=) leaves out dates
        cell.number_format = _DATE_FORMAT
        return cell
    return value


def _header_cell(sheet, column: Column) -> Cell:
    cell = WriteOnlyCell(sheet, value=column.header)
    cell.font = _COMPUTED_FONT if column.computed else _HEADER_FONT
    cell.fill = _COMPUTED_FILL if column.computed else _HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _new_sheet(workbook: Workbook, title: str, columns: Sequence[Column]):
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
    columns = [c for c in COLUMNS if include_sensitive or not c.sensitive]
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
    _new_sheet(workbook, SHEET_TITLE, [c for c in COLUMNS if not c.computed])
    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in _instructions():
        notes.append([line])
    return _to_bytes(workbook)
