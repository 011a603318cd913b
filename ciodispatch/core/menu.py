"""The menu of every signed-in page: the user's areas (the apps of the home page's links),
each with the count of work waiting in it.

Counting every kind of work costs a query or two per kind, so the counts are kept in the
user's session for ``MENU_COUNTS_SECONDS`` and counted again after that, after any POST the
user makes (an action may have done some of the work) and whenever the home page counts them
afresh. The home page's queue itself is always counted afresh.
"""

from __future__ import annotations

import time
from typing import Any

from django.apps import apps
from django.http import HttpRequest

from ciodispatch.core import home, work

MENU_COUNTS_SECONDS = 60
SESSION_KEY = "work_counts"
# Areas the page's header links to already (with their own count).
HEADER_AREAS = {"notices"}


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
    """The user's areas, one entry an app in the home page's order: the app's name, its first
    link the user may follow, the count of work waiting in it, and whether the page shown
    belongs to it. (The home page lists every link of each area.)"""
    user = request.user
    if not user.is_authenticated:
        return []
    counts = area_counts(request)
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match is not None else ""
    items: dict[str, dict[str, Any]] = {}
    for link in home.links_for(user):
        area = link.get("area", "")
        if not area or area in items or area in HEADER_AREAS:
            continue
        items[area] = {
            "url": link["url"],
            "title": _area_name(area, link["title"]),
            "count": counts.get(area, 0),
            "current": area == current,
        }
    return list(items.values())


def _area_name(area: str, fallback: Any) -> Any:
    """The app's own name (its AppConfig's verbose name; the URL namespace is its label)."""
    try:
        return apps.get_app_config(area).verbose_name
    except LookupError:
        return fallback
