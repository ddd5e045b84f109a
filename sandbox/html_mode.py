"""parse_mode=HTML, following tdlib: the supported tags and attributes, character references,
and Telegram's error wording with UTF-8 byte offsets."""

from __future__ import annotations

from dataclasses import dataclass

from .entities import SPACE, Entity, EntityParseError, byte_offset, check_url, make_entity, sort_entities, utf16_len

_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "span",
     "a", "code", "pre", "blockquote", "tg-emoji"}
)
_HTML_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
    "tg-spoiler": "spoiler", "span": "spoiler",
}


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
            while j < n and text[j] not in SPACE and text[j] != ">":
                j += 1
            end_name = text[i:j].lower()
            while j < n and text[j] in SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(text, begin)}")
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(text, begin)}")
            top = stack.pop()
            if end_name and end_name != top.name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {byte_offset(text, begin)}, "
                    f'expected "</{top.name}>", found "</{end_name}>"'
                )
            i = j + 1
            _close_html_tag(top, u16, out, stack, entities)
            continue

        j = i
        while j < n and text[j] not in SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
        name = text[i:j].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {byte_offset(text, begin)}'
            )
        attrs: dict[str, str] = {}
        i = j
        while True:
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
            if text[i] == ">":
                break
            attr_begin = i
            while i < n and text[i] not in SPACE and text[i] not in "=>":
                i += 1
            attr_name = text[attr_begin:i].lower()
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n or text[i] != "=":
                if name == "blockquote" and attr_name == "expandable":
                    attrs[attr_name] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {byte_offset(text, begin)}'
                )
            i += 1
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
            if text[i] not in "'\"":
                token_begin = i
                while i < n and (text[i].isascii() and (text[i].isalnum() or text[i] in ".-")):
                    i += 1
                value = text[token_begin:i].lower()
                if i < n and text[i] not in SPACE and text[i] != ">":
                    raise EntityParseError(
                        f"Unexpected end of name token at byte offset {byte_offset(text, token_begin)}"
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
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
            attrs[attr_name] = value
        i += 1  # past '>'

        byte_begin = byte_offset(text, begin)
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
    return "".join(out), sort_entities(entities)


def _close_html_tag(
    tag: _OpenTag, u16: int, out: list[str], stack: list[_OpenTag], entities: list[Entity]
) -> None:
    length = u16 - tag.start
    if length <= 0:
        return
    if tag.name in _HTML_SIMPLE:
        entities.append(make_entity(_HTML_SIMPLE[tag.name], tag.start, length))
    elif tag.name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            # No href: the link text is the URL. Recover it from the output.
            href = _tail_utf16("".join(out), length)
        url = check_url(href)
        if url is not None:
            entities.append(make_entity("text_link", tag.start, length, url=url))
    elif tag.name == "code":
        if not tag.code_has_language:
            entities.append(make_entity("code", tag.start, length))
    elif tag.name == "pre":
        entities.append(make_entity("pre", tag.start, length, language=tag.language))
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
        entities.append(make_entity(kind, tag.start, length))
    elif tag.name == "tg-emoji":
        entities.append(
            make_entity("custom_emoji", tag.start, length, custom_emoji_id=tag.attrs["emoji-id"])
        )


def _tail_utf16(text: str, length: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[len(encoded) - 2 * length:].decode("utf-16-le", "replace")
