"""Telling staff: a message to the staff group, when one is configured.

Without a staff group nothing is lost: what staff must act on is also a row (pending registration,
unreachable flag, 留言) that the staff API lists.
"""
from __future__ import annotations

from yinling.models import Keyboard, OutgoingMessage, Priority, Staff
from yinling.services.core import Core
from yinling.store.database import Transaction


async def notify_staff(
    core: Core, tx: Transaction, text: str, *, priority: Priority = Priority.NORMAL, keyboard: Keyboard | None = None,
    source: str = "staff",
) -> None:
    chat_id = core.settings.staff_chat_id
    if chat_id is None:
        return
    await core.outbox.enqueue(
        tx, OutgoingMessage(chat_id=chat_id, text=text, priority=priority, keyboard=keyboard, source=source)
    )


async def notify_person(core: Core, tx: Transaction, staff: Staff | None, text: str, *, priority: Priority) -> None:
    """A direct message to one staff member, when their Telegram account is linked (a bot can only
    write to people who started a chat with it; if they have not, delivery fails and is recorded)."""
    if staff is None or staff.telegram_user_id is None:
        return
    await core.outbox.enqueue(
        tx, OutgoingMessage(chat_id=staff.telegram_user_id, text=text, priority=priority, source="staff-dm")
    )
