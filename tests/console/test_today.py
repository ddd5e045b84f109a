"""今日 in-process: the inbox's counts (linking to the inbox filtered, refreshing themselves), who the
chat cannot reach (with the phone, never for a viewer), this week's activities, notices going out."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.console.conftest import sign_in
from tests.console.test_inbox import zhang, zhao
from yinling.models import ActivityFields, Actor, BroadcastDraft
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the tests' clock starts on Monday 2026-11-23, 09:30 there


def card(page: str, key: str) -> str:
    found = re.search(rf'<a id="card-{key}"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', page, re.S)
    assert found, key
    return found.group(1) + " " + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(2))).strip()


async def admin_actor(services, office) -> Actor:
    staff = await staff_store.get(services.core.db, office.admin)
    assert staff is not None
    return Actor(staff=staff, ip="127.0.0.1")


async def test_the_counts_link_to_the_inbox_and_refresh_by_themselves(console, services, clock):
    person = await zhang(services, clock)
    await person.say("我摔倒了，起不来")
    await (await zhao(services, clock)).say("有空来一趟")  # 李强's: not in 王芳's counts
    signed = await sign_in(console, "wangfang")
    page = await (await signed.get("/console/")).text()
    assert card(page, "urgent") == "/console/inbox?filter=urgent 紧急 1 件 请先办这些"
    assert card(page, "mine") == "/console/inbox?filter=mine 我的待办 1 件"
    assert card(page, "unassigned").endswith("没人接 0 件")
    assert 'hx-get="/console/today/counts" hx-trigger="every 20s"' in page
    await person.say("还有，暖气不热")
    fragment = await (await signed.get("/console/today/counts", headers={"HX-Request": "true"})).text()
    assert "<html" not in fragment and card(fragment, "all").endswith("2 件")
    assert card(fragment, "messages") == "/console/inbox?filter=all 新留言 2 件"  # both are messages, no request yet


async def test_who_cannot_be_reached_is_listed_with_the_phone_but_never_for_a_viewer(console, services, office, db):
    async with db.transaction() as tx:
        await retiree_store.mark_unreachable(tx, office.wang_retiree, reason="blocked", now=services.core.clock.now())
    wang = await (await (await sign_in(console, "wangfang")).get("/console/")).text()
    section = wang.split('id="h-unreachable"')[1].split("</section>")[0]
    assert "张建国" in section and 'href="tel:13800000001"' in section and "王芳" in section
    li = await (await (await sign_in(console, "liqiang")).get("/console/")).text()
    assert "张建国" not in li.split('id="h-unreachable"')[1].split("</section>")[0]  # not his
    viewer = await (await (await sign_in(console, "leader")).get("/console/")).text()
    assert "有 1 位老同志在聊天里收不到消息" in viewer
    assert "13800000001" not in viewer and "张建国" not in viewer
    assert 'id="card-' not in viewer  # a viewer has no inbox


async def test_this_weeks_activities_are_shown_and_next_weeks_are_not(console, services, office):
    admin = await admin_actor(services, office)

    def on(day: int, title: str) -> ActivityFields:
        return ActivityFields(title=title, kind="座谈会", place="老干部活动中心", capacity=30,
                              starts_at=datetime(2026, 11, day, 9, 0, tzinfo=SHANGHAI),
                              ends_at=datetime(2026, 11, day, 11, 0, tzinfo=SHANGHAI),
                              signup_deadline=datetime(2026, 11, day - 1, 18, 0, tzinfo=SHANGHAI))

    await services.activities.do_create(admin, on(26, "重阳座谈会"), notify=False)
    await services.activities.do_create(admin, on(30, "下周的书法课"), notify=False)
    page = await (await (await sign_in(console, "leader")).get("/console/")).text()
    section = page.split('id="h-activities"')[1].split("</section>")[0]
    assert "重阳座谈会" in section and "11月26日 周四 上午9:00" in section and "已报 0 人 / 名额 30 人" in section
    assert "下周的书法课" not in section


async def test_a_notice_going_out_shows_its_progress_and_a_scheduled_one_its_time(console, services, clock, office, db):
    await zhang(services, clock)
    await zhao(services, clock)
    admin = await admin_actor(services, office)
    notice = await services.broadcasts.do_create(admin, BroadcastDraft(text="明天上午社区义诊，欢迎参加"))
    async with db.transaction() as tx:  # one of the two sent, as the sender would have
        await tx.execute("UPDATE outbox SET status = 'sent' WHERE id = (SELECT min(id) FROM outbox WHERE source = ?)",
                         (f"broadcast:{notice.id}",))
    later = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
    await services.broadcasts.do_create(admin, BroadcastDraft(text="周五停水通知", schedule_at=later))
    page = await (await (await sign_in(console, "admin")).get("/console/")).text()
    section = page.split('id="h-notices"')[1].split("</section>")[0]
    assert f"通知 #{notice.id}：明天上午社区义诊" in section
    assert "正在发送：已发出 1 人，还在排队 1 人" in re.sub(r"<[^>]+>", "", section)
    assert f'<progress id="progress-{notice.id}" class="progress" value="1" max="2"' in section and "50%" in section
    assert "定时发送：11月27日 周五 上午9:00" in re.sub(r"<[^>]+>", "", section)
