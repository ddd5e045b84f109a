"""The intake's store: a batch in one transaction, redelivery stored once, unprocessed in order,
processed marks, and the raw JSON dropped once it is old and processed."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from yinling.models import InboundRecord
from yinling.store import intake as intake_store
from yinling.store.database import Database

CHAT = 555000111
OTHER_CHAT = 555000222


def record(update_id: int, chat_id: int | None = CHAT, text: str | None = "你好", **fields) -> InboundRecord:
    return InboundRecord(update_id=update_id, chat_id=chat_id, user_id=chat_id, kind=fields.pop("kind", "text"),
                         text=text, raw=f'{{"update_id":{update_id}}}', **fields)


async def test_a_batch_is_stored_in_one_transaction_and_its_new_ids_returned(db, clock):
    new = await intake_store.insert_many(db, [record(3), record(1), record(2)], now=clock.now())
    assert new == [3, 1, 2]
    rows = await intake_store.unprocessed(db)
    assert [r.update_id for r in rows] == [1, 2, 3]  # update id order, whatever the arrival order
    assert rows[0].raw == '{"update_id":1}' and rows[0].received_at == clock.now()
    assert rows[0].processed_at is None and rows[0].error is None


async def test_a_redelivered_update_is_stored_once_and_not_new_again(db, clock):
    await intake_store.insert_many(db, [record(7, text="第一次")], now=clock.now())
    again = await intake_store.insert_many(db, [record(7, text="第二次"), record(8)], now=clock.now())
    assert again == [8]
    assert await db.fetch_value("SELECT count(*) FROM inbound_updates WHERE update_id = 7") == 1
    assert (await intake_store.get(db, 7)).text == "第一次"


async def test_a_batch_that_fails_leaves_nothing_stored(db, clock):
    bad = record(10).model_copy(update={"raw": None})  # raw is NOT NULL: the insert fails mid-batch
    with pytest.raises(sqlite3.IntegrityError):
        await intake_store.insert_many(db, [record(9), bad], now=clock.now())
    assert await db.fetch_value("SELECT count(*) FROM inbound_updates") == 0


async def test_an_unparseable_update_is_stored_processed_with_its_error(db, clock):
    unreadable = record(11, kind="unparseable", text=None, error="unparseable: KeyError")
    assert await intake_store.insert_many(db, [unreadable], now=clock.now()) == [11]
    stored = await intake_store.get(db, 11)
    assert stored.kind == "unparseable" and stored.processed_at == clock.now()
    assert stored.error == "unparseable: KeyError"
    assert await intake_store.unprocessed(db) == []


async def test_marks_are_written_in_one_batch_and_keep_the_first_outcome(db, clock):
    await intake_store.insert_many(db, [record(i) for i in range(1, 6)], now=clock.now())
    clock.advance(timedelta(seconds=2))
    await intake_store.mark_processed(db, [(1, None), (2, "handler: ValueError"), (4, None)], now=clock.now())
    assert [r.update_id for r in await intake_store.unprocessed(db)] == [3, 5]
    failed = await intake_store.get(db, 2)
    assert failed.error == "handler: ValueError" and failed.processed_at == clock.now()
    clock.advance(timedelta(seconds=2))
    await intake_store.mark_processed(db, [(2, None)], now=clock.now())  # a replay's mark changes nothing
    assert (await intake_store.get(db, 2)).error == "handler: ValueError"
    await intake_store.mark_processed(db, [], now=clock.now())  # nothing to write: no transaction


async def test_unprocessed_pages_by_update_id(db, clock):
    await intake_store.insert_many(db, [record(i) for i in range(1, 8)], now=clock.now())
    first = await intake_store.unprocessed(db, limit=3)
    second = await intake_store.unprocessed(db, after=first[-1].update_id, limit=3)
    assert [r.update_id for r in first + second] == [1, 2, 3, 4, 5, 6]


async def test_a_second_connection_sees_a_batch_once_insert_many_returns(db, db_path, clock):
    await intake_store.insert_many(db, [record(21)], now=clock.now())
    other = await Database.connect(db_path)
    try:
        assert (await intake_store.get(other, 21)) is not None
    finally:
        await other.close()


async def test_the_raw_json_of_old_processed_updates_is_dropped_and_their_words_kept(services, db, clock):
    await intake_store.insert_many(db, [record(31, text="旧的"), record(32, text="没处理")], now=clock.now())
    await intake_store.mark_processed(db, [(31, None)], now=clock.now())
    clock.advance(timedelta(days=8))
    await intake_store.insert_many(db, [record(33, text="新的")], now=clock.now())
    await intake_store.mark_processed(db, [(33, None)], now=clock.now())
    await services.maintenance.do_prune_processed_updates()
    kept = {i: ((row := await intake_store.get(db, i)).text, row.raw) for i in (31, 32, 33)}
    assert kept[31] == ("旧的", "{}")  # the conversation still reads the words
    assert kept[32] == ("没处理", '{"update_id":32}')  # a restart still needs it to process it
    assert kept[33] == ("新的", '{"update_id":33}')  # recent: kept for the week
