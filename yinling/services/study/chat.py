"""每日学习, the retiree's side in the chat (a mixin of StudyService; jobs.py has the daily push,
staff.py what staff do).

The study menu (state `study`) has four big buttons; a quiz asked in the chat also waits for its
answer (state `study.quiz`), so a typed or captioned answer (A, ａ, 选A, the option's words) counts as
the tap. Anything else said at either is passed to staff, and the retiree is told so.
Points: 1 for reading (学完了), 1 for a right answer; each once per piece. A streak counts days with a read.

Chat buttons (inline; stateless, so an old button still does the right thing):
    study:today · study:piece:{id} · study:done:{id} · study:quiz:{id} · study:ans:{id}:{option}
    · study:past:{offset} · study:time:{HHMM} · study:stop · study:board:{1|0} · study:mine
"""
from __future__ import annotations

from datetime import date, timedelta

from yinling import texts
from yinling.models import (
    DEFAULT_PUSH_TIME,
    OPTION_LETTERS,
    PUSH_TIMES,
    Button,
    Inbound,
    Keyboard,
    StudyPiece,
    StudySubscription,
)
from yinling.services import answers
from yinling.services.study.base import StudyBase, piece_text
from yinling.services.turn import Turn, nav_row
from yinling.store import study as store
from yinling.store.database import Transaction
from yinling.store.dialogs import IDLE

STATE = "study"  # the study menu
QUIZ = "study.quiz"  # a quiz waits for its answer; data: {"piece": id, "back": the state to return to}
PAST_PAGE = 8  # 往期回顾: pieces shown at once
BOARD_SIZE = 10
MENU_BUTTONS = {
    texts.STUDY_TODAY_BUTTON: "today", texts.STUDY_PAST_BUTTON: "past",
    texts.STUDY_MINE_BUTTON: "mine", texts.STUDY_SETTINGS_BUTTON: "settings",
}


def study_keyboard() -> Keyboard:
    return Keyboard.choices([texts.STUDY_TODAY_BUTTON, texts.STUDY_PAST_BUTTON],
                            [texts.STUDY_MINE_BUTTON, texts.STUDY_SETTINGS_BUTTON], nav_row())


def _clock_label(hhmm: str) -> str:
    """'08:30' as people say it: '8:30'."""
    return hhmm.lstrip("0") if not hhmm.startswith("00") else hhmm[1:]


def quiz_message(piece: StudyPiece) -> tuple[str, Keyboard]:
    assert piece.quiz is not None
    options = [texts.STUDY_QUIZ_OPTION.format(letter=OPTION_LETTERS[i], text=o)
               for i, o in enumerate(piece.quiz.options)]
    keyboard = Keyboard.inline(*[[Button(label=label, action=f"study:ans:{piece.id}:{i}")]
                                 for i, label in enumerate(options)])
    return texts.STUDY_QUIZ.format(question=piece.quiz.question, options="\n".join(options)), keyboard


class StudyChat(StudyBase):
    async def on_menu(self, turn: Turn) -> None:
        await turn.go(STATE)
        sub = await store.subscription(turn.tx, turn.bound_retiree.id)
        text = (texts.STUDY_MENU_SUBSCRIBED.format(time=_clock_label(sub.push_time)) if sub and sub.active
                else texts.STUDY_MENU_UNSUBSCRIBED)
        await turn.reply(text, study_keyboard())

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        """The study menu's big buttons, or a quiz's answer; anything else said is passed to staff, and
        the retiree told so where they are."""
        choice = answers.pick(answers.words(inbound), MENU_BUTTONS)
        if turn.dialog.state == QUIZ:
            if choice is None:
                await self._quiz_said(turn, inbound)
                return
            await turn.go(STATE)  # a study menu button still on screen leaves the quiz for later
        if choice is None:
            await self.human.keep_silently(turn, inbound)
            await turn.go(STATE)
            await turn.reply(f"{_passed(inbound)}\n{texts.STUDY_MENU_AGAIN}", study_keyboard())
            return
        if (media := answers.media_of(inbound)) is not None:
            await self.human.keep_silently(turn, media)
        await self._do(turn, choice, [])

    async def _quiz_said(self, turn: Turn, inbound: Inbound) -> None:
        """A typed or captioned answer (A, ａ, 选A, the option's words) answers as the button would."""
        piece = await self._visible_piece(turn, int(turn.dialog.data.get("piece", 0)))
        choice = answers.letter(answers.words(inbound), piece.quiz.options) if piece and piece.quiz else None
        kept = answers.media_of(inbound) if choice is not None else inbound
        if kept is not None:
            await self.human.keep_silently(turn, kept)
        if piece is None or piece.quiz is None:  # withdrawn meanwhile
            await turn.show_menu(f"{_passed(inbound)}{texts.STUDY_NOT_FOUND}")
        elif choice is None:
            text, keyboard = quiz_message(piece)
            await turn.reply(f"{_passed(inbound)}\n{text}", keyboard)
        else:
            await self._answer(turn, piece, choice)

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
            keyboard: Keyboard | None = Keyboard.inline([Button(label=texts.STUDY_DONE_BUTTON,
                                                                action=f"study:done:{piece.id}")])
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
            if turn.may_take_over(STATE):  # typed answers count while it waits (a draft stays put)
                back = turn.dialog.data.get("back", IDLE) if turn.dialog.state == QUIZ else (
                    STATE if turn.dialog.state == STATE else IDLE)
                await turn.go(QUIZ, {"piece": piece.id, "back": back})
            await turn.reply(*quiz_message(piece))

    def _answered_before(self, piece: StudyPiece, choice: int) -> str:
        assert piece.quiz is not None
        return texts.STUDY_ANSWERED_BEFORE.format(chosen=OPTION_LETTERS[choice], letter=piece.quiz.answer_letter)

    async def _answer(self, turn: Turn, piece: StudyPiece, choice: int) -> str | None:
        quiz = piece.quiz
        if quiz is None or choice >= len(quiz.options):
            await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
            return texts.BUTTON_EXPIRED
        if turn.dialog.state == QUIZ and turn.dialog.data.get("piece") == piece.id:  # answered: the wait is over
            await turn.go(turn.dialog.data.get("back", IDLE))
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


def _passed(inbound: Inbound) -> str:
    return texts.PASSED_TO_STAFF.format(thing=texts.SENT_THING[inbound.kind])
