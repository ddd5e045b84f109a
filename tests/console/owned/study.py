"""学习: no page has an {id}. Study pieces belong to the whole office (the API does not scope them by
liaison), so there is nothing of 李强's to refuse 王芳; the pages take the piece's number as ?id=."""
from __future__ import annotations


async def foreign(office, services, clock) -> dict[str, int]:
    return {}
