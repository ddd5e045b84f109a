"""The study API: the library (create, patch, withdraw, list), import with a row report, roles, figures."""
from __future__ import annotations

import json

import pytest
from aiohttp import FormData

from tests.admin.conftest import login
from tests.factories import ChatPerson, add_bound_retiree

PIECE = {
    "title": "识别冒充公检法", "topic": "防诈骗", "source": "银龄助手编写",
    "body": "公检法不会打电话让您转账，更没有“安全账户”。接到这种电话，直接挂断。",
    "quiz": {"question": "有人自称警察，让您把钱转到安全账户，怎么办？",
             "options": ["照做", "挂断，打110核实"], "answer": "B", "explanation": "没有安全账户，这是诈骗。"},
}


async def create(client, **changes) -> dict:
    resp = await client.post("/api/v1/study/pieces", json={**PIECE, **changes})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def upload(client, data: bytes, name: str):
    form = FormData()
    form.add_field("file", data, filename=name)
    return await client.post("/api/v1/study/pieces/import", data=form)


async def test_a_piece_is_added_to_the_end_of_the_queue_and_listed(as_admin):
    first = await create(as_admin)
    second = await create(as_admin, title="防范保健品骗局")
    dated = await create(as_admin, title="重阳节", publish_on="2026-12-01")
    assert (first["queue_position"], second["queue_position"]) == (1, 2)
    assert first["quiz"]["answer"] == "B" and first["shown_on"] is None
    assert (dated["publish_on"], dated["queue_position"]) == ("2026-12-01", None)
    listed = await (await as_admin.get("/api/v1/study/pieces")).json()
    assert [p["title"] for p in listed["items"]] == ["重阳节", "识别冒充公检法", "防范保健品骗局"]
    found = await (await as_admin.get("/api/v1/study/pieces", params={"q": "保健品", "topic": "防诈骗"})).json()
    assert [p["id"] for p in found["items"]] == [second["id"]]


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"title": "长" * 61}, "title"),
    ({"body": "字" * 1001}, "body"),
    ({"topic": "养花"}, "topic"),
    ({"quiz": {"question": "?", "options": ["只有一个"], "answer": "A"}}, "quiz.options"),
    ({"quiz": {"question": "?", "options": ["甲", "乙"], "answer": "C"}}, "quiz"),
    ({"quiz": {"question": "?", "options": ["甲", "乙"], "answer": "E"}}, "quiz.answer"),
    ({"publish_on": "2026-02-30"}, "publish_on"),
    ({"publish_on": "2020-01-01"}, "publish_on"),
    ({"queue_position": 0}, "queue_position"),
    ({"color": "red"}, "color"),
])
async def test_a_bad_field_is_named(as_admin, changes, field):
    resp = await as_admin.post("/api/v1/study/pieces", json={**PIECE, **changes})
    assert resp.status == 422, await resp.text()
    assert any(name.startswith(field) for name in (await resp.json())["error"]["fields"])


async def test_two_pieces_on_one_day_conflict_naming_the_date(as_admin):
    await create(as_admin, publish_on="2026-12-01")
    resp = await as_admin.post("/api/v1/study/pieces", json={**PIECE, "publish_on": "2026-12-01"})
    assert resp.status == 409
    assert "publish_on" in (await resp.json())["error"]["fields"]


async def test_patch_changes_what_is_sent_and_null_removes_only_the_quiz(as_admin):
    piece = await create(as_admin)
    resp = await as_admin.patch(f"/api/v1/study/pieces/{piece['id']}", json={"title": "挂断诈骗电话", "quiz": None})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["title"], body["quiz"], body["body"]) == ("挂断诈骗电话", None, PIECE["body"])
    resp = await as_admin.patch(f"/api/v1/study/pieces/{piece['id']}", json={"publish_on": "2026-12-02"})
    assert ((await resp.json())["publish_on"], (await resp.json())["queue_position"]) == ("2026-12-02", None)
    assert (await as_admin.patch(f"/api/v1/study/pieces/{piece['id']}", json={"title": None})).status == 422
    assert (await as_admin.patch("/api/v1/study/pieces/999", json={"title": "x"})).status == 404


async def test_withdrawing_keeps_the_piece_for_the_figures(as_admin):
    piece = await create(as_admin)
    resp = await as_admin.delete(f"/api/v1/study/pieces/{piece['id']}")
    assert resp.status == 200 and (await resp.json())["withdrawn_at"] is not None
    listed = await (await as_admin.get("/api/v1/study/pieces", params={"state": "withdrawn"})).json()
    assert [p["id"] for p in listed["items"]] == [piece["id"]]
    assert (await as_admin.patch(f"/api/v1/study/pieces/{piece['id']}", json={"title": "x"})).status == 409


async def test_roles_viewers_read_staff_write(as_viewer, as_wang):
    piece = await create(as_wang)
    assert (await as_viewer.get(f"/api/v1/study/pieces/{piece['id']}")).status == 200
    assert (await as_viewer.post("/api/v1/study/pieces", json=PIECE)).status == 403
    assert (await as_viewer.delete(f"/api/v1/study/pieces/{piece['id']}")).status == 403
    assert (await upload(as_viewer, b"[]", "x.json")).status == 403


async def test_import_json_adds_all_and_a_bad_file_adds_nothing_with_a_row_report(as_admin):
    good = json.dumps([PIECE, {**PIECE, "title": "第二篇", "quiz": None}], ensure_ascii=False).encode()
    resp = await upload(as_admin, good, "pieces.json")
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["created"] == 2
    bad = json.dumps([{**PIECE, "title": "第三篇"}, {**PIECE, "topic": "养花"}, {"title": "没正文", "topic": "时事"}],
                     ensure_ascii=False).encode()
    resp = await upload(as_admin, bad, "pieces.json")
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert error["fields"] == {"file": "有需要改正的行"}
    assert [(r["line"], r["column"]) for r in error["rows"]] == [(2, "主题"), (3, "正文")]
    assert (await (await as_admin.get("/api/v1/study/pieces")).json())["total"] == 2
    for data, name in ((b"{not json", "x.json"), (b"hello", "x.txt"), (b"[1, 2]", "x.json")):
        resp = await upload(as_admin, data, name)
        error = (await resp.json())["error"]
        assert (resp.status == 422 and "file" in error["fields"]) or error["rows"]


async def test_figures_per_day_and_per_piece(api, as_admin, services, db, clock):
    piece = await create(as_admin)
    readers = []
    for i in range(4):
        retiree_id = await add_bound_retiree(db, clock, 9100 + i)
        readers.append(ChatPerson(services, db, 9100 + i, retiree_id))
        await readers[-1].press("study:time:1900")
    clock.advance(clock.now().replace(hour=11) - clock.now())  # 19:00 in Shanghai
    assert await services.study.do_push_due() == 4
    for person, choice in zip(readers[:3], (1, 1, 0), strict=True):
        await person.press(f"study:done:{piece['id']}")
        await person.press(f"study:ans:{piece['id']}:{choice}")
    as_admin = await login(api, "admin")  # the morning's session has expired by now
    resp = await as_admin.get("/api/v1/stats/study", params={"from": "2026-11-01", "to": "2026-11-30"})
    assert resp.status == 200, await resp.text()
    stats = await resp.json()
    assert stats["from"] == "2026-11-01"
    [day] = stats["days"]
    assert (day["day"], day["pushed"], day["read_by_pushed"], day["read_rate"]) == ("2026-11-23", 4, 3, 0.75)
    assert (day["answered"], day["correct"], day["accuracy"]) == (3, 2, 0.6667)
    [figures] = stats["pieces"]
    assert (figures["piece_id"], figures["readers"], figures["accuracy"]) == (piece["id"], 3, 0.6667)
    bad = await as_admin.get("/api/v1/stats/study", params={"from": "2026-12-01", "to": "2026-11-01"})
    assert bad.status == 422 and "from" in (await bad.json())["error"]["fields"]
