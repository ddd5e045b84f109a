"""Telegram's webhook: updates POSTed with the secret header. Checked in constant time.

200 means "stored": the sink (the bot's intake) returns only once the update is committed, and
Telegram forgets an update it got a 2xx for. Anything short of that answers an error, and Telegram
sends the update again. An update PTB cannot parse is stored too (marked unparseable, processed) and
answered 200: an error would have Telegram resend it forever.
"""
from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from admin.errors import error_response
from admin.keys import SETTINGS, UPDATE_SINK

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20


async def receive_update(request: web.Request) -> web.Response:
    secret = request.app[SETTINGS].webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return error_response(403, "forbidden", "wrong or missing secret token")
    if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
        return error_response(413, "too_large", "update too large")
    try:
        data = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return error_response(400, "invalid_json", "body is not JSON")
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int) or isinstance(data["update_id"], bool):
        return error_response(400, "invalid_update", "update_id missing")
    try:
        await request.app[UPDATE_SINK](data)
    except Exception as exc:  # not stored: Telegram must send it again
        # The type only: an exception's message may quote the update.
        log.error("update %s could not be stored (%s); answering 503", data["update_id"], type(exc).__name__)
        return error_response(503, "not_stored", "update not stored; send it again")
    return web.json_response({"ok": True})
