"""Whoever may not see phone numbers may not search by them: a viewer's q matches names only, or a
leader could rebuild any number digit by digit from which searches find somebody."""
from __future__ import annotations

import pytest

# The office of tests/admin/conftest.py: 张建国 13800000001 (王芳's), 赵淑芬 13800000002 (李强's).


async def names(client, q: str) -> tuple[int, list[str]]:
    resp = await client.get("/api/v1/retirees", params={"q": q})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    return body["total"], [r["name"] for r in body["items"]]


async def test_an_admin_finds_retirees_by_part_of_a_phone_number(as_admin):
    assert await names(as_admin, "1380") == (2, ["张建国", "赵淑芬"])
    assert await names(as_admin, "13800000002") == (1, ["赵淑芬"])


@pytest.mark.parametrize("q", ["1380", "138000", "13800000001", "0001", "1"])
async def test_a_viewer_finds_nobody_by_phone_digits(as_admin, as_viewer, q):
    await names(as_admin, q)  # an admin's count of the same search is not served to the viewer either
    assert await names(as_viewer, q) == (0, [])


async def test_a_viewer_still_finds_retirees_by_name(as_viewer):
    assert await names(as_viewer, "建国") == (1, ["张建国"])


async def test_a_liaison_finds_their_own_retirees_by_phone(as_wang):
    assert await names(as_wang, "1380") == (1, ["张建国"])
