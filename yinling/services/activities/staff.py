"""活动报名, what staff do through any face: publish, change and cancel activities, list and export
the registrations, check people in at the door (a mixin of ActivityService).

Scope (as for broadcasts): a liaison's activity (`created_by_liaison`) is for their own retirees only:
any audience they give is narrowed to them (announced to them only, offered in the chat to them only)
and naming other liaisons in it is refused (403, field audience.liaison_ids). Liaisons see office-wide
activities and their own; another liaison's is 404 to them, as another's broadcast is. Only the one
who published an activity, or an admin, changes or cancels it (another who can see it: 403). On an
activity they see, a liaison lists, exports and checks in their own retirees only (others' rows are
absent; another's retiree by id or code is 404, like one not registered).

Every staff change (PATCH, cancel, check-in) reads what decides it (the activity's status, times and
capacity, the registration's status) inside its own write transaction: an activity cancelled while a
PATCH waits for the write lock is seen cancelled by that PATCH (409), and two cancellations tell the
registered once.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, get_args

from yinling import texts
from yinling.activity_io import registration_row, registrations_xlsx
from yinling.errors import Conflict, Forbidden, InvalidInput, NotFound
from yinling.models import (
    Activity,
    ActivityFields,
    ActivityKind,
    ActivityRegistration,
    Actor,
    Button,
    Keyboard,
    OutgoingMessage,
    Priority,
    window_problems,
)
from yinling.services.activities.base import ActivityBase
from yinling.services.audit import audit
from yinling.services.roster import aged_cutoff
from yinling.services.scope import visible_retiree
from yinling.store import activities as store
from yinling.store import audiences
from yinling.store import staff as staff_store
from yinling.store.database import Transaction
from yinling.store.rows import Reader


class ActivityStaff(ActivityBase):
    async def _check(self, conn: Reader, actor: Actor, fields: ActivityFields, *, now: datetime,
                     starts_changed: bool) -> None:
        liaison = actor.scope_liaison_id
        if liaison is not None and fields.audience.kind == "liaisons" and set(fields.audience.liaison_ids) != {liaison}:
            raise Forbidden("联系干部发布的活动只能面向自己联系的老同志",
                            fields={"audience.liaison_ids": "只能填您自己的编号"})
        problems = window_problems(starts_at=fields.starts_at, ends_at=fields.ends_at,
                                   signup_deadline=fields.signup_deadline)
        if starts_changed and fields.starts_at <= now:
            problems.setdefault("starts_at", "应是以后的时间")
        if fields.ends_at <= fields.starts_at:
            problems["ends_at"] = "应晚于开始时间（starts_at）"
        if fields.signup_deadline > fields.starts_at:
            problems["signup_deadline"] = "不能晚于开始时间（starts_at）"
        if fields.audience.kind == "liaisons":
            for liaison_id in fields.audience.liaison_ids:
                staff = await staff_store.get(conn, liaison_id)
                if staff is None or staff.role != "liaison":
                    problems["audience.liaison_ids"] = f"编号 {liaison_id} 不是联系干部"
        if problems:
            raise InvalidInput(f"这些字段需要改正：{'、'.join(problems)}", fields=problems)

    async def get(self, activity_id: int, actor: Actor | None = None) -> Activity:
        """The activity; with `actor`, only one they may see (a liaison: not another liaison's)."""
        return await self._get(self.core.db, activity_id, actor)

    async def _get(self, conn: Reader, activity_id: int, actor: Actor | None = None) -> Activity:
        activity = await store.get(conn, activity_id)
        liaison = actor.scope_liaison_id if actor is not None else None
        if activity is None or (liaison is not None and activity.created_by_liaison not in (None, liaison)):
            raise NotFound("找不到这个活动")
        return activity

    async def for_retiree(self, actor: Actor, retiree_id: int) -> list[tuple[Activity, ActivityRegistration]]:
        """One retiree's sign-ups of the last year and to come (一人一档), soonest first."""
        await visible_retiree(self.core.db, actor, retiree_id)
        return await store.for_retiree(self.core.db, retiree_id, since=self.core.clock.now() - timedelta(days=365))

    @staticmethod
    def may_change(actor: Actor, activity: Activity) -> bool:
        """Who may change or cancel an activity: an admin, or who published it (pages hide the rest)."""
        return actor.role == "admin" or activity.created_by == actor.staff.id

    async def _changeable(self, tx: Transaction, actor: Actor, activity_id: int) -> Activity:
        """The activity as it is inside `tx`, if this staff member may change or cancel it: an admin,
        or who published it."""
        activity = await self._get(tx, activity_id, actor)
        if not self.may_change(actor, activity):
            raise Forbidden("只有发布这个活动的人或管理员才能修改、取消它")
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
                raise Conflict("活动已经取消了，不能再修改", fields={"status": "已取消"})
            fields = ActivityFields(**{**before.model_dump(include=set(ActivityFields.model_fields)), **changes})
            await self._check(tx, actor, fields, now=now, starts_changed=fields.starts_at != before.starts_at)
            confirmed = await store.confirmed_count(tx, activity_id)
            if fields.capacity < confirmed:
                raise Conflict(f"已经有 {confirmed} 位老同志报上名了，名额不能比这更少",
                               fields={"capacity": f"至少 {confirmed}（已报上名 {confirmed} 位）"})
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
                raise Conflict("这个活动已经取消过了", fields={"status": "已取消"})
            if activity.ends_at <= now:
                raise Conflict("活动已经结束了，不能再取消", fields={"ends_at": "已经过去了"})
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

    async def participation(self, actor: Actor, start: datetime, end: datetime) -> dict[str, Any]:
        """参与人次 for the activities (not cancelled) starting in [start, end), in the caller's scope (a
        liaison: the activities they see, their own retirees' registrations): each activity, the
        totals, and by kind (the kinds held, in the menu's order). 参与人次 is `attended` (confirmed and
        checked in); companions who came with them are counted beside it, not in it. attendance_rate
        (到场率) is attended over those whose attendance is known (checked in or marked absent)."""
        rows = await store.participation(self.core.db, start=start, end=end, liaison=actor.scope_liaison_id)

        def with_rate(figures: dict[str, Any]) -> dict[str, Any]:
            known = figures["attended"] + figures["no_shows"]
            return {**figures, "attendance_rate": figures["attended"] / known if known else None}

        def summed(group: list[dict]) -> dict[str, Any]:  # over activities' rows, not registrations
            return with_rate({"activities": len(group), **{k: sum(r[k] for r in group) for k in _TURNOUT}})

        return {
            "from": start, "to": end, "overall": summed(rows),
            "by_kind": [{"kind": kind, **summed(group)} for kind in get_args(ActivityKind)
                        if (group := [r for r in rows if r["kind"] == kind])],
            "activities": [with_rate(row) for row in rows],
        }

    async def export_xlsx(self, actor: Actor, activity_id: int) -> bytes:
        """The registrations this staff member may see, as .xlsx (yinling/activity_io.py lays it out);
        the workbook is built off the event loop, as the roster export is."""
        activity, registrations, contacts, positions = await self.registrations(actor, activity_id)
        rows = []
        for r in registrations:
            phone, address = contacts.get(r.retiree_id, (None, None))
            rows.append(registration_row(r, position=positions.get(r.id), phone=phone, address=address))
        data = await asyncio.to_thread(registrations_xlsx, title=activity.title, when=self._when(activity),
                                       place=activity.place, rows=rows)
        async with self.core.db.transaction() as tx:
            await audit(self.core, tx, actor, "activity.export", target_type="activity", target_id=activity_id,
                        detail={"rows": len(registrations), "contacts": len(contacts)})
        return data

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
                raise Conflict("这个活动已经取消了，不能签到", fields={"status": "已取消"})
            if retiree_id is not None:
                registration = await store.registration(tx, activity_id, retiree_id)
                field = "retiree_id"
            else:
                registration = await store.registration_by_code(tx, activity_id, code or "")
                field = "code"
            if registration is None or actor.scope_liaison_id not in (None, registration.liaison_id):
                raise NotFound(_NO_REGISTRATION[field], fields={field: "没有报名这个活动"})
            if registration.status != "confirmed":
                said = _NOT_CONFIRMED.get(registration.status, registration.status)
                raise Conflict(f"这个报名{said}，不能签到", fields={field: f"{said}，没有报上名"})
            if registration.attendance == "attended":
                return registration, True
            await store.update_registration(tx, registration.id, now=now, attendance="attended", checked_in_at=now)
            await audit(self.core, tx, actor, "activity.checkin", target_type="activity", target_id=activity_id,
                        detail={"registration": registration.id})
        updated = await store.registration(self.core.db, activity_id, registration.retiree_id)
        assert updated is not None
        return updated, False


# A check-in refused, said for the field the person at the door gave.
_NO_REGISTRATION = {"retiree_id": "这位老同志没有报名这个活动", "code": "这个签到码不对，找不到对应的报名"}
_NOT_CONFIRMED = {"waiting": "还在候补", "cancelled": "已经取消了"}
# The counts of yinling.store.activities.participation that add up over activities.
_TURNOUT = ("confirmed", "waiting", "attended", "companions", "no_shows", "not_checked_in")
