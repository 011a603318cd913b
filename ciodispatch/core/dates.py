"""Japanese calendar helpers: 和暦 (era years) and 年度 (fiscal years, April to March).

Dates are ISO in data; officials read them as 西暦 with 和暦 alongside.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Era:
    name_ja: str
    name_en: str
    start: dt.date


# Newest first. Only eras that can appear in programme data (births of staff, history).
ERAS = (
    Era("令和", "Reiwa", dt.date(2019, 5, 1)),
    Era("平成", "Heisei", dt.date(1989, 1, 8)),
    Era("昭和", "Showa", dt.date(1926, 12, 25)),
)


def era_of(day: dt.date) -> tuple[Era, int]:
    """The era a day falls in and its year within the era (1 = 元年)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day.isoformat()} is before the Showa era; no era name is defined.")


def fiscal_year(day: dt.date) -> int:
    """The fiscal year (年度) a day falls in: FY2026 runs from 2026-04-01 to 2027-03-31."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def _ja() -> bool:
    return (get_language() or "ja").startswith("ja")


def era_year_label(era: Era, year: int) -> str:
    if _ja():
        return f"{era.name_ja}{'元' if year == 1 else year}年"
    return f"{era.name_en} {year}"


def format_date(day: dt.date) -> str:
    """2026年11月26日（令和8年） in Japanese; 26 November 2026 (Reiwa 8) in English."""
    era, year = era_of(day)
    if _ja():
        return f"{day.year}年{day.month}月{day.day}日（{era_year_label(era, year)}）"
    return f"{day.day} {day.strftime('%B')} {day.year} ({era_year_label(era, year)})"


def format_fiscal_year(year: int) -> str:
    """2026年度（令和8年度） in Japanese; FY2026 (Reiwa 8) in English.

    A fiscal year takes the era in force for most of it, as official documents do: FY2019
    (Reiwa from May 2019) is 令和元年度, FY1988 (Heisei from January 1989) is 昭和63年度.
    """
    era, _ignored = era_of(dt.date(year, 10, 1))
    era_year = year - era.start.year + 1
    if _ja():
        number = "元" if era_year == 1 else str(era_year)
        return f"{year}年度（{era.name_ja}{number}年度）"
    return _("FY%(year)s (%(era)s)") % {"year": year, "era": era_year_label(era, era_year)}


WEEKDAYS_JA = "月火水木金土日"


def format_day(day: dt.date) -> str:
    """A deadline as officials read it: 2027年2月14日（日） in Japanese; Sun 14 February 2027
    in English. (``format_date`` adds the era, for official documents.)"""
    if _ja():
        return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}）"
    return f"{day.strftime('%a')} {day.day} {day.strftime('%B')} {day.year}"


def days_left(day: dt.date, today: dt.date) -> str:
    """How far a deadline is: あと3日 / 今日まで / 2日超過; in 3 days / due today / 2 days
    overdue."""
    delta = (day - today).days
    if delta == 0:
        return _("due today")
    if delta > 0:
        return ngettext("in %(days)d day", "in %(days)d days", delta) % {"days": delta}
    late = -delta
    return ngettext("%(days)d day overdue", "%(days)d days overdue", late) % {"days": late}
