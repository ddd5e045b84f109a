"""Rows read from our own database become models without pydantic validating each row
(yinling.store.rows): for every model a store builds with to_model, from rows the stores really
read, the fast conversion gives exactly what model_validate gave, and unexpected values still go
through pydantic (the same model, or the same error)."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from pydantic import BaseModel, ValidationError

from tests.factories import add_liaison, add_retiree
from yinling.models import (
    ActivityFields,
    ActivityRegistration,
    ConversationEntry,
    HelpFilter,
    HelpMessage,
    HelpRequest,
    Idea,
    IdeaEvent,
    IdeaNote,
    IdeaPart,
    Inbound,
    InboundRecord,
    InboxItem,
    InboxMessage,
    OutgoingMessage,
    PendingRegistration,
    PrivacyRequest,
    Retiree,
    Staff,
    StoredUpdate,
)
from yinling.store import activities as activity_store
from yinling.store import help as help_store
from yinling.store import ideas as idea_store
from yinling.store import inbox as inbox_store
from yinling.store import intake as intake_store
from yinling.store import outbox as outbox_store
from yinling.store import privacy as privacy_store
from yinling.store import registrations as registration_store
from yinling.store import retirees as retiree_store
from yinling.store import rows
from yinling.store import staff as staff_store

EVERY_MODEL = {ActivityRegistration, ConversationEntry, HelpMessage, HelpRequest, Idea, IdeaEvent, IdeaNote, IdeaPart,
               InboxItem, InboxMessage, PendingRegistration, PrivacyRequest, Retiree, Staff, StoredUpdate}
CHAT = 7001


@pytest.fixture
def compared(monkeypatch) -> set[type[BaseModel]]:
    """Every conversion a store asks for is checked against model_validate; returns the models seen."""
    seen: set[type[BaseModel]] = set()
    build = rows._converter

    def checked(model, columns):
        convert = build(model, columns)
        assert convert.__name__ == "convert", f"{model.__name__} rows would all go through model_validate"

        def check(row: sqlite3.Row):
            made, expected = convert(row), model.model_validate(dict(row))
            assert made == expected
            assert made.model_dump_json() == expected.model_dump_json()
            assert made.model_fields_set == expected.model_fields_set
            assert list(made.__dict__) == list(expected.__dict__)
            seen.add(model)
            return made

        return check

    monkeypatch.setattr(rows, "_converter", checked)
    return seen


async def test_every_model_a_store_reads_is_built_as_pydantic_builds_it(db, clock, compared):
    now = clock.now()
    liaison = await add_liaison(db, clock)
    retiree = await add_retiree(db, clock, name="Zhang 建国", liaison_id=liaison)
    async with db.transaction() as tx:
        await retiree_store.bind_telegram(tx, retiree, user_id=CHAT, chat_id=CHAT, now=now)
        request = await help_store.create(
            tx, retiree_id=retiree, category="生活照料", priority="urgent", assignee_id=liaison, summary="想买菜",
            now=now, first_response_due=now + timedelta(hours=1), resolution_due=now + timedelta(days=1))
        await help_store.add_message(tx, request, author="retiree", inbound=Inbound(kind="voice", file_id="f1"),
                                     now=now)
        await help_store.add_message(tx, request, author="staff", inbound=Inbound(kind="text", text="好的"), now=now,
                                     staff_id=liaison)
        await help_store.update(tx, request, now=now, remind_at=now + timedelta(hours=3), satisfaction="满意")
        await inbox_store.insert_message(tx, retiree_id=retiree, chat_id=CHAT,
                                         inbound=Inbound(kind="text", text="在吗"), origin="unprompted", now=now,
                                         urgent=True)
        await inbox_store.insert_message(tx, retiree_id=None, chat_id=CHAT + 1,
                                         inbound=Inbound(kind="photo", file_id="p1"), origin="unverified", now=now)
        idea = await idea_store.create(tx, retiree_id=retiree, field="城市建设", summary="多修座椅", now=now)
        await idea_store.add_part(tx, idea, Inbound(kind="text", text="公园里"), now=now)
        await idea_store.add_note(tx, idea, staff_id=liaison, text="转交", now=now)
        await idea_store.add_event(tx, idea, "review", now=now, staff_id=liaison, from_status="submitted",
                                   to_status="adopted", reply="采纳")
        await registration_store.upsert_pending(tx, user_id=9100, chat_id=9100, phone="13900000000",
                                                telegram_name="老王", reason="unknown_phone", now=now)
        privacy = await privacy_store.create(tx, retiree, now=now)
        activity = await activity_store.insert(tx, ActivityFields(
            title="体检", kind="体检", place="社区", starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=2, hours=2), signup_deadline=now + timedelta(days=1), capacity=5,
        ), created_by=liaison, now=now)
        await activity_store.insert_registration(tx, activity_id=activity, retiree_id=retiree, status="confirmed",
                                                 seq=1, code="A1", companion=True, needs_transport=False, now=now)
        await outbox_store.insert(tx, OutgoingMessage(chat_id=CHAT, text="您好", retiree_id=retiree), now=now)
    await intake_store.insert_many(db, [InboundRecord(update_id=1, chat_id=CHAT, user_id=CHAT, kind="text",
                                                      text="你好", raw="{}")], now=now)

    assert await staff_store.get(db, liaison) is not None
    assert (await retiree_store.get(db, retiree)).name == "Zhang 建国"
    assert (await registration_store.get_pending_for_user(db, 9100)).reason == "unknown_phone"
    page = await help_store.page(db, HelpFilter(q="zhang"), scope_liaison_id=None, me=liaison, now=now,
                                 sort="priority", limit=20, offset=0)
    assert [r.id for r in page] == [request] and page[0].remind_at == now + timedelta(hours=3)
    assert [m.kind for m in await help_store.thread(db, request)] == ["voice", "text"]
    assert len(await inbox_store.messages_of(db, retiree)) == 1
    queue = await inbox_store.queue(db, "all", scope=None, me=liaison, now=now, urgent_cut=now, normal_cut=now,
                                    limit=20, offset=0)
    assert {item.kind for item in queue} == {"help", "message"}
    assert [e.direction for e in await inbox_store.conversation(db, CHAT, before=None, limit=10)] == ["in", "out"]
    assert (await idea_store.get(db, idea)).summary == "多修座椅"
    assert len(await idea_store.parts(db, idea)) == len(await idea_store.notes(db, idea)) == 1
    assert (await idea_store.events(db, idea))[0].to_status == "adopted"
    assert (await privacy_store.get(db, privacy)).status == "pending"
    assert (await activity_store.registrations(db, activity))[0].companion is True
    assert (await intake_store.get(db, 1)).text == "你好"
    assert compared == EVERY_MODEL


async def test_what_the_fast_way_does_not_expect_goes_through_pydantic(db):
    """A moment in another form, a number where text belongs, an unknown Literal value: the same
    model, or the same error, as model_validate."""
    def row(**values) -> sqlite3.Row:
        conn = sqlite3.connect(":memory:")
        conn.row_factory = sqlite3.Row
        names = ", ".join(f":{k} AS {k}" for k in values)
        return conn.execute(f"SELECT {names}", values).fetchone()

    base = {"id": 1, "request_id": 2, "author": "staff", "kind": "text", "created_at": "2026-11-23T01:30:00.000000Z"}
    for changed in ({"created_at": "2026-11-23 09:30:00+08:00"}, {"created_at": "2026-11-23T01:30:00Z"},
                    {"staff_id": "3"}, {"text": None, "file_id": None}):
        made = rows.to_model(HelpMessage, row(**{**base, **changed}))
        assert made == HelpMessage.model_validate({**base, **changed})
    for wrong in ({"author": "robot"}, {"created_at": "2026-02-30T01:30:00.000000Z"}, {"id": "x"}):
        with pytest.raises(ValidationError) as fast:
            rows.to_model(HelpMessage, row(**{**base, **wrong}))
        with pytest.raises(ValidationError) as slow:
            HelpMessage.model_validate({**base, **wrong})
        assert fast.value.errors() == slow.value.errors()
    assert rows.to_model(Staff, row(id=1, username="a", display_name="A", role="admin", active=0)).active is False
