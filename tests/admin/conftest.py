"""The staff API in-process (pytest-aiohttp), with an office of four staff and a small roster."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from admin.app import create_app
from tests.factories import add_retiree
from yinling.passwords import hash_password
from yinling.store import staff as staff_store

PASSWORD = "correct-horse-9"
_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once for all tests


@dataclass
class Office:
    admin: int
    wang: int  # liaison 王芳
    li: int  # liaison 李强
    viewer: int
    wang_retiree: int
    li_retiree: int


@pytest.fixture
async def office(db, clock) -> Office:
    return await seed_office(db, clock)


async def seed_office(db, clock) -> Office:
    """Four staff (admin, two liaisons, a viewer) and a retiree for each liaison."""
    ids = {}
    async with db.transaction() as tx:
        for username, name, role in (("admin", "刘主任", "admin"), ("wangfang", "王芳", "liaison"),
                                     ("liqiang", "李强", "liaison"), ("leader", "李局长", "viewer")):
            ids[username] = await staff_store.insert(tx, username=username, display_name=name, role=role,
                                                     password_hash=_HASH, now=clock.now())
    wang_retiree = await add_retiree(db, clock, name="张建国", phone="13800000001", liaison_id=ids["wangfang"],
                                     address="幸福路1号", health_notes="高血压", sensitive_consent=True,
                                     tags=("独居",))
    li_retiree = await add_retiree(db, clock, name="赵淑芬", phone="13800000002", liaison_id=ids["liqiang"])
    return Office(ids["admin"], ids["wangfang"], ids["liqiang"], ids["leader"], wang_retiree, li_retiree)


@pytest.fixture
async def api(aiohttp_client, settings, services, office):
    return await aiohttp_client(create_app(settings, services))


class Client:
    """A logged-in staff member."""

    def __init__(self, api, token: str) -> None:
        self.api = api
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        call = getattr(self.api, method)

        def with_auth(*args, **kwargs):
            kwargs["headers"] = {**self.headers, **kwargs.get("headers", {})}
            return call(*args, **kwargs)

        return with_auth


async def login(api, username: str, password: str = PASSWORD) -> Client:
    resp = await api.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert resp.status == 200, await resp.text()
    return Client(api, (await resp.json())["token"])


@pytest.fixture
async def as_admin(api):
    return await login(api, "admin")


@pytest.fixture
async def as_wang(api):
    return await login(api, "wangfang")


@pytest.fixture
async def as_li(api):
    return await login(api, "liqiang")


@pytest.fixture
async def as_viewer(api):
    return await login(api, "leader")
