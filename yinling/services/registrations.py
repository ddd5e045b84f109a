"""Pending registrations from onboarding: staff place the person on the roster, or decline."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import Actor, OutgoingMessage, PendingRegistration, Priority
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.roster import RosterService
from yinling.services.turn import main_menu, verify_keyboard
from yinling.store import dialogs as dialog_store
from yinling.store import registrations as registration_store
from yinling.store import retirees as retiree_store


class RegistrationService:
    def __init__(self, core: Core, roster: RosterService) -> None:
        self.core = core
        self.roster = roster

    async def list_pending(self, *, limit: int = 100, offset: int = 0) -> tuple[list[PendingRegistration], int]:
        return await registration_store.list_pending(self.core.db, limit=limit, offset=offset)

    async def do_approve(
        self, actor: Actor, registration_id: int, *, retiree_id: int | None, new_retiree: Mapping[str, Any] | None
    ) -> int:
        """Bind the person to `retiree_id`, or to a retiree created from `new_retiree`; they are told
        in the chat and shown the menu. Returns the retiree id."""
        if (retiree_id is None) == (new_retiree is None):
            raise InvalidInput("give either retiree_id or new_retiree", fields={"retiree_id": "one of the two"})
        registration = await self._pending(registration_id)
        if retiree_id is not None:
            record = await self.roster.get_retiree(actor, retiree_id)  # scope: NotFound for others' retirees
            if record.telegram_bound:
                raise Conflict("that retiree is already bound to a Telegram account",
                               fields={"retiree_id": "already bound"})
        else:
            values = dict(new_retiree or {})
            values["phones"] = values.get("phones") or [registration.phone]  # the phone they verified
            retiree_id = (await self.roster.do_create(actor, values)).id
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            tx.after_commit(self.roster.forget_totals)
            await retiree_store.bind_telegram(tx, retiree_id, user_id=registration.telegram_user_id,
                                              chat_id=registration.telegram_chat_id, now=now)
            await registration_store.decide(tx, registration_id, "approved", now=now)
            await dialog_store.set_state(tx, registration.telegram_chat_id, dialog_store.IDLE, now=now)
            retiree = await retiree_store.get(tx, retiree_id)
            assert retiree is not None
            await self.core.outbox.enqueue(tx, OutgoingMessage(
                chat_id=registration.telegram_chat_id, retiree_id=retiree_id, priority=Priority.NORMAL,
                text=texts.REGISTRATION_APPROVED.format(name=retiree.polite_name), keyboard=main_menu(),
                source="registration",
            ))
            await audit(self.core, tx, actor, "registration.approve", target_type="registration",
                        target_id=registration_id, detail={"retiree_id": retiree_id})
        return retiree_id

    async def do_reject(self, actor: Actor, registration_id: int) -> None:
        registration = await self._pending(registration_id)
        phone = self.core.settings.office_phone
        text = texts.REGISTRATION_REJECTED_WITH_PHONE.format(phone=phone) if phone else texts.REGISTRATION_REJECTED
        async with self.core.db.transaction() as tx:
            await registration_store.decide(tx, registration_id, "rejected", now=self.core.clock.now())
            await self.core.outbox.enqueue(tx, OutgoingMessage(
                chat_id=registration.telegram_chat_id, text=text, keyboard=verify_keyboard(),
                priority=Priority.NORMAL, source="registration",
            ))
            await audit(self.core, tx, actor, "registration.reject", target_type="registration",
                        target_id=registration_id)

    async def _pending(self, registration_id: int) -> PendingRegistration:
        registration = await registration_store.get(self.core.db, registration_id)
        if registration is None or registration.status != "pending":
            raise NotFound("no such pending registration")
        return registration
