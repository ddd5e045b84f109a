"""Shared fixtures: a migrated database on disk, a controllable clock, the services."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.chromium import browser  # noqa: F401 (the fixture, for every browser test)
from tests.factories import make_settings
from yinling.clock import FakeClock
from yinling.services import Services, build_services
from yinling.store.database import Database
from yinling.store.migrate import migrate

START = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai, a Monday


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(ZoneInfo("Asia/Shanghai"), START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "yinling.db"


@pytest.fixture
async def db(db_path: Path):
    database = await Database.connect(db_path)
    await migrate(database)
    yield database
    await database.close()


@pytest.fixture
def settings(db_path: Path):
    return make_settings(db_path)


@pytest.fixture
def services(settings, db, clock) -> Services:
    return build_services(settings, db, clock)


@pytest.fixture
def office_admin():
    """An admin acting through the staff API (services take an Actor)."""
    from yinling.models import Actor, Staff

    return Actor(staff=Staff(id=1, username="admin", display_name="王芳", role="admin"), ip="127.0.0.1")
