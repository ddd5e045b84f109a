"""金点子, what staff do through any face: the list, an idea's detail and media, the review, private
notes, merges and the figures (a mixin of IdeaService).

Statuses: submitted -> reviewing -> adopted | noted (a reason, sent as the reply, is required);
adopted -> implemented; noted -> reviewing when the office reconsiders. Restating the current status
with a reply sends the submitter a further reply. `reply` holds the words sent with the latest review.
A duplicate is merged into another idea: it becomes `merged` (merged_into set; merges stay one level
deep) and its submitter hears the other idea's news from then on.

Every review and merge runs in one transaction that re-reads the idea (so two staff deciding at once
cannot both pass the transition check), writes the history, the audit row and the messages to the
submitters. Private notes are never sent to anyone.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.media import CONTENT_TYPES, MediaSource, configured
from yinling.models import (
    IDEA_FIELDS,
    Actor,
    Idea,
    IdeaEvent,
    IdeaFilter,
    IdeaNote,
    IdeaPart,
    OutgoingMessage,
    Priority,
    ReceivedIdea,
)
from yinling.services.audit import audit
from yinling.services.ideas.base import IdeaBase
from yinling.store import ideas as store
from yinling.store import retirees as retiree_store
from yinling.store.database import Transaction
from yinling.store.rows import Reader

TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"reviewing", "adopted", "noted"}),
    "reviewing": frozenset({"adopted", "noted"}),
    "adopted": frozenset({"implemented"}),
    "noted": frozenset({"reviewing"}),
    "implemented": frozenset(),
    "merged": frozenset(),
}
REVIEW_STATUSES = ("reviewing", "adopted", "noted", "implemented")  # what staff may set


def named(*statuses: str) -> str:
    """Statuses in the words the submitter reads in the chat: 「已采纳」、「暂未采纳」."""
    return "、".join(f"「{texts.IDEA_STATUS[s]}」" for s in statuses)


def news_text(status: str, previous: str, reply: str | None, ref: str) -> str:
    """What a submitter reads about a review: the news of a new status, or a further reply."""
    if status == previous:
        return texts.IDEA_FURTHER_REPLY.format(ref=ref, reply=reply)
    text = texts.IDEA_NEWS[status].format(ref=ref, reply=reply or "")
    if reply and status != "noted":  # noted says it as 原因 already
        text += texts.IDEA_NEWS_REPLY.format(reply=reply)
    return text


def summarise(rows: list[ReceivedIdea]) -> dict[str, Any]:
    """The figures over some ideas. 采纳 counts those adopted and since implemented too (as offices
    report it); the adoption rate is over the ideas not merged into another."""
    count = {status: sum(1 for r in rows if r.status == status) for status in TRANSITIONS}
    distinct = len(rows) - count["merged"]
    adopted = count["adopted"] + count["implemented"]
    return {
        "received": len(rows), "submitted": count["submitted"], "reviewing": count["reviewing"],
        "adopted": adopted, "noted": count["noted"], "implemented": count["implemented"],
        "merged": count["merged"], "adoption_rate": round(adopted / distinct, 4) if distinct else None,
    }


class IdeaStaff(IdeaBase):
    async def _visible(self, conn: Reader, actor: Actor, idea_id: int) -> Idea:
        """Scope as for the roster: a liaison, only their retirees' ideas (others are NotFound, exactly as
        if they did not exist); admins and viewers, all."""
        idea = await store.get(conn, idea_id)
        if idea is None or (actor.scope_liaison_id is not None and idea.liaison_id != actor.scope_liaison_id):
            raise NotFound("找不到这条金点子")
        return idea

    async def visible(self, actor: Actor, idea_id: int) -> Idea:
        return await self._visible(self.core.db, actor, idea_id)

    async def page(self, actor: Actor, filters: IdeaFilter, *, page: int, per_page: int) -> tuple[list[Idea], int]:
        return await store.page(self.core.db, filters, scope_liaison_id=actor.scope_liaison_id, limit=per_page,
                                offset=(page - 1) * per_page)

    async def detail(
        self, actor: Actor, idea_id: int
    ) -> tuple[Idea, list[IdeaPart], list[IdeaEvent], list[IdeaNote], list[Idea]]:
        """The idea, what was sent, its history, the private notes and the duplicates merged into it.
        Viewers (read-only accounts) do not get the notes: staff write there about people."""
        idea = await self.visible(actor, idea_id)
        db = self.core.db
        notes = await store.notes(db, idea.id) if actor.role != "viewer" else []
        return (idea, await store.parts(db, idea.id), await store.events(db, idea.id), notes,
                await store.duplicates(db, idea.id))

    @staticmethod
    def check_review(idea: Idea, status: str, reply: str | None) -> str | None:
        """The reply to send (None: none), or why this review may not happen, naming statuses as the
        submitter reads them in the chat (staff on any face read these words as they are)."""
        reply = (reply or "").strip() or None
        if status not in REVIEW_STATUSES:
            raise InvalidInput(f"状态只能改成{named(*REVIEW_STATUSES)}", fields={"status": "不能改成这个状态"})
        if idea.status == "merged":
            raise Conflict(f"金点子 #{idea.id} 已经合并到 #{idea.merged_into} 了",
                           fields={"status": f"已合并到 #{idea.merged_into}，请去处理那一条"})
        if status == idea.status:
            if reply is None:
                raise Conflict(f"这条金点子已经是{named(status)}了",
                               fields={"status": f"已经是{named(status)}；要补充说明，请填写答复"})
        elif status not in TRANSITIONS[idea.status]:
            allowed = [s for s in REVIEW_STATUSES if s in TRANSITIONS[idea.status]]
            raise Conflict(f"状态是{named(idea.status)}的金点子不能改成{named(status)}",
                           fields={"status": f"现在可以改成：{named(*allowed)}" if allowed else "现在不能再改状态"})
        if status == "noted" and reply is None:
            raise InvalidInput(f"设为{named('noted')}时，请在答复里写明原因，会发给提金点子的老同志",
                               fields={"reply": f"设为{named('noted')}时必填，写明原因"})
        return reply

    async def do_review(self, actor: Actor, idea_id: int, status: str, reply: str | None) -> Idea:
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            idea = await self._visible(tx, actor, idea_id)  # re-read under the write lock
            reply = self.check_review(idea, status, reply)
            changes: dict[str, Any] = {"status": status, "reply": reply}
            if status != idea.status:
                if status in ("adopted", "noted", "implemented"):
                    changes[f"{status}_at"] = now  # adopted_at, noted_at, implemented_at
                if idea.reviewed_at is None:
                    changes["reviewed_at"] = now
                if idea.status == "noted":
                    changes["noted_at"] = None  # reconsidered
            await store.update(tx, idea.id, now=now, **changes)
            await store.add_event(tx, idea.id, "review", now=now, staff_id=actor.staff.id, from_status=idea.status,
                                  to_status=status, reply=reply)
            await self._tell_submitters(tx, idea, lambda ref: news_text(status, idea.status, reply, ref))
            await audit(self.core, tx, actor, "idea.review", target_type="idea", target_id=idea.id,
                        detail={"from": idea.status, "to": status, "reply": reply is not None})
            return await self._visible(tx, actor, idea.id)

    async def do_note(self, actor: Actor, idea_id: int, text: str) -> None:
        """A private note: staff read it in the detail; it never reaches the retiree."""
        if not text.strip():
            raise InvalidInput("备注内容不能为空", fields={"text": "不能为空"})
        async with self.core.db.transaction() as tx:
            idea = await self._visible(tx, actor, idea_id)
            await store.add_note(tx, idea.id, staff_id=actor.staff.id, text=text.strip(), now=self.core.clock.now())
            await audit(self.core, tx, actor, "idea.note", target_type="idea", target_id=idea.id)

    async def do_merge(self, actor: Actor, idea_id: int, into: int) -> Idea:
        """A duplicate joins the idea that carries on; its submitter is told kindly, and hears that idea's
        news from now on. Ideas merged into the duplicate move along with it."""
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            idea = await self._visible(tx, actor, idea_id)
            if into == idea.id:
                raise Conflict("不能把金点子合并到它自己", fields={"into": "就是这一条本身"})
            try:
                target = await self._visible(tx, actor, into)
            except NotFound:
                raise InvalidInput("要合并到的那条金点子找不到", fields={"into": "找不到这条金点子"}) from None
            if idea.status == "merged":
                raise Conflict(f"金点子 #{idea.id} 已经合并过了",
                               fields={"id": f"已合并到 #{idea.merged_into}"})
            if target.status == "merged":
                raise Conflict(f"金点子 #{target.id} 已经合并到 #{target.merged_into} 了",
                               fields={"into": f"它已合并到 #{target.merged_into}，请合并到那一条"})
            await store.update(tx, idea.id, now=now, status="merged", merged_into=target.id, merged_at=now)
            moved = await store.repoint_duplicates(tx, idea.id, target.id, now=now)
            await store.add_event(tx, idea.id, "merged", now=now, staff_id=actor.staff.id, from_status=idea.status,
                                  to_status="merged", other_id=target.id)
            for other in (idea.id, *moved):
                await store.add_event(tx, target.id, "merged_in", now=now, staff_id=actor.staff.id, other_id=other)
            await self._tell(tx, idea, texts.IDEA_MERGED.format(id=idea.id, into=target.id))
            await audit(self.core, tx, actor, "idea.merge", target_type="idea", target_id=idea.id,
                        detail={"into": target.id, "moved": moved})
            return await self._visible(tx, actor, idea.id)

    async def media(self, actor: Actor, part_id: int, source: MediaSource | None) -> tuple[bytes, str]:
        """A voice note or photo sent with an idea, for staff who may see that idea."""
        part = await store.part(self.core.db, part_id)
        if part is None or part.file_id is None:
            raise NotFound("找不到这个语音、图片或文件")
        await self.visible(actor, part.idea_id)  # scope: NotFound for others' ideas
        source = configured(source)
        async with self.core.db.transaction() as tx:
            await audit(self.core, tx, actor, "idea.media", target_type="idea", target_id=part.idea_id,
                        detail={"part": part.id, "kind": part.kind})
        return await source.fetch(part.file_id), CONTENT_TYPES[part.kind]

    async def stats(self, actor: Actor, start: datetime, end: datetime) -> dict[str, Any]:
        """收到, 采纳, 落实 ... over the ideas received in [start, end) in the caller's scope, with their
        status now: overall, by field (every field, in the menu's order) and by local month (every
        month of the period, oldest first)."""
        rows = await store.for_stats(self.core.db, start=start, end=end, scope_liaison_id=actor.scope_liaison_id)
        tz = self.core.clock.tz
        by_month: dict[str, list[ReceivedIdea]] = {}
        for row in rows:
            by_month.setdefault(row.created_at.astimezone(tz).strftime("%Y-%m"), []).append(row)
        return {
            "from": start, "to": end, "overall": summarise(rows),
            "by_field": [{"field": f, **summarise([r for r in rows if r.field == f])} for f in IDEA_FIELDS],
            "by_month": [{"month": m, **summarise(by_month.get(m, []))}
                         for m in _months(start.astimezone(tz), end.astimezone(tz))],
        }

    # ---- telling the submitters ----
    async def _tell(self, tx: Transaction, idea: Idea, text: str) -> None:
        """The idea's own submitter, when reachable in the chat (else the liaison phones; the history
        keeps the words)."""
        chat_id = await retiree_store.chat_of(tx, idea.retiree_id)
        if chat_id is not None:
            await self._enqueue(tx, chat_id, idea.retiree_id, text, idea.id)

    async def _tell_submitters(self, tx: Transaction, idea: Idea, text_for: Callable[[str], str]) -> None:
        """The idea's submitter and the submitters of the ideas merged into it, once per person: their
        own idea's number, with the one it is handled together with."""
        chosen: dict[int, tuple[int, int]] = {}  # retiree -> (their idea, chat)
        for idea_id, retiree_id, chat_id in await store.submitter_chats(tx, idea.id):
            if retiree_id not in chosen or idea_id == idea.id:
                chosen[retiree_id] = (idea_id, chat_id)
        for retiree_id, (idea_id, chat_id) in chosen.items():
            ref = (texts.IDEA_REF.format(id=idea_id) if idea_id == idea.id
                   else texts.IDEA_REF_TOGETHER.format(id=idea_id, into=idea.id))
            await self._enqueue(tx, chat_id, retiree_id, text_for(ref), idea.id)

    async def _enqueue(self, tx: Transaction, chat_id: int, retiree_id: int, text: str, idea_id: int) -> None:
        await self.core.outbox.enqueue(tx, OutgoingMessage(
            chat_id=chat_id, retiree_id=retiree_id, text=text, priority=Priority.NORMAL, source=f"idea:{idea_id}"))


def _months(start: datetime, end: datetime) -> list[str]:
    """'2026-01', '2026-02' ... for every local month that [start, end) touches."""
    last = end - timedelta(microseconds=1)
    year, month, months = start.year, start.month, []
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months
