"""A Turn: one inbound chat event handled in one write transaction.

The event's id is recorded in the same transaction as everything it causes (state changes,
outgoing messages), so a replayed event does nothing and a crash mid-way leaves no half-effect.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from yinling import texts
from yinling.models import Button, ChatEvent, Dialog, Inbound, Keyboard, OutgoingMessage, Priority, Retiree
from yinling.services.core import Core
from yinling.store import dialogs as dialog_store
from yinling.store import retirees as retiree_store
from yinling.store import updates as update_store
from yinling.store.database import Transaction


def main_menu() -> Keyboard:
    labels = [label for _, label in texts.MENU]
    return Keyboard.choices(*(labels[i : i + 2] for i in range(0, len(labels), 2)))


def verify_keyboard() -> Keyboard:
    return Keyboard(kind="choices", rows=((Button(label=texts.VERIFY_BUTTON, request="contact"),),))


def nav_row() -> list[str]:
    """The way back and the way to a person, side by side under every step (适老化)."""
    return [texts.BACK_BUTTON, texts.HUMAN_BUTTON]


def back_keyboard() -> Keyboard:
    return Keyboard.choices(nav_row())


@dataclass
class Turn:
    core: Core
    tx: Transaction
    event: ChatEvent
    retiree: Retiree | None
    dialog: Dialog
    now: datetime
    replies: list[str] = field(default_factory=list)
    # The inbox message this turn's words were kept as (an alarm keeps them first; a step that keeps
    # the same words again must not make a second item).
    kept: Inbound | None = None
    kept_message_id: int | None = None

    @property
    def bound_retiree(self) -> Retiree:
        """The retiree of this chat, for steps the conversation reaches only once they are bound."""
        if self.retiree is None:
            raise RuntimeError("a step for bound retirees was reached without one")
        return self.retiree

    async def reply(self, text: str, keyboard: Keyboard | None = None) -> None:
        """Answer in this chat, ahead of any bulk sending."""
        self.replies.append(text)
        await self.core.outbox.enqueue(
            self.tx,
            OutgoingMessage(
                chat_id=self.event.chat_id,
                retiree_id=self.retiree.id if self.retiree else None,
                text=text,
                keyboard=keyboard,
                priority=Priority.INTERACTIVE,
                source="chat",
            ),
        )

    def may_take_over(self, *flows: str) -> bool:
        """Whether a question asked from an inline button may become this chat's step: only when the
        step holds nothing unsent (a draft's words stay where they are) or belongs to one of `flows`."""
        return not self.dialog.data or self.dialog.state.split(".", 1)[0] in flows

    async def go(self, state: str, data: dict[str, Any] | None = None) -> None:
        """Move this chat's dialog to `state` (stored, so a restart resumes here)."""
        if state == self.dialog.state and (data or {}) == self.dialog.data:
            return
        await dialog_store.set_state(self.tx, self.event.chat_id, state, now=self.now, data=data)
        self.dialog = Dialog(chat_id=self.event.chat_id, state=state, data=data or {})

    async def show_menu(self, text: str = texts.MENU_PROMPT) -> None:
        await self.go(dialog_store.IDLE)
        await self.reply(text, main_menu())


TurnStep = Callable[[Turn], Awaitable[None]]


async def run_turn(core: Core, event: ChatEvent, step: TurnStep) -> bool:
    """Run `step` for `event` unless the event was handled before. Returns False for a replay."""
    async with core.db.transaction() as tx:
        now = core.clock.now()
        if not await update_store.mark_processed(tx, event.event_id, now=now):
            return False
        retiree, dialog = await dialog_store.load_context(tx, chat_id=event.chat_id, user_id=event.user_id)
        if retiree is not None and not retiree.reachable:  # they wrote to us, so we can write back
            await retiree_store.mark_reachable(tx, retiree.id, now=now)
            retiree = retiree.model_copy(update={"reachable": True})
        await step(Turn(core, tx, event, retiree, dialog, now))
    return True
