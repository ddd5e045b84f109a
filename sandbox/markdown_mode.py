"""parse_mode=MarkdownV2 and the legacy Markdown, following tdlib: escapes, nesting (V2 only),
links and custom emoji, and Telegram's error wording with UTF-8 byte offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .entities import SPACE, Entity, EntityParseError, byte_offset, check_url, make_entity, sort_entities, utf16_len

# --------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code", "pre": "Pre",
    "text_link": "TextUrl", "blockquote": "BlockQuote", "custom_emoji": "CustomEmoji",
}


@dataclass
class _OpenMd:
    kind: str
    start: int
    byte_offset: int
    out_index: int
    extra: dict[str, Any] = field(default_factory=dict)


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    out: list[str] = []
    u16 = 0
    stack: list[_OpenMd] = []
    entities: list[Entity] = []
    n = len(text)
    i = 0

    def emit(ch: str) -> None:
        nonlocal u16
        out.append(ch)
        u16 += utf16_len(ch)

    def close(top: _OpenMd, **extra: Any) -> None:
        length = u16 - top.start
        if length > 0:
            entities.append(make_entity(top.kind, top.start, length, **{**top.extra, **extra}))

    def unclosed(top: _OpenMd) -> EntityParseError:
        return EntityParseError(
            f"Can't find end of {_MDV2_NAMES.get(top.kind, top.kind)} entity at byte offset "
            f"{top.byte_offset}"
        )

    while i < n:
        c = text[i]
        top = stack[-1] if stack else None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            emit(text[i + 1])
            i += 2
            continue
        if top is not None and top.kind in ("code", "pre"):
            if c == "`" and top.kind == "code":
                stack.pop()
                close(top)
                i += 1
                continue
            if top.kind == "pre" and text.startswith("```", i):
                stack.pop()
                close(top)
                i += 3
                continue
            emit(c)
            i += 1
            continue
        if c == "\n" and top is not None and top.kind == "blockquote":
            if not text.startswith(">", i + 1):
                stack.pop()
                close(top)
            emit(c)
            i += 1
            if text.startswith(">", i):
                i += 1  # continuation line of the same quote
            continue
        if c not in _MDV2_RESERVED:
            emit(c)
            i += 1
            continue

        at_line_start = i == 0 or text[i - 1] == "\n"
        if c == ">" and at_line_start and not any(o.kind == "blockquote" for o in stack):
            stack.append(_OpenMd("blockquote", u16, byte_offset(text, i), len(out)))
            i += 1
            continue

        kind: str | None = None
        width = 1
        if c == "_":
            if text.startswith("__", i) and not (top is not None and top.kind == "italic"):
                kind, width = "underline", 2
            else:
                kind = "italic"
        elif c == "*":
            kind = "bold"
        elif c == "~":
            kind = "strikethrough"
        elif c == "|" and text.startswith("||", i):
            kind, width = "spoiler", 2
        elif c == "`":
            kind, width = ("pre", 3) if text.startswith("```", i) else ("code", 1)
        elif c == "[":
            stack.append(_OpenMd("text_link", u16, byte_offset(text, i), len(out)))
            i += 1
            continue
        elif c == "!" and text.startswith("![", i):
            stack.append(_OpenMd("custom_emoji", u16, byte_offset(text, i), len(out)))
            i += 2
            continue
        elif c == "]" and top is not None and top.kind in ("text_link", "custom_emoji"):
            stack.pop()
            i += 1
            url = ""
            if i < n and text[i] == "(":
                url_begin = i
                i += 1
                chars: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and i + 1 < n and text[i + 1] in ")\\":
                        i += 1
                    chars.append(text[i])
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Can't find end of a URL at byte offset {byte_offset(text, url_begin)}"
                    )
                i += 1
                url = "".join(chars)
            else:
                url = "".join(out[top.out_index:])
            if top.kind == "custom_emoji":
                m = re.match(r"^tg://emoji\?id=(\d+)$", url)
                if not m:
                    raise EntityParseError(
                        f"Custom emoji URL must have an emoji identifier at byte offset "
                        f"{top.byte_offset}"
                    )
                close(top, custom_emoji_id=m.group(1))
            else:
                checked = check_url(url)
                if checked is not None:
                    close(top, url=checked)
            continue

        if kind is None:
            raise EntityParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        if top is not None and top.kind == kind:
            stack.pop()
            close(top)
            i += width
            continue
        if any(o.kind == kind for o in stack):
            assert top is not None
            raise unclosed(top)
        opened = _OpenMd(kind, u16, byte_offset(text, i), len(out))
        i += width
        if kind == "pre":
            # ```language\n ... ```
            line_end = i
            while line_end < n and text[line_end] not in "\n`" and text[line_end] not in SPACE:
                line_end += 1
            if line_end < n and line_end > i and text[line_end] == "\n":
                opened.extra["language"] = text[i:line_end]
                i = line_end
            if i < n and text[i] == "\n":
                i += 1
            opened.start = u16
        stack.append(opened)

    if stack and stack[-1].kind == "blockquote":
        close(stack.pop())
    if stack:
        raise unclosed(stack[-1])
    return "".join(out), sort_entities(entities)


# ------------------------------------------------------------- Markdown (legacy)


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown, following tdlib's parse_markdown: no nesting, ``\\``
    escapes only ``_ * ` [``."""
    out: list[str] = []
    u16 = 0
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            u16 += utf16_len(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = False
        language = ""
        i += 1
        if c == "`" and text.startswith("``", i):
            i += 2
            is_pre = True
            lang_end = i
            while lang_end < n and text[lang_end] not in SPACE and text[lang_end] != "`":
                lang_end += 1
            if i != lang_end and lang_end < n and text[lang_end] != "`":
                language = text[i:lang_end]
                i = lang_end
            if i < n and text[i] in "\r\n":
                i += 2 if (i + 1 < n and text[i + 1] in "\r\n" and text[i] != text[i + 1]) else 1
        start = u16
        body: list[str] = []
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            body.append(text[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(text, begin)}"
            )
        inner = "".join(body)
        out.append(inner)
        length = utf16_len(inner)
        u16 += length
        if c == "[":
            url = inner
            if i + 1 < n and text[i + 1] == "(":
                close_paren = text.find(")", i + 2)
                if close_paren < 0:
                    close_paren = n
                url = text[i + 2:close_paren]
                i = close_paren
            checked = check_url(url)
            if length and checked is not None:
                entities.append(make_entity("text_link", start, length, url=checked))
        elif length:
            kind = {"_": "italic", "*": "bold"}.get(c) or ("pre" if is_pre else "code")
            entities.append(make_entity(kind, start, length, language=language or None))
        i += 3 if is_pre else 1
    return "".join(out), sort_entities(entities)
