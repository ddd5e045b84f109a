"""账号: 李强's own account (admins only, so 王芳 is refused before any id is read)."""
from __future__ import annotations


async def foreign(office, services, clock) -> dict[str, int]:
    return {"/accounts/{id}/role": office.li, "/accounts/{id}/password": office.li}
