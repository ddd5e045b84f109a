"""Async helper for tests and demos: drives the sandbox's control API.

    async with SandboxClient(url) as sandbox:
        await sandbox.add_bot(TOKEN)
        alice = await sandbox.create_user("王", phone_number="13800138000")
        await alice.send_text("/start")
        reply = await alice.wait_for_bot_message("欢迎")
        await alice.tap("分享手机号")
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp

JSON = dict[str, Any]


class SandboxError(Exception):
    """The control API refused a request (status + its description)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description


class _Own:
    """Default for ``share_contact(user_id=...)``: the sharer's own id."""

    def __repr__(self) -> str:
        return "<own id>"


OWN = _Own()


class SandboxClient:
    def __init__(
        self, base_url: str, session: aiohttp.ClientSession | None = None, *, bot_id: int | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        self.bot_id = bot_id  # default bot for create_user()

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    async def request(self, method: str, path: str, body: JSON | None = None,
                      params: dict[str, Any] | None = None) -> JSON:
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        async with self.session.request(method, self.base_url + path, json=body, params=query) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 400 or not isinstance(data, dict):
                description = data.get("description", "") if isinstance(data, dict) else str(data)
                raise SandboxError(resp.status, description)
            result: JSON = data
            return result

    # ---------------------------------------------------------------- setup
    async def add_bot(self, token: str, *, username: str | None = None,
                      first_name: str | None = None, min_update_id: int | None = None) -> JSON:
        """`min_update_id`: number the bot's updates from at least this (past those it has seen)."""
        body: JSON = {"token": token}
        if username:
            body["username"] = username
        if first_name:
            body["first_name"] = first_name
        if min_update_id is not None:
            body["min_update_id"] = min_update_id
        bot = await self.request("POST", "/sandbox/bots", body)
        if self.bot_id is None:
            self.bot_id = int(bot["id"])
        return bot

    async def bots(self) -> list[JSON]:
        return list((await self.request("GET", "/sandbox/bots"))["bots"])

    async def bot_info(self, bot_id: int | None = None) -> JSON:
        return await self.request("GET", f"/sandbox/bots/{await self._bot_id(bot_id)}")

    async def _bot_id(self, bot_id: int | None) -> int:
        if bot_id is not None:
            return bot_id
        if self.bot_id is None:
            bots = await self.bots()
            if not bots:
                raise SandboxError(404, "the sandbox has no bot; add_bot() first")
            self.bot_id = int(bots[0]["id"])
        return self.bot_id

    async def create_user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        phone_number: str | None = None,
        user_id: int | None = None,
        language_code: str = "zh-hans",
        bot_id: int | None = None,
        started: bool = False,
    ) -> SandboxUser:
        """Creates a person; the returned helper chats with ``bot_id`` (default:
        the client's bot, i.e. the first one added). ``started``: they wrote to
        every bot before (in an earlier run), so the bots may write first."""
        body: JSON = {"first_name": first_name, "language_code": language_code}
        if started:
            body["started"] = True
        for key, value in (("last_name", last_name), ("username", username),
                           ("phone_number", phone_number), ("id", user_id)):
            if value is not None:
                body[key] = value
        user = await self.request("POST", "/sandbox/users", body)
        return self.user(await self._bot_id(bot_id), user)

    async def users(self) -> list[JSON]:
        return list((await self.request("GET", "/sandbox/users"))["users"])

    async def create_group(self, title: str, member_ids: list[int], *, supergroup: bool = False) -> JSON:
        body = {"type": "supergroup" if supergroup else "group", "title": title, "member_ids": member_ids}
        return await self.request("POST", "/sandbox/chats", body)

    def user(self, bot_id: int, user: JSON) -> SandboxUser:
        return SandboxUser(self, bot_id, user)

    # ------------------------------------------------------------ settings
    async def configure_flood(self, **limits: float | None) -> JSON:
        return await self.request("POST", "/sandbox/config", dict(limits))

    async def flood_config(self) -> JSON:
        return await self.request("GET", "/sandbox/config")

    async def stats(self) -> JSON:
        return await self.request("GET", "/sandbox/stats")

    async def reset_stats(self) -> JSON:
        return await self.request("POST", "/sandbox/stats/reset")

    async def inject_fault(self, bot_id: int, method: str, error_code: int, description: str | None = None,
                           count: int = 1, retry_after: int | None = None) -> JSON:
        body: JSON = {"method": method, "error_code": error_code, "count": count}
        if description is not None:
            body["description"] = description
        if retry_after is not None:
            body["retry_after"] = retry_after
        return await self.request("POST", f"/sandbox/bots/{bot_id}/faults", body)

    async def calls(self, bot_id: int, method: str | None = None) -> list[JSON]:
        data = await self.request("GET", f"/sandbox/bots/{bot_id}/calls", params={"method": method})
        return list(data["calls"])

    async def acknowledged(self, bot_id: int, start: int = 0) -> list[int]:
        """Update ids the bot acknowledged (Telegram forgot them then), in order, from `start`."""
        data = await self.request("GET", f"/sandbox/bots/{bot_id}/acknowledged", params={"start": start})
        return list(data["update_ids"])

    async def callback_answers(self, bot_id: int, callback_query_id: str | None = None) -> list[JSON]:
        data = await self.request("GET", f"/sandbox/bots/{bot_id}/callback_answers",
                                  params={"callback_query_id": callback_query_id})
        return list(data["answers"])

    async def chat_messages(self, bot_id: int, chat_id: int, after: int = 0, *,
                            wait: float | None = None, min_count: int | None = None) -> list[JSON]:
        data = await self.request(
            "GET", f"/sandbox/bots/{bot_id}/chats/{chat_id}/messages",
            params={"after": after, "wait": wait, "min": min_count},
        )
        return list(data["messages"])


def _text_of(message: JSON) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _is_bot(message: JSON) -> bool:
    return bool(message.get("from", {}).get("is_bot"))


class SandboxUser:
    """One person chatting privately with one bot."""

    def __init__(self, client: SandboxClient, bot_id: int, user: JSON) -> None:
        self.client = client
        self.bot_id = bot_id
        self.info = user
        self.id: int = int(user["id"])
        self.first_name: str = user["first_name"]
        self.last_name: str | None = user.get("last_name")
        self.username: str | None = user.get("username")
        self.phone_number: str | None = user.get("phone_number")
        self.last_seen = 0  # id of the last message this helper has seen

    def __repr__(self) -> str:
        return f"<SandboxUser {self.id} with bot {self.bot_id}>"

    @property
    def _base(self) -> str:
        return f"/sandbox/bots/{self.bot_id}"

    def _seen(self, message: JSON) -> JSON:
        self.last_seen = max(self.last_seen, int(message["message_id"]))
        return message

    async def _send(self, body: JSON) -> JSON:
        result = await self.client.request("POST", f"{self._base}/send", {"from_id": self.id, **body})
        return self._seen(result["message"])

    # ------------------------------------------------------------- acting
    async def send_text(self, text: str, *, reply_to_message_id: int | None = None) -> JSON:
        body: JSON = {"text": text}
        if reply_to_message_id is not None:
            body["reply_to_message_id"] = reply_to_message_id
        return await self._send(body)

    async def share_contact(self, phone_number: str | None = None, user_id: int | _Own | None = OWN,
                            first_name: str | None = None, last_name: str | None = None) -> JSON:
        """Sends a contact card. By default it is the person's own (own phone and
        user_id, as the "share my phone" button does); a different phone number
        without an explicit ``user_id`` is someone else's contact (no user_id)."""
        phone = phone_number or self.phone_number
        if not phone:
            raise SandboxError(400, f"user {self.id} has no phone_number; pass one")
        if isinstance(user_id, _Own):
            user_id = self.id if phone == self.phone_number or phone_number is None else None
        contact: JSON = {"phone_number": phone, "first_name": first_name or self.first_name}
        if last_name or (first_name is None and self.last_name):
            contact["last_name"] = last_name or self.last_name
        if user_id is not None:
            contact["user_id"] = user_id
        return await self._send({"contact": contact})

    async def send_voice(self, duration: int = 3, data: bytes | None = None, caption: str | None = None) -> JSON:
        body: JSON = {"voice": {"duration": duration}}
        if data is not None:
            body["data_b64"] = base64.b64encode(data).decode()
        if caption:
            body["caption"] = caption
        return await self._send(body)

    async def send_photo(self, data: bytes | None = None, caption: str | None = None,
                         width: int | None = None, height: int | None = None) -> JSON:
        spec: JSON = {}
        if width is not None and height is not None:
            spec = {"width": width, "height": height}
        body: JSON = {"photo": spec}
        if data is not None:
            body["data_b64"] = base64.b64encode(data).decode()
        if caption:
            body["caption"] = caption
        return await self._send(body)

    async def send_document(self, data: bytes | None = None, file_name: str = "document.pdf",
                            mime_type: str | None = None, caption: str | None = None) -> JSON:
        body: JSON = {"document": {"file_name": file_name, "mime_type": mime_type}}
        if data is not None:
            body["data_b64"] = base64.b64encode(data).decode()
        if caption:
            body["caption"] = caption
        return await self._send(body)

    async def tap(self, label: str) -> JSON:
        """Taps a reply-keyboard button; raises SandboxError if it is not shown."""
        result = await self.client.request("POST", f"{self._base}/tap", {"from_id": self.id, "label": label})
        return self._seen(result["message"])

    async def press(self, label: str | None = None, data: str | None = None,
                    message_id: int | None = None) -> JSON:
        """Presses an inline button; returns the callback_query sent to the bot."""
        body: JSON = {"from_id": self.id}
        for key, value in (("label", label), ("data", data), ("message_id", message_id)):
            if value is not None:
                body[key] = value
        result = await self.client.request("POST", f"{self._base}/press", body)
        return dict(result["callback_query"])

    async def block(self, reason: str = "blocked") -> JSON:
        return await self.client.request(
            "POST", f"{self._base}/users/{self.id}/block", {"blocked": True, "reason": reason}
        )

    async def unblock(self) -> JSON:
        return await self.client.request("POST", f"{self._base}/users/{self.id}/block", {"blocked": False})

    # ------------------------------------------------------------- reading
    async def messages(self, after: int = 0) -> list[JSON]:
        return await self.client.chat_messages(self.bot_id, self.id, after)

    async def bot_messages(self, after: int = 0) -> list[JSON]:
        return [m for m in await self.messages(after) if _is_bot(m)]

    async def wait_for_bot_message(self, contains: str | None = None, *, after: int | None = None,
                                   timeout: float = 5.0) -> JSON:
        """Waits for a new bot message (after the last one this helper saw, or
        ``after``) whose text or caption contains ``contains``."""
        start = self.last_seen if after is None else after
        cursor = start
        seen: list[JSON] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            batch = await self.client.chat_messages(
                self.bot_id, self.id, cursor, wait=round(remaining, 3), min_count=1
            )
            for message in batch:
                cursor = max(cursor, int(message["message_id"]))
                if not _is_bot(message):
                    continue
                seen.append(message)
                if contains is None or contains in _text_of(message):
                    return self._seen(message)
        shown = "\n".join(f"  #{m['message_id']}: {_text_of(m)!r}" for m in seen) or "  (none)"
        wanted = f"containing {contains!r}" if contains is not None else "at all"
        raise AssertionError(
            f"no bot message {wanted} after #{start} within {timeout}s; bot messages seen:\n{shown}"
        )

    async def keyboard(self) -> JSON | None:
        data = await self.client.request("GET", f"{self._base}/chats/{self.id}/keyboard")
        keyboard: JSON | None = data["keyboard"]
        return keyboard

    async def keyboard_labels(self) -> list[list[str]]:
        keyboard = await self.keyboard()
        if not keyboard:
            return []
        return [[b["text"] for b in row] for row in keyboard["keyboard"]]

    @staticmethod
    def inline_labels(message: JSON) -> list[list[str]]:
        markup = message.get("reply_markup") or {}
        return [[b["text"] for b in row] for row in markup.get("inline_keyboard", [])]
