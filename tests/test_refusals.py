"""The one path of a refusal: a service raises a ``Refusal``; a view shows it on the form
(``refusal_to_form``) or as a message on the page it goes to (``refusal_to_message``);
anything else propagates."""

import inspect
from importlib import import_module

import pytest
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.shortcuts import redirect
from django.test import RequestFactory

from ciodispatch.core.errors import Refusal, refusal_to_form, refusal_to_message
from ciodispatch.core.states import TransitionRefused


class CourseForm(forms.Form):
    title = forms.CharField()
    date = forms.DateField()


def _bound_form():
    form = CourseForm({"title": "DX basics", "date": "2027-04-01"})
    assert form.is_valid()
    return form


def _request():
    request = RequestFactory().post("/somewhere/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level, m.message) for m in messages.get_messages(request)]


# --- on the form ----------------------------------------------------------------------------


def test_a_refusal_about_a_field_of_the_form_becomes_that_fields_error():
    form = _bound_form()
    with refusal_to_form(form):
        raise Refusal("Give the course a title.", field="title")
    assert form.errors == {"title": ["Give the course a title."]}
    assert form.data["title"] == "DX basics"  # what was typed is shown again


def test_a_refusal_without_a_field_becomes_an_error_above_the_form():
    form = _bound_form()
    with refusal_to_form(form):
        raise Refusal("The session is full.")
    assert form.non_field_errors() == ["The session is full."]
    assert form.errors.keys() == {"__all__"}


def test_a_refusal_about_a_field_the_form_does_not_have_goes_above_the_form():
    form = _bound_form()
    with refusal_to_form(form):
        raise Refusal("Choose the track.", field="track")
    assert form.non_field_errors() == ["Choose the track."]


def test_the_service_name_of_a_field_is_mapped_to_the_forms():
    form = _bound_form()
    with refusal_to_form(form, fields={"starts_at": "date"}):
        raise Refusal("The session must start in the future.", field="starts_at")
    assert form.errors == {"date": ["The session must start in the future."]}


def test_a_page_can_put_the_refusals_that_name_no_field_on_one_field():
    form = _bound_form()
    with refusal_to_form(form, field="date"):
        raise Refusal("Sessions are scheduled in the current fiscal year.")
    assert form.errors == {"date": ["Sessions are scheduled in the current fiscal year."]}


def test_a_refusal_naming_its_field_goes_there_even_when_the_page_names_another():
    form = _bound_form()
    with refusal_to_form(form, field="date"):
        raise Refusal("Give the course a title.", field="title")
    assert form.errors == {"title": ["Give the course a title."]}


def test_a_block_without_a_refusal_leaves_the_form_alone_and_runs_to_its_end():
    form = _bound_form()
    done = []
    with refusal_to_form(form):
        done.append("saved")
    assert done == ["saved"] and form.errors == {}


def test_the_block_stops_at_the_refusal():
    form = _bound_form()
    done = []
    with refusal_to_form(form):
        raise TransitionRefused("Case cannot go from “draft” to “published”.")
        done.append("after")  # noqa: B018 - never reached
    assert done == []
    assert form.non_field_errors() == ["Case cannot go from “draft” to “published”."]


# --- as a message -----------------------------------------------------------------------------


def _submit(request, *, refuse: Exception | None):
    """A view of the usual shape: the service, the success message, the redirect."""
    with refusal_to_message(request):
        if refuse is not None:
            raise refuse
        messages.success(request, "The request is submitted.")
        return redirect("/done/")
    return redirect("/back/")


def test_a_refusal_becomes_an_error_message_and_the_view_goes_on_to_its_redirect():
    request = _request()
    response = _submit(request, refuse=Refusal("Fill in every section first."))
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert _messages(request) == [(messages.ERROR, "Fill in every section first.")]


def test_without_a_refusal_the_view_says_so_and_goes_where_success_goes():
    request = _request()
    response = _submit(request, refuse=None)
    assert response["Location"] == "/done/"
    assert _messages(request) == [(messages.SUCCESS, "The request is submitted.")]


def test_a_refusals_field_does_not_matter_for_a_message():
    request = _request()
    _submit(request, refuse=Refusal("Give the course a title.", field="title"))
    assert _messages(request) == [(messages.ERROR, "Give the course a title.")]


# --- anything else propagates -----------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        ValueError("not a refusal"),
        KeyError("bug"),
        PermissionError("no"),
        RuntimeError("database gone"),
    ],
)
def test_an_exception_that_is_not_a_refusal_propagates(error):
    form = _bound_form()
    with pytest.raises(type(error)), refusal_to_form(form):
        raise error
    assert form.errors == {}
    request = _request()
    with pytest.raises(type(error)):
        _submit(request, refuse=error)
    assert _messages(request) == []


def test_permission_denied_propagates_to_the_403_page():
    from django.core.exceptions import PermissionDenied

    request = _request()
    with pytest.raises(PermissionDenied):
        _submit(request, refuse=PermissionDenied())


# --- every service error is a refusal ---------------------------------------------------------


def _service_errors():
    """Every exception class defined in an app's services module, and the state machine's."""
    found = {TransitionRefused}
    for app in settings.INSTALLED_APPS:
        if not app.startswith("ciodispatch."):
            continue
        try:
            module = import_module(f"{app}.services")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.services":
                raise
            continue
        found |= {
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__
        }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


SERVICE_ERRORS = _service_errors()


def test_the_discovery_finds_the_service_errors_of_the_apps():
    names = {cls.__name__ for cls in SERVICE_ERRORS}
    assert {"CandidateError", "RequestError", "OutreachError", "TransitionRefused"} <= names
    assert len(SERVICE_ERRORS) >= 12


@pytest.mark.parametrize("error_class", SERVICE_ERRORS, ids=lambda cls: cls.__name__)
def test_every_service_error_is_a_refusal(error_class):
    assert issubclass(error_class, Refusal)


@pytest.mark.parametrize(
    "error_class",
    [cls for cls in SERVICE_ERRORS if cls.__init__ is Refusal.__init__],
    ids=lambda cls: cls.__name__,
)
def test_a_service_error_carries_its_message_and_the_field_it_concerns(error_class):
    error = error_class("Say what to do.", field="title")
    assert (error.message, error.field, str(error)) == (
        "Say what to do.",
        "title",
        "Say what to do.",
    )
    assert error_class("Say what to do.").field is None
