"""A JSON body is read whole, however it arrives: a slow or chunked client's pieces are joined (not
refused as invalid JSON after the first), up to the size limit (413 beyond it)."""
from __future__ import annotations

import asyncio
import json

from admin.parsing import JSON_BODY_LIMIT

ACTIVITY = {
    "title": "重阳节登山", "kind": "文体比赛", "place": "皋兰山公园东门", "description": "量力而行，备好饮水。",
    "starts_at": "2026-11-28T09:00:00+08:00", "ends_at": "2026-11-28T11:30:00+08:00", "capacity": 40,
}


def in_pieces(data: bytes, pieces: int, pause: float = 0.02):
    """An async generator body: aiohttp sends it chunked (Transfer-Encoding: chunked, no Content-Length),
    a piece at a time with a pause between, as a slow connection delivers it."""
    size = -(-len(data) // pieces)

    async def body():
        for start in range(0, len(data), size):
            await asyncio.sleep(pause)
            yield data[start:start + size]

    return body()


async def test_a_body_sent_in_several_delayed_pieces_is_read_whole(as_admin):
    data = json.dumps(ACTIVITY, ensure_ascii=False).encode()
    resp = await as_admin.post("/api/v1/activities", data=in_pieces(data, 5),
                               headers={"Content-Type": "application/json"})
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    stored = await (await as_admin.get(f"/api/v1/activities/{created['id']}")).json()
    assert (stored["title"], stored["place"], stored["description"], stored["capacity"]) == (
        "重阳节登山", "皋兰山公园东门", "量力而行，备好饮水。", 40)


async def test_a_patch_in_pieces_changes_what_it_says(as_admin):
    created = await (await as_admin.post("/api/v1/activities", json=ACTIVITY)).json()
    data = json.dumps({"place": "五泉山公园正门", "capacity": 60}, ensure_ascii=False).encode()
    resp = await as_admin.patch(f"/api/v1/activities/{created['id']}", data=in_pieces(data, 4),
                                headers={"Content-Type": "application/json"})
    assert resp.status == 200, await resp.text()
    assert ((await resp.json())["place"], (await resp.json())["capacity"]) == ("五泉山公园正门", 60)


async def test_a_chunked_body_over_the_limit_is_413(as_admin):
    data = json.dumps({**ACTIVITY, "description": "长" * JSON_BODY_LIMIT}, ensure_ascii=False).encode()
    resp = await as_admin.post("/api/v1/activities", data=in_pieces(data, 16, pause=0.005),
                               headers={"Content-Type": "application/json"})
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "too_large"
    assert (await (await as_admin.get("/api/v1/activities")).json())["total"] == 0
