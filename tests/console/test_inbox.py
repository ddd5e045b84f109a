"""收件箱 in-process: the list as the API's GET /api/v1/inbox (filters, counts, paging, urgent in
words, how long each waited), scoping, and each action on a thread changing what the API shows."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.admin.conftest import login
from tests.console.conftest import sign_in
from tests.factories import Events
from yinling.models import Contact, Inbound, InboundRecord
from yinling.store import intake as intake_store

WANG_USER, LI_USER = 9001, 9002  # 张建国 (王芳's) and 赵淑芬 (李强's) in the chat
HELP_STEPS = ("🙋 我要求助", "生活照料", "需要人帮忙买菜", "✅ 说完了", "不急", "✅ 确认提交")


class Person:
    """A retiree in the chat, as the bot hands their words to the core: stored by the intake first
    (so their conversation shows them), then processed."""

    def __init__(self, services, clock, user_id: int) -> None:
        self.services, self.clock = services, clock
        self.events = Events(user_id=user_id, start=user_id * 10)

    async def verify(self, phone: str) -> Person:
        contact = Contact(phone=phone, user_id=self.events.user_id)
        await self.services.conversation.do_contact(self.events.next(), contact)
        return self

    async def say(self, *said: str | Inbound) -> None:
        for item in said:
            inbound = item if isinstance(item, Inbound) else Inbound(kind="text", text=item)
            event = self.events.next()
            record = InboundRecord(update_id=event.event_id, chat_id=event.chat_id, user_id=event.user_id,
                                   kind=inbound.kind, text=inbound.text, file_id=inbound.file_id, raw="{}")
            await intake_store.insert_many(self.services.core.db, [record], now=self.clock.now())
            await self.services.conversation.do_message(event, inbound)


async def zhang(services, clock) -> Person:
    return await Person(services, clock, WANG_USER).verify("13800000001")


async def zhao(services, clock) -> Person:
    return await Person(services, clock, LI_USER).verify("13800000002")


async def latest(db, table: str) -> int:
    return await db.fetch_value(f"SELECT max(id) FROM {table}")


def rows(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]]


# ================================ the list ================================
async def test_the_inbox_lists_urgent_first_in_words_with_counts_for_each_filter(console, services, clock):
    await (await zhang(services, clock)).say("谢谢你们上次来看我")
    clock.advance(timedelta(hours=3))
    await (await zhao(services, clock)).say("我摔倒了，起不来")
    signed = await sign_in(console, "admin")
    page = await (await signed.get("/console/inbox")).text()
    listed = rows(page)
    assert listed[0].startswith("紧急") and "赵淑芬" in listed[0] and "我摔倒了" in listed[0]
    assert "张建国" in listed[1] and "谢谢你们上次来看我" in listed[1] and "等了3小时" in listed[1]
    for label, count in (("全部", 2), ("我的", 0), ("没人接", 0), ("紧急", 1), ("超时", 0)):
        assert f"{label}（{count}）" in page, label
    urgent = rows(await (await signed.get("/console/inbox?filter=urgent")).text())
    assert len(urgent) == 1 and "我摔倒了" in urgent[0]
    assert "收件箱" in page and 'aria-current="page"' in page


async def test_a_liaison_sees_only_her_retirees_and_a_viewer_has_no_inbox(console, services, clock):
    await (await zhang(services, clock)).say("谢谢你们上次来看我")
    await (await zhao(services, clock)).say("有空来一趟，李强")
    wang = await sign_in(console, "wangfang")
    page = await (await wang.get("/console/inbox")).text()
    assert "谢谢你们上次来看我" in page and "有空来一趟" not in page and "赵淑芬" not in page
    assert "全部（1）" in page and "我的（1）" in page
    message_id = await latest(services.core.db, "inbound_messages")  # 赵淑芬's
    assert (await wang.get(f"/console/inbox/messages/{message_id}")).status == 404
    viewer = await sign_in(console, "leader")
    resp = await viewer.get("/console/inbox")
    assert resp.status == 403 and "没有权限" in await resp.text()


async def test_the_list_pages_twenty_at_a_time_and_polls_itself_as_a_fragment(console, services, clock):
    person = await zhang(services, clock)
    await person.say(*(f"第{n}件事" for n in range(1, 23)))
    signed = await sign_in(console, "admin")
    first = await (await signed.get("/console/inbox")).text()
    assert len(rows(first)) == 20 and "第 1 页，共 2 页" in first and "下一页" in first
    second = await (await signed.get("/console/inbox?filter=all&page=2")).text()
    assert [r for r in rows(second) if "第21件事" in r or "第22件事" in r] and len(rows(second)) == 2
    assert "上一页" in second
    fragment = await (await signed.get("/console/inbox?filter=all&page=2", headers={"HX-Request": "true"})).text()
    assert "<html" not in fragment and 'hx-trigger="every 20s"' in fragment and len(rows(fragment)) == 2
    odd = await signed.get("/console/inbox?filter=nonsense&page=-1")
    assert odd.status == 200 and "全部（22）" in await odd.text()


# ================================ a help request ================================
async def asked(services, clock) -> int:
    await (await zhang(services, clock)).say(*HELP_STEPS)
    return await latest(services.core.db, "help_requests")


async def test_the_help_thread_shows_the_request_its_due_times_and_the_chat(console, services, clock):
    request_id = await asked(services, clock)
    signed = await sign_in(console, "wangfang")
    page = await (await signed.get(f"/console/inbox/help/{request_id}")).text()
    assert f"求助单 #{request_id} · 张建国" in page
    assert "生活照料" in page and "需要人帮忙买菜" in page and "新求助，还没人受理" in page
    assert "应在 11月24日 周二 上午9:30 前答复" in page  # the due time, as people write it
    assert "张建国说" in page and "发给张建国" in page  # the chat, both ways
    assert "求助单 #" in page and "已收到" in page  # what the bot told him


async def test_reply_claim_note_and_status_on_the_thread_change_what_the_api_shows(console, services, clock, db):
    request_id = await asked(services, clock)
    signed = await sign_in(console, "wangfang")
    api = await login(console, "wangfang")
    thread = f"/console/inbox/help/{request_id}"

    resp = await signed.post(f"{thread}/reply", {"reply_text": "下午两点师傅上门"})
    assert resp.status == 303 and resp.headers["Location"] == f"{thread}?done=reply"
    assert "回复已发出" in await (await signed.get(resp.headers["Location"])).text()
    assert "下午两点师傅上门" in await db.fetch_value("SELECT text FROM outbox ORDER BY id DESC")

    assert (await signed.post(f"{thread}/claim")).status == 303
    assert (await signed.post(f"{thread}/note", {"note_text": "他家钥匙在邻居处"})).status == 303
    detail = await (await api.get(f"/api/v1/help-requests/{request_id}")).json()
    assert detail["request"]["status"] == "open" and detail["request"]["assignee_name"] == "王芳"
    assert [(m["author"], m["text"]) for m in detail["thread"][1:]] == [
        ("staff", "下午两点师傅上门"), ("note", "他家钥匙在邻居处")]

    missing = await signed.post(f"{thread}/status", {"status": "pending", "reason": "等配件"})
    page = await missing.text()
    assert missing.status == 422 and 'id="f-remind_at-error"' in page and "必填" in page
    assert 'value="等配件"' in page  # what was typed is kept
    resp = await signed.post(f"{thread}/status",
                             {"status": "pending", "reason": "等配件", "remind_at": "2026-11-25T09:00"})
    assert resp.status == 303
    detail = await (await api.get(f"/api/v1/help-requests/{request_id}")).json()
    assert detail["request"]["status"] == "pending"
    assert detail["request"]["remind_at"].startswith("2026-11-25T09:00:00+08:00")  # the office's time
    page = await (await signed.get(thread)).text()
    assert "等待办理" in page and "11月25日 周三 上午9:00" in page and "内部备注（老同志看不到）" in page


async def test_an_empty_reply_is_refused_beside_the_box_and_nothing_is_sent(console, services, clock, db):
    request_id = await asked(services, clock)
    before = await latest(db, "outbox")
    signed = await sign_in(console, "wangfang")
    resp = await signed.post(f"/console/inbox/help/{request_id}/reply", {"reply_text": "   "})
    page = await resp.text()
    assert resp.status == 422 and 'id="f-reply_text-error"' in page
    assert await latest(db, "outbox") == before


async def test_a_liaison_assigns_only_to_herself_and_an_admin_to_anyone(console, services, clock, office):
    request_id = await asked(services, clock)
    wang = await sign_in(console, "wangfang")
    page = await (await wang.get(f"/console/inbox/help/{request_id}")).text()
    choices = page.split('name="staff_id"')[1].split("</select>")[0]
    assert "王芳" in choices and "刘主任" not in choices and "李局长" not in choices
    refused = await wang.post(f"/console/inbox/help/{request_id}/assign", {"staff_id": str(office.admin)})
    assert refused.status == 422 and "只能指派给自己" in await refused.text()
    admin = await sign_in(console, "admin")
    assert (await admin.post(f"/console/inbox/help/{request_id}/assign", {"staff_id": str(office.li)})).status == 303
    api = await login(console, "admin")
    detail = await (await api.get(f"/api/v1/help-requests/{request_id}")).json()
    assert detail["request"]["assignee_name"] == "李强"


async def test_merging_closes_the_duplicate_into_the_other(console, services, clock):
    person = await zhang(services, clock)
    await person.say(*HELP_STEPS)
    first = await latest(services.core.db, "help_requests")
    clock.advance(timedelta(hours=2))
    await person.say(*HELP_STEPS)
    second = await latest(services.core.db, "help_requests")
    assert first != second
    signed = await sign_in(console, "wangfang")
    resp = await signed.post(f"/console/inbox/help/{second}/merge", {"into": f"#{first}"})
    assert resp.status == 303
    api = await login(console, "wangfang")
    detail = await (await api.get(f"/api/v1/help-requests/{second}")).json()
    assert (detail["request"]["status"], detail["request"]["merged_into"]) == ("closed", first)
    again = await signed.post(f"/console/inbox/help/{first}/merge", {"into": str(first)})
    assert again.status == 409 and "不能合并" in await again.text()


# ================================ a message ================================
async def test_a_message_is_answered_marked_handled_and_assigned_from_its_thread(console, services, clock, db, office):
    person = await zhang(services, clock)
    await person.say("家里水管漏了")
    first = await latest(db, "inbound_messages")
    signed = await sign_in(console, "wangfang")
    page = await (await signed.get(f"/console/inbox/messages/{first}")).text()
    assert "家里水管漏了" in page and "还没处理" in page
    resp = await signed.post(f"/console/inbox/messages/{first}/reply", {"reply_text": "明天上午来看看"})
    assert resp.status == 303
    assert "明天上午来看看" in await db.fetch_value("SELECT text FROM outbox ORDER BY id DESC")
    api = await login(console, "wangfang")
    assert (await (await api.get("/api/v1/inbox")).json())["counts"]["all"] == 0  # writing answered it

    await person.say("对了，还有暖气不热")
    second = await latest(db, "inbound_messages")
    assert (await signed.post(f"/console/inbox/messages/{second}/handled")).status == 303
    again = await signed.post(f"/console/inbox/messages/{second}/handled")
    assert again.status == 409 and "已经处理过了" in await again.text()
    assert (await (await api.get(f"/api/v1/inbox/messages/{second}")).json())["handled_by"] == office.wang

    admin = await sign_in(console, "admin")
    resp = await admin.post(f"/console/inbox/messages/{second}/assign", {"staff_id": str(office.admin)})
    assert resp.status == 303
    assert (await (await api.get(f"/api/v1/inbox/messages/{second}")).json())["assignee_id"] == office.admin


async def test_what_a_retiree_typed_is_shown_as_text_never_run_as_markup(console, services, clock, db):
    """Words from the chat reach staff pages escaped: a message that looks like HTML or htmx stays words."""
    person = await zhang(services, clock)
    await person.say('<script>alert(1)</script><img src=x onerror="alert(2)"> <a hx-get="/console/logout">点我</a>')
    message = await db.fetch_value("SELECT max(id) FROM inbound_messages")
    signed = await sign_in(console, "wangfang")
    for path in ("/console/inbox", f"/console/inbox/messages/{message}"):
        page = await (await signed.get(path)).text()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert "<script>alert" not in page and "<img src=x" not in page and '<a hx-get="/console/logout"' not in page
