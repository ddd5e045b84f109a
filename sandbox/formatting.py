"""Message text formatting the way the Bot API does it.

* ``parse_mode`` HTML / MarkdownV2 / Markdown are turned into plain text plus
  ``MessageEntity`` dicts, rejecting malformed markup with Telegram's own
  wording (``can't parse entities: Unsupported start tag "br" at byte offset 5``),
  byte offsets counted in UTF-8 as Telegram does.
* Entity offsets and lengths are in UTF-16 code units.
* Text is trimmed of surrounding whitespace, then URLs, @mentions, #hashtags,
  e-mails and /commands are detected automatically, as Telegram does for every
  message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request

Entity = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

ENTITY_TYPES = frozenset(
    {
        "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number",
        "bold", "italic", "underline", "strikethrough", "spoiler", "blockquote",
        "expandable_blockquote", "code", "pre", "text_link", "text_mention",
        "custom_emoji", "date_time",
    }
)


class EntityParseError(Exception):
    pass


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entity(kind: str, offset: int, length: int, **extra: Any) -> Entity:
    ent: Entity = {"offset": offset, "length": length, "type": kind}
    ent.update({k: v for k, v in extra.items() if v is not None})
    return ent


def _sort(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _check_url(url: str) -> str | None:
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


# --------------------------------------------------------------------------- HTML

_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "span",
     "a", "code", "pre", "blockquote", "tg-emoji"}
)
_HTML_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
    "tg-spoiler": "spoiler", "span": "spoiler",
}
_SPACE = " \t\r\n\f\v"


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decodes ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` and numeric references at
    ``pos``; other ``&...`` sequences are kept literally, as in tdlib."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            start = end
            while end < n and text[end] in "0123456789abcdefABCDEF":
                end += 1
            if end == start:
                return None
            value = int(text[start:end], 16)
        else:
            start = end
            while end < n and text[end].isdigit() and text[end].isascii():
                end += 1
            if end == start:
                return None
            value = int(text[start:end])
        if value == 0 or value >= 0x10FFFF or end - pos >= 10 or 0xD800 <= value <= 0xDFFF:
            return None
        char = chr(value)
    else:
        start = end
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(text[start:end], "")
        if not char:
            return None
    if end < n and text[end] == ";":
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the output
    byte_offset: int
    attrs: dict[str, str]
    language: str | None = None  # for <pre> holding <code class="language-x">
    code_has_language: bool = False


def parse_html(text: str) -> tuple[str, list[Entity]]:
    out: list[str] = []
    u16 = 0
    stack: list[_OpenTag] = []
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                u16 += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if c != "<":
            out.append(c)
            u16 += utf16_len(c)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and text[i] == "/":
            i += 1
            j = i
            while j < n and text[j] not in _SPACE and text[j] != ">":
                j += 1
            end_name = text[i:j].lower()
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            top = stack.pop()
            if end_name and end_name != top.name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{top.name}>", found "</{end_name}>"'
                )
            i = j + 1
            _close_html_tag(top, u16, out, stack, entities)
            continue

        j = i
        while j < n and text[j] not in _SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[i:j].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs: dict[str, str] = {}
        i = j
        while True:
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[i] == ">":
                break
            attr_begin = i
            while i < n and text[i] not in _SPACE and text[i] not in "=>":
                i += 1
            attr_name = text[attr_begin:i].lower()
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n or text[i] != "=":
                if name == "blockquote" and attr_name == "expandable":
                    attrs[attr_name] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {_byte_offset(text, begin)}'
                )
            i += 1
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[i] not in "'\"":
                token_begin = i
                while i < n and (text[i].isascii() and (text[i].isalnum() or text[i] in ".-")):
                    i += 1
                value = text[token_begin:i].lower()
                if i < n and text[i] not in _SPACE and text[i] != ">":
                    raise EntityParseError(
                        f"Unexpected end of name token at byte offset {_byte_offset(text, token_begin)}"
                    )
            else:
                quote = text[i]
                i += 1
                chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded = _decode_html_entity(text, i)
                        if decoded is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                    chars.append(text[i])
                    i += 1
                if i < n:
                    i += 1
                value = "".join(chars)
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            attrs[attr_name] = value
        i += 1  # past '>'

        byte_begin = _byte_offset(text, begin)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_begin}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_begin}'
            )
        tag = _OpenTag(name, u16, byte_begin, attrs)
        if name == "code" and stack and stack[-1].name == "pre" and stack[-1].start == u16:
            cls = attrs.get("class", "")
            if cls.startswith("language-") and len(cls) > len("language-"):
                stack[-1].language = cls[len("language-"):]
                tag.code_has_language = True
        stack.append(tag)

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return "".join(out), _sort(entities)


def _close_html_tag(
    tag: _OpenTag, u16: int, out: list[str], stack: list[_OpenTag], entities: list[Entity]
) -> None:
    length = u16 - tag.start
    if length <= 0:
        return
    if tag.name in _HTML_SIMPLE:
        entities.append(_entity(_HTML_SIMPLE[tag.name], tag.start, length))
    elif tag.name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            # No href: the link text is the URL. Recover it from the output.
            href = _tail_utf16("".join(out), length)
        url = _check_url(href)
        if url is not None:
            entities.append(_entity("text_link", tag.start, length, url=url))
    elif tag.name == "code":
        if not tag.code_has_language:
            entities.append(_entity("code", tag.start, length))
    elif tag.name == "pre":
        entities.append(_entity("pre", tag.start, length, language=tag.language))
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
        entities.append(_entity(kind, tag.start, length))
    elif tag.name == "tg-emoji":
        entities.append(
            _entity("custom_emoji", tag.start, length, custom_emoji_id=tag.attrs["emoji-id"])
        )


def _tail_utf16(text: str, length: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[len(encoded) - 2 * length:].decode("utf-16-le", "replace")


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
            entities.append(_entity(top.kind, top.start, length, **{**top.extra, **extra}))

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
            stack.append(_OpenMd("blockquote", u16, _byte_offset(text, i), len(out)))
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
            stack.append(_OpenMd("text_link", u16, _byte_offset(text, i), len(out)))
            i += 1
            continue
        elif c == "!" and text.startswith("![", i):
            stack.append(_OpenMd("custom_emoji", u16, _byte_offset(text, i), len(out)))
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
                        f"Can't find end of a URL at byte offset {_byte_offset(text, url_begin)}"
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
                checked = _check_url(url)
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
        opened = _OpenMd(kind, u16, _byte_offset(text, i), len(out))
        i += width
        if kind == "pre":
            # ```language\n ... ```
            line_end = i
            while line_end < n and text[line_end] not in "\n`" and text[line_end] not in _SPACE:
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
    return "".join(out), _sort(entities)


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
            while lang_end < n and text[lang_end] not in _SPACE and text[lang_end] != "`":
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
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
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
            checked = _check_url(url)
            if length and checked is not None:
                entities.append(_entity("text_link", start, length, url=checked))
        elif length:
            kind = {"_": "italic", "*": "bold"}.get(c) or ("pre" if is_pre else "code")
            entities.append(_entity(kind, start, length, language=language or None))
        i += 3 if is_pre else 1
    return "".join(out), _sort(entities)


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
            found.append(_entity(kind, u_start, u_end - u_start))
    return _sort(entities + found) if found else entities


# ------------------------------------------------------------- public helpers


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    stripped_left = text.lstrip(_SPACE)
    cut = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(_SPACE)
    total = utf16_len(result)
    fixed: list[Entity] = []
    for ent in entities:
        start = max(ent["offset"] - cut, 0)
        end = min(ent["offset"] + ent["length"] - cut, total)
        if end > start:
            fixed.append({**ent, "offset": start, "length": end - start})
    return result, fixed


def _explicit_entities(raw: Any, text: str) -> list[Entity]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result: list[Entity] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse MessageEntity: Object expected")
        kind = item.get("type")
        if kind not in ENTITY_TYPES:
            raise bad_request("can't parse MessageEntity: Unsupported type specified")
        try:
            offset, length = int(item.get("offset", -1)), int(item.get("length", -1))
        except (TypeError, ValueError):
            raise bad_request("can't parse MessageEntity: Field \"offset\" must be a valid Number") from None
        if offset < 0 or length <= 0 or offset + length > total:
            continue  # Telegram silently drops entities outside the text
        ent = _entity(kind, offset, length)
        for key in ("url", "user", "language", "custom_emoji_id"):
            if key in item:
                ent[key] = item[key]
        if kind == "text_link":
            url = _check_url(str(ent.get("url", "")))
            if url is None:
                continue
            ent["url"] = url
        result.append(ent)
    return _sort(result)


def format_text(
    text: str,
    parse_mode: str | None,
    raw_entities: Any = None,
    *,
    max_length: int = MAX_TEXT_LENGTH,
    caption: bool = False,
) -> tuple[str, list[Entity]]:
    """Text + parse_mode/entities -> (plain text, entities), raising ApiError as
    Telegram would. An empty result is allowed for captions only."""
    mode = (parse_mode or "").strip()
    try:
        if mode == "":
            plain, entities = text, _explicit_entities(raw_entities, text)
        elif mode.lower() == "html":
            plain, entities = parse_html(text)
        elif mode.lower() == "markdownv2":
            plain, entities = parse_markdown_v2(text)
        elif mode.lower() == "markdown":
            plain, entities = parse_markdown(text)
        else:
            raise bad_request("unsupported parse_mode")
    except EntityParseError as exc:
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    plain, entities = _trim(plain, entities)
    if not plain and not caption:
        raise bad_request("message text is empty")
    if len(plain) > max_length:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return plain, detect_entities(plain, entities)
