import pytest

from yinling.phones import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+8613812345678",
        "8613812345678",
        "+86 138-1234-5678",
        "0086 138 1234 5678",
        "(138) 1234 5678",
        "１３８１２３４５６７８",  # full-width digits
        "＋86 13812345678",
        " 138\u00a01234\u30005678 ",
    ],
)
def test_mainland_mobile_numbers_in_any_written_form_become_eleven_digits(raw):
    assert normalize_phone(raw) == "13812345678"


def test_foreign_number_with_country_code_keeps_a_plus():
    assert normalize_phone("+1 (415) 555-0100") == "+14155550100"


def test_landline_keeps_its_digits():
    assert normalize_phone("0931-8888888") == "09318888888"


@pytest.mark.parametrize("raw", [None, "", "abc", "12", "+", "138abc45678", "1" * 20])
def test_things_that_are_not_phone_numbers_give_none(raw):
    assert normalize_phone(raw) is None


def test_mask_hides_the_middle_digits():
    assert mask_phone("13812345678") == "138****5678"
