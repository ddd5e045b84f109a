"""Bot API error type shared by the sandbox modules."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered to a Bot API client exactly as Telegram would.

    ``description`` is the full Telegram text, including its category prefix
    ("Bad Request: ...", "Forbidden: ..."), because clients match on it.
    """

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


def forbidden(text: str) -> ApiError:
    return ApiError(403, f"Forbidden: {text}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


CHAT_NOT_FOUND = "chat not found"


class ControlError(Exception):
    """An error of the control API (``/sandbox/...``): HTTP status + description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
