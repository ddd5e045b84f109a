"""One permission test walking every route × role × owner.

An office with two liaisons (王芳 and 李强), each with a retiree who talked to the bot: a help request
(with a voice note), an idea (with a photo), a message, an activity sign-up and a notice from their
liaison. Then, for every route in the route table:
- 王芳 (a liaison) on 李强's objects: refused (403/404) and nothing written; on every list and
  office-wide page: nothing of 李强's retiree (name, phone, words) appears;
- a viewer: every write refused and nothing written; every read free of phones, addresses, health
  notes and sensitive tags, whoever the object belongs to;
- an admin reaches both owners' objects, so the refusals above are about scope, not missing rows.
A route missing from the classification below fails the test: every new route must be placed.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from admin.routes import ROUTES
from tests.admin.conftest import login
from tests.factories import Events
from yinling.models import Contact, Inbound

WANG_USER, LI_USER, STRANGER = 9001, 9002, 9003
WANG_PHONE, LI_PHONE, STRANGER_PHONE = "13800000001", "13800000002", "13700009999"
LI_SAID = ("赵淑芬", LI_PHONE, "李家屋顶漏雨了", "村里办老年食堂", "李家留言请回电")
PRIVATE = (WANG_PHONE, LI_PHONE, "幸福路1号", "高血压", "独居")  # never to a viewer (the seeded fields)
NOT_CHANGING = ("staff_sessions", "login_failures", "audit_log")  # a request's own traces

# kind of the {id} in each route (None: no id). Owned kinds belong to one liaison's retiree.
OWNED = {"retiree", "help", "help_media", "idea", "idea_media", "message", "broadcast"}
KINDS: dict[tuple[str, str], str | None] = {
    ("POST", "/api/v1/auth/logout"): "skip",  # ends the caller's own login
    ("GET", "/api/v1/me"): None,
    ("GET", "/api/v1/retirees"): None, ("POST", "/api/v1/retirees"): None,
    ("POST", "/api/v1/retirees/import"): None, ("GET", "/api/v1/retirees/export.xlsx"): None,
    ("GET", "/api/v1/retirees/{id}"): "retiree", ("PATCH", "/api/v1/retirees/{id}"): "retiree",
    ("DELETE", "/api/v1/retirees/{id}"): "retiree",
    ("GET", "/api/v1/registrations"): None, ("POST", "/api/v1/registrations/{id}/approve"): "registration",
    ("POST", "/api/v1/registrations/{id}/reject"): "registration",
    ("GET", "/api/v1/help-requests"): None, ("GET", "/api/v1/help-requests/{id}"): "help",
    ("POST", "/api/v1/help-requests/{id}/replies"): "help", ("POST", "/api/v1/help-requests/{id}/notes"): "help",
    ("POST", "/api/v1/help-requests/{id}/assign"): "help", ("POST", "/api/v1/help-requests/{id}/claim"): "help",
    ("POST", "/api/v1/help-requests/{id}/status"): "help", ("POST", "/api/v1/help-requests/{id}/merge"): "help",
    ("POST", "/api/v1/help-requests/{id}/followups"): "help", ("GET", "/api/v1/media/{id}"): "help_media",
    ("GET", "/api/v1/visit-tasks"): None, ("GET", "/api/v1/stats/help"): None,
    ("GET", "/api/v1/stats/activities"): None,
    ("GET", "/api/v1/activities"): None, ("POST", "/api/v1/activities"): None,
    ("GET", "/api/v1/activities/{id}"): "activity", ("PATCH", "/api/v1/activities/{id}"): "activity",
    ("POST", "/api/v1/activities/{id}/cancel"): "activity",
    ("GET", "/api/v1/activities/{id}/registrations"): "activity",
    ("GET", "/api/v1/activities/{id}/registrations.xlsx"): "activity",
    ("POST", "/api/v1/activities/{id}/checkins"): "activity",
    ("GET", "/api/v1/study/pieces"): None, ("POST", "/api/v1/study/pieces"): None,
    ("POST", "/api/v1/study/pieces/import"): None, ("GET", "/api/v1/study/pieces/{id}"): "piece",
    ("PATCH", "/api/v1/study/pieces/{id}"): "piece", ("DELETE", "/api/v1/study/pieces/{id}"): "piece",
    ("GET", "/api/v1/stats/study"): None,
    ("GET", "/api/v1/ideas"): None, ("GET", "/api/v1/ideas/{id}"): "idea",
    ("POST", "/api/v1/ideas/{id}/review"): "idea", ("POST", "/api/v1/ideas/{id}/notes"): "idea",
    ("POST", "/api/v1/ideas/{id}/merge"): "idea", ("GET", "/api/v1/media/ideas/{id}"): "idea_media",
    ("GET", "/api/v1/stats/ideas"): None,
    ("POST", "/api/v1/broadcasts"): None, ("GET", "/api/v1/broadcasts"): None,
    ("POST", "/api/v1/broadcasts/attachments"): None, ("GET", "/api/v1/broadcasts/{id}"): "broadcast",
    ("POST", "/api/v1/broadcasts/{id}/cancel"): "broadcast", ("POST", "/api/v1/broadcasts/{id}/remind"): "broadcast",
    ("GET", "/api/v1/inbox"): None, ("GET", "/api/v1/inbox/messages/{id}"): "message",
    ("POST", "/api/v1/inbox/messages/{id}/handled"): "message",
    ("POST", "/api/v1/inbox/messages/{id}/assign"): "message",
    ("GET", "/api/v1/inbox/messages/{id}/media"): "message",
    ("GET", "/api/v1/retirees/{id}/conversation"): "retiree",
    ("GET", "/api/v1/retirees/{id}/conversation/media"): "retiree",
    ("POST", "/api/v1/retirees/{id}/messages"): "retiree",
    ("GET", "/api/v1/calendar"): None, ("POST", "/api/v1/calendar/import"): None,
    ("PUT", "/api/v1/calendar/{date}"): "date", ("DELETE", "/api/v1/calendar/{date}"): "date",
    ("GET", "/api/v1/audit"): None,
    ("GET", "/api/v1/privacy-requests"): None,
    ("POST", "/api/v1/privacy-requests/{id}/complete"): "privacy",
    ("POST", "/api/v1/privacy-requests/{id}/reject"): "privacy",
}


@dataclass
class World:
    ids: dict[str, dict[str, int | str]]  # kind -> owner ("wang", "li", "any") -> id
    office: object


def body_for(method: str, path: str, world: World, owner: str) -> dict | None:
    """A body valid enough to reach the scope check (a 422 before it would prove nothing)."""
    office = world.office
    other_help = world.ids["help"]["wang" if owner == "li" else "li"]
    other_idea = world.ids["idea"]["wang" if owner == "li" else "li"]
    bodies = {
        "/api/v1/retirees/{id}": {"notes": "改一下"},
        "/api/v1/retirees/{id}/messages": {"text": "您好"},
        "/api/v1/registrations/{id}/approve": {"retiree_id": office.wang_retiree},
        "/api/v1/help-requests/{id}/replies": {"text": "收到"}, "/api/v1/help-requests/{id}/notes": {"text": "备注"},
        "/api/v1/help-requests/{id}/assign": {"staff_id": office.wang},
        "/api/v1/help-requests/{id}/status": {"status": "closed"},
        "/api/v1/help-requests/{id}/merge": {"into": other_help},
        "/api/v1/help-requests/{id}/followups": {"reached": True, "result": "已回访"},
        "/api/v1/activities/{id}": {"place": "别处"}, "/api/v1/activities/{id}/cancel": {"reason": "下雨"},
        "/api/v1/activities/{id}/checkins": {"retiree_id": office.li_retiree},
        "/api/v1/study/pieces/{id}": {"title": "新标题"},
        "/api/v1/ideas/{id}/review": {"status": "reviewing"}, "/api/v1/ideas/{id}/notes": {"text": "备注"},
        "/api/v1/ideas/{id}/merge": {"into": other_idea},
        "/api/v1/inbox/messages/{id}/assign": {"staff_id": office.wang},
        "/api/v1/calendar/{date}": {"kind": "holiday", "name": "元旦"},
        "/api/v1/privacy-requests/{id}/reject": {"reason": "不是本人"},
    }
    if method == "GET" or method == "DELETE":
        return None
    return bodies.get(path, {})


def url_for(method: str, path: str, world: World, owner: str) -> tuple[str, dict]:
    kind = KINDS[(method, path)]
    params: dict = {}
    if kind in (None, "skip"):
        return path, params
    the_id = world.ids[kind]["any" if "any" in world.ids[kind] else owner]
    url = path.replace("{id}", str(the_id)).replace("{date}", str(the_id))
    if path.endswith("/conversation/media"):
        params["update_id"] = world.ids["update"][owner]
    return url, params


async def snapshot(db) -> dict[str, list[tuple]]:
    tables = [r["name"] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")]
    # sorted, not by rowid: the counter and search tables are WITHOUT ROWID
    return {t: sorted((tuple(r) for r in await db.fetch_all(f"SELECT * FROM {t}")), key=repr)
            for t in tables if t not in NOT_CHANGING and not t.startswith("sqlite_")}


async def talks(services, user_id: int, phone: str, help_text: str, idea_text: str, message: str) -> None:
    events = Events(user_id=user_id, start=user_id * 1000)  # update ids are unique per bot
    conversation = services.conversation
    await conversation.do_contact(events.next(), Contact(phone=phone, user_id=user_id))
    for inbound in ("🙋 我要求助", "医疗健康", help_text, Inbound(kind="voice", file_id=f"voice-{user_id}"),
                    "✅ 说完了", "不急", "✅ 确认提交",
                    "💡 金点子", "乡村振兴", idea_text, Inbound(kind="photo", file_id=f"photo-{user_id}"),
                    "✅ 说完了", "✅ 确认提交", message, Inbound(kind="voice", file_id=f"message-voice-{user_id}")):
        said = inbound if isinstance(inbound, Inbound) else Inbound(kind="text", text=inbound)
        await conversation.do_message(events.next(), said)


@pytest.fixture
async def world(services, db, office, api) -> World:
    await talks(services, WANG_USER, WANG_PHONE, "王家水管漏了", "幸福路口加装红绿灯", "王家留言请回电")
    await talks(services, LI_USER, LI_PHONE, "李家屋顶漏雨了", "村里办老年食堂", "李家留言请回电")
    stranger = Events(user_id=STRANGER, start=STRANGER * 1000)
    await services.conversation.do_contact(stranger.next(), Contact(phone=STRANGER_PHONE, user_id=STRANGER))
    admin, wang, li = await login(api, "admin"), await login(api, "wangfang"), await login(api, "liqiang")
    activity_resp = await admin.post("/api/v1/activities", json={
        "title": "重阳茶话会", "kind": "座谈会", "place": "活动中心", "capacity": 10,
        "starts_at": "2026-12-20T09:00:00+08:00", "ends_at": "2026-12-20T11:00:00+08:00"})
    assert activity_resp.status == 201, await activity_resp.text()
    activity = await activity_resp.json()
    for user_id in (WANG_USER, LI_USER):
        await services.conversation.do_press(Events(user_id=user_id, start=user_id * 1000 + 500).next(),
                                             f"act:join:{activity['id']}:0:0")
    broadcasts = {}
    for owner, client in (("wang", wang), ("li", li)):
        resp = await client.post("/api/v1/broadcasts", json={"text": f"{owner} 的通知", "require_ack": True})
        assert resp.status == 201, await resp.text()
        broadcasts[owner] = (await resp.json())["broadcast"]["id"]
    piece_resp = await admin.post("/api/v1/study/pieces", json={"title": "防诈骗", "body": "不要轻信陌生电话。",
                                                                 "topic": "防诈骗"})
    assert piece_resp.status == 201, await piece_resp.text()
    piece = await piece_resp.json()
    one = "SELECT {col} FROM {table} WHERE {where} ORDER BY id LIMIT 1"

    async def first(col: str, table: str, where: str, value: int) -> int:
        return await db.fetch_value(one.format(col=col, table=table, where=where), (value,))

    ids: dict[str, dict[str, int | str]] = {"retiree": {"wang": office.wang_retiree, "li": office.li_retiree}}
    for owner, retiree in (("wang", office.wang_retiree), ("li", office.li_retiree)):
        ids.setdefault("help", {})[owner] = await first("id", "help_requests", "retiree_id = ?", retiree)
        ids.setdefault("help_media", {})[owner] = await db.fetch_value(
            "SELECT m.id FROM help_messages m JOIN help_requests h ON h.id = m.request_id"
            " WHERE h.retiree_id = ? AND m.file_id IS NOT NULL", (retiree,))
        ids.setdefault("idea", {})[owner] = await first("id", "ideas", "retiree_id = ?", retiree)
        ids.setdefault("idea_media", {})[owner] = await db.fetch_value(
            "SELECT p.id FROM idea_parts p JOIN ideas i ON i.id = p.idea_id WHERE i.retiree_id = ?"
            " AND p.file_id IS NOT NULL", (retiree,))
        ids.setdefault("message", {})[owner] = await db.fetch_value(  # the voice note, so its media route has one
            "SELECT id FROM inbound_messages WHERE retiree_id = ? AND file_id IS NOT NULL", (retiree,))
        ids.setdefault("broadcast", {})[owner] = broadcasts[owner]
        user = WANG_USER if owner == "wang" else LI_USER
        async with db.transaction() as tx:  # what the intake stores for a voice note from this chat
            await tx.execute(
                "INSERT INTO inbound_updates (update_id, chat_id, user_id, kind, file_id, raw, received_at)"
                " VALUES (?, ?, ?, 'voice', 'v', '{}', '2026-11-23T01:31:00.000000Z')", (user, user, user))
        ids.setdefault("update", {})[owner] = user
    ids["activity"] = {"any": activity["id"]}
    ids["piece"] = {"any": piece["id"]}
    ids["date"] = {"any": "2027-01-01"}
    ids["registration"] = {"any": await db.fetch_value("SELECT id FROM pending_registrations")}
    ids["privacy"] = {"any": 1}
    for kind in OWNED:
        assert None not in ids[kind].values(), kind
    return World(ids=ids, office=office)


def routes() -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in ROUTES if r.roles is not None]


def test_every_protected_route_is_classified_here():
    missing = [r for r in routes() if r not in KINDS]
    assert not missing, f"place these routes in KINDS: {missing}"


async def call(client, method: str, path: str, world: World, owner: str):
    url, params = url_for(method, path, world, owner)
    body = body_for(method, path, world, owner)
    return await client.request(method, url, params=params, json=body)


async def test_a_liaison_never_reaches_another_liaisons_retirees_on_any_route(api, db, world):
    wang = await login(api, "wangfang")
    for method, path in routes():
        kind = KINDS[(method, path)]
        if kind not in OWNED:
            continue
        before = await snapshot(db)
        resp = await call(wang, method, path, world, "li")
        assert resp.status in (403, 404), (method, path, resp.status, await resp.text())
        assert await snapshot(db) == before, (method, path, "wrote something")


async def test_a_liaison_neither_changes_the_admins_activity_nor_checks_in_another_liaisons_retiree(api, db, world):
    wang = await login(api, "wangfang")
    for method, path in routes():
        if KINDS[(method, path)] != "activity" or method == "GET":
            continue
        before = await snapshot(db)
        resp = await call(wang, method, path, world, "li")  # checkins: 李强's retiree
        assert resp.status in (403, 404), (method, path, resp.status, await resp.text())
        assert await snapshot(db) == before, (method, path, "wrote something")


async def test_a_liaisons_lists_and_office_wide_pages_show_nothing_of_other_liaisons_retirees(api, world):
    wang = await login(api, "wangfang")
    for method, path in routes():
        kind = KINDS[(method, path)]
        if method != "GET" or kind in OWNED or kind == "skip":
            continue
        resp = await call(wang, method, path, world, "wang")
        text = (await resp.read()).decode("utf-8", "replace")
        for secret in (*LI_SAID, STRANGER_PHONE):
            assert secret not in text, (path, resp.status, secret)


async def test_a_viewer_never_writes_and_never_reads_phones_or_sensitive_fields(api, db, world):
    viewer = await login(api, "leader")
    for method, path in routes():
        if KINDS[(method, path)] == "skip":
            continue
        for owner in ("wang", "li"):
            before = await snapshot(db)
            resp = await call(viewer, method, path, world, owner)
            if method != "GET":
                assert resp.status == 403, (method, path, resp.status)
                assert await snapshot(db) == before, (method, path, "wrote something")
                continue
            text = (await resp.read()).decode("utf-8", "replace")
            for secret in (*PRIVATE, STRANGER_PHONE):
                assert secret not in text, (path, resp.status, secret)


async def test_an_admin_reaches_both_owners_objects(api, world):
    """So the refusals above are about scope: every owned object exists and an admin reads it."""
    admin = await login(api, "admin")
    for method, path in routes():
        if method != "GET" or KINDS[(method, path)] not in OWNED:
            continue
        for owner in ("wang", "li"):
            resp = await call(admin, method, path, world, owner)
            # media need the bot's token (503 without one): still past the scope check
            assert resp.status in (200, 503), (path, owner, resp.status, await resp.text())
