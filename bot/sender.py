"""Drains the outbox into the Bot API. Owns Telegram's sending rules for the whole process.

Rules (see issue 2):
- one rate budget for everything sent: `send_rate` messages/s overall (a token bucket paced just
  under the limit, so the server's own bucket never runs dry), about 1/s per private chat with a
  small burst, 20/min per group;
- most urgent first: messages are picked by (priority, id) at the moment a send slot opens, so an
  interactive reply overtakes bulk messages already claimed; interactive rows are claimed even when
  the local window is full of bulk ones;
- one message in flight per chat, so a chat's messages arrive in the order they were queued;
- 429: the whole sender pauses for retry_after and the message is tried again (no attempt counted);
  network errors and 5xx: tried again after an exponential backoff (the attempt is recorded);
  a message waiting for a retry holds back the rest of its chat, so order is never broken;
  403 blocked/deactivated: failed, the retiree is marked unreachable, staff told (DeliveryService);
  other 400/403: failed with the reason;
- crash safety: rows are claimed in the database before sending and confirmed after; claims left
  by a dead process are requeued at start. Only the claimed window (about half a second of sends)
  lives in memory, and only sends in flight or awaiting confirmation can be duplicated by a crash;
- stop(): take no new work, let in-flight sends finish (bounded), confirm them, give the rest back.

One sender per database: start-up requeues every claimed row.
"""
from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.transport import Failed, Outcome, RetryLater, Sent, Transport, Unreachable
from yinling.models import Priority, QueuedMessage
from yinling.services import Services

log = logging.getLogger(__name__)

PACING = 0.98  # fraction of each published limit we actually use
MAX_BACKOFF = 300.0
CONFIRM_EVERY = 0.05  # seconds between batched confirmations
CONFIRM_BATCH = 200


class TokenBucket:
    """`rate` tokens/s, holding at most `capacity`. Starts full."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.tokens = self.capacity
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0


@dataclass(frozen=True)
class SendLimits:
    global_rate: float = 30.0
    private_rate: float = 1.0
    private_burst: int = 3
    group_per_minute: int = 20

    @classmethod
    def from_settings(cls, settings) -> SendLimits:
        return cls(
            global_rate=settings.paid_send_rate if settings.paid_broadcast else settings.send_rate,
            private_rate=settings.private_chat_rate,
            private_burst=settings.private_chat_burst,
            group_per_minute=settings.group_per_minute,
        )


@dataclass
class _Chat:
    id: int
    bucket: TokenBucket
    queue: list[tuple[int, int, QueuedMessage]] = field(default_factory=list)
    in_flight: bool = False
    listed: bool = False  # has an entry in the ready heap or a timer pending
    held_until: float = 0.0  # a retry is waiting: nothing else goes to this chat before it


def global_burst(rate: float) -> float:
    """The overall bucket's capacity. At most `rate` sends fall in any one-second window, however
    it is measured: floor(capacity + PACING * rate) <= rate. Within that bound it is as large as it
    can be, for two reasons: timers wake about a millisecond late, and a capacity of exactly 1
    would throw that lateness away (measured: 0.95 of the limit instead of 0.98); and at high rates
    one wake-up must send several messages or the timer granularity caps the rate near half."""
    return max(1.0 + rate * 0.005, rate * (1.0 - PACING))


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, 2.0 ** max(attempts, 0))


class Sender:
    def __init__(
        self,
        services: Services,
        transport: Transport,
        limits: SendLimits,
        *,
        poll_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        max_in_flight: int = 64,
    ) -> None:
        self.services = services
        self.delivery = services.delivery  # the outbox, claimed, confirmed and given back through it
        self.clock = services.core.clock
        self.transport = transport
        self.limits = limits
        self.poll_seconds = poll_seconds
        self.monotonic = monotonic
        self.max_in_flight = max_in_flight
        self.window = max(10, int(limits.global_rate * 0.5))
        now = monotonic()
        self._global = TokenBucket(limits.global_rate * PACING, global_burst(limits.global_rate), now)
        self._paused_until = 0.0
        self._chats: dict[int, _Chat] = {}
        self._ready: list[tuple[int, int, int]] = []  # (priority, outbox id, chat id)
        self._local = 0  # claimed messages held in memory (queued here or in flight)
        self._held_interactive = 0  # of those, interactive ones waiting in chat queues
        self._in_flight: set[asyncio.Task] = set()
        self._to_confirm: list[tuple[int, int | None]] = []
        self._db_has_work = True  # something was enqueued (or a poll is due): look for it
        self._more_in_db = True  # the last claim was full: more rows may be due
        self._wake = asyncio.Event()
        self._stopping = False
        self._grace = 10.0
        self._confirming = True
        self.sent_count = 0
        services.core.outbox.on_enqueue(self._on_enqueue)

    # ---- lifecycle ----
    async def run(self) -> None:
        requeued = await self.delivery.do_requeue_claimed()
        if requeued:
            log.info("requeued %d messages claimed before a restart", requeued)
        confirmer = asyncio.create_task(self._confirm_loop(), name="outbox-confirm")
        try:
            await self._dispatch_loop()
        finally:
            await self._drain()
            self._confirming = False  # the loop ends after its current flush; never cancelled mid-write
            await asyncio.gather(confirmer, return_exceptions=True)
            await self._flush_confirms()
            await self._release_local()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking work; in-flight sends get `grace` seconds to finish."""
        self._stopping = True
        self._grace = grace
        self._wake.set()

    def _on_enqueue(self) -> None:
        self._db_has_work = True
        self._wake.set()

    # ---- the loop ----
    async def _dispatch_loop(self) -> None:
        last_poll = self.monotonic()
        while not self._stopping:
            now = self.monotonic()
            if now - last_poll >= self.poll_seconds:
                self._db_has_work, last_poll = True, now
                self._sweep_idle_chats()
            if self._db_has_work or (self._more_in_db and self._local <= self.window // 2):
                await self._claim()
            delay = self._send_delay(now)
            if delay == 0.0 and self._ready and len(self._in_flight) < self.max_in_flight:
                picked = self._pop_ready()
                if picked is not None:
                    self._dispatch(*picked)
                continue
            self._wake.clear()
            timeout = self.poll_seconds - (self.monotonic() - last_poll)
            if self._ready and delay > 0:
                timeout = min(timeout, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(timeout, 0.001))

    def _send_delay(self, now: float) -> float:
        if now < self._paused_until:
            return self._paused_until - now
        return self._global.wait_time(now)

    async def _claim(self) -> None:
        """Refill the local window. Interactive rows are claimed whenever something was enqueued,
        whatever the window holds: they must not wait behind bulk ones."""
        notified, self._db_has_work = self._db_has_work, False
        try:
            now = self.clock.now()
            claimed = []
            if notified and self._held_interactive < self.window:
                claimed = await self.delivery.do_claim(now=now, limit=100, max_priority=Priority.INTERACTIVE)
                if len(claimed) == 100:
                    self._db_has_work = True
                self._more_in_db = True
            elif notified:
                # Enough replies in hand for the next half second or so: a rush of taps must not cost
                # a claim per reply; the refill below takes the rest, interactive first.
                self._more_in_db = True
            room = self.window - self._local - len(claimed)
            if self._more_in_db and room >= max(1, self.window // 2):
                more = await self.delivery.do_claim(now=now, limit=room)
                self._more_in_db = len(more) == room
                claimed += more
        except Exception:
            log.exception("claiming from the outbox failed; will retry")
            await asyncio.sleep(0.5)
            self._db_has_work = True
            return
        for message in claimed:
            self._add(message)

    # ---- per-chat bookkeeping ----
    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            now = self.monotonic()
            if chat_id < 0:  # groups and channels
                rate = self.limits.group_per_minute / 60.0
                # Telegram counts a group's messages in any 60 s window: no burst on top of the rate.
                bucket = TokenBucket(rate * PACING, 1.0, now)
            else:
                bucket = TokenBucket(self.limits.private_rate * PACING, self.limits.private_burst, now)
            chat = self._chats[chat_id] = _Chat(chat_id, bucket)
        return chat

    def _add(self, message: QueuedMessage) -> None:
        chat = self._chat(message.chat_id)
        self._queue_push(chat, message)
        self._local += 1
        self._list_chat(chat)

    def _queue_push(self, chat: _Chat, message: QueuedMessage) -> None:
        heapq.heappush(chat.queue, (int(message.priority), message.id, message))
        self._held_interactive += message.priority == Priority.INTERACTIVE

    def _queue_pop(self, chat: _Chat) -> QueuedMessage:
        _, _, message = heapq.heappop(chat.queue)
        self._held_interactive -= message.priority == Priority.INTERACTIVE
        return message

    def _list_chat(self, chat: _Chat) -> None:
        """Put the chat's next message in the ready heap now, or set a timer for when it may go."""
        if chat.in_flight or chat.listed or not chat.queue:
            return
        chat.listed = True
        now = self.monotonic()
        wait = max(chat.bucket.wait_time(now), chat.held_until - now)
        if wait <= 0:
            priority, outbox_id, _ = chat.queue[0]
            heapq.heappush(self._ready, (priority, outbox_id, chat.id))
        else:
            asyncio.get_running_loop().call_later(wait, self._chat_due, chat)

    def _chat_due(self, chat: _Chat) -> None:
        chat.listed = False
        self._list_chat(chat)
        self._wake.set()

    def _pop_ready(self) -> tuple[_Chat, QueuedMessage] | None:
        while self._ready:
            _, _, chat_id = heapq.heappop(self._ready)
            chat = self._chats[chat_id]
            chat.listed = False
            if chat.in_flight or not chat.queue:
                continue
            return chat, self._queue_pop(chat)
        return None

    def _sweep_idle_chats(self) -> None:
        """Forget chats with nothing queued and a full bucket: remembering them changes nothing."""
        now = self.monotonic()
        for chat in list(self._chats.values()):
            if chat.queue or chat.in_flight or chat.listed:
                continue
            chat.bucket.wait_time(now)  # refills
            if chat.bucket.tokens >= chat.bucket.capacity:
                del self._chats[chat.id]

    # ---- sending ----
    def _dispatch(self, chat: _Chat, message: QueuedMessage) -> None:
        now = self.monotonic()
        self._global.take(now)
        chat.bucket.take(now)
        chat.in_flight = True
        task = asyncio.create_task(self._send(chat, message))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _send(self, chat: _Chat, message: QueuedMessage) -> None:
        try:
            outcome: Outcome = await self.transport.deliver(message)
        except Exception as exc:  # a bug in rendering, not Telegram's answer: retry later, loudly
            log.exception("delivering outbox message %s raised", message.id)
            outcome = RetryLater(after=0.0, error=f"internal: {type(exc).__name__}")
        keep_in_memory = False
        try:
            keep_in_memory = await self._record(chat, message, outcome)
        except Exception:
            log.exception("recording the outcome of outbox message %s failed", message.id)
        finally:
            chat.in_flight = False
            if not keep_in_memory:
                self._local -= 1
            self._list_chat(chat)
            self._wake.set()

    async def _record(self, chat: _Chat, message: QueuedMessage, outcome: Outcome) -> bool:
        """Act on an outcome. Returns True when the message stays in memory to be tried again."""
        if isinstance(outcome, Sent):
            self.sent_count += 1
            self._to_confirm.append((message.id, outcome.message_id))
            if len(self._to_confirm) >= CONFIRM_BATCH:
                await self._flush_confirms()
            return False
        if isinstance(outcome, RetryLater):
            # The message stays first in its chat's queue (order within a chat is kept) and the
            # row stays claimed: a crash meanwhile requeues it at start.
            if outcome.rate_limited:
                log.warning("flood control: pausing sends for %.0f s", outcome.after)
                self._paused_until = max(self._paused_until, self.monotonic() + outcome.after)
                wait = outcome.after
            else:
                wait = max(outcome.after, backoff(message.attempts))
                log.warning("outbox message %s: %s; retrying in %.0f s", message.id, outcome.error, wait)
                await self.delivery.do_record_attempt(message.id, outcome.error)
                message = message.model_copy(update={"attempts": message.attempts + 1})
            chat.held_until = self.monotonic() + wait
            self._queue_push(chat, message)
            return True
        if isinstance(outcome, Unreachable):
            await self.delivery.do_record_unreachable(
                message.id, message.retiree_id, outcome.reason, outcome.error
            )
            await self._fail_queued_for(chat, outcome)
            return False
        assert isinstance(outcome, Failed)
        log.warning("outbox message %s failed: %s", message.id, outcome.error)
        await self.delivery.do_record_failed(message.id, outcome.error)
        return False

    async def _fail_queued_for(self, chat: _Chat, outcome: Unreachable) -> None:
        """The chat refuses us: the rest of its local queue fails the same way, without calls."""
        while chat.queue:
            queued = self._queue_pop(chat)
            self._local -= 1
            await self.delivery.do_record_unreachable(
                queued.id, queued.retiree_id, outcome.reason, outcome.error
            )

    # ---- confirmations ----
    async def _confirm_loop(self) -> None:
        while self._confirming:
            await asyncio.sleep(CONFIRM_EVERY)
            try:
                await self._flush_confirms()
            except Exception:
                log.exception("confirming sent messages failed; will retry")

    async def _flush_confirms(self) -> None:
        if not self._to_confirm:
            return
        batch, self._to_confirm = self._to_confirm, []
        try:
            await self.delivery.do_confirm_sent(batch, now=self.clock.now())
        except BaseException:
            self._to_confirm[:0] = batch
            raise

    # ---- shutdown ----
    async def _drain(self) -> None:
        if self._in_flight:
            _, pending = await asyncio.wait(set(self._in_flight), timeout=self._grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _release_local(self) -> None:
        ids = [message.id for chat in self._chats.values() for _, _, message in chat.queue]
        if ids:
            await self.delivery.do_release(ids)
            log.info("gave %d unsent messages back to the queue", len(ids))
