"""Parse requests with pydantic, answer with JSON. Every refusal names the field."""
from __future__ import annotations

import json
from typing import Any, Generic, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from yinling.errors import DomainError, InvalidInput

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
JSON_BODY_LIMIT = 256 * 1024


class TooLarge(DomainError):
    code = "too_large"
    status = 413


class Strict(BaseModel):
    """Request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(Strict):
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(20, ge=1, description="capped at 100")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


def field_errors(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(name, error["msg"])
    return fields


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = field_errors(exc)
        raise InvalidInput(f"invalid {', '.join(fields)}", fields=fields) from None


async def parse_json(request: web.Request, model: type[M]) -> M:
    if request.content_length is not None and request.content_length > JSON_BODY_LIMIT:
        raise TooLarge(f"body over {JSON_BODY_LIMIT} bytes")
    raw = await request.content.read(JSON_BODY_LIMIT + 1)
    if len(raw) > JSON_BODY_LIMIT:
        raise TooLarge(f"body over {JSON_BODY_LIMIT} bytes")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("body is not valid JSON", fields={"body": "not valid JSON"}) from None
    if not isinstance(data, dict):
        raise InvalidInput("body must be a JSON object", fields={"body": "must be a JSON object"})
    return validate(model, data)


def parse_query(request: web.Request, model: type[M]) -> M:
    data: dict[str, Any] = {}
    for key in request.query:
        values = request.query.getall(key)
        data[key] = values[0] if len(values) == 1 else values
    return validate(model, data)


def path_id(request: web.Request, name: str = "id") -> int:
    raw = request.match_info[name]
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidInput(f"{name} must be a positive integer", fields={name: "not an id"})
    return int(raw)


def respond(body: BaseModel | dict, status: int = 200, *, exclude: set[str] | None = None) -> web.Response:
    data = body.model_dump(mode="json", exclude=exclude) if isinstance(body, BaseModel) else body
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))
