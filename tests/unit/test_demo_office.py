"""The demo office a newcomer opens (`yinling demo`): two weeks of work in it, so every console page
has something to show; the banner names the console and the logins; a restart keeps the office and
does not play its story again.

Each office is made at a fixed moment (a weekday, a Saturday evening, a Sunday just after midnight in
the National Day holiday): the story's dates move with today, and every state must be there whatever
today is."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from serve.demo import DemoDatabase, banner, prepare_demo_database
from yinling.clock import FakeClock
from yinling.config import Settings
from yinling.demo_roster import DEMO_CHAT_USERS, DEMO_STAFF
from yinling.models import Actor, HelpFilter, IdeaFilter, RosterFilter
from yinling.services import Services, build_services
from yinling.store import staff as staff_store
from yinling.store.database import Database

TZ = ZoneInfo("Asia/Shanghai")
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 30, tzinfo=TZ)
SATURDAY_EVENING = datetime(2026, 12, 5, 19, 0, tzinfo=TZ)
HOLIDAY_MIDNIGHT = datetime(2026, 10, 4, 0, 20, tzinfo=TZ)  # a Sunday in the National Day holiday
SUNDAY_AFTERNOON = datetime(2026, 11, 29, 15, 0, tzinfo=TZ)  # this weekend is over: the next one


async def make_office(path: Path, moment: datetime, **options) -> DemoDatabase:
    return await prepare_demo_database(path, FakeClock(TZ, moment), settings=Settings(_env_file=None, db=path),
                                       **options)


class Office:
    """The office's database read through the services, at `moment`, as staff see it."""

    def __init__(self, db: Database, moment: datetime) -> None:
        self.db = db
        self.services: Services = build_services(Settings(_env_file=None, db=Path("unused.db")), db,
                                                 FakeClock(TZ, moment))

    async def actor(self, username: str) -> Actor:
        staff = await staff_store.get_by_username(self.db, username)
        assert staff is not None
        return Actor(staff=staff)

    async def requests(self, username: str = "admin"):
        items, _, _ = await self.services.help.queue(await self.actor(username), HelpFilter(), sort="newest",
                                                     page=1, per_page=100)
        return items

    async def ideas(self):
        ideas, _ = await self.services.ideas.page(await self.actor("admin"), IdeaFilter(), page=1, per_page=100)
        return ideas


@pytest.fixture
async def office_at(tmp_path):
    opened: list[Database] = []

    async def make(moment: datetime) -> tuple[DemoDatabase, Office]:
        path = tmp_path / f"demo-{len(opened)}.db"
        made = await make_office(path, moment)
        db = await Database.connect(path)
        opened.append(db)
        return made, Office(db, moment)

    yield make
    for db in opened:
        await db.close()


@pytest.mark.parametrize("moment", [WEDNESDAY_MORNING, SATURDAY_EVENING, HOLIDAY_MIDNIGHT])
async def test_every_help_state_is_there_with_one_urgent_and_one_overdue(office_at, moment):
    _, office = await office_at(moment)
    requests = await office.requests()
    assert {r.status for r in requests} == {"new", "open", "pending", "resolved", "closed"}
    urgent = [r for r in requests if r.priority == "urgent"]
    assert [(r.retiree_name, r.status) for r in urgent] == [("杨振华", "new")]
    overdue = [r for r in requests if office.services.help.is_overdue(r)]
    assert [r.retiree_name for r in overdue] == ["黄玉梅"]
    assert {r.liaison_id for r in requests} >= {(await office.actor(u)).staff.id for u in ("wangfang", "liqiang")}
    assert any(r.assignee_id is None for r in requests if r.status == "new")  # 高文彬 has no liaison

    # staff replies and a private note, in the threads staff read
    huang = next(r for r in requests if r.retiree_name == "黄玉梅")
    _, thread, _ = await office.services.help.detail(await office.actor("wangfang"), huang.id)
    assert [m.author for m in thread] == ["retiree", "retiree", "staff", "note", "note"]
    assert "物业" in thread[2].text


@pytest.mark.parametrize("moment", [WEDNESDAY_MORNING, SATURDAY_EVENING, HOLIDAY_MIDNIGHT, SUNDAY_AFTERNOON])
async def test_three_activities_past_this_weekend_and_next_week_full_with_a_waiting_list(office_at, moment):
    _, office = await office_at(moment)
    activities = office.services.activities
    coming, total = await activities.page(when="upcoming", kind=None, page=1, per_page=10)
    past, _ = await activities.page(when="past", kind=None, page=1, per_page=10)
    assert total == 2 and len(past) == 1
    weekend = next(a for a in coming if "书画" in a.title)
    next_week = next(a for a in coming if "智能手机" in a.title)
    local = weekend.starts_at.astimezone(TZ)
    assert local.weekday() in (5, 6) and 0 <= (local.date() - moment.date()).days <= 6
    this_monday = moment.date() - timedelta(days=moment.weekday())
    assert next_week.starts_at.astimezone(TZ).date() == this_monday + timedelta(days=8)  # next week's Tuesday
    assert weekend.confirmed > 0 and weekend.open_seats > 0
    assert (next_week.confirmed, next_week.waiting, next_week.open_seats) == (6, 2, 0)

    _, registrations, _, _ = await activities.registrations(await office.actor("admin"), past[0].id)
    attendance = Counter(r.attendance for r in registrations)
    assert attendance == {"attended": 7, "no_show": 1}


@pytest.mark.parametrize("moment", [WEDNESDAY_MORNING, HOLIDAY_MIDNIGHT])
async def test_ideas_in_every_review_state_messages_and_notices(office_at, moment):
    _, office = await office_at(moment)
    ideas = await office.ideas()
    assert Counter(i.status for i in ideas) == {"submitted": 1, "reviewing": 1, "adopted": 1, "noted": 1,
                                                 "implemented": 1}
    adopted = next(i for i in ideas if i.status == "adopted")
    assert adopted.reply and "采纳" in adopted.reply

    items, waiting, counts = await office.services.inbox.queue(await office.actor("admin"), "all", page=1,
                                                               per_page=100)
    messages = [i for i in items if i.kind == "message"]
    assert len(messages) == 3 and counts["messages"] == 3
    assert {i.retiree_name for i in messages} == {"黄玉梅", "吴秀兰", "高文彬"}
    assert waiting == len(items) and counts["urgent"] >= 1

    admin = await office.actor("admin")
    notices, _ = await office.services.broadcasts.page(admin, page=1, per_page=10)
    assert sorted(n.status for n in notices) == ["done", "done", "scheduled"]
    scheduled = next(n for n in notices if n.status == "scheduled")
    assert scheduled.schedule_at is not None and scheduled.schedule_at > moment
    checkup = min((n for n in notices if n.require_ack and n.status == "done"), key=lambda n: n.id)
    report = await office.services.broadcasts.report(admin, checkup.id)
    assert report["counts"]["acknowledged"] == 8 and report["counts"]["blocked"] == 1
    assert "郭玉珍" in {u.name for u in report["unreachable"]}  # blocked the bot: to be phoned
    assert len(report["not_acknowledged"]) >= 4
    wangfang_sees, _ = await office.services.broadcasts.page(await office.actor("wangfang"), page=1, per_page=10)
    assert len(wangfang_sees) == 1  # a liaison reads her own notice

    unreachable, _ = await office.services.roster.list_retirees(
        admin, RosterFilter(reachable=False), page=1, per_page=10, fields=("id", "name"))
    assert len(unreachable) == 1


@pytest.mark.parametrize("moment", [WEDNESDAY_MORNING, HOLIDAY_MIDNIGHT])
async def test_daily_study_was_pushed_read_and_answered_and_every_chat_is_back_at_the_menu(office_at, moment):
    _, office = await office_at(moment)
    days, _ = await office.services.study.stats(since=moment.date() - timedelta(days=14), until=moment.date())
    assert len(days) >= 11 and all(d.pushed == 5 for d in days)
    read = sum(d.read_by_pushed for d in days)
    assert 0.6 * 5 * len(days) <= read < 5 * len(days)  # most days, not every day
    assert 0 < sum(d.correct for d in days) < sum(d.answered for d in days)  # mostly right, not always

    states = {row["chat_id"]: row["state"] for row in await office.db.fetch_all("SELECT chat_id, state FROM dialogs")}
    assert set(states) == set(dict(DEMO_CHAT_USERS).values())
    assert set(states.values()) == {"idle"}  # nobody was left in the middle of a step


async def test_the_same_story_every_time_only_dates_and_passwords_differ(office_at):
    first, one = await office_at(WEDNESDAY_MORNING)
    second, two = await office_at(WEDNESDAY_MORNING)

    def story(requests, ideas):
        return ([(r.retiree_name, r.category, r.status, r.summary, r.created_at) for r in requests],
                [(i.retiree_name, i.status, i.reply) for i in ideas])

    assert story(await one.requests(), await one.ideas()) == story(await two.requests(), await two.ideas())
    assert first.passwords != second.passwords


async def test_a_restart_keeps_the_office_and_does_not_play_the_story_again(tmp_path):
    path = tmp_path / "demo.db"
    made = await make_office(path, WEDNESDAY_MORNING)
    assert not made.kept and made.passwords and set(made.passwords) == {s.username for s in DEMO_STAFF}
    assert made.last_update_id and made.last_update_id > 100  # the sandbox numbers its updates past these

    async def counted() -> dict[str, int]:
        db = await Database.connect(path)
        try:
            return {table: await db.fetch_value(f"SELECT count(*) FROM {table}")
                    for table in ("staff", "retirees", "help_requests", "help_messages", "activities",
                                  "activity_registrations", "ideas", "broadcasts", "inbound_messages",
                                  "inbound_updates")}
        finally:
            await db.close()

    before = await counted()
    kept = await make_office(path, SATURDAY_EVENING)
    assert kept.kept and kept.passwords == made.passwords and kept.last_update_id == made.last_update_id
    assert await counted() == before

    again = await make_office(path, WEDNESDAY_MORNING, fresh=True)
    assert not again.kept and again.passwords != made.passwords
    assert await counted() == before  # a new office, the same story


async def test_an_office_whose_story_fails_is_not_kept_half_made(tmp_path, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("the story broke")

    monkeypatch.setattr("yinling.demo.play_story", broken)
    with pytest.raises(RuntimeError):
        await make_office(tmp_path / "demo.db", WEDNESDAY_MORNING)
    assert not (tmp_path / "demo.db").exists()


def test_the_banner_names_the_console_and_every_login():
    passwords = {"admin": "pw-admin-1", "wangfang": "pw-wang-2", "liqiang": "pw-li-3", "lileader": "pw-lead-4"}
    text = banner("http://127.0.0.1:8081", "http://127.0.0.1:8080", DemoDatabase(passwords, kept=False,
                                                                                  last_update_id=None),
                  Path("data/demo.db"), 1.5)
    lines = text.splitlines()
    assert any("http://127.0.0.1:8080/console/" in line for line in lines)
    for username, password in passwords.items():
        assert any(username in line and password in line for line in lines), username
    first = next(i for i, line in enumerate(lines) if "/console/" in line)
    assert "try first" in lines[first + 1]  # what to do first, right under the address
    assert lines.index(next(line for line in lines if "Web chat" in line)) > first  # the console comes first

    kept = banner("http://s", "http://a", DemoDatabase(None, kept=True, last_update_id=5), Path("d.db"), 0.2)
    assert "http://a/console/" in kept and all(s.username in kept for s in DEMO_STAFF)
