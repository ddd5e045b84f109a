"""The roster list's search and totals (yinling/store/roster_search.py) against the plain answer.

Its name and phone pieces and its tallies are kept by triggers (migration 0017): after the roster has
been written every way the product writes it (one by one, in bulk, edited, reassigned, bound,
unreachable, erased), every filter, search and page must find the same people, with the same total,
as reading every row would."""
from __future__ import annotations

import json
import random
import shutil
from datetime import date, timedelta

import pytest

from tests.factories import add_retiree
from yinling.models import AGED_TAG, RETIREE_TAGS, RetireeFields, RosterFilter
from yinling.services.roster import aged_cutoff
from yinling.store import retirees as retiree_store
from yinling.store import roster_search
from yinling.store import staff as staff_store
from yinling.store.database import Database
from yinling.store.migrate import MIGRATIONS_DIR, migrate

TODAY = date(2026, 11, 23)
CUTOFF = aged_cutoff(TODAY)
NAMES = ["张建国", "张建", "王建国", "李秀英", "Li Ming", "li ming", "LI MINGHUA", "王%_国", "欧阳建国", "建", "张三",
         "赵淑芬"]
QUERIES = ["张", "建", "建国", "张建国", "欧阳建国", "li", "LI M", "Ming", "%", "_", "%_", "王%", "国", "芬x", "",
           "138", "1380", "13800000001", "0001", "5678", "8", "38", "+86", "张3", "1", "678", "100", "888", "+14"]


async def _staff(db: Database, clock) -> list[int]:
    async with db.transaction() as tx:
        return [await staff_store.insert(tx, username=f"l{i}", display_name=f"干部{i}", role="liaison",
                                         now=clock.now()) for i in range(3)]


def _person(rng: random.Random, liaisons: list[int]) -> RetireeFields:
    birth = rng.choice([None, CUTOFF, CUTOFF + timedelta(days=1), CUTOFF - timedelta(days=40),
                        date(1930, 1, 1), date(1960, 6, 1), CUTOFF.replace(day=1)])
    phones = rng.sample(["13800000001", "13912345678", "18656785678", "0931888888", "+14155550100",
                         "13800001380", "15000000008"], rng.randrange(3))
    tags = tuple(rng.sample(RETIREE_TAGS, rng.randrange(3)))
    return RetireeFields(name=rng.choice(NAMES), birth_date=birth, phones=tuple(phones),
                         liaison_id=rng.choice([None, *liaisons]), tags=tags)


async def _written_every_way(db: Database, clock, rng: random.Random) -> list[int]:
    """A roster made and changed through every store write there is; returns the liaisons."""
    liaisons = await _staff(db, clock)
    now = clock.now()
    async with db.transaction() as tx:
        ids = await retiree_store.insert_records(tx, [_person(rng, liaisons) for _ in range(40)], now=now)
        ids += [await retiree_store.insert_record(tx, _person(rng, liaisons), now=now) for _ in range(20)]
    for retiree_id in rng.sample(ids, 25):  # edits: a new name, liaison, birth date, tags or phones
        async with db.transaction() as tx:
            await retiree_store.update_record(tx, retiree_id, _person(rng, liaisons), now=now)
    async with db.transaction() as tx:
        for n, retiree_id in enumerate(rng.sample(ids, 20)):
            await retiree_store.bind_telegram(tx, retiree_id, user_id=9000 + n, chat_id=9000 + n, now=now)
        for retiree_id in rng.sample(ids, 12):
            await retiree_store.mark_unreachable(tx, retiree_id, reason="blocked", now=now)
        for retiree_id in rng.sample(ids, 4):
            await retiree_store.mark_reachable(tx, retiree_id, now=now)
        for retiree_id in rng.sample(ids, 8):
            await retiree_store.erase(tx, retiree_id, now=now)
    return liaisons


async def _everyone(db: Database) -> list[dict]:
    rows = await db.fetch_all(
        "SELECT r.id, r.name, r.birth_date, r.liaison_id, r.reachable, r.telegram_user_id IS NOT NULL AS bound,"
        " (SELECT json_group_array(phone) FROM retiree_phones WHERE retiree_id = r.id) AS phones,"
        " (SELECT json_group_array(tag) FROM retiree_tags WHERE retiree_id = r.id) AS tags"
        " FROM retirees r WHERE r.deleted_at IS NULL ORDER BY r.id")
    return [{**dict(row), "phones": json.loads(row["phones"]), "tags": json.loads(row["tags"])} for row in rows]


def _fold(text: str) -> str:  # as LIKE compares: ASCII letters without case, nothing else folded
    return text.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


def _expected(everyone: list[dict], f: RosterFilter, scope: int | None) -> list[int]:
    def keeps(p: dict) -> bool:
        if f.q and _fold(f.q) not in _fold(p["name"]) and not (f.q_phones and any(f.q in n for n in p["phones"])):
            return False
        if f.tag == AGED_TAG and not (p["birth_date"] and p["birth_date"] <= CUTOFF.isoformat()):
            return False
        return ((f.tag in (None, AGED_TAG) or f.tag in p["tags"]) and scope in (None, p["liaison_id"])
                and f.liaison_id in (None, p["liaison_id"]) and f.bound in (None, bool(p["bound"]))
                and f.reachable in (None, bool(p["reachable"])))

    return [p["id"] for p in everyone if keeps(p)]


async def _listed(db: Database, f: RosterFilter, scope: int | None, *, limit: int, offset: int
                  ) -> tuple[list[int], int]:
    items, total = await roster_search.page(db, f, scope_liaison_id=scope, aged_cutoff=CUTOFF, today=TODAY,
                                            limit=limit, offset=offset, fields=("id",))
    return [json.loads(item.body)["id"] for item in items], total


def _filters(rng: random.Random, liaisons: list[int]) -> tuple[RosterFilter, int | None]:
    f = RosterFilter(
        tag=rng.choice([None, None, AGED_TAG, *RETIREE_TAGS]), liaison_id=rng.choice([None, None, *liaisons]),
        q=rng.choice([None, None, *QUERIES]) or None, q_phones=rng.random() < 0.7,
        bound=rng.choice([None, None, True, False]), reachable=rng.choice([None, None, True, False]))
    return f, rng.choice([None, None, *liaisons])


async def _check(db: Database, liaisons: list[int], rng: random.Random, rounds: int = 300) -> None:
    everyone = await _everyone(db)
    for _ in range(rounds):
        f, scope = _filters(rng, liaisons)
        want = _expected(everyone, f, scope)
        size = rng.choice([3, 7, 100])
        for offset in range(0, len(want) + size, size):  # every page, and one past the last
            ids, total = await _listed(db, f, scope, limit=size, offset=offset)
            assert (ids, total) == (want[offset:offset + size], len(want)), (f, scope, offset)


async def test_every_filter_search_and_page_finds_what_reading_every_row_finds(db, clock):
    rng = random.Random(14)
    liaisons = await _written_every_way(db, clock, rng)
    await _check(db, liaisons, rng)


@pytest.mark.parametrize("q", ["王%", "%", "_国", "li m", "LI"])
async def test_a_search_means_what_like_meant_wildcards_are_plain_and_latin_letters_have_no_case(db, clock, q):
    for name in ("王%_国", "王五国", "Li Ming", "LI MINGHUA", "李明"):
        await add_retiree(db, clock, name=name, phone=None)
    everyone = await _everyone(db)
    ids, total = await _listed(db, RosterFilter(q=q), None, limit=20, offset=0)
    assert ids == _expected(everyone, RosterFilter(q=q), None) and total == len(ids) > 0


async def test_an_erased_retiree_leaves_no_piece_of_their_name_or_phones_and_is_counted_out(db, clock):
    kept = await add_retiree(db, clock, name="张建国", phone="13800000001", tags=("空巢",))
    gone = await add_retiree(db, clock, name="李秀英", phone="13912345678", tags=("空巢",))
    async with db.transaction() as tx:
        await retiree_store.erase(tx, gone, now=clock.now())
    for table in ("retiree_name_grams", "retiree_phone_grams"):
        assert await db.fetch_value(f"SELECT count(*) FROM {table} WHERE retiree_id = ?", (gone,)) == 0
    for q in ("李秀英", "秀", "1391234", "5678", "已删除"):
        assert await _listed(db, RosterFilter(q=q), None, limit=20, offset=0) == ([], 0)
    assert await _listed(db, RosterFilter(q="138"), None, limit=20, offset=0) == ([kept], 1)
    assert await _listed(db, RosterFilter(tag="空巢"), None, limit=20, offset=0) == ([kept], 1)
    assert await _listed(db, RosterFilter(), None, limit=20, offset=0) == ([kept], 1)


async def test_a_second_phone_sharing_pieces_with_a_removed_one_is_still_found(db, clock):
    retiree_id = await add_retiree(db, clock, name="张建国", phone=None, phones=("13800005678", "13900005678"))
    async with db.transaction() as tx:
        await retiree_store.update_record(tx, retiree_id, RetireeFields(name="张建国", phones=("13900005678",)),
                                          now=clock.now())
    assert await _listed(db, RosterFilter(q="0000567"), None, limit=20, offset=0) == ([retiree_id], 1)
    assert await _listed(db, RosterFilter(q="1380000"), None, limit=20, offset=0) == ([], 0)


async def test_a_roster_written_before_the_migration_is_found_and_counted_after_it(tmp_path, clock):
    older = tmp_path / "migrations"
    older.mkdir()
    for path in MIGRATIONS_DIR.glob("*.sql"):
        if int(path.name[:4]) < 17:
            shutil.copy(path, older / path.name)
    db = await Database.connect(tmp_path / "old.db")
    try:
        await migrate(db, older)
        rng = random.Random(15)
        liaisons = await _written_every_way(db, clock, rng)
        await migrate(db)
        await _check(db, liaisons, rng, rounds=100)
    finally:
        await db.close()
