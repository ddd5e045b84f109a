"""活动报名, timed work (the bot process's tick): the reminders before an activity, and the no-shows
recorded after it (a mixin of ActivityService).

Every job reads what decides it inside its own write transaction, so a restart neither loses nor
repeats a reminder, and two processes never both send one.
"""
from __future__ import annotations

from yinling import texts
from yinling.models import Activity, Button, DueReminder, Keyboard, OutgoingMessage, Priority
from yinling.services.activities.base import ActivityBase
from yinling.store import activities as store

REMINDER_BATCH = 500


class ActivityJobs(ActivityBase):
    async def do_send_reminders(self) -> int:
        """Reminders whose time has come: each is sent (or skipped: cancelled, or already begun)
        and marked done in one transaction, so a restart neither loses nor repeats one. The batch,
        its activities and registrations are read inside that transaction: an activity cancelled or a
        place given up just before is skipped, and two processes never both send one reminder."""
        sent = 0
        while True:
            now = self.core.clock.now()
            async with self.core.db.transaction() as tx:
                due = await store.due_reminders(tx, now=now, limit=REMINDER_BATCH)
                if not due:
                    return sent
                activities = {i: await store.get(tx, i, counted=False) for i in {r.activity_id for r in due}}
                messages, done = [], []
                for reminder in due:
                    activity = activities[reminder.activity_id]
                    wanted = (activity is not None and activity.status == "published" and now < activity.starts_at
                              and reminder.registration_status == "confirmed" and reminder.chat_id is not None)
                    done.append((reminder.id, "sent" if wanted else "skipped"))
                    if wanted and activity is not None and reminder.chat_id is not None:  # wanted implies both
                        messages.append(self._reminder(activity, reminder, reminder.chat_id))
                await store.finish_reminders(tx, done, now=now)
                await self.core.outbox.enqueue_many(tx, messages)
            sent += len(messages)

    def _reminder(self, activity: Activity, reminder: DueReminder, chat_id: int) -> OutgoingMessage:
        start = self._local(activity.starts_at)
        template = texts.ACT_REMIND_EVE if reminder.kind == "eve" else texts.ACT_REMIND_SOON
        return OutgoingMessage(
            chat_id=chat_id, retiree_id=reminder.retiree_id, priority=Priority.NORMAL,
            text=template.format(time=texts.clock_label(start), title=activity.title, place=activity.place,
                                 code=reminder.code),
            keyboard=Keyboard.inline([Button(label=texts.LEAVE_BUTTON, action=f"act:leave:{activity.id}")]),
            source=f"activity:{activity.id}",
        )

    async def do_record_no_shows(self) -> int:
        """After an activity ends, the confirmed who did not check in are recorded as no-shows (once)."""
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:  # read inside: a second process finds none left
            ended = await store.ended_unrecorded(tx, now=now)
            for activity_id in ended:
                await store.record_no_shows(tx, activity_id, now=now)
        return len(ended)
