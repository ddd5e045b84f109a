import pytest

from yinling import texts


@pytest.mark.parametrize(
    "typed, action",
    [("🙋 我要求助", "help"), ("我要求助", "help"), (" 找人工 ", "human"), ("☎ 找人工", "human"),
     ("👤我的", "mine"), ("金点子\ufe0f", "ideas")],
)
def test_menu_labels_match_with_or_without_their_emoji(typed, action):
    assert texts.menu_action(typed) == action


def test_ordinary_words_are_not_menu_actions():
    assert texts.menu_action("我想问一下我的医保") is None


@pytest.mark.parametrize("typed", ["↩️ 返回主菜单", "返回", "主菜单"])
def test_plain_words_for_going_back_are_understood(typed):
    assert texts.means_back(typed)


def test_main_menu_has_the_six_labels_the_office_uses():
    assert [texts.plain(label) for _, label in texts.MENU] == [
        "我要求助", "活动报名", "每日学习", "金点子", "我的", "找人工"]
