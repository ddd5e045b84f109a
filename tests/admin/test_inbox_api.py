"""The staff inbox API: one queue of what needs a person, a retiree's conversation, staff messages
answered by simply typing, handled and assigned messages; scoped like the roster."""
from __future__ import annotations

from datetime import timedelta

from tests.admin.conftest import login
from tests.factories import Events
from yinling import texts
from yinling.models import Contact, Inbound
from yinling.services.calendar import missing_warning

WANG_USER, LI_USER = 9001, 9002


async def chat(services, user_id: int, phone: str, *said: str, start: int | None = None) -> Events:
    events = Events(user_id=user_id, start=start or user_id * 10)
    await services.conversation.do_contact(events.next(), Contact(phone=phone, user_id=user_id))
    for words in said:
        await services.conversation.do_message(events.next(), Inbound(kind="text", text=words))
    return events


async def last_to(db, chat_id: int) -> str:
    return await db.fetch_value("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id DESC", (chat_id,))


async def test_the_inbox_puts_urgent_first_and_scopes_a_liaison_to_their_retirees(services, as_admin, as_wang):
    await chat(services, WANG_USER, "13800000001", "谢谢你们上次来看我")
    await chat(services, LI_USER, "13800000002", "我摔倒了，起不来")
    body = await (await as_admin.get("/api/v1/inbox")).json()
    assert [(i["kind"], i["urgent"], i["preview"]) for i in body["items"]] == [
        ("message", True, "我摔倒了，起不来"), ("message", False, "谢谢你们上次来看我")]
    assert body["counts"] == {"all": 2, "mine": 0, "unassigned": 0, "urgent": 1, "overdue": 0}
    assert body["warnings"] == []  # 2026-11-23: the calendar knows the coming month
    mine = await (await as_wang.get("/api/v1/inbox")).json()
    assert [i["preview"] for i in mine["items"]] == ["谢谢你们上次来看我"]
    assert mine["counts"]["all"] == 1 and mine["counts"]["mine"] == 1  # a message is its liaison's
    urgent = await (await as_wang.get("/api/v1/inbox", params={"filter": "urgent"})).json()
    assert urgent["items"] == [] and urgent["total"] == 0


async def test_in_december_the_inbox_warns_that_next_years_holidays_are_missing(clock, api):
    clock.advance(timedelta(days=12))  # 2026-12-05: a month ahead reaches 2027, which nobody entered
    as_admin = await login(api, "admin")
    body = await (await as_admin.get("/api/v1/inbox")).json()
    assert body["warnings"] == [missing_warning([2027])]


async def test_open_help_requests_are_in_the_inbox_too(services, as_wang):
    await chat(services, WANG_USER, "13800000001", "🙋 我要求助", "生活照料", "需要人帮忙买菜", "✅ 说完了", "不急",
               "✅ 确认提交")
    body = await (await as_wang.get("/api/v1/inbox", params={"filter": "mine"})).json()
    assert [(i["kind"], i["preview"], i["status"]) for i in body["items"]] == [("help", "需要人帮忙买菜", "new")]


async def test_messages_unanswered_for_a_day_are_overdue(services, clock, api):
    await chat(services, WANG_USER, "13800000001", "有空来一趟")
    clock.advance(timedelta(hours=25))
    as_admin = await login(api, "admin")  # a login does not last a day
    body = await (await as_admin.get("/api/v1/inbox", params={"filter": "overdue"})).json()
    assert [i["preview"] for i in body["items"]] == ["有空来一趟"] and body["items"][0]["overdue"] is True


async def test_a_staff_message_is_delivered_verbatim_and_the_typed_answer_comes_back_to_its_writer(
    services, db, as_wang
):
    events = await chat(services, WANG_USER, "13800000001", "我家水管漏了")
    retiree_id = await db.fetch_value("SELECT id FROM retirees WHERE telegram_user_id = ?", (WANG_USER,))
    resp = await as_wang.post(f"/api/v1/retirees/{retiree_id}/messages", json={"text": "下午三点师傅上门"})
    assert resp.status == 201
    assert await last_to(db, WANG_USER) == texts.STAFF_MESSAGE_TO_RETIREE.format(staff="王芳", text="下午三点师傅上门")
    # writing to them answered what they said before
    assert (await (await as_wang.get("/api/v1/inbox")).json())["counts"]["all"] == 0
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="好的，我在家等"))
    assert await last_to(db, WANG_USER) == texts.REPLY_FORWARDED.format(staff="王芳")
    body = await (await as_wang.get("/api/v1/inbox", params={"filter": "mine"})).json()
    assert [(i["preview"], i["origin"]) for i in body["items"]] == [("好的，我在家等", "reply")]


async def test_an_answer_to_a_help_reply_joins_the_request(services, db, as_wang):
    events = await chat(services, WANG_USER, "13800000001", "🙋 我要求助", "生活照料", "需要人帮忙买菜", "✅ 说完了",
                        "不急", "✅ 确认提交")
    request_id = await db.fetch_value("SELECT max(id) FROM help_requests")
    await as_wang.post(f"/api/v1/help-requests/{request_id}/replies", json={"text": "想买些什么？"})
    await services.conversation.do_message(events.next(), Inbound(kind="text", text="两斤鸡蛋"))
    assert await last_to(db, WANG_USER) == texts.REPLY_FORWARDED_REQUEST.format(staff="王芳", id=request_id)
    detail = await (await as_wang.get(f"/api/v1/help-requests/{request_id}")).json()
    assert [m["text"] for m in detail["thread"]] == ["需要人帮忙买菜", "想买些什么？", "两斤鸡蛋"]


async def test_a_message_is_marked_handled_once_and_assigned(services, db, as_admin, as_wang, office):
    await chat(services, WANG_USER, "13800000001", "有空来一趟")
    message_id = await db.fetch_value("SELECT id FROM inbound_messages")
    assigned = await as_admin.post(f"/api/v1/inbox/messages/{message_id}/assign", json={"staff_id": office.admin})
    assert assigned.status == 200 and (await assigned.json())["assignee_id"] == office.admin
    mine = await (await as_admin.get("/api/v1/inbox", params={"filter": "mine"})).json()
    assert [i["id"] for i in mine["items"]] == [message_id]
    liaison_to_other = await as_wang.post(f"/api/v1/inbox/messages/{message_id}/assign",
                                          json={"staff_id": office.admin})
    assert liaison_to_other.status == 422 and "staff_id" in (await liaison_to_other.json())["error"]["fields"]
    done = await as_wang.post(f"/api/v1/inbox/messages/{message_id}/handled")
    assert done.status == 200 and (await done.json())["handled_by"] == office.wang
    again = await as_wang.post(f"/api/v1/inbox/messages/{message_id}/handled")
    assert again.status == 409
    assert (await (await as_admin.get("/api/v1/inbox")).json())["counts"]["all"] == 0


async def test_a_liaison_cannot_reach_another_liaisons_retiree_through_the_inbox(services, db, as_wang, office):
    await chat(services, LI_USER, "13800000002", "有空来一趟")
    message_id = await db.fetch_value("SELECT id FROM inbound_messages")
    for path in (f"/api/v1/inbox/messages/{message_id}", f"/api/v1/retirees/{office.li_retiree}/conversation"):
        assert (await as_wang.get(path)).status == 404, path
    for path, body in ((f"/api/v1/inbox/messages/{message_id}/handled", None),
                       (f"/api/v1/inbox/messages/{message_id}/assign", {"staff_id": office.wang}),
                       (f"/api/v1/retirees/{office.li_retiree}/messages", {"text": "您好"})):
        assert (await as_wang.post(path, json=body)).status == 404, path
    assert await db.fetch_value("SELECT handled_at FROM inbound_messages") is None


async def test_viewers_have_no_inbox(as_viewer, office):
    assert (await as_viewer.get("/api/v1/inbox")).status == 403
    assert (await as_viewer.get(f"/api/v1/retirees/{office.wang_retiree}/conversation")).status == 403


async def test_the_conversation_shows_everything_said_and_sent_in_order(services, db, as_wang, office):
    await chat(services, WANG_USER, "13800000001")
    async with db.transaction() as tx:  # what the intake stored for two updates from this chat
        for update_id, kind, text, file_id in ((1, "text", "👤 我的", None), (2, "voice", None, "voice-9")):
            await tx.execute(
                "INSERT INTO inbound_updates (update_id, chat_id, user_id, kind, text, file_id, raw, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?, '{}', '2026-11-23T01:31:00.000000Z')",
                (update_id, WANG_USER, WANG_USER, kind, text, file_id))
    body = await (await as_wang.get(f"/api/v1/retirees/{office.wang_retiree}/conversation")).json()
    items = body["items"]
    assert [i["direction"] for i in items][:1] == ["out"]  # the greeting after verifying came first
    said = [(i["kind"], i["text"], i["file_id"]) for i in items if i["direction"] == "in"]
    assert said == [("text", "👤 我的", None), ("voice", None, "voice-9")]
    no_token = await as_wang.get(f"/api/v1/retirees/{office.wang_retiree}/conversation/media",
                                 params={"update_id": 2})
    assert no_token.status == 503  # fetching the voice note needs the bot's token
    other = await as_wang.get(f"/api/v1/retirees/{office.wang_retiree}/conversation/media", params={"update_id": 99})
    assert other.status == 404


async def test_a_message_to_someone_not_in_the_chat_is_refused_naming_the_field(as_wang, office):
    resp = await as_wang.post(f"/api/v1/retirees/{office.wang_retiree}/messages", json={"text": "您好"})
    assert resp.status == 409 and "retiree_id" in (await resp.json())["error"]["fields"]
    empty = await as_wang.post(f"/api/v1/retirees/{office.wang_retiree}/messages", json={"text": ""})
    assert empty.status == 422 and "text" in (await empty.json())["error"]["fields"]
