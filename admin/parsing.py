"""Parse requests with pydantic, answer with JSON. Every refusal names the field."""
from __future__ import annotations

import json
from datetime import date, datetime, time, tzinfo
from typing import Annotated, Any, Generic, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from yinling.errors import DomainError, InvalidInput
from yinling.models import window_problems

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
JSON_BODY_LIMIT = 256 * 1024
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id cannot exist, and must not reach the driver
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class TooLarge(DomainError):
    code = "too_large"
    status = 413


class Strict(BaseModel):
    """Request bodies: unknown fields are refused, not ignored; JSON bodies are validated strictly
    (no 0 for false, no number for a date)."""

    model_config = ConfigDict(extra="forbid")


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


async def read_body(request: web.Request, limit: int) -> bytes:
    """The whole body, however many pieces it arrives in (a slow or chunked client), and no more than
    limit + 1 bytes of it: the caller refuses a longer one. One read() returns only what has come."""
    raw = bytearray()
    while len(raw) <= limit:
        piece = await request.content.read(limit + 1 - len(raw))
        if not piece:
            break
        raw += piece
    return bytes(raw)


async def parse_json(request: web.Request, model: type[M]) -> M:
    if request.content_length is not None and request.content_length > JSON_BODY_LIMIT:
        raise TooLarge(f"body over {JSON_BODY_LIMIT} bytes")
    raw = await read_body(request, JSON_BODY_LIMIT)
    if len(raw) > JSON_BODY_LIMIT:
        raise TooLarge(f"body over {JSON_BODY_LIMIT} bytes")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("body is not valid JSON", fields={"body": "not valid JSON"}) from None
    except RecursionError:  # [[[[...]]]] deeper than Python's stack: no body of ours nests like that
        raise InvalidInput("body nests too deep", fields={"body": "nests too deep"}) from None
    if not isinstance(data, dict):
        raise InvalidInput("body must be a JSON object", fields={"body": "must be a JSON object"})
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        fields = field_errors(exc)
        raise InvalidInput(f"invalid {', '.join(fields)}", fields=fields) from None


def parse_query(request: web.Request, model: type[M]) -> M:
    data: dict[str, Any] = {}
    for key in request.query:
        values = request.query.getall(key)
        data[key] = values[0] if len(values) == 1 else values
    return validate(model, data)


def query_moment(name: str, value: str | None, default: T, tz: tzinfo) -> datetime | T:
    """A query's day (its local midnight) or moment; the pattern that let it through cannot tell
    2026-02-31 from a real day, so that is refused here, naming the parameter."""
    if value is None:
        return default
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            moment = datetime.combine(date.fromisoformat(value), time(0), tzinfo=tz)
    except ValueError:
        raise InvalidInput(f"{name} is not a real date", fields={name: "not a real date"}) from None
    if problems := window_problems(**{name: moment}):
        raise InvalidInput(f"{name} is out of range", fields=problems)
    return moment


def path_id(request: web.Request, name: str = "id") -> int:
    """The route matched digits only; here they must also fit an id."""
    raw = request.match_info[name]
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise InvalidInput(f"{name} must be an integer from 1 to {MAX_ID}", fields={name: "not an id"})
    return int(raw)


def respond(body: BaseModel | dict, status: int = 200, *, exclude: set[str] | None = None) -> web.Response:
    data = body.model_dump(mode="json", exclude=exclude) if isinstance(body, BaseModel) else body
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))
