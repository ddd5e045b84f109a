"""What the sender learns about people while delivering: who can no longer be reached."""
from __future__ import annotations

import logging
from typing import Literal

from yinling import texts
from yinling.services.core import Core
from yinling.models import Priority, Retiree
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
