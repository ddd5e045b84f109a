"""每日学习: a short piece a day, pushed at the time each retiree chose, with a quiz, points and streaks.

The day's piece is fixed the first time the day needs one (the piece dated that day, else the next
piece of the queue), so everyone reads the same piece that day.
The push: every tick, subscribers whose time of today has come and who have no push today get one,
through the outbox at bulk priority (the sender spreads it over the rate limit). The push row and the
message are written in one transaction and (retiree, day) is the push table's key, so a push is
never sent twice for one retiree and day; one due while the process was down goes out at start-up if
it is still that day, and not after.
Points: 1 for reading (学完了), 1 for a right answer; each once per piece. A streak counts days with a read.

Chat buttons (inline; stateless, so an old button still does the right thing):
    study:today · study:piece:{id} · study:done:{id} · study:quiz:{id} · study:ans:{id}:{option}
    · study:past:{offset} · study:time:{HHMM} · study:stop · study:board:{1|0} · study:mine
"""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import (
    DEFAULT_PUSH_TIME,
    OPTION_LETTERS,
    PUSH_TIMES,
    Actor,
    Button,
    Inbound,
    Keyboard,
    OutgoingMessage,
    Priority,
    StudyPiece,
    StudyPieceFields,
    StudySubscription,
)
from yinling.roster_io import RosterFileError
from yinling.services.audit import audit
from yinling.services.core import Core
from yinling.services.human import HumanService
from yinling.services.turn import Turn
from yinling.store import dialogs as dialog_store
from yinling.store import study as store
from yinling.store.database import Transaction
from yinling.study_io import PieceIn, QuizIn, parse_pieces

STATE = "study"
PUSH_BATCH = 2000  # pushes queued per transaction (each batch is one short write)
PAST_PAGE = 8  # 往期回顾: pieces shown at once
BOARD_SIZE = 10
MENU_BUTTONS = {
    texts.STUDY_TODAY_BUTTON: "today", texts.STUDY_PAST_BUTTON: "past",
    texts.STUDY_MINE_BUTTON: "mine", texts.STUDY_SETTINGS_BUTTON: "settings",
}


def study_keyboard() -> Keyboard:
    return Keyboard.choices([texts.STUDY_TODAY_BUTTON, texts.STUDY_PAST_BUTTON],
                            [texts.STUDY_MINE_BUTTON, texts.STUDY_SETTINGS_BUTTON], [texts.BACK_BUTTON])


def _clock_label(hhmm: str) -> str:
    """'08:30' as people say it: '8:30'."""
    return hhmm.lstrip("0") if not hhmm.startswith("00") else hhmm[1:]


def piece_text(piece: StudyPiece, heading: str) -> str:
    text = texts.STUDY_PIECE.format(heading=heading, topic=piece.topic, title=piece.title, body=piece.body)
    return text + (texts.STUDY_SOURCE.format(source=piece.source) if piece.source else "")


def quiz_message(piece: StudyPiece) -> tuple[str, Keyboard]:
    assert piece.quiz is not None
    options = [texts.STUDY_QUIZ_OPTION.format(letter=OPTION_LETTERS[i], text=o) for i, o in enumerate(piece.quiz.options)]
    keyboard = Keyboard.inline(*[[Button(label=label, action=f"study:ans:{piece.id}:{i}")]
                                 for i, label in enumerate(options)])
    return texts.STUDY_QUIZ.format(question=piece.quiz.question, options="\n".join(options)), keyboard


class StudyService:
    def __init__(self, core: Core, human: HumanService) -> None:
        self.core = core
        self.human = human

    def _day_label(self, day: date) -> str:
        return f"{day.month}月{day.day}日"

    # ================================ the retiree, in the chat ================================
    async def on_menu(self, turn: Turn) -> None:
        await turn.go(STATE)
        sub = await store.subscription(turn.tx, turn.bound_retiree.id)
        text = (texts.STUDY_MENU_SUBSCRIBED.format(time=_clock_label(sub.push_time)) if sub and sub.active
                else texts.STUDY_MENU_UNSUBSCRIBED)
        await turn.reply(text, study_keyboard())

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        """The big buttons of the study menu; anything else said here is kept and passed on."""
        said = texts.plain(inbound.text or "") if inbound.kind == "text" else None
        choice = next((verb for label, verb in MENU_BUTTONS.items() if texts.plain(label) == said), None)
        if choice is None:
            if inbound.kind == "text" and len(said or "") <= 2:  # a stray tap or a word: show the way again
                await turn.reply(texts.STUDY_MENU_AGAIN, study_keyboard())
                return
            await turn.go(dialog_store.IDLE)
            await self.human.keep_unprompted(turn, inbound)
            return
        await self._do(turn, choice, [])

    async def on_press(self, turn: Turn, action: str) -> str | None:
        _, verb, *args = action.split(":")
        return await self._do(turn, verb, args)

    async def _do(self, turn: Turn, verb: str, args: list[str]) -> str | None:
        number = int(args[0]) if args and args[0].isdigit() else None
        if verb == "today":
            await self._show_today(turn)
        elif verb == "past":
            await self._show_past(turn, number or 0)
        elif verb == "mine":
            await self._show_mine(turn)
        elif verb == "settings":
            await self._show_settings(turn)
        elif verb == "time" and args and f"{args[0][:2]}:{args[0][2:]}" in PUSH_TIMES:
            await self._subscribe(turn, f"{args[0][:2]}:{args[0][2:]}")
        elif verb == "stop":
            await self._stop(turn)
        elif verb == "board" and args and args[0] in ("0", "1"):
            await self._set_board(turn, args[0] == "1")
        elif verb in ("piece", "done", "quiz", "ans") and number is not None:
            piece = await self._visible_piece(turn, number)
            if piece is None:
                await turn.show_menu(texts.STUDY_NOT_FOUND)
                return None
            if verb == "piece":
                await self._show_piece(turn, piece, today=False)
            elif verb == "done":
                return await self._read(turn, piece)
            elif verb == "quiz":
                await self._ask_quiz(turn, piece)
            elif len(args) > 1 and args[1].isdigit():
                return await self._answer(turn, piece, int(args[1]))
            else:
                await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
        else:
            await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
        return None

    async def _visible_piece(self, turn: Turn, piece_id: int) -> StudyPiece | None:
        """A piece a retiree may open: one that was (or is today) a day's piece and is not withdrawn."""
        piece = await store.get_piece(turn.tx, piece_id)
        today = self.core.clock.today()
        if piece is None or piece.withdrawn_at is not None or piece.shown_on is None or piece.shown_on > today:
            return None
        return piece

    async def _show_today(self, turn: Turn) -> None:
        piece = await store.day_piece(turn.tx, self.core.clock.today())
        if piece is None or piece.withdrawn_at is not None:
            await turn.reply(texts.STUDY_NOTHING_TODAY, study_keyboard())
            return
        await self._show_piece(turn, piece, today=True)

    async def _show_piece(self, turn: Turn, piece: StudyPiece, *, today: bool) -> None:
        assert piece.shown_on is not None
        heading = (texts.STUDY_HEADING_TODAY if piece.shown_on == self.core.clock.today()
                   else texts.STUDY_HEADING_PAST).format(day=self._day_label(piece.shown_on))
        read = await store.read_of(turn.tx, turn.bound_retiree.id, piece.id)
        text = piece_text(piece, heading)
        if read is None:
            keyboard = Keyboard.inline([Button(label=texts.STUDY_DONE_BUTTON, action=f"study:done:{piece.id}")])
        else:
            text += texts.STUDY_ALREADY_READ_NOTE
            keyboard = (Keyboard.inline([Button(label=texts.STUDY_QUIZ_BUTTON, action=f"study:quiz:{piece.id}")])
                        if piece.quiz and read.choice is None else None)
        await turn.reply(text, keyboard)

    async def _read(self, turn: Turn, piece: StudyPiece) -> str:
        retiree = turn.bound_retiree
        if await store.read_of(turn.tx, retiree.id, piece.id) is not None:  # a second tap: no second point
            if piece.quiz:
                await self._ask_quiz(turn, piece)
            else:
                await self._show_mine(turn)
            return texts.STUDY_READ_AGAIN_TOAST
        today = self.core.clock.today()
        await store.add_read(turn.tx, retiree.id, piece.id, day=today, now=turn.now)
        progress = await store.progress(turn.tx, retiree.id, today=today)
        await turn.reply(texts.STUDY_READ_DONE.format(streak=progress.streak, points=progress.points))
        if piece.quiz:
            await self._ask_quiz(turn, piece)
        return texts.STUDY_READ_TOAST

    async def _ask_quiz(self, turn: Turn, piece: StudyPiece) -> None:
        if piece.quiz is None:
            await self._show_piece(turn, piece, today=False)
            return
        read = await store.read_of(turn.tx, turn.bound_retiree.id, piece.id)
        if read is None:
            await turn.reply(texts.STUDY_READ_FIRST, Keyboard.inline(
                [Button(label=texts.STUDY_DONE_BUTTON, action=f"study:done:{piece.id}")]))
        elif read.choice is not None:
            await turn.reply(self._answered_before(piece, read.choice))
        else:
            await turn.reply(*quiz_message(piece))

    def _answered_before(self, piece: StudyPiece, choice: int) -> str:
        assert piece.quiz is not None
        return texts.STUDY_ANSWERED_BEFORE.format(chosen=OPTION_LETTERS[choice], letter=piece.quiz.answer_letter)

    async def _answer(self, turn: Turn, piece: StudyPiece, choice: int) -> str | None:
        quiz = piece.quiz
        if quiz is None or choice >= len(quiz.options):
            await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
            return texts.BUTTON_EXPIRED
        retiree = turn.bound_retiree
        read = await store.read_of(turn.tx, retiree.id, piece.id)
        if read is None:
            await self._ask_quiz(turn, piece)
            return None
        if read.choice is not None:
            await turn.reply(self._answered_before(piece, read.choice))
            return texts.STUDY_READ_AGAIN_TOAST
        right = choice == quiz.answer
        await store.set_answer(turn.tx, retiree.id, piece.id, choice=choice, correct=right, now=turn.now)
        if right:
            await turn.reply(texts.STUDY_RIGHT.format(explanation=quiz.explanation).rstrip())
            return texts.STUDY_RIGHT_TOAST
        await turn.reply(texts.STUDY_WRONG.format(letter=quiz.answer_letter, answer=quiz.options[quiz.answer],
                                                  explanation=quiz.explanation).rstrip())
        return texts.STUDY_WRONG_TOAST.format(letter=quiz.answer_letter)

    async def _show_past(self, turn: Turn, offset: int) -> None:
        today = self.core.clock.today()
        pieces = await store.past_days(turn.tx, until=today, limit=PAST_PAGE + 1, offset=offset)
        if not pieces:
            await turn.reply(texts.STUDY_PAST_NONE, study_keyboard())
            return
        shown = pieces[:PAST_PAGE]
        read = await store.reads_among(turn.tx, turn.bound_retiree.id, [p.id for p in shown])
        rows = [[Button(label=texts.STUDY_PAST_ITEM.format(
            date=self._day_label(p.shown_on), title=p.title if len(p.title) <= 14 else p.title[:13] + "…",
            mark=" ✔" if p.id in read else ""), action=f"study:piece:{p.id}")] for p in shown if p.shown_on]
        if len(pieces) > PAST_PAGE:
            rows.append([Button(label=texts.STUDY_PAST_EARLIER, action=f"study:past:{offset + PAST_PAGE}")])
        await turn.reply(texts.STUDY_PAST_LIST, Keyboard.inline(*rows))

    async def _show_mine(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        today = self.core.clock.today()
        progress = await store.progress(turn.tx, retiree.id, today=today)
        text = texts.STUDY_MINE.format(streak=progress.streak, points=progress.points,
                                       days=progress.days_this_month, month_points=progress.points_this_month)
        if not progress.read_today:
            text += texts.STUDY_MINE_TODAY_OPEN
        sub = await store.subscription(turn.tx, retiree.id)
        if sub is not None and sub.on_leaderboard:
            text += await self._board(turn.tx, retiree.id, today)
        else:
            text += texts.STUDY_BOARD_HINT
        await turn.reply(text, study_keyboard())

    async def _board(self, tx: Transaction, retiree_id: int, today: date) -> str:
        board = await store.leaderboard(tx, since=today.replace(day=1), limit=None)
        if not board:
            return texts.STUDY_BOARD_EMPTY
        lines = [texts.STUDY_BOARD_LINE.format(rank=i, name=name, points=points)
                 for i, (_, name, points) in enumerate(board[:BOARD_SIZE], start=1)]
        text = texts.STUDY_BOARD.format(lines="\n".join(lines))
        mine = next(((i, points) for i, (rid, _, points) in enumerate(board, start=1) if rid == retiree_id), None)
        if mine is not None and mine[0] > BOARD_SIZE:
            text += texts.STUDY_BOARD_YOU.format(rank=mine[0], points=mine[1])
        return text

    # ---- subscription ----
    async def _subscription(self, turn: Turn) -> StudySubscription:
        retiree = turn.bound_retiree
        return await store.subscription(turn.tx, retiree.id) or StudySubscription(retiree_id=retiree.id)

    async def _show_settings(self, turn: Turn) -> None:
        sub = await self._subscription(turn)
        current = sub.push_time if sub.active else None
        times = [Button(label=(texts.STUDY_TIME_CURRENT if t == current else texts.STUDY_TIME_BUTTON).format(
            time=_clock_label(t)), action=f"study:time:{t.replace(':', '')}") for t in PUSH_TIMES]
        rows = [times[i:i + 2] for i in range(0, len(times), 2)]
        if sub.active:
            rows.append([Button(label=texts.STUDY_STOP_BUTTON, action="study:stop")])
        rows.append([Button(label=texts.STUDY_BOARD_LEAVE_BUTTON, action="study:board:0") if sub.on_leaderboard
                     else Button(label=texts.STUDY_BOARD_JOIN_BUTTON, action="study:board:1")])
        text = (texts.STUDY_SETTINGS_ON.format(time=_clock_label(sub.push_time)) if sub.active
                else texts.STUDY_SETTINGS_OFF)
        await turn.reply(text, Keyboard.inline(*rows))

    async def _subscribe(self, turn: Turn, push_time: str) -> None:
        """From today if the time is still ahead today (or they were subscribed already and today's push
        has not gone: it goes now); otherwise from tomorrow."""
        sub = await self._subscription(turn)
        local = turn.now.astimezone(self.core.clock.tz)
        today = local.date()
        ahead = push_time > local.strftime("%H:%M")
        carry_on = sub.active and sub.starts_on is not None and sub.starts_on <= today
        starts = today if ahead or carry_on else today + timedelta(days=1)
        await store.save_subscription(turn.tx, sub.model_copy(update={"active": True, "push_time": push_time,
                                                                      "starts_on": starts}), now=turn.now)
        said = texts.STUDY_SUBSCRIBED if starts == today else texts.STUDY_SUBSCRIBED_FROM_TOMORROW
        await turn.reply(said.format(time=_clock_label(push_time)), study_keyboard())

    async def _stop(self, turn: Turn) -> None:
        sub = await self._subscription(turn)
        if sub.starts_on is None:
            sub = sub.model_copy(update={"starts_on": turn.now.astimezone(self.core.clock.tz).date()})
        await store.save_subscription(turn.tx, sub.model_copy(update={"active": False}), now=turn.now)
        await turn.reply(texts.STUDY_STOPPED, study_keyboard())

    async def _set_board(self, turn: Turn, joined: bool) -> None:
        sub = await self._subscription(turn)
        if sub.starts_on is None:  # never subscribed: the row only records the choice
            sub = sub.model_copy(update={"starts_on": self.core.clock.today(), "push_time": DEFAULT_PUSH_TIME})
        await store.save_subscription(turn.tx, sub.model_copy(update={"on_leaderboard": joined}), now=turn.now)
        await turn.reply(texts.STUDY_BOARD_JOINED if joined else texts.STUDY_BOARD_LEFT, study_keyboard())

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
            current = PieceIn.model_validate({**piece.model_dump(include=set(PieceIn.model_fields) - {"quiz"}),
                                              "quiz": _quiz_in(piece)})
            merged = current.model_dump()
            merged.update(changes)
            if changes.get("publish_on") is not None:
                merged["queue_position"] = None
            elif changes.get("queue_position") is not None:
                merged["publish_on"] = None
            body = _validated(merged)
            fields = body.fields(queue_position=piece.queue_position or await store.next_queue_position(tx))
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
