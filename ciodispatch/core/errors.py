"""Refusals and error pages.

``Refusal`` is the one base class of the refusals a user can correct: every app's service error
(``CandidateError``, ``OutreachError``, ...) and the state machine's ``TransitionRefused``. A
service raises it before writing anything (or its transaction rolls back); a view turns it into
what the user sees in one of two ways: ``refusal_to_form`` (the form's error, the page shown
again with what was typed) or ``refusal_to_message`` (a message on the next page). Anything
else is a bug and propagates.
"""

from django.http import Http404
from django.shortcuts import render


class Refusal(Exception):
    """A change refused for a reason the user can correct; ``message`` says what to do.

    ``field`` names the form field it concerns, when there is one (the service's name for it).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundWithReason(Http404):
    """A 404 whose message is written for the user (e.g. which check digit is wrong)."""


def permission_denied(request, exception=None):
    return render(request, "core/403.html", status=403)


def page_not_found(request, exception=None):
    reason = str(exception) if isinstance(exception, NotFoundWithReason) else ""
    return render(request, "core/404.html", {"reason": reason}, status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)
