"""台账: 李强's retiree (赵淑芬), whom 王芳 must not open, edit or delete."""
from __future__ import annotations


async def foreign(office, services, clock) -> dict[str, int]:
    return {path: office.li_retiree for path in ("/roster/{id}", "/roster/{id}/edit", "/roster/{id}/delete")}
