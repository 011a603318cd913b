"""全国地方公共団体コード (JIS X 0402): five digits and a mod-11 check digit.

The first two digits are the prefecture (JIS X 0401, 01–47). The check digit is computed
from the first five digits with weights 6, 5, 4, 3, 2: take the remainder of the weighted
sum by 11, subtract it from 11, and keep the last digit (a remainder of 1 gives 0, a
remainder of 0 gives 1).
"""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

WEIGHTS = (6, 5, 4, 3, 2)


class InvalidCode(ValueError):
    """A code that is not a valid 全国地方公共団体コード; the message says what to fix."""


def check_digit(first_five: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(first_five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


@dataclass(frozen=True)
class LocalGovernmentCode:
    value: str

    @property
    def prefecture_code(self) -> str:
        return self.value[:2]

    def __str__(self) -> str:
        return self.value


def parse_code(raw: str) -> LocalGovernmentCode:
    """Validate a 6-digit code; raises InvalidCode with a message naming what is wrong.

    Full-width digits are accepted (NFKC), surrounding spaces are ignored.
    """
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        raise InvalidCode(_("Enter a local government code (6 digits)."))
    if not text.isascii() or not text.isdigit():
        raise InvalidCode(
            _("“%(code)s” is not a local government code: use digits only, 6 of them.")
            % {"code": text}
        )
    if len(text) == 5:
        raise InvalidCode(
            _(
                "“%(code)s” has 5 digits; a local government code has 6, ending in its check "
                "digit. Did you mean %(full)s?"
            )
            % {"code": text, "full": text + str(check_digit(text))}
        )
    if len(text) != 6:
        raise InvalidCode(
            _("“%(code)s” has %(count)s digits; a local government code has 6.")
            % {"code": text, "count": len(text)}
        )
    prefecture = int(text[:2])
    if not 1 <= prefecture <= 47:
        raise InvalidCode(
            _(
                "“%(code)s” starts with %(pref)s; the first two digits are the prefecture "
                "code, from 01 to 47."
            )
            % {"code": text, "pref": text[:2]}
        )
    expected = check_digit(text[:5])
    if int(text[5]) != expected:
        raise InvalidCode(
            _(
                "“%(code)s” fails its check: the 6th digit (the check digit) is %(given)s, but "
                "for %(first)s it must be %(expected)s. Check the digits against the source."
            )
            % {"code": text, "given": text[5], "first": text[:5], "expected": expected}
        )
    return LocalGovernmentCode(text)
