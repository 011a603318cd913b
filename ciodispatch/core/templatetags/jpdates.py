import datetime as dt

from django import template
from django.utils import timezone

from ciodispatch.core import dates

register = template.Library()


def _local_date(value):
    """A datetime as its date in local time; a date as it is."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def wareki(value):
    """A date (or datetime, in local time) as 西暦 with 和暦 alongside."""
    if value in (None, ""):
        return ""
    return dates.format_date(_local_date(value))


@register.filter
def wareki_datetime(value):
    if value in (None, ""):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{dates.format_date(local.date())} {local:%H:%M}"


@register.filter
def fiscal_year_label(value):
    if value in (None, ""):
        return ""
    return dates.format_fiscal_year(int(value))


@register.filter
def day_label(value):
    """A deadline with its weekday: 2027年2月14日（日）."""
    if value in (None, ""):
        return ""
    return dates.format_day(_local_date(value))


@register.filter
def days_left(value):
    """あと3日 / 今日まで / 2日超過, counted from today."""
    if value in (None, ""):
        return ""
    return dates.days_left(_local_date(value), timezone.localdate())
