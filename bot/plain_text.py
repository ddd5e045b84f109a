"""Plain text in a private chat, handled without PTB's objects: most of what retirees send (a tapped
menu button arrives as its label, as text).

PTB turns every update into its objects before a handler sees it. For a Message that is over a
hundred attributes set one by one, about 70 us; with PTB's dispatch around it, skipping both cut the
bot's CPU per update by over a quarter (profiled under bench/inbound.py: 536 -> 378 us). For this
one shape the intake instead builds the ChatEvent here and calls the service that bot/app.py's
handler for it calls (bot/handlers/messages.message); everything else (commands, contacts, media,
presses, groups, the staff chat, any field not listed below) goes through the Application as before.

`match` accepts an update only when (a) those handlers would pick messages.message for it as text:
a `message` in a private chat that is not the staff chat, with text and no command at its start
(PTB's filters.COMMAND reads the first entity only); and (b) PTB would parse it: every field is one
listed here, with the type PTB expects. A failure in the service is handed to the Application's
error handlers with the Update parsed then, as PTB would have done.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from telegram import Update
from telegram.ext import Application

from yinling.models import ChatEvent, Inbound

# field -> the types PTB accepts there; a field not listed sends the update through PTB
_MESSAGE = {"message_id": int, "from": dict, "chat": dict, "date": int, "text": str, "entities": list}
_USER = {"id": int, "is_bot": bool, "first_name": str, "last_name": str, "username": str,
         "language_code": str, "is_premium": bool, "added_to_attachment_menu": bool}
_CHAT = {"id": int, "type": str, "first_name": str, "last_name": str, "username": str}
_ENTITY = {"type": str, "offset": int, "length": int}
_REQUIRED_USER = ("id", "is_bot", "first_name")


@dataclass(frozen=True, slots=True)
class PlainText:
    """A private chat's plain text, as the handler would have passed it to the conversation."""

    data: Mapping[str, Any]  # the update's JSON, parsed by PTB only if handling it fails
    event: ChatEvent
    text: str

    @property
    def chat_id(self) -> int:
        return self.event.chat_id


def _fits(value: Any, fields: Mapping[str, type]) -> TypeGuard[dict[str, Any]]:
    """A JSON object with only `fields`, each of its type (True is no int here)."""
    if not isinstance(value, dict):
        return False
    for key, item in value.items():
        expected = fields.get(key)
        if expected is None or not isinstance(item, expected) or (item.__class__ is bool and expected is not bool):
            return False
    return True


def _entities_fit(entities: list) -> bool:
    """Entities PTB parses, the first no command at the start (PTB's filters.COMMAND)."""
    for entity in entities:
        if not _fits(entity, _ENTITY) or len(entity) != len(_ENTITY):
            return False
    return not entities or entities[0]["type"] != "bot_command" or entities[0]["offset"] != 0


class PlainTextRoute:
    def __init__(self, application: Application, staff_chat_id: int | None) -> None:
        self._app = application
        self._staff_chat_id = staff_chat_id

    def match(self, data: Mapping[str, Any]) -> PlainText | None:
        """`data` (with an int update_id) as a PlainText, or None for PTB's way."""
        message = data.get("message")
        if len(data) != 2 or not _fits(message, _MESSAGE):
            return None
        chat, user = message.get("chat"), message.get("from")
        if not (_fits(chat, _CHAT) and _fits(user, _USER) and _entities_fit(message.get("entities", ()))):
            return None
        text = message.get("text")
        if (not text or "message_id" not in message or "date" not in message or chat.get("type") != "private"
                or "id" not in chat or chat["id"] == self._staff_chat_id or any(k not in user for k in _REQUIRED_USER)):
            return None
        first, last = user["first_name"], user.get("last_name")
        name = f"{first} {last}" if first and last else first  # PTB's User.full_name
        event = ChatEvent(event_id=data["update_id"], user_id=user["id"], chat_id=chat["id"], display_name=name)
        return PlainText(data, event, text)

    async def handle(self, item: PlainText) -> None:
        try:
            await self._app.bot_data.services.conversation.do_message(item.event, Inbound(kind="text", text=item.text))
        except Exception as exc:  # as Application.process_update does with a handler's exception
            update = Update.de_json(dict(item.data), self._app.bot)
            await self._app.process_error(update=update, error=exc)
