"""The triage list's store (yinling/store/help.py page, count, counts) reads indexes, a search index and
a table of counts instead of every row; whatever it reads, it lists the same requests in the same order
as the plain query over every row (kept here as the reference), and counts them the same (a search's
total up to SEARCH_CAP). Writes from anywhere keep the counts and the search index right."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from tests.conftest import START
from tests.factories import add_liaison, add_retiree
from yinling.clock import to_iso
from yinling.models import HelpFilter
from yinling.store import help as help_store

NOW = START + timedelta(days=30)
WORDS = ["家里水管漏水", "需要人帮忙买菜", "Help ME please", "100%满意_了\\", "", 'say "hi"', "水", "医院复查，腿疼",
         "王建国的老伴住院了", "灯不亮"]
SEARCHES = ["水", "水管", "水管漏", "漏水", "买菜", "zhang", "ZHANG", "me", "100%", "_", "\\", '"', "王", "李明",
            "建国", "不存在的词", "x\x00y", "了", "院"]
SORTS = ["newest", "oldest", "priority", "due"]


def reference_where(f: HelpFilter, *, scope: int | None, me: int) -> tuple[str, dict]:
    """The list's conditions as they were before any index was chosen: every row, joined to its retiree."""
    clauses, params = [], {"now": to_iso(NOW)}
    if f.status in (None, "closed"):
        clauses.append("h.merged_into IS NULL")
    if scope is not None:
        clauses.append("r.liaison_id = :scope")
        params["scope"] = scope
    for column in ("status", "category", "priority"):
        if getattr(f, column):
            clauses.append(f"h.{column} = :{column}")
            params[column] = getattr(f, column)
    if f.assignee == "me":
        clauses.append("h.assignee_id = :me")
        params["me"] = me
    elif f.assignee == "unassigned":
        clauses.append("h.assignee_id IS NULL")
    elif f.assignee is not None:
        clauses.append("h.assignee_id = :assignee")
        params["assignee"] = f.assignee
    if f.retiree_id:
        clauses.append("h.retiree_id = :retiree")
        params["retiree"] = f.retiree_id
    if f.overdue is not None:
        clauses.append(("" if f.overdue else "NOT ") + help_store.OVERDUE)
    if f.q:
        clauses.append("(h.summary LIKE :q ESCAPE '\\' OR r.name LIKE :q ESCAPE '\\')")
        params["q"] = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return " AND ".join(clauses) or "1 = 1", params


async def reference(db, f: HelpFilter, *, scope: int | None, me: int, sort: str) -> list[int]:
    where, params = reference_where(f, scope=scope, me=me)
    rows = await db.fetch_all(f"SELECT h.id FROM help_requests h JOIN retirees r ON r.id = h.retiree_id WHERE {where}"
                              f" ORDER BY {help_store.SORTS[sort]}", params)
    return [r["id"] for r in rows]


@pytest.fixture
async def office(db, clock):
    """Two liaisons' retirees with requests of every status, priority and kind of assignee; a merged one, a
    merged one reopened, overdue and not, words with letters, %, _, quotes; a retiree renamed and a summary
    erased after they were indexed."""
    rng = random.Random(3)
    a, b = await add_liaison(db, clock), await add_liaison(db, clock, username="li", name="李明", phone=None)
    me = await add_liaison(db, clock, username="me", name="我", phone=None)
    people = [await add_retiree(db, clock, name=name, phone=None, liaison_id=liaison)
              for name, liaison in (("王建国", a), ("Zhang Wei", a), ("李明", b), ("张%_三", b), ("赵", None))]
    ids = []
    async with db.transaction() as tx:
        for i in range(70):
            created = START + timedelta(hours=7 * i)
            ids.append(await help_store.create(
                tx, retiree_id=rng.choice(people), category=rng.choice(["生活照料", "医疗健康", "其他"]),
                priority=rng.choice(["low", "normal", "high", "urgent"]), assignee_id=rng.choice([None, a, b, me]),
                summary=rng.choice(WORDS), now=created,
                first_response_due=created + timedelta(hours=rng.choice([2, 99])),
                resolution_due=created + timedelta(days=rng.choice([1, 60]))))
        for request_id in ids:
            status = rng.choice(["new", "open", "pending", "resolved", "closed"])
            answered = {"first_response_at": NOW} if rng.random() < 0.5 else {}
            await help_store.update(tx, request_id, now=NOW, status=status, **answered)
        await help_store.update(tx, ids[1], now=NOW, status="closed", merged_into=ids[0])
        await help_store.update(tx, ids[2], now=NOW, status="open", merged_into=ids[0])  # merged, then reopened
    await db.write("UPDATE retirees SET name = '李明明' WHERE id = :id", {"id": people[0]})  # was 王建国
    await db.write("UPDATE help_requests SET summary = '' WHERE id = :id", {"id": ids[3]})  # as erasure does
    return {"a": a, "b": b, "me": me, "people": people, "ids": ids}


def some_filters(office) -> list[HelpFilter]:
    rng = random.Random(5)
    choices = {
        "status": [None, "new", "open", "pending", "resolved", "closed"],
        "category": [None, "生活照料", "其他"],
        "priority": [None, "urgent", "low"],
        "assignee": [None, "me", "unassigned", office["a"]],
        "retiree_id": [None, office["people"][1]],
        "overdue": [None, True, False],
        "q": [None, *SEARCHES],
    }
    singles = [HelpFilter(**{name: value}) for name, values in choices.items() for value in values[1:]]
    mixed = [HelpFilter(**{name: rng.choice(values) for name, values in choices.items()}) for _ in range(120)]
    return [HelpFilter(), *singles, *mixed]


@pytest.mark.parametrize(("few", "cap"), [(help_store.FEW, help_store.SEARCH_CAP), (0, 3)])
async def test_every_filter_and_order_lists_and_counts_what_the_plain_query_does(db, office, monkeypatch, few, cap):
    monkeypatch.setattr(help_store, "FEW", few)  # 0: every search is read as one matching many requests
    monkeypatch.setattr(help_store, "SEARCH_CAP", cap)
    me = office["me"]
    for f in some_filters(office):
        for scope in (None, office["a"]):
            expected_total = None
            for sort in SORTS:
                expected = await reference(db, f, scope=scope, me=me, sort=sort)
                for offset, limit in ((0, 100), (2, 3)):
                    page = await help_store.page(db, f, scope_liaison_id=scope, me=me, now=NOW, sort=sort,
                                                 limit=limit, offset=offset)
                    assert [r.id for r in page] == expected[offset:offset + limit], (f, scope, sort, offset)
                expected_total = len(expected)
            total = await help_store.count(db, f, scope_liaison_id=scope, me=me, now=NOW)
            assert total == (min(expected_total, cap) if f.q else expected_total), (f, scope)


async def test_the_search_finds_pieces_of_one_character_or_more_and_follows_renames_and_erasure(db, office):
    def found(q: str):
        return help_store.page(db, HelpFilter(q=q), scope_liaison_id=None, me=office["me"], now=NOW, sort="newest",
                               limit=100, offset=0)

    renamed = office["people"][0]
    assert {r.retiree_id for r in await found("李明明")} == {renamed}
    assert all(r.retiree_id != renamed or "王" in r.summary for r in await found("王建国"))
    assert office["ids"][3] not in {r.id for r in await found(next(w for w in WORDS if w))}
    assert {r.summary for r in await found("菜")} == {"需要人帮忙买菜"}


async def test_the_counts_table_and_the_headline_numbers_follow_every_write(db, office):
    tallied = await db.fetch_all("SELECT status, category, priority, assignee_id, merged, n FROM help_request_counts"
                                 " WHERE n > 0 ORDER BY 1, 2, 3, 4, 5")
    counted = await db.fetch_all(
        "SELECT status, category, priority, coalesce(assignee_id, 0), merged_into IS NOT NULL, count(*)"
        " FROM help_requests GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")
    assert [tuple(r) for r in tallied] == [tuple(r) for r in counted]
    for scope in (None, office["a"], office["b"]):
        headline = await help_store.counts(db, scope_liaison_id=scope, me=office["me"], now=NOW)
        expected = {}
        for name, f in (("mine", HelpFilter(assignee="me")), ("unassigned", HelpFilter(assignee="unassigned")),
                        ("all", HelpFilter()), ("overdue", HelpFilter(overdue=True))):
            where, params = reference_where(f, scope=scope, me=office["me"])
            where = where.replace("h.merged_into IS NULL", "1 = 1")  # open ones: merged or not, as before
            row = await db.fetch_one("SELECT count(*) AS n FROM help_requests h JOIN retirees r ON r.id = h.retiree_id"
                                     f" WHERE {help_store.OPEN} AND {where}", params)
            expected[name] = row["n"]
        assert headline == expected, scope
