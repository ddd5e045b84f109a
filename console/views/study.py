"""学习 (每日学习): the library of pieces with when each goes out and how many read it; adding or
correcting a piece with its quiz; withdrawing one; importing pieces from a file; the read rates.

Pieces belong to the whole office (the API does not scope them by liaison), so their pages carry the
piece's number in the query (?id=) rather than the path. The forms are read with the API's body
models (PieceCreate, PiecePatch) and every rule is the study service's."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.views.retirees import IMPORT_LIMIT
from admin.views.study import PieceCreate, PiecePatch, PieceQuery
from console.forms import checked, form_fields
from console.page import EVERYONE, STAFF, Page
from console.render import render, see_other
from yinling.errors import Conflict, InvalidInput
from yinling.models import OPTION_LETTERS, STUDY_TOPICS, StudyDayCounts, StudyPiece, StudyPieceCounts, window_problems
from yinling.study_io import QuizIn

PER_PAGE = 20
STATES = {"all": "全部", "dated": "定了日期、还没发的", "queued": "排队等着发的", "shown": "已经发出的",
          "withdrawn": "已撤下的"}
STATS_DAYS = 30  # the read rates' default period, as the API's: the last 30 days
MAX_STATS_DAYS = 366  # the service refuses a longer period
# The fields the form shows an error beside; any other the service names is said at the top.
FORM_FIELDS = frozenset({"title", "body", "source", "topic", "publish_on", "queue_position", "quiz", "quiz.options",
                         "quiz.question", "quiz.answer", "quiz.explanation",
                         *(f"quiz.options.{i}" for i in range(len(OPTION_LETTERS)))})
FRIENDLY = {  # where the API's words suit a program better than a person filling in this form
    "quiz.answer": "请选出正确答案是哪一个选项",
    "quiz.options": "至少要填 2 个选项（选项A、选项B）",
    "publish_on": "请选一个日期",
}


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 1_000_000 else 1


def piece_id_in(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


# ---- the library ----
async def read_figures(request: web.Request, pieces: list[StudyPiece]) -> dict[int, StudyDayCounts]:
    """The day's figures of each listed piece that has gone out: pushed to how many, read by how many
    of them (the study stats, over the days this page shows)."""
    days = [p.shown_on for p in pieces if p.shown_on is not None]
    if not days:
        return {}
    until = max(days)
    since = max(min(days), until - timedelta(days=MAX_STATS_DAYS))
    by_day, _ = await request.config_dict[SERVICES].study.stats(since=since, until=until)
    return {d.piece_id: d for d in by_day}


async def library(request: web.Request) -> web.Response:
    asked = {name: request.query[name].strip() for name in ("topic", "q", "state")
             if request.query.get(name, "").strip()}
    query, errors = checked(request, PieceQuery, {**asked, "page": page_number(request), "per_page": PER_PAGE})
    items: list[StudyPiece] = []
    total = 0
    if query is not None:
        items, total = await request.config_dict[SERVICES].study.page(
            topic=query.topic, q=query.q, state=query.state, page=query.page, per_page=PER_PAGE)
    return render(request, "study.html", {
        "items": items, "total": total, "page": query.page if query else 1,
        "pages": max(1, -(-total // PER_PAGE)), "asked": asked, "errors": errors,
        "figures": await read_figures(request, items), "can_write": actor_of(request).role in STAFF,
        "state_options": list(STATES.items()), "topic_options": [("", "全部"), *((t, t) for t in STUDY_TOPICS)],
        "query_for": lambda page: urlencode({**asked, "page": page}),
        **{done: piece_id_in(request.query.get(done, "")) for done in ("saved", "withdrawn", "imported")},
    })


# ---- one piece: add or correct ----
def quiz_from(form: dict[str, str]) -> dict[str, Any] | None:
    """The quiz as QuizIn reads it, or None when every quiz field is empty (a piece without a quiz).
    Empty options after the last filled one are dropped; one left empty between two is kept, so the
    model says so beside it rather than the letters shifting."""
    options = [form.get(f"quiz.options.{i}", "").strip() for i in range(len(OPTION_LETTERS))]
    while options and not options[-1]:
        options.pop()
    quiz = {"question": form.get("quiz.question", "").strip(), "options": options,
            "answer": form.get("quiz.answer", "").strip(), "explanation": form.get("quiz.explanation", "").strip()}
    return quiz if any(quiz.values()) else None


def text_fields(form: dict[str, str]) -> dict[str, Any]:
    return {"title": form.get("title", ""), "body": form.get("body", ""), "source": form.get("source", ""),
            "topic": form.get("topic", ""), "quiz": quiz_from(form)}


def new_piece_data(form: dict[str, str]) -> dict[str, Any]:
    """A new piece: on a day, at a place in the queue, or (no place given) at the end of the queue."""
    data = text_fields(form)
    if form.get("schedule") == "date":
        data["publish_on"] = form.get("publish_on", "").strip()
    elif form.get("queue_position", "").strip():
        data["queue_position"] = form["queue_position"].strip()
    return data


def changed_piece_data(form: dict[str, str], piece: StudyPiece) -> tuple[dict[str, Any], dict[str, str]]:
    """What a correction changes: the texts and quiz always; the day or the place only when changed
    (once a piece has gone out they are fixed, and the form does not offer them)."""
    data = text_fields(form)
    if piece.shown_on is not None:
        return data, {}
    position = form.get("queue_position", "").strip()
    if form.get("schedule") == "date":
        day = form.get("publish_on", "").strip()
        if day != (piece.publish_on.isoformat() if piece.publish_on else ""):
            data["publish_on"] = day
    elif position and position != str(piece.queue_position or ""):
        data["queue_position"] = position
    elif not position and piece.queue_position is None:
        return data, {"queue_position": "请填排在第几位"}
    return data, {}


def friendly(errors: dict[str, str], form: dict[str, str]) -> dict[str, str]:
    said = dict(errors)
    for name, words in FRIENDLY.items():
        if name in said and not form.get(name, "").strip():
            said[name] = words
    if "quiz.options" in said:
        said["quiz.options"] = FRIENDLY["quiz.options"]
    return said


def form_of(piece: StudyPiece) -> dict[str, str]:
    """A stored piece as the form's fields."""
    form = {"id": str(piece.id), "title": piece.title, "body": piece.body, "source": piece.source,
            "topic": piece.topic, "schedule": "date" if piece.publish_on else "queue",
            "publish_on": piece.publish_on.isoformat() if piece.publish_on else "",
            "queue_position": str(piece.queue_position or "")}
    if piece.quiz is not None:
        quiz = QuizIn.of(piece.quiz)
        form.update({"quiz.question": quiz.question, "quiz.answer": quiz.answer,
                     "quiz.explanation": quiz.explanation})
        form.update({f"quiz.options.{i}": option for i, option in enumerate(quiz.options)})
    return form


def piece_page(request: web.Request, piece: StudyPiece | None, form: dict[str, str], errors: dict[str, str],
               *, status: int = 200) -> web.Response:
    said = friendly(errors, form)
    return render(request, "study_piece.html", {
        "piece": piece, "form": form, "errors": said, "letters": OPTION_LETTERS,
        "loose": [words for name, words in said.items() if name not in FORM_FIELDS],
        "topic_options": [("", "请选择"), *((t, t) for t in STUDY_TOPICS)],
        "answer_options": [("", "请选择"), *((x, f"选项{x}") for x in OPTION_LETTERS)],
    }, status=status)


async def piece_form(request: web.Request) -> web.Response:
    """Adding a piece (no ?id=), or correcting piece ?id=N."""
    piece_id = piece_id_in(request.query.get("id", ""))
    if piece_id is None:
        return piece_page(request, None, {"schedule": "queue"}, {})
    piece = await request.config_dict[SERVICES].study.get(piece_id)
    return piece_page(request, piece, form_of(piece), {})


async def piece_save(request: web.Request) -> web.Response:
    form = await form_fields(request)
    study = request.config_dict[SERVICES].study
    actor = actor_of(request)
    piece_id = piece_id_in(form.get("id", ""))
    piece = await study.get(piece_id) if piece_id is not None else None
    try:
        if piece is None:
            create, errors = checked(request, PieceCreate, new_piece_data(form))
            if create is not None:
                piece = await study.do_create(actor, create)
                return see_other(f"/console/study?saved={piece.id}")
        else:
            data, errors = changed_piece_data(form, piece)
            patch, refused = checked(request, PiecePatch, data)
            errors = {**refused, **errors}
            if patch is not None and not errors:
                await study.do_update(actor, piece.id, patch.changes())
                return see_other(f"/console/study?saved={piece.id}")
    except (InvalidInput, Conflict) as exc:
        errors = exc.fields or {"": exc.message}
    return piece_page(request, piece, form, errors, status=422)


async def piece_withdraw(request: web.Request) -> web.Response:
    """No longer shown or pushed; what was read stays in the figures."""
    piece_id = piece_id_in((await form_fields(request)).get("id", ""))
    if piece_id is None:
        raise InvalidInput("没有说要撤下哪一篇", fields={"id": "缺少编号"})
    await request.config_dict[SERVICES].study.do_withdraw(actor_of(request), piece_id)
    return see_other(f"/console/study?withdrawn={piece_id}")


# ---- import ----
async def import_form(request: web.Request) -> web.Response:
    return render(request, "study_import.html", {"errors": {}, "rows": [], "message": ""})


async def import_upload(request: web.Request) -> web.Response:
    """The same file kinds as the API's import (.xlsx, .csv, .json); all or nothing: when refused,
    every bad row with its line, column and what to change."""
    upload = (await request.post()).get("file")
    try:
        if not isinstance(upload, web.FileField) or not upload.filename:
            raise InvalidInput("请先选择要导入的文件", fields={"file": "请先选择文件"})
        data = upload.file.read(IMPORT_LIMIT + 1)
        if len(data) > IMPORT_LIMIT:
            raise InvalidInput("文件太大，最多 10 MB", fields={"file": "文件太大，最多 10 MB"})
        pieces = await request.config_dict[SERVICES].study.do_import(actor_of(request), upload.filename, data)
    except InvalidInput as exc:
        return render(request, "study_import.html", {"errors": exc.fields, "rows": exc.extra.get("rows", []),
                                                     "message": exc.message}, status=422)
    return see_other(f"/console/study?imported={len(pieces)}")


# ---- read rates ----
def day_in(name: str, value: str, errors: dict[str, str]) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        errors[name] = "不是真实的日期，例如 2026-11-22"
        return None
    errors.update(window_problems(**{name: day}))
    return None if name in errors else day


async def read_rates(request: web.Request) -> web.Response:
    services = request.config_dict[SERVICES]
    asked = {name: request.query.get(name, "").strip() for name in ("from", "to")}
    errors: dict[str, str] = {}
    until = day_in("to", asked["to"], errors) or services.core.clock.today()
    since = day_in("from", asked["from"], errors) or until - timedelta(days=STATS_DAYS - 1)
    by_day: list[StudyDayCounts] = []
    by_piece: list[StudyPieceCounts] = []
    if not errors:
        try:
            by_day, by_piece = await services.study.stats(since=since, until=until)
        except InvalidInput as exc:  # the service's own sentence, beside the fields it names
            errors = {name: exc.message for name in exc.fields} or {"": exc.message}
    return render(request, "study_stats.html", {
        "since": since, "until": until, "days": by_day, "pieces": by_piece, "errors": errors,
        "form": {"from": asked["from"] or since.isoformat(), "to": asked["to"] or until.isoformat()},
    }, status=422 if errors else 200)


PAGES: tuple[Page, ...] = (
    Page("GET", "/study", library, EVERYONE, "学习: the library (topic, words, state; paged) with read rates"),
    Page("GET", "/study/piece", piece_form, STAFF, "学习: add a piece, or correct piece ?id=N, with its quiz"),
    Page("POST", "/study/piece", piece_save, STAFF, "学习: save a new or corrected piece"),
    Page("POST", "/study/withdraw", piece_withdraw, STAFF, "学习: withdraw a piece"),
    Page("GET", "/study/import", import_form, STAFF, "学习: import pieces from .xlsx, .csv or .json"),
    Page("POST", "/study/import", import_upload, STAFF, "学习: the import, or its row report when refused"),
    Page("GET", "/study/stats", read_rates, EVERYONE, "学习: read rates by day and by piece"),
)
