"""How the console writes times and numbers: as people in the office write them, in the office's time.

    when(dt)   12月10日 周四 上午9:00   (the year in front when it is not this year)
    day(d)     12月10日 周四
    waited(dt) 等了3小时 / 等了2天
    num(n)     12,345
and back: a date-time picker's "2026-12-10T09:00" is the office's time (`from_picker`)."""
from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

WEEKDAYS = "一二三四五六日"


def _local(moment: datetime, tz: tzinfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(tz)


def day_part(hour: int) -> str:
    if hour < 6:
        return "凌晨"
    if hour < 12:
        return "上午"
    if hour < 13:
        return "中午"
    if hour < 18:
        return "下午"
    return "晚上"


def clock_time(moment: datetime) -> str:
    """上午9:00, 中午12:30, 下午3:05, 晚上8:00 (12-hour, as said aloud)."""
    hour = moment.hour % 12 or 12
    return f"{day_part(moment.hour)}{hour}:{moment.minute:02d}"


def day(value: date | datetime | None, tz: tzinfo, today: date | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value, tz).date()
    year = "" if today is not None and value.year == today.year else f"{value.year}年"
    return f"{year}{value.month}月{value.day}日 周{WEEKDAYS[value.weekday()]}"


def when(moment: datetime | None, tz: tzinfo, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    local = _local(moment, tz)
    today = _local(now, tz).date() if now is not None else None
    return f"{day(local.date(), tz, today)} {clock_time(local)}"


def waited(since: datetime | None, now: datetime) -> str:
    """How long something has waited, in the largest whole unit."""
    if since is None:
        return ""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"等了{seconds // 60}分钟"
    if seconds < 86400:
        return f"等了{seconds // 3600}小时"
    return f"等了{seconds // 86400}天"


def num(value: int | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def percent(part: int, whole: int) -> str:
    return "—" if not whole else f"{round(100 * part / whole)}%"


def to_picker(moment: datetime | None, tz: tzinfo) -> str:
    """The value of an <input type="datetime-local">: the office's wall-clock time."""
    return "" if moment is None else _local(moment, tz).strftime("%Y-%m-%dT%H:%M")


def from_picker(text: str, tz: tzinfo) -> datetime | None:
    """A picker's value (or a typed 2026-12-10 09:00) as the office's time; None when empty.
    Raises ValueError when it is not a time, so the form can say so beside the field."""
    text = text.strip().replace(" ", "T", 1)
    if not text:
        return None
    parsed = datetime.fromisoformat(text)
    if parsed.year < 2000 or parsed.year > 2100:
        raise ValueError("year out of range")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
