"""The office calendar: working days after the holiday package's last year (issue 12, part 8).

The 2027 days below are a test's own EXAMPLE, not the official schedule (the State Council publishes
that late in 2026): 2027-01-01 a holiday, Saturday 2027-02-20 a make-up workday.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_settings
from yinling.calendar_io import parse_days
from yinling.errors import InvalidInput, NotFound
from yinling.services import build_services
from yinling.sla import WorkCalendar, add_working_days, due_times
from yinling.store.database import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLE_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休上班（示例）\n".encode()
NEW_YEAR_2027 = datetime(2027, 1, 1, 9, 0, tzinfo=SHANGHAI)


class Ticks:
    """A monotonic clock moved by hand (the calendar's re-check interval)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def imported(services, office_admin, data: bytes = EXAMPLE_2027, filename: str = "2027.csv"):
    return await services.calendar.do_import(office_admin, filename, data)


# ---- what the SLA counts ----

async def test_with_the_2027_file_new_years_day_is_a_holiday_and_the_make_up_saturday_a_workday(
    services, office_admin
):
    await imported(services, office_admin)
    calendar = services.calendar.current()
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday
    assert calendar.is_workday(date(2027, 1, 4)) and not calendar.is_workday(date(2027, 1, 9))  # the rest: Mon-Fri
    # One working day from Thursday 31 December 2026: not Friday 1 January, but Monday the 4th.
    start = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(start, 1, SHANGHAI) == datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI)
    friday = datetime(2027, 2, 19, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(friday, 1, SHANGHAI) == datetime(2027, 2, 20, 10, 0, tzinfo=SHANGHAI)


async def test_without_it_2027_is_counted_monday_to_friday_and_staff_are_warned(services):
    start = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(start, 1, SHANGHAI) == datetime(2027, 1, 1, 10, 0, tzinfo=SHANGHAI)
    assert services.calendar.missing_years(NEW_YEAR_2027) == [2027]


async def test_the_warning_comes_a_month_ahead_and_goes_once_the_year_is_entered(services, office_admin):
    assert services.calendar.missing_years(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)) == []
    assert services.calendar.missing_years(datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI)) == [2027]
    await imported(services, office_admin)
    assert services.calendar.missing_years(datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI)) == []
    assert services.calendar.missing_years(NEW_YEAR_2027) == []
    assert services.calendar.missing_years(datetime(2027, 12, 15, tzinfo=SHANGHAI)) == [2028]


async def test_due_times_read_the_office_calendar_without_being_handed_it(services, office_admin, settings):
    await imported(services, office_admin)
    start = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    first, _ = due_times(settings, "normal", "生活照料", start, SHANGHAI)  # normal: 1wd
    assert first == datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI)


async def test_the_calendar_is_read_inside_a_write_transaction_without_waiting_for_it(
    services, office_admin, settings, db
):
    """Due times are computed while this process holds the write lock: the re-read must not need it."""
    from yinling.services.calendar import CalendarService

    await imported(services, office_admin)
    start = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    async with db.transaction() as tx:
        await tx.execute("UPDATE office_calendar_version SET version = version WHERE id = 1")  # holds the lock
        fresh = CalendarService(services.core)  # its first load happens here, under the lock
        first, _ = due_times(settings, "normal", "生活照料", start, SHANGHAI)
    assert fresh.current().version > 0
    assert first == datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI)


def test_an_office_day_overrides_the_package_and_a_passed_calendar_wins():
    national_day = date(2026, 10, 1)  # a holiday in the package
    assert not WorkCalendar().is_workday(national_day)
    assert WorkCalendar({national_day: "workday"}).is_workday(national_day)


# ---- writes, and how fresh each process's copy is ----

async def test_a_day_set_or_removed_is_seen_at_once_in_this_process_and_audited(services, office_admin, db):
    calendar = services.calendar
    assert calendar.current().is_workday(date(2027, 1, 1))  # loaded before the write
    saved = await calendar.do_set_day(office_admin, date(2027, 1, 1), "holiday", " 元旦 ")
    assert (saved.kind, saved.name, saved.updated_by) == ("holiday", "元旦", "admin")
    assert not calendar.current().is_workday(date(2027, 1, 1))
    await calendar.do_delete_day(office_admin, date(2027, 1, 1))
    assert calendar.current().is_workday(date(2027, 1, 1))
    with pytest.raises(NotFound):
        await calendar.do_delete_day(office_admin, date(2027, 1, 1))
    actions = [r["action"] for r in await db.fetch_all("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["calendar.set", "calendar.delete"]


async def test_another_process_sees_an_edit_within_one_recheck_interval(settings, db, clock, office_admin):
    from yinling.services.calendar import CalendarService

    ticks = Ticks()
    other_db = await Database.connect(db.path)  # the second process's own connections
    try:
        other = build_services(settings, other_db, clock)
        theirs = CalendarService(other.core, recheck_seconds=30, monotonic=ticks)
        assert theirs.current().is_workday(date(2027, 1, 1))
        ours = build_services(settings, db, clock)
        await ours.calendar.do_set_day(office_admin, date(2027, 1, 1), "holiday", "元旦")
        ticks.now = 29.0
        assert theirs.current().is_workday(date(2027, 1, 1))  # not yet re-checked
        ticks.now = 30.0
        assert not theirs.current().is_workday(date(2027, 1, 1))
    finally:
        await other_db.close()


async def test_a_failed_read_keeps_the_copy_in_hand(services, office_admin, monkeypatch, caplog):
    await imported(services, office_admin)
    assert not services.calendar.current().is_workday(date(2027, 1, 1))

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr("yinling.store.calendar.read_snapshot", broken)
    services.calendar._stale()
    assert not services.calendar.current().is_workday(date(2027, 1, 1))
    assert "could not read the office calendar" in caplog.text


# ---- files ----

async def test_an_import_replaces_days_it_names_and_keeps_the_others(services, office_admin):
    await services.calendar.do_set_day(office_admin, date(2027, 1, 1), "workday", "")
    await services.calendar.do_set_day(office_admin, date(2027, 3, 8), "holiday", "本单位自定")
    result = await imported(services, office_admin)
    assert (result.created, result.updated) == (1, 1)
    view = await services.calendar.year(2027)
    assert [(d.day.isoformat(), d.kind) for d in view.days] == [
        ("2027-01-01", "holiday"), ("2027-02-20", "workday"), ("2027-03-08", "holiday")]


async def test_a_bad_file_names_every_bad_row_in_chinese_and_imports_nothing(services, office_admin, db):
    data = ("日期,类型,名称\n2027-01-01,holiday,元旦\n2027-02-30,holiday,\n2027-03-01,周末,\n"
            "2027/1/1,放假,重复\n").encode()
    with pytest.raises(InvalidInput) as refused:
        await imported(services, office_admin, data)
    rows = refused.value.extra["rows"]
    assert [(r["line"], r["column"]) for r in rows] == [(3, "日期"), (4, "类型"), (5, "日期")]
    assert "真实的日子" in rows[0]["message"] and "holiday" in rows[1]["message"] and "第 2 行" in rows[2]["message"]
    assert (await services.calendar.year(2027)).days == []
    assert await db.fetch_value("SELECT result FROM audit_log WHERE action = 'calendar.import'") == "failed"


def test_files_may_be_json_or_csv_without_a_header_in_gb18030_with_chinese_kinds():
    days, problems = parse_days("x.csv", "2027-01-01,放假,元旦\n2027年2月20日,补班,\n".encode("gb18030"))
    assert problems == [] and [(d.day, d.kind, d.name) for d in days] == [
        (date(2027, 1, 1), "holiday", "元旦"), (date(2027, 2, 20), "workday", "")]
    json_days, _ = parse_days("2027.json", b'{"days": [{"date": "2027-01-01", "kind": "holiday", "name": "x"}]}')
    assert [d.day for d in json_days] == [date(2027, 1, 1)]


@pytest.mark.parametrize("data, says", [(b"", "空"), (b"[1, 2", "JSON"), (b"\xff\xfe\x00garbage\x81", "编码")])
async def test_an_unreadable_file_is_refused_whole(services, office_admin, data, says):
    with pytest.raises(InvalidInput) as refused:
        await imported(services, office_admin, data, filename="x.json" if data.startswith(b"[") else "x.csv")
    assert says in refused.value.fields["file"]


def test_a_settings_object_alone_still_computes_due_times(tmp_path):
    settings = make_settings(tmp_path / "x.db")
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    first, _ = due_times(settings, "normal", "生活照料", start, SHANGHAI, WorkCalendar())
    assert first == datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)
