"""PIPL through the staff API: sensitive tags (consent to store, never per person to a viewer),
deletion that erases what a person said too, and the retirees' deletion requests admins decide."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import openpyxl

from tests.factories import STAFF_CHAT_ID, Events
from yinling import texts
from yinling.models import Contact, Inbound, InboundRecord
from yinling.store import intake as intake_store
from yinling.store import staff as staff_store

USER = 7301
PHONE = "13800007301"
NAME = "甄秘芳"  # unique: found nowhere once she is deleted
SAID = "水管爆了MARK7301"  # the words she says, everywhere she says them
REPLY = "马上派人REPLY7301"  # staff's answer to her
LIAISON_TG = 5550999


async def said(services, events: Events, *words) -> None:
    for word in words:
        inbound = word if isinstance(word, Inbound) else Inbound(kind="text", text=word)
        await services.conversation.do_message(events.next(), inbound)


async def text_columns_holding(db, *needles: str) -> list[str]:
    """Every (table.column) whose value contains any of `needles`, across the whole database."""
    found = []
    for (table,) in await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for column in await db.fetch_all(f"PRAGMA table_info({table})"):
            for needle in needles:
                n = await db.fetch_value(
                    f"SELECT count(*) FROM {table} WHERE CAST({column['name']} AS TEXT) LIKE ?", (f"%{needle}%",))
                if n:
                    found.append(f"{table}.{column['name']} ({needle})")
    return found


# ---- deleting a person erases what they said too ----------------------------------------------------

async def test_deleting_a_retiree_erases_every_word_they_said_and_keeps_the_request_in_the_statistics(
        api, as_admin, services, db, clock, office):
    async with db.transaction() as tx:  # her liaison is linked: urgent words reach them directly too
        await staff_store.link_telegram(tx, office.wang, LIAISON_TG)
    created = await as_admin.post("/api/v1/retirees", json={"name": NAME, "phones": [PHONE],
                                                           "liaison_id": office.wang})
    retiree_id = (await created.json())["id"]
    events = Events(user_id=USER, start=USER * 100)
    await services.conversation.do_contact(events.next(), Contact(phone=PHONE, user_id=USER))
    # a help request (text and a voice note), an idea, a message, and emergency words: staff cards and DMs
    await said(services, events, "🙋 我要求助", "生活照料", SAID, Inbound(kind="voice", file_id="VOICE7301"),
               "✅ 说完了", "不急", "✅ 确认提交")
    await said(services, events, "💡 金点子", "城市建设", f"建议{SAID}", "✅ 说完了", "✅ 确认提交")
    await said(services, events, f"留言{SAID}", f"我摔倒了{SAID}")
    request_id = await db.fetch_value("SELECT id FROM help_requests WHERE retiree_id = ?", (retiree_id,))
    assert (await as_admin.post(f"/api/v1/help-requests/{request_id}/replies", json={"text": REPLY})).status == 201
    clock.advance(timedelta(minutes=10))
    await services.inbox.do_notify_new_messages()  # the grouped 【新留言】 notice names her
    # what the intake stored of her chat, and a staff member's reply in the group to her card (which
    # Telegram delivers with the card it answers)
    card = await db.fetch_one("SELECT id, text FROM outbox WHERE source = ?", (f"help-card:{request_id}",))
    async with db.transaction() as tx:
        await tx.execute("UPDATE outbox SET status = 'sent', message_id = 777 WHERE id = ?", (card["id"],))
    await intake_store.insert_many(db, [
        InboundRecord(update_id=USER * 100 + 90, chat_id=USER, user_id=USER, kind="text", text=SAID,
                      raw=json.dumps({"message": {"text": SAID, "chat": {"id": USER}}}, ensure_ascii=False)),
        InboundRecord(update_id=USER * 100 + 91, chat_id=STAFF_CHAT_ID, user_id=LIAISON_TG, kind="text", text="收到",
                      raw=json.dumps({"message": {"message_id": 901, "text": "收到", "reply_to_message": {
                          "message_id": 777, "text": card["text"]}}}, ensure_ascii=False)),
    ], now=clock.now())
    assert len(await text_columns_holding(db, SAID, NAME, REPLY)) >= 10  # the test sees what it looks for

    assert (await as_admin.delete(f"/api/v1/retirees/{retiree_id}")).status == 204

    assert await text_columns_holding(db, SAID, NAME, REPLY, PHONE, "VOICE7301") == []
    clock.advance(timedelta(minutes=1))
    stats = await (await as_admin.get("/api/v1/stats/help")).json()
    assert stats["overall"]["received"] == 1  # the request is still counted, anonymously
    assert await db.fetch_value("SELECT count(*) FROM help_messages WHERE request_id = ?", (request_id,)) >= 2
    assert await db.fetch_value("SELECT count(*) FROM ideas WHERE retiree_id = ?", (retiree_id,)) == 1
    audit = await (await as_admin.get("/api/v1/audit", params={"action": "retiree.delete"})).json()
    erased = audit["items"][0]["detail"]["erased"]
    assert erased["help_messages"] >= 2 and erased["staff_notices"] >= 3 and erased["staff_updates"] == 1


async def test_after_deletion_nothing_queued_for_them_is_sent(api, as_admin, services, db, clock, office):
    events = Events(user_id=USER, start=USER * 100)
    created = await as_admin.post("/api/v1/retirees", json={"name": NAME, "phones": [PHONE]})
    retiree_id = (await created.json())["id"]
    await services.conversation.do_contact(events.next(), Contact(phone=PHONE, user_id=USER))
    await as_admin.post(f"/api/v1/retirees/{retiree_id}/messages", json={"text": REPLY})
    assert (await as_admin.delete(f"/api/v1/retirees/{retiree_id}")).status == 204
    rows = await db.fetch_all("SELECT status, chat_id, text FROM outbox WHERE retiree_id = ?", (retiree_id,))
    assert rows and {(r["chat_id"], r["text"]) for r in rows} == {(0, "[已删除]")}
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE status = 'queued' AND text = '[已删除]'") == 0


# ---- sensitive tags ---------------------------------------------------------------------------------

async def test_a_viewer_never_learns_who_has_a_sensitive_tag(as_admin, as_viewer, office):
    # 张建国 (王芳's) is 独居, with consent; 赵淑芬 becomes 空巢 (not sensitive) and 患病 (with consent)
    path = f"/api/v1/retirees/{office.li_retiree}"
    resp = await as_admin.patch(path, json={"tags": ["空巢", "患病"], "sensitive_consent": True})
    assert resp.status == 200 and (await resp.json())["tags"] == ["患病", "空巢", "高龄"]
    listed = await (await as_viewer.get("/api/v1/retirees")).json()
    assert {r["name"]: r["tags"] for r in listed["items"]} == {"张建国": ["高龄"], "赵淑芬": ["空巢", "高龄"]}
    detail = await (await as_viewer.get(path)).json()
    assert detail["tags"] == ["空巢", "高龄"]
    refused = await as_viewer.get("/api/v1/retirees", params={"tag": "患病"})
    assert refused.status == 403 and "tag" in (await refused.json())["error"]["fields"]
    assert (await (await as_viewer.get("/api/v1/retirees", params={"tag": "空巢"})).json())["total"] == 1
    export = await as_viewer.get("/api/v1/retirees/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(await export.read())).active.iter_rows(values_only=True))
    tags = {row[rows[0].index("姓名")]: row[rows[0].index("标签")] for row in rows[1:]}
    assert tags == {"张建国": None, "赵淑芬": "空巢"}
    # staff who serve them see them
    assert (await (await as_admin.get(path)).json())["tags"] == ["患病", "空巢", "高龄"]
    assert (await (await as_admin.get("/api/v1/retirees", params={"tag": "患病"})).json())["total"] == 1


async def test_storing_a_sensitive_tag_needs_consent_and_withdrawing_consent_removes_it(as_admin, db, office):
    refused = await as_admin.post("/api/v1/retirees", json={"name": "钱老", "tags": ["失能", "空巢"]})
    assert refused.status == 422 and "失能" in (await refused.json())["error"]["fields"]["tags"]
    resp = await as_admin.post("/api/v1/retirees", json={"name": "钱老", "tags": ["失能", "空巢"],
                                                         "sensitive_consent": True})
    assert resp.status == 201 and (await resp.json())["tags"] == ["失能", "空巢"]
    path = f"/api/v1/retirees/{(await resp.json())['id']}"
    withdrawn = await (await as_admin.patch(path, json={"sensitive_consent": False})).json()
    assert withdrawn["tags"] == ["空巢"] and withdrawn["sensitive_consent"] is False
    again = await as_admin.patch(path, json={"tags": ["失能"]})
    assert again.status == 422 and "tags" in (await again.json())["error"]["fields"]


async def test_a_tag_stored_before_consent_was_asked_stays_and_other_edits_still_work(as_admin, as_viewer, db, clock):
    from tests.factories import add_retiree

    old = await add_retiree(db, clock, name="老档案", phone=None, tags=("丧偶",))  # stored without consent
    resp = await as_admin.patch(f"/api/v1/retirees/{old}", json={"notes": "搬家了"})
    assert resp.status == 200 and (await resp.json())["tags"] == ["丧偶", "高龄"]
    assert (await (await as_viewer.get(f"/api/v1/retirees/{old}")).json())["tags"] == ["高龄"]


async def test_a_viewer_reads_a_notice_to_a_sensitive_tag_as_counts_only(as_admin, as_viewer, db, clock, office):
    from tests.factories import add_bound_retiree

    await add_bound_retiree(db, clock, 8401, tags=("患病",), sensitive_consent=True, name="孙病")
    await add_bound_retiree(db, clock, 8402, tags=("空巢",), name="孙空")
    sick = await as_admin.post("/api/v1/broadcasts", json={"text": "体检通知", "require_ack": True,
                                                          "audience": {"kind": "tags", "tags": ["患病"]}})
    nest = await as_admin.post("/api/v1/broadcasts", json={"text": "走访通知", "require_ack": True,
                                                          "audience": {"kind": "tags", "tags": ["空巢"]}})
    sick_id, nest_id = (await sick.json())["broadcast"]["id"], (await nest.json())["broadcast"]["id"]
    as_admin_sees = await (await as_admin.get(f"/api/v1/broadcasts/{sick_id}")).json()
    assert [p["name"] for p in as_admin_sees["not_acknowledged"]] == ["孙病"]
    seen = await (await as_viewer.get(f"/api/v1/broadcasts/{sick_id}")).json()
    assert seen["report"]["recipients"] == 1 and "孙病" not in json.dumps(seen, ensure_ascii=False)
    assert [p["name"] for p in (await (await as_viewer.get(f"/api/v1/broadcasts/{nest_id}")).json())
            ["not_acknowledged"]] == ["孙空"]


# ---- deletion requests from the chat -----------------------------------------------------------------

async def ask_to_be_deleted(services, db, clock, office, *, user: int = USER, phone: str = PHONE) -> tuple[int, int]:
    """A bound retiree asks from 我的 → 我的信息; returns (retiree id, request id)."""
    from tests.factories import add_retiree

    retiree_id = await add_retiree(db, clock, name=NAME, phone=phone, liaison_id=office.wang)
    events = Events(user_id=user, start=user * 100)
    await services.conversation.do_contact(events.next(), Contact(phone=phone, user_id=user))
    await said(services, events, SAID, "👤 我的", texts.MINE_PRIVACY_BUTTON, texts.PRIVACY_DELETE_BUTTON,
               texts.PRIVACY_CONFIRM_BUTTON)
    request_id = await db.fetch_value("SELECT id FROM privacy_requests WHERE retiree_id = ?", (retiree_id,))
    return retiree_id, request_id


async def last_to(db, chat_id: int) -> str:
    return await db.fetch_value("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (chat_id,))


async def test_an_admin_completes_a_deletion_request_and_the_retiree_is_told(as_admin, services, db, clock, office):
    retiree_id, request_id = await ask_to_be_deleted(services, db, clock, office)
    listed = await (await as_admin.get("/api/v1/privacy-requests", params={"status": "pending"})).json()
    assert [(r["id"], r["retiree_id"], r["retiree_name"]) for r in listed["items"]] == [(request_id, retiree_id, NAME)]
    inbox = await (await as_admin.get("/api/v1/inbox")).json()
    assert any(i["origin"] == "privacy" and f"#{request_id}" in i["preview"] for i in inbox["items"])

    resp = await as_admin.post(f"/api/v1/privacy-requests/{request_id}/complete")
    body = await resp.json()
    assert resp.status == 200 and body["status"] == "completed" and body["retiree_name"] == "已删除"
    assert await last_to(db, USER) == texts.PRIVACY_DONE
    assert (await as_admin.get(f"/api/v1/retirees/{retiree_id}")).status == 404
    assert await text_columns_holding(db, SAID, NAME, PHONE) == []
    again = await as_admin.post(f"/api/v1/privacy-requests/{request_id}/complete")
    assert again.status == 409 and "status" in (await again.json())["error"]["fields"]
    audit = await (await as_admin.get("/api/v1/audit", params={"action": "privacy.complete"})).json()
    assert audit["items"][0]["target_id"] == request_id


async def test_an_admin_rejects_with_a_reason_the_retiree_reads(as_admin, services, db, clock, office):
    retiree_id, request_id = await ask_to_be_deleted(services, db, clock, office)
    blank = await as_admin.post(f"/api/v1/privacy-requests/{request_id}/reject", json={"reason": "  "})
    assert blank.status == 422 and "reason" in (await blank.json())["error"]["fields"]
    resp = await as_admin.post(f"/api/v1/privacy-requests/{request_id}/reject",
                               json={"reason": "家属代为申请，需本人确认"})
    assert resp.status == 200 and (await resp.json())["status"] == "rejected"
    assert await last_to(db, USER) == texts.PRIVACY_REJECTED.format(id=request_id, reason="家属代为申请，需本人确认")
    assert (await as_admin.get(f"/api/v1/retirees/{retiree_id}")).status == 200  # nothing erased
    assert (await as_admin.post(f"/api/v1/privacy-requests/{request_id}/complete")).status == 409


async def test_only_admins_decide_privacy_requests(as_wang, as_viewer, as_admin, services, db, clock, office):
    _, request_id = await ask_to_be_deleted(services, db, clock, office)
    for client in (as_wang, as_viewer):
        assert (await client.get("/api/v1/privacy-requests")).status == 403
        assert (await client.post(f"/api/v1/privacy-requests/{request_id}/complete")).status == 403
    assert (await as_admin.post("/api/v1/privacy-requests/999/complete")).status == 404
    assert await db.fetch_value("SELECT status FROM privacy_requests WHERE id = ?", (request_id,)) == "pending"


async def test_deleting_the_retiree_directly_completes_their_open_request(as_admin, services, db, clock, office):
    retiree_id, _ = await ask_to_be_deleted(services, db, clock, office)
    assert (await as_admin.delete(f"/api/v1/retirees/{retiree_id}")).status == 204
    listed = await (await as_admin.get("/api/v1/privacy-requests")).json()
    assert [r["status"] for r in listed["items"]] == ["completed"]
