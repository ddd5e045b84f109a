"""Files people sent in the chat (voice notes, photos), fetched on demand from the channel.

`MediaSource` is the interface; bot.media.TelegramMediaSource fetches through getFile; tests use
a double. The core keeps only the channel's file id, never the bytes."""
from __future__ import annotations

from typing import Protocol

from yinling.errors import DomainError

CONTENT_TYPES = {"voice": "audio/ogg", "photo": "image/jpeg", "document": "application/octet-stream"}


class MediaUnavailable(DomainError):
    code = "media_unavailable"
    status = 503


class MediaSource(Protocol):
    async def fetch(self, file_id: str) -> bytes:
        """The file's bytes; raises MediaUnavailable when the channel cannot give them."""
        ...


def configured(source: MediaSource | None) -> MediaSource:
    """`source`, or a 503 staff can act on when the bot runs without a token (nothing to fetch through)."""
    if source is None:
        raise MediaUnavailable("没有配置机器人的令牌（YINLING_TELEGRAM_TOKEN），取不到语音和图片，请联系技术人员")
    return source
