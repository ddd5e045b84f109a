"""One staff inbox: everything a person said outside a help request ends here, where staff read,
answer, assign and close it; emergency words raise an urgent item wherever they are said.

Chat side (inside the turn's transaction): `raise_alarm` (emergency words), `keep` (words with no
other home), `route_reply` (words after a staff message go to that staff member).
Staff side: `queue`, `conversation`, `do_send_message`, `do_mark_handled`, `do_assign`, media.
Timed: `do_notify_new_messages` tells each liaison (and the staff group) of new messages, grouped,
at most once per YINLING_MESSAGE_NOTICE_MINUTES; urgent items and 找人工 are told at once instead.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from yinling import texts
from yinling.emergency import emergency_kinds
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.media import CONTENT_TYPES, MediaSource, configured
from yinling.models import (
    Actor,
    ConversationEntry,
    Inbound,
    InboxItem,
    InboxMessage,
    OutgoingMessage,
    Priority,
    Retiree,
    Staff,
)
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.notify import notify_person, notify_staff
from yinling.services.turn import Turn
from yinling.store import help as help_store
from yinling.store import inbox as inbox_store
from yinling.store import intake as intake_store
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store.rows import Reader

THREAD_OPEN_FOR = timedelta(days=3)  # a reply typed within this of a staff message goes to its writer
URGENT_ANSWER_WITHIN = timedelta(minutes=30)  # an urgent message unanswered longer is overdue
ANSWER_WITHIN = timedelta(hours=24)


class InboxService:
    def __init__(self, core: Core) -> None:
        self.core = core
        self._warning_sources: list[Callable[[], Awaitable[list[str]]]] = []

    def add_warnings(self, source: Callable[[], Awaitable[list[str]]]) -> None:
        """Another capability's warnings for staff, shown with the inbox (e.g. a missing holiday calendar)."""
        self._warning_sources.append(source)

    async def warnings(self) -> list[str]:
        found: list[str] = []
        for source in self._warning_sources:
            found += await source()
        return found

    # ================================ the chat ================================
    async def raise_alarm(self, turn: Turn, inbound: Inbound) -> bool:
        """Emergency words: advice and a phone at once, the words kept as an urgent item, and the
        liaison and the staff group told ahead of anything else. Returns False when none were said."""
        kinds = emergency_kinds(inbound.text)
        if not kinds:
            return False
        retiree = turn.retiree
        liaison = await self._liaison_of(turn.tx, retiree)
        turn.kept, turn.kept_message_id = inbound, await inbox_store.insert_message(
            turn.tx, retiree_id=retiree.id if retiree else None, chat_id=turn.event.chat_id, inbound=inbound,
            origin="emergency", urgent=True, now=turn.now,
        )
        await turn.reply(self.advice(kinds, liaison))
        record = await retiree_store.get_record(turn.tx, retiree.id) if retiree else None
        who = (texts.STAFF_WHO_RETIREE.format(name=retiree.name, id=retiree.id) if retiree
               else texts.STAFF_WHO_UNKNOWN.format(name=turn.event.display_name or "?", chat=turn.event.chat_id))
        words = self._body(inbound)
        card = texts.STAFF_EMERGENCY.format(who=who, kinds="、".join(kinds), words=words,
                                            liaison=liaison.display_name if liaison else texts.NO_LIAISON)
        phone = record.phones[0] if record and record.phones else None
        direct = card + (texts.STAFF_CALL_PHONE.format(phone=phone) if phone else "")
        await notify_person(self.core, turn.tx, liaison, direct, priority=Priority.INTERACTIVE)
        await notify_staff(self.core, turn.tx, card, priority=Priority.INTERACTIVE)
        return True

    def advice(self, kinds: list[str], liaison: Staff | None) -> str:
        lines = [texts.EMERGENCY_ADVICE]
        if "煤气" in kinds:
            lines.append(texts.EMERGENCY_GAS)
        if "火灾" in kinds:
            lines.append(texts.EMERGENCY_FIRE)
        if liaison is not None and liaison.phone:
            lines.append(texts.EMERGENCY_CALL_LIAISON.format(liaison=liaison.display_name, phone=liaison.phone))
        elif self.core.settings.office_phone:
            lines.append(texts.EMERGENCY_CALL_OFFICE.format(phone=self.core.settings.office_phone))
        lines.append(texts.EMERGENCY_STAFF_TOLD)
        return "\n".join(lines)

    async def keep(self, turn: Turn, inbound: Inbound, origin: str, *, assignee_id: int | None = None) -> int:
        """Store words for staff, once: an alarm may have kept these very words already."""
        if turn.kept == inbound and turn.kept_message_id is not None:
            return turn.kept_message_id
        retiree = turn.retiree
        turn.kept, turn.kept_message_id = inbound, await inbox_store.insert_message(
            turn.tx, retiree_id=retiree.id if retiree else None, chat_id=turn.event.chat_id, inbound=inbound,
            origin=origin, assignee_id=assignee_id, now=turn.now,
        )
        return turn.kept_message_id

    async def route_reply(self, turn: Turn, inbound: Inbound) -> bool:
        """Words outside any flow soon after a staff message answer it: they go to its writer (or
        into the help request the writer answered). Returns False when no such thread is open."""
        retiree = turn.bound_retiree
        thread = await inbox_store.thread_of(turn.tx, retiree.id, since=turn.now - THREAD_OPEN_FOR)
        if thread is None:
            return False
        staff_id, request_id = thread
        staff = await staff_store.get(turn.tx, staff_id)
        if staff is None or not staff.active:
            return False
        request = await help_store.get(turn.tx, request_id) if request_id else None
        if request is not None and request.status in help_store.OPEN_STATUSES:
            await help_store.add_message(turn.tx, request.id, author="retiree", inbound=inbound, now=turn.now)
            await help_store.add_event(turn.tx, request.id, "retiree_added", now=turn.now, detail={"parts": 1})
            await turn.show_menu(texts.REPLY_FORWARDED_REQUEST.format(staff=staff.display_name, id=request.id))
        else:
            await self.keep(turn, inbound, "reply", assignee_id=staff.id)
            await turn.show_menu(texts.REPLY_FORWARDED.format(staff=staff.display_name))
        note = texts.STAFF_REPLY_NOTICE.format(name=retiree.name, id=retiree.id, body=self._body(inbound))
        await notify_person(self.core, turn.tx, staff, note, priority=Priority.NORMAL)
        return True

    async def tell_human_wanted(self, turn: Turn, liaison: Staff | None) -> None:
        """找人工 was tapped: the liaison and the group hear at once."""
        retiree = turn.bound_retiree
        text = texts.STAFF_HUMAN_REQUEST.format(
            name=retiree.name, id=retiree.id, liaison=liaison.display_name if liaison else texts.NO_LIAISON)
        record = await retiree_store.get_record(turn.tx, retiree.id)
        phone = record.phones[0] if record and record.phones else None
        await notify_person(self.core, turn.tx, liaison,
                            text + (texts.STAFF_CALL_PHONE.format(phone=phone) if phone else ""),
                            priority=Priority.INTERACTIVE)
        await notify_staff(self.core, turn.tx, text, priority=Priority.INTERACTIVE)

    async def _liaison_of(self, conn, retiree: Retiree | None) -> Staff | None:
        if retiree is None or retiree.liaison_id is None:
            return None
        return await staff_store.get(conn, retiree.liaison_id)

    @staticmethod
    def _body(inbound: Inbound) -> str:
        if inbound.kind == "text":
            return inbound.text or ""
        return texts.STAFF_MEDIA[inbound.kind] + (inbound.text or "")

    # ================================ staff ================================
    async def queue(self, actor: Actor, which: str, *, page: int, per_page: int
                    ) -> tuple[list[InboxItem], int, dict[str, int]]:
        now = self.core.clock.now()
        items = await inbox_store.queue(self.core.db, which, scope=actor.scope_liaison_id, me=actor.staff.id,
                                        now=now, **self._cuts(now), limit=per_page, offset=(page - 1) * per_page)
        counts = await self.counts(actor)
        return items, counts[which], counts

    async def counts(self, actor: Actor) -> dict[str, int]:
        """How many of each filter (and 新留言, "messages"), without reading any of them (今日)."""
        now = self.core.clock.now()
        return await inbox_store.counts(self.core.db, scope=actor.scope_liaison_id, me=actor.staff.id, now=now,
                                        **self._cuts(now))

    @staticmethod
    def _cuts(now: datetime) -> dict[str, datetime]:
        """Messages unanswered longer than these are overdue (urgent ones sooner)."""
        return {"urgent_cut": now - URGENT_ANSWER_WITHIN, "normal_cut": now - ANSWER_WITHIN}

    # Scope follows the retiree's liaison, which an admin may change at any time: the do_* below
    # read it again with their own transaction (`conn`), so a retiree just moved to another liaison
    # is not written about by the one who had them.
    async def visible_retiree(self, actor: Actor, retiree_id: int, conn: Reader | None = None) -> Retiree:
        retiree = await retiree_store.get(conn or self.core.db, retiree_id)
        if retiree is None or (actor.scope_liaison_id is not None and retiree.liaison_id != actor.scope_liaison_id):
            raise NotFound("没有这位老同志")
        return retiree

    async def visible_message(self, actor: Actor, message_id: int, conn: Reader | None = None) -> InboxMessage:
        found = await inbox_store.message(conn or self.core.db, message_id)
        if found is None or (actor.scope_liaison_id is not None and found.liaison_id != actor.scope_liaison_id):
            raise NotFound("找不到这条消息")
        return found

    async def conversation(self, actor: Actor, retiree_id: int, *, before: datetime | None, limit: int
                           ) -> list[ConversationEntry]:
        retiree = await self.visible_retiree(actor, retiree_id)
        if retiree.telegram_chat_id is None:
            return []
        return await inbox_store.conversation(self.core.db, retiree.telegram_chat_id, before=before, limit=limit)

    async def do_send_message(self, actor: Actor, retiree_id: int, text: str) -> int:
        """A staff message, delivered verbatim under the writer's name; the retiree's next words
        outside any flow come back to the writer."""
        if not text.strip():
            raise InvalidInput("消息内容不能为空", fields={"text": "不能为空"})
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            retiree = await self.visible_retiree(actor, retiree_id, tx)
            chat_id = await retiree_store.chat_of(tx, retiree.id)  # read inside: they may have just left
            if chat_id is None:
                raise Conflict("这位老同志还没有在聊天里验证，发不了消息，请打电话联系",
                               fields={"retiree_id": "还没有在聊天里验证，请打电话联系"})
            outbox_id = await self.core.outbox.enqueue(tx, OutgoingMessage(
                chat_id=chat_id, retiree_id=retiree.id, priority=Priority.NORMAL,
                text=texts.STAFF_MESSAGE_TO_RETIREE.format(staff=actor.staff.display_name, text=text),
                source=f"staff-message:{actor.staff.id}",
            ))
            await inbox_store.open_thread(tx, retiree.id, staff_id=actor.staff.id, request_id=None, now=now)
            await inbox_store.handle_all_of(tx, retiree.id, staff_id=actor.staff.id, now=now)
            await audit(self.core, tx, actor, "inbox.message", target_type="retiree", target_id=retiree.id)
        return outbox_id

    async def do_mark_handled(self, actor: Actor, message_id: int) -> InboxMessage:
        async with self.core.db.transaction() as tx:
            message = await self.visible_message(actor, message_id, tx)
            if not await inbox_store.set_handled(tx, message.id, staff_id=actor.staff.id, now=self.core.clock.now()):
                raise Conflict("这条消息已经处理过了", fields={"id": "这条消息已经处理过了"})
            await audit(self.core, tx, actor, "inbox.handled", target_type="message", target_id=message.id)
        return await self.visible_message(actor, message_id)

    async def do_assign(self, actor: Actor, message_id: int, staff_id: int) -> InboxMessage:
        async with self.core.db.transaction() as tx:
            message = await self.visible_message(actor, message_id, tx)
            staff = await staff_store.get(tx, staff_id)
            if staff is None or not staff.active or staff.role == "viewer":
                raise InvalidInput("只能指派给在岗的管理员或联系干部",
                                   fields={"staff_id": "不是在岗的管理员或联系干部"})
            if actor.role == "liaison" and staff_id != actor.staff.id:
                raise InvalidInput("联系干部只能把消息指派给自己",
                                   fields={"staff_id": "只能指派给自己"})
            await inbox_store.set_assignee(tx, message.id, staff_id)
            await audit(self.core, tx, actor, "inbox.assign", target_type="message", target_id=message.id,
                        detail={"to": staff_id})
        return await self.visible_message(actor, message_id)

    async def message_media(self, actor: Actor, message_id: int, source: MediaSource | None) -> tuple[bytes, str]:
        message = await self.visible_message(actor, message_id)
        return await self._fetch(actor, message.kind, message.file_id, source, "message", message.id)

    async def conversation_media(self, actor: Actor, retiree_id: int, update_id: int, source: MediaSource | None
                                 ) -> tuple[bytes, str]:
        retiree = await self.visible_retiree(actor, retiree_id)
        entry = await intake_store.get(self.core.db, update_id)
        if entry is None or retiree.telegram_chat_id is None or entry.chat_id != retiree.telegram_chat_id:
            raise NotFound("找不到这个语音、图片或文件")
        return await self._fetch(actor, entry.kind, entry.file_id, source, "retiree", retiree.id)

    async def _fetch(self, actor: Actor, kind: str, file_id: str | None, source: MediaSource | None,
                     target_type: str, target_id: int) -> tuple[bytes, str]:
        if file_id is None or kind not in CONTENT_TYPES:
            raise NotFound("找不到这个语音、图片或文件")
        source = configured(source)
        async with self.core.db.transaction() as tx:
            await audit(self.core, tx, actor, "inbox.media", target_type=target_type, target_id=target_id,
                        detail={"kind": kind})
        return await source.fetch(file_id), CONTENT_TYPES[kind]

    # ================================ timed ================================
    async def do_notify_new_messages(self) -> int:
        """Grouped notices of new, non-urgent, unanswered messages (urgent ones and 找人工 were told
        at once): one to each linked staff member for the messages that are theirs, and one to the
        staff group, each at most once per YINLING_MESSAGE_NOTICE_MINUTES. Each target keeps a cursor
        (the last message id it was told of), so nothing is told twice and nothing is skipped.
        Returns how many notices were queued."""
        now = self.core.clock.now()
        gap = timedelta(minutes=self.core.settings.message_notice_minutes)
        since = now - timedelta(days=1)  # a target told for the first time hears of the last day only
        targets: list[tuple[str, Staff | None]] = [
            (f"staff:{s.id}", s) for s in await staff_store.list_all(self.core.db)
            if s.active and s.role != "viewer" and s.telegram_user_id is not None
        ]
        if self.core.settings.staff_chat_id is not None:
            targets.append(("group", None))
        sent = 0
        for target, staff in targets:
            async with self.core.db.transaction() as tx:  # the cursor decides the write: read inside
                cursor = await inbox_store.notice_cursor(tx, target)
                if cursor is not None and now - cursor[0] < gap:
                    continue
                fresh = await inbox_store.new_unanswered(tx, after_id=cursor[1] if cursor else 0, since=since,
                                                         owner_id=staff.id if staff else None)
                if not fresh:
                    continue
                if staff is None:
                    await notify_staff(self.core, tx, self._digest(fresh))
                else:
                    await notify_person(self.core, tx, staff, self._digest(fresh), priority=Priority.NORMAL)
                await inbox_store.set_notice_cursor(tx, target, now=now, last_id=fresh[-1].id)
                sent += 1
        return sent

    @staticmethod
    def _digest(messages: list[InboxMessage]) -> str:
        counted: dict[str, int] = defaultdict(int)
        for message in messages:
            counted[message.retiree_name or texts.STAFF_UNKNOWN_PERSON] += 1
        people = "、".join(f"{name} {n} 条" for name, n in counted.items())
        return texts.STAFF_NEW_MESSAGES.format(count=len(messages), people=people)
