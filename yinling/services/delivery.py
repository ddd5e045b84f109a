"""The outbox as the sender works it: claim due rows, confirm what went, record tries, give back
what was not sent; and what the sender learns about people while delivering: who can no longer be
reached.

The sender (bot/sender.py) reaches the outbox only through this service. Each method below is one
database call, as the store's own is: the sender batches claims and confirmations, and going
through the service costs it no extra statement or transaction.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

from yinling import texts
from yinling.models import Priority, QueuedMessage, Retiree
from yinling.services.core import Core
from yinling.services.notify import notify_person, notify_staff
from yinling.store import outbox as outbox_store
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store

log = logging.getLogger(__name__)

UnreachableReason = Literal["blocked", "deactivated"]
_STAFF_WHY = {"blocked": texts.STAFF_WHY_BLOCKED, "deactivated": texts.STAFF_WHY_DEACTIVATED}


class DeliveryService:
    def __init__(self, core: Core) -> None:
        self.core = core

    # ---- the outbox, for the sender ----
    async def do_claim(
        self, *, now: datetime, limit: int, max_priority: Priority = Priority.BULK
    ) -> list[QueuedMessage]:
        """Claim up to `limit` due messages (at most `max_priority`), most urgent first, in one statement."""
        return await outbox_store.claim(self.core.db, now=now, limit=limit, max_priority=max_priority)

    async def do_confirm_sent(self, sent: list[tuple[int, int | None]], *, now: datetime) -> None:
        """(outbox id, channel message id) pairs delivered: marked sent in one transaction."""
        await outbox_store.confirm_sent(self.core.db, sent, now=now)

    async def do_record_attempt(self, outbox_id: int, error: str) -> None:
        """A failed try of a claimed message that will be tried again (it stays claimed)."""
        await outbox_store.record_attempt(self.core.db, outbox_id, error=error)

    async def do_release(self, ids: list[int]) -> None:
        """Give claimed-but-unsent messages back untouched (graceful shutdown)."""
        await outbox_store.release_many(self.core.db, ids)

    async def do_requeue_claimed(self) -> int:
        """At start: whatever a dead process had claimed goes back to the queue. Returns how many."""
        return await outbox_store.requeue_claimed(self.core.db)

    # ---- what delivering taught us ----

    async def do_record_unreachable(
        self, outbox_id: int, retiree_id: int | None, reason: UnreachableReason, error: str
    ) -> None:
        """The channel refused for good (blocked, account deleted): fail the message, mark the
        retiree unreachable, and tell staff once so their liaison phones instead."""
        async with self.core.db.transaction() as tx:
            await outbox_store.mark_failed(tx, outbox_id, error=error)
            if retiree_id is None:
                return
            changed = await retiree_store.mark_unreachable(tx, retiree_id, reason=reason, now=self.core.clock.now())
            if changed:
                retiree = await retiree_store.get(tx, retiree_id)
                log.info("retiree %s is unreachable (%s)", retiree_id, reason)
                if retiree is not None:
                    await notify_staff(
                        self.core,
                        tx,
                        texts.STAFF_UNREACHABLE.format(name=retiree.name, id=retiree.id, why=_STAFF_WHY[reason]),
                    )
                    await self._tell_liaison(tx, retiree, reason)

    async def _tell_liaison(self, tx, retiree: Retiree, reason: UnreachableReason) -> None:
        """The liaison (when linked) hears directly, with the phone to call instead."""
        if retiree.liaison_id is None:
            return
        liaison = await staff_store.get(tx, retiree.liaison_id)
        record = await retiree_store.get_record(tx, retiree.id)
        phone = record.phones[0] if record and record.phones else texts.NO_PHONE_ON_FILE
        await notify_person(self.core, tx, liaison, texts.STAFF_UNREACHABLE_CALL.format(
            name=retiree.name, id=retiree.id, why=_STAFF_WHY[reason], phone=phone), priority=Priority.NORMAL)

    async def do_record_failed(self, outbox_id: int, error: str) -> None:
        async with self.core.db.transaction() as tx:
            await outbox_store.mark_failed(tx, outbox_id, error=error)
