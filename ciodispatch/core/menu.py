"""The menu of every signed-in page: the user's areas (the home page's links), each with the
count of work waiting in it.

Counting every kind of work costs a query or two per kind, so the counts are kept in the
user's session for ``MENU_COUNTS_SECONDS`` and counted again after that, after any POST the
user makes (an action may have done some of the work) and whenever the home page counts them
afresh. The home page's queue itself is always counted afresh.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from ciodispatch.core import home, work

MENU_COUNTS_SECONDS = 60
SESSION_KEY = "work_counts"


def remember_counts(request: HttpRequest, tasks: list[work.Task]) -> dict[str, int]:
    counts = work.counts_by_area(tasks)
    request.session[SESSION_KEY] = {"at": time.time(), "counts": counts}
    return counts


def forget_counts(request: HttpRequest) -> None:
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        del session[SESSION_KEY]


def area_counts(request: HttpRequest) -> dict[str, int]:
    kept = request.session.get(SESSION_KEY)
    if kept and time.time() - kept.get("at", 0) < MENU_COUNTS_SECONDS:
        return kept["counts"]
    return remember_counts(request, work.tasks_for(request.user))


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The user's areas in the home page's order: url, title, count of waiting work, and
    whether the page shown belongs to the area."""
    user = request.user
    if not user.is_authenticated:
        return []
    counts = area_counts(request)
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match is not None else ""
    items = []
    seen: set[str] = set()
    for link in home.links_for(user):
        area = link.get("area", "")
        items.append(
            {
                "url": link["url"],
                "title": link["title"],
                # An area's work is counted once, on its first link.
                "count": counts.get(area, 0) if area not in seen else 0,
                "current": bool(area) and area == current and area not in seen,
            }
        )
        seen.add(area)
    return items
