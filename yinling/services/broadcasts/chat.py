"""通知公告 in the chat: the 已阅 button under a notice, bc:ack:{id}, recorded once (a mixin of
BroadcastService)."""
from __future__ import annotations

from yinling import texts
from yinling.services.broadcasts.base import BroadcastBase
from yinling.services.turn import Turn
from yinling.store import broadcasts as store


class BroadcastChat(BroadcastBase):
    async def on_press(self, turn: Turn, action: str) -> str | None:
        _, verb, *args = action.split(":")
        if verb != "ack" or not args or not args[0].isdigit() or turn.retiree is None:
            await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
            return texts.BUTTON_EXPIRED
        recorded = await store.acknowledge(turn.tx, int(args[0]), turn.retiree.id, now=turn.now)
        if recorded is None:
            await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
            return texts.BUTTON_EXPIRED
        if recorded:
            await turn.reply(texts.BROADCAST_ACKED)
            return texts.BROADCAST_ACK_TOAST
        return texts.BROADCAST_ACK_AGAIN_TOAST
