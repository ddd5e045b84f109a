"""The staff inbox's store (yinling/store/inbox.py queue, count, counts) reads open requests from their
indexes and the counts table; it lists and counts exactly what the plain query over every open request
and unanswered message does (kept here as the reference), for every filter, scope and page."""
from __future__ import annotations

from datetime import timedelta

from tests.unit.test_help_queue_store import NOW, office  # noqa: F401 - the same office, as a fixture
from yinling.clock import to_iso
from yinling.models import Inbound
from yinling.store import help as help_store
from yinling.store import inbox as inbox_store

FILTERS = ("all", "mine", "unassigned", "urgent", "overdue")
OWNER = "COALESCE(m.assignee_id, r.liaison_id)"
LATE = "(m.created_at < CASE WHEN m.urgent THEN :urgent_cut ELSE :normal_cut END)"


def reference_parts(which: str, scope: int | None) -> tuple[str, str]:
    help_where = ["h.status IN ('new', 'open', 'pending')", "h.merged_into IS NULL"]
    msg_where = ["m.handled_at IS NULL"]
    if scope is not None:
        help_where.append("r.liaison_id = :scope")
        msg_where.append("r.liaison_id = :scope")
    extra = {"mine": ("h.assignee_id = :me", f"{OWNER} = :me"),
             "unassigned": ("h.assignee_id IS NULL", f"{OWNER} IS NULL"),
             "urgent": ("h.priority = 'urgent'", "m.urgent = 1"), "overdue": (help_store.OVERDUE, LATE)}.get(which)
    if extra:
        help_where.append(extra[0])
        msg_where.append(extra[1])
    return " AND ".join(help_where), " AND ".join(msg_where)


async def reference(db, which: str, params: dict) -> list[tuple[str, int]]:
    help_where, msg_where = reference_parts(which, params["scope"])
    rows = await db.fetch_all(
        "SELECT 'help' AS kind, h.id AS id, h.priority = 'urgent' AS urgent, h.created_at AS created_at"
        f" FROM help_requests h JOIN retirees r ON r.id = h.retiree_id WHERE {help_where}"
        " UNION ALL"
        f" SELECT 'message', m.id, m.urgent, m.created_at FROM inbound_messages m LEFT JOIN retirees r"
        f" ON r.id = m.retiree_id WHERE {msg_where} ORDER BY urgent DESC, created_at ASC, kind, id", params)
    return [(r["kind"], r["id"]) for r in rows]


async def test_every_filter_scope_and_page_lists_and_counts_what_the_plain_query_does(db, office):  # noqa: F811
    a, b, me = office["a"], office["b"], office["me"]
    people = office["people"]
    async with db.transaction() as tx:
        for i, (retiree, urgent, assignee) in enumerate([(people[0], True, None), (people[1], False, me),
                                                         (people[2], True, b), (people[4], False, None),
                                                         (None, True, None), (people[3], False, a)]):
            said = await inbox_store.insert_message(
                tx, retiree_id=retiree, chat_id=None if retiree else 5000 + i,
                inbound=Inbound(kind="text", text="在吗"), origin="unprompted", now=NOW - timedelta(hours=i * 13),
                urgent=urgent, assignee_id=assignee)
            if i == 3:
                await inbox_store.set_handled(tx, said, staff_id=a, now=NOW)
    cuts = {"urgent_cut": NOW - timedelta(minutes=30), "normal_cut": NOW - timedelta(hours=24)}
    for scope in (None, a, b):
        params = {"scope": scope, "me": me, "now": to_iso(NOW), **{k: to_iso(v) for k, v in cuts.items()}}
        expected_counts = {}
        for which in FILTERS:
            expected = await reference(db, which, params)
            for offset, limit in ((0, 100), (3, 4), (len(expected) - 1, 5)):
                got = await inbox_store.queue(db, which, scope=scope, me=me, now=NOW, **cuts, limit=limit,
                                              offset=max(offset, 0))
                assert [(i.kind, i.id) for i in got] == expected[max(offset, 0):max(offset, 0) + limit], (which, scope)
            assert await inbox_store.count(db, which, scope=scope, me=me, now=NOW, **cuts) == len(expected)
            expected_counts[which] = len(expected)
            if which == "all":  # 新留言: the messages among everything open
                expected_counts["messages"] = sum(1 for kind, _ in expected if kind == "message")
        assert await inbox_store.counts(db, scope=scope, me=me, now=NOW, **cuts) == expected_counts
