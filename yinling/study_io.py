"""Study pieces as staff write them: the API body and the rows of an imported .json, .csv or .xlsx.

One model (`PieceIn`) holds every limit, so the API and an import refuse the same things. A quiz
answer is a letter (A-D), as quizzes are written; the core keeps its index.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from yinling.models import OPTION_LETTERS, OUTSIDE_WINDOW_ZH, STUDY_TOPICS, Quiz, SaneDate, StudyPieceFields, StudyTopic
from yinling.roster_io import RosterFileError, read_table

TITLE_MAX = 60
BODY_MAX = 1000  # "a short read, about 800 characters", with room; a Telegram message holds 4096
OPTION_MAX = 40  # an option is also a button label
MAX_PIECES = 2000  # in one import; a sheet's limits on columns and cells: yinling/sheet_reader.py
MAX_JSON_VALUES = 500_000  # commas and brackets in a .json import (2,000 pieces with long texts: ~250,000)

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BODY_MAX)]
Source = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Option = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=OPTION_MAX)]
Explanation = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Letter = Annotated[str, StringConstraints(pattern=r"^[A-D]$"),
                  BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v)]  # "b" is B


class QuizIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question
    options: list[Option] = Field(min_length=2, max_length=4)
    answer: Letter = Field(description="the right option's letter: A for the first, B for the second ...")
    explanation: Explanation = ""

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> QuizIn:
        if OPTION_LETTERS.index(self.answer) >= len(self.options):
            raise ValueError(f"答案 {self.answer} 对应的选项不存在（只有 {len(self.options)} 个选项）")
        if len(set(self.options)) != len(self.options):
            raise ValueError("有两个选项一样")
        return self

    def to_quiz(self) -> Quiz:
        return Quiz(question=self.question, options=tuple(self.options), answer=OPTION_LETTERS.index(self.answer),
                    explanation=self.explanation)

    @classmethod
    def of(cls, quiz: Quiz) -> QuizIn:
        return cls(question=quiz.question, options=list(quiz.options), answer=quiz.answer_letter,
                   explanation=quiz.explanation)


class PieceIn(BaseModel):
    """A piece as written: dated (publish_on) or queued (queue_position); neither puts it at the end of
    the queue."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Body
    source: Source = ""
    topic: StudyTopic
    quiz: QuizIn | None = None
    publish_on: SaneDate | None = Field(None, description="the local day to show it (one piece per day)")
    queue_position: int | None = Field(None, ge=1, le=1_000_000,
                                       description="its place in the queue (days without a dated piece take the next)")

    @model_validator(mode="after")
    def _dated_or_queued(self) -> PieceIn:
        if self.publish_on is not None and self.queue_position is not None:
            raise ValueError("「日期」和「顺序」只填一个")
        return self

    def fields(self, *, queue_position: int | None = None) -> StudyPieceFields:
        """`queue_position` places an undated piece that named no place of its own."""
        dated = self.publish_on is not None
        return StudyPieceFields(
            title=self.title, body=self.body, source=self.source, topic=self.topic,
            quiz=self.quiz.to_quiz() if self.quiz else None, publish_on=self.publish_on,
            queue_position=None if dated else (self.queue_position or queue_position),
        )


class PieceRowError(BaseModel):
    line: int  # the row in a sheet, or the item's number (1, 2, ...) in a .json list
    column: str | None
    message: str  # for office staff, in Chinese


class ParsedPieces(BaseModel):
    pieces: list[tuple[int, PieceIn]] = Field(default_factory=list)
    errors: list[PieceRowError] = Field(default_factory=list)


# ---- columns of a sheet: the field, then the headers accepted (English or Chinese) ----
_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题"),
    "body": ("body", "正文", "内容"),
    "source": ("source", "来源"),
    "topic": ("topic", "主题", "栏目"),
    "publish_on": ("publish_on", "date", "日期", "发布日期"),
    "queue_position": ("queue_position", "queue", "顺序", "排队顺序"),
    "question": ("question", "quiz_question", "题目", "问题"),
    "option_a": ("option_a", "选项a", "a"),
    "option_b": ("option_b", "选项b", "b"),
    "option_c": ("option_c", "选项c", "c"),
    "option_d": ("option_d", "选项d", "d"),
    "answer": ("answer", "答案"),
    "explanation": ("explanation", "解析", "说明"),
}
_HEADER_TO_FIELD = {alias.lower(): name for name, aliases in _COLUMNS.items() for alias in aliases}
_LABELS = {"title": "标题", "body": "正文", "source": "来源", "topic": "主题", "publish_on": "日期",
           "queue_position": "顺序", "quiz": "题目", "question": "题目", "options": "选项", "answer": "答案",
           "explanation": "解析"}


def parse_pieces(filename: str, data: bytes) -> ParsedPieces:
    """Every piece in the file, or every problem in it (with its line and column)."""
    name = filename.strip().lower()
    if name.endswith(".json"):
        items = _json_items(data)
    else:
        items = _sheet_items(read_table(filename, data, allowed="只支持 .json、.xlsx 或 .csv 文件", max_rows=MAX_PIECES,
                                        too_many=f"一次最多导入 {MAX_PIECES} 篇，请分批导入"))
    if len(items) > MAX_PIECES:
        raise RosterFileError(f"一次最多导入 {MAX_PIECES} 篇，请分批导入")
    parsed = ParsedPieces()
    for line, item in items:
        try:
            parsed.pieces.append((line, PieceIn.model_validate(item)))
        except ValidationError as exc:
            parsed.errors += [PieceRowError(line=line, column=column, message=message)
                              for column, message in explain_errors(exc)]
    dates: dict[date, int] = {}
    for line, piece in parsed.pieces:
        if piece.publish_on is not None:
            if piece.publish_on in dates:
                parsed.errors.append(PieceRowError(line=line, column="日期", message=(
                    f"和第 {dates[piece.publish_on]} 行是同一天；每天只能有一篇")))
            dates.setdefault(piece.publish_on, line)
    parsed.errors.sort(key=lambda e: e.line)
    return parsed


def _json_items(data: bytes) -> list[tuple[int, Any]]:
    # json.loads holds the whole document: 10 MB of [{},{},...] would be 3 million dicts (~200 MB)
    if (values := data.count(b",") + data.count(b"{") + data.count(b"[")) > MAX_JSON_VALUES:
        raise RosterFileError(f"JSON 文件里的项太多（{values} 项，最多 {MAX_JSON_VALUES} 项），请分批导入")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RosterFileError(f"JSON 文件格式有误：{exc}") from None
    except RecursionError:  # [[[[...]]]] nested past Python's stack
        raise RosterFileError("JSON 文件格式有误：嵌套太深") from None
    if isinstance(document, dict) and isinstance(document.get("pieces"), list):
        document = document["pieces"]
    if not isinstance(document, list):
        raise RosterFileError("JSON 文件应是一个列表，每一项是一篇学习内容")
    return list(enumerate(document, start=1))


def _sheet_items(rows: list[tuple[int, Sequence[object]]]) -> list[tuple[int, dict]]:
    if not rows:
        raise RosterFileError("文件里没有内容")
    header_line, header = rows[0]
    fields = [_HEADER_TO_FIELD.get(str(cell or "").strip().lower()) for cell in header]
    if "title" not in fields or "body" not in fields:
        raise RosterFileError(f"第 {header_line} 行应是表头，至少要有「标题」和「正文」两列")
    items = []
    for line, values in rows[1:]:
        cells = {f: _cell(v) for f, v in zip(fields, values, strict=False) if f is not None and _cell(v) is not None}
        items.append((line, _shape(cells)))
    if len(items) > MAX_PIECES:
        raise RosterFileError(f"一次最多导入 {MAX_PIECES} 篇，请分批导入")
    return items


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "date") and callable(value.date):  # a datetime from Excel
        return value.date().isoformat()
    text = str(value).strip()
    return text or None


def _shape(cells: dict[str, object]) -> dict:
    """Flat sheet columns into the nested shape PieceIn reads."""
    flat = ("title", "body", "source", "topic", "publish_on", "queue_position")
    item: dict[str, object] = {k: cells[k] for k in flat if k in cells}
    if isinstance(item.get("publish_on"), int):  # Excel's day number in a text column
        item["publish_on"] = str(item["publish_on"])
    options = [cells[f"option_{x}"] for x in "abcd" if f"option_{x}" in cells]
    if "question" in cells or options or "answer" in cells:
        item["quiz"] = {"question": cells.get("question"), "options": [str(o) for o in options],
                        "answer": str(cells.get("answer") or ""), **({"explanation": cells["explanation"]}
                                                                    if "explanation" in cells else {})}
    return item


_TOPICS = "、".join(STUDY_TOPICS)


def explain_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    """Pydantic's errors, in words for office staff."""
    said = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
        column = _LABELS.get(loc[-1] if loc else "") if loc else None
        kind, ctx = error["type"], error.get("ctx") or {}
        if kind == "missing":
            message = "必填，不能空着"
        elif kind == "string_too_long":
            message = f"太长了，最多 {ctx.get('max_length')} 个字"
        elif kind == "string_too_short":
            message = "不能空着"
        elif kind == "literal_error":
            message = f"只能是：{_TOPICS}" if column == "主题" else "填写的值不在可选范围内"
        elif kind == "day_out_of_window":
            message = OUTSIDE_WINDOW_ZH
        elif kind.startswith("date"):
            message = "日期格式应像 2026-11-22"
        elif kind.startswith("int") or kind in ("greater_than_equal", "less_than_equal"):
            message = "应填一个正整数"
        elif kind == "string_pattern_mismatch":
            message = "答案应填 A、B、C 或 D"
        elif kind in ("too_short", "too_long") and column == "选项":
            message = "要有 2 到 4 个选项"
        elif kind == "extra_forbidden":
            message = "不认识这一项"
        elif kind == "value_error":
            message = str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
        else:
            message = f"填写有误（{kind}）"
        said.append((column, message))
    return said

