"""Service levels: working days by the official calendar, and settings checked at start-up."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from tests.factories import make_settings
from yinling.sla import add_working_days, due_times

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_working_day_skips_the_national_day_holiday():
    # Wednesday 30 September 2026, 10:00: 1-7 October are holidays, so the next working day is the 8th.
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(start, 1, SHANGHAI) == datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)


def test_a_friday_request_is_due_on_monday():
    start = datetime(2026, 11, 20, 16, 0, tzinfo=SHANGHAI)  # Friday
    assert add_working_days(start, 1, SHANGHAI) == datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI)


def test_urgent_and_category_overrides(tmp_path):
    settings = make_settings(tmp_path / "x.db", sla={"normal/住院看病": {"first_response": "4h", "resolution": "3d"}})
    start = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    first, resolve = due_times(settings, "urgent", "生活照料", start, SHANGHAI)
    assert (first - start).total_seconds() == 30 * 60 and (resolve - start).total_seconds() == 24 * 3600
    first, _ = due_times(settings, "normal", "住院看病", start, SHANGHAI)
    assert (first - start).total_seconds() == 4 * 3600


@pytest.mark.parametrize("sla", [{"soon": {"first_response": "1h", "resolution": "1d"}},
                                 {"normal": {"first_response": "tomorrow", "resolution": "1d"}}])
def test_a_bad_sla_setting_is_refused_at_start(tmp_path, sla):
    with pytest.raises(ValidationError, match="sla"):
        make_settings(tmp_path / "x.db", sla=sla)
