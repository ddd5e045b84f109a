"""An activity's registration list as an .xlsx to download (the door's check-in list, the buses).

Pure functions: rows in, bytes out. The service reads the registrations, keeps to the caller's scope
and audits the export; this module only lays the sheet out. Every row that holds words a person typed
(the activity's title and place, a retiree's name, an address) goes through yinling/xlsx_safe.py, so
text that starts like a formula stays text, exactly as in the roster export.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from yinling import texts
from yinling.models import ActivityRegistration
from yinling.xlsx_safe import safe_row

SHEET_TITLE = "报名名单"
HEADER = ("状态", "候补顺序", "姓名", "签到码", "带家属", "需要接送", "签到", "电话", "住址")


def registration_row(registration: ActivityRegistration, *, position: int | None, phone: str | None,
                     address: str | None) -> list[object]:
    """One registration under HEADER: `position` is its place in the waiting list (None when it is
    not waiting); phone and address only for staff who may see them (None otherwise)."""
    return [
        texts.ACT_EXPORT_STATUS[registration.status], position, registration.retiree_name, registration.code,
        "是" if registration.companion else "", "是" if registration.needs_transport else "",
        texts.ACT_EXPORT_ATTENDANCE.get(registration.attendance or "", ""), phone, address,
    ]


def registrations_xlsx(*, title: str, when: str, place: str, rows: Iterable[Sequence[object]]) -> bytes:
    """The sheet: a line naming the activity, HEADER, then `rows` (from registration_row) in order."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(safe_row(sheet, ["活动", title, when, place]))
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(safe_row(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
