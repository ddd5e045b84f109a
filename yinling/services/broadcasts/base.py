"""What every job of 通知公告 shares: the service's collaborators, the sender's scope, what a notice
says, and a broadcast's notices queued in the outbox (staff sending now, the tick sending a scheduled
one, and a reminder all queue through here).

Delivery is the outbox's: one row per reachable recipient at bulk priority (source 'broadcast:{id}'),
so the sender paces it at Telegram's limit behind interactive replies, a killed process resumes it
(duplicates bounded by the sends in flight), 429s are obeyed and blocked users become unreachable
without retries. The recipients are fixed, in SQL, in the transaction that queues the notices.
"""
from __future__ import annotations

from datetime import datetime

from yinling import texts
from yinling.models import Actor, Broadcast, BroadcastDraft, Button, Keyboard, MediaRef
from yinling.services.core import Core
from yinling.services.roster import aged_cutoff
from yinling.store import broadcasts as store
from yinling.store.database import Transaction


def notice_text(broadcast: Broadcast | BroadcastDraft) -> str:
    return texts.BROADCAST_HEADING + broadcast.text + (texts.BROADCAST_ACK_ASK if broadcast.require_ack else "")


def notice_keyboard(broadcast_id: int, require_ack: bool) -> Keyboard | None:
    if not require_ack:
        return None
    return Keyboard.inline([Button(label=texts.BROADCAST_ACK_BUTTON, action=f"bc:ack:{broadcast_id}")])


class BroadcastBase:
    def __init__(self, core: Core) -> None:
        self.core = core

    def _scope(self, actor: Actor) -> int | None:
        return actor.scope_liaison_id

    async def _send(self, tx: Transaction, broadcast_id: int, draft: BroadcastDraft, *, liaison: int | None,
                    now: datetime) -> int:
        """Fix the recipients and queue one notice each. Returns how many recipients."""
        count = await store.fix_recipients(tx, broadcast_id, draft.audience,
                                           aged_cutoff=aged_cutoff(self.core.clock.today()), liaison=liaison)
        if count:
            await store.mark_sending(tx, broadcast_id, now=now)
            await self._queue(tx, broadcast_id, draft, text=notice_text(draft), src=store.source(broadcast_id), now=now)
        return count

    async def _queue(self, tx: Transaction, broadcast_id: int, draft: BroadcastDraft, *, text: str, src: str,
                     now: datetime, only_unacked: bool = False) -> int:
        keyboard = notice_keyboard(broadcast_id, draft.require_ack)
        media = None
        if draft.attachment_id is not None:
            attachment = await store.attachment(tx, draft.attachment_id)
            assert attachment is not None
            media = MediaRef(kind=attachment.kind, path=attachment.path).model_dump_json()
        queued = await store.queue_notices(tx, broadcast_id, text=text, media=media, src=src, now=now,
                                           keyboard=keyboard.model_dump_json() if keyboard else None,
                                           only_unacked=only_unacked)
        tx.after_commit(self.core.outbox.notify)
        return queued
