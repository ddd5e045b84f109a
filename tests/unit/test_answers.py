"""The matcher that reads typed words (or a voice note's caption) as the answer to a button question."""
from __future__ import annotations

import pytest

from yinling import texts
from yinling.models import Inbound
from yinling.services import answers

OPTIONS = ("先开灯", "摸黑快走")


@pytest.mark.parametrize("typed, chosen", [
    ("A", 0), ("a", 0), ("ａ", 0), ("Ａ", 0), ("选A", 0), ("我选B", 1), ("选择b", 1), ("A.", 0), ("A。", 0),
    ("B．", 1), (" b ", 1), ("答案是B", 1), ("A. 先开灯", 0), ("B、摸黑快走", 1), ("先开灯", 0), ("摸黑快走。", 1),
    ("选A吧", 0),
])
def test_a_quiz_answer_is_its_letter_however_typed_or_its_words(typed, chosen):
    assert answers.letter(typed, OPTIONS) == chosen


@pytest.mark.parametrize("typed", ["C", "选D", "AB", "A. 摸黑快走", "我不知道", "", None, "Apple"])
def test_anything_else_is_no_quiz_answer(typed):
    assert answers.letter(typed, OPTIONS) is None


@pytest.mark.parametrize("typed, meant", [
    ("要", True), ("好", True), ("对", True), ("是的", True), ("带", True), ("带家属", True),
    (texts.WITH_COMPANION_BUTTON, True), ("不带", False), ("不要", False), ("不用了", False), ("否", False),
    ("一个人", False), (texts.ALONE_BUTTON, False),
])
def test_bring_a_companion_is_a_plain_yes_or_no(typed, meant):
    assert answers.yes_no(typed, yes=answers.COMPANION_YES, no=answers.COMPANION_NO) is meant


@pytest.mark.parametrize("typed, meant", [
    ("需要", True), ("要", True), ("需要接送", True), ("不需要", False), ("不用接送", False), ("不用", False),
])
def test_transport_is_a_plain_yes_or_no(typed, meant):
    assert answers.yes_no(typed, yes=answers.TRANSPORT_YES, no=answers.TRANSPORT_NO) is meant


@pytest.mark.parametrize("typed", ["我想问问活动几点开始", "带什么东西", "", None, "不知道"])
def test_other_words_are_neither_yes_nor_no(typed):
    assert answers.yes_no(typed, yes=answers.COMPANION_YES, no=answers.COMPANION_NO) is None


def test_a_buttons_words_match_without_its_emoji_spaces_or_punctuation():
    assert answers.is_one_of("说完了", answers.DONE) and answers.is_one_of("✅说完了！", answers.DONE)
    assert answers.is_one_of("确认提交", answers.CONFIRM) and answers.is_one_of("好的。", answers.CONFIRM)
    assert answers.pick("很急", answers.URGENCY) is True and answers.pick("不急", answers.URGENCY) is False
    assert answers.pick("🔴很急", answers.URGENCY) is True and answers.pick("急不急", answers.URGENCY) is None
    assert answers.pick(" 医疗健康 ", {"医疗健康": 1}) == 1 and answers.pick("医疗", {"医疗健康": 1}) is None
    assert not answers.is_one_of("我说完了一件事还有一件", answers.DONE)


def test_a_voice_notes_caption_is_read_but_a_photos_is_not():
    assert answers.words(Inbound(kind="voice", file_id="v", text="不带")) == "不带"
    assert answers.words(Inbound(kind="photo", file_id="p", text="不带")) is None
    assert answers.words(Inbound(kind="text", text="A")) == "A"
    assert answers.media_of(Inbound(kind="voice", file_id="v", text="不带")) == Inbound(kind="voice", file_id="v")
    assert answers.media_of(Inbound(kind="text", text="A")) is None
