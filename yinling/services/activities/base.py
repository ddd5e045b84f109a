"""What every job of 活动报名 shares: the service's collaborators, how an activity's times and seats
are worded, the reminders a confirmed place gets, and the seats freed going to the first in line
(a companion is counted beside a retiree, not against the seats, so a promotion never splits a pair).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from yinling import texts
from yinling.models import Activity, ActivityFields, Button, Keyboard, OutgoingMessage, Priority
from yinling.services.core import Core
from yinling.services.human import HumanService
from yinling.store import activities as store
from yinling.store import retirees as retiree_store
from yinling.store.database import Transaction

EVE_HOUR = 18  # the evening-before reminder, local time
SOON = timedelta(hours=2)  # the second reminder, before the start


def reminder_times(activity: Activity | ActivityFields, tz) -> list[tuple[str, datetime]]:
    try:
        start = activity.starts_at.astimezone(tz)
        eve = datetime.combine(start.date() - timedelta(days=1), time(EVE_HOUR), tzinfo=tz)
        return [("eve", eve), ("soon", activity.starts_at - SOON)]
    except OverflowError:  # a start stored at the calendar's edge (year 1 or 9999): no reminders, no crash
        return []


class ActivityBase:
    def __init__(self, core: Core, human: HumanService) -> None:
        self.core = core
        self.human = human  # words said at a sign-up question reach a person

    # ---- wording -------------------------------------------------------------------------------
    def _local(self, moment: datetime) -> datetime:
        try:
            return moment.astimezone(self.core.clock.tz)
        except OverflowError:  # stored at the calendar's edge (9999-12-31T20:00Z): shown as stored, not a crash
            return moment

    def _when(self, activity: Activity | ActivityFields) -> str:
        return texts.when_label(self._local(activity.starts_at), self._local(activity.ends_at))

    def _deadline(self, activity: Activity | ActivityFields) -> str:
        moment = self._local(activity.signup_deadline)
        return f"{texts.day_label(moment)}{texts.clock_label(moment)}"

    def _seats(self, activity: Activity) -> str:
        return texts.ACT_SEATS_LEFT.format(n=activity.open_seats) if activity.open_seats else texts.ACT_FULL_WAIT

    async def _schedule_reminders(self, tx: Transaction, activity: Activity, registration_id: int,
                                  now: datetime) -> None:
        """Only reminders still ahead: none for a time already past at sign-up."""
        ahead = [(kind, due) for kind, due in reminder_times(activity, self.core.clock.tz) if due > now]
        await store.add_reminders(tx, registration_id, ahead)

    async def _fill_seats(self, tx: Transaction, activity_id: int, now: datetime) -> int:
        """Free seats go to the first in line, at once; each is told, with a way to give it up."""
        activity = await store.get(tx, activity_id)
        if activity is None or activity.status != "published" or activity.starts_at <= now or not activity.open_seats:
            return 0
        promoted = await store.first_waiting(tx, activity.id, activity.open_seats)
        for registration in promoted:
            await store.update_registration(tx, registration.id, now=now, status="confirmed", confirmed_at=now)
            await self._schedule_reminders(tx, activity, registration.id, now)
            await self._tell(tx, registration.retiree_id, texts.ACT_PROMOTED.format(
                title=activity.title, when=self._when(activity), place=activity.place, code=registration.code,
            ), Keyboard.inline([Button(label=texts.GIVE_UP_BUTTON, action=f"act:leave:{activity.id}")]),
                source=f"activity:{activity.id}")
        return len(promoted)

    async def _tell(self, tx: Transaction, retiree_id: int, text: str, keyboard: Keyboard | None = None, *,
                    source: str) -> None:
        chat_id = await retiree_store.chat_of(tx, retiree_id)
        if chat_id is None:
            return  # not in the chat: their liaison phones (the registration list shows them)
        await self.core.outbox.enqueue(tx, OutgoingMessage(chat_id=chat_id, retiree_id=retiree_id, text=text,
                                                           keyboard=keyboard, priority=Priority.NORMAL, source=source))
