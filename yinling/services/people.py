"""People: onboarding (a Telegram account proves its phone and is bound to the roster)."""
from __future__ import annotations

import logging

from yinling import texts
from yinling.models import Contact, Retiree
from yinling.phones import mask_phone, normalize_phone
from yinling.services.core import Core
from yinling.services.notify import notify_staff
from yinling.services.turn import Turn, verify_keyboard
from yinling.store import registrations as registration_store
from yinling.store import retirees as retiree_store

log = logging.getLogger(__name__)

ONBOARDING = "onboarding"

_STAFF_WHY = {
    "unknown_phone": texts.STAFF_WHY_UNKNOWN,
    "bound_elsewhere": texts.STAFF_WHY_BOUND_ELSEWHERE,
    "shared_phone": texts.STAFF_WHY_UNKNOWN,
}


class PeopleService:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def welcome(self, turn: Turn) -> None:
        await turn.go(ONBOARDING)
        await turn.reply(texts.WELCOME_UNBOUND, verify_keyboard())

    async def nudge(self, turn: Turn, said: str = "") -> None:
        """An unbound person did something other than verifying: say what to tap (after `said`, a
        sentence about what happened to their words)."""
        pending = await registration_store.get_pending_for_user(turn.tx, turn.event.user_id)
        if pending is None:
            await turn.reply(said + texts.UNBOUND_NUDGE, verify_keyboard())
        elif self.core.settings.office_phone:
            await turn.reply(
                said + texts.PENDING_WAIT_WITH_PHONE.format(phone=self.core.settings.office_phone), verify_keyboard()
            )
        else:
            await turn.reply(said + texts.PENDING_WAIT, verify_keyboard())

    async def on_contact(self, turn: Turn, contact: Contact) -> None:
        """Bind the sender to the roster by the phone they shared.

        Only the sender's own contact counts (Telegram sets contact.user_id to the account whose
        number it is; a forwarded or typed card of someone else carries another id or none)."""
        if turn.retiree is not None:
            await turn.show_menu(texts.WELCOME_BACK.format(name=turn.retiree.polite_name))
            return
        if contact.user_id != turn.event.user_id:
            await turn.reply(texts.CONTACT_NOT_OWN, verify_keyboard())
            return
        phone = normalize_phone(contact.phone)
        if phone is None:
            await turn.reply(texts.CONTACT_UNREADABLE, verify_keyboard())
            return
        matches = await retiree_store.find_by_phone(turn.tx, phone)
        free = [r for r in matches if r.telegram_user_id is None]
        if len(free) == 1:
            await self._bind(turn, free[0])
        elif len(free) > 1:  # a couple sharing one phone: staff must say who this is
            await self._hold_for_staff(turn, phone, "shared_phone", texts.UNKNOWN_PHONE)
        elif matches:
            await self._hold_for_staff(turn, phone, "bound_elsewhere", texts.BOUND_ELSEWHERE)
        else:
            await self._hold_for_staff(turn, phone, "unknown_phone", texts.UNKNOWN_PHONE)

    async def _bind(self, turn: Turn, retiree: Retiree) -> None:
        await retiree_store.bind_telegram(
            turn.tx, retiree.id, user_id=turn.event.user_id, chat_id=turn.event.chat_id, now=turn.now
        )
        turn.retiree = retiree.model_copy(
            update={"telegram_user_id": turn.event.user_id, "telegram_chat_id": turn.event.chat_id}
        )
        log.info("retiree %s bound to a chat", retiree.id)
        # PIPL: at verification, what the office keeps and why, and where to see or delete it.
        await turn.show_menu(texts.BOUND_GREETING.format(name=retiree.polite_name) + "\n\n" + texts.PRIVACY_AT_BINDING)

    async def _hold_for_staff(self, turn: Turn, phone: str, reason: str, answer: str) -> None:
        registration_id, created = await registration_store.upsert_pending(
            turn.tx,
            user_id=turn.event.user_id,
            chat_id=turn.event.chat_id,
            phone=phone,
            telegram_name=turn.event.display_name,
            reason=reason,
            now=turn.now,
        )
        await turn.go(ONBOARDING)
        await turn.reply(answer, verify_keyboard())
        if created:
            log.info("pending registration %s recorded (%s)", registration_id, reason)
            await notify_staff(
                self.core,
                turn.tx,
                texts.STAFF_PENDING_REGISTRATION.format(
                    telegram_name=turn.event.display_name,
                    phone=mask_phone(phone),
                    why=_STAFF_WHY[reason],
                    id=registration_id,
                ),
            )

