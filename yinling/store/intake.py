"""The intake: every update received from the chat channel, stored before it is acknowledged.

Lifecycle of a row: inserted (processed_at NULL) in the same transaction as the rest of its batch,
and only after that commit is the channel told it arrived; marked processed (in batches) once the
bot handled it. A row still unprocessed after a crash is processed at the next start. Redelivery is
harmless: the update id is the key, so a second copy is not stored and not returned as new.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from yinling.clock import to_iso
from yinling.models import InboundRecord, StoredUpdate
from yinling.store.database import Database
from yinling.store.rows import Reader, to_model

_COLUMNS = "update_id, chat_id, user_id, kind, text, file_id, received_at, processed_at, error"


_INSERT_CHUNK = 200  # rows per INSERT statement: 10 parameters each, well under SQLite's limit


async def insert_many(db: Database, records: Sequence[InboundRecord], *, now: datetime) -> list[int]:
    """Store a batch in one transaction; returns the ids that were new, in the batch's order (an
    update stored before, by an earlier delivery, is left as it was and not returned). A record
    with an error is stored as processed already."""
    if not records:
        return []
    received = to_iso(now)
    inserted: set[int] = set()
    async with db.transaction() as tx:
        # One statement for many rows: a poll brings up to 100 updates, and a statement each cost
        # more than storing them.
        for start in range(0, len(records), _INSERT_CHUNK):
            chunk = records[start:start + _INSERT_CHUNK]
            params: list = []
            for r in chunk:
                params += (r.update_id, r.chat_id, r.user_id, r.kind, r.text, r.file_id, r.raw, received,
                           received if r.error else None, r.error)
            rows = await tx.fetch_all(
                "INSERT INTO inbound_updates"
                " (update_id, chat_id, user_id, kind, text, file_id, raw, received_at, processed_at, error)"
                f" VALUES {', '.join(['(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'] * len(chunk))}"
                " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
                params,
            )
            inserted.update(row[0] for row in rows)
    new: list[int] = []
    for record in records:  # the batch's order; an id twice in one batch was stored once
        if record.update_id in inserted:
            inserted.discard(record.update_id)
            new.append(record.update_id)
    return new


async def unprocessed(conn: Reader, *, after: int | None = None, limit: int = 1000) -> list[StoredUpdate]:
    """Rows not yet processed, with their JSON, in update id order (page with `after`)."""
    rows = await conn.fetch_all(
        f"SELECT {_COLUMNS}, raw FROM inbound_updates"
        " WHERE processed_at IS NULL AND update_id > :after ORDER BY update_id LIMIT :limit",
        {"after": after if after is not None else -(2**63), "limit": limit},
    )
    return [to_model(StoredUpdate, row) for row in rows]


async def mark_processed(db: Database, done: Iterable[tuple[int, str | None]], *, now: datetime) -> None:
    """Mark handled updates processed, with why one failed (`error`, never personal data), in one
    transaction. Rows processed already keep their first outcome."""
    stamp = to_iso(now)
    rows = [{"u": update_id, "error": error, "now": stamp} for update_id, error in done]
    if not rows:
        return
    await db.write_many(
        "UPDATE inbound_updates SET processed_at = :now, error = :error"
        " WHERE update_id = :u AND processed_at IS NULL",
        rows,
    )


async def forget_raw(db: Database, *, older_than: datetime) -> int:
    """Drop the raw JSON of updates processed and received before `older_than` (the columns the
    conversation reads stay). Returns how many rows were shortened."""
    return await db.write(
        "UPDATE inbound_updates SET raw = '{}'"
        " WHERE raw <> '{}' AND received_at < :t AND processed_at IS NOT NULL",
        {"t": to_iso(older_than)},
    )


async def get(conn: Reader, update_id: int) -> StoredUpdate | None:
    row = await conn.fetch_one(f"SELECT {_COLUMNS}, raw FROM inbound_updates WHERE update_id = :u", {"u": update_id})
    return to_model(StoredUpdate, row) if row is not None else None


async def last_update_id(conn: Reader) -> int | None:
    """The highest update id this database has seen (stored in the intake, or marked processed)."""
    row = await conn.fetch_one(
        "SELECT max(u) FROM (SELECT max(update_id) AS u FROM inbound_updates"
        " UNION ALL SELECT max(update_id) AS u FROM processed_updates) AS seen"
    )
    return row[0] if row and row[0] is not None else None
