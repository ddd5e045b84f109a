"""每日学习: a short piece a day, pushed at the time each retiree chose, with a quiz, points and streaks.

The day's piece is fixed the first time the day needs one (the piece dated that day, else the next
piece of the queue), so everyone reads the same piece that day.
The push: every tick, subscribers whose time of today has come and who have no push today get one,
through the outbox at bulk priority (the sender spreads it over the rate limit). The push row and the
message are written in one transaction and (retiree, day) is the push table's key, so a push is
never sent twice for one retiree and day; one due while the process was down goes out at start-up if
it is still that day, and not after.
Points: 1 for reading (学完了), 1 for a right answer; each once per piece. A streak counts days with a read.

Chat buttons (inline; stateless, so an old button still does the right thing; the retiree's side,
with the study menu and typed quiz answers, is in study_chat.py):
    study:today · study:piece:{id} · study:done:{id} · study:quiz:{id} · study:ans:{id}:{option}
    · study:past:{offset} · study:time:{HHMM} · study:stop · study:board:{1|0} · study:mine
"""
from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from pydantic import ValidationError

from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import (
    Actor,
    Button,
    Keyboard,
    OutgoingMessage,
    Priority,
    StudyPiece,
    StudyPieceFields,
    window_problems,
)
from yinling.roster_io import RosterFileError
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.human import HumanService
from yinling.services.study_chat import StudyChat, piece_text
from yinling.store import study as store
from yinling.store.database import Transaction
from yinling.study_io import PieceIn, QuizIn, parse_pieces

PUSH_BATCH = 2000  # pushes queued per transaction (each batch is one short write)


class StudyService(StudyChat):
    def __init__(self, core: Core, human: HumanService) -> None:
        self.core = core
        self.human = human

    # ================================ timed: the daily push ================================
    async def do_push_due(self) -> int:
        """Queue today's piece for every subscriber whose time has come and who has none today.
        Returns how many were queued."""
        queued = 0
        while True:
            count, more = await self._push_batch()
            queued += count
            if not more:
                return queued
            await asyncio.sleep(0)  # let chat turns in between batches

    async def _push_batch(self) -> tuple[int, bool]:
        now = self.core.clock.now()
        local = now.astimezone(self.core.clock.tz)
        today = local.date()
        async with self.core.db.transaction() as tx:
            due = await store.due_pushes(tx, day=today, clock=local.strftime("%H:%M"), limit=PUSH_BATCH)
            if not due:
                return 0, False
            piece = await store.day_piece(tx, today)
            if piece is None:  # nothing to send today (yet): they stay due, in case a piece is added
                return 0, False
            await store.add_deliveries(tx, [rid for rid, _ in due], day=today, piece_id=piece.id, now=now)
            read_already = await store.reads_among_retirees(tx, piece.id, [rid for rid, _ in due])
            text = piece_text(piece, texts.STUDY_HEADING_TODAY.format(day=self._day_label(today)))
            keyboard = Keyboard.inline([Button(label=texts.STUDY_DONE_BUTTON, action=f"study:done:{piece.id}")])
            messages = [OutgoingMessage(chat_id=chat, retiree_id=rid, text=text, keyboard=keyboard,
                                        priority=Priority.BULK, source="study")
                        for rid, chat in due if rid not in read_already]
            await self.core.outbox.enqueue_many(tx, messages)
        return len(messages), len(due) == PUSH_BATCH

    # ================================ staff, through the API ================================
    async def get(self, piece_id: int) -> StudyPiece:
        piece = await store.get_piece(self.core.db, piece_id)
        if piece is None:
            raise NotFound(f"no study piece {piece_id}")
        return piece

    async def page(self, *, topic: str | None, q: str | None, state: store.PieceState, page: int,
                   per_page: int) -> tuple[list[StudyPiece], int]:
        return await store.page_pieces(self.core.db, topic=topic, q=q, state=state, page=page, per_page=per_page)

    async def _check_date(self, tx: Transaction, fields: StudyPieceFields, piece_id: int | None = None) -> None:
        day = fields.publish_on
        if day is None:
            return
        if problems := window_problems(publish_on=day):
            raise InvalidInput("publish_on is out of range", fields=problems)
        today = self.core.clock.today()
        if day < today:
            raise InvalidInput("publish_on is in the past", fields={"publish_on": "must be today or later"})
        other = await store.dated_piece_id(tx, day)
        if other is not None and other != piece_id:
            raise Conflict(f"piece {other} is already dated {day}", fields={"publish_on": f"taken by piece {other}"})
        shown = await store.shown_piece_id(tx, day)
        if shown is not None and shown != piece_id:
            raise Conflict(f"the piece of {day} has already been shown",
                           fields={"publish_on": "that day's piece has already gone out"})

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
                raise NotFound(f"no study piece {piece_id}")
            if piece.withdrawn_at is not None:
                raise Conflict("the piece was withdrawn", fields={"id": "withdrawn"})
            moved = {"publish_on", "queue_position"} & set(changes)
            if moved and piece.shown_on is not None:
                field = sorted(moved)[0]
                raise Conflict("the piece has already gone out", fields={field: "fixed once the piece has gone out"})
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
                raise NotFound(f"no study piece {piece_id}")
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
                failed = InvalidInput(f"{len({e['line'] for e in errors})} row(s) need fixing; nothing was imported",
                                      fields={"file": "has bad rows"}, extra={"rows": errors})
            else:
                failed = None
                ids = [await store.insert_piece(tx, f, created_by=actor.staff.id, now=now) for f in planned]
                await audit(self.core, tx, actor, "study.import", detail={"created": len(ids)})
        if failed is not None:
            raise failed  # after the audit row committed
        return [await self.get(i) for i in ids]

    async def stats(self, *, since: date, until: date) -> dict[str, list[dict]]:
        if since > until:
            raise InvalidInput("from is after to", fields={"from": "must not be after to"})
        if (until - since).days > 366:
            raise InvalidInput("period over a year", fields={"to": "at most 366 days after from"})
        return {"days": await store.stats_by_day(self.core.db, since=since, until=until),
                "pieces": await store.stats_by_piece(self.core.db, since=since, until=until)}


def _quiz_in(piece: StudyPiece) -> dict | None:
    return QuizIn.of(piece.quiz).model_dump() if piece.quiz else None


def _validated(data: dict) -> PieceIn:
    """A piece after a change, checked as a whole (a change may leave it inconsistent)."""
    try:
        return PieceIn.model_validate(data)
    except ValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()}
        raise InvalidInput(f"invalid {', '.join(fields)}", fields=fields) from None


def _date_problem(exc: InvalidInput | Conflict) -> str:
    reason = next(iter(exc.fields.values()), exc.message)
    if reason.startswith("must be today"):
        return "日期已经过去了"
    if reason.startswith("taken by piece"):
        return f"这一天已经有一篇了（第 {reason.rsplit(' ', 1)[-1]} 篇）"
    return "这一天的内容已经发出去了"
