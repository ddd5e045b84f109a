"""Control endpoints where a person acts: writing or sending media (``send``), tapping a reply
keyboard button (``tap``), pressing an inline button (``press``) and blocking the bot
(``block``). Each queues the update Telegram would give the bot. The web chat and the tests
drive these."""

from __future__ import annotations

import base64
import binascii
import copy
import time
from typing import Any

from aiohttp import web

from .control_common import ControlBase, as_int, control_endpoint, optional_str, read_body
from .entities import detect_entities
from .errors import ControlError
from .formatting import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH
from .markup import inline_buttons
from .media import DEFAULT_PHOTO_SIZE, fake_voice, tiny_png
from .models import JSON, CallbackQuery, Chat, ChatLog, StoredMessage, User, now_ts
from .state import BotState


class PeopleActions(ControlBase):
    """A person's messages, taps, presses and blocks, stored in the chat and queued as updates."""

    # ---------------------------------------------------------------- helpers
    def _chat_for(self, bot: BotState, user: User, chat_id: int | None) -> tuple[Chat, ChatLog]:
        if chat_id is None or chat_id == user.id:
            chat = self._chat(user.id)
        else:
            chat = self._chat(chat_id)
            if chat.type == "private":
                raise ControlError(400, "a user can only write in their own private chat with the bot")
            if user.id not in chat.member_ids:
                raise ControlError(400, f"user {user.id} is not a member of chat {chat.id}")
        return chat, self.state.chat_log(bot, chat)

    def _post_user_message(
        self,
        bot: BotState,
        chat: Chat,
        chat_log: ChatLog,
        user: User,
        content: JSON,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Stores a message written by a person and queues its update."""
        message: JSON = {
            "message_id": chat_log.allocate_id(),
            "from": user.to_api(),
            "chat": chat.to_api(),
            "date": now_ts(),
        }
        if reply_to_message_id is not None:
            target = chat_log.messages.get(reply_to_message_id)
            if target is None:
                chat_log.next_message_id -= 1  # nothing was sent
                raise ControlError(400, f"message {reply_to_message_id} not found in the chat")
            snapshot = copy.deepcopy(target.data)
            snapshot.pop("reply_to_message", None)
            message["reply_to_message"] = snapshot
        message.update(content)
        if chat.type == "private":
            chat_log.started = True
        else:
            bot.seen_in_groups.add(user.id)
        chat_log.add(StoredMessage(message, from_bot=False))
        update_id = bot.enqueue("message", copy.deepcopy(message))
        return {"message": copy.deepcopy(message), "update_id": update_id}

    @staticmethod
    def _text_content(text: str, key: str = "text") -> JSON:
        entity_key = "entities" if key == "text" else "caption_entities"
        content: JSON = {key: text}
        entities = detect_entities(text, [])
        if entities:
            content[entity_key] = entities
        return content

    def _contact(self, user: User, spec: Any) -> JSON:
        if not isinstance(spec, dict) or not spec.get("phone_number"):
            raise ControlError(400, "contact.phone_number is required")
        contact: JSON = {"phone_number": str(spec["phone_number"])}
        owner: User | None = None
        user_id = as_int(spec.get("user_id"), "contact.user_id", required=False)
        if user_id is not None:
            owner = self.state.users.get(user_id)
        else:
            owner = next(
                (u for u in self.state.users.values() if u.phone_number == contact["phone_number"]), None
            )
        first_name = spec.get("first_name") or (owner.first_name if owner else None)
        if not first_name:
            raise ControlError(400, "contact.first_name is required for an unknown person")
        contact["first_name"] = str(first_name)
        last_name = spec.get("last_name") or (owner.last_name if owner and not spec.get("first_name") else None)
        if last_name:
            contact["last_name"] = str(last_name)
        if user_id is not None:
            contact["user_id"] = user_id
        return contact

    # -------------------------------------------------------- people acting
    @control_endpoint
    async def send(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await read_body(request)
        user = self.state.require_user(as_int(body.get("from_id"), "from_id") or 0)
        chat, chat_log = self._chat_for(bot, user, as_int(body.get("chat_id"), "chat_id", required=False))
        kinds = [k for k in ("text", "contact", "voice", "photo", "document") if body.get(k) is not None]
        if len(kinds) != 1:
            raise ControlError(400, "give exactly one of text, contact, voice, photo, document")
        kind = kinds[0]
        data: bytes | None = None
        if body.get("data_b64") is not None:
            try:
                data = base64.b64decode(str(body["data_b64"]), validate=True)
            except (binascii.Error, ValueError):
                raise ControlError(400, "data_b64 is not valid base64") from None
            if not data:
                raise ControlError(400, "data_b64 is empty")

        content: JSON
        if kind == "text":
            text = body["text"]
            if not isinstance(text, str) or not text.strip():
                raise ControlError(400, "text must be a non-empty string")
            if len(text) > MAX_TEXT_LENGTH:
                raise ControlError(400, "text is longer than 4096 characters")
            content = self._text_content(text)
        elif kind == "contact":
            content = {"contact": self._contact(user, body["contact"])}
        else:
            spec = body[kind]
            if not isinstance(spec, dict):
                spec = {}
            if kind == "voice":
                duration = as_int(spec.get("duration"), "voice.duration", required=False) or 3
                stored = self.sandbox.store_voice(bot, data or fake_voice(duration), duration)
                content = {"voice": self.sandbox.voice_json(stored)}
            elif kind == "photo":
                width = as_int(spec.get("width"), "photo.width", required=False)
                height = as_int(spec.get("height"), "photo.height", required=False)
                if (width is None) != (height is None):
                    raise ControlError(400, "give both photo.width and photo.height")
                if data is None and width is None:
                    width, height = DEFAULT_PHOTO_SIZE  # a "camera photo" unless bytes say otherwise
                content = {"photo": self.sandbox.store_photo(bot, data or tiny_png(), width, height)}
            else:
                stored = self.sandbox.store_document(
                    bot,
                    data or b"%PDF-1.4\n% sandbox document\n%%EOF\n",
                    optional_str(spec, "file_name") or "document.pdf",
                    optional_str(spec, "mime_type"),
                )
                content = {"document": self.sandbox.document_json(stored)}
            caption = body.get("caption")
            if isinstance(caption, str) and caption.strip():
                if len(caption) > MAX_CAPTION_LENGTH:
                    raise ControlError(400, "caption is longer than 1024 characters")
                content.update(self._text_content(caption, "caption"))
        reply_to = as_int(body.get("reply_to_message_id"), "reply_to_message_id", required=False)
        return self._post_user_message(bot, chat, chat_log, user, content, reply_to)

    @control_endpoint
    async def tap(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await read_body(request)
        user = self.state.require_user(as_int(body.get("from_id"), "from_id") or 0)
        label = body.get("label")
        if not isinstance(label, str):
            raise ControlError(400, "label is required")
        chat, chat_log = self._chat_for(bot, user, None)
        keyboard = chat_log.reply_keyboard
        rows = keyboard["keyboard"] if keyboard else []
        button = next((b for row in rows for b in row if b.get("text") == label), None)
        if keyboard is None or button is None:
            raise ControlError(400, f"no button labelled {label!r} on the current reply keyboard")
        content: JSON
        if button.get("request_contact"):
            if not user.phone_number:
                raise ControlError(400, f"user {user.id} has no phone_number to share")
            contact: JSON = {"phone_number": user.phone_number, "first_name": user.first_name}
            if user.last_name:
                contact["last_name"] = user.last_name
            contact["user_id"] = user.id
            content = {"contact": contact}
        else:
            special = next(
                (k for k in ("request_location", "request_poll", "request_users", "request_chat", "web_app")
                 if button.get(k)),
                None,
            )
            if special is not None:
                raise ControlError(400, f"button {label!r} uses {special}, which the sandbox cannot act out")
            content = self._text_content(label)
        if keyboard.get("one_time_keyboard"):
            chat_log.reply_keyboard = None
            chat_log.keyboard_message_id = None
        return self._post_user_message(bot, chat, chat_log, user, content)

    @control_endpoint
    async def press(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        body = await read_body(request)
        user = self.state.require_user(as_int(body.get("from_id"), "from_id") or 0)
        chat, chat_log = self._chat_for(bot, user, as_int(body.get("chat_id"), "chat_id", required=False))
        label, data = body.get("label"), body.get("data")
        if label is None and data is None:
            raise ControlError(400, "give label or data")
        message_id = as_int(body.get("message_id"), "message_id", required=False)
        if message_id is not None:
            one = chat_log.messages.get(message_id)
            if one is None:
                raise ControlError(400, f"message {message_id} not found in the chat")
            candidates = [one]
        else:
            candidates = list(reversed(chat_log.messages.values()))
        found: tuple[StoredMessage, JSON] | None = None
        url_button = False
        for message in candidates:
            if not message.from_bot:
                continue
            for button in inline_buttons(message.data.get("reply_markup")):
                if label is not None and button.get("text") != label:
                    continue
                if "callback_data" not in button:
                    url_button = url_button or data is None
                    continue
                if data is not None and button["callback_data"] != data:
                    continue
                found = (message, button)
                break
            if found:
                break
        if found is None:
            what = f"labelled {label!r}" if label is not None else f"with data {data!r}"
            if url_button:
                raise ControlError(400, f"the inline button {what} is not a callback button")
            raise ControlError(400, f"no inline button {what} in the chat")
        message, button = found
        query = CallbackQuery(
            id=self.state.next_callback_id(bot),
            bot_id=bot.id,
            user_id=user.id,
            chat_id=chat.id,
            message_id=message.message_id,
            data=button["callback_data"],
            chat_instance=chat_log.chat_instance,
            created_at=time.time(),
        )
        bot.callback_queries[query.id] = query
        if chat.type == "private":
            chat_log.started = True
        payload: JSON = {
            "id": query.id,
            "from": user.to_api(),
            "message": copy.deepcopy(message.data),
            "chat_instance": query.chat_instance,
            "data": query.data,
        }
        update_id = bot.enqueue("callback_query", copy.deepcopy(payload))
        return {"callback_query": payload, "update_id": update_id}

    @control_endpoint
    async def block(self, request: web.Request) -> JSON:
        bot = self._bot(request)
        user = self.state.require_user(as_int(request.match_info["user_id"], "user_id") or 0)
        body = await read_body(request)
        blocked = bool(body.get("blocked", True))
        reason = str(body.get("reason") or "blocked")
        if reason not in ("blocked", "deactivated"):
            raise ControlError(400, "reason must be 'blocked' or 'deactivated'")
        previous = bot.blocked.get(user.id)
        if blocked:
            bot.blocked[user.id] = reason
        else:
            bot.blocked.pop(user.id, None)
        chat_log = bot.chats.get(user.id)
        # Telegram tells the bot about (un)blocking with a my_chat_member update.
        was_kicked = previous == "blocked"
        is_kicked = blocked and reason == "blocked"
        if chat_log is not None and chat_log.started and was_kicked != is_kicked:
            member = {"user": bot.user_dict(), "status": "member"}
            kicked = {"user": bot.user_dict(), "status": "kicked", "until_date": 0}
            bot.enqueue(
                "my_chat_member",
                {
                    "chat": chat_log.chat.to_api(),
                    "from": user.to_api(),
                    "date": now_ts(),
                    "old_chat_member": kicked if was_kicked else member,
                    "new_chat_member": kicked if is_kicked else member,
                },
            )
        return {"user_id": user.id, "blocked": blocked, "reason": reason if blocked else None}
