"""Staff are alerted where they are: a linked liaison hears directly of 找人工 (once), of new messages
from their retirees (grouped, at most one notice per few minutes), and of a retiree who became
unreachable (with the phone to call); the staff group gets the same without phone numbers."""
from __future__ import annotations

from datetime import timedelta

from tests.factories import ROSTER_PHONE, STAFF_CHAT_ID, TELEGRAM_USER, Events
from tests.unit.test_emergency import LIAISON_TELEGRAM, bound_with_linked_liaison
from yinling import texts
from yinling.models import Inbound, OutgoingMessage, Priority


async def texts_to(db, chat_id: int) -> list[str]:
    rows = await db.fetch_all("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [r["text"] for r in rows]


async def say(services, events: Events, *words: str) -> None:
    for text in words:
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=text))


async def test_find_a_person_reaches_the_liaison_at_once_with_the_phone_and_only_once(services, db, clock):
    events, _ = await bound_with_linked_liaison(services, db, clock)
    await say(services, events, "☎️ 找人工")
    [direct] = await texts_to(db, LIAISON_TELEGRAM)
    assert "找人工" in direct and ROSTER_PHONE in direct
    group = await texts_to(db, STAFF_CHAT_ID)
    assert any("找人工" in t for t in group) and not any(ROSTER_PHONE in t for t in group)
    await say(services, events, "☎️ 找人工")  # tapped again, impatient: they are shown the phone again
    assert len(await texts_to(db, LIAISON_TELEGRAM)) == 1
    assert (await texts_to(db, TELEGRAM_USER))[-1].startswith("您的联系干部是王芳")


async def test_new_messages_are_told_grouped_at_most_once_per_few_minutes(services, db, clock):
    events, _ = await bound_with_linked_liaison(services, db, clock)
    await say(services, events, "谢谢你们", "下周二我不在家")
    assert await services.inbox.do_notify_new_messages() == 2  # the liaison and the group, one each
    expected = texts.STAFF_NEW_MESSAGES.format(count=2, people="张建国 2 条")
    assert (await texts_to(db, LIAISON_TELEGRAM))[-1] == expected
    assert (await texts_to(db, STAFF_CHAT_ID))[-1] == expected
    await say(services, events, "还有一件事")
    clock.advance(timedelta(minutes=2))
    assert await services.inbox.do_notify_new_messages() == 0  # too soon: it waits
    clock.advance(timedelta(minutes=4))
    assert await services.inbox.do_notify_new_messages() == 2
    assert (await texts_to(db, LIAISON_TELEGRAM))[-1] == texts.STAFF_NEW_MESSAGES.format(count=1, people="张建国 1 条")
    assert await services.inbox.do_notify_new_messages() == 0  # nothing new: nothing told twice


async def test_messages_answered_before_the_notice_are_not_told(services, db, clock, office_admin):
    events, retiree_id = await bound_with_linked_liaison(services, db, clock)
    await say(services, events, "有空来一趟")
    await services.inbox.do_send_message(office_admin, retiree_id, "明天上午去看您")
    assert await services.inbox.do_notify_new_messages() == 0


async def test_a_retiree_who_blocked_the_bot_is_told_to_the_liaison_with_the_phone(services, db, clock):
    _, retiree_id = await bound_with_linked_liaison(services, db, clock)
    async with db.transaction() as tx:
        outbox_id = await services.core.outbox.enqueue(tx, OutgoingMessage(
            chat_id=TELEGRAM_USER, retiree_id=retiree_id, text="通知", priority=Priority.BULK))
    await services.delivery.do_record_unreachable(outbox_id, retiree_id, "blocked", "Forbidden: bot was blocked")
    [direct] = [t for t in await texts_to(db, LIAISON_TELEGRAM) if "无法联系" in t]
    assert ROSTER_PHONE in direct and "张建国" in direct
    group = [t for t in await texts_to(db, STAFF_CHAT_ID) if "无法联系" in t]
    assert len(group) == 1 and ROSTER_PHONE not in group[0]
    await services.delivery.do_record_unreachable(outbox_id, retiree_id, "blocked", "again")
    assert len([t for t in await texts_to(db, LIAISON_TELEGRAM) if "无法联系" in t]) == 1  # told once
