"""How the console writes times and numbers, and reads a date-time picker: the office's time."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from console import fmt

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 on Tuesday 1 December in the office


@pytest.mark.parametrize(("moment", "said"), [
    (datetime(2026, 12, 10, 1, 0, tzinfo=UTC), "12月10日 周四 上午9:00"),
    (datetime(2026, 12, 10, 4, 30, tzinfo=UTC), "12月10日 周四 中午12:30"),
    (datetime(2026, 12, 10, 7, 5, tzinfo=UTC), "12月10日 周四 下午3:05"),
    (datetime(2026, 12, 10, 12, 0, tzinfo=UTC), "12月10日 周四 晚上8:00"),
    (datetime(2026, 12, 9, 17, 15, tzinfo=UTC), "12月10日 周四 凌晨1:15"),
    (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "2027年1月1日 周五 上午8:00"),  # another year: the year in front
])
def test_a_moment_is_written_as_the_office_writes_it(moment, said):
    assert fmt.when(moment, SHANGHAI, NOW) == said


def test_days_waits_and_numbers():
    assert fmt.day(date(2026, 12, 6), SHANGHAI, date(2026, 12, 1)) == "12月6日 周日"
    assert fmt.waited(datetime(2026, 11, 29, 2, 0, tzinfo=UTC), NOW) == "等了2天"
    assert fmt.waited(datetime(2026, 12, 1, 1, 15, tzinfo=UTC), NOW) == "等了45分钟"
    assert fmt.num(12345) == "12,345" and fmt.num(None) == "—" and fmt.num(2.5) == "2.5"
    assert fmt.percent(37, 52) == "71%" and fmt.percent(1, 0) == "—"


def test_a_picker_is_read_and_written_in_office_time():
    moment = fmt.from_picker("2026-12-10T09:00", SHANGHAI)
    assert moment == datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
    assert fmt.to_picker(moment, SHANGHAI) == "2026-12-10T09:00"
    assert fmt.from_picker("2026-12-10 09:00", SHANGHAI) == moment  # typed with a space
    assert fmt.from_picker("  ", SHANGHAI) is None
    for bad in ("9999-12-31T00:00", "明天", "2026-13-01T00:00"):
        with pytest.raises(ValueError):
            fmt.from_picker(bad, SHANGHAI)
