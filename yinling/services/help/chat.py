"""我要求助 in the chat: the steps a retiree talks through, the request they make, add to and reopen,
我的求助 and the buttons under a request's messages (a mixin of HelpService; staff.py has what staff do).

    help.category -> help.describe (several messages) -> help.urgency -> help.confirm -> submitted
    help.add      adding to an existing request (我的求助 -> 补充说明), data: {"request": id}
    help.comment  the optional words after a satisfaction rating, data: {"request": id}

At a step that waits for a button, the button's words typed (or a voice note's caption) count as the
tap (yinling/services/answers.py). Anything else said there is never dropped: at the category step it
starts a request in 其他; at the urgency and confirm steps it joins the draft; the retiree is told in
one sentence where it went. Words outside any flow within REOPEN_WITHIN of a resolution belong to
that request (reopen_if_recent).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from yinling import texts
from yinling.emergency import is_emergency
from yinling.models import (
    HELP_CATEGORIES,
    MEDICAL_CATEGORIES,
    Button,
    HelpRequest,
    Inbound,
    Keyboard,
    Priority,
    Retiree,
)
from yinling.services import answers
from yinling.services.help.base import CARD_SOURCE, HelpBase, card_buttons
from yinling.services.notify import notify_person, notify_staff
from yinling.services.turn import Turn, main_menu, nav_row
from yinling.sla import due_times
from yinling.store import help as help_store
from yinling.store import staff as staff_store
from yinling.store.database import Transaction

OTHER = HELP_CATEGORIES[-1]  # 其他: where words said instead of a category go
REOPEN_WITHIN = timedelta(days=7)


def is_urgent_text(text: str | None) -> bool:
    return is_emergency(text)  # the one catalogue, as everywhere else in the chat


def category_keyboard() -> Keyboard:
    rows = [list(HELP_CATEGORIES[i : i + 2]) for i in range(0, len(HELP_CATEGORIES), 2)]
    return Keyboard.choices(*rows, nav_row())


def describe_keyboard() -> Keyboard:
    return Keyboard.choices([texts.DONE_BUTTON], nav_row())


def urgency_keyboard() -> Keyboard:
    return Keyboard.choices([texts.URGENT_BUTTON, texts.NOT_URGENT_BUTTON], nav_row())


def confirm_keyboard() -> Keyboard:
    return Keyboard.choices([texts.CONFIRM_BUTTON], [texts.RETELL_BUTTON], nav_row())


def comment_keyboard() -> Keyboard:
    return Keyboard.choices([texts.NO_COMMENT_BUTTON], nav_row())


def rating_buttons(request_id: int) -> Keyboard:
    return Keyboard.inline([Button(label=s, action=f"help:rate:{request_id}:{s}")
                            for s in ("满意", "基本满意", "不满意")])


def _thing(inbound: Inbound) -> str:
    return texts.SENT_THING[inbound.kind]


def _with_part(data: dict[str, Any], part: Inbound | None) -> dict[str, Any]:
    """The draft with one more part (and urgent if the part speaks of an emergency)."""
    if part is None:
        return data
    return {**data, "parts": [*data.get("parts", []), part.model_dump()],
            "urgent": bool(data.get("urgent")) or is_emergency(part.text)}


class HelpChat(HelpBase):
    async def on_menu(self, turn: Turn) -> None:
        await turn.go("help.category")
        await turn.reply(texts.HELP_CHOOSE_CATEGORY, category_keyboard())

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        step = turn.dialog.state.split(".", 1)[1] if "." in turn.dialog.state else "category"
        await {
            "category": self._choose_category,
            "describe": self._describe,
            "urgency": self._choose_urgency,
            "confirm": self._confirm,
            "add": self._add_more,
            "comment": self._comment,
        }.get(step, self._choose_category)(turn, inbound)

    async def on_leave(self, turn: Turn) -> list[Inbound]:
        """The retiree leaves the flow: parts they wrote but did not submit, to be kept."""
        if turn.dialog.state.split(".")[0] != "help":
            return []
        return [Inbound(**part) for part in turn.dialog.data.get("parts", [])]

    async def _choose_category(self, turn: Turn, inbound: Inbound) -> None:
        """A category moves on. Words, a voice note or a photo instead (people often start telling at
        once) begin a request in 其他, with them as its first part."""
        category = answers.pick(answers.words(inbound), {c: c for c in HELP_CATEGORIES})
        if category is not None:
            data = _with_part({"category": category, "parts": [], "urgent": False}, answers.media_of(inbound))
            await turn.go("help.describe", data)
            await turn.reply(texts.HELP_PART_RECEIVED.format(count=len(data["parts"])) if data["parts"]
                             else texts.HELP_DESCRIBE, describe_keyboard())
            return
        await turn.go("help.describe", _with_part({"category": OTHER, "parts": [], "urgent": False}, inbound))
        await turn.reply(texts.HELP_STARTED_AS_OTHER.format(thing=_thing(inbound)), describe_keyboard())

    async def _describe(self, turn: Turn, inbound: Inbound) -> None:
        if answers.is_one_of(answers.words(inbound), answers.DONE):
            data = _with_part(dict(turn.dialog.data), answers.media_of(inbound))
            if not data.get("parts"):
                await turn.reply(texts.HELP_NOTHING_YET, describe_keyboard())
                return
            await turn.go("help.urgency", data)
            await turn.reply(texts.HELP_ASK_URGENCY, urgency_keyboard())
            return
        data = _with_part(dict(turn.dialog.data), inbound)
        await turn.go("help.describe", data)
        await turn.reply(texts.HELP_PART_RECEIVED.format(count=len(data["parts"])), describe_keyboard())

    async def _choose_urgency(self, turn: Turn, inbound: Inbound) -> None:
        urgent = answers.pick(answers.words(inbound), answers.URGENCY)
        if urgent is None:  # more about the matter: it joins the draft, and the question stays
            data = _with_part(dict(turn.dialog.data), inbound)
            await turn.go("help.urgency", data)
            added = texts.HELP_ADDED_TO_DRAFT.format(thing=_thing(inbound), count=len(data["parts"]))
            await turn.reply(f"{added}\n{texts.HELP_ASK_URGENCY_BUTTONS}", urgency_keyboard())
            return
        data = _with_part(dict(turn.dialog.data), answers.media_of(inbound))
        data["urgent"] = urgent or bool(data.get("urgent"))  # words such as 摔倒 keep it urgent
        await turn.go("help.confirm", data)
        await turn.reply(self._summary(data), confirm_keyboard())

    async def _confirm(self, turn: Turn, inbound: Inbound) -> None:
        data = dict(turn.dialog.data)
        said = answers.words(inbound)
        if answers.is_one_of(said, answers.RETELL):
            retold = _with_part({"category": data["category"], "parts": [], "urgent": False}, answers.media_of(inbound))
            await turn.go("help.describe", retold)
            await turn.reply(texts.HELP_DESCRIBE, describe_keyboard())
        elif answers.is_one_of(said, answers.CONFIRM):
            await turn.go("help.confirm", _with_part(data, answers.media_of(inbound)))
            await self._submit(turn)
        else:  # more words, a voice note, a photo: added to the request, and checked again
            data = _with_part(data, inbound)
            await turn.go("help.confirm", data)
            added = texts.HELP_ADDED_TO_DRAFT.format(thing=_thing(inbound), count=len(data["parts"]))
            await turn.reply(f"{added}\n{self._summary(data)}", confirm_keyboard())

    # ---- the request made, added to, reopened ----
    async def _submit(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        data = turn.dialog.data
        parts = [Inbound(**p) for p in data.get("parts", [])]
        since = turn.now - timedelta(hours=1)
        limit = self.core.settings.help_requests_per_hour
        if await help_store.count_created_since(turn.tx, retiree.id, since) >= limit:
            open_request = await help_store.latest_open(turn.tx, retiree.id)
            if open_request is not None:
                await self._append(turn.tx, open_request, parts, turn.now)
                await turn.show_menu(texts.HELP_JOINED_OPEN.format(id=open_request.id))
                return
        urgent = bool(data.get("urgent")) or any(is_urgent_text(p.text) for p in parts)
        request_id = await self._create(turn.tx, retiree, data["category"], urgent, parts, turn.now)
        liaison = await staff_store.get(turn.tx, retiree.liaison_id) if retiree.liaison_id else None
        if liaison is not None:
            answer = texts.HELP_SUBMITTED.format(id=request_id, liaison=liaison.display_name)
        else:
            answer = texts.HELP_SUBMITTED_NO_LIAISON.format(id=request_id)
        if urgent:
            answer += "\n\n" + texts.HELP_URGENT_ADVICE
            if liaison is not None and liaison.phone:
                answer += "\n" + texts.HELP_URGENT_LIAISON_PHONE.format(liaison=liaison.display_name,
                                                                        phone=liaison.phone)
        await turn.show_menu(answer)

    async def _create(
        self, tx: Transaction, retiree: Retiree, category: str, urgent: bool, parts: list[Inbound], now: datetime
    ) -> int:
        tx.after_commit(self._counted.clear)  # the queue's counts change
        priority = "urgent" if urgent else "normal"
        first_due, resolve_due = due_times(self.core.settings, priority, category, now, self.core.clock.tz)
        summary = next((p.text for p in parts if p.text), "") or ""
        request_id = await help_store.create(
            tx, retiree_id=retiree.id, category=category, priority=priority, assignee_id=retiree.liaison_id,
            summary=summary[:200], now=now, first_response_due=first_due, resolution_due=resolve_due,
        )
        for part in parts:
            await help_store.add_message(tx, request_id, author="retiree", inbound=part, now=now)
        await help_store.add_event(tx, request_id, "created", now=now, detail={"priority": priority})
        if category in MEDICAL_CATEGORIES:  # 患病必访、住院必访
            await help_store.create_visit_task(tx, retiree_id=retiree.id, liaison_id=retiree.liaison_id,
                                               request_id=request_id, reason=f"求助单 #{request_id}：{category}",
                                              now=now)
        liaison = await staff_store.get(tx, retiree.liaison_id) if retiree.liaison_id else None
        card = texts.STAFF_HELP_CARD.format(
            id=request_id, urgent=texts.STAFF_URGENT_MARK if urgent else "", name=retiree.name,
            retiree_id=retiree.id, category=category, summary=summary[:200] or "（语音或照片）",
            liaison=liaison.display_name if liaison else texts.NO_LIAISON,
        )
        if urgent:  # the liaison hears at once, not only through the group
            await notify_person(self.core, tx, liaison, card, priority=Priority.INTERACTIVE)
        await notify_staff(self.core, tx, card, priority=Priority.INTERACTIVE if urgent else Priority.NORMAL,
                           keyboard=card_buttons(request_id), source=f"{CARD_SOURCE}{request_id}")
        return request_id

    async def _append(self, tx: Transaction, request: HelpRequest, parts: list[Inbound], now: datetime) -> None:
        tx.after_commit(self._counted.clear)  # the queue's counts change
        for part in parts:
            await help_store.add_message(tx, request.id, author="retiree", inbound=part, now=now)
        if request.status in ("resolved", "closed"):
            await help_store.update(tx, request.id, now=now, **self._reopened(request, now))
            await help_store.add_event(tx, request.id, "reopened", now=now, detail={"by": "retiree"})
        else:
            await help_store.add_event(tx, request.id, "retiree_added", now=now, detail={"parts": len(parts)})

    async def _reopen(self, turn: Turn, request: HelpRequest) -> None:
        turn.tx.after_commit(self._counted.clear)
        if request.status in ("resolved", "closed"):
            await help_store.update(turn.tx, request.id, now=turn.now, **self._reopened(request, turn.now))
            await help_store.add_event(turn.tx, request.id, "reopened", now=turn.now, detail={"by": "retiree"})
        await turn.show_menu(texts.HELP_REOPENED.format(id=request.id))

    async def reopen_if_recent(self, turn: Turn, inbound: Inbound) -> bool:
        """Words outside any flow within REOPEN_WITHIN of a resolution belong to that request."""
        retiree = turn.bound_retiree
        latest = next(iter(await help_store.for_retiree(turn.tx, retiree.id, limit=1)), None)
        if latest is None or latest.status not in ("resolved", "closed") or latest.satisfaction is not None:
            return False
        finished = latest.resolved_at or latest.closed_at
        if finished is None or turn.now - finished > REOPEN_WITHIN:
            return False
        if await self._answered_typed(turn, latest, inbound):
            return True
        await self._append(turn.tx, latest, [inbound], turn.now)
        await turn.show_menu(texts.HELP_REOPENED.format(id=latest.id))
        return True

    # ---- 我的求助 ----
    async def show_mine(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        requests = await help_store.for_retiree(turn.tx, retiree.id)
        await turn.go("idle")
        if not requests:
            await turn.reply(texts.HELP_MINE_NONE, main_menu())
            return
        buttons = [
            [Button(label=f"#{r.id} {r.category} · {texts.HELP_STATUS[r.status]}", action=f"help:view:{r.id}")]
            for r in requests
        ]
        await turn.reply(texts.HELP_MINE_LIST, Keyboard.inline(*buttons))

    async def on_press(self, turn: Turn, action: str) -> str | None:
        """Inline buttons under help messages: view, add, solved, unsolved, rate."""
        _, verb, *args = action.split(":")
        retiree = turn.bound_retiree
        request = await help_store.get(turn.tx, int(args[0])) if args and args[0].isdigit() else None
        if request is None or request.retiree_id != retiree.id:
            await turn.show_menu(texts.HELP_NOT_FOUND)
            return None
        if verb == "view":
            await self._show_thread(turn, request)
        elif verb == "add":
            await self._keep_unsent(turn)
            await turn.go("help.add", {"request": request.id})
            await turn.reply(texts.HELP_ADD_PROMPT, describe_keyboard())
        elif verb == "solved":
            await self._solved(turn, request)
        elif verb == "unsolved":
            await self._reopen(turn, request)
        elif verb == "rate" and len(args) == 2:
            return await self._rate(turn, request, args[1])
        return None

    async def _show_thread(self, turn: Turn, request: HelpRequest) -> None:
        lines = [texts.HELP_THREAD_HEADER.format(id=request.id, category=request.category,
                                                 status=texts.HELP_STATUS[request.status])]
        for message in await help_store.thread(turn.tx, request.id):
            if message.author == "note":
                continue  # private to staff
            who = (texts.HELP_WHO_RETIREE if message.author == "retiree"
                   else (message.staff_name or texts.HELP_WHO_STAFF))
            body = message.text or ""
            if message.kind != "text":
                body = f"[{texts.HELP_MEDIA_NAMES[message.kind]}]" + (f" {body}" if body else "")
            lines.append(f"{message.created_at.astimezone(self.core.clock.tz):%m-%d %H:%M} {who}：{body}")
        buttons = [[Button(label=texts.ADD_MORE_BUTTON, action=f"help:add:{request.id}")]]
        if request.status != "closed":
            buttons.append([Button(label=texts.SOLVED_BUTTON, action=f"help:solved:{request.id}")])
        await turn.reply("\n".join(lines), Keyboard.inline(*buttons))

    async def _solved(self, turn: Turn, request: HelpRequest) -> None:
        turn.tx.after_commit(self._counted.clear)
        if request.status != "closed":
            await help_store.update(turn.tx, request.id, now=turn.now, status="closed", closed_at=turn.now)
            await help_store.add_event(turn.tx, request.id, "closed", now=turn.now, detail={"by": "retiree"})
        if request.satisfaction is None:
            await turn.reply(texts.HELP_CLOSED_THANKS, rating_buttons(request.id))
        else:
            await turn.show_menu(texts.HELP_ALREADY_RATED)

    async def _rate(self, turn: Turn, request: HelpRequest, rating: str) -> str | None:
        turn.tx.after_commit(self._counted.clear)
        if rating not in ("满意", "基本满意", "不满意"):
            return None
        if request.satisfaction is not None:  # once per request
            await turn.show_menu(texts.HELP_ALREADY_RATED)
            return texts.HELP_ALREADY_RATED
        await help_store.update(turn.tx, request.id, now=turn.now, satisfaction=rating, rated_at=turn.now,
                                **({"status": "closed", "closed_at": turn.now} if request.status != "closed" else {}))
        await help_store.add_event(turn.tx, request.id, "rated", now=turn.now, detail={"satisfaction": rating})
        await self._keep_unsent(turn)
        await turn.go("help.comment", {"request": request.id})
        await turn.reply(texts.HELP_ASK_COMMENT, comment_keyboard())
        return rating

    async def _answered_typed(self, turn: Turn, request: HelpRequest, inbound: Inbound) -> bool:
        """问题解决了吗？ and the rating wait under their message, not in a step: typed answers (解决了,
        没解决, 满意 ...) count as the tap instead of reopening the request with them."""
        said = answers.words(inbound)
        solved = (answers.yes_no(said, yes=answers.SOLVED, no=answers.UNSOLVED)
                  if request.status == "resolved" else None)
        rating = answers.pick(said, answers.RATINGS) if request.status == "closed" and solved is None else None
        if solved is None and rating is None:
            return False
        if (media := answers.media_of(inbound)) is not None:
            await self.human.keep_silently(turn, media)
        if rating is not None:
            await self._rate(turn, request, rating)
        elif solved:
            await self._solved(turn, request)
        else:
            await self._reopen(turn, request)
        return True

    async def _keep_unsent(self, turn: Turn) -> None:
        """An inline button is taking the chat to another step: a draft's words on the way are kept."""
        for part in turn.dialog.data.get("parts", []):
            await self.human.keep_silently(turn, Inbound(**part))

    def _summary(self, data: dict[str, Any]) -> str:
        parts = [Inbound(**p) for p in data.get("parts", [])]
        words = "；".join(p.text for p in parts if p.text) or "（无文字）"
        media = [texts.HELP_MEDIA_NAMES[p.kind] for p in parts if p.kind != "text"]
        if media:
            counted = "、".join(f"{name} {media.count(name)} 条" for name in dict.fromkeys(media))
            words = texts.HELP_SUMMARY_MEDIA.format(text=words, media=counted)
        urgency = texts.HELP_URGENCY["urgent" if data.get("urgent") else "normal"]
        return texts.HELP_SUMMARY.format(category=data["category"], content=words, urgency=urgency)

    async def _add_more(self, turn: Turn, inbound: Inbound) -> None:
        request = await help_store.get(turn.tx, int(turn.dialog.data.get("request", 0)))
        done = answers.is_one_of(answers.words(inbound), answers.DONE)
        part = answers.media_of(inbound) if done else inbound
        if request is None:  # cannot happen through the buttons; the words still reach a person
            if part is not None:
                await self.human.keep_silently(turn, part)
            await turn.show_menu(texts.PASSED_TO_STAFF.format(thing=_thing(inbound)) + texts.MENU_PROMPT
                                 if part is not None else texts.MENU_PROMPT)
            return
        if part is not None:
            await self._append(turn.tx, request, [part], turn.now)
        if done:
            await turn.show_menu()
            return
        await turn.reply(texts.HELP_ADDED.format(id=request.id), describe_keyboard())

    async def _comment(self, turn: Turn, inbound: Inbound) -> None:
        """The words after a rating are kept on the request (voice notes and photos in its thread)."""
        request_id = int(turn.dialog.data.get("request", 0))
        none = answers.is_one_of(answers.words(inbound), answers.NO_COMMENT)
        if not none:
            words = inbound.text or f"[{texts.HELP_MEDIA_NAMES.get(inbound.kind, '')}]"
            await help_store.update(turn.tx, request_id, now=turn.now, satisfaction_comment=words[:1000])
        if (media := answers.media_of(inbound)) is not None:
            await help_store.add_message(turn.tx, request_id, author="retiree",
                                         inbound=inbound if not none else media, now=turn.now)
        await turn.show_menu(texts.HELP_COMMENT_THANKS if none else texts.HELP_COMMENT_KEPT.format(id=request_id))
