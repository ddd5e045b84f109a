"""金点子 in the chat: a retiree sends an idea to the government in a few taps, and reads where it
stands (a mixin of IdeaService; staff.py has the review).

Chat states (stored in the dialog, so a restart resumes mid-flow):
    idea.field -> idea.describe (several messages) -> idea.confirm -> submitted
A draft lives in the dialog's data ({"field", "parts"}); leaving with parts unsent keeps them as a
留言 for staff, so nothing a person wrote is lost. 我的 -> 我的金点子 lists them (inline idea:view:{id}).
"""
from __future__ import annotations

from typing import Any

from yinling import texts
from yinling.models import IDEA_FIELDS, Button, Idea, IdeaPart, Inbound, Keyboard
from yinling.services import answers
from yinling.services.ideas.base import IdeaBase
from yinling.services.notify import notify_staff
from yinling.services.turn import Turn, main_menu, nav_row
from yinling.store import dialogs as dialog_store
from yinling.store import ideas as store

MINE_LIMIT = 10


def field_keyboard() -> Keyboard:
    rows = [list(IDEA_FIELDS[i : i + 2]) for i in range(0, len(IDEA_FIELDS), 2)]
    return Keyboard.choices(*rows, nav_row())


def describe_keyboard() -> Keyboard:
    return Keyboard.choices([texts.DONE_BUTTON], nav_row())


def confirm_keyboard() -> Keyboard:
    return Keyboard.choices([texts.CONFIRM_BUTTON], [texts.RETELL_BUTTON], nav_row())


def _parts(data: dict[str, Any], part: Inbound | None) -> list[dict]:
    """The draft's parts, with one more (a voice note whose caption was a button's words, say)."""
    return [*data.get("parts", []), *([part.model_dump()] if part is not None else [])]


def _content(parts: list[Inbound] | list[IdeaPart]) -> str:
    """Their words, and how many voice notes and photos came with them."""
    words = "；".join(p.text for p in parts if p.text) or "（无文字）"
    media = [texts.HELP_MEDIA_NAMES[p.kind] for p in parts if p.kind != "text"]
    if media:
        counted = "、".join(f"{name} {media.count(name)} 条" for name in dict.fromkeys(media))
        words = texts.HELP_SUMMARY_MEDIA.format(text=words, media=counted)
    return words


class IdeaChat(IdeaBase):
    async def on_menu(self, turn: Turn) -> None:
        await turn.go("idea.field")
        await turn.reply(texts.IDEA_CHOOSE_FIELD, field_keyboard())

    async def on_message(self, turn: Turn, inbound: Inbound) -> None:
        step = turn.dialog.state.split(".", 1)[1] if "." in turn.dialog.state else "field"
        await {
            "field": self._choose_field,
            "describe": self._describe,
            "confirm": self._confirm,
        }.get(step, self._choose_field)(turn, inbound)

    async def on_leave(self, turn: Turn) -> list[Inbound]:
        """The retiree leaves the flow: parts they wrote but did not submit, to be kept."""
        if turn.dialog.state.split(".")[0] != "idea":
            return []
        return [Inbound(**part) for part in turn.dialog.data.get("parts", [])]

    async def _choose_field(self, turn: Turn, inbound: Inbound) -> None:
        """A field's button moves on; anything else they said is kept for the idea (people often start
        telling it at once), and the field is asked again."""
        field = answers.pick(answers.words(inbound), {f: f for f in IDEA_FIELDS})
        if field is None:
            await turn.go("idea.field", {"parts": _parts(turn.dialog.data, inbound)})
            await turn.reply(texts.IDEA_FIELD_FIRST, field_keyboard())
            return
        parts = _parts(turn.dialog.data, answers.media_of(inbound))
        await turn.go("idea.describe", {"field": field, "parts": parts})
        if parts:
            await turn.reply(texts.IDEA_DESCRIBE_MORE.format(count=len(parts)), describe_keyboard())
        else:
            await turn.reply(texts.IDEA_DESCRIBE, describe_keyboard())

    async def _describe(self, turn: Turn, inbound: Inbound) -> None:
        data = dict(turn.dialog.data)
        if answers.is_one_of(answers.words(inbound), answers.DONE):
            data["parts"] = _parts(data, answers.media_of(inbound))
            if not data["parts"]:
                await turn.reply(texts.IDEA_NOTHING_YET, describe_keyboard())
                return
            await turn.go("idea.confirm", data)
            await turn.reply(self._summary(data), confirm_keyboard())
            return
        data["parts"] = [*data.get("parts", []), inbound.model_dump()]
        await turn.go("idea.describe", data)
        await turn.reply(texts.IDEA_PART_RECEIVED.format(count=len(data["parts"])), describe_keyboard())

    async def _confirm(self, turn: Turn, inbound: Inbound) -> None:
        data = turn.dialog.data
        said = answers.words(inbound)
        if answers.is_one_of(said, answers.RETELL):
            await turn.go("idea.describe", {"field": data["field"], "parts": _parts({}, answers.media_of(inbound))})
            await turn.reply(texts.IDEA_DESCRIBE, describe_keyboard())
        elif answers.is_one_of(said, answers.CONFIRM):
            await turn.go("idea.confirm", {**data, "parts": _parts(data, answers.media_of(inbound))})
            await self._submit(turn)
        else:  # more words, a voice note, a photo: added to the idea, and checked again
            data = {**data, "parts": _parts(data, inbound)}
            await turn.go("idea.confirm", data)
            added = texts.IDEA_ADDED_TO_DRAFT.format(thing=texts.SENT_THING[inbound.kind])
            await turn.reply(f"{added}\n{self._summary(data)}", confirm_keyboard())

    def _summary(self, data: dict[str, Any]) -> str:
        return texts.IDEA_SUMMARY.format(field=data["field"], content=_content([Inbound(**p) for p in data["parts"]]))

    async def _submit(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        field = turn.dialog.data["field"]
        parts = [Inbound(**p) for p in turn.dialog.data.get("parts", [])]
        summary = (next((p.text for p in parts if p.text), "") or "")[:200]
        idea_id = await store.create(turn.tx, retiree_id=retiree.id, field=field, summary=summary, now=turn.now)
        for part in parts:
            await store.add_part(turn.tx, idea_id, part, now=turn.now)
        await store.add_event(turn.tx, idea_id, "submitted", now=turn.now, to_status="submitted")
        await notify_staff(self.core, turn.tx, texts.STAFF_IDEA_CARD.format(
            id=idea_id, name=retiree.name, retiree_id=retiree.id, field=field,
            summary=summary or texts.STAFF_MEDIA.get(parts[0].kind, "")), source=f"idea-card:{idea_id}")
        await turn.show_menu(texts.IDEA_SUBMITTED.format(id=idea_id))

    # ---- 我的金点子 ----
    async def show_mine(self, turn: Turn) -> None:
        retiree = turn.bound_retiree
        ideas = await store.for_retiree(turn.tx, retiree.id, limit=MINE_LIMIT)
        await turn.go(dialog_store.IDLE)
        if not ideas:
            await turn.reply(texts.IDEA_MINE_NONE, main_menu())
            return
        rows = [[Button(label=texts.IDEA_MINE_ITEM.format(id=i.id, field=i.field, status=texts.IDEA_STATUS[i.status]),
                        action=f"idea:view:{i.id}")] for i in ideas]
        await turn.reply(texts.IDEA_MINE_LIST, Keyboard.inline(*rows))

    async def on_press(self, turn: Turn, action: str) -> str | None:
        """Inline buttons under idea messages: idea:view:{id} (their own ideas only)."""
        _, verb, *args = [*action.split(":"), ""][:3]
        retiree = turn.bound_retiree
        # A forged button may say anything: only a number that can be an id is looked up.
        number = args[0] if args and args[0].isdigit() and len(args[0]) <= 18 else None
        idea = await store.get(turn.tx, int(number)) if number else None
        if idea is None or idea.retiree_id != retiree.id or verb != "view":
            await turn.show_menu(texts.IDEA_NOT_FOUND)
            return None
        await self._show(turn, idea)
        return None

    async def _show(self, turn: Turn, idea: Idea) -> None:
        """The idea as its submitter sees it: what they said, where it stands, the office's replies."""
        lines = [texts.IDEA_VIEW_HEADER.format(id=idea.id, field=idea.field, status=texts.IDEA_STATUS[idea.status]),
                 texts.IDEA_VIEW_SAID.format(content=_content(await store.parts(turn.tx, idea.id)))]
        news_from = idea
        if idea.merged_into is not None:
            target = await store.get(turn.tx, idea.merged_into)
            if target is not None:
                lines.append(texts.IDEA_VIEW_TOGETHER.format(into=target.id, status=texts.IDEA_STATUS[target.status]))
                news_from = target
        for event in await store.events(turn.tx, news_from.id):
            if event.kind == "review" and event.reply:
                when = event.at.astimezone(self.core.clock.tz)
                lines.append(texts.IDEA_VIEW_REPLY.format(date=f"{when.month}月{when.day}日", reply=event.reply))
        await turn.reply("\n".join(lines))
