"""The staff group: 接单 and 查看 on a request's card, and replies to a card that answer the retiree.

A card is found by the message id Telegram gave it (recorded in the outbox when it was delivered),
never by forward_from; the staff member by the Telegram account linked to their staff account."""
from __future__ import annotations

from yinling import texts
from yinling.errors import DomainError, NotFound
from yinling.models import Actor, ChatEvent, Inbound, OutgoingMessage, Priority, Staff
from yinling.services.core import Core
from yinling.services.help import CARD_SOURCE, HelpService
from yinling.store import help as help_store
from yinling.store import outbox as outbox_store
from yinling.store import staff as staff_store
from yinling.store import updates as update_store


class StaffGroupService:
    def __init__(self, core: Core, help_service: HelpService) -> None:
        self.core = core
        self.help = help_service

    def is_staff_chat(self, chat_id: int) -> bool:
        return self.core.settings.staff_chat_id is not None and chat_id == self.core.settings.staff_chat_id

    async def _fresh(self, event: ChatEvent) -> bool:
        async with self.core.db.transaction() as tx:
            return await update_store.mark_processed(tx, event.event_id, now=self.core.clock.now())

    async def _actor(self, event: ChatEvent) -> Actor | None:
        staff = await staff_store.get_by_telegram_user(self.core.db, event.user_id)
        return Actor(staff=staff, ip="telegram") if staff and staff.role != "viewer" else None

    async def do_press(self, event: ChatEvent, action: str) -> tuple[str, bool]:
        """接单 / 查看. Returns the notice to show on the button and whether it is an alert."""
        _, verb, raw_id = [*action.split(":"), "", ""][:3]
        if not raw_id.isdigit() or not await self._fresh(event):
            return "", False
        actor = await self._actor(event)
        if actor is None:
            return texts.STAFF_NOT_LINKED, True
        try:
            if verb == "claim":
                await self.help.do_claim(actor, int(raw_id))
                return texts.STAFF_CLAIMED.format(id=raw_id), False
            request = await self.help.visible(actor, int(raw_id))
        except DomainError as exc:
            return exc.message, True
        return texts.STAFF_CARD_VIEW.format(
            id=request.id, status=texts.HELP_STATUS[request.status], category=request.category,
            summary=request.summary[:150]), True

    async def do_reply(self, event: ChatEvent, card_message_id: int | None, inbound: Inbound) -> None:
        """A message in the staff group. A reply to a request's card, in words, answers the retiree."""
        if not await self._fresh(event):
            return
        source = (await outbox_store.source_of_delivered(self.core.db, event.chat_id, card_message_id)
                  if card_message_id else None)
        if source is None or not source.startswith(CARD_SOURCE):
            return  # ordinary talk among staff
        actor = await self._actor(event)
        if actor is None:
            await self._say(texts.STAFF_NOT_LINKED)
            return
        if inbound.kind != "text" or not inbound.text:
            await self._say(texts.STAFF_NOT_A_CARD)
            return
        request_id = int(source[len(CARD_SOURCE):])
        try:
            await self.help.do_reply(actor, request_id, inbound.text)
        except DomainError as exc:
            await self._say(exc.message)
            return
        request = await help_store.get(self.core.db, request_id)
        await self._say(texts.STAFF_REPLY_SENT.format(name=request.retiree_name if request else "", id=request_id))

    async def do_whoami(self, event: ChatEvent) -> None:
        if await self._fresh(event):
            await self._say(texts.STAFF_WHOAMI.format(user_id=event.user_id))

    async def _say(self, text: str) -> None:
        chat_id = self.core.settings.staff_chat_id
        assert chat_id is not None  # only the staff group's own messages lead here
        async with self.core.db.transaction() as tx:
            await self.core.outbox.enqueue(tx, OutgoingMessage(
                chat_id=chat_id, text=text, priority=Priority.INTERACTIVE, source="staff"))

    async def do_link(self, username: str, telegram_user_id: int) -> Staff:
        staff = await staff_store.get_by_username(self.core.db, username)
        if staff is None:
            raise NotFound(f"没有用户名为「{username}」的工作人员")
        async with self.core.db.transaction() as tx:
            await staff_store.link_telegram(tx, staff.id, telegram_user_id)
        return staff
