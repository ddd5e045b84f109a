"""Outbox rows. Claim/confirm protocol (the sender is the only consumer of one database):

    queued --claim--> claimed --confirm--> sent
                         |------fail-----> failed      (permanent: blocked, chat not found ...)
                         |  (429, network, 5xx: stays claimed, retried by the same sender)
                         |-----release---> queued      (graceful stop: not yet sent)
    claimed rows left by a process that died are put back to queued at start (requeue_claimed):
    delivery is at-least-once, and duplicates are bounded by what was in flight at the crash.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

from yinling.clock import to_iso
from yinling.models import Keyboard, MediaRef, OutgoingMessage, Priority, QueuedMessage
from yinling.store.database import Database, Transaction
from yinling.store.rows import Reader

_RETURNING = "id, chat_id, retiree_id, text, keyboard, media, priority, attempts, source"


# The sender claims every row it sends, so reading a row must be cheap: the few keyboards and media
# refs that nearly every row repeats are parsed from their JSON once (the models are frozen, so
# rows may share them; the transport then finds each keyboard's Bot API JSON by the same object).
_PRIORITIES = {int(p): p for p in Priority}


@functools.lru_cache(maxsize=512)
def _keyboard(raw: str) -> Keyboard:
    return Keyboard.model_validate_json(raw)


@functools.lru_cache(maxsize=512)
def _media(raw: str) -> MediaRef:
    return MediaRef.model_validate_json(raw)


def _queued_from_row(row) -> QueuedMessage:
    return QueuedMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        retiree_id=row["retiree_id"],
        text=row["text"],
        keyboard=_keyboard(row["keyboard"]) if row["keyboard"] else None,
        media=_media(row["media"]) if row["media"] else None,
        priority=_PRIORITIES[row["priority"]],
        attempts=row["attempts"],
        source=row["source"],
    )


def _insert_params(message: OutgoingMessage, now: str, not_before: str) -> dict:
    return {
        "chat": message.chat_id,
        "retiree": message.retiree_id,
        "text": message.text,
        "keyboard": message.keyboard.model_dump_json() if message.keyboard else None,
        "media": message.media.model_dump_json() if message.media else None,
        "priority": int(message.priority),
        "source": message.source,
        "not_before": not_before,
        "now": now,
    }


_INSERT = (
    "INSERT INTO outbox (chat_id, retiree_id, text, keyboard, media, priority, source, not_before,"
    " created_at) VALUES (:chat, :retiree, :text, :keyboard, :media, :priority, :source,"
    " :not_before, :now)"
)


async def insert(
    tx: Transaction, message: OutgoingMessage, *, now: datetime, not_before: datetime | None = None
) -> int:
    stamp = to_iso(now)
    return await tx.execute(_INSERT, _insert_params(message, stamp, to_iso(not_before) if not_before else stamp))


async def insert_many(
    tx: Transaction, messages: Iterable[OutgoingMessage], *, now: datetime, not_before: datetime | None = None
) -> None:
    stamp = to_iso(now)
    due = to_iso(not_before) if not_before else stamp
    await tx.executemany(_INSERT, (_insert_params(m, stamp, due) for m in messages))


async def claim(
    db: Database, *, now: datetime, limit: int, max_priority: Priority = Priority.BULK
) -> list[QueuedMessage]:
    """Claim up to `limit` due messages, most urgent first, in one statement."""
    if limit <= 0:
        return []
    rows = await db.write_returning(
        "UPDATE outbox SET status = 'claimed', claimed_at = :now WHERE id IN ("
        " SELECT id FROM outbox WHERE status = 'queued' AND priority <= :maxp"
        " AND not_before <= :now ORDER BY priority, id LIMIT :n)"
        f" RETURNING {_RETURNING}",
        {"now": to_iso(now), "n": limit, "maxp": int(max_priority)},
    )
    return sorted((_queued_from_row(r) for r in rows), key=lambda m: (m.priority, m.id))


async def confirm_sent(db: Database, sent: list[tuple[int, int | None]], *, now: datetime) -> None:
    """`sent`: (outbox id, channel message id) pairs, written in one transaction."""
    stamp = to_iso(now)
    await db.write_many(
        "UPDATE outbox SET status = 'sent', sent_at = :now, message_id = :mid, error = NULL"
        " WHERE id = :id AND status = 'claimed'",
        ({"id": oid, "mid": mid, "now": stamp} for oid, mid in sent),
    )


async def mark_failed(tx: Transaction, outbox_id: int, *, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = :e WHERE id = :id",
        {"id": outbox_id, "e": error},
    )


async def record_attempt(db: Database, outbox_id: int, *, error: str) -> None:
    """A failed try of a claimed message that will be tried again (it stays claimed)."""
    await db.write(
        "UPDATE outbox SET attempts = attempts + 1, error = :e WHERE id = :id AND status = 'claimed'",
        {"id": outbox_id, "e": error},
    )


async def release_many(db: Database, ids: list[int]) -> None:
    """Give claimed-but-unsent messages back untouched (graceful shutdown)."""
    await db.write_many(
        "UPDATE outbox SET status = 'queued' WHERE id = :id AND status = 'claimed'",
        ({"id": i} for i in ids),
    )


async def requeue_claimed(db: Database) -> int:
    """At start: whatever a dead process had claimed goes back to the queue."""
    return await db.write("UPDATE outbox SET status = 'queued' WHERE status = 'claimed'")


async def status_counts(conn: Reader, source: str | None = None) -> dict[str, int]:
    where, params = ("WHERE source = :s", {"s": source}) if source else ("", {})
    rows = await conn.fetch_all(f"SELECT status, count(*) AS n FROM outbox {where} GROUP BY status", params)
    return {row["status"]: row["n"] for row in rows}


async def source_of_delivered(conn: Reader, chat_id: int, message_id: int) -> str | None:
    """What caused the message Telegram numbered `message_id` in `chat_id` (e.g. 'help-card:12')."""
    row = await conn.fetch_one(
        "SELECT source FROM outbox WHERE chat_id = :c AND message_id = :m ORDER BY id DESC LIMIT 1",
        {"c": chat_id, "m": message_id},
    )
    return row["source"] if row else None
