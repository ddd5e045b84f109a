"""The conversation service without Telegram: what a retiree is told, and what is stored."""
from __future__ import annotations

from tests.factories import (
    OTHER_TELEGRAM_USER,
    ROSTER_PHONE,
    STAFF_CHAT_ID,
    TELEGRAM_USER,
    UNKNOWN_PHONE,
    Events,
    add_liaison,
    add_retiree,
)
from yinling import texts
from yinling.models import Contact, Inbound
from yinling.store import dialogs as dialog_store
from yinling.store import inbox as inbox_store
from yinling.store import registrations as registration_store
from yinling.store import retirees as retiree_store


async def outbox_rows(db, chat_id: int) -> list[dict]:
    rows = await db.fetch_all("SELECT text, keyboard, priority FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [dict(zip(r.keys(), r, strict=True)) for r in rows]


async def last_text(db, chat_id: int = TELEGRAM_USER) -> str:
    rows = await outbox_rows(db, chat_id)
    return rows[-1]["text"]


async def test_start_from_a_stranger_asks_to_verify_with_one_button(services, db):
    events = Events()
    await services.conversation.do_start(events.next())
    [row] = await outbox_rows(db, TELEGRAM_USER)
    assert row["text"] == texts.WELCOME_UNBOUND
    assert texts.VERIFY_BUTTON in row["keyboard"] and '"request":"contact"' in row["keyboard"]
    assert row["priority"] == 0  # interactive


async def test_own_contact_on_the_roster_binds_and_shows_the_menu(services, db, clock):
    retiree_id = await add_retiree(db, clock)
    events = Events()
    await services.conversation.do_contact(events.next(), Contact(phone="+86 " + ROSTER_PHONE, user_id=TELEGRAM_USER))
    retiree = await retiree_store.get(db, retiree_id)
    assert retiree.telegram_user_id == TELEGRAM_USER
    rows = await outbox_rows(db, TELEGRAM_USER)
    # greeted, then told in two sentences what the office keeps and why (PIPL), and where to see it
    assert rows[-1]["text"] == texts.BOUND_GREETING.format(name="张建国同志") + "\n\n" + texts.PRIVACY_AT_BINDING
    for _, label in texts.MENU:
        assert label in rows[-1]["keyboard"]


async def test_someone_elses_contact_is_refused_and_binds_nothing(services, db, clock):
    retiree_id = await add_retiree(db, clock)
    await services.conversation.do_contact(Events().next(), Contact(phone=ROSTER_PHONE, user_id=OTHER_TELEGRAM_USER))
    await services.conversation.do_contact(Events(start=5000).next(), Contact(phone=ROSTER_PHONE, user_id=None))
    assert (await retiree_store.get(db, retiree_id)).telegram_user_id is None
    assert await last_text(db) == texts.CONTACT_NOT_OWN


async def test_unknown_phone_records_a_pending_registration_and_tells_staff_once(services, db):
    events = Events()
    await services.conversation.do_contact(events.next(), Contact(phone=UNKNOWN_PHONE, user_id=TELEGRAM_USER))
    await services.conversation.do_contact(events.next(), Contact(phone=UNKNOWN_PHONE, user_id=TELEGRAM_USER))
    [pending], _ = await registration_store.list_pending(db)
    assert pending.phone == UNKNOWN_PHONE and pending.reason == "unknown_phone"
    assert await last_text(db) == texts.UNKNOWN_PHONE
    staff = await outbox_rows(db, STAFF_CHAT_ID)
    assert len(staff) == 1 and "137****9999" in staff[0]["text"] and UNKNOWN_PHONE not in staff[0]["text"]
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="我是老张，换了新号码"))
    assert await last_text(db) == texts.UNBOUND_WORDS_KEPT + texts.PENDING_WAIT_WITH_PHONE.format(phone="0931-8888888")
    # their words wait for an admin in the inbox (no liaison can see someone not on the roster)
    kept = await db.fetch_all("SELECT retiree_id, chat_id, text, origin FROM inbound_messages")
    assert [tuple(r) for r in kept] == [(None, TELEGRAM_USER, "我是老张，换了新号码", "unverified")]


async def test_phone_already_bound_to_another_account_goes_to_staff(services, db, clock):
    await add_retiree(db, clock)
    await services.conversation.do_contact(Events(OTHER_TELEGRAM_USER, start=2000).next(),
                                           Contact(phone=ROSTER_PHONE, user_id=OTHER_TELEGRAM_USER))
    await services.conversation.do_contact(Events().next(), Contact(phone=ROSTER_PHONE, user_id=TELEGRAM_USER))
    assert await last_text(db) == texts.BOUND_ELSEWHERE
    [pending], _ = await registration_store.list_pending(db)
    assert pending.reason == "bound_elsewhere" and pending.telegram_user_id == TELEGRAM_USER


async def test_a_replayed_event_has_one_effect(services, db, clock):
    await add_retiree(db, clock)
    event = Events().next()
    assert await services.conversation.do_contact(event, Contact(phone=ROSTER_PHONE, user_id=TELEGRAM_USER))
    assert not await services.conversation.do_contact(event, Contact(phone=ROSTER_PHONE, user_id=TELEGRAM_USER))
    assert len(await outbox_rows(db, TELEGRAM_USER)) == 1


async def test_unbound_people_get_only_onboarding(services, db):
    events = Events()
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="🙋 我要求助"))
    await services.conversation.do_menu(events.next())
    rows = await outbox_rows(db, TELEGRAM_USER)
    assert [r["text"] for r in rows] == [texts.UNBOUND_NUDGE, texts.UNBOUND_NUDGE]


async def bound(services, db, clock, **kwargs) -> Events:
    await add_retiree(db, clock, **kwargs)
    events = Events()
    await services.conversation.do_contact(events.next(), Contact(phone=ROSTER_PHONE, user_id=TELEGRAM_USER))
    return events


async def test_every_main_menu_button_opens_its_feature(services, db, clock):
    events = await bound(services, db, clock)
    for _, label in texts.MENU:
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=label))
        assert not (await last_text(db)).startswith("「"), label  # not COMING_SOON's 「…」正在准备中
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=texts.BACK_BUTTON))


async def test_a_menu_button_whose_feature_is_not_wired_answers_kindly_and_keeps_the_menu(services, db, clock):
    from yinling.services.conversation import ConversationService

    bare = ConversationService(services.core, services.people, services.human, services.inbox)  # no features
    events = await bound(services, db, clock)
    await bare.do_message(events.next(), Inbound(kind="text", text="📖 每日学习"))
    rows = await outbox_rows(db, TELEGRAM_USER)
    assert rows[-1]["text"] == texts.COMING_SOON.format(feature="每日学习")
    assert "找人工" in rows[-1]["keyboard"]


async def test_find_a_person_names_the_liaison_and_passes_on_what_is_said(services, db, clock):
    liaison = await add_liaison(db, clock)
    events = await bound(services, db, clock, liaison_id=liaison)
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="☎️ 找人工"))
    assert "您的联系干部是王芳，电话：13900001001" in await last_text(db)
    assert (await dialog_store.get(db, TELEGRAM_USER)).state == "human"
    await services.conversation.do_message(events.next(), Inbound(kind="voice", file_id="voice-1"))
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="我家水管漏了"))
    assert await last_text(db) == texts.MESSAGE_FORWARDED
    retiree = await retiree_store.get_by_telegram_user(db, TELEGRAM_USER)
    kept = await inbox_store.messages_of(db, retiree.id)
    assert [(m.kind, m.text, m.file_id) for m in kept] == [("voice", None, "voice-1"), ("text", "我家水管漏了", None)]
    staff_texts = [r["text"] for r in await outbox_rows(db, STAFF_CHAT_ID)]
    assert any("找人工" in t and "王芳" in t for t in staff_texts)
    # the words themselves wait in the inbox; the group hears of them grouped, once
    assert await services.inbox.do_notify_new_messages() == 1
    staff_texts = [r["text"] for r in await outbox_rows(db, STAFF_CHAT_ID)]
    assert staff_texts[-1] == texts.STAFF_NEW_MESSAGES.format(count=2, people="张建国 2 条")
    assert await services.inbox.do_notify_new_messages() == 0


async def test_back_and_cancel_always_return_to_the_menu(services, db, clock):
    events = await bound(services, db, clock)
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="找人工"))
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="↩️ 返回主菜单"))
    assert (await dialog_store.get(db, TELEGRAM_USER)).state == "idle"
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="找人工"))
    await services.conversation.do_cancel(events.next())
    assert await last_text(db) == texts.CANCELLED
    assert (await dialog_store.get(db, TELEGRAM_USER)).state == "idle"


async def test_words_outside_any_flow_are_kept_not_dropped(services, db, clock):
    events = await bound(services, db, clock)
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="谢谢你们"))
    retiree = await retiree_store.get_by_telegram_user(db, TELEGRAM_USER)
    assert [m.text for m in await inbox_store.messages_of(db, retiree.id)] == ["谢谢你们"]
    assert await last_text(db) == texts.MESSAGE_KEPT


async def test_a_stale_inline_button_leads_back_to_the_menu(services, db, clock):
    events = await bound(services, db, clock)
    notice = await services.conversation.do_press(events.next(), "old:button")
    assert notice == texts.BUTTON_EXPIRED
    assert await last_text(db) == texts.BUTTON_EXPIRED_MENU


async def test_writing_again_makes_an_unreachable_retiree_reachable(services, db, clock):
    events = await bound(services, db, clock)
    retiree = await retiree_store.get_by_telegram_user(db, TELEGRAM_USER)
    async with db.transaction() as tx:
        await retiree_store.mark_unreachable(tx, retiree.id, reason="blocked", now=clock.now())
    await services.conversation.do_menu(events.next())
    assert (await retiree_store.get(db, retiree.id)).reachable


async def test_after_an_unexpected_failure_the_retiree_gets_an_apology_and_a_way_to_a_person(services, db):
    await services.conversation.do_apologize(TELEGRAM_USER)
    assert await last_text(db) == texts.GENERIC_ERROR
    assert "找人工" in texts.GENERIC_ERROR


async def test_old_update_ids_are_pruned_recent_ones_kept(services, db, clock):
    from datetime import timedelta

    await services.conversation.do_start(Events(start=1).next())  # update id 2, now
    clock.advance(timedelta(days=8))
    await services.conversation.do_start(Events(start=10).next())  # update id 11, eight days later
    assert await services.maintenance.do_prune_processed_updates() == 1
    assert [r["update_id"] for r in await db.fetch_all("SELECT update_id FROM processed_updates")] == [11]


async def test_one_mine_item_after_another_opens_each_not_a_message_for_staff(services, db, clock):
    events = await bound(services, db, clock)
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="👤 我的"))
    assert await last_text(db) == texts.MINE_PROMPT
    await services.conversation.do_message(events.next(), Inbound(kind="text", text=texts.MINE_ACTIVITIES_BUTTON))
    assert await last_text(db) == texts.ACT_MINE_NONE
    # the 我的 buttons are still on screen: the next one opens too
    await services.conversation.do_message(events.next(), Inbound(kind="text", text=texts.MINE_HELP_BUTTON))
    assert await last_text(db) != texts.MESSAGE_KEPT
    assert await db.fetch_value("SELECT count(*) FROM inbound_messages") == 0
