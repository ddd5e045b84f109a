"""What every job of 每日学习 shares: the service's collaborators, and how a piece and a day are worded
(the daily push and the chat show a piece alike)."""
from __future__ import annotations

from datetime import date

from yinling import texts
from yinling.models import StudyPiece
from yinling.services.core import Core
from yinling.services.human import HumanService


def piece_text(piece: StudyPiece, heading: str) -> str:
    text = texts.STUDY_PIECE.format(heading=heading, topic=piece.topic, title=piece.title, body=piece.body)
    return text + (texts.STUDY_SOURCE.format(source=piece.source) if piece.source else "")


class StudyBase:
    def __init__(self, core: Core, human: HumanService) -> None:
        self.core = core
        self.human = human  # words said at the study menu or a quiz reach a person

    def _day_label(self, day: date) -> str:
        return f"{day.month}月{day.day}日"
