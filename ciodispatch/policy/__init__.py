"""Every access decision goes through here; the default is deny.

Pages and API endpoints ask ``can(user, action, obj)`` (or ``require``, or ``guard`` on a
view); services ask again before they write. This package holds the action catalogue
(``actions.py``) and a small engine (here), and imports no app. The rules live beside their
apps in ``<app>/rules.py``, named functions registered with ``@rule(Action.X)`` and
discovered at start-up as the admin discovers ``admin.py``. An action without a rule is
refused. tests/test_permission_matrix.py pins the table down and
tests/matrix/test_list_scoping.py holds each list form to its rule.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.utils.module_loading import autodiscover_modules

from ciodispatch.policy.actions import Action

Rule = Callable[[Any, Any], bool]


RULES: dict[Action, Rule] = {}


def rule(*actions: Action) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule of ``actions``; a second rule for one
    action is refused at start-up."""

    def register(function: Rule) -> Rule:
        for action in actions:
            if action in RULES:
                raise ImproperlyConfigured(
                    f"{action!r} already has a rule ({RULES[action].__module__}."
                    f"{RULES[action].__qualname__}); {function.__module__}."
                    f"{function.__qualname__} cannot be a second one"
                )
            RULES[action] = function
        return function

    return register


# What it takes to know that an object exists: model → (its view action, the attribute that
# leads from the object to what that action is about, "" for the object itself). A user who
# is refused an object they may not even see gets 404, as for a missing one, so that no
# answer tells them it exists (apps declare these in their rules.py with ``seen_with``).
SEEN_WITH: dict[type, tuple[Action, str]] = {}


def seen_with(model: type, action: Action, *, via: str = "") -> None:
    """Declare that an object of ``model`` is known to those who may do ``action`` on it (or,
    with ``via``, on the object that dotted attribute path leads to: ``"plan.dispatch"``)."""
    if model in SEEN_WITH:
        raise ImproperlyConfigured(f"{model.__name__} is already seen with {SEEN_WITH[model][0]!r}")
    SEEN_WITH[model] = (action, via)


def may_know(user, obj: Any) -> bool:
    """May ``user`` know that ``obj`` exists? Objects of no declared model are hidden."""
    for cls in type(obj).__mro__:
        if cls in SEEN_WITH:
            action, via = SEEN_WITH[cls]
            subject = obj
            for name in via.split(".") if via else ():
                subject = getattr(subject, name)
            return can(user, action, subject)
    return False


def autodiscover() -> None:
    """Import every installed app's ``rules`` module (called once, from an AppConfig.ready)."""
    autodiscover_modules("rules")


def can(user, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown actions are refused."""
    found = RULES.get(action)
    if found is None or user is None:
        return False
    if user.is_authenticated and not user.is_active:
        return False
    return bool(found(user, obj))


def require(user, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} refused")


def guard(action: Action, *, load: Callable[..., Any] | None = None):
    """Decorate a view: check ``action`` before it runs.

    ``load(request, **kwargs)`` fetches the object the action is about (404 if missing); the
    view then receives it as ``obj`` in place of the URL arguments. An anonymous visitor who
    is refused is sent to the login page; a signed-in user who is refused gets 403, or 404 if
    they may not even know that the object exists (``may_know``): the same answer as for a
    missing one, so that replaying others' addresses counts nothing.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # Anonymous visitors are refused before any lookup: no answer reveals what exists.
            if not request.user.is_authenticated and not can(AnonymousUser(), action):
                return redirect_to_login(request.get_full_path())
            obj = load(request, **kwargs) if load is not None else None
            if not can(request.user, action, obj):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if load is not None and not may_know(request.user, obj):
                    raise Http404
                raise PermissionDenied
            if load is not None:
                return view(request, obj)
            return view(request, *args, **kwargs)

        setattr(wrapped, "policy_action", action)  # noqa: B010 - read by tests/test_url_policy.py
        return wrapped

    return decorator
