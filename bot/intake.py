"""The durable intake: an update is committed to the database before Telegram is told it arrived
(the webhook's 200, the next getUpdates offset), then handled from there, and marked processed.

Invariants:
- `receive` returns only once its batch is committed; both ways in (polling, the webhook) acknowledge
  an update to Telegram only after that, so an acknowledged update is never lost to a crash;
- updates are handed to the Application in update id order (a restart's backlog first, under
  `_order`), and ChatOrderedProcessor keeps that order within each chat, while chats run concurrently;
  a private chat's plain text goes through the same processor without PTB's Update (bot/plain_text.py);
- an update is dispatched at most once per process (`_in_hand` holds it until its processed mark is
  committed); across a crash it may be handled again, which is harmless: every chat turn records its
  update id in processed_updates inside its own transaction (yinling/services/turn.py);
- a handler's exception is recorded as the update's `error` (its type only: messages can quote what
  a person wrote) and the update is marked processed anyway, so a poison update is never retried
  forever; the Application's own error handler still apologises in the chat.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.plain_text import PlainText, PlainTextRoute
from yinling.clock import Clock
from yinling.models import InboundKind, InboundRecord
from yinling.store import intake as intake_store
from yinling.store.database import Database

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.1  # processed marks are written this often, or sooner when FLUSH_AT are waiting
FLUSH_AT = 200
RECOVER_PAGE = 1000
_MESSAGE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post", "business_message")
_RAW = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder, not one per update


# ---- the channel-neutral columns of an update, read from its JSON --------------------------------
# On plain dicts and total: whatever arrives (even what PTB cannot parse) gets a row.


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _pressed_label(message: dict, data: str | None) -> str | None:
    """The label of the inline button whose callback data was sent, else the data itself."""
    rows = _obj(message.get("reply_markup")).get("inline_keyboard")
    for row in rows if isinstance(rows, list) else ():
        for button in row if isinstance(row, list) else ():
            if data is not None and _obj(button).get("callback_data") == data and _str(button.get("text")):
                return button["text"]
    return data


def _content(message: dict) -> tuple[InboundKind, str | None, str | None]:
    """kind, text, file_id of a message, in the order the bot's handlers read them."""
    text = _str(message.get("text"))
    if text is not None:
        entities = message.get("entities")
        command = any(_obj(e).get("type") == "bot_command" and _obj(e).get("offset") == 0
                      for e in (entities if isinstance(entities, list) else ()))
        return ("command" if command else "text"), text, None
    caption = _str(message.get("caption"))
    for key, kind in (("voice", "voice"), ("audio", "voice"), ("photo", "photo"), ("document", "document")):
        media = message.get(key)
        if key == "photo":  # sizes, smallest first
            media = media[-1] if isinstance(media, list) and media else None
        if isinstance(media, dict):
            return kind, caption, _str(media.get("file_id"))  # type: ignore[return-value]
    if isinstance(message.get("contact"), dict):
        return "contact", None, None
    return "other", caption, None


def record_of(data: Mapping[str, Any], raw: str, *, error: str | None = None) -> InboundRecord:
    """The row to store for `data` (which must carry an int update_id); `error` marks it unparseable."""
    query = _obj(data.get("callback_query"))
    message = next((_obj(data[key]) for key in _MESSAGE_KEYS if isinstance(data.get(key), dict)), None)
    if query:
        chat_from = _obj(query.get("message"))
        who, kind, text, file_id = query, "press", _pressed_label(chat_from, _str(query.get("data"))), None
    elif message is not None:
        chat_from = who = message
        kind, text, file_id = _content(message)
    else:  # other kinds of update (a member change, ...): whatever chat and person they name
        chat_from = who = next((v for k, v in data.items() if k != "update_id" and isinstance(v, dict)), {})
        kind, text, file_id = "other", None, None
    return InboundRecord(
        update_id=data["update_id"],
        chat_id=_int(_obj(chat_from.get("chat")).get("id")),
        user_id=_int(_obj(who.get("from")).get("id")),
        kind="unparseable" if error else kind,  # type: ignore[arg-type]
        text=text,
        file_id=file_id,
        raw=raw,
        error=error,
    )


# ---- store, dispatch, mark ----------------------------------------------------------------------


class Intake:
    def __init__(self, application: Application, db: Database, clock: Clock, *,
                 flush_seconds: float = FLUSH_SECONDS, flush_at: int = FLUSH_AT,
                 plain_text: PlainTextRoute | None = None) -> None:
        self._app = application
        self._plain_text = plain_text  # private chats' plain text, handled without PTB's objects
        self._db = db
        self._clock = clock
        self._flush_seconds = flush_seconds
        self._flush_at = flush_at
        self._running = False
        self._order = asyncio.Lock()  # dispatching happens in update id order, a restart's backlog first
        self._in_hand: set[int] = set()  # dispatched, processed mark not yet committed
        self._tasks: set[asyncio.Task] = set()
        self._done: dict[int, str | None] = {}  # handled, waiting for the next flush: id -> error
        self._errors: dict[int, str] = {}  # set by the error handler while an update is handled
        self._wake = asyncio.Event()
        self._flusher: asyncio.Task | None = None
        self._closing = False

    async def receive(self, updates: Sequence[Mapping[str, Any]]) -> list[int]:
        """Store `updates` (each with an int update_id) in one transaction; once committed, hand the
        new ones to the bot when it is running (otherwise the next start does). Returns the new ids;
        raises if they could not be stored, and then nothing may be acknowledged."""
        records: list[InboundRecord] = []
        parsed: dict[int, Update | PlainText] = {}
        for data in updates:
            raw = _RAW.encode(data)
            try:
                parsed[data["update_id"]] = self._readable(data)
            except Exception as exc:  # whatever PTB rejects is kept, marked unparseable
                log.warning("update %s cannot be parsed (%s): stored, not processed",
                            data["update_id"], type(exc).__name__)
                records.append(record_of(data, raw, error=f"unparseable: {type(exc).__name__}"))
            else:
                records.append(record_of(data, raw))
        new = await intake_store.insert_many(self._db, records, now=self._clock.now())
        fresh = sorted(i for i in new if i in parsed)
        if fresh:
            async with self._order:
                if self._running:
                    for update_id in fresh:
                        self._dispatch(update_id, parsed[update_id])
        return new

    async def start(self) -> int:
        """Process what was stored but not processed (a crash, or webhooks received while stopped),
        in order and before anything newer; returns how many there were."""
        self._closing = False
        self._flusher = asyncio.create_task(self._flush_loop(), name="intake-marks")
        count = 0
        async with self._order:
            # A receive checks `_running` under this lock: one that checked before saw False, and its
            # rows were committed before this read; any later one dispatches after this backlog.
            self._running = True
            after = None
            while True:
                page = await intake_store.unprocessed(self._db, after=after, limit=RECOVER_PAGE)
                for row in page:
                    try:
                        update = self._readable(json.loads(row.raw or ""))
                    except Exception as exc:  # parsed when stored; a newer PTB may not
                        self._done[row.update_id] = f"unparseable: {type(exc).__name__}"
                        continue
                    self._dispatch(row.update_id, update)
                    count += 1
                if len(page) < RECOVER_PAGE:
                    break
                after = page[-1].update_id
        if count:
            log.info("processing %d updates received but not processed before the restart", count)
        return count

    async def stop(self) -> None:
        """Dispatch nothing more (later arrivals are still stored), finish what is in hand, write the
        marks."""
        async with self._order:
            self._running = False
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._flusher is not None:
            self._closing = True  # the flusher writes what is left and ends (a cancel could drop marks)
            self._wake.set()
            await asyncio.gather(self._flusher, return_exceptions=True)
            self._flusher = None
        await self._flush()

    async def record_error(self, update: object, context: Any) -> None:
        """An Application error handler: remember why an update in hand failed (the type only)."""
        error = getattr(context, "error", None)
        if isinstance(update, Update) and update.update_id in self._in_hand and error is not None:
            self._errors.setdefault(update.update_id, f"handler: {type(error).__name__}")

    @property
    def in_hand(self) -> int:
        return len(self._in_hand)

    def _readable(self, data: Mapping[str, Any]) -> Update | PlainText:
        """What the handlers are given: PTB's Update, or plain text without it. Raises when PTB
        cannot parse the update."""
        plain = self._plain_text.match(data) if self._plain_text is not None else None
        return plain if plain is not None else Update.de_json(dict(data), self._app.bot)

    def _dispatch(self, update_id: int, update: Update | PlainText) -> None:
        if update_id in self._in_hand:
            return
        self._in_hand.add(update_id)
        task = asyncio.create_task(self._process(update_id, update), name="intake-update")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, update_id: int, update: Update | PlainText) -> None:
        app = self._app
        try:
            # What Application's own update fetcher does per update; handler exceptions go to the
            # error handlers inside process_update (record_error among them).
            if isinstance(update, PlainText):
                assert self._plain_text is not None
                work = self._plain_text.handle(update)
            else:
                work = app.process_update(update)
            await app.update_processor.process_update(update, work)
        except Exception as exc:  # a failure outside the handlers
            log.error("processing update %s failed: %s", update_id, type(exc).__name__)
            self._errors.setdefault(update_id, f"processing: {type(exc).__name__}")
        self._done[update_id] = self._errors.pop(update_id, None)
        if len(self._done) >= self._flush_at:
            self._wake.set()

    async def _flush_loop(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._flush_seconds)
            self._wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        if not self._done:
            return
        done, self._done = self._done, {}
        try:
            await intake_store.mark_processed(self._db, done.items(), now=self._clock.now())
        except Exception as exc:  # e.g. the database busy: keep them for the next flush
            log.warning("marking %d updates processed failed (%s); retrying", len(done), type(exc).__name__)
            self._done = {**done, **self._done}
            return
        self._in_hand.difference_update(done)
