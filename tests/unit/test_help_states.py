"""Every change of a help request's state is told: staff closing and reopening reach the retiree,
each kind of SLA breach reaches staff once, and a reopened request has its clocks started again."""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import STAFF_CHAT_ID, ChatPerson, add_bound_retiree, add_liaison
from yinling import texts
from yinling.clock import to_iso
from yinling.errors import Conflict
from yinling.store import help as help_store
from yinling.store import staff as staff_store
from yinling.store.database import Database
from yinling.store.migrate import MIGRATIONS_DIR, migrate

RETIREE_USER = 777000111
LIAISON_TELEGRAM = 888000111  # 王芳's own Telegram account, for the breach warnings sent to her directly
# Normal priority, the default SLA: first response within 1 working day, resolution within 7 days.
PAST_FIRST_RESPONSE = timedelta(days=2)  # from Monday 09:30: Wednesday, one working day gone
PAST_RESOLUTION = timedelta(days=8)


@pytest.fixture
async def zhang(services, db, clock) -> ChatPerson:
    """张建国, in the chat, whose liaison 王芳 (staff #1, the office_admin actor's id) is linked."""
    liaison = await add_liaison(db, clock)
    async with db.transaction() as tx:
        await staff_store.link_telegram(tx, liaison, LIAISON_TELEGRAM)
    retiree = await add_bound_retiree(db, clock, RETIREE_USER, name="张建国", liaison_id=liaison)
    return ChatPerson(services, db, RETIREE_USER, retiree)


async def ask(person: ChatPerson, words: str = "厨房水管漏水了") -> int:
    for said in ("🙋 我要求助", "房屋维修", words, texts.DONE_BUTTON, texts.NOT_URGENT_BUTTON, texts.CONFIRM_BUTTON):
        await person.say(said)
    return await person.db.fetch_value("SELECT max(id) FROM help_requests")


async def warnings(db, chat_id: int) -> list[str]:
    rows = await db.fetch_all("SELECT text FROM outbox WHERE chat_id = ? AND text LIKE '【超时】%' ORDER BY id",
                              (chat_id,))
    return [r["text"] for r in rows]


async def test_staff_closing_a_request_tells_the_retiree_in_one_sentence(services, office_admin, zhang):
    request_id = await ask(zhang)
    await services.help.do_set_status(office_admin, request_id, "closed", reason="重复提交", remind_at=None)
    told = await zhang.last()
    assert told["text"] == texts.HELP_CLOSED_BY_STAFF.format(id=request_id) and told["keyboard"] is None
    assert "重复提交" not in told["text"]  # the staff's reason is theirs


async def test_staff_reopening_a_resolved_request_tells_the_retiree(services, office_admin, zhang):
    request_id = await ask(zhang)
    await services.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None)
    await services.help.do_set_status(office_admin, request_id, "open", reason="老人来电说又漏了", remind_at=None)
    assert (await zhang.last())["text"] == texts.HELP_REOPENED_BY_STAFF.format(id=request_id)


async def test_pending_back_to_open_is_no_reopening_and_says_nothing_new(services, office_admin, zhang, db, clock):
    request_id = await ask(zhang)
    await services.help.do_set_status(office_admin, request_id, "pending", reason="等物业",
                                      remind_at=clock.now() + timedelta(days=1))
    due_before = (await help_store.get(db, request_id)).resolution_due
    said_before = len(await zhang.messages())
    await services.help.do_set_status(office_admin, request_id, "open", reason=None, remind_at=None)
    assert len(await zhang.messages()) == said_before
    assert (await help_store.get(db, request_id)).resolution_due == due_before


async def test_a_late_first_response_then_a_late_resolution_are_each_told_once(services, office_admin, zhang, db,
                                                                                clock):
    request_id = await ask(zhang)
    clock.advance(PAST_FIRST_RESPONSE)
    assert await services.help.do_notify_breaches() == 1
    assert await services.help.do_notify_breaches() == 0
    [late_first] = await warnings(db, STAFF_CHAT_ID)
    assert f"#{request_id}" in late_first and texts.STAFF_OVERDUE_FIRST in late_first
    assert await warnings(db, LIAISON_TELEGRAM) == [late_first]  # 王芳 hears it directly too

    await services.help.do_reply(office_admin, request_id, "明天上午师傅上门")  # late, but answered
    clock.advance(PAST_RESOLUTION - PAST_FIRST_RESPONSE)
    assert await services.help.do_notify_breaches() == 1
    assert await services.help.do_notify_breaches() == 0  # and not again on the next tick
    group = await warnings(db, STAFF_CHAT_ID)
    assert len(group) == 2 and texts.STAFF_OVERDUE_RESOLVE + "已超过时限" in group[1] and f"#{request_id}" in group[1]
    assert await warnings(db, LIAISON_TELEGRAM) == group
    kinds = [e.detail.get("kind") for e in await help_store.events(db, request_id) if e.kind == "sla_breached"]
    assert kinds == ["first_response", "resolution"]


async def test_both_breaches_found_on_one_tick_are_both_told(services, zhang, db, clock):
    await ask(zhang)
    clock.advance(PAST_RESOLUTION)  # nothing ran in between (the bot was down)
    assert await services.help.do_notify_breaches() == 2
    assert await services.help.do_notify_breaches() == 0
    first, resolution = await warnings(db, STAFF_CHAT_ID)
    assert texts.STAFF_OVERDUE_FIRST in first and texts.STAFF_OVERDUE_RESOLVE + "已" in resolution


async def test_an_answered_request_is_never_warned_about_its_first_response(services, office_admin, zhang, clock):
    request_id = await ask(zhang)
    await services.help.do_reply(office_admin, request_id, "收到，马上安排")
    clock.advance(PAST_FIRST_RESPONSE)
    assert await services.help.do_notify_breaches() == 0


async def test_staff_reopening_starts_the_clocks_again_and_a_later_breach_is_told_again(
    services, office_admin, zhang, db, clock
):
    request_id = await ask(zhang)
    await services.help.do_reply(office_admin, request_id, "明天上午师傅上门")
    answered = await help_store.get(db, request_id)
    clock.advance(PAST_RESOLUTION)
    assert await services.help.do_notify_breaches() == 1  # the resolution is late
    await services.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None)
    clock.advance(timedelta(days=1))
    await services.help.do_set_status(office_admin, request_id, "open", reason=None, remind_at=None)

    reopened = await help_store.get(db, request_id)
    assert reopened.status == "open" and reopened.resolution_due == clock.now() + timedelta(days=7)
    assert reopened.first_response_due == answered.first_response_due  # answered: its history stays
    assert await services.help.do_notify_breaches() == 0  # not overdue the moment it reopens
    clock.advance(PAST_RESOLUTION)
    assert await services.help.do_notify_breaches() == 1  # late again: told again
    assert texts.STAFF_OVERDUE_RESOLVE + "已" in (await warnings(db, STAFF_CHAT_ID))[-1]


async def test_a_request_closed_unanswered_and_reopened_gets_a_new_first_response_due(
    services, office_admin, zhang, db, clock
):
    request_id = await ask(zhang)
    await services.help.do_set_status(office_admin, request_id, "closed", reason=None, remind_at=None)
    clock.advance(timedelta(days=10))
    await services.help.do_set_status(office_admin, request_id, "open", reason=None, remind_at=None)
    reopened = await help_store.get(db, request_id)
    assert reopened.first_response_at is None and reopened.first_response_due > clock.now()
    assert await services.help.do_notify_breaches() == 0
    clock.advance(PAST_FIRST_RESPONSE)
    assert await services.help.do_notify_breaches() == 1
    assert texts.STAFF_OVERDUE_FIRST in (await warnings(db, STAFF_CHAT_ID))[-1]


async def test_the_retiree_saying_not_solved_starts_the_clocks_again(services, office_admin, zhang, db, clock):
    request_id = await ask(zhang)
    await services.help.do_reply(office_admin, request_id, "已经修好了")
    clock.advance(PAST_RESOLUTION)
    assert await services.help.do_notify_breaches() == 1
    await services.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None)
    await zhang.press(f"help:unsolved:{request_id}")
    reopened = await help_store.get(db, request_id)
    assert reopened.status == "open" and reopened.resolution_due == clock.now() + timedelta(days=7)
    clock.advance(PAST_RESOLUTION)
    assert await services.help.do_notify_breaches() == 1


async def test_words_soon_after_a_resolution_reopen_it_with_new_due_times(services, office_admin, zhang, db, clock):
    request_id = await ask(zhang)
    await services.help.do_reply(office_admin, request_id, "已经修好了")
    clock.advance(PAST_RESOLUTION)
    assert await services.help.do_notify_breaches() == 1
    await services.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None)
    clock.advance(timedelta(days=2))
    await zhang.say("水管又开始漏了")  # within REOPEN_WITHIN: it belongs to the request
    reopened = await help_store.get(db, request_id)
    assert reopened.status == "open" and reopened.resolution_due == clock.now() + timedelta(days=7)
    clock.advance(PAST_RESOLUTION)
    assert await services.help.do_notify_breaches() == 1


async def test_a_merged_request_is_not_reopened(services, office_admin, zhang):
    first = await ask(zhang, "厨房水管漏水了")
    again = await ask(zhang, "还是水管的事")
    await services.help.do_merge(office_admin, again, into=first)
    with pytest.raises(Conflict):
        await services.help.do_set_status(office_admin, again, "open", reason=None, remind_at=None)


async def test_the_migration_splits_the_old_flag_by_which_breach_it_most_likely_told(tmp_path: Path, clock):
    """Before 0011 one flag stood for both breaches; after it, each told breach keeps its own flag."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if path.name < "0011":
            shutil.copy(path, folder)
    db = await Database.connect(tmp_path / "old.db")
    try:
        await migrate(db, folder)
        now = clock.now()
        at = {name: to_iso(now + timedelta(hours=hours)) for name, hours in
              (("created", 0), ("due", 24), ("before_due", 2), ("after_due", 30), ("resolve_due", 168))}
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO retirees (name, created_at, updated_at) VALUES ('张建国', :c, :c)",
                             {"c": at["created"]})
            # (first_response_at, breach_notified): never answered / answered late / in time / never told
            for answered, flag in ((None, 1), (at["after_due"], 1), (at["before_due"], 1), (None, 0)):
                await tx.execute(
                    "INSERT INTO help_requests (retiree_id, category, priority, status, created_at, updated_at,"
                    " first_response_at, first_response_due, resolution_due, breach_notified)"
                    " VALUES (1, '其他', 'normal', 'open', :c, :c, :a, :d, :r, :f)",
                    {"c": at["created"], "a": answered, "d": at["due"], "r": at["resolve_due"], "f": flag},
                )
        shutil.copy(MIGRATIONS_DIR / "0011_help_breaches.sql", folder)
        await migrate(db, folder)
        rows = await db.fetch_all(
            "SELECT first_breach_notified, resolve_breach_notified FROM help_requests ORDER BY id")
        assert [tuple(r) for r in rows] == [(1, 0), (1, 0), (0, 1), (0, 0)]
        columns = {r["name"] for r in await db.fetch_all("PRAGMA table_xinfo(help_requests)")}
        assert "breach_notified" not in columns and "priority_rank" in columns  # the queue's sort column stays
        indexes = {r["name"] for r in await db.fetch_all("PRAGMA index_list(help_requests)")}
        assert {"help_requests_status", "help_requests_status_rank"} <= indexes
    finally:
        await db.close()
