"""台账: 李强's retiree."""
from __future__ import annotations


async def foreign(office, services, clock) -> dict[str, int]:
    return {}
