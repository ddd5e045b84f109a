"""活动报名, the retiree's side in the chat (a mixin of ActivityService; staff.py has what staff do,
jobs.py the reminders and no-shows).

Inline buttons do the work (act:list · act:view · act:join · act:leave · act:quit). When a sign-up asks
带家属? or 需要接送?, the chat also waits on the question (state act.companion / act.transport, data
{"activity", "companion"}), so a typed or captioned answer (要, 不带, 需要 ...) counts as the tap, and
other words are passed to staff while the question is asked again. 确定不去了吗? waits the same way
(act.leave): 确定 / 不去了 leaves, 不取消了 / 还去 keeps the place.

A sign-up is decided in the chat turn's one write transaction (the writer connection is serialised
and BEGIN IMMEDIATE also serialises other processes): capacity is never exceeded, a retiree is never
registered twice (also a UNIQUE constraint), and the waiting list is served in arrival order (`seq`).
Check-in codes are random (secrets), unique per activity, drawn inside the sign-up's transaction.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from yinling import texts
from yinling.errors import Conflict
from yinling.models import Activity, ActivityRegistration, Button, Inbound, Keyboard, Retiree
from yinling.services import answers
from yinling.services.activities.base import ActivityBase
from yinling.services.turn import Turn, main_menu
from yinling.store import activities as store
from yinling.store import dialogs as dialog_store
from yinling.store import retirees as retiree_store
from yinling.store.database import Transaction

QUESTION = "act"  # the dialog state's flow while a sign-up question waits
ANSWER_WORDS = {"companion": (answers.COMPANION_YES, answers.COMPANION_NO),
                "transport": (answers.TRANSPORT_YES, answers.TRANSPORT_NO)}
# 确定不去了吗?: only words that plainly say which (a bare 要 or 好 could mean "I want to go").
LEAVE_WORDS: dict[str, bool] = {
    **dict.fromkeys((texts.LEAVE_CONFIRM_BUTTON, "确定", "确定不去", "确定不去了", "不去了", "不去", "去不了",
                     "取消", "取消报名", "是", "是的", "对", "对的"), True),
    **dict.fromkeys((texts.KEEP_BUTTON, "不取消", "还去", "要去", "我去", "我还去", "去", "不", "不是", "算了"), False),
}
LIST_LIMIT = 10  # activities shown as buttons at once
MINE_SINCE = timedelta(days=7)  # 我的活动 also shows what ended this past week
SHORT_CODES_UNTIL = 5000  # four-digit codes (9,000 of them) while fewer registrations; six digits beyond
CODE_TRIES = 50  # draws of one length before the next; at most ~56% of four-digit codes are ever taken


def random_code(digits: int) -> str:
    """A code a retiree shows at the door: `digits` long, no leading zero, unguessable from others."""
    low = 10 ** (digits - 1)
    return str(low + secrets.randbelow(9 * low))


class ActivityChat(ActivityBase):
    async def on_menu(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        await turn.go(dialog_store.IDLE)
        record = await retiree_store.get_record(turn.tx, retiree.id)
        today = self.core.clock.today()
        offered = [a for a in await store.open_for_signup(turn.tx, now=turn.now)
                   if record is not None and a.offered_to(record, today)][:LIST_LIMIT]
        if not offered:
            await turn.reply(texts.ACT_NONE, main_menu())
            return
        rows = []
        for activity in offered:
            mine = await store.registration(turn.tx, activity.id, retiree.id)
            state = texts.ACT_MINE_STATUS[mine.status] if mine and mine.status != "cancelled" else self._seats(activity)
            label = texts.ACT_LIST_ITEM.format(date=_month_day(self._local(activity.starts_at)),
                                               title=_short(activity.title), seats=state)
            rows.append([Button(label=label, action=f"act:view:{activity.id}")])
        await turn.reply(texts.ACT_LIST, Keyboard.inline(*rows))

    async def show_mine(self, turn: Turn) -> None:
        """我的 -> 我的活动: what they signed up for or wait for, soonest first."""
        retiree = turn.bound_retiree
        await turn.go(dialog_store.IDLE)
        mine = await store.for_retiree(turn.tx, retiree.id, since=turn.now - MINE_SINCE)
        if not mine:
            await turn.reply(texts.ACT_MINE_NONE, main_menu())
            return
        rows = []
        for activity, registration in mine:
            status = "cancelled" if activity.status == "cancelled" else registration.status
            label = texts.ACT_LIST_ITEM.format(date=_month_day(self._local(activity.starts_at)),
                                               title=_short(activity.title), seats=texts.ACT_MINE_STATUS[status])
            rows.append([Button(label=label, action=f"act:view:{activity.id}")])
        await turn.reply(texts.ACT_MINE_LIST, Keyboard.inline(*rows))

    async def on_press(self, turn: Turn, action: str) -> str | None:
        _, verb, *args = action.split(":")
        if turn.dialog.state.split(".", 1)[0] == QUESTION:  # a tap answers (or leaves) the question asked
            await turn.go(dialog_store.IDLE)
        if verb == "list":
            await self.on_menu(turn)
            return None
        counted = verb == "view"  # only the details show counts; a sign-up counts inside its transaction
        activity = await store.get(turn.tx, int(args[0]), counted=counted) if args and args[0].isdigit() else None
        if activity is None:
            await turn.show_menu(texts.ACT_NOT_FOUND)
            return None
        if verb == "view":
            await self._show(turn, activity)
        elif verb == "join":
            said = [a == "1" if a in ("0", "1") else None for a in args[1:3]]
            return await self._join(turn, activity, *[*said, None, None][:2])
        elif verb == "leave":
            await self._ask_leave(turn, activity)
        elif verb == "quit":
            return await self._quit(turn, activity)
        else:
            await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
        return None

    async def _show(self, turn: Turn, activity: Activity) -> None:
        retiree = turn.bound_retiree
        mine = await store.registration(turn.tx, activity.id, retiree.id)
        seats = (self._seats(activity) if activity.open_seats
                 else texts.ACT_DETAILS_FULL.format(waiting=activity.waiting))
        lines = [texts.ACT_DETAILS.format(kind=activity.kind, title=activity.title, when=self._when(activity),
                                          place=activity.place, deadline=self._deadline(activity), seats=seats)]
        if activity.description:
            lines.append(activity.description)
        if activity.companion_allowed:
            lines.append(texts.ACT_DETAILS_COMPANION)
        buttons: list[Button] = []
        if activity.status == "cancelled":
            lines = [texts.ACT_IS_CANCELLED.format(title=activity.title)]
        elif mine is not None and mine.status == "confirmed":
            lines.append(texts.ACT_DETAILS_YOU_CONFIRMED.format(code=mine.code))
            buttons.append(Button(label=texts.LEAVE_BUTTON, action=f"act:leave:{activity.id}"))
        elif mine is not None and mine.status == "waiting":
            position = await store.waiting_position(turn.tx, activity.id, mine.seq)
            lines.append(texts.ACT_DETAILS_YOU_WAITING.format(position=position))
            buttons.append(Button(label=texts.LEAVE_WAITING_BUTTON, action=f"act:leave:{activity.id}"))
        elif activity.signup_deadline > turn.now:
            label = texts.JOIN_BUTTON if activity.open_seats else texts.WAIT_BUTTON
            buttons.append(Button(label=label, action=f"act:join:{activity.id}"))
        rows = [[b] for b in buttons] + [[Button(label=texts.ACT_BACK_TO_LIST, action="act:list")]]
        await turn.reply("\n".join(lines), Keyboard.inline(*rows))

    async def _refusal(self, turn: Turn, activity: Activity) -> str | None:
        """Why this retiree may not sign up now (the toast key), having told them kindly; or None."""
        retiree = turn.bound_retiree
        reason = None
        if activity.status == "cancelled":
            reason, text = "cancelled", texts.ACT_IS_CANCELLED
        elif activity.starts_at <= turn.now:
            reason, text = "started", texts.ACT_STARTED
        elif activity.signup_deadline <= turn.now:
            reason, text = "deadline", texts.ACT_DEADLINE_PASSED
        elif activity.audience.kind != "everyone" or activity.created_by_liaison is not None:
            record = await retiree_store.get_record(turn.tx, retiree.id)  # read only when it matters
            if record is None or not activity.offered_to(record, self.core.clock.today()):
                reason, text = "not_for_you", texts.ACT_NOT_FOR_YOU
        if reason is not None:
            await turn.reply(text.format(title=activity.title), _back_to_list())
        return reason

    async def _join(self, turn: Turn, activity: Activity, companion: bool | None, transport: bool | None) -> str | None:
        retiree = turn.bound_retiree
        mine = await store.registration(turn.tx, activity.id, retiree.id)
        if mine is not None and mine.status == "confirmed":
            await turn.reply(texts.ACT_ALREADY_CONFIRMED.format(code=mine.code), _back_to_list())
            return texts.ACT_TOAST["already"]
        if mine is not None and mine.status == "waiting":
            position = await store.waiting_position(turn.tx, activity.id, mine.seq)
            await turn.reply(texts.ACT_ALREADY_WAITING.format(position=position), _back_to_list())
            return texts.ACT_TOAST["already"]
        if (refusal := await self._refusal(turn, activity)) is not None:
            return texts.ACT_TOAST[refusal]
        if activity.companion_allowed and companion is None:
            await self._ask(turn, activity, "companion", False)
            return None
        if activity.ask_transport and transport is None:
            await self._ask(turn, activity, "transport", bool(companion))
            return None
        status = "confirmed" if await store.confirmed_count(turn.tx, activity.id) < activity.capacity else "waiting"
        _, seq, code = await self._register(turn.tx, activity, retiree, mine, status=status,
                                           companion=bool(companion), transport=bool(transport), now=turn.now)
        if status == "confirmed":
            extras = (texts.ACT_EXTRA_COMPANION if companion else "") + (texts.ACT_EXTRA_TRANSPORT if transport else "")
            await turn.reply(texts.ACT_CONFIRMED.format(title=activity.title, when=self._when(activity),
                                                        place=activity.place, code=code, extras=extras),
                             Keyboard.inline([Button(label=texts.LEAVE_BUTTON, action=f"act:leave:{activity.id}")]))
        else:
            position = await store.waiting_position(turn.tx, activity.id, seq)
            await turn.reply(texts.ACT_WAITING.format(title=activity.title, position=position), Keyboard.inline(
                [Button(label=texts.LEAVE_WAITING_BUTTON, action=f"act:leave:{activity.id}")]))
        return texts.ACT_TOAST[status]

    async def _ask(self, turn: Turn, activity: Activity, question: str, companion: bool, again: str = "") -> None:
        """带家属? or 需要接送?, with its two buttons (`again`: what became of the words said instead).
        While the chat is on the question, a typed answer counts too (unless the chat holds an unsent
        draft: its words stay where they are)."""
        if question == "companion":
            text, said = texts.ACT_ASK_COMPANION, f"act:join:{activity.id}"
            labels = (texts.WITH_COMPANION_BUTTON, texts.ALONE_BUTTON)
        else:
            text, said = texts.ACT_ASK_TRANSPORT, f"act:join:{activity.id}:{int(companion)}"
            labels = (texts.NEED_TRANSPORT_BUTTON, texts.NO_TRANSPORT_BUTTON)
        if turn.may_take_over(QUESTION):
            await turn.go(f"{QUESTION}.{question}", {"activity": activity.id, "companion": companion})
        if again:
            text = f"{again}\n{text}{texts.TAP_TO_ANSWER}"
        await turn.reply(text, Keyboard.inline([Button(label=labels[0], action=f"{said}:1"),
                                                Button(label=labels[1], action=f"{said}:0")]))

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        """Words while 带家属? or 需要接送? waits: a plain answer (要, 不带, 需要 ...) signs up as the
        button would; anything else is passed to staff and the question asked again."""
        question = turn.dialog.state.partition(".")[2]
        data = turn.dialog.data
        if question == "leave":
            await self._leave_answered(turn, inbound, int(data.get("activity", 0)))
            return
        words = ANSWER_WORDS.get(question)
        answer = answers.yes_no(answers.words(inbound), yes=words[0], no=words[1]) if words else None
        kept = answers.media_of(inbound) if answer is not None else inbound
        if kept is not None:
            await self.human.keep_silently(turn, kept)
        passed = texts.PASSED_TO_STAFF.format(thing=texts.SENT_THING[inbound.kind]) if kept is not None else ""
        await turn.go(dialog_store.IDLE)
        activity = await store.get(turn.tx, int(data.get("activity", 0)), counted=False)
        if activity is None or words is None:
            await turn.show_menu(passed + (texts.ACT_NOT_FOUND if activity is None else texts.MENU_PROMPT))
        elif answer is None:
            await self._ask(turn, activity, question, bool(data.get("companion")), again=passed)
        elif question == "companion":
            await self._join(turn, activity, answer, None)
        else:
            await self._join(turn, activity, bool(data.get("companion")), answer)

    async def _leave_answered(self, turn: Turn, inbound: Inbound, activity_id: int) -> None:
        """Words while 确定不去了吗? waits: 确定 / 不去了 leaves, 不取消了 / 还去 keeps the place; anything
        else is passed to staff and the question asked again."""
        answer = answers.pick(answers.words(inbound), LEAVE_WORDS)
        kept = answers.media_of(inbound) if answer is not None else inbound
        if kept is not None:
            await self.human.keep_silently(turn, kept)
        passed = texts.PASSED_TO_STAFF.format(thing=texts.SENT_THING[inbound.kind]) if kept is not None else ""
        await turn.go(dialog_store.IDLE)
        activity = await store.get(turn.tx, activity_id, counted=answer is False)
        if activity is None:
            await turn.show_menu(passed + texts.ACT_NOT_FOUND)
        elif answer is None:
            await self._ask_leave(turn, activity, again=passed + "\n" if passed else "")
        elif answer:
            await self._quit(turn, activity)
        else:
            await self._show(turn, activity)

    async def _ask_leave(self, turn: Turn, activity: Activity, again: str = "") -> None:
        mine = await store.registration(turn.tx, activity.id, turn.bound_retiree.id)
        if mine is None or mine.status == "cancelled":
            await turn.reply(texts.ACT_NOT_REGISTERED.format(title=activity.title), _back_to_list())
            return
        question = texts.ACT_ASK_LEAVE if mine.status == "confirmed" else texts.ACT_ASK_LEAVE_WAITING
        if turn.may_take_over(QUESTION):  # a typed 确定 / 不取消了 answers too
            await turn.go(f"{QUESTION}.leave", {"activity": activity.id})
        await turn.reply(again + question.format(title=activity.title), Keyboard.inline([
            Button(label=texts.LEAVE_CONFIRM_BUTTON, action=f"act:quit:{activity.id}"),
            Button(label=texts.KEEP_BUTTON, action=f"act:view:{activity.id}"),
        ]))

    async def _quit(self, turn: Turn, activity: Activity) -> str | None:
        mine = await store.registration(turn.tx, activity.id, turn.bound_retiree.id)
        if mine is None or mine.status == "cancelled":
            await turn.reply(texts.ACT_NOT_REGISTERED.format(title=activity.title), _back_to_list())
            return None
        if activity.status == "published" and activity.starts_at <= turn.now:
            await turn.reply(texts.ACT_STARTED.format(title=activity.title), _back_to_list())
            return texts.ACT_TOAST["started"]
        await store.update_registration(turn.tx, mine.id, now=turn.now, status="cancelled", cancelled_at=turn.now,
                                        cancelled_by="retiree")
        if mine.status == "confirmed":
            await self._fill_seats(turn.tx, activity.id, turn.now)
        wording = texts.ACT_LEFT if mine.status == "confirmed" else texts.ACT_LEFT_WAITING
        await turn.reply(wording.format(title=activity.title), _back_to_list())
        return texts.ACT_TOAST["left"]

    # ---- the registration a sign-up writes ----
    async def _register(
        self, tx: Transaction, activity: Activity, retiree: Retiree, previous: ActivityRegistration | None, *,
        status: str, companion: bool, transport: bool, now: datetime,
    ) -> tuple[int, int, str]:
        """A new registration, or a cancelled one taken up again (at the back of the line).
        Returns its id, place in the line (seq) and check-in code."""
        seq = await store.next_seq(tx, activity.id)
        if previous is None:
            code = await self._new_code(tx, activity.id)
            registration_id = await store.insert_registration(
                tx, activity_id=activity.id, retiree_id=retiree.id, status=status, seq=seq, code=code,
                companion=companion, needs_transport=transport, now=now)
        else:
            code, registration_id = previous.code, previous.id
            await store.update_registration(
                tx, previous.id, now=now, status=status, seq=seq, companion=int(companion),
                needs_transport=int(transport), cancelled_at=None, cancelled_by=None, attendance=None,
                confirmed_at=now if status == "confirmed" else None,
            )
        if status == "confirmed":
            await self._schedule_reminders(tx, activity, registration_id, now)
        return registration_id, seq, code

    async def _new_code(self, tx: Transaction, activity_id: int) -> str:
        """A random code no registration of the activity holds (UNIQUE (activity_id, code)). Drawn
        and checked inside the sign-up's write transaction, which the single writer and BEGIN
        IMMEDIATE serialise, so no other sign-up can take it before this one is stored."""
        short = await store.registration_count(tx, activity_id) < SHORT_CODES_UNTIL
        for digits in (4, 6) if short else (6,):
            for _ in range(CODE_TRIES):
                code = random_code(digits)
                if not await store.code_taken(tx, activity_id, code):
                    return code
        raise Conflict("暂时分不出签到码，请再试一次")  # not with fewer than ~100,000 registrations


def _back_to_list() -> Keyboard:
    return Keyboard.inline([Button(label=texts.ACT_BACK_TO_LIST, action="act:list")])


def _month_day(moment: datetime) -> str:
    return f"{moment.month}月{moment.day}日"


def _short(title: str, limit: int = 16) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"
