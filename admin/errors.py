"""Errors as JSON: {"error": {"code", "message", "fields"}}; DomainError -> its status."""
from __future__ import annotations

import json
import logging

from aiohttp import web

from yinling.errors import DomainError, RateLimited

log = logging.getLogger(__name__)


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None, headers=None,
    extra: dict | None = None,
) -> web.Response:
    body = {"error": {"code": code, "message": message, "fields": fields or {}, **(extra or {})}}
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


@web.middleware
async def error_middleware(request: web.Request, handler) -> web.StreamResponse:
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
        return error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason, headers=headers)
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return error_response(500, "internal", "internal error")
