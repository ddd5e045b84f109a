"""Emergency words, wherever they are said: the very next reply is the 120/119 advice with a phone,
the words are an urgent inbox item, and the liaison and the staff group are told at once."""
from __future__ import annotations

import pytest

from tests.factories import (
    LIAISON_PHONE,
    OFFICE_PHONE,
    ROSTER_PHONE,
    STAFF_CHAT_ID,
    TELEGRAM_USER,
    Events,
    add_liaison,
    add_retiree,
)
from yinling import texts
from yinling.emergency import EMERGENCY_WORDS, emergency_kinds
from yinling.models import Contact, Inbound
from yinling.store import dialogs as dialog_store
from yinling.store import staff as staff_store

LIAISON_TELEGRAM = 777000111
FALL = "我摔倒了，起不来"

ALL_WORDS = [(kind, word) for kind, words in EMERGENCY_WORDS.items() for word in words]

# Every dialog state a retiree can be in, with the data a real walk leaves there.
STEPS: list[tuple[str, dict]] = [
    ("idle", {}),
    ("human", {}),
    ("mine", {}),
    ("help.category", {}),
    ("help.describe", {"category": "其他", "parts": [], "urgent": False}),
    ("help.urgency", {"category": "其他", "parts": [{"kind": "text", "text": "水管漏了"}], "urgent": False}),
    ("help.confirm", {"category": "其他", "parts": [{"kind": "text", "text": "水管漏了"}], "urgent": False}),
    ("help.add", {"request": 1}),
    ("help.comment", {"request": 1}),
    ("study", {}),
    ("idea.field", {}),
    ("idea.describe", {"field": "其他", "parts": []}),
    ("idea.confirm", {"field": "其他", "parts": [{"kind": "text", "text": "多建公园"}]}),
]


async def texts_to(db, chat_id: int) -> list[dict]:
    rows = await db.fetch_all("SELECT id, text, priority FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [dict(zip(r.keys(), r, strict=True)) for r in rows]


async def bound_with_linked_liaison(services, db, clock) -> tuple[Events, int]:
    liaison = await add_liaison(db, clock)
    async with db.transaction() as tx:
        await staff_store.link_telegram(tx, liaison, LIAISON_TELEGRAM)
    retiree_id = await add_retiree(db, clock, liaison_id=liaison)
    events = Events()
    await services.conversation.do_contact(events.next(), Contact(phone=ROSTER_PHONE, user_id=TELEGRAM_USER))
    return events, retiree_id


async def urgent_items(db) -> list[dict]:
    rows = await db.fetch_all("SELECT retiree_id, chat_id, text, origin, urgent FROM inbound_messages WHERE urgent = 1")
    return [dict(zip(r.keys(), r, strict=True)) for r in rows]


@pytest.mark.parametrize(("kind", "word"), ALL_WORDS, ids=[w for _, w in ALL_WORDS])
def test_every_catalogue_word_is_recognised_inside_a_sentence(kind, word):
    assert kind in emergency_kinds(f"老伴说{word}了，怎么办")


@pytest.mark.parametrize("said", ["救 命！", "ＳＯＳ", "他嘴歪了，说不出话", "家里 煤气 味很大", "胸口疼得厉害"])
def test_spacing_width_and_punctuation_do_not_hide_the_words(said):
    assert emergency_kinds(said)


@pytest.mark.parametrize("said", ["今天天气很好", "我想报名活动", "谢谢你们", "↩️ 返回主菜单"])
def test_ordinary_words_raise_no_alarm(said):
    assert emergency_kinds(said) == []


@pytest.mark.parametrize(("kind", "word"), ALL_WORDS, ids=[w for _, w in ALL_WORDS])
async def test_each_word_at_the_main_menu_gets_advice_and_an_urgent_item(services, db, clock, kind, word):
    events, retiree_id = await bound_with_linked_liaison(services, db, clock)
    before = len(await texts_to(db, TELEGRAM_USER))
    await services.conversation.do_message(events.next(), Inbound(kind="text", text=word))
    reply = (await texts_to(db, TELEGRAM_USER))[before]
    assert reply["text"].startswith(texts.EMERGENCY_ADVICE) and LIAISON_PHONE in reply["text"]
    assert reply["priority"] == 0
    [item] = await urgent_items(db)
    assert item["text"] == word and item["retiree_id"] == retiree_id and item["origin"] == "emergency"


@pytest.mark.parametrize(("state", "data"), STEPS, ids=[s for s, _ in STEPS])
async def test_a_fall_at_every_step_is_answered_at_once_and_told_to_staff(services, db, clock, state, data):
    events, retiree_id = await bound_with_linked_liaison(services, db, clock)
    async with db.transaction() as tx:
        await dialog_store.set_state(tx, TELEGRAM_USER, state, now=clock.now(), data=data)
    before = len(await texts_to(db, TELEGRAM_USER))
    await services.conversation.do_message(events.next(), Inbound(kind="text", text=FALL))
    replies = (await texts_to(db, TELEGRAM_USER))[before:]
    assert replies[0]["text"].startswith(texts.EMERGENCY_ADVICE), state
    assert "120" in replies[0]["text"] and LIAISON_PHONE in replies[0]["text"]
    [item] = await urgent_items(db)
    assert item["text"] == FALL and item["retiree_id"] == retiree_id
    liaison_dm = (await texts_to(db, LIAISON_TELEGRAM))[-1]
    assert "紧急" in liaison_dm["text"] and FALL in liaison_dm["text"] and ROSTER_PHONE in liaison_dm["text"]
    assert liaison_dm["priority"] == 0
    group = (await texts_to(db, STAFF_CHAT_ID))[-1]
    assert "紧急" in group["text"] and FALL in group["text"] and ROSTER_PHONE not in group["text"]
    assert group["priority"] == 0


async def test_a_caption_on_a_photo_raises_the_alarm_too(services, db, clock):
    events, _ = await bound_with_linked_liaison(services, db, clock)
    await services.conversation.do_message(events.next(), Inbound(kind="photo", file_id="p1", text="厨房着火了"))
    replies = await texts_to(db, TELEGRAM_USER)
    advice = next(r["text"] for r in replies if r["text"].startswith(texts.EMERGENCY_ADVICE))
    assert texts.EMERGENCY_FIRE in advice
    [item] = await urgent_items(db)
    assert item["text"] == "厨房着火了"


async def test_without_a_liaison_the_office_phone_is_given(services, db, clock):
    await add_retiree(db, clock)
    events = Events()
    await services.conversation.do_contact(events.next(), Contact(phone=ROSTER_PHONE, user_id=TELEGRAM_USER))
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="救命"))
    advice = (await texts_to(db, TELEGRAM_USER))[-2]["text"]
    assert OFFICE_PHONE in advice and "120" in advice


async def test_someone_not_yet_verified_gets_advice_and_staff_see_an_urgent_item(services, db, clock):
    events = Events()
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="胸口痛，喘不上气"))
    replies = await texts_to(db, TELEGRAM_USER)
    assert replies[0]["text"].startswith(texts.EMERGENCY_ADVICE)
    [item] = await urgent_items(db)
    assert item["retiree_id"] is None and item["chat_id"] == TELEGRAM_USER
    assert any("紧急" in r["text"] for r in await texts_to(db, STAFF_CHAT_ID))


async def test_in_help_the_alarm_comes_when_the_words_are_said_not_after_confirming(services, db, clock):
    events, _ = await bound_with_linked_liaison(services, db, clock)
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="🙋 我要求助"))
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="医疗健康"))
    before = len(await texts_to(db, TELEGRAM_USER))
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="老伴晕倒了"))
    replies = (await texts_to(db, TELEGRAM_USER))[before:]
    assert replies[0]["text"].startswith(texts.EMERGENCY_ADVICE)
    assert len(await urgent_items(db)) == 1
    assert (await dialog_store.get(db, TELEGRAM_USER)).state == "help.describe"  # the draft goes on
    draft = (await dialog_store.get(db, TELEGRAM_USER)).data
    assert draft["urgent"] is True and draft["parts"][0]["text"] == "老伴晕倒了"
