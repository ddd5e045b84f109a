"""The figures an office reports about help requests, for a period and the caller's scope.

响应率: share of requests whose first response came within its SLA.
解决率: share resolved (resolved or closed).
满意率: of the requests rated, share 满意 or 基本满意.
Medians: minutes to the first response, hours to resolution (over those that got there)."""
from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime

from yinling.models import Actor, HelpStatsRow
from yinling.services.core import Core
from yinling.store import help as help_store


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(rows: list[HelpStatsRow]) -> dict:
    received = len(rows)
    resolved = sum(r.resolved for r in rows)
    rated = sum(r.rated for r in rows)
    response_minutes = [r.response_minutes for r in rows if r.response_minutes is not None]
    resolution_hours = [r.resolution_hours for r in rows if r.resolution_hours is not None]
    return {
        "received": received,
        "response_rate": _ratio(sum(r.in_time for r in rows), received),
        "resolution_rate": _ratio(resolved, received),
        "satisfaction_rate": _ratio(sum(r.satisfied for r in rows), rated),
        "rated": rated,
        "median_first_response_minutes": round(statistics.median(response_minutes), 1) if response_minutes else None,
        "median_resolution_hours": round(statistics.median(resolution_hours), 1) if resolution_hours else None,
    }


class HelpStatsService:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def stats(self, actor: Actor, start: datetime, end: datetime) -> dict:
        rows = await help_store.for_stats(self.core.db, start=start, end=end, scope_liaison_id=actor.scope_liaison_id)
        by_liaison: dict[tuple, list[HelpStatsRow]] = defaultdict(list)
        by_category: dict[str, list[HelpStatsRow]] = defaultdict(list)
        for row in rows:
            by_liaison[(row.assignee_id, row.assignee_name)].append(row)
            by_category[row.category].append(row)
        return {
            "from": start, "to": end, "overall": summarise(rows),
            "by_liaison": [{"staff_id": sid, "name": name, **summarise(group)}
                           for (sid, name), group in sorted(by_liaison.items(),
                                                            key=lambda kv: (kv[0][0] is None, kv[0][0] or 0))],
            "by_category": [{"category": category, **summarise(group)}
                            for category, group in sorted(by_category.items())],
        }
