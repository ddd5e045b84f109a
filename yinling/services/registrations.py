"""Pending registrations from onboarding: staff place the person on the roster, or decline."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yinling import texts
from yinling.errors import Conflict, Forbidden, InvalidInput, NotFound
from yinling.models import Actor, OutgoingMessage, PendingRegistration, Priority
from yinling.phones import mask_phone
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.roster import RosterService
from yinling.services.turn import main_menu, verify_keyboard
from yinling.store import dialogs as dialog_store
from yinling.store import registrations as registration_store
from yinling.store import retirees as retiree_store
from yinling.store.database import Transaction


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
        in the chat and shown the menu. Returns the retiree id. Admins only.

        No phone the approval binds may be on another retiree's record (409 naming `phone`, the one
        the person verified, or `new_retiree.phones`): a new record with it, or binding them to a record
        without it, would make whoever holds that number now a second person with someone's phone. A
        record it is on may be chosen (a couple sharing one phone is why registrations wait for staff).
        The registration, the record and the phones are read inside the transaction that creates,
        binds and decides, so two approvals cannot both pass the checks."""
        self._admin_only(actor)
        if (retiree_id is None) == (new_retiree is None):
            raise InvalidInput("retiree_id 和 new_retiree 请只填一个",
                               fields={"retiree_id": "和 new_retiree 二选一，只填一个"})
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            registration = await self._pending(tx, registration_id)
            if retiree_id is not None:
                record = await retiree_store.get_record(tx, retiree_id)
                if record is None:
                    raise NotFound("没有这位老同志", fields={"retiree_id": "没有这位老同志"})
                if record.telegram_bound:
                    raise Conflict("这位老同志的记录已经绑定了聊天账号，不能再绑定",
                                   fields={"retiree_id": "已经绑定过了"})
                await self._check_phones(tx, {registration.phone: "phone"}, keep=retiree_id)
            else:
                values = dict(new_retiree or {})
                values["phones"] = values.get("phones") or [registration.phone]  # the phone they verified
                fields = await self.roster.check_fields(values, tx)
                written = {**dict.fromkeys(fields.phones, "new_retiree.phones"), registration.phone: "phone"}
                await self._check_phones(tx, written, keep=None)
                retiree_id = await retiree_store.insert_record(tx, fields, now=now)
                await audit(self.core, tx, actor, "retiree.create", target_type="retiree", target_id=retiree_id,
                            detail={"fields": sorted(k for k, v in values.items() if v not in (None, "", [], ()))})
            await retiree_store.bind_telegram(tx, retiree_id, user_id=registration.telegram_user_id,
                                              chat_id=registration.telegram_chat_id, now=now)
            await registration_store.decide(tx, registration_id, "approved", now=now)
            await dialog_store.set_state(tx, registration.telegram_chat_id, dialog_store.IDLE, now=now)
            retiree = await retiree_store.get(tx, retiree_id)
            assert retiree is not None
            await self.core.outbox.enqueue(tx, OutgoingMessage(
                chat_id=registration.telegram_chat_id, retiree_id=retiree_id, priority=Priority.NORMAL,
                text=texts.REGISTRATION_APPROVED.format(name=retiree.polite_name) + "\n\n" + texts.PRIVACY_AT_BINDING,
                keyboard=main_menu(),
                source="registration",
            ))
            await audit(self.core, tx, actor, "registration.approve", target_type="registration",
                        target_id=registration_id, detail={"retiree_id": retiree_id})
        return retiree_id

    async def do_reject(self, actor: Actor, registration_id: int) -> None:
        self._admin_only(actor)
        phone = self.core.settings.office_phone
        text = texts.REGISTRATION_REJECTED_WITH_PHONE.format(phone=phone) if phone else texts.REGISTRATION_REJECTED
        async with self.core.db.transaction() as tx:
            registration = await self._pending(tx, registration_id)
            await registration_store.decide(tx, registration_id, "rejected", now=self.core.clock.now())
            await self.core.outbox.enqueue(tx, OutgoingMessage(
                chat_id=registration.telegram_chat_id, text=text, keyboard=verify_keyboard(),
                priority=Priority.NORMAL, source="registration",
            ))
            await audit(self.core, tx, actor, "registration.reject", target_type="registration",
                        target_id=registration_id)

    @staticmethod
    def _admin_only(actor: Actor) -> None:
        """A registration shows a phone number and decides who a chat speaks for: an admin's call."""
        if actor.role != "admin":
            raise Forbidden("只有管理员才能处理登记申请")

    async def _pending(self, tx: Transaction, registration_id: int) -> PendingRegistration:
        registration = await registration_store.get(tx, registration_id)
        if registration is None or registration.status != "pending":
            raise NotFound("找不到这条待处理的登记申请")
        return registration

    async def _check_phones(self, tx: Transaction, phones: dict[str, str], *, keep: int | None) -> None:
        """Conflict naming the field of the first phone (phone -> field) on a retiree other than `keep`,
        unless `keep` has that phone too."""
        for phone, field in phones.items():
            holders = [r.id for r in await retiree_store.find_by_phone(tx, phone)]
            if holders and keep not in holders:
                raise Conflict(f"{field} 里的手机号已登记在别的老同志名下", fields={
                    field: f"{mask_phone(phone)} 已登记在编号 {'、'.join(map(str, holders))} 的老同志名下；"
                           "如确是本人，请绑定到该记录"})
