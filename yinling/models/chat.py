"""What a chat face hands to the core, and the intake: every update as received, before and after
it is processed."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from yinling.models.common import Frozen


class Contact(Frozen):
    phone: str
    user_id: int | None  # whose contact card it is, when the channel knows


class Inbound(Frozen):
    """Something a person sent that is not a button: text, or a voice note / photo / document."""

    kind: Literal["text", "voice", "photo", "document"]
    text: str | None = None
    file_id: str | None = None


class ChatEvent(Frozen):
    """One thing that happened in a chat. `event_id` is the channel's id for it (Telegram's
    update_id): an event seen twice has one effect."""

    event_id: int
    user_id: int
    chat_id: int
    display_name: str = ""


# ---- the intake: every update as received, before and after it is processed ------------------------

InboundKind = Literal["text", "voice", "photo", "document", "contact", "press", "command", "other", "unparseable"]


class InboundRecord(Frozen):
    """One update as the intake stores it: the channel-neutral columns a face read from it, and its
    JSON as received. `error` is set for an update that cannot be processed at all (unparseable): it
    is stored already processed, so nothing retries it forever."""

    update_id: int
    chat_id: int | None = None
    user_id: int | None = None
    kind: InboundKind
    text: str | None = None  # message text or caption; for a press, the button's label (else its data)
    file_id: str | None = None
    raw: str
    error: str | None = None


class StoredUpdate(Frozen):
    """An intake row. `raw` is read only where asked for (a restart re-reads it; a conversation does not)."""

    update_id: int
    chat_id: int | None = None
    user_id: int | None = None
    kind: InboundKind
    text: str | None = None
    file_id: str | None = None
    raw: str | None = None
    received_at: datetime
    processed_at: datetime | None = None
    error: str | None = None

