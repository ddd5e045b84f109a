"""找人工: put the retiree in touch with a person, and pass on what they say (留言)."""
from __future__ import annotations

from yinling import texts
from yinling.models import Inbound
from yinling.services.core import Core
from yinling.services.inbox import InboxService
from yinling.services.turn import Turn, back_keyboard, main_menu
from yinling.store import staff as staff_store

HUMAN = "human"


class HumanService:
    def __init__(self, core: Core, inbox: InboxService) -> None:
        self.core = core
        self.inbox = inbox

    async def on_menu(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        already = turn.dialog.state == HUMAN  # 找人工 tapped again: staff were told a moment ago
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
        if not already:
            await self.inbox.tell_human_wanted(turn, liaison)

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        """In 找人工: keep what they said for staff (the inbox); stay here for more."""
        await self.inbox.keep(turn, inbound, "human")
        await turn.reply(texts.MESSAGE_FORWARDED, back_keyboard())

    async def keep_unprompted(self, turn: Turn, inbound: Inbound) -> None:
        """Something said outside any flow is never dropped: it is kept for staff too."""
        await self.inbox.keep(turn, inbound, "unprompted")
        await turn.reply(texts.MESSAGE_KEPT, main_menu())

    async def keep_silently(self, turn: Turn, inbound: Inbound, origin: str = "kept") -> None:
        """Keep for staff without answering (the caller answers, saying what happened to the words)."""
        await self.inbox.keep(turn, inbound, origin)
