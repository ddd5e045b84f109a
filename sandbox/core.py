"""The sandbox object shared by the Bot API and the control API."""

from __future__ import annotations

import copy
import mimetypes
from typing import Any

from .config import SandboxConfig
from .flood import FloodControl
from .media import DEFAULT_PHOTO_SIZE, image_size, photo_size_json, photo_size_limits, scaled
from .models import JSON, StoredFile
from .state import BotState, SandboxState
from .webhook import WebhookDelivery


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.state = SandboxState(calls_log_size=config.calls_log_size)
        self.flood = FloodControl(copy.deepcopy(config.flood))
        for token in config.bots:
            self.state.add_bot(token)
        self.webhooks = WebhookDelivery(config, self.state)

    # ---------------------------------------------------------------- media
    def store_photo(
        self, bot: BotState, data: bytes, width: int | None = None, height: int | None = None
    ) -> list[JSON]:
        """Stores a photo in Telegram's several sizes and returns the PhotoSize list."""
        if width is None or height is None:
            width, height = image_size(data) or DEFAULT_PHOTO_SIZE
        sizes: list[JSON] = []
        for limit in photo_size_limits(width, height):
            w, h = scaled(width, height, limit)
            stored = self.state.store_file(bot, "photo", data, mime_type="image/jpeg", extension=".jpg")
            stored.meta["sizes"] = sizes  # shared: any size's file_id resends the photo
            sizes.append(photo_size_json(stored, w, h))
        return sizes

    def store_voice(self, bot: BotState, data: bytes, duration: int | None) -> StoredFile:
        stored = self.state.store_file(bot, "voice", data, mime_type="audio/ogg", extension=".oga")
        stored.meta["duration"] = max(int(duration if duration is not None else len(data) // 2000), 1)
        return stored

    def store_document(
        self, bot: BotState, data: bytes, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        file_name = file_name or "document"
        if not mime_type or mime_type == "application/octet-stream":
            mime_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        extension = ""
        if "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1][:10]
        return self.state.store_file(
            bot, "document", data, mime_type=mime_type, file_name=file_name, extension=extension
        )

    @staticmethod
    def voice_json(stored: StoredFile, duration: int | None = None) -> JSON:
        return {
            "duration": int(duration if duration is not None else stored.meta.get("duration", 1)),
            "mime_type": stored.mime_type or "audio/ogg",
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }

    @staticmethod
    def document_json(stored: StoredFile) -> JSON:
        data: dict[str, Any] = {
            "file_name": stored.file_name or "document",
            "mime_type": stored.mime_type or "application/octet-stream",
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        return data
