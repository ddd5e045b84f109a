"""Roster list under load: 100,000 retirees, 32 concurrent connections, page cache off, as an admin.

Two workloads against GET /api/v1/retirees, each beside a bare aiohttp JSON endpoint serving a page
of the same size (same machine, same run): plain pages, and what staff do when looking for someone —
filters (tag, 高龄, liaison, reachable, bound, and two at once) and a search `q` by one to three
characters of a name or by part of a phone number. Figures: req/s, p50 and p99 latency of each, the
ratio to the bare endpoint measured beside it, and whether the issue's targets are met (filters and
search: p99 <= 20 ms and >= 0.3 of bare). The list's totals are counted afresh on every request
(the roster service keeps no memo of them)."""
from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bench.common import Figures, api_beside_bare, load_figures
from yinling.models import RETIREE_TAGS, RetireeFields
from yinling.passwords import hash_password
from yinling.store import retirees as retiree_store
from yinling.store import staff as staff_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ("建国秀英德明淑芬志强桂兰振华玉梅国庆长林丽华守仁春梅文彬海涛永红卫东学军素珍凤英金凤玉兰"
         "宝山福来树森广才秋菊冬梅荣光耀祖光明正义")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "177", "180", "181", "182", "183", "186", "187", "188", "189")
PASSWORD = "bench-password-1"
TARGET_P99_MS = 20.0
TARGET_RATIO = 0.3
Paths = Callable[[random.Random], str]


@dataclass(frozen=True)
class Office:
    """What the seeded office holds that the workloads ask about."""

    names: list[str]
    phones: list[str]
    liaisons: list[int]


async def seed_staff(tx, now: datetime) -> list[int]:
    """50 liaisons and the admin the benchmark logs in as; returns the liaisons' ids."""
    liaisons = [await staff_store.insert(tx, username=f"liaison{i}", display_name=f"干部{i}", role="liaison",
                                         now=now) for i in range(50)]
    await staff_store.insert(tx, username="admin", display_name="管理员", role="admin",
                             password_hash=hash_password(PASSWORD), now=now)
    return liaisons


def _person(rng: random.Random, liaisons: list[int]) -> RetireeFields:
    """A name of two or three characters, one phone (sometimes two), a birth date 1925-1965."""
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2, 2, 2))))
    count = 2 if rng.random() < 0.1 else 1
    phones = tuple(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}" for _ in range(count))
    return RetireeFields(
        name=name, birth_date=date(1925 + rng.randrange(41), rng.randrange(1, 13), rng.randrange(1, 28)),
        phones=phones, liaison_id=rng.choice(liaisons), address=f"幸福路{rng.randrange(1, 999)}号",
        tags=tuple(rng.sample(RETIREE_TAGS, rng.choice((0, 0, 1, 1, 2)))), party_member=rng.random() < 0.6,
    )


async def seed(path: Path, count: int) -> Office:
    """`count` retirees; about 40% bound to Telegram, and 5% not reachable."""
    db = await Database.connect(path)
    await migrate(db)
    rng = random.Random(7)
    now = datetime.now(UTC)
    names: list[str] = []
    phones: list[str] = []
    async with db.transaction() as tx:
        liaisons = await seed_staff(tx, now)
        batch: list[RetireeFields] = []
        for i in range(count):
            person = _person(rng, liaisons)
            names.append(person.name)
            phones.extend(person.phones)
            batch.append(person)
            if len(batch) == 10_000 or i == count - 1:
                await retiree_store.insert_records(tx, batch, now=now)
                batch = []
        await tx.execute("UPDATE retirees SET telegram_user_id = 5000000000 + id, telegram_chat_id = 5000000000 + id"
                         " WHERE abs(random()) % 5 < 2")
        await tx.execute("UPDATE retirees SET reachable = 0 WHERE abs(random()) % 20 = 0")
    await db.close()
    return Office(names, phones, liaisons)


def page_requests(rng: random.Random) -> str:
    return f"/api/v1/retirees?page={rng.randrange(1, 51)}&per_page=20"


def name_part(rng: random.Random, names: list[str]) -> str:
    """One to three characters of somebody's name, as staff type them: 王, 建国, 王建国, 秀."""
    name = rng.choice(names)
    size = min(len(name), rng.choice((1, 2, 2, 3)))
    start = rng.randrange(len(name) - size + 1)
    return name[start:start + size]


def phone_part(rng: random.Random, phones: list[str]) -> str:
    """The last four digits, the first seven, or the whole number."""
    phone = rng.choice(phones)
    return rng.choice((phone[-4:], phone[:7], phone))


def searches(office: Office) -> Paths:
    """What staff do when looking for someone: filters, two filters at once, a name, a phone number."""
    def path(rng: random.Random) -> str:
        roll = rng.random()
        page = f"page={rng.randrange(1, 6)}"
        liaison = f"liaison_id={rng.choice(office.liaisons)}"
        if roll < 0.12:
            return f"/api/v1/retirees?tag={rng.choice(RETIREE_TAGS)}&{page}"
        if roll < 0.20:
            return f"/api/v1/retirees?tag=高龄&{page}"
        if roll < 0.30:
            return f"/api/v1/retirees?{liaison}"
        if roll < 0.36:
            return f"/api/v1/retirees?reachable=false&{page}"
        if roll < 0.42:
            return f"/api/v1/retirees?{liaison}&{rng.choice(('tag=高龄', 'bound=false', 'reachable=true'))}"
        if roll < 0.46:
            return f"/api/v1/retirees?tag={rng.choice(RETIREE_TAGS)}&bound={rng.choice(('true', 'false'))}"
        if roll < 0.70:
            return f"/api/v1/retirees?q={name_part(rng, office.names)}"
        if roll < 0.76:
            return f"/api/v1/retirees?q={name_part(rng, office.names)}&{rng.choice(('tag=高龄', liaison))}"
        return f"/api/v1/retirees?q={phone_part(rng, office.phones)}"

    return path


async def measure(path: Path, office: Office, seconds: float) -> dict[str, Figures]:
    """Pages, the bare endpoint, filters and search, the bare endpoint again: one server process, its
    page cache off, warmed first. The bare endpoint is measured beside each workload, as the machine's
    load drifts (two cores shared)."""
    login = {"username": "admin", "password": PASSWORD}
    async with api_beside_bare(path, "/api/v1/retirees?per_page=20", login, page_cache=False) as (api, bare, headers):
        await load_figures(api, searches(office), headers, min(2.0, seconds))  # the OS's and SQLite's caches
        return {
            "pages": await load_figures(api, page_requests, headers, seconds),
            "bare (pages)": await load_figures(bare, lambda rng: "", {}, seconds),
            "search": await load_figures(api, searches(office), headers, seconds),
            "bare (search)": await load_figures(bare, lambda rng: "", {}, seconds),
        }


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


async def main(count: int = 100_000, seconds: float = 10.0) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.db"
        t = time.perf_counter()
        office = await seed(path, count)
        seeded = time.perf_counter() - t
        runs = await measure(path, office, seconds)
    pages, search = runs["pages"], runs["search"]
    pages_ratio, ratio = pages.rate / runs["bare (pages)"].rate, search.rate / runs["bare (search)"].rate
    line = (
        f"roster list: {count} retirees (seeded in {seeded:.1f} s), 32 connections, {seconds:.0f} s each,"
        f" page cache off, as an admin:\n"
        f"  GET /api/v1/retirees, pages 1-50                  {pages.line()}\n"
        f"  bare aiohttp JSON endpoint (same page)            {runs['bare (pages)'].line()}\n"
        f"  filters and search (name 1-3 chars, phone part)   {search.line()}\n"
        f"  bare aiohttp JSON endpoint (same page)            {runs['bare (search)'].line()}\n"
        f"  ratio to bare: pages {pages_ratio:.2f}, filters and search {ratio:.2f}\n"
        f"  targets, filters and search: p99 <= {TARGET_P99_MS:.0f} ms {_verdict(search.p99 <= TARGET_P99_MS)}"
        f" ({search.p99:.1f}), >= {TARGET_RATIO} of bare {_verdict(ratio >= TARGET_RATIO)} ({ratio:.2f})"
    )
    print(line, flush=True)
    return [line]
