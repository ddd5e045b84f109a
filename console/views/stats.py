"""统计: the figures an office reports for a period of office dates, as the stats API gives them
(GET /api/v1/stats/help, /stats/activities, /stats/ideas, /stats/study call the same services), with
bar charts drawn on the server (console.charts) and the same figures as an .xlsx to download.

The period is two office dates, both days counted: help requests and ideas received, and activities
starting, from the first day's midnight up to the midnight after the last day (the API's from/to),
study by day. Scope is the services' own: a liaison's figures cover their own retirees."""
from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from urllib.parse import quote, urlencode

from aiohttp import web
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.views import study as study_api
from admin.views.activities import ActivityStats, Turnout
from admin.views.help import HelpFigures, HelpStats
from admin.views.ideas import IdeaFigures, IdeaStats
from console.charts import Bar, bar_chart, rate_text
from console.page import EVERYONE, Page
from console.render import office_tz, render
from yinling.errors import InvalidInput
from yinling.models import window_problems
from yinling.xlsx_safe import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_DAYS = 30
RATES = (("response_rate", "响应率"), ("resolution_rate", "解决率"), ("satisfaction_rate", "满意率"))
HELP_HEADER = ("收到（件）", "响应率", "解决率", "满意率", "评价人数", "首次响应中位数（分钟）", "办结中位数（小时）")
IDEA_HEADER = ("收到", "待处理", "研究办理中", "采纳", "暂未采纳", "落实", "一并办理", "采纳率")
DAY_HEADER = ("日期", "文章", "推送人数", "推送后读完", "阅读率", "所有读者", "答题人数", "答对人数", "正确率")
PIECE_HEADER = ("文章", "主题", "推送人数", "读者", "阅读率", "答题人数", "答对人数", "正确率")
TURNOUT_HEADER = ("报上名（人）", "候补（人）", "参与人次（已签到）", "同行家属（人）", "缺席（人）", "尚未签到（人）",
                  "到场率")
ACTIVITY_HEADER = ("活动", "类别", "开始时间", "地点", *TURNOUT_HEADER)
KIND_HEADER = ("活动类别", "场次", *TURNOUT_HEADER)


@dataclass(frozen=True)
class Figures:
    first: date
    last: date
    help: HelpStats
    activities: ActivityStats
    ideas: IdeaStats
    study: study_api.StudyStats | None
    study_refused: str  # why the study figures could not be given for this period ("" when they are)


# ---- the period ---------------------------------------------------------------------------------------

def _date(text: str) -> date:
    """A date picker's value (2026-11-30); ValueError when it is not a real date in the window."""
    day = date.fromisoformat(text.strip())
    if window_problems(day=day):
        raise ValueError("outside the window")
    return day


def read_period(request: web.Request) -> tuple[date, date, dict[str, str]]:
    """The first and last office date asked for (by default the last 30 days, today included), and
    what is wrong with them, beside each field."""
    today = request.config_dict[SERVICES].core.clock.today()
    errors: dict[str, str] = {}
    last, first = today, today - timedelta(days=DEFAULT_DAYS - 1)
    if request.query.get("to", "").strip():
        try:
            last = _date(request.query["to"])
        except ValueError:
            errors["to"] = "不是真实的日期，请用日历选，例如 2026-11-30"
    if request.query.get("from", "").strip():
        try:
            first = _date(request.query["from"])
        except ValueError:
            errors["from"] = "不是真实的日期，请用日历选，例如 2026-11-01"
    elif "to" not in errors:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    if not errors and first > last:
        errors["from"] = "开始日期不能晚于结束日期"
    return first, last, errors


def quick_ranges(today: date) -> list[tuple[str, str]]:
    """Links for the periods people ask for most: the last 30 days, this month, last month, this year."""
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    ranges = (("最近30天", today - timedelta(days=DEFAULT_DAYS - 1), today), ("本月", month, today),
              ("上个月", last_month_end.replace(day=1), last_month_end), ("今年", today.replace(month=1, day=1), today))
    return [(label, "/console/stats?" + urlencode({"from": first.isoformat(), "to": last.isoformat()}))
            for label, first, last in ranges]


# ---- the figures, from the services the stats API calls ---------------------------------------------

async def gather(request: web.Request, first: date, last: date) -> Figures:
    services = request.config_dict[SERVICES]
    actor = actor_of(request)
    tz = office_tz(request)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)  # the last day counts whole
    help_figures = HelpStats.model_validate({**await services.help_stats.stats(actor, start, end), "from": start})
    activities = ActivityStats.model_validate(await services.activities.participation(actor, start, end))
    ideas = IdeaStats.model_validate(await services.ideas.stats(actor, start, end))
    study, refused = None, ""
    try:
        by_day, by_piece = await services.study.stats(since=first, until=last)
    except InvalidInput as exc:  # e.g. a period longer than a year: the rest of the page still helps
        refused = exc.message
    else:
        study = study_figures(first, last, by_day, by_piece)
    return Figures(first, last, help_figures, activities, ideas, study, refused)


def study_figures(first: date, last: date, by_day, by_piece) -> study_api.StudyStats:
    """Exactly as GET /api/v1/stats/study builds them from the service's counts (admin/views/study.py
    study_stats, whose ratio it borrows); the rates belong in the study service, so no face computes them."""
    ratio = study_api._ratio
    days = [study_api.DayFigures(**d.model_dump(), read_rate=ratio(d.read_by_pushed, d.pushed),
                                 accuracy=ratio(d.correct, d.answered)) for d in by_day]
    pieces = [study_api.PieceFigures(**p.model_dump(), read_rate=ratio(p.readers, p.pushed),
                                     accuracy=ratio(p.correct, p.answered)) for p in by_piece]
    return study_api.StudyStats.model_validate({"from": first, "to": last, "days": days, "pieces": pieces})


def liaison_label(name: str | None) -> str:
    return name or "还没人接"


def table_rows(figures: Figures) -> dict[str, list[tuple[str, HelpFigures | IdeaFigures]]]:
    """Each table's rows as (the row's heading, its figures); the whole office's (or liaison's) first."""
    help_figures, ideas = figures.help, figures.ideas
    everything = [("全部", help_figures.overall)] if help_figures.overall.received else []
    return {
        "liaison": [*everything, *((liaison_label(r.name), r) for r in help_figures.by_liaison)],
        "category": [*everything, *((r.category, r) for r in help_figures.by_category)],
        "field": [("全部", ideas.overall), *((r.field, r) for r in ideas.by_field)],
        "month": [(r.month, r) for r in ideas.by_month],
    }


# ---- charts ---------------------------------------------------------------------------------------------

def _rate_bars(rows: Sequence[tuple[str, HelpFigures]], key: str) -> list[Bar]:
    return [Bar(label, getattr(f, key), rate_text(getattr(f, key))) for label, f in rows]


def help_charts(figures: HelpStats) -> dict[str, list[Markup]]:
    """Per liaison and per category: one chart for each of 响应率, 解决率, 满意率 (bars of 0..100%)."""
    liaisons = [(liaison_label(row.name), row) for row in figures.by_liaison]
    categories = [(row.category, row) for row in figures.by_category]
    charts: dict[str, list[Markup]] = {}
    for group, rows, who in (("liaison", liaisons, "各经办人"), ("category", categories, "各类求助")):
        charts[group] = [bar_chart(f"{who}的{word}", _rate_bars(rows, key), ident=f"help-{group}-{key}", scale=1.0)
                         for key, word in RATES]
    charts["received"] = [bar_chart("各类求助收到的件数", [Bar(label, f.received, f"{f.received:,} 件")
                                                           for label, f in categories], ident="help-received")]
    return charts


def turnout_text(f: Turnout) -> str:
    return f"{f.attended:,} 人次，家属 {f.companions:,} 人" if f.companions else f"{f.attended:,} 人次"


def activity_charts(figures: ActivityStats) -> list[Markup]:
    """By kind: 参与人次 (companions said beside it, not added), and 到场率."""
    return [
        bar_chart("各类活动的参与人次", [Bar(k.kind, k.attended, turnout_text(k)) for k in figures.by_kind],
                  ident="activities-attended", empty="这段时间没有举办活动。"),
        bar_chart("各类活动的到场率", [Bar(k.kind, k.attendance_rate, rate_text(k.attendance_rate))
                                    for k in figures.by_kind], ident="activities-rate", scale=1.0,
                  empty="这段时间没有举办活动。"),
    ]


def idea_charts(figures: IdeaStats) -> list[Markup]:
    return [
        bar_chart("各领域收到的金点子", [Bar(f.field, f.received, f"{f.received:,} 条") for f in figures.by_field],
                  ident="ideas-field"),
        bar_chart("各领域的采纳率", [Bar(f.field, f.adoption_rate, rate_text(f.adoption_rate))
                                    for f in figures.by_field], ident="ideas-adoption", scale=1.0),
        bar_chart("每月收到的金点子", [Bar(m.month, m.received, f"{m.received:,} 条") for m in figures.by_month],
                  ident="ideas-month"),
    ]


def study_charts(figures: study_api.StudyStats | None) -> list[Markup]:
    if figures is None:
        return []
    return [
        bar_chart("每篇文章的阅读率", [Bar(p.title, p.read_rate, rate_text(p.read_rate)) for p in figures.pieces],
                  ident="study-read", scale=1.0, empty="这段时间没有推送或读过的文章。"),
        bar_chart("每篇文章的答题正确率", [Bar(p.title, p.accuracy, rate_text(p.accuracy)) for p in figures.pieces],
                  ident="study-accuracy", scale=1.0, empty="这段时间没有人答题。"),
    ]


# ---- the workbook ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Share:
    """A 0..1 figure, written as a number shown as a percentage (the cell stays a number to add up)."""

    value: float | None


def _cells(sheet, values: tuple | list) -> list:
    cells: list = []
    for value in values:
        if isinstance(value, Share):
            cell = WriteOnlyCell(sheet, value=value.value)
            cell.number_format = "0%"
            cells.append(cell)
        elif isinstance(value, datetime):  # office time without its zone: Excel keeps none
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        else:
            cells.append(safe_cell(sheet, value))  # names and titles were typed by people
    return cells


def _help_row(label: str, f: HelpFigures) -> list:
    return [label, f.received, Share(f.response_rate), Share(f.resolution_rate), Share(f.satisfaction_rate),
            f.rated, f.median_first_response_minutes, f.median_resolution_hours]


def _idea_row(label: str, f: IdeaFigures) -> list:
    return [label, f.received, f.submitted, f.reviewing, f.adopted, f.noted, f.implemented, f.merged,
            Share(f.adoption_rate)]


def _turnout(f: Turnout) -> list:
    return [f.confirmed, f.waiting, f.attended, f.companions, f.no_shows, f.not_checked_in, Share(f.attendance_rate)]


def _activity_sheets(book: Workbook, figures: ActivityStats, tz: tzinfo) -> None:
    _sheet(book, "活动-每场", ACTIVITY_HEADER, [
        [a.title, a.kind, a.starts_at.astimezone(tz).replace(tzinfo=None), a.place, *_turnout(a)]
        for a in figures.activities])
    _sheet(book, "活动-按类别", KIND_HEADER, [["全部", figures.overall.activities, *_turnout(figures.overall)]]
           + [[k.kind, k.activities, *_turnout(k)] for k in figures.by_kind])


def _sheet(book: Workbook, title: str, header: tuple, rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(_cells(sheet, row))


def figures_xlsx(figures: Figures, scope: str, tz: tzinfo) -> bytes:
    """One sheet per table of the page, with Chinese headers; the first says the period and scope."""
    book = Workbook(write_only=True)
    about = book.create_sheet("说明")
    about.append(["统计时段", f"{figures.first.isoformat()} 至 {figures.last.isoformat()}（两头都算）"])
    about.append(["统计范围", scope])
    about.append(["参与人次", "报上名并签到的老同志，一人参加一场算一人次；同行家属另计，不算在内"])
    if figures.study_refused:
        about.append(["学习", figures.study_refused])
    help_figures, ideas = figures.help, figures.ideas
    _sheet(book, "求助-按经办人", ("经办人", *HELP_HEADER), [_help_row("全部", help_figures.overall)]
           + [_help_row(liaison_label(r.name), r) for r in help_figures.by_liaison])
    _sheet(book, "求助-按类别", ("类别", *HELP_HEADER), [_help_row("全部", help_figures.overall)]
           + [_help_row(r.category, r) for r in help_figures.by_category])
    _activity_sheets(book, figures.activities, tz)
    _sheet(book, "金点子-按领域", ("领域", *IDEA_HEADER), [_idea_row("全部", ideas.overall)]
           + [_idea_row(r.field, r) for r in ideas.by_field])
    _sheet(book, "金点子-按月", ("月份", *IDEA_HEADER), [_idea_row(r.month, r) for r in ideas.by_month])
    if figures.study is not None:
        _sheet(book, "学习-每天", DAY_HEADER, [
            [d.day, d.title, d.pushed, d.read_by_pushed, Share(d.read_rate), d.readers, d.answered, d.correct,
             Share(d.accuracy)] for d in figures.study.days])
        _sheet(book, "学习-每篇", PIECE_HEADER, [
            [p.title, p.topic, p.pushed, p.readers, Share(p.read_rate), p.answered, p.correct, Share(p.accuracy)]
            for p in figures.study.pieces])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- the page -------------------------------------------------------------------------------------------

def scope_of(request: web.Request) -> str:
    return "您负责的老同志" if actor_of(request).role == "liaison" else "全部老同志"


def download(figures: Figures, data: bytes) -> web.Response:
    name = f"统计_{figures.first.isoformat()}_{figures.last.isoformat()}.xlsx"
    return web.Response(body=data, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"stats.xlsx\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store"})


async def stats(request: web.Request) -> web.StreamResponse:
    """The page; with download=xlsx (the form's second button), the same figures as a workbook."""
    first, last, errors = read_period(request)
    scope = scope_of(request)
    context = {"first": first, "last": last, "errors": errors, "scope": scope,
               "typed": {name: request.query.get(name, "") for name in ("from", "to")},
               "quick": quick_ranges(request.config_dict[SERVICES].core.clock.today()),
               "rate": rate_text}
    if errors:
        return render(request, "stats.html", {**context, "figures": None}, status=422)
    figures = await gather(request, first, last)
    if request.query.get("download") == "xlsx":
        return download(figures, await asyncio.to_thread(figures_xlsx, figures, scope, office_tz(request)))
    return render(request, "stats.html", {
        **context, "figures": figures, "rows": table_rows(figures), "help_charts": help_charts(figures.help),
        "activity_charts": activity_charts(figures.activities), "idea_charts": idea_charts(figures.ideas),
        "study_charts": study_charts(figures.study),
    })


PAGES: tuple[Page, ...] = (
    Page("GET", "/stats", stats, EVERYONE,
         "统计: help, activities (参与人次), ideas and study figures for a period, as charts and tables; "
         "download=xlsx for a workbook"),
)
