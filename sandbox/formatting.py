"""Message text formatting the way the Bot API does it.

* ``parse_mode`` HTML / MarkdownV2 / Markdown are turned into plain text plus
  ``MessageEntity`` dicts, rejecting malformed markup with Telegram's own
  wording (``can't parse entities: Unsupported start tag "br" at byte offset 5``),
  byte offsets counted in UTF-8 as Telegram does.
* Entity offsets and lengths are in UTF-16 code units.
* Text is trimmed of surrounding whitespace, then URLs, @mentions, #hashtags,
  e-mails and /commands are detected automatically, as Telegram does for every
  message.

This module is the entry point (``format_text``) and checks explicit ``entities``; the parsers
are in :mod:`sandbox.html_mode` and :mod:`sandbox.markdown_mode`, what they share and the
auto-detection in :mod:`sandbox.entities`.
"""

from __future__ import annotations

from typing import Any

from .entities import SPACE, Entity, EntityParseError, check_url, detect_entities, make_entity, sort_entities, utf16_len
from .errors import ApiError, bad_request
from .html_mode import parse_html
from .markdown_mode import parse_markdown, parse_markdown_v2

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


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    stripped_left = text.lstrip(SPACE)
    cut = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(SPACE)
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
        ent = make_entity(kind, offset, length)
        for key in ("url", "user", "language", "custom_emoji_id"):
            if key in item:
                ent[key] = item[key]
        if kind == "text_link":
            url = check_url(str(ent.get("url", "")))
            if url is None:
                continue
            ent["url"] = url
        result.append(ent)
    return sort_entities(result)


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
