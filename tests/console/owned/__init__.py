"""For the permission walk (tests/console/test_console_permissions.py): each module here names, for
its pages with an {id}, an object that 李强 (the other liaison) owns, so the walk can check that
王芳 cannot reach it, while admins can.

    async def foreign(office, services, clock) -> dict[str, int]:
        return {"/roster/{id}": office.li_retiree, ...}   # every {id} path of the area's pages

A page with an {id} that no module names fails the walk."""
