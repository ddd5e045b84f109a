"""通知公告, what staff do through any face: check and preview a draft, send it now or schedule it,
read the report, cancel, remind those who have not tapped 已阅, attach a file (a mixin of
BroadcastService).

Cancelling stops every notice not yet handed to the sender (those in its half-second window may go).
Scope: a liaison sends to their own retirees only (any audience is narrowed to them; naming
others' retirees is refused) and reads their own broadcasts; admins send to anyone; viewers read.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from yinling import texts
from yinling.errors import Conflict, Forbidden, InvalidInput, NotFound
from yinling.models import Actor, Attachment, Broadcast, BroadcastDraft, window_problems
from yinling.services.audit import audit
from yinling.services.broadcasts.base import BroadcastBase, notice_keyboard, notice_text
from yinling.services.roster import aged_cutoff
from yinling.store import activities as activity_store
from yinling.store import broadcasts as store
from yinling.store.rows import Reader

TEXT_LIMIT = 4000
ATTACHMENT_LIMIT = 10 * 1024 * 1024
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".wps")


class BroadcastStaff(BroadcastBase):
    async def check_draft(self, actor: Actor, draft: BroadcastDraft) -> None:
        """Everything about a draft that needs the database: its audience within the sender's scope,
        the activity and attachment it names, a time ahead."""
        audience = draft.audience
        liaison = self._scope(actor)
        if liaison is not None:
            if audience.kind == "liaisons" and set(audience.liaison_ids) != {liaison}:
                raise Forbidden("联系干部只能给自己联系的老同志发通知",
                                fields={"audience.liaison_ids": "只能填您自己的编号"})
            if audience.kind == "retirees" and (others := await store.foreign_ids(
                    self.core.db, audience.retiree_ids, liaison=liaison)):
                raise Forbidden("联系干部只能给自己联系的老同志发通知",
                                fields={"audience.retiree_ids":
                                        f"不是您联系的老同志：{'、'.join(map(str, others[:10]))}"})
        if audience.kind == "activity" and await activity_store.get(
                self.core.db, audience.activity_id or 0, counted=False) is None:
            raise InvalidInput("找不到这个活动", fields={"audience.activity_id": "找不到这个活动"})
        await self._check_attachment(self.core.db, actor, draft.attachment_id)
        if problems := window_problems(schedule_at=draft.schedule_at):
            raise InvalidInput("定时发送的时间（schedule_at）超出了允许的范围", fields=problems)
        if draft.schedule_at is not None and draft.schedule_at <= self.core.clock.now():
            raise InvalidInput("定时发送的时间已经过去了，请选以后的时间", fields={"schedule_at": "应是以后的时间"})

    async def _check_attachment(self, conn: Reader, actor: Actor, attachment_id: int | None) -> None:
        """An admin may send any attachment; anyone else only one they uploaded. Another's is 404, as
        one that does not exist (ids are counted up: a 403 would confirm that a guessed one is there)."""
        uploader = None if actor.role == "admin" else actor.staff.id
        if attachment_id is not None and await store.attachment(conn, attachment_id, uploaded_by=uploader) is None:
            raise NotFound("找不到这个附件", fields={"attachment_id": "找不到您上传的这个附件"})

    async def dry_run(self, actor: Actor, draft: BroadcastDraft) -> dict[str, Any]:
        """How many it would reach, and what they would see; nothing is written."""
        await self.check_draft(actor, draft)
        everyone, reachable = await store.audience_counts(
            self.core.db, draft.audience, aged_cutoff=aged_cutoff(self.core.clock.today()), liaison=self._scope(actor))
        keyboard = notice_keyboard(0, draft.require_ack)
        return {"recipients": everyone, "reachable": reachable, "not_in_chat": everyone - reachable,
                "preview": notice_text(draft), "buttons": [b.label for row in (keyboard.rows if keyboard else ())
                                                          for b in row]}

    async def do_create(self, actor: Actor, draft: BroadcastDraft) -> Broadcast:
        await self.check_draft(actor, draft)
        now = self.core.clock.now()
        scheduled = draft.schedule_at is not None
        async with self.core.db.transaction() as tx:
            await self._check_attachment(tx, actor, draft.attachment_id)  # the guard read inside the write
            broadcast_id = await store.insert(tx, draft, status="scheduled" if scheduled else "sending",
                                              created_by=actor.staff.id, liaison=self._scope(actor), now=now)
            if not scheduled and not await self._send(tx, broadcast_id, draft, liaison=self._scope(actor), now=now):
                raise InvalidInput("按这个范围找不到要通知的老同志", fields={"audience": "这个范围里没有人"})
            await audit(self.core, tx, actor, "broadcast.create", target_type="broadcast", target_id=broadcast_id,
                        detail={"audience": draft.audience.kind, "scheduled": scheduled,
                                "require_ack": draft.require_ack})
        return await self.get(actor, broadcast_id)

    async def get(self, actor: Actor, broadcast_id: int) -> Broadcast:
        broadcast = await store.get(self.core.db, broadcast_id)
        liaison = self._scope(actor)
        if broadcast is None or (liaison is not None and broadcast.created_by_liaison != liaison):
            raise NotFound(f"找不到编号 {broadcast_id} 的通知")
        return broadcast

    async def page(self, actor: Actor, *, page: int, per_page: int) -> tuple[list[Broadcast], int]:
        return await store.page(self.core.db, liaison=self._scope(actor), page=page, per_page=per_page)

    async def progress(self, actor: Actor, broadcast_id: int) -> tuple[Broadcast, dict[str, int]]:
        """The notice and its report's counts alone: what a progress bar refreshing every few seconds
        needs, without the name lists a report builds (which grow with the audience)."""
        broadcast = await self.get(actor, broadcast_id)
        return broadcast, await store.report_counts(self.core.db, broadcast_id)

    async def report(self, actor: Actor, broadcast_id: int) -> dict[str, Any]:
        """Progress and the lists staff act on. Phones of the unreachable only for those who may see them."""
        broadcast = await self.get(actor, broadcast_id)
        db, liaison = self.core.db, self._scope(actor)
        counts = await store.report_counts(db, broadcast_id)
        unreachable = await store.unreachable(db, broadcast_id, liaison=liaison)
        if not actor.sees_sensitive:
            unreachable = [u.model_copy(update={"phone": None}) for u in unreachable]
        report = {
            "broadcast": broadcast, "counts": counts,
            "failures": await store.failures(db, broadcast_id, liaison=liaison),
            "unreachable": unreachable,
            "not_acknowledged": await store.not_acknowledged(db, broadcast_id, liaison=liaison)
            if broadcast.require_ack else [],
            "acknowledged": await store.acknowledged(db, broadcast_id, liaison=liaison)
            if broadcast.require_ack else [],
        }
        if not actor.sees_sensitive and await self._by_sensitive_tag(broadcast):
            # A list of the recipients of a notice to 患病 says who is ill: a viewer gets the counts only.
            report.update(failures=[], unreachable=[], not_acknowledged=[], acknowledged=[])
        return report

    async def _by_sensitive_tag(self, broadcast: Broadcast) -> bool:
        """Whether its audience was chosen by a sensitive tag (its own, or its activity's)."""
        tags = set(broadcast.audience.tags)
        if broadcast.audience.activity_id is not None:
            activity = await activity_store.get(self.core.db, broadcast.audience.activity_id, counted=False)
            tags |= set(activity.audience.tags) if activity else set()
        return bool(tags & self.core.settings.sensitive_tag_set)

    async def do_cancel(self, actor: Actor, broadcast_id: int) -> tuple[Broadcast, int]:
        """Returns the broadcast and how many notices were stopped."""
        await self.get(actor, broadcast_id)
        async with self.core.db.transaction() as tx:
            broadcast = await store.get(tx, broadcast_id)
            assert broadcast is not None
            if broadcast.status in ("cancelled", "done"):
                raise Conflict(f"这条通知{_SAID[broadcast.status]}，没有可以停止的了",
                               fields={"status": f"{broadcast.status}：没有可以停止的了"})
            stopped = await store.mark_cancelled(tx, broadcast_id, now=self.core.clock.now())
            await audit(self.core, tx, actor, "broadcast.cancel", target_type="broadcast", target_id=broadcast_id,
                        detail={"stopped": stopped})
        return await self.get(actor, broadcast_id), stopped

    async def do_remind(self, actor: Actor, broadcast_id: int) -> tuple[Broadcast, int]:
        """Send it again, marked as a reminder, to the reachable recipients who have not tapped 已阅."""
        await self.get(actor, broadcast_id)
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            broadcast = await store.get(tx, broadcast_id)
            assert broadcast is not None
            if not broadcast.require_ack:
                raise Conflict("这条通知没有要求点「已阅」，不用提醒", fields={"require_ack": "没有要求已阅，不用提醒"})
            if broadcast.status in ("scheduled", "cancelled"):
                raise Conflict(f"这条通知{_SAID[broadcast.status]}，不能提醒",
                               fields={"status": f"{broadcast.status}：{_SAID[broadcast.status]}"})
            queued = await self._queue(tx, broadcast_id, broadcast, text=texts.BROADCAST_REMINDER + broadcast.text,
                                       src=store.remind_source(broadcast_id), now=now, only_unacked=True)
            await store.count_reminder(tx, broadcast_id, now=now)
            await audit(self.core, tx, actor, "broadcast.remind", target_type="broadcast", target_id=broadcast_id,
                        detail={"queued": queued})
        return await self.get(actor, broadcast_id), queued

    async def do_attach(self, actor: Actor, filename: str, data: bytes) -> Attachment:
        """Keep a photo or document to send with a notice (stored beside the database)."""
        suffix = Path(filename).suffix.lower()
        kind = "photo" if suffix in PHOTO_SUFFIXES else "document" if suffix in DOCUMENT_SUFFIXES else None
        if kind is None:
            raise InvalidInput("不支持这种文件", fields={"file": (
                f"只能是图片（{'、'.join(PHOTO_SUFFIXES)}）或文件（{'、'.join(DOCUMENT_SUFFIXES)}）")})
        if not data:
            raise InvalidInput("文件是空的", fields={"file": "是空的"})
        folder = Path(self.core.settings.db).resolve().parent / "attachments"
        async with self.core.db.transaction() as tx:
            attachment_id = await store.insert_attachment(tx, kind=kind, filename=Path(filename).name[:200],
                                                          size=len(data), path="", created_by=actor.staff.id,
                                                          now=self.core.clock.now())
            path = folder / f"{attachment_id}{suffix}"
            await asyncio.to_thread(_write_file, path, data)
            await store.set_attachment_path(tx, attachment_id, str(path))
            await audit(self.core, tx, actor, "broadcast.attach", target_type="attachment", target_id=attachment_id)
        found = await store.attachment(self.core.db, attachment_id)
        assert found is not None
        return found


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# A broadcast's status, as a refusal says it to staff.
_SAID = {"scheduled": "还没有发出", "sending": "正在发送", "done": "已经发完了", "cancelled": "已经取消了"}
