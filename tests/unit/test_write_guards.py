"""A check that decides a write is read inside that write's transaction (DESIGN.md).

Each test races two writers the way two processes do: the first runs until it has made its change
inside its transaction and holds the write lock there; the second, in another process (its own
`Database` on the same file), starts and gets as far as waiting for the write lock; only then does
the first commit. The second must then decide on the first's result, never on what it read before
the lock was its own."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.factories import ChatPerson, add_bound_retiree, add_liaison
from tests.unit.test_activities import FRIDAY_18, party_day
from yinling import texts
from yinling.errors import Conflict, NotFound
from yinling.models import Actor, Inbound, Staff
from yinling.services import build_services
from yinling.store import activities as activity_store
from yinling.store import help as help_store
from yinling.store import inbox as inbox_store
from yinling.store import retirees as retiree_store
from yinling.store.database import Database

RETIREE_USER = 777000222
HOLD_SECONDS = 5  # only ever reached when a step never happens (a hung test fails instead)


@pytest.fixture
async def rival(settings, db_path, clock):
    """Another process on the same database file: its own connections and services."""
    other_db = await Database.connect(db_path)
    yield build_services(settings, other_db, clock)
    await other_db.close()


@pytest.fixture
async def liaison_id(db, clock) -> int:
    return await add_liaison(db, clock)  # staff #1 王芳 (office_admin acts with the same id)


@pytest.fixture
def liaison(liaison_id) -> Actor:
    return Actor(staff=Staff(id=liaison_id, username="wangfang", display_name="王芳", role="liaison"), ip="127.0.0.1")


@pytest.fixture
async def zhang(services, db, clock, liaison_id) -> ChatPerson:
    retiree = await add_bound_retiree(db, clock, RETIREE_USER, name="张建国", liaison_id=liaison_id)
    return ChatPerson(services, db, RETIREE_USER, retiree)


async def race(monkeypatch, hold: tuple[Any, str], first: Callable[[], Awaitable[Any]],
               second: Callable[[], Awaitable[Any]], rival_db: Database) -> list[Any]:
    """`first` runs until its first call of `hold` (a store function, called inside its transaction)
    has returned; it waits there, holding the write lock. `second` then runs until it asks
    `rival_db` for the write lock (whatever it reads before that, it has read). Then `first` goes
    on and commits. Returns each one's result, or the exception it raised."""
    module, name = hold
    original = getattr(module, name)
    inside, go_on, waiting = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def holding(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        if not inside.is_set():
            inside.set()
            await go_on.wait()
        return result

    begin = rival_db._begin

    async def begin_after_telling() -> None:
        waiting.set()
        await begin()

    monkeypatch.setattr(module, name, holding)
    monkeypatch.setattr(rival_db, "_begin", begin_after_telling)
    first_task = asyncio.create_task(first())
    await asyncio.wait_for(inside.wait(), HOLD_SECONDS)
    second_task = asyncio.create_task(second())
    await asyncio.wait_for(waiting.wait(), HOLD_SECONDS)
    go_on.set()
    return await asyncio.gather(first_task, second_task, return_exceptions=True)


async def ask_help(person: ChatPerson) -> int:
    for said in ("🙋 我要求助", "房屋维修", "厨房水管漏水了", texts.DONE_BUTTON, texts.NOT_URGENT_BUTTON,
                 texts.CONFIRM_BUTTON):
        await person.say(said)
    return await person.db.fetch_value("SELECT max(id) FROM help_requests")


async def status_changes(db: Database, request_id: int) -> list[tuple[str, str]]:
    rows = await db.fetch_all("SELECT kind, detail FROM help_events WHERE request_id = ? ORDER BY id", (request_id,))
    return [(r["kind"], json.loads(r["detail"])["from"]) for r in rows
            if r["kind"] in ("open", "pending", "resolved", "closed")]


async def told(person: ChatPerson, text: str) -> int:
    return sum(m["text"] == text for m in await person.messages())


# ---- help requests ----------------------------------------------------------------------------------------


async def test_two_staff_resolving_and_closing_a_new_request_at_once_record_one_change_from_new(
        services, rival, office_admin, zhang, monkeypatch):
    request_id = await ask_help(zhang)
    first, second = await race(
        monkeypatch, (help_store, "add_event"),
        lambda: services.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None),
        lambda: rival.help.do_set_status(office_admin, request_id, "closed", reason="重复", remind_at=None),
        rival.core.db)
    assert first is None and second is None
    # the close was decided on the resolution, not on the "new" read before it
    assert await status_changes(services.core.db, request_id) == [("resolved", "new"), ("closed", "resolved")]
    assert (await help_store.get(services.core.db, request_id)).status == "closed"


async def test_two_staff_resolving_one_request_at_once_the_second_is_refused(
        services, rival, office_admin, zhang, monkeypatch):
    request_id = await ask_help(zhang)
    first, second = await race(
        monkeypatch, (help_store, "add_event"),
        lambda: services.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None),
        lambda: rival.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None),
        rival.core.db)
    assert first is None and isinstance(second, Conflict)
    assert await status_changes(services.core.db, request_id) == [("resolved", "new")]
    assert await told(zhang, texts.HELP_RESOLVED.format(id=request_id)) == 1  # asked 解决了吗 once


async def test_two_staff_claiming_a_new_request_at_once_tell_the_retiree_once(
        services, rival, office_admin, liaison, zhang, monkeypatch):
    request_id = await ask_help(zhang)
    first, second = await race(
        monkeypatch, (help_store, "add_event"),
        lambda: services.help.do_claim(office_admin, request_id),
        lambda: rival.help.do_claim(liaison, request_id),
        rival.core.db)
    assert first is None and second is None
    accepted_start = texts.HELP_ACCEPTED.split("{staff}")[0].format(id=request_id)
    accepted = [m["text"] for m in await zhang.messages() if m["text"].startswith(accepted_start)]
    assert len(accepted) == 1  # the second claim found it open already: reassigned, no second 已受理


async def test_a_pending_request_resolved_while_its_reminder_is_due_is_not_reminded_about(
        services, rival, office_admin, zhang, clock, monkeypatch):
    request_id = await ask_help(zhang)
    await services.help.do_set_status(office_admin, request_id, "pending", reason="等物业",
                                      remind_at=clock.now() + timedelta(hours=1))
    clock.advance(timedelta(hours=2))
    first, second = await race(
        monkeypatch, (help_store, "add_event"),
        lambda: services.help.do_set_status(office_admin, request_id, "resolved", reason=None, remind_at=None),
        rival.help.do_remind_pending,
        rival.core.db)
    assert first is None and second == 0
    events = await help_store.events(services.core.db, request_id)
    assert "reminded" not in [e.kind for e in events]


# ---- activities ---------------------------------------------------------------------------------------------


async def signed_up(services, office_admin, zhang, **overrides):
    activity, _ = await services.activities.do_create(office_admin, party_day(**overrides), notify=False)
    await zhang.press(f"act:join:{activity.id}")
    assert (await activity_store.registration(services.core.db, activity.id, zhang.retiree_id)).status == "confirmed"
    return activity


async def test_an_activity_cancelled_while_a_patch_raises_its_capacity_refuses_the_patch(
        services, rival, office_admin, zhang, monkeypatch):
    activity = await signed_up(services, office_admin, zhang)
    first, second = await race(
        monkeypatch, (activity_store, "mark_cancelled"),
        lambda: services.activities.do_cancel(office_admin, activity.id, "天气原因"),
        lambda: rival.activities.do_update(office_admin, activity.id, {"capacity": 30}),
        rival.core.db)
    assert first.status == "cancelled" and isinstance(second, Conflict)
    after = await services.activities.get(activity.id)
    assert (after.status, after.capacity) == ("cancelled", activity.capacity)


async def test_two_patches_at_once_keep_both_changes(services, rival, office_admin, zhang, monkeypatch):
    activity = await signed_up(services, office_admin, zhang)
    first, second = await race(
        monkeypatch, (activity_store, "replace_fields"),
        lambda: services.activities.do_update(office_admin, activity.id, {"place": "老干部活动中心一楼"}),
        lambda: rival.activities.do_update(office_admin, activity.id, {"capacity": 30}),
        rival.core.db)
    assert first.place == "老干部活动中心一楼" and second.capacity == 30
    after = await services.activities.get(activity.id)
    assert (after.place, after.capacity) == ("老干部活动中心一楼", 30)  # the second merged into the first's


async def test_two_staff_cancelling_one_activity_at_once_tell_the_registered_once(
        services, rival, office_admin, zhang, monkeypatch):
    activity = await signed_up(services, office_admin, zhang)
    first, second = await race(
        monkeypatch, (activity_store, "mark_cancelled"),
        lambda: services.activities.do_cancel(office_admin, activity.id, "天气原因"),
        lambda: rival.activities.do_cancel(office_admin, activity.id, "场地维修"),
        rival.core.db)
    assert first.status == "cancelled" and isinstance(second, Conflict)
    cancelled_start = texts.ACT_CANCELLED_BY_OFFICE.split("{when}")[0].format(title=activity.title)
    cancelled = [m for m in await zhang.messages() if m["text"].startswith(cancelled_start)]
    assert len(cancelled) == 1


async def test_a_reminder_due_as_the_activity_is_cancelled_is_not_sent(
        services, rival, office_admin, zhang, clock, monkeypatch):
    activity = await signed_up(services, office_admin, zhang)
    clock.set(FRIDAY_18 + timedelta(minutes=3))  # the evening-before reminder is due
    first, second = await race(
        monkeypatch, (activity_store, "mark_cancelled"),
        lambda: services.activities.do_cancel(office_admin, activity.id, "天气原因"),
        rival.activities.do_send_reminders,
        rival.core.db)
    assert first.status == "cancelled" and second == 0


async def test_a_place_given_up_as_staff_check_it_in_is_not_checked_in(
        services, rival, office_admin, zhang, monkeypatch):
    activity = await signed_up(services, office_admin, zhang)
    _, second = await race(
        monkeypatch, (activity_store, "update_registration"),
        lambda: zhang.press(f"act:quit:{activity.id}"),
        lambda: rival.activities.do_checkin(office_admin, activity.id, retiree_id=zhang.retiree_id, code=None),
        rival.core.db)
    assert isinstance(second, Conflict)
    mine = await activity_store.registration(services.core.db, activity.id, zhang.retiree_id)
    assert (mine.status, mine.attendance) == ("cancelled", None)


# ---- the roster and the inbox --------------------------------------------------------------------------------


async def test_two_staff_editing_one_file_at_once_keep_both_changes(
        services, rival, office_admin, zhang, monkeypatch):
    await race(
        monkeypatch, (retiree_store, "update_record"),
        lambda: services.roster.do_update(office_admin, zhang.retiree_id, {"address": "城关区民主西路 12 号"}),
        lambda: rival.roster.do_update(office_admin, zhang.retiree_id, {"hobbies": "书法、门球"}),
        rival.core.db)
    record = await retiree_store.get_record(services.core.db, zhang.retiree_id)
    assert (record.address, record.hobbies) == ("城关区民主西路 12 号", "书法、门球")


async def test_a_liaison_cannot_handle_a_message_of_a_retiree_just_moved_to_another(
        services, rival, office_admin, liaison, zhang, db, clock, monkeypatch):
    other_liaison = await add_liaison(db, clock, username="lisi", name="李四", phone=None)
    async with db.transaction() as tx:
        message_id = await inbox_store.insert_message(
            tx, retiree_id=zhang.retiree_id, chat_id=RETIREE_USER, inbound=Inbound(kind="text", text="家里停电了"),
            origin="kept", now=clock.now())
    _, second = await race(
        monkeypatch, (retiree_store, "update_record"),
        lambda: services.roster.do_update(office_admin, zhang.retiree_id, {"liaison_id": other_liaison}),
        lambda: rival.inbox.do_mark_handled(liaison, message_id),
        rival.core.db)
    assert isinstance(second, NotFound)  # as if it did not exist: it is 李四's now
    assert (await inbox_store.message(db, message_id)).handled_at is None
