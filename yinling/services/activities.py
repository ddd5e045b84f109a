"""活动报名: staff publish activities; retirees sign up, wait, give up seats; reminders and check-in.

One write transaction decides every sign-up, cancellation and promotion (the writer connection is
serialised and BEGIN IMMEDIATE also serialises other processes), so capacity is never exceeded, a
retiree is never registered twice (also a UNIQUE constraint), and the waiting list is served in
arrival order (`seq`).

Chat buttons (inline; stateless, so an old button still does the right thing; the retiree's side is in
activities_chat.py):
    act:list · act:view:{id} · act:join:{id}[:{companion 0|1}[:{transport 0|1}]] · act:leave:{id} (asks)
    · act:quit:{id} (gives the place up)
Capacity counts retirees; a family companion is counted beside them (for seating and buses), not
against the seats, so a promotion never has to split a pair.

Scope (as for broadcasts): a liaison's activity (`created_by_liaison`) is for their own retirees only:
any audience they give is narrowed to them (announced to them only, offered in the chat to them only)
and naming other liaisons in it is refused (403, field audience.liaison_ids). Liaisons see office-wide
activities and their own; another liaison's is 404 to them, as another's broadcast is. Only the one
who published an activity, or an admin, changes or cancels it (another who can see it: 403). On an
activity they see, a liaison lists, exports and checks in their own retirees only (others' rows are
absent; another's retiree by id or code is 404, like one not registered).
Check-in codes are random (secrets), unique per activity, drawn inside the sign-up's transaction.

Every staff change (PATCH, cancel, check-in) and every timed job reads what decides it (the
activity's status, times and capacity, the registration's status) inside its own write transaction:
an activity cancelled while a PATCH waits for the write lock is seen cancelled by that PATCH (409),
and two cancellations tell the registered once.
"""
from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from yinling import texts
from yinling.errors import Conflict, Forbidden, InvalidInput, NotFound
from yinling.models import (
    Activity,
    ActivityFields,
    ActivityRegistration,
    Actor,
    Button,
    Keyboard,
    OutgoingMessage,
    Priority,
    Retiree,
    window_problems,
)
from yinling.services.activities_chat import ActivityChat
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.human import HumanService
from yinling.services.roster import aged_cutoff
from yinling.store import activities as store
from yinling.store import audiences
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store.database import Transaction
from yinling.store.rows import Reader
from yinling.xlsx_safe import safe_row

EVE_HOUR = 18  # the evening-before reminder, local time
SOON = timedelta(hours=2)  # the second reminder, before the start
REMINDER_BATCH = 500
SHORT_CODES_UNTIL = 5000  # four-digit codes (9,000 of them) while fewer registrations; six digits beyond
CODE_TRIES = 50  # draws of one length before the next; at most ~56% of four-digit codes are ever taken


def random_code(digits: int) -> str:
    """A code a retiree shows at the door: `digits` long, no leading zero, unguessable from others."""
    low = 10 ** (digits - 1)
    return str(low + secrets.randbelow(9 * low))


def reminder_times(activity: Activity | ActivityFields, tz) -> list[tuple[str, datetime]]:
    try:
        start = activity.starts_at.astimezone(tz)
        eve = datetime.combine(start.date() - timedelta(days=1), time(EVE_HOUR), tzinfo=tz)
        return [("eve", eve), ("soon", activity.starts_at - SOON)]
    except OverflowError:  # a start stored at the calendar's edge (year 1 or 9999): no reminders, no crash
        return []


class ActivityService(ActivityChat):
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

    async def _register(
        self, tx: Transaction, activity: Activity, retiree: Retiree, previous: ActivityRegistration | None, *,
        status: str, companion: bool, transport: bool, now: datetime,
    ) -> tuple[int, int, str]:
        """A new registration, or a cancelled one taken up again (at the back of the line).
        Returns its id, place in the line (seq) and check-in code."""
        seq = await store.next_seq(tx, activity.id)
        if previous is None:
            code = await self._new_code(tx, activity.id)
            registration_id = await store.insert_registration(
                tx, activity_id=activity.id, retiree_id=retiree.id, status=status, seq=seq, code=code,
                companion=companion, needs_transport=transport, now=now)
        else:
            code, registration_id = previous.code, previous.id
            await store.update_registration(
                tx, previous.id, now=now, status=status, seq=seq, companion=int(companion),
                needs_transport=int(transport), cancelled_at=None, cancelled_by=None, attendance=None,
                confirmed_at=now if status == "confirmed" else None,
            )
        if status == "confirmed":
            await self._schedule_reminders(tx, activity, registration_id, now)
        return registration_id, seq, code

    async def _new_code(self, tx: Transaction, activity_id: int) -> str:
        """A random code no registration of the activity holds (UNIQUE (activity_id, code)). Drawn
        and checked inside the sign-up's write transaction, which the single writer and BEGIN
        IMMEDIATE serialise, so no other sign-up can take it before this one is stored."""
        short = await store.registration_count(tx, activity_id) < SHORT_CODES_UNTIL
        for digits in (4, 6) if short else (6,):
            for _ in range(CODE_TRIES):
                code = random_code(digits)
                if not await store.code_taken(tx, activity_id, code):
                    return code
        raise Conflict("no free check-in code; try again")  # not with fewer than ~100,000 registrations

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

    # ================================ staff, through the API ================================
    async def _check(self, conn: Reader, actor: Actor, fields: ActivityFields, *, now: datetime,
                     starts_changed: bool) -> None:
        liaison = actor.scope_liaison_id
        if liaison is not None and fields.audience.kind == "liaisons" and set(fields.audience.liaison_ids) != {liaison}:
            raise Forbidden("a liaison's activity is for their own retirees only",
                            fields={"audience.liaison_ids": "only your own id"})
        problems = window_problems(starts_at=fields.starts_at, ends_at=fields.ends_at,
                                   signup_deadline=fields.signup_deadline)
        if starts_changed and fields.starts_at <= now:
            problems.setdefault("starts_at", "must be in the future")
        if fields.ends_at <= fields.starts_at:
            problems["ends_at"] = "must be after starts_at"
        if fields.signup_deadline > fields.starts_at:
            problems["signup_deadline"] = "must not be after starts_at"
        if fields.audience.kind == "liaisons":
            for liaison_id in fields.audience.liaison_ids:
                staff = await staff_store.get(conn, liaison_id)
                if staff is None or staff.role != "liaison":
                    problems["audience.liaison_ids"] = f"{liaison_id} is not a liaison"
        if problems:
            raise InvalidInput(f"invalid {', '.join(problems)}", fields=problems)

    async def get(self, activity_id: int, actor: Actor | None = None) -> Activity:
        """The activity; with `actor`, only one they may see (a liaison: not another liaison's)."""
        return await self._get(self.core.db, activity_id, actor)

    async def _get(self, conn: Reader, activity_id: int, actor: Actor | None = None) -> Activity:
        activity = await store.get(conn, activity_id)
        liaison = actor.scope_liaison_id if actor is not None else None
        if activity is None or (liaison is not None and activity.created_by_liaison not in (None, liaison)):
            raise NotFound("no such activity")
        return activity

    async def _changeable(self, tx: Transaction, actor: Actor, activity_id: int) -> Activity:
        """The activity as it is inside `tx`, if this staff member may change or cancel it: an admin,
        or who published it."""
        activity = await self._get(tx, activity_id, actor)
        if actor.role != "admin" and activity.created_by != actor.staff.id:
            raise Forbidden("only the one who published an activity, or an admin, changes or cancels it")
        return activity

    async def page(self, *, when: store.When, kind: str | None, page: int, per_page: int,
                   actor: Actor | None = None) -> tuple[list[Activity], int]:
        now = self.core.clock.now()
        liaison = actor.scope_liaison_id if actor is not None else None
        items = await store.page(self.core.db, when=when, kind=kind, now=now, limit=per_page,
                                 offset=(page - 1) * per_page, liaison=liaison)
        return items, await store.count(self.core.db, when=when, kind=kind, now=now, liaison=liaison)

    async def do_create(self, actor: Actor, fields: ActivityFields, *, notify: bool) -> tuple[Activity, int]:
        """Publish; with `notify`, the audience's retirees in the chat are told (bulk). Returns the
        activity and how many were told. A liaison's activity is for their own retirees only."""
        now = self.core.clock.now()
        await self._check(self.core.db, actor, fields, now=now, starts_changed=True)
        async with self.core.db.transaction() as tx:
            activity_id = await store.insert(tx, fields, created_by=actor.staff.id, now=now,
                                             liaison=actor.scope_liaison_id)
            activity = await store.get(tx, activity_id)
            assert activity is not None
            told = await self._announce(tx, activity) if notify else 0
            await audit(self.core, tx, actor, "activity.create", target_type="activity", target_id=activity_id,
                        detail={"notified": told})
        return activity, told

    async def _announce(self, tx: Transaction, activity: Activity) -> int:
        chats = await audiences.reachable_chats(tx, activity.audience, aged_cutoff(self.core.clock.today()),
                                                liaison=activity.created_by_liaison)
        text = texts.ACT_PUBLISHED.format(kind=activity.kind, title=activity.title, when=self._when(activity),
                                          place=activity.place, seats=self._seats(activity),
                                          deadline=self._deadline(activity))
        keyboard = Keyboard.inline([Button(label=texts.ACT_VIEW_BUTTON, action=f"act:view:{activity.id}")])
        await self._tell_all(tx, chats, text, keyboard=keyboard, priority=Priority.BULK,
                             source=f"activity:{activity.id}")
        return len(chats)

    async def _tell_all(self, tx: Transaction, chats: list[tuple[int, int]], text: str, *,
                        keyboard: Keyboard | None = None, priority: Priority = Priority.NORMAL, source: str) -> None:
        """The same message to each (retiree id, chat id), queued in one statement."""
        await self.core.outbox.enqueue_many(tx, (
            OutgoingMessage(chat_id=chat_id, retiree_id=retiree_id, text=text, keyboard=keyboard,
                            priority=priority, source=source)
            for retiree_id, chat_id in chats
        ))

    async def do_update(self, actor: Actor, activity_id: int, changes: dict[str, Any]) -> Activity:
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            # Decided on the activity as it is now: one cancelled, or changed by another PATCH, while
            # this one waited for the write lock is neither revived nor overwritten with stale fields.
            before = await self._changeable(tx, actor, activity_id)
            if before.status == "cancelled":
                raise Conflict("a cancelled activity cannot change", fields={"status": "cancelled"})
            fields = ActivityFields(**{**before.model_dump(include=set(ActivityFields.model_fields)), **changes})
            await self._check(tx, actor, fields, now=now, starts_changed=fields.starts_at != before.starts_at)
            confirmed = await store.confirmed_count(tx, activity_id)
            if fields.capacity < confirmed:
                raise Conflict(f"{confirmed} retirees are already confirmed",
                               fields={"capacity": f"at least {confirmed} (already confirmed)"})
            await store.replace_fields(tx, activity_id, fields, now=now)
            after = await store.get(tx, activity_id)
            assert after is not None
            if after.starts_at != before.starts_at:
                await store.drop_pending_reminders(tx, activity_id)
                for registration in await store.registrations(tx, activity_id):
                    if registration.status == "confirmed":
                        await self._schedule_reminders(tx, after, registration.id, now)
            if (after.starts_at, after.ends_at, after.place) != (before.starts_at, before.ends_at, before.place):
                await self._tell_all(tx, await store.registered_chats(tx, activity_id), texts.ACT_CHANGED.format(
                    title=after.title, when=self._when(after), place=after.place), source=f"activity:{activity_id}")
            await self._fill_seats(tx, activity_id, now)  # a larger capacity serves the waiting list
            await audit(self.core, tx, actor, "activity.update", target_type="activity", target_id=activity_id,
                        detail={"fields": sorted(changes)})
        return await self.get(activity_id)

    async def do_cancel(self, actor: Actor, activity_id: int, reason: str) -> Activity:
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            activity = await self._changeable(tx, actor, activity_id)  # two cancels: the second is 409
            if activity.status == "cancelled":
                raise Conflict("already cancelled", fields={"status": "cancelled"})
            if activity.ends_at <= now:
                raise Conflict("the activity is over", fields={"ends_at": "already past"})
            await store.mark_cancelled(tx, activity_id, reason=reason, now=now)
            told = await store.registered_chats(tx, activity_id)
            await self._tell_all(tx, told, texts.ACT_CANCELLED_BY_OFFICE.format(
                title=activity.title, when=self._when(activity), reason=reason), source=f"activity:{activity_id}")
            await audit(self.core, tx, actor, "activity.cancel", target_type="activity", target_id=activity_id,
                        detail={"told": len(told)})
        return await self.get(activity_id)

    async def registrations(self, actor: Actor, activity_id: int
                            ) -> tuple[Activity, list[ActivityRegistration], dict, dict[int, int]]:
        """The activity, the registrations this staff member may see in arrival order (admins and
        viewers all; a liaison their own retirees'), contact details (phone, address) for those who
        may see them, and each waiting registration's place in the whole waiting list (by id)."""
        activity = await self.get(activity_id, actor)
        registrations = await store.registrations(self.core.db, activity_id)
        waiting = [r.id for r in registrations if r.status == "waiting"]
        positions = {registration_id: n for n, registration_id in enumerate(waiting, start=1)}
        if actor.scope_liaison_id is not None:
            registrations = [r for r in registrations if r.liaison_id == actor.scope_liaison_id]
        contacts = (await store.contacts(self.core.db, [r.retiree_id for r in registrations])
                    if actor.sees_sensitive else {})
        return activity, registrations, contacts, positions

    async def export_xlsx(self, actor: Actor, activity_id: int) -> bytes:
        activity, registrations, contacts, positions = await self.registrations(actor, activity_id)
        book = Workbook(write_only=True)
        sheet = book.create_sheet("报名名单")
        sheet.append(safe_row(sheet, ["活动", activity.title, self._when(activity), activity.place]))
        sheet.append(["状态", "候补顺序", "姓名", "签到码", "带家属", "需要接送", "签到", "电话", "住址"])
        for r in registrations:
            phone, address = contacts.get(r.retiree_id, (None, None))
            sheet.append(safe_row(sheet, [
                texts.ACT_EXPORT_STATUS[r.status], positions.get(r.id), r.retiree_name, r.code,
                "是" if r.companion else "", "是" if r.needs_transport else "",
                texts.ACT_EXPORT_ATTENDANCE.get(r.attendance or "", ""), phone, address,
            ]))
        async with self.core.db.transaction() as tx:
            await audit(self.core, tx, actor, "activity.export", target_type="activity", target_id=activity_id,
                        detail={"rows": len(registrations), "contacts": len(contacts)})
        out = BytesIO()
        book.save(out)
        return out.getvalue()

    async def do_checkin(self, actor: Actor, activity_id: int, *, retiree_id: int | None, code: str | None
                         ) -> tuple[ActivityRegistration, bool]:
        """Mark a confirmed registration attended. Returns it and whether it was already. A liaison
        checks in their own retirees only (another's is not found, as one not registered). The
        activity and the registration are read inside the write: one given up or cancelled meanwhile
        is not checked in."""
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            activity = await self._get(tx, activity_id, actor)
            if activity.status == "cancelled":
                raise Conflict("the activity was cancelled", fields={"status": "cancelled"})
            if retiree_id is not None:
                registration = await store.registration(tx, activity_id, retiree_id)
                field = "retiree_id"
            else:
                registration = await store.registration_by_code(tx, activity_id, code or "")
                field = "code"
            if registration is None or actor.scope_liaison_id not in (None, registration.liaison_id):
                raise NotFound(f"no registration with this {field}",
                               fields={field: "not registered for this activity"})
            if registration.status != "confirmed":
                raise Conflict(f"the registration is {registration.status}",
                               fields={field: f"{registration.status}, not confirmed"})
            if registration.attendance == "attended":
                return registration, True
            await store.update_registration(tx, registration.id, now=now, attendance="attended", checked_in_at=now)
            await audit(self.core, tx, actor, "activity.checkin", target_type="activity", target_id=activity_id,
                        detail={"registration": registration.id})
        updated = await store.registration(self.core.db, activity_id, registration.retiree_id)
        assert updated is not None
        return updated, False

    # ================================ timed work ================================
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
                activities = {i: await store.get(tx, i, counted=False) for i in {row["activity_id"] for row in due}}
                messages, done = [], []
                for row in due:
                    activity = activities[row["activity_id"]]
                    wanted = (activity is not None and activity.status == "published" and now < activity.starts_at
                              and row["registration_status"] == "confirmed" and row["chat_id"] is not None)
                    done.append((row["id"], "sent" if wanted else "skipped"))
                    if wanted and activity is not None:  # wanted implies it; said for the type checker
                        messages.append(self._reminder(activity, row))
                await store.finish_reminders(tx, done, now=now)
                await self.core.outbox.enqueue_many(tx, messages)
            sent += len(messages)

    def _reminder(self, activity: Activity, row) -> OutgoingMessage:
        start = self._local(activity.starts_at)
        template = texts.ACT_REMIND_EVE if row["kind"] == "eve" else texts.ACT_REMIND_SOON
        return OutgoingMessage(
            chat_id=row["chat_id"], retiree_id=row["retiree_id"], priority=Priority.NORMAL,
            text=template.format(time=texts.clock_label(start), title=activity.title, place=activity.place,
                                 code=row["code"]),
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

