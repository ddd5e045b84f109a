"""通知公告 through the services: audiences, scope, dry runs, 已阅, cancel, remind, scheduling, reports."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import ChatPerson, add_bound_retiree, add_liaison, add_retiree
from yinling import texts
from yinling.errors import Conflict, Forbidden, InvalidInput
from yinling.models import Actor, BroadcastAudience, BroadcastDraft, Priority, Staff
from yinling.store import outbox as outbox_store
from yinling.store import retirees as retiree_store

NOTICE = "本周五上午九点，在活动中心三楼召开离退休干部座谈会。"


@pytest.fixture
async def office(db, clock):
    """Two liaisons; 张 and 李 are 王芳's (李 lives alone), 赵 is 刘强's; 钱 is 王芳's but not in the chat."""
    wang = await add_liaison(db, clock)  # staff #1, also office_admin's id
    liu = await add_liaison(db, clock, username="liuqiang", name="刘强", phone="13900001002")
    people = {
        "zhang": await add_bound_retiree(db, clock, 8201, name="张建国", liaison_id=wang, party_member=True),
        "li": await add_bound_retiree(db, clock, 8202, name="李秀兰", liaison_id=wang, tags=("独居",)),
        "zhao": await add_bound_retiree(db, clock, 8203, name="赵德明", liaison_id=liu),
        "qian": await add_retiree(db, clock, name="钱学文", phone="13800000009", liaison_id=wang),
    }
    return {"wang": wang, "liu": liu, **people}


def liaison_actor(staff_id: int) -> Actor:
    return Actor(staff=Staff(id=staff_id, username="liaison", display_name="联络员", role="liaison"))


def draft(**fields) -> BroadcastDraft:
    return BroadcastDraft(**{"text": NOTICE, **fields})


async def notices(db, broadcast_id: int) -> dict[int, dict]:
    rows = await db.fetch_all("SELECT * FROM outbox WHERE source = ?", (f"broadcast:{broadcast_id}",))
    return {r["retiree_id"]: dict(zip(r.keys(), r, strict=True)) for r in rows}


async def test_everyone_reachable_gets_one_bulk_notice_and_the_rest_are_listed_to_phone(
        services, office_admin, office, db):
    broadcast = await services.broadcasts.do_create(office_admin, draft())
    sent = await notices(db, broadcast.id)
    assert set(sent) == {office["zhang"], office["li"], office["zhao"]}
    row = sent[office["zhang"]]
    assert row["text"] == texts.BROADCAST_HEADING + NOTICE and row["keyboard"] is None
    assert (row["priority"], row["chat_id"]) == (Priority.BULK, 8201)
    report = await services.broadcasts.report(office_admin, broadcast.id)
    assert (report["counts"]["recipients"], report["counts"]["not_in_chat"], report["counts"]["queued"]) == (4, 1, 3)
    assert [(u.name, u.liaison_name, u.phone) for u in report["unreachable"]] == [
        ("钱学文", "王芳", "13800000009")]
    assert broadcast.status == "sending" and broadcast.recipients == 4


@pytest.mark.parametrize(("audience", "who"), [
    ({"kind": "tags", "tags": ("独居",)}, {"li"}),
    ({"kind": "party_members"}, {"zhang"}),
    ({"kind": "liaisons", "liaison_ids": "liu"}, {"zhao"}),
    ({"kind": "retirees", "retiree_ids": ("zhang", "zhao")}, {"zhang", "zhao"}),
])
async def test_each_audience_reaches_its_retirees(services, office_admin, office, db, audience, who):
    if audience.get("liaison_ids") == "liu":
        audience = {**audience, "liaison_ids": (office["liu"],)}
    if "retiree_ids" in audience:
        audience = {**audience, "retiree_ids": tuple(office[n] for n in audience["retiree_ids"])}
    broadcast = await services.broadcasts.do_create(office_admin, draft(audience=BroadcastAudience(**audience)))
    assert set(await notices(db, broadcast.id)) == {office[n] for n in who}


async def test_an_activitys_registrants_confirmed_and_waiting(services, office_admin, office, db):
    from tests.unit.test_activities import party_day

    activity, _ = await services.activities.do_create(office_admin, party_day(capacity=1), notify=False)
    for user in (8201, 8203):
        await ChatPerson(services, db, user, 0).press(f"act:join:{activity.id}")
    broadcast = await services.broadcasts.do_create(
        office_admin, draft(audience=BroadcastAudience(kind="activity", activity_id=activity.id)))
    assert set(await notices(db, broadcast.id)) == {office["zhang"], office["zhao"]}
    with pytest.raises(InvalidInput) as unknown:
        await services.broadcasts.do_create(office_admin,
                                            draft(audience=BroadcastAudience(kind="activity", activity_id=999)))
    assert "audience.activity_id" in unknown.value.fields


async def test_a_liaison_reaches_only_their_own_retirees(services, office):
    wang = liaison_actor(office["wang"])
    broadcast = await services.broadcasts.do_create(wang, draft())
    assert set(await notices(services.core.db, broadcast.id)) == {office["zhang"], office["li"]}
    with pytest.raises(Forbidden) as others:
        await services.broadcasts.do_create(wang, draft(audience=BroadcastAudience(
            kind="retirees", retiree_ids=(office["zhang"], office["zhao"]))))
    assert others.value.fields == {"audience.retiree_ids": f"不是您联系的老同志：{office['zhao']}"}
    with pytest.raises(Forbidden):
        await services.broadcasts.do_create(wang, draft(audience=BroadcastAudience(
            kind="liaisons", liaison_ids=(office["liu"],))))
    liu = liaison_actor(office["liu"])
    assert [b.id for b in (await services.broadcasts.page(liu, page=1, per_page=10))[0]] == []


async def test_a_dry_run_counts_and_previews_and_sends_nothing(services, office_admin, office, db):
    result = await services.broadcasts.dry_run(office_admin, draft(require_ack=True))
    assert (result["recipients"], result["reachable"], result["not_in_chat"]) == (4, 3, 1)
    assert result["preview"] == texts.BROADCAST_HEADING + NOTICE + texts.BROADCAST_ACK_ASK
    assert result["buttons"] == [texts.BROADCAST_ACK_BUTTON]
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0
    assert await db.fetch_value("SELECT count(*) FROM broadcasts") == 0


async def test_nobody_in_the_audience_is_refused_naming_it(services, office_admin, office):
    with pytest.raises(InvalidInput) as empty:
        await services.broadcasts.do_create(office_admin,
                                            draft(audience=BroadcastAudience(kind="tags", tags=("失能",))))
    assert empty.value.fields == {"audience": "这个范围里没有人"}


async def test_acknowledged_once_and_only_by_a_recipient(services, office_admin, office, db):
    broadcast = await services.broadcasts.do_create(office_admin, draft(
        require_ack=True, audience=BroadcastAudience(kind="party_members")))
    row = (await notices(db, broadcast.id))[office["zhang"]]
    assert json.loads(row["keyboard"])["rows"][0][0]["action"] == f"bc:ack:{broadcast.id}"
    zhang = ChatPerson(services, db, 8201, office["zhang"])
    assert await zhang.press(f"bc:ack:{broadcast.id}") == texts.BROADCAST_ACK_TOAST
    assert (await zhang.last())["text"] == texts.BROADCAST_ACKED
    assert await zhang.press(f"bc:ack:{broadcast.id}") == texts.BROADCAST_ACK_AGAIN_TOAST
    li = ChatPerson(services, db, 8202, office["li"])
    assert await li.press(f"bc:ack:{broadcast.id}") == texts.BUTTON_EXPIRED  # not hers
    report = await services.broadcasts.report(office_admin, broadcast.id)
    assert report["counts"]["acknowledged"] == 1 and report["not_acknowledged"] == []


async def test_remind_goes_to_those_who_have_not_acknowledged(services, office_admin, office, db):
    broadcast = await services.broadcasts.do_create(office_admin, draft(require_ack=True))
    await ChatPerson(services, db, 8201, office["zhang"]).press(f"bc:ack:{broadcast.id}")
    report = await services.broadcasts.report(office_admin, broadcast.id)
    assert {p.name for p in report["not_acknowledged"]} == {"李秀兰", "赵德明"}
    _, queued = await services.broadcasts.do_remind(office_admin, broadcast.id)
    assert queued == 2
    rows = await db.fetch_all("SELECT retiree_id, text FROM outbox WHERE source = ?",
                              (f"broadcast-remind:{broadcast.id}",))
    assert {r["retiree_id"] for r in rows} == {office["li"], office["zhao"]}
    assert rows[0]["text"].startswith(texts.BROADCAST_REMINDER)
    plain = await services.broadcasts.do_create(office_admin, draft())
    with pytest.raises(Conflict) as no_ack:
        await services.broadcasts.do_remind(office_admin, plain.id)
    assert "require_ack" in no_ack.value.fields


async def test_cancel_stops_what_is_not_yet_sent(services, office_admin, office, db, clock):
    broadcast = await services.broadcasts.do_create(office_admin, draft())
    [first] = await outbox_store.claim(db, now=clock.now(), limit=1)  # the sender has one in hand
    cancelled, stopped = await services.broadcasts.do_cancel(office_admin, broadcast.id)
    assert (cancelled.status, stopped) == ("cancelled", 2)
    counts = (await services.broadcasts.report(office_admin, broadcast.id))["counts"]
    assert (counts["cancelled"], counts["claimed"]) == (2, 1)
    assert await outbox_store.claim(db, now=clock.now(), limit=10) == []  # nothing more to send
    with pytest.raises(Conflict):
        await services.broadcasts.do_cancel(office_admin, broadcast.id)
    assert first.source == f"broadcast:{broadcast.id}"


async def test_a_scheduled_notice_goes_when_due_and_not_if_cancelled(services, office_admin, office, db, clock):
    later = clock.now() + timedelta(hours=2)
    scheduled = await services.broadcasts.do_create(office_admin, draft(schedule_at=later))
    dropped = await services.broadcasts.do_create(office_admin, draft(schedule_at=later))
    assert scheduled.status == "scheduled" and await notices(db, scheduled.id) == {}
    await services.broadcasts.do_cancel(office_admin, dropped.id)
    assert await services.broadcasts.do_send_due() == 0
    clock.advance(timedelta(hours=3))  # e.g. the process was down at the time: it goes at start-up
    assert await services.broadcasts.do_send_due() == 1
    assert len(await notices(db, scheduled.id)) == 3 and await notices(db, dropped.id) == {}
    assert await services.broadcasts.do_send_due() == 0  # once
    with pytest.raises(InvalidInput) as past:
        await services.broadcasts.do_create(office_admin, draft(schedule_at=clock.now() - timedelta(minutes=1)))
    assert past.value.fields == {"schedule_at": "应是以后的时间"}


async def test_the_report_counts_sent_failed_and_blocked(services, office_admin, office, db, clock):
    broadcast = await services.broadcasts.do_create(office_admin, draft())
    sent = await notices(db, broadcast.id)
    await outbox_store.claim(db, now=clock.now(), limit=10)
    await outbox_store.confirm_sent(db, [(sent[office["zhang"]]["id"], 77)], now=clock.now())
    async with db.transaction() as tx:
        await outbox_store.mark_failed(tx, sent[office["li"]]["id"],
                                       error="403: Forbidden: bot was blocked by the user")
        await outbox_store.mark_failed(tx, sent[office["zhao"]]["id"], error="400: Bad Request: chat not found")
        await retiree_store.mark_unreachable(tx, office["li"], reason="blocked", now=clock.now())
    report = await services.broadcasts.report(office_admin, broadcast.id)
    counts = report["counts"]
    assert (counts["sent"], counts["blocked"], counts["failed"]) == (1, 1, 1)
    assert [f.error for f in report["failures"]] == ["403: Forbidden: bot was blocked by the user",
                                                        "400: Bad Request: chat not found"]
    assert {u.name for u in report["unreachable"]} == {"李秀兰", "钱学文"}
    assert report["broadcast"].status == "done"


async def test_an_attachment_is_stored_and_sent_with_each_notice(services, office_admin, office, db):
    attachment = await services.broadcasts.do_attach(office_admin, "座谈会议程.pdf", b"%PDF-1.4 agenda")
    assert attachment.kind == "document" and attachment.size == 15
    broadcast = await services.broadcasts.do_create(office_admin, draft(attachment_id=attachment.id))
    media = json.loads((await notices(db, broadcast.id))[office["zhang"]]["media"])
    assert media["kind"] == "document" and Path(media["path"]).read_bytes() == b"%PDF-1.4 agenda"
    with pytest.raises(InvalidInput) as bad:
        await services.broadcasts.do_attach(office_admin, "virus.exe", b"MZ")
    assert "file" in bad.value.fields
