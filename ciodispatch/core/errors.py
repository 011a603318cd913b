"""Refusals and error pages.

``Refusal`` is the one base class of the refusals a user can correct: every app's service error
(``CandidateError``, ``OutreachError``, ...) and the state machine's ``TransitionRefused``. A
service raises it before writing anything (or its transaction rolls back); a view turns it into
what the user sees in one of two ways: ``refusal_to_form`` (the form's error, the page shown
again with what was typed) or ``refusal_to_message`` (a message on the next page). Anything
else is a bug and propagates.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.shortcuts import render


class Refusal(Exception):
    """A change refused for a reason the user can correct; ``message`` says what to do.

    ``field`` names the form field it concerns, when there is one (the service's name for it).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@contextmanager
def refusal_to_form(
    form: BaseForm, *, field: str | None = None, fields: Mapping[str, str] | None = None
) -> Iterator[None]:
    """A refusal inside the block becomes an error of ``form``: on the field it names when the
    form has that field, otherwise on ``field`` (a page whose refusals all concern one field),
    otherwise above the form. The block is left and the view goes on, typically to render the
    form again with what was typed.

    ``fields`` maps a service's field name to the form's, where the two differ.
    """
    try:
        yield
    except Refusal as refusal:
        target = refusal.field
        if target is not None and fields:
            target = fields.get(target, target)
        if target not in form.fields:
            target = field
        form.add_error(target, str(refusal.message))


@contextmanager
def refusal_to_message(request: HttpRequest) -> Iterator[None]:
    """A refusal inside the block becomes an error message (shown on the next page rendered).
    The block is left and the view goes on after it, typically to the redirect it makes anyway;
    write the success message and any other redirect of success inside the block."""
    try:
        yield
    except Refusal as refusal:
        messages.error(request, str(refusal.message))


class NotFoundWithReason(Http404):
    """A 404 whose message is written for the user (e.g. which check digit is wrong)."""


def permission_denied(request, exception=None):
    return render(request, "core/403.html", status=403)


def page_not_found(request, exception=None):
    reason = str(exception) if isinstance(exception, NotFoundWithReason) else ""
    return render(request, "core/404.html", {"reason": reason}, status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)
