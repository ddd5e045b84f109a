"""Cutting long texts for Telegram: where the cuts fall, and that nothing but whitespace is lost."""
from __future__ import annotations

import re

import pytest

from yinling.text_split import TELEGRAM_TEXT_LIMIT, split_text, utf16_len

LIMIT = TELEGRAM_TEXT_LIMIT
EMOJI = "😀"  # outside the BMP: two UTF-16 units
FAMILY = "👨\u200d👩\u200d👧"  # one picture made of three emoji and two joiners


def without_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_valid(text: str, pieces: list[str], limit: int = LIMIT) -> None:
    assert all(utf16_len(p) <= limit for p in pieces)
    assert all(p.strip() for p in pieces)  # Telegram refuses an empty message
    assert without_space("".join(pieces)) == without_space(text)  # only whitespace at a cut is dropped


def test_a_text_that_fits_comes_back_untouched():
    assert split_text("  短消息\n") == ["  短消息\n"]


def test_exactly_the_limit_is_one_piece_and_one_more_unit_is_two():
    assert split_text("字" * LIMIT) == ["字" * LIMIT]
    assert split_text("字" * (LIMIT + 1)) == ["字" * LIMIT, "字"]


def test_the_limit_is_counted_in_utf16_units_not_characters():
    text = EMOJI * (LIMIT // 2) + "好"  # 2049 characters, 4097 units
    pieces = split_text(text)
    assert pieces == [EMOJI * (LIMIT // 2), "好"]


def test_a_surrogate_pair_is_never_split():
    text = "a" + EMOJI * LIMIT  # an odd start puts every emoji across an even boundary
    pieces = split_text(text)
    assert_valid(text, pieces)
    assert "".join(pieces) == text
    for piece in pieces:
        piece.encode("utf-8")  # a lone surrogate would raise here
    assert utf16_len(pieces[0]) == LIMIT - 1  # the emoji that would straddle the limit moved on


def test_joined_emoji_stay_together():
    text = "字" * (LIMIT - 3) + FAMILY + "尾"
    pieces = split_text(text)
    assert_valid(text, pieces)
    assert FAMILY in pieces[1]


def test_a_paragraph_break_is_preferred_to_a_line_break():
    first = "第一段。" * 700  # 2800
    second = "第二段第一行。\n" + "第二段。" * 500  # past the limit, with a line break inside
    text = first + "\n\n" + second
    pieces = split_text(text)
    assert pieces[0] == first
    assert_valid(text, pieces)


def test_a_line_break_is_preferred_to_a_sentence_end():
    text = "第一行。" * 600 + "\n" + "第二行，很长。" * 400
    pieces = split_text(text)
    assert pieces[0] == "第一行。" * 600
    assert_valid(text, pieces)


def test_a_sentence_end_is_preferred_to_a_cut_anywhere_and_keeps_its_closing_quote():
    sentence = "他说：“水龙头一直在滴水！”"
    text = sentence * 400
    pieces = split_text(text)
    assert all(p.endswith("”") for p in pieces[:-1])
    assert_valid(text, pieces)
    assert "".join(pieces) == text


@pytest.mark.parametrize("mark", ["。", "！", "？", "；"])
def test_each_chinese_sentence_end_is_a_place_to_cut(mark):
    text = ("一二三四五六七八九" + mark) * 500
    pieces = split_text(text)
    assert all(p.endswith(mark) for p in pieces[:-1])


def test_an_early_boundary_does_not_leave_a_stub():
    text = "标题\n\n" + "正文没有标点" * 1000
    pieces = split_text(text)
    assert utf16_len(pieces[0]) > LIMIT // 2
    assert_valid(text, pieces)


def test_text_without_any_boundary_is_cut_at_the_limit():
    text = "字" * 9000
    assert [len(p) for p in split_text(text)] == [LIMIT, LIMIT, 9000 - 2 * LIMIT]


def test_ten_thousand_characters_of_paragraphs_become_three_pieces_in_order():
    paragraphs = [f"第{i}段：" + "家里的水管漏水了，请帮忙看看。" * 10 for i in range(60)]
    text = "\n\n".join(paragraphs)
    assert 9000 < len(text) < 11000
    pieces = split_text(text)
    assert len(pieces) == 3
    assert_valid(text, pieces)
    assert "\n\n".join(pieces) == text  # every cut fell on a paragraph break
    order = [int(re.match(r"第(\d+)段", p).group(1)) for p in "\n\n".join(pieces).split("\n\n")]
    assert order == list(range(60))


def test_whitespace_only_stretches_are_dropped_not_sent_as_empty_messages():
    text = "开头" + "\n" * 10000 + "结尾"
    assert split_text(text) == ["开头", "结尾"]


def test_a_smaller_limit_works_the_same_way():
    text = "一句话。" * 100
    pieces = split_text(text, 50)
    assert all(len(p) == 48 for p in pieces[:-1])  # 12 whole sentences fit in 50
    assert_valid(text, pieces, 50)
