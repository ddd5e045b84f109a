"""Errors as JSON: {"error": {"code", "message", "fields"}}; DomainError -> its status. Codes are
English, for programs; messages are Chinese, for the staff who read them."""
from __future__ import annotations

import json
import logging

from aiohttp import web

from admin.parsing import answer_in, end_answer, office_tz
from yinling.errors import DomainError, RateLimited

log = logging.getLogger(__name__)

# What aiohttp's own refusals (no route, wrong method, a body over the app's limit ...) say to a person.
HTTP_SAID = {
    400: "请求的格式不对",
    401: "请先登录",
    403: "没有权限做这件事",
    404: "没有这个地址",
    405: "这个地址不接受 {method} 请求",
    406: "无法按要求的格式回答",
    408: "请求超时了，请再试一次",
    411: "请求要写明内容长度（Content-Length）",
    413: "请求内容太大了",
    414: "地址太长了",
    415: "不支持这种内容类型",
    417: "无法满足 Expect 请求头",
    429: "请求太频繁，请稍后再试",
    431: "请求头太大了",
    500: "服务器出错了，请稍后再试",
    501: "不支持这种请求",
    503: "服务暂时不可用，请稍后再试",
}
INTERNAL_ERROR = HTTP_SAID[500]


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None, headers=None,
    extra: dict | None = None,
) -> web.Response:
    body = {"error": {"code": code, "message": message, "fields": fields or {}, **(extra or {})}}
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


def http_message(status: int, method: str) -> str:
    return HTTP_SAID.get(status, "请求没有成功（{status}）").format(method=method, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler) -> web.StreamResponse:
    # Outermost, so it also makes the office's timezone known to everything that answers this request
    # (admin.parsing.respond writes moments in it).
    token = answer_in(office_tz(request))
    try:
        return await handler(request)
    except DomainError as exc:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return error_response(exc.status, exc.code, exc.message, exc.fields, headers, exc.extra)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # Keep what aiohttp says beside the status (a 405's Allow header, for one).
        headers = {k: v for k, v in exc.headers.items() if k.lower() not in ("content-type", "content-length")}
        return error_response(exc.status, exc.reason.lower().replace(" ", "_"),
                              http_message(exc.status, request.method), headers=headers)
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return error_response(500, "internal", INTERNAL_ERROR)
    finally:
        end_answer(token)
