"""The help-request triage list with 1,000,000 requests in the database, at 32 concurrent
connections, beside a bare aiohttp JSON endpoint serving the same page, with the one-second page
cache on and off (issue 14's targets, cache off: p99 <= 20 ms and >= 0.3 of the bare endpoint's
throughput).

The workload is what a triage screen asks for: pages of the open queue in each sort, filters by
status, category, priority, assignee and overdue, searches for a few characters of a summary or a
name, and pages deep into everything. With the page cache off, almost every request asks the database.

    python -m bench help --requests 1000000
    YINLING_BENCH_HELP_DB=/tmp/help.db python -m bench help   # seeds that file once, then reuses it
"""
from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import Figures, api_beside_bare, load_figures
from bench.roster import GIVEN, PASSWORD, SURNAMES, seed_staff
from yinling.models import HELP_CATEGORIES, RetireeFields
from yinling.store import help as help_store
from yinling.store import retirees as retiree_store
from yinling.store.database import Database
from yinling.store.migrate import migrate

# Summaries as retirees say them: a place, what is wrong, what they ask for.
PLACES = ("厨房", "卫生间", "客厅", "卧室", "阳台", "楼道", "小区门口", "医院", "社区", "单位", "老房子", "电梯")
PROBLEMS = (
    "水管漏水", "灯不亮了", "门锁坏了", "血压偏高", "腿脚疼痛", "想咨询医保报销", "养老金调整的事", "住院需要陪护",
    "心里烦闷", "一个人孤单想聊天", "暖气不热", "下水道堵了", "手机不会用", "看病挂不上号", "药快吃完了",
    "摔了一跤", "眼睛看不清", "房顶漏雨", "燃气灶打不着火", "窗户关不严", "电视没信号", "想办老年证",
    "取暖补贴没到账", "体检报告看不懂", "老伴生病了", "子女不在身边", "要去医院复查", "轮椅坏了", "听力下降",
    "想参加老年大学",
)
ASKS = ("请尽快安排人来看看", "麻烦联系一下", "希望组织上帮忙", "不着急，有空来一趟", "谢谢", "请回个电话",
        "能不能派人上门", "想问问怎么办")
OPEN_STATUSES = ("new", "open", "pending")
SORTS = ("newest", "oldest", "priority", "due")
ADMIN = "admin"  # seed_staff makes 50 liaisons (ids 1-50), then the admin the benchmark logs in as


def summary(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(PROBLEMS)}，{rng.choice(ASKS)}"


def request_row(rng: random.Random, now: datetime, age: timedelta, people: list[int], liaisons: list[int]) -> dict:
    """One request `age` old: the last fortnight's are mostly still being worked on, older ones are
    mostly closed, and a few of those were forgotten (overdue)."""
    created = now - age
    roll = rng.random()
    if age < timedelta(days=14):
        status = "new" if roll < 0.2 else "open" if roll < 0.5 else "pending" if roll < 0.6 else \
            "resolved" if roll < 0.8 else "closed"
    else:
        status = "closed" if roll < 0.95 else "resolved" if roll < 0.98 else "open" if roll < 0.99 else \
            "new" if roll < 0.995 else "pending"
    answered = status != "new"
    return {
        "retiree_id": rng.choice(people), "category": rng.choice(HELP_CATEGORIES),
        "priority": rng.choice(("low",) + ("normal",) * 7 + ("high", "urgent")), "status": status,
        "assignee_id": None if status == "new" and rng.random() < 0.5 else rng.choice(liaisons),
        "summary": summary(rng), "created_at": created,
        "first_response_at": created + timedelta(hours=2) if answered else None,
        "resolved_at": created + timedelta(days=2) if status in ("resolved", "closed") else None,
        "closed_at": created + timedelta(days=3) if status == "closed" else None,
        "first_response_due": created + timedelta(days=1), "resolution_due": created + timedelta(days=7),
        "satisfaction": rng.choice(("满意", "基本满意", "不满意", None)) if status == "closed" else None,
    }


async def seed(path: Path, requests: int, retirees: int = 10_000) -> None:
    db = await Database.connect(path)
    await migrate(db)
    rng = random.Random(11)
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        liaisons = await seed_staff(tx, now)
        people = await retiree_store.insert_records(
            tx, [RetireeFields(name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                               birth_date=date(1940, 1, 1), liaison_id=rng.choice(liaisons))
                 for _ in range(retirees)], now=now)
        await insert_requests(tx, rng, now, requests, people, liaisons)
    await db.close()


async def insert_requests(tx, rng: random.Random, now: datetime, count: int, people: list[int],
                          liaisons: list[int]) -> None:
    """`count` requests, one a minute back from `now` (a million: about two years), oldest first."""
    batch = []
    for i in range(count):
        batch.append(request_row(rng, now, timedelta(minutes=(count - i) * 1.0), people, liaisons))
        if len(batch) == 50_000:
            await help_store.create_many(tx, batch)
            batch = []
    if batch:
        await help_store.create_many(tx, batch)


def search_words(rng: random.Random) -> str:
    """What staff type into the search box: two to four characters of a summary, or part of a name."""
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(SURNAMES) + rng.choice(GIVEN)
    words = rng.choice((rng.choice(PLACES), rng.choice(PROBLEMS), rng.choice(ASKS)))
    size = min(len(words), 2 if roll < 0.4 else rng.choice((3, 4)))
    start = rng.randrange(len(words) - size + 1)
    return words[start:start + size]


def triage_requests(rng: random.Random) -> str:
    """A triage screen: pages of the open queue in each sort, each filter, searches, deep pages."""
    base = "/api/v1/help-requests?"
    sort = f"&sort={rng.choice(SORTS)}"
    status = f"&status={rng.choice(OPEN_STATUSES)}" if rng.random() < 0.5 else ""
    page = f"&page={rng.randrange(1, 6)}"
    roll = rng.random()
    if roll < 0.2:
        return f"{base}status={rng.choice(OPEN_STATUSES)}{sort}{page}"
    if roll < 0.35:
        return f"{base}category={rng.choice(HELP_CATEGORIES)}{status}{sort}{page}"
    if roll < 0.45:
        return f"{base}priority={rng.choice(('urgent', 'high'))}{status}{sort}{page}"
    if roll < 0.6:
        who = rng.choice(("me", "unassigned", str(rng.randrange(1, 51))))
        return f"{base}assignee={who}{status}{sort}{page}"
    if roll < 0.7:
        mine = f"&assignee={rng.randrange(1, 51)}" if rng.random() < 0.3 else ""
        return f"{base}overdue=true{mine}{sort}{page}"
    if roll < 0.85:
        return f"{base}q={search_words(rng)}{status}{sort}&page={rng.randrange(1, 3)}"
    return f"{base}page={rng.randrange(1, 51)}{sort}"


async def measure(path: Path, seconds: float, *, page_cache: bool) -> tuple[Figures, Figures]:
    """The triage workload, then the bare endpoint, against one server process."""
    login = {"username": ADMIN, "password": PASSWORD}
    async with api_beside_bare(path, "/api/v1/help-requests?status=open", login, page_cache=page_cache) as (
            api, bare, headers):
        await load_figures(api, triage_requests, headers, min(2.0, seconds))  # warm the OS and SQLite caches
        ours = await load_figures(api, triage_requests, headers, seconds)
        theirs = await load_figures(bare, lambda rng: "", {}, seconds)
    return ours, theirs


async def seeded(folder: str, count: int) -> tuple[Path, str]:
    """The database to load: YINLING_BENCH_HELP_DB when set (seeded once, then reused), else a fresh one."""
    kept = os.environ.get("YINLING_BENCH_HELP_DB")
    path = Path(kept) if kept else Path(folder) / "help.db"
    if path.exists():
        db = await Database.connect(path)
        await migrate(db)  # a file seeded before a new migration gets it
        held = await db.fetch_value("SELECT count(*) FROM help_requests")
        await db.close()
        return path, f"{held} reused"
    t = time.perf_counter()
    await seed(path, count)
    return path, f"{count} seeded in {time.perf_counter() - t:.0f} s"


async def main(count: int = 1_000_000, seconds: float = 10.0) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path, how = await seeded(folder, count)
        cached, bare_cached = await measure(path, seconds, page_cache=True)
        cold, bare_cold = await measure(path, seconds, page_cache=False)
    line = (
        f"help triage list: requests {how}, 32 connections, {seconds:.0f} s each;\n"
        f"  workload: open queue in 4 sorts, status/category/priority/assignee/overdue filters, search q, deep pages\n"
        f"  GET /api/v1/help-requests, one-second page cache on   {cached.line()}\n"
        f"  bare aiohttp JSON endpoint (same page), same process  {bare_cached.line()}\n"
        f"  GET /api/v1/help-requests, page cache off             {cold.line()}\n"
        f"  bare aiohttp JSON endpoint (same page), same process  {bare_cold.line()}\n"
        f"  ratio to bare: cached {cached.rate / bare_cached.rate:.2f}, uncached {cold.rate / bare_cold.rate:.2f}\n"
        f"  targets (uncached): p99 <= 20 ms ({cold.p99:.1f}), ratio >= 0.3 ({cold.rate / bare_cold.rate:.2f})"
    )
    print(line, flush=True)
    return [line]
