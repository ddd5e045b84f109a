"""The conversation: what an inbound chat event means, given who sent it and where they are.

This is the one way in from any chat face: the Telegram handlers call exactly one `do_*` here.
Emergency words come before everything, from anyone, at any step: the advice and a phone to call
are the very next reply, and the words are an urgent inbox item (yinling/services/inbox.py); then
the message is handled as usual. Order of precedence for a message from a bound retiree:
  1. a way back (返回主菜单 and its plain words) always works;
  2. a main-menu label starts that feature, from any step; so does a 我的 item (我的求助 ...);
  3. otherwise the current dialog state decides;
  4. outside any flow: an answer to a recent staff message goes to its writer; words about a request
     just resolved join it; anything else is kept for staff (nothing a person writes is lost).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from yinling import texts
from yinling.models import ChatEvent, Contact, Inbound, Keyboard, OutgoingMessage, Priority
from yinling.services import answers
from yinling.services.core import Core
from yinling.services.human import HUMAN, HumanService
from yinling.services.inbox import InboxService
from yinling.services.people import PeopleService
from yinling.services.turn import Turn, back_keyboard, main_menu, nav_row, run_turn
from yinling.store import dialogs as dialog_store

MenuStep = Callable[[Turn], Awaitable[None]]
StateStep = Callable[[Turn, Inbound], Awaitable[None]]
PressStep = Callable[[Turn, str], Awaitable[str | None]]
LeaveStep = Callable[[Turn], Awaitable[list[Inbound]]]
MINE = "mine"


class ConversationService:
    def __init__(self, core: Core, people: PeopleService, human: HumanService, inbox: InboxService) -> None:
        self.core = core
        self.people = people
        self.human = human
        self.inbox = inbox
        self._menu: dict[str, MenuStep] = {"human": human.on_menu, "mine": self._mine}
        self._states: dict[str, StateStep] = {HUMAN: human.on_message, MINE: self._mine_choice}
        self._presses: dict[str, PressStep] = {}
        self._mine_items: dict[str, MenuStep] = {}
        self._on_leave: list[LeaveStep] = []
        self._unprompted: list[Callable[[Turn, Inbound], Awaitable[bool]]] = []

    # ---- registration, for feature services ----
    def on_menu(self, action: str, step: MenuStep) -> None:
        self._menu[action] = step

    def on_state(self, state: str, step: StateStep) -> None:
        """`step` handles messages while the dialog is in `state` or any 'state.substep'."""
        self._states[state] = step

    def on_press(self, prefix: str, step: PressStep) -> None:
        """`step` handles inline buttons whose action starts with 'prefix:'."""
        self._presses[prefix] = step

    def on_mine(self, label: str, step: MenuStep) -> None:
        """An entry under 我的 (我的求助, 我的活动 ...)."""
        self._mine_items[label] = step

    def on_leave(self, step: LeaveStep) -> None:
        """Called when a retiree leaves a flow: returns what they wrote but did not submit."""
        self._on_leave.append(step)

    def before_keeping(self, step: Callable[[Turn, Inbound], Awaitable[bool]]) -> None:
        """Words outside any flow are offered to `step` first (a recent request may claim them)."""
        self._unprompted.append(step)

    # ---- the entry points ----
    async def do_start(self, event: ChatEvent) -> bool:
        return await run_turn(self.core, event, self._start)

    async def do_menu(self, event: ChatEvent) -> bool:
        return await run_turn(self.core, event, self._bound_only(lambda t: t.show_menu()))

    async def do_help(self, event: ChatEvent) -> bool:
        async def step(turn: Turn) -> None:
            await turn.reply(texts.HELP, self._keyboard_for(turn))

        return await run_turn(self.core, event, self._bound_only(step))

    async def do_cancel(self, event: ChatEvent) -> bool:
        async def step(turn: Turn) -> None:
            await self._leave(turn)
            await turn.show_menu(texts.CANCELLED)

        return await run_turn(self.core, event, self._bound_only(step))

    async def do_contact(self, event: ChatEvent, contact: Contact) -> bool:
        return await run_turn(self.core, event, lambda t: self.people.on_contact(t, contact))

    async def do_message(self, event: ChatEvent, inbound: Inbound) -> bool:
        async def step(turn: Turn) -> None:
            await self.inbox.raise_alarm(turn, inbound)
            if turn.retiree is None and self._is_button(inbound):
                await self.people.nudge(turn)
            elif turn.retiree is None:  # not verified yet: an admin reads it in the inbox; they are told so
                await self.inbox.keep(turn, inbound, "unverified")
                await self.people.nudge(turn, texts.UNBOUND_WORDS_KEPT)
            else:
                await self._message(turn, inbound)

        return await run_turn(self.core, event, step)

    async def do_unsupported(self, event: ChatEvent) -> bool:
        async def step(turn: Turn) -> None:
            await turn.reply(texts.UNSUPPORTED, self._keyboard_for(turn))

        return await run_turn(self.core, event, self._bound_only(step))

    async def do_press(self, event: ChatEvent, action: str) -> str | None:
        """An inline button. Returns the short notice to show where it was pressed, if any.
        No feature has inline buttons yet: an unknown or stale button leads back to the menu."""
        notice: list[str | None] = []

        async def step(turn: Turn) -> None:
            handler = self._presses.get(action.split(":", 1)[0])
            if handler is None:
                notice.append(texts.BUTTON_EXPIRED)
                await turn.show_menu(texts.BUTTON_EXPIRED_MENU)
            else:
                notice.append(await handler(turn, action))

        await run_turn(self.core, event, self._bound_only(step))
        return notice[0] if notice else None

    async def do_apologize(self, chat_id: int) -> None:
        """After an unexpected failure (whose turn rolled back): say sorry, offer a person."""
        async with self.core.db.transaction() as tx:
            await self.core.outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=chat_id, text=texts.GENERIC_ERROR, priority=Priority.INTERACTIVE, source="chat"
                ),
            )

    # ---- routing ----
    async def _start(self, turn: Turn) -> None:
        if turn.retiree is None:
            await self.people.welcome(turn)
        else:
            await turn.show_menu(texts.WELCOME_BACK.format(name=turn.retiree.polite_name))

    def _bound_only(self, step: MenuStep) -> MenuStep:
        async def guarded(turn: Turn) -> None:
            if turn.retiree is None:
                await self.people.nudge(turn)
            else:
                await step(turn)

        return guarded

    async def _message(self, turn: Turn, inbound: Inbound) -> None:
        if inbound.kind == "text" and texts.means_back(inbound.text):
            await self._leave(turn)
            await turn.show_menu()
            return
        action = texts.menu_action(inbound.text) if inbound.kind == "text" else None
        if action is not None:
            await self._leave(turn)
            await self._menu.get(action, self._coming_soon(action))(turn)
            return
        mine_item = self._mine_item(inbound)
        if mine_item is not None:  # its big button may still be on screen after another 我的 item
            await self._leave(turn)
            await mine_item(turn)
            return
        state_step = self._states.get(turn.dialog.state.split(".", 1)[0])
        if state_step is not None:
            await state_step(turn, inbound)
            return
        if await self.inbox.route_reply(turn, inbound):
            return
        for claim in self._unprompted:
            if await claim(turn, inbound):
                return
        await self.human.keep_unprompted(turn, inbound)

    def _is_button(self, inbound: Inbound) -> bool:
        """A tapped (or typed) button label, not words for a person."""
        said = inbound.text if inbound.kind == "text" else None
        return texts.means_back(said) or texts.menu_action(said) is not None or self._mine_item(inbound) is not None

    async def _leave(self, turn: Turn) -> None:
        """Whatever the retiree wrote in a flow they are leaving unfinished is kept as a 留言."""
        for step in self._on_leave:
            for inbound in await step(turn):
                await self.human.keep_silently(turn, inbound, "left")

    async def _mine(self, turn: Turn, text: str = texts.MINE_PROMPT) -> None:
        labels = list(self._mine_items)
        rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
        await turn.go(MINE)
        await turn.reply(text, Keyboard.choices(*rows, nav_row()))

    def _mine_item(self, inbound: Inbound) -> MenuStep | None:
        if inbound.kind != "text":
            return None
        said = texts.plain(inbound.text or "")
        return next((step for label, step in self._mine_items.items() if texts.plain(label) == said), None)

    async def _mine_choice(self, turn: Turn, inbound: Inbound) -> None:
        """Words that are no 我的 item's exact label (those are recognised anywhere): an item named
        without its 我的 (求助, 活动 ...) or as a voice note's caption opens it; anything else is passed
        to staff, and the retiree told so with the 我的 buttons again."""
        said = answers.key(answers.words(inbound))
        item = next((step for label, step in self._mine_items.items()
                     if said and said in (answers.key(label), answers.key(label).removeprefix("我的"))), None)
        if item is not None:
            if (media := answers.media_of(inbound)) is not None:
                await self.human.keep_silently(turn, media)
            await item(turn)
            return
        await self.human.keep_silently(turn, inbound)
        await self._mine(turn, texts.MINE_KEPT.format(thing=texts.SENT_THING[inbound.kind]))

    def _coming_soon(self, action: str) -> MenuStep:
        async def step(turn: Turn) -> None:
            await turn.show_menu(texts.COMING_SOON.format(feature=texts.FEATURE_NAMES[action]))

        return step

    def _keyboard_for(self, turn: Turn):
        if turn.retiree is None:
            return None
        return main_menu() if turn.dialog.state == dialog_store.IDLE else back_keyboard()
