"""The ideas and study services' refusals are in Chinese on every face (issue 15): statuses named as
the submitter reads them in the chat (texts.IDEA_STATUS), no status codes and no API field names, so
the console shows the service's words as they are."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.unit.test_ideas import idea_in
from yinling import texts
from yinling.errors import Conflict, DomainError, InvalidInput
from yinling.services.ideas import IdeaService
from yinling.services.ideas.staff import REVIEW_STATUSES, TRANSITIONS

_LATIN = re.compile(r"[A-Za-z]")


def words_of(refusal: DomainError) -> list[str]:
    """The message and every field's reason, each checked to hold no Latin letters."""
    said = [refusal.message, *refusal.fields.values()]
    for text in said:
        assert not _LATIN.search(text), text
    return said


@pytest.mark.parametrize("current", list(TRANSITIONS))
@pytest.mark.parametrize("target", REVIEW_STATUSES)
@pytest.mark.parametrize("reply", [None, "理由"])
def test_every_refused_review_is_said_in_chinese(current, target, reply):
    try:
        IdeaService.check_review(idea_in(current), target, reply)
    except (InvalidInput, Conflict) as refused:
        words_of(refused)


def test_a_refused_change_names_both_statuses_and_what_may_follow_in_order():
    with pytest.raises(Conflict) as refused:
        IdeaService.check_review(idea_in("submitted"), "implemented", "理由")
    assert refused.value.message == "状态是「已收到」的金点子不能改成「已落实」"
    assert refused.value.fields == {"status": "现在可以改成：「研究办理中」、「已采纳」、「暂未采纳」"}


def test_the_same_status_without_a_reply_and_noted_without_a_reason():
    with pytest.raises(Conflict) as same:
        IdeaService.check_review(idea_in("adopted"), "adopted", " ")
    assert words_of(same.value) == ["这条金点子已经是「已采纳」了", "已经是「已采纳」；要补充说明，请填写答复"]
    with pytest.raises(InvalidInput) as noted:
        IdeaService.check_review(idea_in("reviewing"), "noted", None)
    assert noted.value.fields == {"reply": f"设为「{texts.IDEA_STATUS['noted']}」时必填，写明原因"}


def test_a_status_staff_may_not_set_lists_those_they_may():
    with pytest.raises(InvalidInput) as refused:
        IdeaService.check_review(idea_in("submitted"), "merged", "理由")
    assert words_of(refused.value)[0] == "状态只能改成「研究办理中」、「已采纳」、「暂未采纳」、「已落实」"


async def test_study_figures_refuse_a_period_in_chinese(services):
    with pytest.raises(InvalidInput) as backwards:
        await services.study.stats(since=date(2026, 12, 1), until=date(2026, 11, 1))
    assert words_of(backwards.value) == ["开始日期不能晚于结束日期", "不能晚于结束日期"]
    with pytest.raises(InvalidInput) as too_long:
        await services.study.stats(since=date(2025, 1, 1), until=date(2026, 11, 1))
    assert words_of(too_long.value)[1] == "最多在开始日期之后 366 天"
