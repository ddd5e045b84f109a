"""Parse requests with pydantic, answer with JSON. Every refusal names the field, in Chinese.

Times are the office's (Settings.timezone): a moment read from a body or a query without an offset
("2026-12-10 09:00") is office time, one with an offset is taken as given; every moment answered
carries the office's offset ("2026-12-10T09:00:00+08:00"). The core stores and computes in UTC.
"""
from __future__ import annotations

import json
import re
from contextvars import ContextVar, Token
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Annotated, Any, Generic, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import to_jsonable_python

from admin.keys import SETTINGS
from yinling.errors import DomainError, InvalidInput
from yinling.models import office_context, window_problems

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
JSON_BODY_LIMIT = 256 * 1024
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id cannot exist, and must not reach the driver
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A query's day (its local midnight) or moment; without an offset, office time. Query strings are
# parsed by hand (query_moment), so a number is never taken for a Unix time.
ISO_MOMENT = (r"^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
              r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?)?$")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)?")
_OFFSET_SAMPLE = "2026-01-01T08:00:00+08:00"  # a pattern that takes this takes moments
# The office's timezone for the request being answered; error_middleware (around every request) sets
# it, so respond() needs no request. None outside a request: moments then go out as stored (UTC).
_ANSWER_TZ: ContextVar[tzinfo | None] = ContextVar("answer_tz", default=None)


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


def office_tz(request: web.Request) -> tzinfo:
    """The office's timezone, from the API's app or from an app mounted in it (the console)."""
    return request.config_dict[SETTINGS].tz


def answer_in(tz: tzinfo) -> Token:
    """From here on (this request's task), respond() writes moments in `tz`."""
    return _ANSWER_TZ.set(tz)


def end_answer(token: Token) -> None:
    _ANSWER_TZ.reset(token)


# What a 422 says about one field, by pydantic's error type (codes and field names stay English).
_SAID: dict[str, str] = {
    "missing": "必填",
    "extra_forbidden": "不认识这个字段",
    "string_type": "应是文字",
    "string_unicode": "不是有效的文字",
    "int_type": "应是整数",
    "int_parsing": "应是整数",
    "int_from_float": "应是整数，不能带小数",
    "int_parsing_size": "数字太大了",
    "float_type": "应是数字",
    "float_parsing": "应是数字",
    "finite_number": "应是有限的数字",
    "bool_type": "应是 true 或 false",
    "bool_parsing": "应是 true 或 false",
    "date_type": "应是日期，例如 2026-11-22",
    "date_parsing": "应是日期，例如 2026-11-22",
    "date_from_datetime_parsing": "应是日期，例如 2026-11-22",
    "date_from_datetime_inexact": "应是日期，不带时刻，例如 2026-11-22",
    "datetime_type": "应是时间，例如 2026-11-22T09:00（不带时区即办公室时间）",
    "datetime_parsing": "应是时间，例如 2026-11-22T09:00（不带时区即办公室时间）",
    "datetime_from_date_parsing": "应是时间，例如 2026-11-22T09:00（不带时区即办公室时间）",
    "datetime_object_invalid": "不是有效的时间",
    "timezone_aware": "要带时区，例如 2026-11-22T09:00:00+08:00",
    "timezone_naive": "不能带时区",
    "list_type": "应是列表（[...]）",
    "tuple_type": "应是列表（[...]）",
    "set_type": "应是列表（[...]）",
    "dict_type": "应是对象（{...}）",
    "model_type": "应是对象（{...}）",
    "model_attributes_type": "应是对象（{...}）",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应是 JSON 文本",
    "none_required": "只能是 null",
    "union_tag_invalid": "类型不对",
    "union_tag_not_found": "缺少类型",
}
# The same, with a limit or the allowed values from the error's context.
_SAID_WITH: dict[str, str] = {
    "string_too_long": "最多 {max_length} 个字",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少要有 {min_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "multiple_of": "应是 {multiple_of} 的倍数",
    "string_pattern_mismatch": "格式不对，应符合 {pattern}",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def field_message(error: Any) -> str:
    """One pydantic error (an ErrorDetails) in Chinese, for staff reading a 422."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _SAID:
        return _SAID[kind]
    if kind == "string_pattern_mismatch" and re.search(str(ctx.get("pattern")), _OFFSET_SAMPLE):
        return "应是日期（2026-11-01）或时间（2026-11-01T08:00，不带时区即办公室时间）"
    if kind in _SAID_WITH:
        try:
            return _SAID_WITH[kind].format(**ctx)
        except (KeyError, IndexError):  # a context without the limit: say what kind of limit it was
            return f"填写的内容不符合要求（{kind}）"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字"
    if kind in ("literal_error", "enum"):
        return f"只能是 {_choices(str(ctx.get('expected', '')))}"
    if kind in ("value_error", "assertion_error"):  # a model's own rule: its own words
        return str(ctx.get("error") or error["msg"])
    if _CJK.search(error["msg"]):  # our own errors (day_out_of_window ...) speak Chinese already
        return error["msg"]
    return f"填写的内容不符合要求（{kind}）"


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" -> "a、b、c"."""
    return "、".join(part.strip().strip("'") for part in re.split(r",\s*|\s+or\s+", expected) if part.strip())


def fields_message(fields: dict[str, str]) -> str:
    return f"这些字段需要改正：{'、'.join(fields)}"


def field_errors(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(name, field_message(error))
    return fields


def invalid(exc: ValidationError) -> InvalidInput:
    fields = field_errors(exc)
    return InvalidInput(fields_message(fields), fields=fields)


def validate(model: type[M], data: Any, *, tz: tzinfo | None = None) -> M:
    """`tz`: the office's, for moments without an offset (default: the request's, once answer_in ran)."""
    tz = tz or _ANSWER_TZ.get()
    try:
        return model.model_validate(data, context=office_context(tz) if tz else None)
    except ValidationError as exc:
        raise invalid(exc) from None


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
    too_large = f"请求内容太大，最多 {JSON_BODY_LIMIT // 1024} KB"
    if request.content_length is not None and request.content_length > JSON_BODY_LIMIT:
        raise TooLarge(too_large)
    raw = await read_body(request, JSON_BODY_LIMIT)
    if len(raw) > JSON_BODY_LIMIT:
        raise TooLarge(too_large)
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("请求内容不是有效的 JSON", fields={"body": "不是有效的 JSON"}) from None
    except RecursionError:  # [[[[...]]]] deeper than Python's stack: no body of ours nests like that
        raise InvalidInput("请求内容嵌套太深", fields={"body": "嵌套太深"}) from None
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应是一个 JSON 对象", fields={"body": "应是 JSON 对象（{...}）"})
    try:
        return model.model_validate_json(raw, strict=True, context=office_context(office_tz(request)))
    except ValidationError as exc:
        raise invalid(exc) from None


@cache
def moment_parameters(model: type[BaseModel]) -> frozenset[str]:
    """The query parameters of `model` that take a moment as text (a string whose pattern takes one)."""
    names = set()
    for name, prop in model.model_json_schema().get("properties", {}).items():
        patterns = [part.get("pattern") for part in (prop, *prop.get("anyOf", ()))]
        if any(p and re.search(p, _OFFSET_SAMPLE) for p in patterns):
            names.add(name)
    return frozenset(names)


def with_office_offset(value: str, tz: tzinfo) -> str:
    """'2026-12-10 09:00' -> '2026-12-10T09:00:00+08:00' (office time); a day, a moment with its offset,
    or anything else is left as it is, for the pattern and query_moment to judge."""
    if not _MOMENT.fullmatch(value):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.isoformat() if moment.utcoffset() is not None else office_iso(moment.replace(tzinfo=tz), tz)


def parse_query(request: web.Request, model: type[M]) -> M:
    tz = office_tz(request)
    moments = moment_parameters(model)
    data: dict[str, Any] = {}
    for key in request.query:
        values = request.query.getall(key)
        if key in moments:
            values = [with_office_offset(value, tz) for value in values]
        data[key] = values[0] if len(values) == 1 else values
    return validate(model, data, tz=tz)


def query_moment(name: str, value: str | None, default: T, tz: tzinfo) -> datetime | T:
    """A query's day (its local midnight) or moment (office time without an offset); the pattern that
    let it through cannot tell 2026-02-31 from a real day, so that is refused here, naming the parameter."""
    if value is None:
        return default
    try:
        if _DAY.fullmatch(value):
            moment = datetime.combine(date.fromisoformat(value), time(0), tzinfo=tz)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.utcoffset() is None:
                moment = moment.replace(tzinfo=tz)
    except ValueError:
        raise InvalidInput(f"{name} 不是真实的日期或时间", fields={name: "不是真实的日期或时间"}) from None
    if problems := window_problems(**{name: moment}):
        raise InvalidInput(f"{name} 超出了可以填的范围", fields=problems)
    return moment


def ordered_period(start: datetime | None, end: datetime | None) -> None:
    """A period [from, to) must begin before it ends (either may be open)."""
    if start is not None and end is not None and start >= end:
        raise InvalidInput("开始时间（from）要早于结束时间（to）", fields={"from": "要早于 to"})


def recent_period(start: str | None, end: str | None, *, now: datetime, tz: tzinfo,
                  days: int = 30) -> tuple[datetime, datetime]:
    """A statistics period [from, to) from the query: `to` defaults to now, `from` to `days` before it."""
    until = query_moment("to", end, now, tz)
    since = query_moment("from", start, until - timedelta(days=days), tz)
    ordered_period(since, until)
    return since, until


def path_id(request: web.Request, name: str = "id") -> int:
    """The route matched digits only; here they must also fit an id."""
    raw = request.match_info[name]
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise InvalidInput(f"{name} 应是 1 到 {MAX_ID} 之间的整数", fields={name: "不是有效的编号"})
    return int(raw)


def respond(body: BaseModel | dict, status: int = 200, *, exclude: set[str] | None = None,
            by_alias: bool = False) -> web.Response:
    """JSON, with every moment in the office's time. A model is dumped with its moments still datetimes,
    so exactly they are converted; a dict is written as it is (moments as datetimes are converted too,
    text is never rewritten: a view with moments to answer passes a model)."""
    tz = _ANSWER_TZ.get()
    data: Any = body.model_dump(exclude=exclude, by_alias=by_alias) if isinstance(body, BaseModel) else body
    return web.json_response(data, status=status, dumps=lambda d: _dumps(d, tz))


def office_iso(moment: datetime, tz: tzinfo) -> str:
    """An aware moment as the office's clock shows it, with the office's offset. Before 1901 Shanghai
    kept its local mean time (+08:05:43), an offset RFC 3339 cannot write: such a moment goes out in UTC."""
    local = moment.astimezone(tz)
    offset = local.utcoffset()
    if offset is not None and offset.seconds % 60 == 0 and not offset.microseconds:
        return local.isoformat()
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _dumps(data: Any, tz: tzinfo | None) -> str:
    def jsonable(value: Any) -> Any:
        if tz is not None and isinstance(value, datetime) and value.utcoffset() is not None:
            return office_iso(value, tz)
        return to_jsonable_python(value)

    return json.dumps(data, ensure_ascii=False, default=jsonable)
