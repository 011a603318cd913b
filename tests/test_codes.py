import csv

import pytest

from ciodispatch.localgov.codes import InvalidCode, check_digit, parse_code
from ciodispatch.localgov.services import BUNDLED_REGISTRY


def test_every_bundled_code_passes_its_check_digit():
    with BUNDLED_REGISTRY.open(encoding="utf-8") as source:
        codes = [row["code"] for row in csv.DictReader(source)]
    assert len(codes) == 1788
    for code in codes:
        assert parse_code(code).value == code


@pytest.mark.parametrize(
    ("first_five", "digit"),
    [("41204", 0), ("41000", 4), ("13101", 6), ("01213", 1), ("01100", 2), ("47000", 7)],
)
def test_check_digit_known_codes(first_five, digit):
    # 412040 多久市 (remainder 1 gives 0), 410004 佐賀県, 131016 千代田区,
    # 012131 苫小牧市 (remainder 0 gives 1), 011002 札幌市, 470007 沖縄県
    assert check_digit(first_five) == digit


def test_wrong_check_digit_names_the_digit_and_the_right_value():
    with pytest.raises(InvalidCode) as raised:
        parse_code("412041")
    message = str(raised.value)
    assert "6th digit" in message and "check digit" in message
    assert "must be 0" in message and "is 1" in message


def test_five_digit_code_suggests_the_full_code():
    with pytest.raises(InvalidCode, match="412040"):
        parse_code("41204")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "Enter"),
        ("41204a", "digits only"),
        ("4120400", "7 digits"),
        ("480001", "01 to 47"),
        ("000000", "01 to 47"),
    ],
)
def test_malformed_codes_say_what_is_wrong(raw, fragment):
    with pytest.raises(InvalidCode, match=fragment):
        parse_code(raw)


def test_full_width_digits_and_spaces_are_accepted():
    assert parse_code(" ４１２０４０ ").value == "412040"
