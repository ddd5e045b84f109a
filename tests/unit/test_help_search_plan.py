"""The triage search remembers for a while whether its words match few requests (yinling/store/help.py
_few_found): only how the page is read depends on it, so a remembered answer that has gone stale
still lists and counts every matching request."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import START
from tests.factories import add_retiree
from yinling.models import HelpFilter
from yinling.store import help as help_store

NOW = START + timedelta(days=3)


async def add_requests(db, retiree: int, summaries: list[str], first: int) -> list[int]:
    async with db.transaction() as tx:
        ids = []
        for i, summary in enumerate(summaries, start=first):
            created, due = START + timedelta(hours=i), START + timedelta(days=9, hours=i)
            ids.append(await help_store.create(
                tx, retiree_id=retiree, category="其他", priority="normal", assignee_id=None, summary=summary,
                now=created, first_response_due=due, resolution_due=due))
        return ids


async def test_a_stale_few_matches_answer_still_lists_and_counts_every_match(db, clock, monkeypatch):
    monkeypatch.setattr(help_store, "FEW", 2)
    retiree = await add_retiree(db, clock)
    first = await add_requests(db, retiree, ["厨房水管漏水", "灯不亮"], 0)
    open_by_due = HelpFilter(q="水管", status="new")  # narrowed and sorted by due: the plan asks how many match

    async def listed() -> tuple[list[int], int]:
        page = await help_store.page(db, open_by_due, scope_liaison_id=None, me=0, now=NOW, sort="due", limit=20,
                                     offset=0)
        return [r.id for r in page], await help_store.count(db, open_by_due, scope_liaison_id=None, me=0, now=NOW)

    assert await listed() == ([first[0]], 1)  # few: remembered as few
    more = await add_requests(db, retiree, ["卫生间水管坏了", "水管冻住了", "阳台水管滴水"], 2)  # now many
    assert await listed() == ([first[0], *more], 4)
    help_store._FEW_SEEN.clear()  # asked afresh: many, read row by row
    assert await listed() == ([first[0], *more], 4)
