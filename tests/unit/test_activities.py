"""活动报名 through the services: what each retiree is told, what is stored, and the races."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from tests.factories import ChatPerson, Events, add_bound_retiree, add_liaison
from yinling import texts
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import Activity, ActivityFields, Audience, RetireeFields
from yinling.services import build_services
from yinling.services.activities.base import reminder_times
from yinling.store import activities as activity_store
from yinling.store import audiences
from yinling.store import retirees as retiree_store
from yinling.store.database import Database

# The test clock starts on Monday 2026-11-23, 09:30 in Shanghai.
SATURDAY_9 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
FRIDAY_18 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # 18:00 Shanghai, the evening before


def party_day(**overrides) -> ActivityFields:
    values = dict(title="十二月主题党日", kind="主题党日", place="老干部活动中心三楼", starts_at=SATURDAY_9,
                  ends_at=SATURDAY_9 + timedelta(hours=2, minutes=30), signup_deadline=FRIDAY_18, capacity=2)
    values.update(overrides)
    return ActivityFields(**values)


class Person(ChatPerson):
    async def registration(self, activity_id: int):
        return await activity_store.registration(self.db, activity_id, self.retiree_id)


@pytest.fixture
async def liaison(db, clock):
    return await add_liaison(db, clock)  # staff #1, who is also office_admin's id


@pytest.fixture
def people(services, db, clock, liaison):
    async def make(count: int, **fields) -> list[Person]:
        made = []
        for _ in range(count):
            user_id = 7000 + len(made) + int(await db.fetch_value("SELECT count(*) FROM retirees")) * 10
            retiree_id = await add_bound_retiree(db, clock, user_id, liaison_id=liaison, **fields)
            made.append(Person(services, db, user_id, retiree_id))
        return made

    return make


async def publish(services, office_admin, **overrides):
    activity, _ = await services.activities.do_create(office_admin, party_day(**overrides), notify=False)
    return activity


# ---- browsing ----------------------------------------------------------------------------------------


async def test_the_list_shows_what_one_may_join_soonest_first_with_seats_left(services, office_admin, people):
    [zhang] = await people(1)
    later = await publish(services, office_admin, title="门球友谊赛", kind="文体比赛",
                          starts_at=SATURDAY_9 + timedelta(days=7), ends_at=SATURDAY_9 + timedelta(days=7, hours=3),
                          signup_deadline=FRIDAY_18 + timedelta(days=7), capacity=12)
    sooner = await publish(services, office_admin)
    await publish(services, office_admin, title="党员座谈会", audience=Audience(kind="party_members"))
    await zhang.say("📅 活动报名")
    assert (await zhang.last())["text"] == texts.ACT_LIST
    assert await zhang.buttons() == [
        ("11月28日 十二月主题党日 · 还剩 2 个名额", f"act:view:{sooner.id}"),
        ("12月5日 门球友谊赛 · 还剩 12 个名额", f"act:view:{later.id}"),
    ]


async def test_with_nothing_to_join_the_retiree_is_told_so_and_keeps_the_menu(services, people):
    [zhang] = await people(1)
    await zhang.say("活动报名")
    last = await zhang.last()
    assert last["text"] == texts.ACT_NONE and last["keyboard"]["kind"] == "choices"


async def test_details_offer_to_sign_up_and_a_way_back(services, office_admin, people):
    [zhang] = await people(1)
    activity = await publish(services, office_admin, description="重温入党誓词，学习二十届四中全会精神。",
                             companion_allowed=True)
    await zhang.press(f"act:view:{activity.id}")
    text = (await zhang.last())["text"]
    assert text == ("【主题党日】十二月主题党日\n时间：11月28日（星期六）9:00—11:30\n地点：老干部活动中心三楼\n"
                    "报名截止：11月27日（星期五）18:00\n还剩 2 个名额\n重温入党誓词，学习二十届四中全会精神。\n"
                    "可以带一位家属一起来。")  # the facts first, then the words about it
    assert await zhang.buttons() == [(texts.JOIN_BUTTON, f"act:join:{activity.id}"),
                                     (texts.ACT_BACK_TO_LIST, "act:list")]


# ---- signing up ----------------------------------------------------------------------------------------


async def test_signing_up_confirms_with_date_place_and_check_in_code(services, office_admin, people, db):
    [zhang] = await people(1)
    activity = await publish(services, office_admin)
    assert await zhang.press(f"act:join:{activity.id}") == "报名成功"
    registration = await zhang.registration(activity.id)
    assert registration.status == "confirmed" and len(registration.code) == 4 and registration.code.isdigit()
    text = (await zhang.last())["text"]
    assert text.startswith("报名成功！\n活动：十二月主题党日\n时间：11月28日（星期六）9:00—11:30\n"
                           "地点：老干部活动中心三楼")
    assert f"签到码：{registration.code}" in text
    reminders = await db.fetch_all("SELECT kind, due_at FROM activity_reminders ORDER BY due_at")
    assert [(r["kind"], r["due_at"]) for r in reminders] == [("eve", "2026-11-27T10:00:00.000000Z"),
                                                            ("soon", "2026-11-27T23:00:00.000000Z")]


async def test_a_companion_and_transport_are_asked_one_question_at_a_time(services, office_admin, people):
    [zhang] = await people(1)
    activity = await publish(services, office_admin, companion_allowed=True, ask_transport=True)
    assert await zhang.press(f"act:join:{activity.id}") is None
    assert (await zhang.last())["text"] == texts.ACT_ASK_COMPANION
    assert await zhang.buttons() == [(texts.WITH_COMPANION_BUTTON, f"act:join:{activity.id}:1"),
                                     (texts.ALONE_BUTTON, f"act:join:{activity.id}:0")]
    assert await zhang.registration(activity.id) is None  # nothing decided yet
    await zhang.press(f"act:join:{activity.id}:1")
    assert (await zhang.last())["text"] == texts.ACT_ASK_TRANSPORT
    assert await zhang.press(f"act:join:{activity.id}:1:1") == "报名成功"
    registration = await zhang.registration(activity.id)
    assert (registration.companion, registration.needs_transport) == (True, True)
    text = (await zhang.last())["text"]
    assert "带一位家属" in text and "需要接送" in text


async def test_a_second_tap_does_not_register_twice(services, office_admin, people, db):
    [zhang] = await people(1)
    activity = await publish(services, office_admin)
    await zhang.press(f"act:join:{activity.id}")
    assert await zhang.press(f"act:join:{activity.id}") == "您已经报过名了"
    code = (await zhang.registration(activity.id)).code
    assert (await zhang.last())["text"] == texts.ACT_ALREADY_CONFIRMED.format(code=code)
    assert await db.fetch_value("SELECT count(*) FROM activity_registrations") == 1


async def test_when_full_the_next_wait_in_line_and_are_told_their_place(services, office_admin, people):
    a, b, c, d = await people(4)
    activity = await publish(services, office_admin)
    for person in (a, b):
        await person.press(f"act:join:{activity.id}")
    await c.press(f"act:view:{activity.id}")
    assert (texts.WAIT_BUTTON, f"act:join:{activity.id}") in await c.buttons()
    assert "名额已满，可以候补（现在有 0 人在等）" in (await c.last())["text"]
    assert await c.press(f"act:join:{activity.id}") == "已排上候补"
    assert (await c.last())["text"] == texts.ACT_WAITING.format(title="十二月主题党日", position=1)
    await d.press(f"act:join:{activity.id}")
    assert "现在排第 2 位" in (await d.last())["text"]
    assert [(await p.registration(activity.id)).status for p in (a, b, c, d)] == ["confirmed", "confirmed",
                                                                                 "waiting", "waiting"]


async def test_a_freed_seat_goes_to_the_first_waiting_at_once_who_may_give_it_up(services, office_admin, people, db):
    a, b, c, d = await people(4)
    activity = await publish(services, office_admin)
    for person in (a, b, c, d):
        await person.press(f"act:join:{activity.id}")
    await a.press(f"act:leave:{activity.id}")
    assert (await a.last())["text"] == texts.ACT_ASK_LEAVE.format(title="十二月主题党日")
    assert (await c.registration(activity.id)).status == "waiting"  # asking changes nothing
    assert await a.press(f"act:quit:{activity.id}") == "已取消报名"
    assert (await a.registration(activity.id)).status == "cancelled"
    promoted = await c.last()
    assert promoted["text"].startswith("好消息！「十二月主题党日」有空位了，已经为您报上名。")
    assert f"签到码：{(await c.registration(activity.id)).code}" in promoted["text"]
    assert await c.buttons() == [(texts.GIVE_UP_BUTTON, f"act:leave:{activity.id}")]
    assert (await c.registration(activity.id)).status == "confirmed"
    # c gives the seat up: d is next
    await c.press(f"act:leave:{activity.id}")
    await c.press(f"act:quit:{activity.id}")
    assert (await d.registration(activity.id)).status == "confirmed"
    assert "有空位了" in (await d.last())["text"]
    # the promoted get their reminders too
    due = await db.fetch_value(
        "SELECT count(*) FROM activity_reminders m JOIN activity_registrations g ON g.id = m.registration_id"
        " WHERE g.retiree_id = ?", (d.retiree_id,))
    assert due == 2


async def test_leaving_the_waiting_list_keeps_the_others_order(services, office_admin, people):
    a, b, c, d = await people(4)
    activity = await publish(services, office_admin, capacity=1)
    for person in (a, b, c, d):
        await person.press(f"act:join:{activity.id}")
    await b.press(f"act:quit:{activity.id}")
    assert (await b.last())["text"] == texts.ACT_LEFT_WAITING.format(title="十二月主题党日")
    await d.press(f"act:view:{activity.id}")
    assert "排第 2 位" in (await d.last())["text"]
    await a.press(f"act:quit:{activity.id}")
    assert [(await p.registration(activity.id)).status for p in (c, d)] == ["confirmed", "waiting"]


async def test_one_who_left_may_join_again_at_the_back_of_the_line(services, office_admin, people):
    a, b, c = await people(3)
    activity = await publish(services, office_admin, capacity=1)
    for person in (a, b):
        await person.press(f"act:join:{activity.id}")
    first_code = (await b.registration(activity.id)).code
    await b.press(f"act:quit:{activity.id}")
    await c.press(f"act:join:{activity.id}")
    await b.press(f"act:join:{activity.id}")
    assert "排第 2 位" in (await b.last())["text"]
    assert (await b.registration(activity.id)).code == first_code  # the code they were given stays theirs


@pytest.mark.parametrize("situation", ["deadline", "cancelled", "not_for_you", "started"])
async def test_each_refusal_has_its_own_kind_sentence(situation, services, office_admin, people, clock):
    [zhang] = await people(1)
    audience = Audience(kind="party_members") if situation == "not_for_you" else Audience()
    activity = await publish(services, office_admin, audience=audience)
    if situation == "deadline":
        clock.set(FRIDAY_18 + timedelta(minutes=1))
    elif situation == "started":
        clock.set(SATURDAY_9 + timedelta(minutes=1))
    elif situation == "cancelled":
        await services.activities.do_cancel(office_admin, activity.id, "场地维修")
    expected = {"deadline": texts.ACT_DEADLINE_PASSED, "cancelled": texts.ACT_IS_CANCELLED,
                "not_for_you": texts.ACT_NOT_FOR_YOU, "started": texts.ACT_STARTED}[situation]
    assert await zhang.press(f"act:join:{activity.id}") == texts.ACT_TOAST[situation]
    assert (await zhang.last())["text"] == expected.format(title="十二月主题党日")
    assert await zhang.buttons() == [(texts.ACT_BACK_TO_LIST, "act:list")]
    assert await zhang.registration(activity.id) is None


async def test_an_unknown_activity_leads_back_to_the_menu(services, people):
    [zhang] = await people(1)
    await zhang.press("act:view:999")
    last = await zhang.last()
    assert last["text"] == texts.ACT_NOT_FOUND and last["keyboard"]["kind"] == "choices"


async def test_my_activities_lists_what_i_joined_or_wait_for(services, office_admin, people):
    a, b = await people(2)
    first = await publish(services, office_admin, capacity=1)
    second = await publish(services, office_admin, title="老年大学书法课", kind="老年大学",
                           starts_at=SATURDAY_9 + timedelta(days=1), ends_at=SATURDAY_9 + timedelta(days=1, hours=2))
    await a.press(f"act:join:{first.id}")
    await b.press(f"act:join:{first.id}")
    await b.press(f"act:join:{second.id}")
    await b.say("👤 我的")
    assert texts.MINE_ACTIVITIES_BUTTON in json.dumps((await b.last())["keyboard"], ensure_ascii=False)
    await b.say(texts.MINE_ACTIVITIES_BUTTON)
    assert (await b.last())["text"] == texts.ACT_MINE_LIST
    assert await b.buttons() == [("11月28日 十二月主题党日 · 候补中", f"act:view:{first.id}"),
                                 ("11月29日 老年大学书法课 · 已报名", f"act:view:{second.id}")]


# ---- staff changes -------------------------------------------------------------------------------------


async def test_more_seats_serve_the_waiting_list_in_order(services, office_admin, people):
    a, b, c, d = await people(4)
    activity = await publish(services, office_admin, capacity=1)
    for person in (a, b, c, d):
        await person.press(f"act:join:{activity.id}")
    updated = await services.activities.do_update(office_admin, activity.id, {"capacity": 3})
    assert (updated.confirmed, updated.waiting) == (3, 1)
    assert [(await p.registration(activity.id)).status for p in (b, c, d)] == ["confirmed", "confirmed", "waiting"]
    assert "有空位了" in (await b.last())["text"] and "有空位了" in (await c.last())["text"]


async def test_capacity_cannot_drop_below_those_confirmed(services, office_admin, people):
    a, b = await people(2)
    activity = await publish(services, office_admin)
    for person in (a, b):
        await person.press(f"act:join:{activity.id}")
    with pytest.raises(Conflict) as refused:
        await services.activities.do_update(office_admin, activity.id, {"capacity": 1})
    assert "capacity" in refused.value.fields
    assert (await services.activities.get(activity.id)).capacity == 2


async def test_times_must_be_ahead_and_in_order(services, office_admin, liaison, clock):
    with pytest.raises(InvalidInput) as refused:
        await services.activities.do_create(office_admin, party_day(
            starts_at=clock.now() - timedelta(hours=1), ends_at=clock.now() - timedelta(hours=2),
            signup_deadline=clock.now()), notify=False)
    assert set(refused.value.fields) == {"starts_at", "ends_at", "signup_deadline"}
    with pytest.raises(InvalidInput) as refused:
        await services.activities.do_create(office_admin, party_day(signup_deadline=SATURDAY_9 + timedelta(hours=1)),
                                            notify=False)
    assert set(refused.value.fields) == {"signup_deadline"}


async def test_a_new_time_is_told_to_registrants_and_their_reminders_move(services, office_admin, people, db):
    a, b = await people(2)
    activity = await publish(services, office_admin, capacity=1)
    for person in (a, b):
        await person.press(f"act:join:{activity.id}")
    new_start = SATURDAY_9 + timedelta(days=1, hours=5)  # Sunday 14:00
    await services.activities.do_update(office_admin, activity.id,
                                        {"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)})
    for person in (a, b):
        assert (await person.last())["text"] == ("「十二月主题党日」有变动，请留意：\n"
                                                 "时间：11月29日（星期日）14:00—16:00\n"
                                                 "地点：老干部活动中心三楼")
    dues = await db.fetch_all("SELECT kind, due_at FROM activity_reminders WHERE done_at IS NULL ORDER BY due_at")
    assert [(r["kind"], r["due_at"]) for r in dues] == [("eve", "2026-11-28T10:00:00.000000Z"),
                                                        ("soon", "2026-11-29T04:00:00.000000Z")]


async def test_cancelling_tells_everyone_registered_or_waiting_with_the_reason(services, office_admin, people, clock):
    a, b, c = await people(3)
    activity = await publish(services, office_admin, capacity=1)
    for person in (a, b):
        await person.press(f"act:join:{activity.id}")
    await services.activities.do_cancel(office_admin, activity.id, "活动中心停电检修")
    for person in (a, b):
        assert (await person.last())["text"] == (
            "很抱歉，「十二月主题党日」（11月28日（星期六）9:00—11:30）取消了。\n原因：活动中心停电检修\n给您添麻烦了。")
    with pytest.raises(Conflict):
        await services.activities.do_cancel(office_admin, activity.id, "again")
    clock.set(FRIDAY_18)
    assert await services.activities.do_send_reminders() == 0  # none for a cancelled activity
    await c.say("活动报名")
    assert (await c.last())["text"] == texts.ACT_NONE


async def test_publishing_with_notify_tells_the_audience_in_bulk(services, office_admin, people, db):
    members = await people(2, party_member=True)
    others = await people(1)
    unreachable = (await people(1, party_member=True))[0]
    async with db.transaction() as tx:
        await retiree_store.mark_unreachable(tx, unreachable.retiree_id, reason="blocked", now=datetime.now(UTC))
    activity, told = await services.activities.do_create(
        office_admin, party_day(audience=Audience(kind="party_members")), notify=True)
    assert told == 2
    rows = await db.fetch_all("SELECT chat_id, priority, text, keyboard FROM outbox WHERE source = ?",
                              (f"activity:{activity.id}",))
    assert sorted(r["chat_id"] for r in rows) == sorted(m.user_id for m in members)
    assert {r["priority"] for r in rows} == {2}
    assert rows[0]["text"].startswith("新活动：【主题党日】十二月主题党日")
    assert f"act:view:{activity.id}" in rows[0]["keyboard"]
    assert others[0].user_id not in [r["chat_id"] for r in rows]


# ---- reminders and attendance ------------------------------------------------------------------------------


async def test_reminders_go_the_evening_before_and_two_hours_before_once_each(services, office_admin, people,
                                                                             clock, db):
    a, b = await people(2)
    activity = await publish(services, office_admin)
    for person in (a, b):
        await person.press(f"act:join:{activity.id}")
    await b.press(f"act:quit:{activity.id}")
    clock.set(FRIDAY_18 - timedelta(seconds=1))
    assert await services.activities.do_send_reminders() == 0
    clock.set(FRIDAY_18)
    assert await services.activities.do_send_reminders() == 1
    code = (await a.registration(activity.id)).code
    assert (await a.last())["text"] == (f"提醒您：明天9:00有活动「十二月主题党日」，地点：老干部活动中心三楼。\n"
                                        f"签到码：{code}。去不了的话，请点「取消报名」。")
    assert await services.activities.do_send_reminders() == 0  # never twice
    clock.set(SATURDAY_9 - timedelta(hours=2))
    assert await services.activities.do_send_reminders() == 1
    assert (await a.last())["text"].startswith("提醒您：「十二月主题党日」两小时后（9:00）开始")
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE chat_id = ? AND text LIKE '提醒您%'",
                                (b.user_id,)) == 0


async def test_no_reminder_for_a_time_already_past_at_signup(services, office_admin, people, clock, db):
    [zhang] = await people(1)
    activity = await publish(services, office_admin)
    clock.set(FRIDAY_18 + timedelta(hours=1))
    await services.activities.do_update(office_admin, activity.id, {"signup_deadline": SATURDAY_9})
    await zhang.press(f"act:join:{activity.id}")
    kinds = [r["kind"] for r in await db.fetch_all("SELECT kind FROM activity_reminders")]
    assert kinds == ["soon"]


async def test_a_reminder_due_while_down_is_sent_late_only_before_the_start(services, office_admin, people, clock):
    [zhang] = await people(1)
    activity = await publish(services, office_admin)
    await zhang.press(f"act:join:{activity.id}")
    clock.set(SATURDAY_9 + timedelta(minutes=5))  # the process was down through both reminder times
    assert await services.activities.do_send_reminders() == 0
    assert (await zhang.last())["text"].startswith("报名成功")  # no reminder after it


async def test_reminders_survive_a_restart_and_are_not_repeated(services, office_admin, people, clock, settings,
                                                                 db_path):
    [zhang] = await people(1)
    activity = await publish(services, office_admin)
    await zhang.press(f"act:join:{activity.id}")
    clock.set(FRIDAY_18 + timedelta(minutes=3))
    other = await Database.connect(db_path)  # a new process: nothing in memory carries over
    try:
        restarted = build_services(settings, other, clock)
        assert await restarted.activities.do_send_reminders() == 1
        assert await restarted.activities.do_send_reminders() == 0
    finally:
        await other.close()
    assert await services.activities.do_send_reminders() == 0


async def test_check_in_by_code_or_id_and_no_shows_after_the_end(services, office_admin, people, clock):
    a, b, c = await people(3)
    activity = await publish(services, office_admin)
    for person in (a, b, c):
        await person.press(f"act:join:{activity.id}")
    code = (await a.registration(activity.id)).code
    clock.set(SATURDAY_9)
    registration, already = await services.activities.do_checkin(office_admin, activity.id, retiree_id=None, code=code)
    assert (registration.retiree_id, registration.attendance, already) == (a.retiree_id, "attended", False)
    _, already = await services.activities.do_checkin(office_admin, activity.id, retiree_id=a.retiree_id, code=None)
    assert already
    with pytest.raises(Conflict):  # c is waiting, not confirmed
        await services.activities.do_checkin(office_admin, activity.id, retiree_id=c.retiree_id, code=None)
    with pytest.raises(NotFound):
        await services.activities.do_checkin(office_admin, activity.id, retiree_id=None, code="0000")
    clock.set(activity.ends_at)
    assert await services.activities.do_record_no_shows() == 1
    assert await services.activities.do_record_no_shows() == 0
    assert (await a.registration(activity.id)).attendance == "attended"
    assert (await b.registration(activity.id)).attendance == "no_show"
    assert (await c.registration(activity.id)).attendance is None


# ---- races: one transaction decides -------------------------------------------------------------------------


async def test_many_at_once_never_exceed_capacity_and_wait_in_arrival_order(services, office_admin, people):
    crowd = await people(40)
    activity = await publish(services, office_admin, capacity=10)
    await asyncio.gather(*(p.press(f"act:join:{activity.id}") for p in crowd),
                         *(p.press(f"act:join:{activity.id}") for p in crowd[:10]))  # some tap twice
    registrations = await activity_store.registrations(services.core.db, activity.id)
    assert len(registrations) == 40 and len({r.retiree_id for r in registrations}) == 40
    assert sum(r.status == "confirmed" for r in registrations) == 10
    waiting = [r for r in registrations if r.status == "waiting"]
    assert [r.seq for r in waiting] == sorted(r.seq for r in waiting) and len(waiting) == 30
    assert len({r.code for r in registrations}) == 40


async def test_two_processes_racing_still_respect_capacity(services, office_admin, people, settings, db_path, clock):
    crowd = await people(30)
    activity = await publish(services, office_admin, capacity=7)
    other_db = await Database.connect(db_path)
    try:
        other = build_services(settings, other_db, clock)
        presses = []
        for i, person in enumerate(crowd):
            conversation = (services if i % 2 else other).conversation
            presses.append(conversation.do_press(person.events.next(), f"act:join:{activity.id}"))
        await asyncio.gather(*presses)
    finally:
        await other_db.close()
    counts = await services.core.db.fetch_all(
        "SELECT status, count(*) AS n FROM activity_registrations GROUP BY status ORDER BY status")
    assert {r["status"]: r["n"] for r in counts} == {"confirmed": 7, "waiting": 23}


async def test_cancellations_joins_and_capacity_changes_racing_keep_the_invariants(services, office_admin, people):
    crowd = await people(30)
    activity = await publish(services, office_admin, capacity=5)
    for person in crowd[:15]:
        await person.press(f"act:join:{activity.id}")
    await asyncio.gather(
        *(p.press(f"act:quit:{activity.id}") for p in crowd[:8]),  # confirmed and waiting leave
        *(p.press(f"act:join:{activity.id}") for p in crowd[15:]),
        services.activities.do_update(office_admin, activity.id, {"capacity": 9}),
    )
    after = await services.activities.get(activity.id)
    registrations = await activity_store.registrations(services.core.db, activity.id)
    confirmed = [r for r in registrations if r.status == "confirmed"]
    waiting = [r for r in registrations if r.status == "waiting"]
    assert len(confirmed) == after.capacity == 9  # full: 22 still want to come
    assert len(waiting) == 22 - 9
    # no one waiting arrived before someone who got a seat by promotion or by arrival
    assert max(r.seq for r in confirmed) < min(r.seq for r in waiting)


# ---- small parts --------------------------------------------------------------------------------------------


async def bound_crowd(db, clock, count: int, liaison_id: int | None = None) -> list[int]:
    """`count` retirees verified in the chat (user and chat id 500000 + their id), in a few statements."""
    async with db.transaction() as tx:
        ids = await retiree_store.insert_records(
            tx, [RetireeFields(name=f"老同志{n}", liaison_id=liaison_id) for n in range(count)], now=clock.now())
        await tx.executemany("UPDATE retirees SET telegram_user_id = :u, telegram_chat_id = :u WHERE id = :id",
                             [{"u": 500000 + i, "id": i} for i in ids])
    return ids


def arrival_permutation(activity_id: int, seq: int) -> str:
    """How codes were made before issue 13: anyone who knew one code and its arrival number could
    work out everyone else's."""
    return str(1000 + (seq * 4973 + activity_id * 7919) % 9000)


async def test_check_in_codes_are_random_and_unique_across_2000_sign_ups(services, office_admin, liaison, db, clock):
    activity = await publish(services, office_admin, capacity=2000)
    for retiree_id in await bound_crowd(db, clock, 2000):
        await services.conversation.do_press(
            Events(user_id=500000 + retiree_id, start=retiree_id * 10).next(), f"act:join:{activity.id}")
    registrations = await activity_store.registrations(db, activity.id)
    codes = [r.code for r in registrations]  # in arrival order
    assert len(codes) == 2000 and len(set(codes)) == 2000
    assert all(len(c) == 4 and c.isdigit() for c in codes)
    # not the arrival number's permutation (it matched all 2000; chance alone matches ~0.2)
    assert sum(r.code == arrival_permutation(activity.id, r.seq) for r in registrations) < 10
    # nor any fixed step from one sign-up to the next
    assert len({(int(b) - int(a)) % 9000 for a, b in pairwise(codes)}) > 1000
    told = await db.fetch_value("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1",
                                (500000 + registrations[-1].retiree_id,))
    assert f"签到码：{codes[-1]}" in told


async def test_past_5000_registrations_a_code_has_six_digits(services, office_admin, people, db, clock):
    [zhang] = await people(1)
    activity = await publish(services, office_admin, capacity=10_000)
    async with db.transaction() as tx:
        ids = await retiree_store.insert_records(tx, [RetireeFields(name=f"老同志{n}") for n in range(5000)],
                                                 now=clock.now())
        await tx.executemany(
            "INSERT INTO activity_registrations (activity_id, retiree_id, status, seq, code, created_at, updated_at)"
            " VALUES (:a, :r, 'confirmed', :seq, :code, :now, :now)",
            [{"a": activity.id, "r": rid, "seq": n, "code": str(1_000_000 + n), "now": "2026-11-23T01:30:00Z"}
             for n, rid in enumerate(ids, start=1)])
    assert await zhang.press(f"act:join:{activity.id}") == "报名成功"
    code = (await zhang.registration(activity.id)).code
    assert len(code) == 6 and code.isdigit() and f"签到码：{code}" in (await zhang.last())["text"]


def test_the_evening_reminder_is_18_00_the_day_before_local_time(clock):
    times = dict(reminder_times(party_day(), clock.tz))
    assert times["eve"] == FRIDAY_18 and times["soon"] == SATURDAY_9 - timedelta(hours=2)


async def test_the_audience_in_sql_and_in_python_agree(db, clock, liaison):
    from datetime import date

    other = await add_liaison(db, clock, username="liqiang", name="李强", phone=None)
    ids = [
        await add_bound_retiree(db, clock, 9001, party_member=True, liaison_id=liaison),
        await add_bound_retiree(db, clock, 9002, tags=("独居",), liaison_id=other),
        await add_bound_retiree(db, clock, 9003, birth_date=date(1940, 1, 1), liaison_id=other),  # 高龄
        await add_bound_retiree(db, clock, 9004, birth_date=date(1960, 1, 1), tags=("患病",)),
    ]
    records = [await retiree_store.get_record(db, i) for i in ids]
    for audience in (Audience(), Audience(kind="party_members"), Audience(kind="tags", tags=("独居", "高龄")),
                     Audience(kind="tags", tags=("患病",)), Audience(kind="liaisons", liaison_ids=(other,))):
        in_sql = {rid for rid, _ in await audiences.reachable_chats(db, audience, date(1946, 11, 23))}
        in_python = {r.id for r in records if audience.includes(r, clock.today())}
        assert in_sql == in_python, audience
        for owner in (liaison, other):  # a liaison's activity: the same audience within their own retirees
            activity = Activity(**party_day(audience=audience).model_dump(), id=1, status="published",
                                created_by_liaison=owner, created_at=SATURDAY_9, updated_at=SATURDAY_9)
            in_sql = {rid for rid, _ in await audiences.reachable_chats(db, audience, date(1946, 11, 23),
                                                                        liaison=owner)}
            in_python = {r.id for r in records if activity.offered_to(r, clock.today())}
            assert in_sql == in_python and all(r.liaison_id == owner for r in records if r.id in in_sql), audience
