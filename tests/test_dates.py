import datetime as dt

import pytest
from django.utils import translation

from ciodispatch.core.dates import fiscal_year, fiscal_year_bounds, format_date, format_fiscal_year


@pytest.fixture(autouse=True)
def japanese():
    with translation.override("ja"):
        yield


def test_date_shows_seireki_with_wareki():
    assert format_date(dt.date(2026, 11, 26)) == "2026年11月26日（令和8年）"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 4, 30), "2019年4月30日（平成31年）"),
        (dt.date(2019, 5, 1), "2019年5月1日（令和元年）"),
        (dt.date(1989, 1, 7), "1989年1月7日（昭和64年）"),
        (dt.date(1989, 1, 8), "1989年1月8日（平成元年）"),
    ],
)
def test_era_boundaries(day, expected):
    assert format_date(day) == expected


def test_english_date():
    with translation.override("en"):
        assert format_date(dt.date(2026, 11, 26)) == "26 November 2026 (Reiwa 8)"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 3, 31), 2025),
        (dt.date(2026, 4, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
        (dt.date(2027, 3, 31), 2026),
    ],
)
def test_fiscal_year_runs_april_to_march(day, year):
    assert fiscal_year(day) == year


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2026, "2026年度（令和8年度）"),
        (2019, "2019年度（令和元年度）"),  # Reiwa began in May 2019: FY2019 is 令和元年度
        (2018, "2018年度（平成30年度）"),
        (1988, "1988年度（昭和63年度）"),  # Heisei began in January 1989: FY1988 stays 昭和
    ],
)
def test_fiscal_year_label(year, label):
    assert format_fiscal_year(year) == label
