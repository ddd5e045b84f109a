"""GET /api/v1/stats/activities: 参与人次 over the activities starting in a period, per activity, in
total and by kind, in the caller's scope, with times in office time."""
from __future__ import annotations

from datetime import UTC, datetime

from tests.admin.conftest import login
from tests.factories import ChatPerson, add_bound_retiree

PERIOD = {"from": "2026-11-24", "to": "2026-12-01"}
AFTER_THEM = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, every activity above has ended
FIGURES = ("confirmed", "waiting", "attended", "companions", "no_shows", "not_checked_in", "attendance_rate")


def activity(title: str, kind: str, day: str, *, start: str = "09:00", end: str = "11:00", capacity: int = 5) -> dict:
    return {"title": title, "kind": kind, "place": "老干部活动中心", "capacity": capacity,
            "starts_at": f"{day}T{start}:00+08:00", "ends_at": f"{day}T{end}:00+08:00",
            "companion_allowed": True, "ask_transport": True}


async def publish(client, body: dict) -> int:
    resp = await client.post("/api/v1/activities", json=body)
    assert resp.status == 201, await resp.text()
    return (await resp.json())["id"]


async def check_in(client, activity_id: int, retiree_id: int) -> None:
    resp = await client.post(f"/api/v1/activities/{activity_id}/checkins", json={"retiree_id": retiree_id})
    assert resp.status == 200, await resp.text()


async def hold_november_activities(client, services, db, clock, office) -> dict[str, int]:
    """Late November, as it ends up:
    A 主题党日 (11-25, two seats): 孙桂兰 (王芳's) with a companion, checked in; 吴秀英 (李强's) did not
      come (a no-show); 周永福 (王芳's) still waiting.
    B 老年大学 (11-26): 孙桂兰 alone and 周永福 with a companion, both checked in.
    E 文体比赛 (11-27), 李强's own activity: 吴秀英, checked in by 李强.
    C 座谈会 (11-25) with 孙桂兰 signed up, cancelled; D 参观学习 on 12-20, outside the period.
    The clock stays on the 23rd: finish_november ends them."""
    admin, li = await login(client, "admin"), await login(client, "liqiang")
    people = {}
    for user_id, name, liaison in ((9301, "孙桂兰", office.wang), (9302, "周永福", office.wang),
                                   (9303, "吴秀英", office.li)):
        retiree_id = await add_bound_retiree(db, clock, user_id, name=name, liaison_id=liaison)
        people[name] = ChatPerson(services, db, user_id, retiree_id)
    ids = {
        "A": await publish(admin, activity("十一月主题党日", "主题党日", "2026-11-25", end="11:30", capacity=2)),
        "B": await publish(admin, activity("智能手机课", "老年大学", "2026-11-26")),
        "C": await publish(admin, activity("老干部座谈会", "座谈会", "2026-11-25", start="14:00", end="16:00")),
        "D": await publish(admin, activity("参观新区", "参观学习", "2026-12-20")),
        "E": await publish(li, activity("门球赛", "文体比赛", "2026-11-27")),
    }
    for who, key, companion in (("孙桂兰", "A", 1), ("吴秀英", "A", 0), ("周永福", "A", 0), ("孙桂兰", "B", 0),
                                ("周永福", "B", 1), ("吴秀英", "E", 0), ("孙桂兰", "C", 0), ("孙桂兰", "D", 0)):
        said = await people[who].press(f"act:join:{ids[key]}:{companion}:0")
        assert said == ("已排上候补" if (who, key) == ("周永福", "A") else "报名成功"), (who, key, said)
    cancelled = await admin.post(f"/api/v1/activities/{ids['C']}/cancel", json={"reason": "场地维修"})
    assert cancelled.status == 200, await cancelled.text()
    for key, who in (("A", "孙桂兰"), ("B", "孙桂兰"), ("B", "周永福")):
        await check_in(admin, ids[key], people[who].retiree_id)
    await check_in(li, ids["E"], people["吴秀英"].retiree_id)
    return ids


async def finish_november(services, clock) -> None:
    """The 28th: A, B and E have ended and their no-shows are recorded (C was cancelled, D is ahead)."""
    clock.set(AFTER_THEM)
    assert await services.activities.do_record_no_shows() == 3


def figures(row: dict) -> tuple:
    return tuple(row[name] for name in FIGURES)


async def stats(client, params: dict | None = None) -> dict:
    resp = await client.get("/api/v1/stats/activities", params=PERIOD if params is None else params)
    body = await resp.json()
    assert resp.status == 200, body
    return body


async def test_each_activity_its_totals_and_kinds_in_office_time(api, services, db, clock, office):
    ids = await hold_november_activities(api, services, db, clock, office)
    await finish_november(services, clock)
    body = await stats(await login(api, "admin"))
    assert (body["from"], body["to"]) == ("2026-11-24T00:00:00+08:00", "2026-12-01T00:00:00+08:00")
    assert [a["id"] for a in body["activities"]] == [ids["A"], ids["B"], ids["E"]]  # not C (cancelled), not D
    party, lesson, match = body["activities"]
    assert (party["title"], party["kind"], party["starts_at"], party["ends_at"]) == (
        "十一月主题党日", "主题党日", "2026-11-25T09:00:00+08:00", "2026-11-25T11:30:00+08:00")
    #                        confirmed waiting attended companions no-shows unmarked 到场率
    assert figures(party) == (2, 1, 1, 1, 1, 0, 0.5)
    assert figures(lesson) == (2, 0, 2, 1, 0, 0, 1.0)
    assert figures(match) == (1, 0, 1, 0, 0, 0, 1.0)
    assert body["overall"] == {"activities": 3, "confirmed": 5, "waiting": 1, "attended": 4, "companions": 2,
                               "no_shows": 1, "not_checked_in": 0, "attendance_rate": 0.8}
    assert [(k["kind"], k["activities"], k["attended"], k["companions"]) for k in body["by_kind"]] == [
        ("主题党日", 1, 1, 1), ("老年大学", 1, 2, 1), ("文体比赛", 1, 1, 0)]  # the menu's order, held kinds only
    viewer = await stats(await login(api, "leader"))
    assert viewer["overall"] == body["overall"] and "孙桂兰" not in str(viewer)  # figures, never names


async def test_before_the_end_the_confirmed_not_yet_come_are_not_no_shows(api, services, db, clock, office):
    ids = await hold_november_activities(api, services, db, clock, office)
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # 10:00 on the 25th: A is going on
    await services.activities.do_record_no_shows()
    body = await stats(await login(api, "admin"))
    party = next(a for a in body["activities"] if a["id"] == ids["A"])
    assert figures(party) == (2, 1, 1, 1, 0, 1, 1.0)  # 吴秀英 may still come
    assert body["overall"]["not_checked_in"] == 1


async def test_a_liaison_counts_their_own_retirees_in_the_activities_they_see(api, services, db, clock, office):
    ids = await hold_november_activities(api, services, db, clock, office)
    await finish_november(services, clock)
    wang = await stats(await login(api, "wangfang"))
    assert [a["id"] for a in wang["activities"]] == [ids["A"], ids["B"]]  # not 李强's own 门球赛
    assert figures(wang["activities"][0]) == (1, 1, 1, 1, 0, 0, 1.0)  # 孙桂兰 came, 周永福 waits; not 吴秀英
    assert wang["overall"] == {"activities": 2, "confirmed": 3, "waiting": 1, "attended": 3, "companions": 2,
                               "no_shows": 0, "not_checked_in": 0, "attendance_rate": 1.0}
    li = await stats(await login(api, "liqiang"))
    assert [a["id"] for a in li["activities"]] == [ids["A"], ids["B"], ids["E"]]
    assert [figures(a) for a in li["activities"]] == [
        (1, 0, 0, 0, 1, 0, 0.0), (0, 0, 0, 0, 0, 0, None), (1, 0, 1, 0, 0, 0, 1.0)]
    assert (li["overall"]["attended"], li["overall"]["no_shows"], li["overall"]["attendance_rate"]) == (1, 1, 0.5)


async def test_by_default_the_thirty_days_up_to_now(api, services, db, clock, office):
    ids = await hold_november_activities(api, services, db, clock, office)
    admin = await login(api, "admin")
    assert (await stats(admin, {}))["activities"] == []  # on the 23rd none has started yet
    clock.set(AFTER_THEM)
    admin = await login(api, "admin")  # five days on, the first login has expired
    body = await stats(admin, {})
    assert (body["from"], body["to"]) == ("2026-10-29T10:00:00+08:00", "2026-11-28T10:00:00+08:00")
    assert [a["id"] for a in body["activities"]] == [ids["A"], ids["B"], ids["E"]]
    assert (await stats(admin, {"from": "2026-11-26"}))["overall"]["activities"] == 2  # B and E


async def test_an_empty_period_has_zeros_and_no_rate(as_admin):
    body = await stats(as_admin)
    assert body["activities"] == [] and body["by_kind"] == []
    assert body["overall"] == {"activities": 0, "confirmed": 0, "waiting": 0, "attended": 0, "companions": 0,
                               "no_shows": 0, "not_checked_in": 0, "attendance_rate": None}


async def test_a_bad_period_is_refused_in_chinese(as_admin):
    resp = await as_admin.get("/api/v1/stats/activities", params={"from": "2026-12-01", "to": "2026-11-24"})
    error = (await resp.json())["error"]
    assert resp.status == 422
    assert error["message"] == "开始时间（from）要早于结束时间（to）" and error["fields"] == {"from": "要早于 to"}
    same = await as_admin.get("/api/v1/stats/activities", params={"from": "2026-11-24", "to": "2026-11-24"})
    assert same.status == 422
    resp = await as_admin.get("/api/v1/stats/activities", params={"from": "2026-02-30"})
    error = (await resp.json())["error"]
    assert resp.status == 422 and error["message"] == "from 不是真实的日期或时间"
    resp = await as_admin.get("/api/v1/stats/activities", params={"to": "下个月"})
    assert resp.status == 422 and "to" in (await resp.json())["error"]["fields"]
