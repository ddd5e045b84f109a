"""我要求助, what staff do through any face (the API, the staff group): the queue, a request's detail
and media, replies, notes, claims and assignments, status changes, merges, follow-up calls, visit tasks
(a mixin of HelpService).

Statuses: new -> open (first reply or claim) <-> pending; -> resolved (staff) -> closed (the retiree
says it is solved, or rates it); resolved -> open again when they say it is not, or write about it
within REOPEN_WITHIN of its resolution. Staff may close any request and reopen a closed one.

Every do_* below reads the request (and whatever else decides the write) with its own transaction,
after BEGIN IMMEDIATE: a status, an assignee or a merge decided on a read taken before the write lock
would act on what another staff member may just have changed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.media import CONTENT_TYPES, MediaSource, configured
from yinling.models import (
    Actor,
    Button,
    HelpFilter,
    HelpRequest,
    Inbound,
    Keyboard,
    OutgoingMessage,
    Priority,
    window_problems,
)
from yinling.services.audit import audit
from yinling.services.help.base import HelpBase
from yinling.store import help as help_store
from yinling.store import inbox as inbox_store
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store.database import Transaction
from yinling.store.rows import Reader

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"open", "pending", "resolved", "closed"}),
    "open": frozenset({"pending", "resolved", "closed"}),
    "pending": frozenset({"open", "resolved", "closed"}),
    "resolved": frozenset({"open", "closed"}),
    "closed": frozenset({"open"}),
}


def resolved_buttons(request_id: int) -> Keyboard:
    return Keyboard.inline([
        Button(label=texts.SOLVED_BUTTON, action=f"help:solved:{request_id}"),
        Button(label=texts.UNSOLVED_BUTTON, action=f"help:unsolved:{request_id}"),
    ])


class HelpStaff(HelpBase):
    async def _visible(self, conn: Reader, actor: Actor, request_id: int) -> HelpRequest:
        """Scope: a liaison sees their own retirees' requests only (others' are NotFound, exactly as
        if they did not exist). Read with `conn`: the transaction that writes, when one does."""
        request = await help_store.get(conn, request_id)
        if request is None or (actor.scope_liaison_id is not None and request.liaison_id != actor.scope_liaison_id):
            raise NotFound("找不到这条求助单")
        return request

    async def visible(self, actor: Actor, request_id: int) -> HelpRequest:
        return await self._visible(self.core.db, actor, request_id)

    async def queue(self, actor: Actor, filters: HelpFilter, *, sort: str, page: int, per_page: int):
        now = self.core.clock.now()
        scope, me = actor.scope_liaison_id, actor.staff.id
        items = await help_store.page(self.core.db, filters, scope_liaison_id=scope, me=me, now=now, sort=sort,
                                      limit=per_page, offset=(page - 1) * per_page)
        total = self._counted.get(("total", scope, me, filters))
        if total is None:
            total = await help_store.count(self.core.db, filters, scope_liaison_id=scope, me=me, now=now)
            self._counted.put(("total", scope, me, filters), total)
        counts = self._counted.get(("counts", scope, me))
        if counts is None:
            counts = await help_store.counts(self.core.db, scope_liaison_id=scope, me=me, now=now)
            self._counted.put(("counts", scope, me), counts)
        return items, total, counts

    async def detail(self, actor: Actor, request_id: int):
        request = await self.visible(actor, request_id)
        thread = await help_store.thread(self.core.db, request_id)
        return request, thread, await help_store.events(self.core.db, request_id)

    @property
    def queue_version(self) -> int:
        """Changes whenever this service changes a request: caches of queue pages key on it."""
        return self._counted.version

    def is_overdue(self, request: HelpRequest) -> bool:
        now = self.core.clock.now()
        if request.status not in ("new", "open", "pending"):
            return False
        return (request.first_response_at is None and request.first_response_due < now) or request.resolution_due < now

    async def media(self, actor: Actor, message_id: int, source: MediaSource | None) -> tuple[bytes, str]:
        """A voice note or photo in a request's thread, for staff who may see that request."""
        message = await help_store.message(self.core.db, message_id)
        if message is None or message.file_id is None:
            raise NotFound("找不到这个语音、图片或文件")
        await self.visible(actor, message.request_id)  # scope: NotFound for others' requests
        source = configured(source)
        async with self.core.db.transaction() as tx:
            tx.after_commit(self._counted.clear)
            await audit(self.core, tx, actor, "help.media", target_type="help_request", target_id=message.request_id,
                        detail={"message": message.id, "kind": message.kind})
        return await source.fetch(message.file_id), CONTENT_TYPES[message.kind]

    async def do_reply(self, actor: Actor, request_id: int, text: str) -> None:
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            request = await self._visible(tx, actor, request_id)  # its status decides whether this opens it
            if not text.strip():
                raise InvalidInput("回复内容不能为空", fields={"text": "不能为空"})
            tx.after_commit(self._counted.clear)
            await help_store.add_message(tx, request.id, author="staff", staff_id=actor.staff.id,
                                         inbound=Inbound(kind="text", text=text), now=now)
            await self._first_response(tx, request, actor, now)
            await help_store.add_event(tx, request.id, "replied", now=now, staff_id=actor.staff.id)
            # the retiree's next words outside any flow join this request (not a new 留言)
            await inbox_store.open_thread(tx, request.retiree_id, staff_id=actor.staff.id, request_id=request.id,
                                          now=now)
            await self._tell_retiree(tx, request, texts.HELP_REPLY.format(
                id=request.id, staff=actor.staff.display_name, text=text))
            await audit(self.core, tx, actor, "help.reply", target_type="help_request", target_id=request.id)

    async def do_note(self, actor: Actor, request_id: int, text: str) -> None:
        async with self.core.db.transaction() as tx:
            request = await self._visible(tx, actor, request_id)  # scope, as the retiree's liaison is now
            if not text.strip():
                raise InvalidInput("备注内容不能为空", fields={"text": "不能为空"})
            tx.after_commit(self._counted.clear)
            await help_store.add_message(tx, request.id, author="note", staff_id=actor.staff.id,
                                         inbound=Inbound(kind="text", text=text), now=self.core.clock.now())

    async def do_claim(self, actor: Actor, request_id: int) -> None:
        await self.do_assign(actor, request_id, actor.staff.id)

    async def do_assign(self, actor: Actor, request_id: int, staff_id: int) -> None:
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            request = await self._visible(tx, actor, request_id)  # new or not decides the 接单 message
            staff = await staff_store.get(tx, staff_id)  # and the assignee must still be active
            if staff is None or not staff.active or staff.role == "viewer":
                raise InvalidInput("只能指派给在岗的管理员或联系干部",
                                   fields={"staff_id": "不是在岗的管理员或联系干部"})
            if actor.role == "liaison" and staff_id != actor.staff.id:
                raise InvalidInput("联系干部只能把求助单指派给自己", fields={"staff_id": "只能指派给自己"})
            tx.after_commit(self._counted.clear)
            await help_store.update(tx, request.id, now=now, assignee_id=staff_id)
            await help_store.add_event(tx, request.id, "assigned", now=now, staff_id=actor.staff.id,
                                       detail={"from": request.assignee_id, "to": staff_id})
            if request.status == "new":  # 接单 is the first response: accepted, and the retiree told
                await self._first_response(tx, request, actor, now)
                await self._tell_retiree(tx, request,
                                         texts.HELP_ACCEPTED.format(id=request.id, staff=staff.display_name))
            await audit(self.core, tx, actor, "help.assign", target_type="help_request", target_id=request.id,
                        detail={"to": staff_id})

    async def do_set_status(
        self, actor: Actor, request_id: int, status: str, *, reason: str | None, remind_at: datetime | None
    ) -> None:
        """The transition is decided on the status read inside this transaction: of two staff changing
        one request at once, the second is judged against the first's result (409, or a transition
        from the new status), so the history never holds two changes from the same status."""
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            request = await self._visible(tx, actor, request_id)
            if status not in TRANSITIONS[request.status]:
                allowed = "、".join(f"「{_said(s)}」（{s}）" for s in sorted(TRANSITIONS[request.status]))
                raise Conflict(f"这条求助单已经是「{_said(status)}」了" if status == request.status
                               else f"「{_said(request.status)}」的求助单不能改成「{_said(status)}」",
                               fields={"status": f"现在可以改成：{allowed}"})
            if status == "pending" and remind_at is None:
                raise InvalidInput("设为 pending（等待办理）时，请填写提醒时间（remind_at）",
                                   fields={"remind_at": "设为 pending 时必填"})
            if problems := window_problems(remind_at=remind_at):
                raise InvalidInput("提醒时间（remind_at）超出了允许的范围", fields=problems)
            reopening = status == "open" and request.status in ("resolved", "closed")
            if reopening and request.merged_into is not None:  # a merged request is always closed
                raise Conflict(f"求助单 #{request.id} 已经合并到 #{request.merged_into}，请在那一条里继续办理",
                               fields={"status": "合并过的求助单不能重新打开"})
            changes: dict[str, Any] = {"status": status, "remind_at": remind_at if status == "pending" else None}
            if status == "resolved":
                changes["resolved_at"] = now
            if status == "closed":
                changes["closed_at"] = now
            if status == "open":
                changes.update(self._reopened(request, now) if reopening else {"resolved_at": None, "closed_at": None})
            tx.after_commit(self._counted.clear)
            await help_store.update(tx, request.id, now=now, **changes)
            await help_store.add_event(tx, request.id, status, now=now, staff_id=actor.staff.id,
                                       detail={"from": request.status, "reason": reason})
            if request.status == "new" and status in ("open", "pending", "resolved"):
                await self._first_response(tx, request, actor, now, opens=False)  # the status is set above
            if status == "resolved":
                await self._tell_retiree(tx, request, texts.HELP_RESOLVED.format(id=request.id),
                                         resolved_buttons(request.id))
            elif status == "pending":
                await self._tell_retiree(tx, request,
                                         texts.HELP_PENDING.format(id=request.id, reason=reason or "办理中"))
            elif status == "closed":  # the staff's reason may be internal (a duplicate, a wrong number): not told
                await self._tell_retiree(tx, request, texts.HELP_CLOSED_BY_STAFF.format(id=request.id))
            elif reopening:
                await self._tell_retiree(tx, request, texts.HELP_REOPENED_BY_STAFF.format(id=request.id))
            await audit(self.core, tx, actor, "help.status", target_type="help_request", target_id=request.id,
                        detail={"from": request.status, "to": status})

    async def do_merge(self, actor: Actor, request_id: int, into: int) -> None:
        """A duplicate: closed and pointed at the request that carries on; the retiree is told."""
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:  # both read inside: either may be merged meanwhile
            request = await self._visible(tx, actor, request_id)
            target = await self._visible(tx, actor, into)
            if request.id == target.id or target.merged_into is not None or request.merged_into is not None:
                raise Conflict("这两条求助单不能合并", fields={"into": "应是另一条没有合并过的求助单"})
            tx.after_commit(self._counted.clear)
            await help_store.update(tx, request.id, now=now, merged_into=target.id, status="closed", closed_at=now)
            await help_store.add_event(tx, request.id, "merged", now=now, staff_id=actor.staff.id,
                                       detail={"into": target.id})
            await help_store.add_event(tx, target.id, "merged_in", now=now, staff_id=actor.staff.id,
                                       detail={"from": request.id})
            if request.retiree_id == target.retiree_id:
                await self._tell_retiree(tx, request, texts.HELP_MERGED.format(id=request.id, into=target.id))
            await audit(self.core, tx, actor, "help.merge", target_type="help_request", target_id=request.id,
                        detail={"into": target.id})

    async def do_followup(self, actor: Actor, request_id: int, *, reached: bool, result: str,
                          satisfaction: str | None) -> None:
        """回访: the result of a follow-up call, in the request's history."""
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            request = await self._visible(tx, actor, request_id)  # a rating given meanwhile is kept
            tx.after_commit(self._counted.clear)
            await help_store.add_event(tx, request.id, "followup", now=now, staff_id=actor.staff.id,
                                       detail={"reached": reached, "result": result, "satisfaction": satisfaction})
            if satisfaction and request.satisfaction is None:
                await help_store.update(tx, request.id, now=now, satisfaction=satisfaction, rated_at=now)

    async def visit_tasks(self, actor: Actor, *, status: str | None, page: int, per_page: int):
        return await help_store.list_visit_tasks(self.core.db, scope_liaison_id=actor.scope_liaison_id,
                                                 status=status, limit=per_page, offset=(page - 1) * per_page)

    async def _first_response(
        self, tx: Transaction, request: HelpRequest, actor: Actor, now: datetime, *, opens: bool = True
    ) -> None:
        """The first thing staff do for a request answers it: the response clock stops, and (unless
        the caller sets another status) new becomes open."""
        if request.first_response_at is None:
            await help_store.update(tx, request.id, now=now, first_response_at=now)
        if request.status == "new" and opens:
            await help_store.update(tx, request.id, now=now, status="open")
            if request.assignee_id is None:
                await help_store.update(tx, request.id, now=now, assignee_id=actor.staff.id)

    async def _tell_retiree(self, tx: Transaction, request: HelpRequest, text: str,
                            keyboard: Keyboard | None = None) -> None:
        chat_id = await retiree_store.chat_of(tx, request.retiree_id)
        if chat_id is None:
            return  # not in the chat (yet): the liaison phones instead; the thread keeps the words
        await self.core.outbox.enqueue(tx, OutgoingMessage(
            chat_id=chat_id, retiree_id=request.retiree_id, text=text, keyboard=keyboard,
            priority=Priority.NORMAL, source=f"help:{request.id}",
        ))


def _said(status: str) -> str:
    """A status as staff read it (the words the retiree sees too)."""
    return texts.HELP_STATUS.get(status, status)
