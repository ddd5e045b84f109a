"""Telegram's webhook: 200 only once the update is committed to the intake; an update PTB cannot
parse is kept and answered 200; a redelivery is one row; without the secret nothing is stored."""
from __future__ import annotations

import asyncio
import io
import json

import pytest
from telegram.ext import ApplicationBuilder

from admin.app import create_app
from bot.intake import Intake
from tests.factories import make_settings
from yinling.store import intake as intake_store
from yinling.store.database import Database

SECRET = "s3cret-token_ABC"
PATH = "/telegram/webhook"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def update(update_id: int, text: str = "谢谢你们") -> dict:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1_790_000_000, "text": text,
        "chat": {"id": 555000111, "type": "private", "first_name": "张"},
        "from": {"id": 555000111, "is_bot": False, "first_name": "张"}}}


@pytest.fixture
def intake(db, clock) -> Intake:
    # Not started: it stores, and the bot (not running here) would handle from the store.
    return Intake(ApplicationBuilder().token("123:test").updater(None).build(), db, clock)


async def client_with(aiohttp_client, db_path, services, sink):
    settings = make_settings(db_path, webhook_secret=SECRET)
    return await aiohttp_client(create_app(settings, services, update_sink=sink, webhook_path=PATH))


async def stored_elsewhere(db_path, update_id: int) -> bool:
    """Read through a connection of its own: sees only what was committed."""
    other = await Database.connect(db_path)
    try:
        return await intake_store.get(other, update_id) is not None
    finally:
        await other.close()


async def test_200_comes_only_after_the_update_is_committed(aiohttp_client, db_path, services, intake):
    release = asyncio.Event()

    async def sink(data: dict) -> None:
        await intake.receive([data])
        await release.wait()  # the view must not answer before the sink returns

    api = await client_with(aiohttp_client, db_path, services, sink)
    posting = asyncio.create_task(api.post(PATH, json=update(1001), headers=HEADERS))
    await asyncio.sleep(0.2)
    assert not posting.done()  # stored, but the sink has not returned: no answer yet
    release.set()
    resp = await posting
    assert resp.status == 200 and await stored_elsewhere(db_path, 1001)


async def test_the_real_sink_has_committed_when_200_arrives(aiohttp_client, db_path, services, intake):
    api = await client_with(aiohttp_client, db_path, services, lambda data: intake.receive([data]))
    resp = await api.post(PATH, json=update(1002), headers=HEADERS)
    assert resp.status == 200
    assert await stored_elsewhere(db_path, 1002)
    row = await intake_store.get(services.core.db, 1002)
    assert (row.kind, row.text, row.chat_id, row.processed_at) == ("text", "谢谢你们", 555000111, None)
    assert json.loads(row.raw) == update(1002)


async def test_an_update_that_cannot_be_stored_is_not_answered_200(aiohttp_client, db_path, services):
    async def broken(data: dict) -> None:
        raise OSError("disk full")

    api = await client_with(aiohttp_client, db_path, services, broken)
    resp = await api.post(PATH, json=update(1003), headers=HEADERS)
    assert resp.status == 503  # Telegram sends it again
    assert (await resp.json())["error"]["code"] == "not_stored"


async def test_an_unparseable_update_is_answered_200_and_kept_as_processed_with_why(
        aiohttp_client, db_path, services, intake):
    api = await client_with(aiohttp_client, db_path, services, lambda data: intake.receive([data]))
    junk = {"update_id": 1004, "message": {"message_id": 1, "text": "没有日期"}}
    resp = await api.post(PATH, json=junk, headers=HEADERS)
    assert resp.status == 200  # an error would have Telegram resend it forever
    row = await intake_store.get(services.core.db, 1004)
    assert row.kind == "unparseable" and row.processed_at is not None
    assert row.error == "unparseable: KeyError" and "没有日期" not in row.error
    assert json.loads(row.raw) == junk


async def test_a_redelivered_update_is_one_row(aiohttp_client, db_path, services, intake):
    api = await client_with(aiohttp_client, db_path, services, lambda data: intake.receive([data]))
    for _ in range(3):
        assert (await api.post(PATH, json=update(1005), headers=HEADERS)).status == 200
    count = await services.core.db.fetch_value("SELECT count(*) FROM inbound_updates WHERE update_id = 1005")
    assert count == 1


async def test_without_the_secret_or_a_proper_update_nothing_is_stored(aiohttp_client, db_path, services, intake):
    api = await client_with(aiohttp_client, db_path, services, lambda data: intake.receive([data]))
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
    assert (await api.post(PATH, json=update(1006), headers=wrong)).status == 403
    assert (await api.post(PATH, json=update(1006))).status == 403
    assert (await api.post(PATH, data=b"{not json", headers=HEADERS)).status == 400
    assert (await api.post(PATH, json=[update(1006)], headers=HEADERS)).status == 400
    assert (await api.post(PATH, json={"update_id": True, "message": {}}, headers=HEADERS)).status == 400
    assert (await api.post(PATH, json={"update_id": "1006"}, headers=HEADERS)).status == 400
    too_big = io.BytesIO(json.dumps({**update(1006), "padding": "x" * (1 << 20)}).encode())
    assert (await api.post(PATH, data=too_big, headers=HEADERS)).status == 413
    assert await services.core.db.fetch_value("SELECT count(*) FROM inbound_updates") == 0
