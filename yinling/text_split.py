"""Cutting a long text into pieces a chat channel accepts (Telegram: 4,096 per message).

Telegram measures a message in UTF-16 code units, so a character outside the Basic Multilingual
Plane (most emoji) costs two. Python strings hold code points, so a cut between two code points
never separates the halves of a surrogate pair; we also keep an emoji's joiners and variation
selectors with it.

Where to cut, in order of preference: after a paragraph (a blank line), after a line, after a
sentence end (。！？； and their ASCII cousins, with any closing quote or bracket that follows),
between words, and, only when a window has none of those, anywhere. A boundary in the first half
of a window is passed over for the next kind, so a short opening paragraph leaves no stub message.
Whitespace at a cut is dropped (Telegram trims each message anyway, and a part made only of
whitespace would be refused as empty); no other character is lost.
"""
from __future__ import annotations

import re
import unicodedata

TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024

_CLOSERS = "”’」』）)】》〉\"'"
_PARAGRAPH = re.compile(r"\n[ \t\u3000]*\n")
_LINE = re.compile(r"\n")
_SENTENCE = re.compile(rf"(?:[。！？；!?;]|\.(?=\s))[{re.escape(_CLOSERS)}]*")
_SPACE = re.compile(r"[ \t\u3000]+")
_BOUNDARIES = (_PARAGRAPH, _LINE, _SENTENCE, _SPACE)
_GLUE = {"\u200d", "\ufe0e", "\ufe0f"}  # zero-width joiner, text/emoji variation selectors


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """`text` as pieces of at most `limit` UTF-16 units each, in order. A text that fits comes
    back as it is, in a list of one."""
    if limit < 2:
        raise ValueError("limit must leave room for a character outside the BMP")
    if utf16_len(text) <= limit:
        return [text]
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = _cut(rest, _fit(rest, limit))
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:  # a window of nothing but whitespace leaves nothing worth sending
            pieces.append(piece)
    if rest:
        pieces.append(rest)
    return pieces


def _fit(text: str, limit: int) -> int:
    """How many code points of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut(text: str, fit: int) -> int:
    """Where to end the next piece, given that its first `fit` code points fit."""
    window = text[:fit]
    floor = fit // 2
    for boundary in _BOUNDARIES:
        last = None
        for match in boundary.finditer(window):  # the last boundary in the window
            last = match
        if last is not None and last.end() > floor:
            return last.end()
    return _grapheme_safe(text, fit)


def _grapheme_safe(text: str, cut: int) -> int:
    """Step back from `cut` so a combining mark, a joiner or a variation selector stays with the
    character it belongs to. Gives up after a few steps (a pathological run): any cut is valid."""
    for candidate in range(cut, max(cut - 8, 0), -1):
        after, before = text[candidate], text[candidate - 1]
        if after not in _GLUE and before not in _GLUE and not unicodedata.combining(after):
            return candidate
    return cut
