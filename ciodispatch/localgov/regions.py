"""The eight regions (地方区分) used for statistics and distributional caps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    HOKKAIDO = "hokkaido", _("Hokkaido")
    TOHOKU = "tohoku", _("Tohoku")
    KANTO = "kanto", _("Kanto")
    CHUBU = "chubu", _("Chubu")
    KINKI = "kinki", _("Kinki")
    CHUGOKU = "chugoku", _("Chugoku")
    SHIKOKU = "shikoku", _("Shikoku")
    KYUSHU = "kyushu", _("Kyushu and Okinawa")


# Prefecture codes (JIS X 0401) of the last prefecture in each region, in order.
_REGION_ENDS = (
    (1, Region.HOKKAIDO),
    (7, Region.TOHOKU),
    (14, Region.KANTO),
    (23, Region.CHUBU),
    (30, Region.KINKI),
    (35, Region.CHUGOKU),
    (39, Region.SHIKOKU),
    (47, Region.KYUSHU),
)


def region_of(prefecture_code: str | int) -> Region:
    number = int(prefecture_code)
    for last, region in _REGION_ENDS:
        if 1 <= number <= last:
            return region
    raise ValueError(f"{prefecture_code!r} is not a prefecture code (01–47).")


def prefecture_codes_of(region: str) -> list[str]:
    first = 1
    for last, candidate in _REGION_ENDS:
        if candidate == region:
            return [f"{number:02d}" for number in range(first, last + 1)]
        first = last + 1
    raise ValueError(f"{region!r} is not a region.")
