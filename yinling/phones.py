"""Phone numbers as people write them -> one canonical form, so a shared contact matches the roster.

Canonical forms:
- a mainland mobile number: its 11 digits, e.g. '13812345678' (from '+86 138-1234-5678',
  '0086 13812345678', '8613812345678', '(138) 1234 5678' ...);
- any other number: '+' and its digits when it came with a country code, else its digits.
"""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-–—().\u00a0\u3000/]")
_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str | None) -> str | None:
    """Canonical form of `raw`, or None when it holds no plausible phone number."""
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()  # full-width digits and ＋ become ASCII
    text = _SEPARATORS.sub("", text)
    international = text.startswith("+") or text.startswith("00")
    digits = text.lstrip("+")
    if digits.startswith("00"):
        digits = digits[2:]
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        return None
    if digits.startswith("86") and _MAINLAND_MOBILE.match(digits[2:]):
        return digits[2:]
    if not international and _MAINLAND_MOBILE.match(digits):
        return digits
    return f"+{digits}" if international else digits


def mask_phone(phone: str | None) -> str:
    """For places that must not show the whole number: 138****5678."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
