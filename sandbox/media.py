"""Media helpers: image sizes, generated placeholder bytes, PhotoSize lists."""

from __future__ import annotations

import struct
import zlib
from typing import Any

DEFAULT_PHOTO_SIZE = (1280, 960)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, or None when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2:i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


def tiny_png(rgb: tuple[int, int, int] = (200, 170, 120)) -> bytes:
    """A valid 2x2 PNG, the default bytes for fake photos."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def fake_voice(duration: int) -> bytes:
    """Placeholder bytes shaped like the start of an Ogg/Opus file."""
    return b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + bytes(range(64)) * max(duration, 1)


def scaled(width: int, height: int, limit: int) -> tuple[int, int]:
    biggest = max(width, height)
    if biggest <= limit:
        return width, height
    factor = limit / biggest
    return max(1, round(width * factor)), max(1, round(height * factor))


def photo_size_limits(width: int, height: int) -> list[int]:
    """Telegram keeps a 90px thumbnail, a 320px and an 800/1280px version."""
    biggest = max(width, height)
    limits = [90]
    for limit in (320, 800, 1280):
        if biggest > limits[-1]:
            limits.append(limit)
    return limits


def photo_size_json(file: Any, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.file_size,
        "width": width,
        "height": height,
    }
