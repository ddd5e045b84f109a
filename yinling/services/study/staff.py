"""每日学习, what staff do through any face: write, date, queue, correct and withdraw pieces, import
them from a file, read the figures (a mixin of StudyService).

A piece is dated (publish_on) or has a place in the queue; once it has gone out its day and place
are fixed, though its text may still be corrected. An import is all or nothing.
"""
from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from pydantic import ValidationError

from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import (
    Actor,
    StudyDayCounts,
    StudyPiece,
    StudyPieceCounts,
    StudyPieceFields,
    StudyProgress,
    window_problems,
)
from yinling.roster_io import RosterFileError
from yinling.services.audit import audit
from yinling.services.scope import visible_retiree
from yinling.services.study.base import StudyBase
from yinling.store import study as store
from yinling.store.database import Transaction
from yinling.study_io import PieceIn, QuizIn, explain_errors, parse_pieces


class StudyStaff(StudyBase):
    async def get(self, piece_id: int) -> StudyPiece:
        piece = await store.get_piece(self.core.db, piece_id)
        if piece is None:
            raise NotFound(f"找不到编号 {piece_id} 的学习内容")
        return piece

    async def page(self, *, topic: str | None, q: str | None, state: store.PieceState, page: int,
                   per_page: int) -> tuple[list[StudyPiece], int]:
        return await store.page_pieces(self.core.db, topic=topic, q=q, state=state, page=page, per_page=per_page)

    async def _check_date(self, tx: Transaction, fields: StudyPieceFields, piece_id: int | None = None) -> None:
        day = fields.publish_on
        if day is None:
            return
        if problems := window_problems(publish_on=day):
            raise InvalidInput("发布日期（publish_on）超出了允许的范围", fields=problems)
        today = self.core.clock.today()
        if day < today:
            raise InvalidInput("发布日期已经过去了", fields={"publish_on": "日期已经过去了，应是今天或以后"})
        other = await store.dated_piece_id(tx, day)
        if other is not None and other != piece_id:
            raise Conflict(f"{day} 已经排了编号 {other} 的学习内容",
                           fields={"publish_on": f"这一天已经排了编号 {other} 的学习内容"})
        shown = await store.shown_piece_id(tx, day)
        if shown is not None and shown != piece_id:
            raise Conflict(f"{day} 的学习内容已经发出去了",
                           fields={"publish_on": "这一天的学习内容已经发出去了"})

    async def do_create(self, actor: Actor, body: PieceIn) -> StudyPiece:
        async with self.core.db.transaction() as tx:
            fields = body.fields(queue_position=await store.next_queue_position(tx))
            await self._check_date(tx, fields)
            piece_id = await store.insert_piece(tx, fields, created_by=actor.staff.id, now=self.core.clock.now())
            await audit(self.core, tx, actor, "study.create", target_type="study_piece", target_id=piece_id)
        return await self.get(piece_id)

    async def do_update(self, actor: Actor, piece_id: int, changes: dict[str, Any]) -> StudyPiece:
        """Changes only what was sent. Once a piece has gone out its day and place are fixed (its text
        may still be corrected: later readers see the fix)."""
        async with self.core.db.transaction() as tx:
            piece = await store.get_piece(tx, piece_id)
            if piece is None:
                raise NotFound(f"找不到编号 {piece_id} 的学习内容")
            if piece.withdrawn_at is not None:
                raise Conflict("这篇学习内容已经撤下了，不能再修改", fields={"id": "已撤下"})
            moved = {"publish_on", "queue_position"} & set(changes)
            if moved and piece.shown_on is not None:
                field = sorted(moved)[0]
                raise Conflict("这篇学习内容已经发出去了，日期和顺序不能再改", fields={field: "已经发出去了，不能再改"})
            # The piece as stored, as PieceIn's fields (not validated: a day stored before the window
            # existed must not make the change a 500; the merged piece is checked as a whole below).
            merged = {**piece.model_dump(include=set(PieceIn.model_fields) - {"quiz"}), "quiz": _quiz_in(piece)}
            merged.update(changes)
            if changes.get("publish_on") is not None:
                merged["queue_position"] = None
            elif changes.get("queue_position") is not None:
                merged["publish_on"] = None
            body = _validated(merged)
            fields = body.fields(queue_position=piece.queue_position or await store.next_queue_position(tx))
            if piece.shown_on is None:  # one that has gone out keeps its day (refused above); its text may change
                await self._check_date(tx, fields, piece_id)
            await store.replace_piece(tx, piece_id, fields, now=self.core.clock.now())
            await audit(self.core, tx, actor, "study.update", target_type="study_piece", target_id=piece_id,
                        detail={"fields": sorted(changes)})
        return await self.get(piece_id)

    async def do_withdraw(self, actor: Actor, piece_id: int) -> StudyPiece:
        """No longer shown or pushed; what people read and answered stays in the figures."""
        async with self.core.db.transaction() as tx:
            piece = await store.get_piece(tx, piece_id)
            if piece is None:
                raise NotFound(f"找不到编号 {piece_id} 的学习内容")
            if piece.withdrawn_at is None:
                await store.withdraw(tx, piece_id, now=self.core.clock.now())
                await audit(self.core, tx, actor, "study.withdraw", target_type="study_piece", target_id=piece_id)
        return await self.get(piece_id)

    async def do_import(self, actor: Actor, filename: str, data: bytes) -> list[StudyPiece]:
        """All or nothing: every bad row is reported and nothing is added. Undated rows without a place
        join the end of the queue in file order."""
        try:
            parsed = await asyncio.to_thread(parse_pieces, filename, data)
        except RosterFileError as exc:
            raise InvalidInput(str(exc), fields={"file": str(exc)}) from None
        errors = [e.model_dump() for e in parsed.errors]
        now = self.core.clock.now()
        async with self.core.db.transaction() as tx:
            position = await store.next_queue_position(tx)
            planned = []
            for line, body in parsed.pieces:
                fields = body.fields(queue_position=position)
                if fields.queue_position == position:
                    position += 1
                try:
                    await self._check_date(tx, fields)
                except (InvalidInput, Conflict) as exc:
                    errors.append({"line": line, "column": "日期", "message": _date_problem(exc)})
                planned.append(fields)
            if errors or not planned:
                if not errors:
                    errors.append({"line": 1, "column": None, "message": "文件里没有学习内容"})
                errors.sort(key=lambda e: e["line"])
                await audit(self.core, tx, actor, "study.import", result="failed",
                            detail={"rows": len(parsed.pieces) + len(parsed.errors), "bad_rows": len(errors)})
                failed = InvalidInput(f"有 {len({e['line'] for e in errors})} 行需要改正，什么都没有导入",
                                      fields={"file": "有需要改正的行"}, extra={"rows": errors})
            else:
                failed = None
                ids = [await store.insert_piece(tx, f, created_by=actor.staff.id, now=now) for f in planned]
                await audit(self.core, tx, actor, "study.import", detail={"created": len(ids)})
        if failed is not None:
            raise failed  # after the audit row committed
        return [await self.get(i) for i in ids]

    async def progress_of(self, actor: Actor, retiree_id: int) -> StudyProgress:
        """我的学习 as staff see it on the retiree's file (一人一档)."""
        await visible_retiree(self.core.db, actor, retiree_id)
        return await store.progress(self.core.db, retiree_id, today=self.core.clock.today())

    async def stats(self, *, since: date, until: date) -> tuple[list[StudyDayCounts], list[StudyPieceCounts]]:
        """Each day's piece in [since, until], and each piece pushed or read in it."""
        if since > until:
            raise InvalidInput("开始日期不能晚于结束日期", fields={"from": "不能晚于结束日期"})
        if (until - since).days > 366:
            raise InvalidInput("查询的时间段最长一年（366 天）", fields={"to": "最多在开始日期之后 366 天"})
        return (await store.stats_by_day(self.core.db, since=since, until=until),
                await store.stats_by_piece(self.core.db, since=since, until=until))


def _quiz_in(piece: StudyPiece) -> dict | None:
    return QuizIn.of(piece.quiz).model_dump() if piece.quiz else None


def _validated(data: dict) -> PieceIn:
    """A piece after a change, checked as a whole (a change may leave it inconsistent)."""
    try:
        return PieceIn.model_validate(data)
    except ValidationError as exc:
        # In the words an import's bad rows use (same order as exc.errors()), not pydantic's English.
        fields = {".".join(str(p) for p in e["loc"]) or "body": said
                  for e, (_, said) in zip(exc.errors(), explain_errors(exc), strict=True)}
        raise InvalidInput(f"这些字段需要改正：{'、'.join(fields)}", fields=fields) from None


def _date_problem(exc: InvalidInput | Conflict) -> str:
    """A refused date, as an import's bad row says it: the field's own Chinese reason."""
    return next(iter(exc.fields.values()), exc.message)
