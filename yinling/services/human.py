"""找人工: put the retiree in touch with a person, and pass on what they say (留言)."""
from __future__ import annotations

from yinling import texts
from yinling.models import Inbound
from yinling.services.core import Core
from yinling.services.notify import notify_staff
from yinling.services.turn import Turn, back_keyboard, main_menu
from yinling.store import messages as message_store
from yinling.store import staff as staff_store

HUMAN = "human"


class HumanService:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def on_menu(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        liaison = await staff_store.get(turn.tx, retiree.liaison_id) if retiree.liaison_id else None
        office_phone = self.core.settings.office_phone
        if liaison and liaison.phone:
            who = texts.HUMAN_WITH_LIAISON.format(liaison=liaison.display_name, phone=liaison.phone)
        elif liaison:
            who = texts.HUMAN_LIAISON_NO_PHONE.format(liaison=liaison.display_name)
            if office_phone:
                who += texts.HUMAN_OFFICE.format(phone=office_phone)
        elif office_phone:
            who = texts.HUMAN_OFFICE.format(phone=office_phone)
        else:
            who = texts.HUMAN_NO_PHONE
        await turn.go(HUMAN)
        await turn.reply(who + texts.HUMAN_LEAVE_MESSAGE, back_keyboard())
        await notify_staff(
            self.core,
            turn.tx,
            texts.STAFF_HUMAN_REQUEST.format(
                name=retiree.name, id=retiree.id, liaison=liaison.display_name if liaison else texts.NO_LIAISON
            ),
        )

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        """In 找人工: keep what they said and pass it on; stay here for more."""
        await self._keep(turn, inbound)
        await turn.reply(texts.MESSAGE_FORWARDED, back_keyboard())

    async def keep_unprompted(self, turn: Turn, inbound: Inbound) -> None:
        """Something said outside any flow is never dropped: it is kept and passed on too."""
        await self._keep(turn, inbound)
        await turn.reply(texts.MESSAGE_KEPT, main_menu())

    async def keep_silently(self, turn: Turn, inbound: Inbound) -> None:
        """Keep and pass on without answering (the caller is answering already)."""
        await self._keep(turn, inbound)

    async def _keep(self, turn: Turn, inbound: Inbound) -> None:
        retiree = turn.bound_retiree
        await message_store.insert(turn.tx, retiree.id, inbound, now=turn.now)
        body = inbound.text if inbound.kind == "text" else texts.STAFF_MEDIA[inbound.kind]
        if inbound.kind != "text" and inbound.text:
            body += inbound.text
        await notify_staff(
            self.core, turn.tx, texts.STAFF_MESSAGE.format(name=retiree.name, id=retiree.id, body=body)
        )
