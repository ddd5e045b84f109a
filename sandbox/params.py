"""Typed access to Bot API parameters.

Telegram accepts parameters from the query string, a JSON body, a urlencoded
form or multipart/form-data. In the form encodings every value is a string
(python-telegram-bot sends ``chat_id="123"``, ``disable_notification="true"``
and nested objects such as ``reply_markup`` as JSON text), so every accessor
converts from either representation, the way the Bot API server does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError, bad_request


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None):
        self._values = values
        self.files: dict[str, UploadedFile] = files or {}

    def raw(self) -> dict[str, Any]:
        return dict(self._values)

    def has(self, name: str) -> bool:
        value = self._values.get(name)
        return value is not None and value != ""

    def get(self, name: str) -> Any:
        return self._values.get(name)

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self._values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        """Integer parameter. Like the Bot API server, junk parses as 0 so that
        the natural "not found" error of the method follows."""
        value = self._values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            try:
                return int(float(str(value).strip()))
            except ValueError:
                return 0

    def get_float(self, name: str, default: float | None = None) -> float | None:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            return 0.0

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        return str(value).strip().lower() in ("true", "1")

    def get_json(self, name: str, error: str) -> Any:
        """A nested object/array: native in JSON bodies, JSON text in forms.

        ``error`` is the Telegram description used when the text is not JSON.
        """
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error) from None
        return value


async def read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.body_exists:
        ctype = request.content_type
        if ctype == "application/json":
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: can't parse JSON object")
                values.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, item in form.items():
                if isinstance(item, web.FileField):
                    files[key] = UploadedFile(
                        field=key,
                        filename=item.filename,
                        content_type=item.content_type,
                        data=item.file.read(),
                    )
                    item.file.close()
                else:
                    values[key] = item
    return Params(values, files)
