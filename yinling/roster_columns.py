"""The roster spreadsheet's columns (台账), in one place: what the import reads and the export writes.

Each column names the ImportRow field it fills, its header and the other headers offices write for
it, its width in the export, and whether it is sensitive (PIPL: exported only on request, needs
separate consent) or computed (export-only, ignored on import). The same table drives both ways, so
export -> edit -> re-import round-trips.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SHEET_TITLE = "台账"


@dataclass(frozen=True, slots=True)
class Column:
    field: str  # the ImportRow attribute; for computed columns, a name used only here
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 12
    sensitive: bool = False  # PIPL: exported only on request, needs separate consent
    computed: bool = False  # export-only, ignored on import
    is_date: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", ("ID",), width=8),
    Column("name", "姓名", width=10),
    Column("gender", "性别", width=6),
    Column("birth_date", "出生日期", ("出生年月", "生日"), is_date=True),
    Column("age", "年龄", width=6, computed=True),
    Column("phones", "手机号", ("手机", "电话", "联系电话", "手机号码"), width=28),
    Column("address", "住址", ("地址", "家庭住址"), width=36),
    Column("former_unit", "原单位", ("原工作单位", "单位"), width=24),
    Column("former_post", "原职务", ("职务",), width=14),
    Column("retirement_type", "离退休", ("离休/退休", "类别"), width=8),
    Column("party_member", "是否党员", ("党员",), width=9),
    Column("party_join_date", "入党时间", ("入党日期",), is_date=True),
    Column("liaison", "联系干部", ("联系人", "一对一联系干部"), width=10),
    Column("tags", "标签", width=18),
    Column("aged", "是否高龄", width=9, computed=True),
    Column("hobbies", "兴趣特长", ("爱好", "特长"), width=20),
    Column("notes", "备注", width=30),
    Column("health_notes", "健康状况", ("健康备注", "身体状况"), width=30, sensitive=True),
    Column("family_name", "家属姓名", width=10, sensitive=True),
    Column("family_relation", "家属关系", ("与本人关系",), width=9, sensitive=True),
    Column("family_phone", "家属电话", width=16, sensitive=True),
    Column("sensitive_consent", "同意存储敏感信息", ("敏感信息授权", "授权同意"), width=16, sensitive=True),
)
BY_FIELD = {column.field: column for column in COLUMNS}
TEMPLATE_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if not c.computed)
SENSITIVE_DATA = ("health_notes", "family_name", "family_relation", "family_phone")  # need consent

_REQUIRED_MARK = re.compile(r"(?:\*|\(必填\))+$")


def header_key(text: str) -> str:
    """'  姓名（必填）' / '姓　名*' / 'ID' -> a key to look up: NFKC, no spaces, no required mark, casefold."""
    key = "".join(unicodedata.normalize("NFKC", text).split())
    return _REQUIRED_MARK.sub("", key).casefold()


def _header_index() -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for label in (column.header, *column.aliases):
            key = header_key(label)
            assert key not in index, f"header {label!r} is claimed twice"
            index[key] = column
    return index


HEADER_INDEX = _header_index()  # header_key(any header or alias) -> its column
