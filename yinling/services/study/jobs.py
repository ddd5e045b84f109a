"""每日学习, timed work (the bot process's tick): the daily push (a mixin of StudyService).

The day's piece is fixed the first time the day needs one (the piece dated that day, else the next
piece of the queue), so everyone reads the same piece that day.
The push: every tick, subscribers whose time of today has come and who have no push today get one,
through the outbox at bulk priority (the sender spreads it over the rate limit). The push row and the
message are written in one transaction and (retiree, day) is the push table's key, so a push is
never sent twice for one retiree and day; one due while the process was down goes out at start-up if
it is still that day, and not after.
"""
from __future__ import annotations

import asyncio

from yinling import texts
from yinling.models import Button, Keyboard, OutgoingMessage, Priority
from yinling.services.study.base import StudyBase, piece_text
from yinling.store import study as store

PUSH_BATCH = 2000  # pushes queued per transaction (each batch is one short write)


class StudyJobs(StudyBase):
    async def do_push_due(self) -> int:
        """Queue today's piece for every subscriber whose time has come and who has none today.
        Returns how many were queued."""
        queued = 0
        while True:
            count, more = await self._push_batch()
            queued += count
            if not more:
                return queued
            await asyncio.sleep(0)  # let chat turns in between batches

    async def _push_batch(self) -> tuple[int, bool]:
        now = self.core.clock.now()
        local = now.astimezone(self.core.clock.tz)
        today = local.date()
        async with self.core.db.transaction() as tx:
            due = await store.due_pushes(tx, day=today, clock=local.strftime("%H:%M"), limit=PUSH_BATCH)
            if not due:
                return 0, False
            piece = await store.day_piece(tx, today)
            if piece is None:  # nothing to send today (yet): they stay due, in case a piece is added
                return 0, False
            await store.add_deliveries(tx, [rid for rid, _ in due], day=today, piece_id=piece.id, now=now)
            read_already = await store.reads_among_retirees(tx, piece.id, [rid for rid, _ in due])
            text = piece_text(piece, texts.STUDY_HEADING_TODAY.format(day=self._day_label(today)))
            keyboard = Keyboard.inline([Button(label=texts.STUDY_DONE_BUTTON, action=f"study:done:{piece.id}")])
            messages = [OutgoingMessage(chat_id=chat, retiree_id=rid, text=text, keyboard=keyboard,
                                        priority=Priority.BULK, source="study")
                        for rid, chat in due if rid not in read_already]
            await self.core.outbox.enqueue_many(tx, messages)
        return len(messages), len(due) == PUSH_BATCH
