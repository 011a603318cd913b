"""Panels of progress data shown on other apps' pages, so those apps render them without
importing progress (it sits above them): ``{% load progress_panels %}``."""

import datetime as dt

from django import template

from ciodispatch.progress.queries import overdue_for

register = template.Library()


@register.inclusion_tag("progress/_overdue_panel.html")
def overdue_panel(dispatch, today: dt.date | None = None) -> dict:
    """The plan and monthly reports of a running dispatch that are overdue (nothing for a
    dispatch not running)."""
    return {"overdue": overdue_for(dispatch, today) if dispatch.is_running else []}
