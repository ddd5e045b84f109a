"""我要求助, timed work (the bot process's tick): SLA breaches told to staff, pending requests whose
reminder time has come (a mixin of HelpService)."""
from __future__ import annotations

from yinling import texts
from yinling.models import Priority
from yinling.services.help.base import HelpBase
from yinling.services.notify import notify_person, notify_staff
from yinling.store import help as help_store
from yinling.store import staff as staff_store


class HelpJobs(HelpBase):
    async def do_notify_breaches(self) -> int:
        """Tell staff about each SLA breach: a late first response and a late resolution are told
        once each (per opening: reopening clears both flags); returns how many warnings went out.

        Each warning re-reads its request inside its own transaction, so a reply or a status change
        that lands between the scan and the warning is not warned about."""
        now = self.core.clock.now()
        told = 0
        for kind, what in (("first_response", texts.STAFF_OVERDUE_FIRST), ("resolution", texts.STAFF_OVERDUE_RESOLVE)):
            for candidate in await help_store.overdue_unnotified(self.core.db, now=now, kind=kind):
                async with self.core.db.transaction() as tx:
                    fresh = await help_store.overdue_unnotified(tx, now=now, kind=kind, request_id=candidate.id)
                    if not fresh:
                        continue
                    request = fresh[0]
                    tx.after_commit(self._counted.clear)
                    await help_store.mark_breach_told(tx, request.id, kind=kind, now=now)
                    await help_store.add_event(tx, request.id, "sla_breached", now=now, detail={"kind": kind})
                    liaison = await staff_store.get(tx, request.assignee_id) if request.assignee_id else None
                    warning = texts.STAFF_HELP_OVERDUE.format(
                        id=request.id, name=request.retiree_name, category=request.category, what=what,
                        liaison=liaison.display_name if liaison else texts.NO_LIAISON,
                    )
                    await notify_person(self.core, tx, liaison, warning, priority=Priority.NORMAL)
                    await notify_staff(self.core, tx, warning)
                    told += 1
        return told

    async def do_remind_pending(self) -> int:
        """Pending requests whose remind_at has come: staff are reminded, once per remind_at.
        Returns how many were reminded.

        Each reminder re-reads its request inside its own transaction: one reopened, resolved or
        given a later remind_at between the scan and the reminder is not reminded about."""
        now = self.core.clock.now()
        reminded = 0
        for candidate in await help_store.reminders_due(self.core.db, now=now):
            async with self.core.db.transaction() as tx:
                request = await help_store.get(tx, candidate.id)
                if (request is None or request.status != "pending" or request.remind_at is None
                        or request.remind_at > now):
                    continue
                reminded += 1
                tx.after_commit(self._counted.clear)
                await help_store.update(tx, request.id, now=now, remind_at=None)
                await help_store.add_event(tx, request.id, "reminded", now=now)
                liaison = await staff_store.get(tx, request.assignee_id) if request.assignee_id else None
                await notify_staff(self.core, tx, texts.STAFF_HELP_REMIND.format(
                    id=request.id, name=request.retiree_name, category=request.category,
                    liaison=liaison.display_name if liaison else texts.NO_LIAISON))
        return reminded
