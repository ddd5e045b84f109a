"""Privacy (PIPL) for the retiree: what the office keeps, seen from the chat, and deleted on request.

Chat: 我的 → 🔒 我的信息 shows what is kept; 🗑 申请删除我的信息, then ✅ 确定删除, becomes a privacy
request (a row, and an inbox message with origin 'privacy' so staff see it where they read everything
else). Steps: `privacy` (the information on screen), `privacy.confirm` (确定删除 / 不删了). Words that
are no answer are kept for staff, and the retiree told so, as everywhere.

What 我的信息 shows, and why so: the name; phones masked (138****0001: a chat is read over a shoulder
or on a shared phone); the liaison; the tags the retiree agreed to (sensitive ones only with their
consent: a tag stored before consent was asked for is not shown back as if agreed); whether health
notes and a family contact are kept, never the notes themselves (a family member may hold the phone;
their liaison reads them out on request); and how many help requests, ideas, messages and sign-ups
are kept.

Staff (admins): list the requests, complete one (the same erasure as DELETE /api/v1/retirees/{id},
in the same transaction as the decision) or reject it with a reason; the retiree is told either way.
The farewell after an erasure is queued after it, so it is the one row left to their chat: a fixed
sentence, no name.
"""
from __future__ import annotations

from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import Actor, Inbound, Keyboard, OutgoingMessage, Priority, PrivacyRequest, RetireeRecord
from yinling.phones import mask_phone
from yinling.services import answers
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.inbox import InboxService
from yinling.services.roster import RosterService
from yinling.services.turn import Turn, nav_row
from yinling.store import inbox as inbox_store
from yinling.store import privacy as privacy_store
from yinling.store import retirees as retiree_store
from yinling.store.database import Transaction

PRIVACY = "privacy"
CONFIRM = "privacy.confirm"
REASON_LIMIT = 500
_DELETE_WORDS = (texts.PRIVACY_DELETE_BUTTON, "申请删除", "删除", "删除我的信息", "申请删除我的信息")
_CONFIRM_WORDS = (texts.PRIVACY_CONFIRM_BUTTON, "确定删除")  # a deletion is never a plain 好 or 是
_KEEP_WORDS = (texts.PRIVACY_KEEP_BUTTON, "不删", "不删除", "不要删", "不要删除", *answers.NO)


class PrivacyService:
    def __init__(self, core: Core, inbox: InboxService, roster: RosterService) -> None:
        self.core = core
        self.inbox = inbox
        self.roster = roster

    # ================================ the chat ================================
    async def show_mine(self, turn: Turn) -> None:
        """我的 → 🔒 我的信息."""
        retiree = turn.bound_retiree
        record = await retiree_store.get_record(turn.tx, retiree.id)
        assert record is not None  # a bound retiree's file
        pending = await privacy_store.pending_of(turn.tx, retiree.id)
        text = self.describe(record, await privacy_store.records_of(turn.tx, retiree.id))
        text += texts.PRIVACY_MINE_PENDING if pending else texts.PRIVACY_MINE_END
        await turn.go(PRIVACY)
        await turn.reply(text, self._info_keyboard(pending is not None))

    def describe(self, record: RetireeRecord, records: dict[str, int]) -> str:
        agreed = [t for t in record.tags if record.sensitive_consent or t not in self.roster.sensitive_tags]
        text = texts.PRIVACY_MINE.format(
            name=record.name, phone="、".join(mask_phone(p) for p in record.phones) or texts.PRIVACY_NONE,
            liaison=record.liaison_name or texts.PRIVACY_NONE, tags="、".join(agreed) or texts.PRIVACY_NONE)
        if kept := [what for what, held in ((texts.PRIVACY_HEALTH, record.health_notes),
                                            (texts.PRIVACY_FAMILY, record.family)) if held]:
            text += texts.PRIVACY_MINE_SENSITIVE.format(what="、".join(kept))
        kinds = ((texts.PRIVACY_RECORD_HELP, "help"), (texts.PRIVACY_RECORD_IDEAS, "ideas"),
                 (texts.PRIVACY_RECORD_MESSAGES, "messages"), (texts.PRIVACY_RECORD_ACTIVITIES, "activities"))
        kept = [label.format(n=records[name]) for label, name in kinds if records.get(name)]
        return text + (texts.PRIVACY_MINE_RECORDS.format(records="，".join(kept)) if kept
                       else texts.PRIVACY_MINE_NO_RECORDS)

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        said = answers.words(inbound)
        if turn.dialog.state == CONFIRM:
            if answers.is_one_of(said, _CONFIRM_WORDS):
                await self._request(turn)
            elif answers.is_one_of(said, _KEEP_WORDS):
                await turn.show_menu(texts.PRIVACY_NOT_DELETED)
            else:
                await self._kept(turn, inbound, self._confirm_keyboard())
        elif answers.is_one_of(said, _DELETE_WORDS):
            if await privacy_store.pending_of(turn.tx, turn.bound_retiree.id) is not None:
                await turn.show_menu(texts.PRIVACY_ALREADY)
                return
            await turn.go(CONFIRM)
            await turn.reply(texts.PRIVACY_CONFIRM, self._confirm_keyboard())
        else:
            await self._kept(turn, inbound, self._info_keyboard(False))

    async def _request(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        if await privacy_store.pending_of(turn.tx, retiree.id) is not None:  # asked from two screens
            await turn.show_menu(texts.PRIVACY_ALREADY)
            return
        request_id = await privacy_store.create(turn.tx, retiree.id, now=turn.now)
        note = Inbound(kind="text", text=texts.STAFF_PRIVACY_REQUEST.format(id=request_id))
        await privacy_store.set_message(turn.tx, request_id, await self.inbox.keep(turn, note, "privacy"))
        await turn.show_menu(texts.PRIVACY_REQUESTED.format(id=request_id))

    async def _kept(self, turn: Turn, inbound: Inbound, keyboard: Keyboard) -> None:
        """Words that answer nothing here go to staff; the retiree is told, with the buttons again."""
        await self.inbox.keep(turn, inbound, "kept")
        await turn.reply(texts.PRIVACY_TAP.format(thing=texts.SENT_THING[inbound.kind]), keyboard)

    @staticmethod
    def _info_keyboard(pending: bool) -> Keyboard:
        return Keyboard.choices(nav_row()) if pending else Keyboard.choices([texts.PRIVACY_DELETE_BUTTON], nav_row())

    @staticmethod
    def _confirm_keyboard() -> Keyboard:
        return Keyboard.choices([texts.PRIVACY_CONFIRM_BUTTON, texts.PRIVACY_KEEP_BUTTON], nav_row())

    # ================================ staff (admins) ================================
    async def page(self, *, status: str | None, page: int, per_page: int) -> tuple[list[PrivacyRequest], int]:
        return await privacy_store.page(self.core.db, status=status, limit=per_page, offset=(page - 1) * per_page)

    async def get(self, request_id: int) -> PrivacyRequest:
        request = await privacy_store.get(self.core.db, request_id)
        if request is None:
            raise NotFound("找不到这条删除信息的申请")
        return request

    async def do_complete(self, actor: Actor, request_id: int) -> PrivacyRequest:
        """Erase the retiree (as DELETE /retirees/{id} does), decide the request and tell them, at once."""
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            request = await self._pending(tx, request_id)
            chat_id = await retiree_store.chat_of(tx, request.retiree_id)  # read before it is erased
            await privacy_store.decide(tx, request.id, "completed", staff_id=actor.staff.id, now=now)
            await self.roster.erase_in(tx, actor, request.retiree_id, privacy_request=request.id)
            if chat_id is not None:  # no retiree id: nothing left ties this row to them
                await self.core.outbox.enqueue(tx, OutgoingMessage(
                    chat_id=chat_id, text=texts.PRIVACY_DONE, keyboard=Keyboard.remove(), priority=Priority.NORMAL,
                    source=f"privacy:{request.id}"))
            await audit(self.core, tx, actor, "privacy.complete", target_type="privacy_request", target_id=request.id,
                        detail={"retiree_id": request.retiree_id})
        return await self.get(request_id)

    async def do_reject(self, actor: Actor, request_id: int, reason: str) -> PrivacyRequest:
        reason = reason.strip()
        if not reason:
            raise InvalidInput("驳回时请写明原因", fields={"reason": "不能为空：老同志会看到原因"})
        if len(reason) > REASON_LIMIT:
            raise InvalidInput(f"原因太长了，最多 {REASON_LIMIT} 个字", fields={"reason": f"最多 {REASON_LIMIT} 个字"})
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            request = await self._pending(tx, request_id)
            await privacy_store.decide(tx, request.id, "rejected", staff_id=actor.staff.id, now=now, reason=reason)
            if request.message_id is not None:
                await inbox_store.set_handled(tx, request.message_id, staff_id=actor.staff.id, now=now)
            chat_id = await retiree_store.chat_of(tx, request.retiree_id)
            if chat_id is not None:
                await self.core.outbox.enqueue(tx, OutgoingMessage(
                    chat_id=chat_id, retiree_id=request.retiree_id, priority=Priority.NORMAL,
                    text=texts.PRIVACY_REJECTED.format(id=request.id, reason=reason), source=f"privacy:{request.id}"))
            await audit(self.core, tx, actor, "privacy.reject", target_type="privacy_request", target_id=request.id,
                        detail={"retiree_id": request.retiree_id})  # the reason may name them: not here
        return await self.get(request_id)

    @staticmethod
    async def _pending(tx: Transaction, request_id: int) -> PrivacyRequest:
        """Read inside the deciding transaction: two admins deciding at once, one wins."""
        request = await privacy_store.get(tx, request_id)
        if request is None:
            raise NotFound("找不到这条删除信息的申请")
        if request.status != "pending":
            raise Conflict(f"这条申请已经{_DECIDED[request.status]}了",
                           fields={"status": f"已经{_DECIDED[request.status]}了"})
        return request


_DECIDED = {"completed": "办理", "rejected": "驳回"}
