"""Factories with named constants, so tests read as the situation they set up."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from yinling.config import Settings
from yinling.models import ChatEvent, Inbound, RetireeFields
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store.database import Database

STAFF_CHAT_ID = -1001234567890
OFFICE_PHONE = "0931-8888888"
LIAISON_PHONE = "13900001001"
ROSTER_PHONE = "13800000001"
OTHER_ROSTER_PHONE = "13800000002"
UNKNOWN_PHONE = "13700009999"
TELEGRAM_USER = 555000111
OTHER_TELEGRAM_USER = 555000222


def make_settings(db_path: Path, **overrides) -> Settings:
    values = dict(
        db=db_path,
        telegram_token="123456:TEST-token-for-tests-only",
        staff_chat_id=STAFF_CHAT_ID,
        office_phone=OFFICE_PHONE,
        outbox_poll_seconds=0.2,
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def add_liaison(db: Database, clock, *, username: str = "wangfang", name: str = "王芳",
                      phone: str | None = LIAISON_PHONE) -> int:
    async with db.transaction() as tx:
        return await staff_store.insert(
            tx, username=username, display_name=name, role="liaison", phone=phone, now=clock.now()
        )


async def add_retiree(db: Database, clock, *, name: str = "张建国", phone: str | None = ROSTER_PHONE,
                      liaison_id: int | None = None, **fields) -> int:
    values = dict(name=name, phones=(phone,) if phone else (), birth_date=date(1942, 3, 12), liaison_id=liaison_id)
    values.update(fields)
    async with db.transaction() as tx:
        return await retiree_store.insert_record(tx, RetireeFields(**values), now=clock.now())


class Events:
    """Chat events from one Telegram user, with increasing event ids like Telegram's update_id."""

    def __init__(self, user_id: int = TELEGRAM_USER, name: str = "Zhang", start: int = 1000) -> None:
        self.user_id = user_id
        self.name = name
        self.next_id = start

    def next(self) -> ChatEvent:
        self.next_id += 1
        return ChatEvent(event_id=self.next_id, user_id=self.user_id, chat_id=self.user_id, display_name=self.name)


async def add_bound_retiree(db: Database, clock, user_id: int, *, name: str | None = None, **fields) -> int:
    """A retiree already verified in the chat (their private chat id is their user id, as in Telegram)."""
    retiree_id = await add_retiree(db, clock, name=name or f"老同志{user_id % 10000}", phone=None, **fields)
    async with db.transaction() as tx:
        await retiree_store.bind_telegram(tx, retiree_id, user_id=user_id, chat_id=user_id, now=clock.now())
    return retiree_id


async def bind_many(tx, user_ids: list[int], *, now) -> None:
    """Many retirees already verified in the chat, in one transaction (crash tests seed thousands)."""
    for uid in user_ids:
        fields = RetireeFields(name=f"老同志{uid % 10000}", birth_date=date(1945, 1, 1))
        retiree_id = await retiree_store.insert_record(tx, fields, now=now)
        await retiree_store.bind_telegram(tx, retiree_id, user_id=uid, chat_id=uid, now=now)


class ChatPerson:
    """A bound retiree pressing buttons and reading what the bot queued for them (service-level tests)."""

    def __init__(self, services, db: Database, user_id: int, retiree_id: int) -> None:
        self.services, self.db, self.user_id, self.retiree_id = services, db, user_id, retiree_id
        self.events = Events(user_id=user_id, start=user_id * 1000)

    async def press(self, action: str) -> str | None:
        return await self.services.conversation.do_press(self.events.next(), action)

    async def say(self, text: str) -> None:
        await self.services.conversation.do_message(self.events.next(), Inbound(kind="text", text=text))

    async def messages(self) -> list[dict]:
        """Everything queued for this chat, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT text, keyboard, priority FROM outbox WHERE chat_id = ? ORDER BY id", (self.user_id,))
        return [{"text": r["text"], "keyboard": json.loads(r["keyboard"]) if r["keyboard"] else None,
                 "priority": r["priority"]} for r in rows]

    async def last(self) -> dict:
        return (await self.messages())[-1]

    async def buttons(self) -> list[tuple[str, str]]:
        keyboard = (await self.last())["keyboard"]
        return [(b["label"], b.get("action")) for row in keyboard["rows"] for b in row] if keyboard else []
