"""The ideas API (金点子): scope, filters, reviews reaching the chat, notes, merges, media, statistics."""
from __future__ import annotations

from datetime import timedelta

import pytest

from admin.app import create_app
from tests.admin.conftest import login
from tests.factories import Events
from yinling.models import Contact, Inbound

WANG_USER, LI_USER = 9001, 9002


async def idea_from(services, db, *, phone: str, user_id: int, parts: tuple[Inbound | str, ...],
                    field: str = "城市建设", start: int = 0) -> int:
    """A retiree (bound through the chat) sends an idea; returns its number. `start`: where this
    conversation's update ids begin (Telegram's are unique per bot)."""
    events = Events(user_id=user_id, start=start or user_id * 10)
    conversation = services.conversation
    await conversation.do_contact(events.next(), Contact(phone=phone, user_id=user_id))
    said = [p if isinstance(p, Inbound) else Inbound(kind="text", text=p) for p in parts]
    for inbound in (Inbound(kind="text", text="💡 金点子"), Inbound(kind="text", text=field), *said,
                    Inbound(kind="text", text="✅ 说完了"), Inbound(kind="text", text="✅ 确认提交")):
        await conversation.do_message(events.next(), inbound)
    return await db.fetch_value("SELECT max(id) FROM ideas")


async def last_told(db, chat_id: int) -> str:
    return await db.fetch_value("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id DESC", (chat_id,))


@pytest.fixture
async def ideas(services, db, office):
    wang = await idea_from(services, db, phone="13800000001", user_id=WANG_USER,
                           parts=("幸福路口建议加装红绿灯", Inbound(kind="voice", file_id="voice-file-1")))
    li = await idea_from(services, db, phone="13800000002", user_id=LI_USER, parts=("村里办老年食堂",),
                         field="乡村振兴")
    return {"wang": wang, "li": li}


# ---- reading, in scope ----------------------------------------------------------------------------------

async def test_everyone_reads_within_scope_a_liaison_only_their_retirees_ideas(as_admin, as_wang, as_viewer, ideas):
    everything = await (await as_admin.get("/api/v1/ideas")).json()
    assert [i["id"] for i in everything["items"]] == [ideas["li"], ideas["wang"]] and everything["total"] == 2
    mine = await (await as_wang.get("/api/v1/ideas")).json()
    assert [i["id"] for i in mine["items"]] == [ideas["wang"]] and mine["total"] == 1
    assert mine["items"][0]["retiree_name"] == "张建国" and mine["items"][0]["status"] == "submitted"
    assert (await as_wang.get(f"/api/v1/ideas/{ideas['li']}")).status == 404
    assert (await (await as_viewer.get("/api/v1/ideas")).json())["total"] == 2
    assert (await as_viewer.get(f"/api/v1/ideas/{ideas['li']}")).status == 200


async def test_the_detail_has_what_was_sent_and_its_history(as_wang, ideas):
    resp = await as_wang.get(f"/api/v1/ideas/{ideas['wang']}")
    assert resp.status == 200
    detail = await resp.json()
    assert detail["idea"]["field"] == "城市建设" and detail["idea"]["summary"] == "幸福路口建议加装红绿灯"
    assert [(p["kind"], p["text"], p["file_id"]) for p in detail["parts"]] == [
        ("text", "幸福路口建议加装红绿灯", None), ("voice", None, "voice-file-1")]
    assert [e["kind"] for e in detail["events"]] == ["submitted"]
    assert detail["notes"] == [] and detail["duplicates"] == []


async def test_filters_by_status_field_words_and_received_period(as_admin, ideas, services, db, clock):
    clock.advance(timedelta(days=40))
    later = await idea_from(services, db, phone="13800000001", user_id=WANG_USER, parts=("公园多装路灯",),
                            start=500_000)
    as_admin = await login(as_admin.api, "admin")  # the first login has idled out over 40 days

    async def ids(**params) -> list[int]:
        resp = await as_admin.get("/api/v1/ideas", params=params)
        assert resp.status == 200, await resp.text()
        return [i["id"] for i in (await resp.json())["items"]]

    assert await ids(field="乡村振兴") == [ideas["li"]]
    assert await ids(q="红绿灯") == [ideas["wang"]]
    assert await ids(q="赵淑芬") == [ideas["li"]]  # the retiree's name
    assert await ids(q="100%") == []
    assert await ids(status="submitted") == [later, ideas["li"], ideas["wang"]]
    assert await ids(status="adopted") == []
    assert await ids(**{"from": "2026-12-01"}) == [later]
    assert await ids(to="2026-12-01") == [ideas["li"], ideas["wang"]]
    assert await ids(**{"from": "2026-11-23T09:00:00+08:00", "to": "2026-11-24"}) == [ideas["li"], ideas["wang"]]


async def test_every_bad_filter_is_refused_naming_it(as_admin, ideas):
    bad = await as_admin.get("/api/v1/ideas", params={"status": "done", "field": "环境保护", "retiree_id": "0",
                                                     "per_page": "0", "colour": "red"})
    assert bad.status == 422
    assert {"status", "field", "retiree_id", "per_page", "colour"} <= set((await bad.json())["error"]["fields"])
    for params, field in (({"from": "2026-02-31"}, "from"), ({"from": "yesterday"}, "from"),
                          ({"to": "2026-13-01"}, "to"),
                          ({"from": "2026-12-01", "to": "2026-11-01"}, "from"), ({"q": "长" * 51}, "q")):
        resp = await as_admin.get("/api/v1/ideas", params=params)
        assert resp.status == 422 and field in (await resp.json())["error"]["fields"], params


async def test_no_login_is_401_and_a_missing_idea_404(api, as_admin, ideas):
    assert (await api.get("/api/v1/ideas")).status == 401
    assert (await api.post(f"/api/v1/ideas/{ideas['wang']}/review", json={"status": "reviewing"})).status == 401
    assert (await as_admin.get("/api/v1/ideas/999999")).status == 404


# ---- reviews --------------------------------------------------------------------------------------------

async def test_a_review_reaches_the_submitter_and_the_answer_is_the_idea(as_wang, ideas, db):
    path = f"/api/v1/ideas/{ideas['wang']}/review"
    resp = await as_wang.post(path, json={"status": "reviewing"})
    assert resp.status == 200 and (await resp.json())["status"] == "reviewing"
    assert await last_told(db, WANG_USER) == f"您的金点子 #{ideas['wang']} 正在研究办理中，有结果会马上告诉您。"
    resp = await as_wang.post(path, json={"status": "adopted", "reply": "已转交市交通局，列入明年计划"})
    body = await resp.json()
    assert resp.status == 200 and body["status"] == "adopted" and body["reply"] == "已转交市交通局，列入明年计划"
    assert await last_told(db, WANG_USER) == (f"好消息！您的金点子 #{ideas['wang']} 已被采纳。感谢您建言献策！\n"
                                              "答复：已转交市交通局，列入明年计划")
    detail = await (await as_wang.get(f"/api/v1/ideas/{ideas['wang']}")).json()
    assert [(e["kind"], e["to_status"], e["staff_name"]) for e in detail["events"]][1:] == [
        ("review", "reviewing", "王芳"), ("review", "adopted", "王芳")]
    assert await db.fetch_value("SELECT count(*) FROM audit_log WHERE action = 'idea.review'") == 2


async def test_refused_reviews_name_the_field(as_admin, ideas, db):
    path = f"/api/v1/ideas/{ideas['wang']}/review"
    for body, status, field in (
        ({"status": "noted"}, 422, "reply"),
        ({"status": "noted", "reply": "   "}, 422, "reply"),
        ({"status": "implemented"}, 409, "status"),  # not adopted yet
        ({"status": "submitted"}, 422, "status"),  # staff never set it
        ({"status": "merged"}, 422, "status"),  # merging has its own route
        ({"status": "approved"}, 422, "status"),
        ({"status": "reviewing", "reply": "长" * 2001}, 422, "reply"),
        ({"status": "reviewing", "notify": True}, 422, "notify"),
        ({}, 422, "status"),
    ):
        resp = await as_admin.post(path, json=body)
        assert resp.status == status and field in (await resp.json())["error"]["fields"], body
    assert (await as_admin.post(path, data="not json")).status == 422
    await as_admin.post(path, json={"status": "noted", "reply": "已有相关规划"})
    again = await as_admin.post(path, json={"status": "noted"})
    assert again.status == 409 and "status" in (await again.json())["error"]["fields"]
    assert await db.fetch_value("SELECT status FROM ideas WHERE id = ?", (ideas["wang"],)) == "noted"


async def test_a_viewer_reads_but_may_not_review_note_or_merge(as_viewer, ideas, db):
    idea = ideas["wang"]
    assert (await as_viewer.post(f"/api/v1/ideas/{idea}/review", json={"status": "reviewing"})).status == 403
    assert (await as_viewer.post(f"/api/v1/ideas/{idea}/notes", json={"text": "好"})).status == 403
    assert (await as_viewer.post(f"/api/v1/ideas/{idea}/merge", json={"into": ideas["li"]})).status == 403
    assert await db.fetch_value("SELECT status FROM ideas WHERE id = ?", (idea,)) == "submitted"


async def test_private_notes_are_for_staff_not_viewers(as_admin, as_viewer, ideas):
    idea = ideas["wang"]
    note = await as_admin.post(f"/api/v1/ideas/{idea}/notes", json={"text": "他女儿在规划局工作，可请她参谋"})
    assert note.status == 201
    assert [n["text"] for n in (await (await as_admin.get(f"/api/v1/ideas/{idea}")).json())["notes"]] == [
        "他女儿在规划局工作，可请她参谋"]
    assert (await (await as_viewer.get(f"/api/v1/ideas/{idea}")).json())["notes"] == []


async def test_a_liaison_cannot_touch_another_liaisons_ideas(as_wang, ideas):
    assert (await as_wang.post(f"/api/v1/ideas/{ideas['li']}/review", json={"status": "reviewing"})).status == 404
    assert (await as_wang.post(f"/api/v1/ideas/{ideas['li']}/notes", json={"text": "x"})).status == 404
    into_other = await as_wang.post(f"/api/v1/ideas/{ideas['wang']}/merge", json={"into": ideas["li"]})
    assert into_other.status == 422 and "into" in (await into_other.json())["error"]["fields"]


# ---- notes and merges -----------------------------------------------------------------------------------

async def test_notes_stay_private(as_wang, ideas, db):
    resp = await as_wang.post(f"/api/v1/ideas/{ideas['wang']}/notes", json={"text": "去年也有人提过"})
    assert resp.status == 201
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE text LIKE '%去年也有人提过%'") == 0
    detail = await (await as_wang.get(f"/api/v1/ideas/{ideas['wang']}")).json()
    assert [(n["text"], n["staff_name"]) for n in detail["notes"]] == [("去年也有人提过", "王芳")]
    for body, field in (({"text": "  "}, "text"), ({"text": ""}, "text"), ({}, "text"), ({"text": "x", "to": 1}, "to")):
        bad = await as_wang.post(f"/api/v1/ideas/{ideas['wang']}/notes", json=body)
        assert bad.status == 422 and field in (await bad.json())["error"]["fields"], body


async def test_a_duplicate_is_merged_told_kindly_and_listed_under_the_other(as_admin, services, db, ideas):
    again = await idea_from(services, db, phone="13800000002", user_id=LI_USER, parts=("路口要装红绿灯",),
                            start=200_000)
    resp = await as_admin.post(f"/api/v1/ideas/{again}/merge", json={"into": ideas["wang"]})
    body = await resp.json()
    assert resp.status == 200 and (body["status"], body["merged_into"]) == ("merged", ideas["wang"])
    told = await last_told(db, LI_USER)
    assert f"#{again}" in told and f"#{ideas['wang']}" in told and "一起研究办理" in told
    detail = await (await as_admin.get(f"/api/v1/ideas/{ideas['wang']}")).json()
    assert [d["id"] for d in detail["duplicates"]] == [again] and detail["idea"]["duplicates"] == 1
    merged = await (await as_admin.get("/api/v1/ideas", params={"status": "merged"})).json()
    assert [i["id"] for i in merged["items"]] == [again]

    await as_admin.post(f"/api/v1/ideas/{ideas['wang']}/review", json={"status": "noted", "reply": "该路口明年改造"})
    assert "原因：该路口明年改造" in await last_told(db, WANG_USER)
    assert (await last_told(db, LI_USER)).startswith(
        f"您的金点子 #{again}（与 #{ideas['wang']} 一并办理）我们认真研究了")


async def test_merges_that_cannot_be_are_refused_naming_the_field(as_admin, ideas):
    wang, li = ideas["wang"], ideas["li"]
    itself = await as_admin.post(f"/api/v1/ideas/{wang}/merge", json={"into": wang})
    assert itself.status == 409 and "into" in (await itself.json())["error"]["fields"]
    missing = await as_admin.post(f"/api/v1/ideas/{wang}/merge", json={"into": 999999})
    assert missing.status == 422 and "into" in (await missing.json())["error"]["fields"]
    for body in ({"into": 0}, {"into": "2"}, {}, {"into": li, "why": "same"}):
        bad = await as_admin.post(f"/api/v1/ideas/{wang}/merge", json=body)
        assert bad.status == 422, body
    assert (await as_admin.post(f"/api/v1/ideas/{li}/merge", json={"into": wang})).status == 200
    into_merged = await as_admin.post(f"/api/v1/ideas/{wang}/merge", json={"into": li})
    assert into_merged.status == 409 and "into" in (await into_merged.json())["error"]["fields"]
    review_merged = await as_admin.post(f"/api/v1/ideas/{li}/review", json={"status": "reviewing"})
    assert review_merged.status == 409 and "status" in (await review_merged.json())["error"]["fields"]


# ---- media ----------------------------------------------------------------------------------------------

class FakeMedia:
    async def fetch(self, file_id: str) -> bytes:
        return f"bytes of {file_id}".encode()


async def test_a_voice_note_is_served_to_staff_in_scope_and_its_reading_audited(aiohttp_client, settings, services,
                                                                                 ideas, db, as_wang):
    part = await db.fetch_value("SELECT id FROM idea_parts WHERE kind = 'voice'")
    assert (await as_wang.get(f"/api/v1/media/ideas/{part}")).status == 503  # no bot token behind this app
    api = await aiohttp_client(create_app(settings, services, media=FakeMedia()))
    wang = await login(api, "wangfang")
    resp = await wang.get(f"/api/v1/media/ideas/{part}")
    assert resp.status == 200 and resp.content_type == "audio/ogg" and await resp.read() == b"bytes of voice-file-1"
    assert (await (await login(api, "leader")).get(f"/api/v1/media/ideas/{part}")).status == 200
    assert (await (await login(api, "liqiang")).get(f"/api/v1/media/ideas/{part}")).status == 404
    text_part = await db.fetch_value("SELECT id FROM idea_parts WHERE kind = 'text' ORDER BY id LIMIT 1")
    assert (await wang.get(f"/api/v1/media/ideas/{text_part}")).status == 404
    assert await db.fetch_value("SELECT count(*) FROM audit_log WHERE action = 'idea.media'") == 2


# ---- statistics -----------------------------------------------------------------------------------------

async def test_statistics_give_the_figures_an_office_reports(as_admin, as_wang, ideas, clock):
    clock.advance(timedelta(minutes=5))
    await as_admin.post(f"/api/v1/ideas/{ideas['wang']}/review", json={"status": "adopted"})
    await as_admin.post(f"/api/v1/ideas/{ideas['wang']}/review", json={"status": "implemented", "reply": "已安装"})
    await as_admin.post(f"/api/v1/ideas/{ideas['li']}/review", json={"status": "noted", "reply": "暂无场地"})
    resp = await as_admin.get("/api/v1/stats/ideas")  # default: this year so far
    body = await resp.json()
    assert resp.status == 200, body
    assert body["from"] == "2026-01-01T00:00:00+08:00"  # the office's new year
    assert body["to"] == "2026-11-23T09:35:00+08:00"  # now
    assert body["overall"] == {"received": 2, "submitted": 0, "reviewing": 0, "adopted": 1, "noted": 1,
                               "implemented": 1, "merged": 0, "adoption_rate": 0.5}
    by_field = {f["field"]: (f["received"], f["adopted"], f["noted"]) for f in body["by_field"]}
    assert by_field["城市建设"] == (1, 1, 0) and by_field["乡村振兴"] == (1, 0, 1) and len(by_field) == 7
    assert [m["month"] for m in body["by_month"]] == [f"2026-{m:02d}" for m in range(1, 12)]
    assert body["by_month"][-1]["received"] == 2 and body["by_month"][0]["received"] == 0
    mine = await (await as_wang.get("/api/v1/stats/ideas", params={"from": "2026-11-01", "to": "2026-12-01"})).json()
    assert mine["overall"]["received"] == 1 and [m["month"] for m in mine["by_month"]] == ["2026-11"]
    for params, field in (({"from": "2026-02-31"}, "from"), ({"to": "tomorrow"}, "to"),
                          ({"from": "2026-12-01", "to": "2026-11-01"}, "from"), ({"year": "2026"}, "year")):
        bad = await as_admin.get("/api/v1/stats/ideas", params=params)
        assert bad.status == 422 and field in (await bad.json())["error"]["fields"], params


async def test_a_viewer_reads_the_statistics(as_viewer, ideas, clock):
    clock.advance(timedelta(minutes=5))
    resp = await as_viewer.get("/api/v1/stats/ideas", params={"from": "2026-11-01"})
    assert resp.status == 200 and (await resp.json())["overall"]["received"] == 2
