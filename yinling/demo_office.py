"""The demo office at work: the services on a clock the story moves (yinling/demo_story.py plays
two weeks in a second or so), with retirees talking in the chat and staff acting as they would.

Nothing here writes the office's tables itself. Retirees go through ConversationService, the one way
in from any chat face (what the Telegram handlers call), and their words are kept in the intake as
the bot keeps every update, so a conversation reads both sides. Staff call the same service methods
the staff API and the console call, as an Actor. What the bot process does on its own is done here
too, at the story's times: the tick's jobs (reminders, SLA breaches, no-shows, study pushes,
scheduled notices, message notices) and the sender's work (claim what is queued, confirm it sent). The chats the
messages went to lived in an earlier sandbox: the demo's sandbox starts with empty chats each run.

The story's update ids start at 1; the demo's sandbox numbers its updates past the highest one this
database has seen, so none is taken for a repeat.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from yinling import texts
from yinling.clock import FakeClock
from yinling.config import Settings
from yinling.demo_roster import DEMO_CHAT_USERS, PHONES
from yinling.models import Actor, ChatEvent, Contact, HelpFilter, IdeaFilter, Inbound, InboundKind, InboundRecord
from yinling.services import Services, build_services
from yinling.store import intake as intake_store
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store.database import Database

TYPING = timedelta(seconds=20)  # between one thing a retiree says or taps and the next
BLOCKED_ERROR = "403: Forbidden: bot was blocked by the user"  # as the sender words it


@dataclass(frozen=True)
class When:
    """Moments of the story, relative to the real now it ends at (all in the office's time)."""

    now: datetime
    tz: ZoneInfo

    def day(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """`days_ago` days before today, at hour:minute office time (days_ago >= 1: always past)."""
        today = self.now.astimezone(self.tz).date()
        return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tzinfo=self.tz)

    def ahead(self, days: int, hour: int, minute: int = 0) -> datetime:
        return self.day(-days, hour, minute)

    def ago(self, minutes: int) -> datetime:
        return self.now - timedelta(minutes=minutes)


class Office:
    """The demo office's services over `db`, on a FakeClock the story sets."""

    def __init__(self, db: Database, settings: Settings, start: datetime) -> None:
        self.clock = FakeClock(settings.tz, start)
        self.services: Services = build_services(settings, db, self.clock)
        self.db = db
        self.blocked: set[int] = set()  # chats whose person blocked the bot: the next send finds out
        self._update_id = 0
        self._actors: dict[str, Actor] = {}
        self._retirees: dict[str, int] = {}
        self._users = dict(DEMO_CHAT_USERS)

    # ---- who ----
    async def actor(self, username: str) -> Actor:
        if username not in self._actors:
            staff = await staff_store.get_by_username(self.db, username)
            assert staff is not None, username
            self._actors[username] = Actor(staff=staff)
        return self._actors[username]

    async def retiree_id(self, name: str) -> int:
        if name not in self._retirees:
            found = await retiree_store.find_by_phone(self.db, PHONES[name])
            self._retirees[name] = found[0].id
        return self._retirees[name]

    # ---- a retiree in the chat ----
    async def _turn(self, name: str, kind: InboundKind, text: str | None,
                    call: Callable[[ChatEvent], Awaitable[object]]) -> None:
        """One update from `name`: kept in the intake, handled by the conversation, marked done."""
        self._update_id += 1
        user_id = self._users[name]
        event = ChatEvent(event_id=self._update_id, user_id=user_id, chat_id=user_id, display_name=name)
        now = self.clock.now()
        # raw: the Telegram JSON is only re-read for an update not yet processed, and this one is
        # processed at once ('{}' is what the intake's retention leaves of it later anyway)
        record = InboundRecord(update_id=event.event_id, chat_id=user_id, user_id=user_id, kind=kind, text=text,
                               raw="{}")
        await intake_store.insert_many(self.db, [record], now=now)
        await call(event)
        await intake_store.mark_processed(self.db, [(event.event_id, None)], now=now)
        self.clock.advance(TYPING)

    async def verify(self, name: str) -> None:
        """/start, then 📱 验证手机号: the phone on the roster binds this chat to the retiree."""
        conversation = self.services.conversation
        await self._turn(name, "command", "/start", conversation.do_start)
        contact = Contact(phone=PHONES[name], user_id=self._users[name])
        await self._turn(name, "contact", None, lambda e: conversation.do_contact(e, contact))

    async def say(self, name: str, *said: str) -> None:
        """Typed words, or a reply-keyboard button's label (what a tap on one sends)."""
        for text in said:
            await self._turn(name, "text", text, self._message(Inbound(kind="text", text=text)))

    def _message(self, inbound: Inbound) -> Callable[[ChatEvent], Awaitable[object]]:
        return lambda event: self.services.conversation.do_message(event, inbound)

    async def tap(self, name: str, action: str, label: str) -> None:
        """An inline button under a message (the intake keeps the label it showed)."""
        await self._turn(name, "press", label, lambda e: self.services.conversation.do_press(e, action))

    async def ask_help(self, name: str, category: str, words: tuple[str, ...], *, urgent: bool = False) -> int:
        """我要求助, step by step as the buttons lead; returns the request's id."""
        await self.say(name, texts.MENU_LABELS["help"], category, *words, texts.DONE_BUTTON,
                       texts.URGENT_BUTTON if urgent else texts.NOT_URGENT_BUTTON, texts.CONFIRM_BUTTON)
        admin = await self.actor("admin")
        items, _, _ = await self.services.help.queue(admin, HelpFilter(retiree_id=await self.retiree_id(name)),
                                                     sort="newest", page=1, per_page=1)
        return items[0].id

    async def send_idea(self, name: str, field: str, words: tuple[str, ...]) -> int:
        """💡 金点子, step by step; returns the idea's id."""
        await self.say(name, texts.MENU_LABELS["ideas"], field, *words, texts.DONE_BUTTON, texts.CONFIRM_BUTTON)
        admin = await self.actor("admin")
        ideas, _ = await self.services.ideas.page(admin, IdeaFilter(retiree_id=await self.retiree_id(name)),
                                                  page=1, per_page=1)
        return ideas[0].id

    # ---- what the bot process does by itself ----
    async def tick(self) -> None:
        """The bot's timed work, as its tick runs it (bot/runtime.py)."""
        s = self.services
        await s.activities.do_send_reminders()
        await s.activities.do_record_no_shows()
        await s.help.do_notify_breaches()
        await s.help.do_remind_pending()
        await s.study.do_push_due()
        await s.broadcasts.do_send_due()
        await s.inbox.do_notify_new_messages()

    async def deliver(self) -> int:
        """The sender's work: everything queued is claimed and confirmed sent, except to a chat whose
        person blocked the bot (recorded unreachable, as Telegram's refusal is). Returns how many."""
        delivery = self.services.delivery
        now = self.clock.now()
        claimed = await delivery.do_claim(now=now, limit=10_000)
        sent: list[tuple[int, int | None]] = []
        for message in claimed:
            if message.chat_id in self.blocked:
                await delivery.do_record_unreachable(message.id, message.retiree_id, "blocked", BLOCKED_ERROR)
            else:
                sent.append((message.id, None))
        await delivery.do_confirm_sent(sent, now=now)
        return len(claimed)


Step = Callable[[Office], Awaitable[None]]


class Story:
    """Steps at moments; played in time order (steps at one moment in the order they were added),
    the clock set to each step's moment (never back: a retiree's typing may run past the next)."""

    def __init__(self, when: When) -> None:
        self.when = when
        self._steps: list[tuple[datetime, int, Step]] = []

    def at(self, moment: datetime) -> Callable[[Step], Step]:
        if moment >= self.when.now:
            raise ValueError(f"a story step in the future: {moment}")

        def add(step: Step) -> Step:
            self._steps.append((moment, len(self._steps), step))
            return step

        return add

    async def play(self, office: Office) -> None:
        for moment, _, step in sorted(self._steps, key=lambda s: (s[0], s[1])):
            office.clock.set(max(office.clock.now(), moment))
            await step(office)
            await office.deliver()
        office.clock.set(max(office.clock.now(), self.when.now))
        await office.tick()  # as the demo's bot does at start, but with the staff group not yet there
        await office.deliver()
