"""What every control endpoint (``/sandbox/...``) shares: the decorator that turns results into
JSON and :class:`ControlError` into a 4xx answer, reading the body and its fields, and the base
class holding the sandbox with the bot and chat lookups."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from .core import Sandbox
from .errors import ControlError
from .models import JSON, Chat
from .state import BotState


class ControlBase:
    """The sandbox, and the lookups by path parameter every group of endpoints needs."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state

    def _bot(self, request: web.Request) -> BotState:
        return self.state.require_bot(as_int(request.match_info["bot_id"], "bot_id") or 0)

    def _chat(self, chat_id: int) -> Chat:
        chat = self.state.chat(chat_id)
        if chat is None:
            raise ControlError(404, f"unknown chat {chat_id}")
        return chat


Api = TypeVar("Api", bound=ControlBase)


def control_endpoint(
    handler: Callable[[Api, web.Request], Awaitable[web.StreamResponse | JSON]],
) -> Callable[[Api, web.Request], Awaitable[web.StreamResponse]]:
    """Turns dict results into JSON responses and ControlError into 4xx."""

    async def wrapper(self: Api, request: web.Request) -> web.StreamResponse:
        try:
            result = await handler(self, request)
        except ControlError as exc:
            return json_response({"ok": False, "description": exc.description}, exc.status)
        if isinstance(result, web.StreamResponse):
            return result
        return json_response(result)

    return wrapper


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


async def read_body(request: web.Request) -> JSON:
    if not request.body_exists:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ControlError(400, "request body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlError(400, "request body must be a JSON object")
    return data


def as_int(value: Any, name: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def as_number(value: Any, name: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be a number") from None


def optional_str(body: JSON, name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ControlError(400, f"{name} must be a string")
    return value
