"""/healthz: the process answers and the database reads; `details` says what staff should fix.

`status` stays "ok" when something needs fixing but nothing is down: a liveness probe must not
restart a healthy process because next year's holidays are not entered yet. The warnings are for
people (the console shows them) and for monitoring that wants to alert on them.
"""
from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from admin.keys import SERVICES
from admin.parsing import respond
from yinling.services.calendar import missing_warning


class CalendarHealth(BaseModel):
    missing_years: list[int] = Field(
        description="years from today to a month ahead that neither the office calendar nor the holiday "
                    "package knows: their working days are counted Monday to Friday")
    warning: str | None = Field(description="what to do about them, for staff")


class HealthDetails(BaseModel):
    calendar: CalendarHealth


class Health(BaseModel):
    status: str
    details: HealthDetails
    warnings: list[str] = Field(description="every detail's warning, for a person to read")


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    await services.core.db.fetch_value("SELECT 1")
    missing = services.calendar.missing_years(services.core.clock.now())
    calendar = CalendarHealth(missing_years=missing, warning=missing_warning(missing))
    health = Health(status="ok", details=HealthDetails(calendar=calendar),
                    warnings=[w for w in (calendar.warning,) if w])
    return respond(health)
