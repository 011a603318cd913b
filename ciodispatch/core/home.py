"""The home page's links and panels, declared by each app in its ``nav.py`` and read here.

Core knows no app: ``CoreConfig.ready()`` imports every installed app's ``nav`` module (as the
admin discovers ``admin.py``), and each registers its links with a position, so the page keeps
one order across apps whatever the order of ``INSTALLED_APPS``. The same links are the menu of
every signed-in page (each with the count of work waiting in its area, ``core/work.py``).

A panel is a part of the home page an app draws for some users (the office's programme
status): a function of the user and today that returns a template and its context, or None.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.urls import reverse
from django.utils.functional import Promise

from ciodispatch import policy


class Link(Protocol):
    position: int

    def for_user(self, user: Any) -> dict[str, Any] | None:
        """The link as the template shows it (url, title, description), or None if not shown."""
        ...


@dataclass(frozen=True)
class HomeLink:
    position: int
    action: policy.Action
    url_name: str
    title: Promise
    description: Promise
    # Not shown to those who may do this instead (e.g. the office's list over "your own").
    unless: policy.Action | None = None

    def for_user(self, user: Any) -> dict[str, Any] | None:
        if not policy.can(user, self.action):
            return None
        if self.unless is not None and policy.can(user, self.unless):
            return None
        return {
            "url": reverse(self.url_name),
            "title": self.title,
            "description": self.description,
            "area": self.url_name.split(":")[0],
        }


_LINKS: list[Link] = []


def register(*links: Link) -> None:
    taken = {link.position for link in _LINKS}
    for link in links:
        if link.position in taken:
            raise ValueError(f"Two home links at position {link.position}")
        taken.add(link.position)
        _LINKS.append(link)


def links_for(user: Any) -> list[dict[str, Any]]:
    shown = (link.for_user(user) for link in sorted(_LINKS, key=lambda link: link.position))
    return [link for link in shown if link is not None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


PanelFor = Callable[[Any, dt.date], Panel | None]
_PANELS: list[tuple[int, PanelFor]] = []


def register_panel(position: int) -> Callable[[PanelFor], PanelFor]:
    """Declare a home-page panel (decorator); panels show in the order of their positions."""

    def register_(function: PanelFor) -> PanelFor:
        if any(taken == position for taken, _function in _PANELS):
            raise ValueError(f"Two home panels at position {position}")
        _PANELS.append((position, function))
        return function

    return register_


def panels_for(user: Any, today: dt.date) -> list[Panel]:
    shown = (function(user, today) for _position, function in sorted(_PANELS, key=_first))
    return [panel for panel in shown if panel is not None]


def _first(item: tuple[int, PanelFor]) -> int:
    return item[0]
