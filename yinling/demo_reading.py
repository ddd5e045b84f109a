"""每日学习 in the demo office's two weeks: five retirees subscribe in the chat (pushed at 8:30), and
most days read the piece they are sent and answer its little quiz, mostly right, so 学习's read rates
and quiz figures have something in them. Who reads which day, and who answers wrong, follow a fixed
pattern: the same every time.
"""
from __future__ import annotations

from datetime import timedelta

from yinling import texts
from yinling.demo_office import Office, Story
from yinling.models import OPTION_LETTERS, StudyPiece

READERS = ("周国庆", "吴秀兰", "刘桂兰", "朱春梅", "孙丽华")
PUSH_TIME = "08:30"  # one of the times the chat offers (yinling.models.PUSH_TIMES)


def daily_study(story: Story) -> None:
    w = story.when
    for n, name in enumerate(READERS):
        @story.at(w.day(12, 20, 5 * n))
        async def subscribe(office: Office, name: str = name) -> None:
            await office.say(name, texts.MENU_LABELS["study"], texts.STUDY_SETTINGS_BUTTON)
            await office.tap(name, f"study:time:{PUSH_TIME.replace(':', '')}",
                             texts.STUDY_TIME_BUTTON.format(time=PUSH_TIME.lstrip("0")))
            await office.say(name, texts.BACK_BUTTON)

    for days_ago in range(11, -1, -1):
        for n, name in enumerate(READERS):
            if (3 * days_ago + n) % 5 == 0:  # about one day in five, not read
                continue
            moment = w.day(days_ago, 9, 10) + timedelta(minutes=37 * n)
            if moment >= w.now:
                continue

            @story.at(moment)
            async def read(office: Office, name: str = name, wrong: bool = (days_ago + n) % 4 == 0) -> None:
                piece = await _todays_piece(office)
                if piece is None:  # not pushed yet today
                    return
                await office.tap(name, f"study:done:{piece.id}", texts.STUDY_DONE_BUTTON)
                if piece.quiz is not None:  # asked at once; answered, so the chat is back at the menu
                    choice = (piece.quiz.answer + 1) % len(piece.quiz.options) if wrong else piece.quiz.answer
                    label = texts.STUDY_QUIZ_OPTION.format(letter=OPTION_LETTERS[choice],
                                                           text=piece.quiz.options[choice])
                    await office.tap(name, f"study:ans:{piece.id}:{choice}", label)


async def _todays_piece(office: Office) -> StudyPiece | None:
    shown, _ = await office.services.study.page(topic=None, q=None, state="shown", page=1, per_page=100)
    today = office.clock.today()
    return next((p for p in shown if p.shown_on == today), None)
