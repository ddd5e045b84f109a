"""Daily study (每日学习): pieces, quizzes, subscriptions and progress."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from yinling.models.common import Frozen

STUDY_TOPICS = ("政策解读", "党史", "时事", "健康养生", "防诈骗", "智能手机")
StudyTopic = Literal["政策解读", "党史", "时事", "健康养生", "防诈骗", "智能手机"]
PUSH_TIMES = ("07:00", "08:30", "12:00", "19:00")  # the choices offered in the chat
DEFAULT_PUSH_TIME = "08:30"
OPTION_LETTERS = "ABCD"


class Quiz(Frozen):
    question: str
    options: tuple[str, ...]
    answer: int  # index into options (0-based); people see and type letters A-D
    explanation: str = ""

    @property
    def answer_letter(self) -> str:
        return OPTION_LETTERS[self.answer]


class StudyPieceFields(Frozen):
    """A piece is either dated (publish_on, one per day) or queued (queue_position): the day's piece is
    the dated one, else the next never-shown piece of the queue."""

    title: str
    body: str
    source: str = ""
    topic: StudyTopic
    quiz: Quiz | None = None
    publish_on: date | None = None
    queue_position: int | None = None


class StudyPiece(StudyPieceFields):
    id: int
    shown_on: date | None = None  # the day it was (or is) the day's piece
    withdrawn_at: datetime | None = None
    created_by: int | None = None
    created_at: datetime
    updated_at: datetime


class StudySubscription(Frozen):
    retiree_id: int
    active: bool = False
    push_time: str = DEFAULT_PUSH_TIME
    starts_on: date | None = None
    on_leaderboard: bool = False


class StudyRead(Frozen):
    piece_id: int
    read_on: date
    choice: int | None = None
    correct: bool | None = None


class StudyProgress(Frozen):
    """我的学习: what a retiree sees about themself."""

    streak: int  # consecutive days with a read, up to today (or yesterday, if today is still open)
    points: int
    days_this_month: int
    points_this_month: int
    read_today: bool


class StudyDayCounts(Frozen):
    """One day's piece and what came of it: pushes, reads by those pushed, all readers, quiz answers."""

    day: date
    piece_id: int
    title: str
    pushed: int
    read_by_pushed: int  # of those pushed that day, how many read it, whenever
    readers: int  # everyone who read the piece (also from 往期回顾)
    answered: int
    correct: int


class StudyPieceCounts(Frozen):
    """One piece pushed or read in a period, and what came of it within the period."""

    piece_id: int
    title: str
    topic: StudyTopic
    pushed: int
    readers: int
    answered: int
    correct: int
