"""The services hold every day and moment they are given to 1900-01-01 .. 2100-12-31 as well, naming
the field, so no face (the API, the command line, a console) can store one that breaks pages later."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from yinling.errors import InvalidInput
from yinling.models import OUTSIDE_WINDOW, ActivityFields, BroadcastDraft, in_window

EDGE = datetime(9999, 12, 31, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "inside"), [
    (date(1900, 1, 1), True), (date(2100, 12, 31), True), (date(1899, 12, 31), False), (date(2101, 1, 1), False),
    (datetime(2100, 12, 31, 23, 59, tzinfo=UTC), True), (EDGE, False), (datetime(1, 1, 1, tzinfo=UTC), False),
])
def test_the_window(value, inside):
    assert in_window(value) is inside


async def test_an_activity_in_year_9999_is_refused_by_the_service(services, office_admin):
    fields = ActivityFields(title="万年之约", kind="其他", place="礼堂", starts_at=EDGE,
                            ends_at=EDGE + timedelta(hours=1), signup_deadline=EDGE - timedelta(days=1), capacity=5)
    with pytest.raises(InvalidInput) as refused:
        await services.activities.do_create(office_admin, fields, notify=False)
    assert refused.value.fields["starts_at"] == refused.value.fields["signup_deadline"] == OUTSIDE_WINDOW


async def test_a_notice_scheduled_for_year_9999_is_refused_by_the_service(services, office_admin):
    with pytest.raises(InvalidInput) as refused:
        await services.broadcasts.check_draft(office_admin, BroadcastDraft(text="通知", schedule_at=EDGE))
    assert refused.value.fields == {"schedule_at": OUTSIDE_WINDOW}


async def test_a_calendar_day_in_year_9999_is_refused_by_the_service(services, office_admin):
    with pytest.raises(InvalidInput) as refused:
        await services.calendar.do_set_day(office_admin, date(9999, 12, 31), "holiday", "末日")
    assert set(refused.value.fields) == {"date"}
