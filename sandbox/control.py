"""Control API (``/sandbox/...``): tests and the demo page act as people here.

Successful answers are plain JSON objects of the documented shapes; failures
are ``{"ok": false, "description": ...}`` with a 4xx status. This module sets the scene and
reads it back and serves the web chat page; people's actions are in :mod:`sandbox.control_people`,
what both share in :mod:`sandbox.control_common`.
"""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

from aiohttp import web

from .control_common import ControlBase, as_int, as_number, control_endpoint, json_response, optional_str, read_body
from .control_people import PeopleActions
from .core import Sandbox
from .errors import ControlError
from .models import JSON, Fault

WEBCHAT_DIR = Path(__file__).resolve().parent / "webchat"
MAX_CONTROL_WAIT = 60.0
_DEFAULT_FAULT_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ControlApi(ControlBase):
    """The endpoints for setting the scene (bots, users, groups, faults, flood limits) and reading
    what happened (messages, keyboards, answers, calls, acknowledged updates, stats, files), plus
    the web chat page; people's actions are :class:`PeopleActions`'s."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(sandbox)
        self.people = PeopleActions(sandbox)

    def routes(self) -> list[web.RouteDef]:
        r = web
        return [
            r.get("/", self.page),
            r.get("/sandbox/chat", self.page),
            r.post("/sandbox/bots", self.add_bot),
            r.get("/sandbox/bots", self.list_bots),
            r.get("/sandbox/bots/{bot_id}", self.bot_info),
            r.post("/sandbox/users", self.add_user),
            r.get("/sandbox/users", self.list_users),
            r.get("/sandbox/users/{user_id}", self.get_user),
            r.post("/sandbox/chats", self.add_chat),
            r.get("/sandbox/chats", self.list_chats),
            r.post("/sandbox/bots/{bot_id}/send", self.people.send),
            r.post("/sandbox/bots/{bot_id}/tap", self.people.tap),
            r.post("/sandbox/bots/{bot_id}/press", self.people.press),
            r.post("/sandbox/bots/{bot_id}/users/{user_id}/block", self.people.block),
            r.get("/sandbox/bots/{bot_id}/chats/{chat_id}/messages", self.messages),
            r.get("/sandbox/bots/{bot_id}/chats/{chat_id}/keyboard", self.keyboard),
            r.get("/sandbox/bots/{bot_id}/callback_answers", self.callback_answers),
            r.get("/sandbox/bots/{bot_id}/calls", self.calls),
            r.get("/sandbox/bots/{bot_id}/acknowledged", self.acknowledged),
            r.post("/sandbox/bots/{bot_id}/faults", self.add_fault),
            r.get("/sandbox/config", self.get_config),
            r.post("/sandbox/config", self.set_config),
            r.get("/sandbox/stats", self.stats),
            r.post("/sandbox/stats/reset", self.reset_stats),
            r.get("/sandbox/files/{file_id}", self.file),
        ]

    # ------------------------------------------------------------------ page
    async def page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(WEBCHAT_DIR / "index.html", headers={"Cache-Control": "no-store"})

    # ------------------------------------------------------------ registries
    @control_endpoint
    async def add_bot(self, request: web.Request) -> JSON:
        body = await read_body(request)
        token = body.get("token")
        if not isinstance(token, str):
            raise ControlError(400, "token is required")
        bot = self.state.add_bot(token, optional_str(body, "username"), optional_str(body, "first_name"))
        # A bot that met an earlier sandbox (a demo restarted over its database) has seen update ids
        # up to some number: later updates must be numbered past it, as Telegram's always are.
        min_update_id = as_int(body.get("min_update_id"), "min_update_id", required=False)
        if min_update_id is not None:
            bot.next_update_id = max(bot.next_update_id, min_update_id)
        return {**bot.get_me(), "token": bot.token}

    @control_endpoint
    async def list_bots(self, request: web.Request) -> JSON:
        return {"bots": [{**b.get_me(), "token": b.token} for b in self.state.bots.values()]}

    @control_endpoint
    async def bot_info(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        hook = bot.webhook
        webhook = None
        if hook is not None:
            webhook = {
                "url": hook.url,
                "secret_token": hook.secret_token,
                "max_connections": hook.max_connections,
                "last_error_date": hook.last_error_date,
                "last_error_message": hook.last_error_message,
                "allowed_updates": bot.allowed_updates,
            }
        return {
            "bot": {**bot.get_me(), "token": bot.token},
            "webhook": webhook,
            "commands": copy.deepcopy(bot.commands.get(("default", None, None, ""), [])),
            "command_sets": [
                {
                    "scope": {
                        k: v
                        for k, v in (("type", key[0]), ("chat_id", key[1]), ("user_id", key[2]))
                        if v is not None
                    },
                    "language_code": key[3],
                    "commands": copy.deepcopy(commands),
                }
                for key, commands in bot.commands.items()
            ],
            "pending_update_count": len(bot.updates),
            "allowed_updates": bot.allowed_updates,
        }

    @control_endpoint
    async def add_user(self, request: web.Request) -> JSON:
        body = await read_body(request)
        first_name = body.get("first_name")
        if not isinstance(first_name, str) or not first_name.strip():
            raise ControlError(400, "first_name is required")
        language = body.get("language_code", "zh-hans")
        user = self.state.add_user(
            first_name,
            last_name=optional_str(body, "last_name"),
            username=optional_str(body, "username"),
            phone_number=None if body.get("phone_number") is None else str(body["phone_number"]),
            language_code=language if isinstance(language, str) and language else None,
            user_id=as_int(body.get("id"), "id", required=False),
        )
        if body.get("started"):
            # The person wrote to the bots before (in an earlier run): they may write to them first.
            for bot in self.state.bots.values():
                self.state.chat_log(bot, self._chat(user.id)).started = True
        return user.to_control()

    @control_endpoint
    async def list_users(self, request: web.Request) -> JSON:
        return {"users": [u.to_control() for u in self.state.users.values()]}

    @control_endpoint
    async def get_user(self, request: web.Request) -> JSON:
        return self.state.require_user(as_int(request.match_info["user_id"], "user_id") or 0).to_control()

    @control_endpoint
    async def add_chat(self, request: web.Request) -> JSON:
        body = await read_body(request)
        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ControlError(400, "title is required")
        members = body.get("member_ids", [])
        if not isinstance(members, list):
            raise ControlError(400, "member_ids must be a list")
        member_ids = [as_int(m, "member_ids[]") or 0 for m in members]
        chat = self.state.add_group(
            str(body.get("type", "group")), title, member_ids, optional_str(body, "username")
        )
        return chat.to_control()

    @control_endpoint
    async def list_chats(self, request: web.Request) -> JSON:
        return {"chats": [c.to_control() for c in self.state.groups.values()]}

    # --------------------------------------------------------------- reading
    @control_endpoint
    async def messages(self, request: web.Request) -> web.StreamResponse:
        bot = self._bot(request)
        chat = self._chat(as_int(request.match_info["chat_id"], "chat_id") or 0)
        chat_log = self.state.chat_log(bot, chat)
        query = request.query
        after = as_int(query.get("after"), "after", required=False) or 0
        wait = min(max(as_number(query.get("wait"), "wait", 0.0), 0.0), MAX_CONTROL_WAIT)
        minimum = max(as_int(query.get("min"), "min", required=False) or 1, 1)
        # Extension for the web page: wait for any change past this version.
        version = as_int(query.get("version"), "version", required=False)

        def satisfied() -> bool:
            if version is not None:
                return chat_log.version != version
            return len(chat_log.listing(after)) >= minimum

        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not satisfied() and not self.state.closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await chat_log.changed.wait(remaining)
        return json_response(
            {"messages": copy.deepcopy(chat_log.listing(after))},
            headers={"X-Sandbox-Version": str(chat_log.version)},
        )

    @control_endpoint
    async def keyboard(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        chat = self._chat(as_int(request.match_info["chat_id"], "chat_id") or 0)
        chat_log = bot.chats.get(chat.id)
        return {"keyboard": copy.deepcopy(chat_log.reply_keyboard) if chat_log else None}

    @control_endpoint
    async def callback_answers(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        wanted = request.query.get("callback_query_id")
        answers = [
            {**q.answer, "asked_at": q.created_at}
            for q in bot.callback_queries.values()
            if q.answer is not None and (wanted is None or q.id == wanted)
        ]
        return {"answers": answers}

    @control_endpoint
    async def calls(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        wanted = request.query.get("method")
        calls = [
            c for c in bot.calls if wanted is None or c["method"].lower() == wanted.lower()
        ]
        return {"calls": calls}

    @control_endpoint
    async def acknowledged(self, request: web.Request) -> JSON:
        """Update ids the bot acknowledged (getUpdates offset past them, webhook 2xx), in order;
        `start` skips the first ones, for reading a long run in steps."""
        bot = self._bot(request)
        start = as_int(request.query.get("start", "0"), "start") or 0
        return {"update_ids": bot.acknowledged[start:], "total": len(bot.acknowledged)}

    @control_endpoint
    async def add_fault(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await read_body(request)
        method = body.get("method")
        if not isinstance(method, str) or not method:
            raise ControlError(400, "method is required")
        code = as_int(body.get("error_code"), "error_code") or 0
        if not 400 <= code <= 599:
            raise ControlError(400, "error_code must be between 400 and 599")
        count = as_int(body.get("count", 1), "count") or 0
        if count < 1:
            raise ControlError(400, "count must be >= 1")
        retry_after = as_int(body.get("retry_after"), "retry_after", required=False)
        if code == 429 and not retry_after:
            retry_after = 1
        description = body.get("description")
        if not isinstance(description, str) or not description:
            if code == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_FAULT_TEXT.get(code, "Internal Server Error")
        bot.faults.append(Fault(method.lower(), code, description, count, retry_after))
        return {"faults": [f.to_json() for f in bot.faults]}

    # ----------------------------------------------------------- settings
    @control_endpoint
    async def get_config(self, request: web.Request) -> JSON:
        return self.sandbox.flood.config.to_json()

    @control_endpoint
    async def set_config(self, request: web.Request) -> JSON:
        body = await read_body(request)
        try:
            return self.sandbox.flood.reconfigure(**body).to_json()
        except (TypeError, ValueError) as exc:
            raise ControlError(400, str(exc)) from None

    @control_endpoint
    async def stats(self, request: web.Request) -> JSON:
        return self.state.stats.to_json()

    @control_endpoint
    async def reset_stats(self, request: web.Request) -> JSON:
        self.state.stats.reset()
        return self.state.stats.to_json()

    @control_endpoint
    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise ControlError(404, "unknown file")
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
