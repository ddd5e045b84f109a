"""The cells of an uploaded roster (台账): raw cell value -> the field's value, or a reason in Chinese.

Offices type what they like: dates as 1942-03-12, 1942年3月, an Excel serial or 19420312; several
phones in one cell with any separator; 是/否 as √/×; placeholders such as 无 for empty. Each parser
accepts what a person plainly meant and names what it cannot read (CellError, whose message reads
after the column's header: 性别「X」无法识别...). Pure functions: no database, no files.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, time

from openpyxl.utils.datetime import from_excel

from yinling.models import AGED_TAG, RETIREE_TAGS, Gender, RetirementType
from yinling.phones import normalize_phone

TEXT_LIMITS = {
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
NAME_LIMIT = 50

# ---- cells ------------------------------------------------------------------------------------------

_EDGE_SPACE = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")
_PLACEHOLDERS = frozenset({"无", "暂无", "/", "-", "—", "——", "－"})


class CellError(ValueError):
    """A reason that reads after the column name: '「X」无法识别' -> '性别「X」无法识别'."""


def cell_text(raw: object) -> str | None:
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


def is_blank(values: Sequence[object]) -> bool:
    return all(cell_text(value) is None for value in values)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


# ---- field parsers: raw cell -> value, or CellError ---------------------------------------------------


def _parse_text(limit: int) -> Callable[[object], str | None]:
    def parse(raw: object) -> str | None:
        text = cell_text(raw)
        if text is not None and len(text) > limit:
            raise CellError(f"不能超过 {limit} 字（现有 {len(text)} 字）")
        return text

    return parse


_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def _parse_name(raw: object) -> str | None:
    """Inner whitespace collapsed; the padding some sheets put inside two-character names
    ('张　三') is dropped."""
    text = cell_text(raw)
    if text is None:
        return None
    name = _CJK_GAP.sub("", " ".join(text.split()))
    if len(name) > NAME_LIMIT:
        raise CellError(f"不能超过 {NAME_LIMIT} 字（现有 {len(name)} 字）")
    return name


def _parse_id(raw: object) -> int | None:
    text = cell_text(raw)
    if text is None:
        return None
    if isinstance(raw, bool) or not text.isdigit() or int(text) <= 0:
        raise CellError(f"「{text}」应为正整数")
    return int(text)


_GENDERS: dict[str, Gender] = {
    "男": "男", "男性": "男", "m": "男", "male": "男",
    "女": "女", "女性": "女", "f": "女", "female": "女",
}  # fmt: skip


def _parse_gender(raw: object) -> Gender | None:
    text = cell_text(raw)
    if text is None:
        return None
    if (gender := _GENDERS.get(_folded(text))) is None:
        raise CellError(f"「{text}」无法识别，请填 男 或 女")
    return gender


_RETIREMENT_TYPES: dict[str, RetirementType] = {
    "离休": "离休", "离休干部": "离休", "退休": "退休", "退休干部": "退休",
}  # fmt: skip


def _parse_retirement_type(raw: object) -> RetirementType | None:
    text = cell_text(raw)
    if text is None:
        return None
    if (kind := _RETIREMENT_TYPES.get(_folded(text))) is None:
        raise CellError(f"「{text}」无法识别，请填 离休 或 退休")
    return kind


_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "中共党员", "党员", "同意"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "群众", "非党员", "不同意"})


def _parse_bool(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    if text is None:
        return None
    folded = _folded(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(f"「{text}」无法识别，请填 是 或 否")


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
            raise CellError(f"「{value.isoformat()}」早于 1900 年")
        if value > today:
            raise CellError(f"「{value.isoformat()}」晚于今天")
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
    text = cell_text(raw)
    return None if text is None else _date_from_text(unicodedata.normalize("NFKC", text))


def _date_from_number(number: float) -> date:
    """An Excel serial (15412 = 1942-03-12), or 19420312 typed as a number."""
    if not math.isfinite(number):
        raise CellError(f"「{number}」无法识别，{_DATE_HINT}")
    if not float(number).is_integer() and 1900 <= number < 2100:
        # 1942.03 typed into a number cell: Excel already lost whether it was March or October
        raise CellError(f"「{number}」是数字，无法确定月份，{_DATE_HINT}")
    whole = int(number)
    if 10_000_000 <= whole <= 99_999_999:
        return _date_from_text(str(whole))
    if not 1 <= whole <= 2_958_465:  # 9999-12-31
        raise CellError(f"「{number}」无法识别，{_DATE_HINT}")
    return from_excel(whole).date()


def _date_from_text(text: str) -> date:
    if text.isdigit() and len(text) <= 5:
        return _date_from_number(int(text))  # a serial that lost its date format (e.g. via CSV)
    match = _DATE_COMPACT.match(text) or _DATE_TEXT.match(text)
    if match is None:
        raise CellError(f"「{text}」无法识别，{_DATE_HINT}")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        return date(int(year), int(month), int(day) if day else 1)
    except ValueError:
        raise CellError(f"「{text}」不是有效日期") from None


# -- phones and tags

_PHONE_SEPARATORS = re.compile(r"[;；、,，/\r\n]+")
_SCIENTIFIC = re.compile(r"\d[eE]\+?\d")


def _parse_phones(raw: object) -> list[str]:
    text = cell_text(raw)
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
        raise CellError(_bad_phone_reason(unreadable))
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
    text = cell_text(raw)
    if text is None:
        return None
    if (phone := normalize_phone(text)) is None:
        raise CellError(_bad_phone_reason([text]))
    return phone


_TAG_SEPARATORS = re.compile(r"[;；、,，\s]+")


def _parse_tags(raw: object) -> list[str]:
    """Allowed tags only; 高龄 is dropped, since it is computed from the birth date."""
    text = cell_text(raw)
    if text is None:
        return []
    tags = [tag for tag in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", text)) if tag]
    unknown = [tag for tag in tags if tag not in RETIREE_TAGS and tag != AGED_TAG]
    if unknown:
        quoted = "".join(f"「{tag}」" for tag in dict.fromkeys(unknown))
        raise CellError(f"{quoted}不在可选范围内（可选：{'、'.join(RETIREE_TAGS)}）")
    return list(dict.fromkeys(tag for tag in tags if tag != AGED_TAG))


def field_parsers(today: date) -> dict[str, Callable[[object], object]]:
    """Each importable field's parser; dates may not be later than `today`."""
    parsers: dict[str, Callable[[object], object]] = {
        field: _parse_text(limit) for field, limit in TEXT_LIMITS.items()
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
