"""Staff passwords: long enough for the role, not only spaces, not on the common-passwords list;
the same rules for creating an account and for resetting its password."""
from __future__ import annotations

import pytest

from yinling.errors import InvalidInput
from yinling.passwords import common_passwords


@pytest.mark.parametrize("password", ["123456", "password", "qwerty123", "11111111", "a123456", "woaini1314",
                                      "88888888", "5201314", "1qaz2wsx"])
def test_the_bundled_list_holds_the_passwords_people_choose_most(password):
    assert password in common_passwords()
    assert len(common_passwords()) >= 300


@pytest.mark.parametrize("role, password, says", [
    ("liaison", "qwerty123", "太常见"),
    ("admin", "woaini1314", "太常见"),
    ("admin", "Password123", "太常见"),  # compared without case
    ("viewer", "88888888", "太常见"),
    ("liaison", " " * 12, "空格"),
    ("admin", "\t\n " * 4, "空格"),
    ("liaison", "tiny-pw", "至少要 8 个字符"),
    ("admin", "nine-char", "至少要 10 个字符"),  # enough for a liaison, not for an admin
])
async def test_a_weak_password_is_refused_naming_the_field(services, role, password, says):
    with pytest.raises(InvalidInput) as refused:
        await services.staff.do_create_staff("newcomer", role, password)
    assert says in refused.value.message and "password" in refused.value.message
    assert set(refused.value.fields) == {"password"}
    assert await services.staff.list_staff() == []


async def test_a_good_password_makes_an_account_and_a_reset_follows_the_same_rules(services):
    await services.staff.do_create_staff("wangfang", "liaison", "nine-char")
    await services.staff.do_create_staff("director", "admin", "ten-chars!")
    for username, password in (("wangfang", "11111111"), ("director", "nine-char"), ("director", " " * 10)):
        with pytest.raises(InvalidInput) as refused:
            await services.staff.do_reset_password(username, password)
        assert set(refused.value.fields) == {"password"}
    await services.staff.do_reset_password("director", "a-new-ten-char-one")
    assert [s.username for s in await services.staff.list_staff()] == ["wangfang", "director"]
