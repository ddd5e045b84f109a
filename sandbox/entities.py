"""What every parse mode shares: entity dicts, UTF-16 lengths and UTF-8 byte offsets, tdlib's
URL check, and the entities Telegram detects by itself (URLs, e-mails, /commands, @mentions,
#hashtags) in every message."""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]

# The whitespace tdlib trims and skips between tags and attributes.
SPACE = " \t\r\n\f\v"


class EntityParseError(Exception):
    pass


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def make_entity(kind: str, offset: int, length: int, **extra: Any) -> Entity:
    ent: Entity = {"offset": offset, "length": length, "type": kind}
    ent.update({k: v for k, v in extra.items() if v is not None})
    return ent


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def check_url(url: str) -> str | None:
    """Mimics tdlib's check_url: known schemes pass, bare domains get http://,
    anything else (javascript:, empty) makes the link silently disappear."""
    url = url.strip()
    if not url:
        return None
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if m:
        if m.group(1).lower() in ("http", "https", "tg", "ton", "ftp"):
            return url
        return None
    if re.match(r"^[\w-]+(\.[\w-]+)*\.[a-zA-Z]{2,}([/:?#].*)?$", url):
        return "http://" + url
    return None


# ------------------------------------------------------------ auto-detection

_URL_TRAIL = ".,;:!?'\")]}>，。！？；：、）】》」』"
_AUTO_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(r"(?<![\w@/])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)),
    ("email", re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{2,31}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
]
_OPAQUE = frozenset({"code", "pre", "text_link", "url", "email", "custom_emoji"})


def detect_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Adds the entities Telegram finds by itself, outside code and links."""
    taken: list[tuple[int, int]] = [
        (e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _OPAQUE
    ]
    found: list[Entity] = []
    # UTF-16 offset of each code point index.
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    for kind, pattern in _AUTO_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if kind == "url":
                while end > start and text[end - 1] in _URL_TRAIL:
                    end -= 1
            u_start, u_end = offsets[start], offsets[end]
            if any(u_start < b and a < u_end for a, b in taken):
                continue
            taken.append((u_start, u_end))
            found.append(make_entity(kind, u_start, u_end - u_start))
    return sort_entities(entities + found) if found else entities
