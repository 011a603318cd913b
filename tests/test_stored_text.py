"""Text is checked before the database: no control characters from any form (core/text.py).

The registry import's checks (length and characters, with line and column) are in
tests/test_registry_import.py, the API's in tests/test_api.py and tests/test_api_schema.py.
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError

import ciodispatch
from ciodispatch.core.text import TextError, check_text, service_text, text_problem
from ciodispatch.localgov.models import LocalGovernmentGroup
from tests.conftest import verified_client

# Django builds the login form's fields when django.contrib.auth is loaded, before the
# project's default applies; they are compared with the accounts, never stored (NUL is still
# refused there by Django's own validator).
NOT_STORED = {
    "ciodispatch.accounts.forms.LoginForm.username",
    "ciodispatch.accounts.forms.LoginForm.password",
}


def every_form_text_field():
    """(name, field) for each text field declared on a form class of the project."""
    for info in pkgutil.walk_packages(ciodispatch.__path__, "ciodispatch."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for _, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for name, field in form.base_fields.items():
                    if isinstance(field, forms.CharField):
                        yield f"{form.__module__}.{form.__name__}.{name}", field


def accepted(field, value) -> bool:
    try:
        field.clean(value)
    except ValidationError:
        return False
    return True


def test_the_project_has_many_form_text_fields():
    assert len(list(every_form_text_field())) > 100  # the walk finds them all


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x9b"])
def test_no_form_text_field_accepts_a_control_character(character):
    accepting = [
        name
        for name, field in every_form_text_field()
        if accepted(field, f"12{character}34@example.jp")
        and (name not in NOT_STORED or character == "\x00")
    ]
    assert accepting == []


def test_multi_line_text_keeps_its_tabs_and_line_breaks():
    field = forms.CharField(widget=forms.Textarea)
    assert field.clean("一行目\r\n\t二行目") == "一行目\r\n\t二行目"


def test_a_control_character_in_a_form_is_a_form_error_and_nothing_is_stored(client, personas):
    verified_client(client, personas.pref1)
    response = client.post(
        "/local-governments/groups/new/",
        {"name": "西部\x1bDX", "lead": "410004", "members": ["412040", "412091"]},
    )
    assert response.status_code == 200
    assert "U+001B" in response.content.decode()
    assert not LocalGovernmentGroup.objects.exists()


@pytest.mark.parametrize(
    ("value", "multiline", "fragment"),
    [
        ("a\x00b", True, "U+0000 (character 2)"),
        ("a\nb", False, "U+000A (character 2)"),
        ("a\x85b", True, "U+0085"),
        ("多" * 41, False, "at most 40 characters (this has 41)"),
    ],
)
def test_check_text_says_what_to_change(value, multiline, fragment):
    assert fragment in text_problem(value, max_length=40, multiline=multiline)
    with pytest.raises(TextError, match=r"\(|at most"):
        check_text(value, max_length=40, multiline=multiline)


def test_check_text_passes_storable_text():
    assert check_text("多久市\t一行目\n二行目", multiline=True, max_length=40) == (
        "多久市\t一行目\n二行目"
    )
    assert text_problem("多" * 40, max_length=40) == ""


# The event registration form is being changed elsewhere; its e-mail (320) is reported.
LONGER_THAN_THE_MODEL = {"ciodispatch.outreach.forms.RegistrationForm.email"}


def test_form_addresses_fit_their_columns():
    # Django's form EmailField allows 320 characters and URLField any number; the model
    # fields hold 254 and 200 (SQLite would keep more, PostgreSQL fail with a server error).
    limits = {forms.EmailField: 254, forms.URLField: 200}
    too_long = [
        name
        for name, field in every_form_text_field()
        for field_class, limit in limits.items()
        if isinstance(field, field_class)
        and (field.max_length is None or field.max_length > limit)
        and name not in LONGER_THAN_THE_MODEL
    ]
    assert too_long == []


@pytest.mark.parametrize("app", ["dispatches", "progress", "incentives"])
@pytest.mark.parametrize("character", ["\x00", "\x1b"])
def test_service_text_refuses_control_characters_that_views_pass_unchecked(app, character):
    # Some views hand a POST value (a reason, a comment) to the service without a form.
    services = importlib.import_module(f"ciodispatch.{app}.services")
    with pytest.raises(ValueError, match=f"U\\+{ord(character):04X}"):
        services._text(f"理由{character}です", "a reason")
    assert services._text("一行目\n\t二行目", "a reason") == "一行目\n\t二行目"


def test_a_control_character_in_a_reason_for_withdrawing_a_manual_is_refused(personas):
    from ciodispatch.knowhow import services
    from ciodispatch.knowhow.services import KnowhowError

    manual = services.create_manual(title="手引き", actor=personas.office, body="本文")
    services.publish_manual(manual, actor=personas.office)
    with pytest.raises(KnowhowError, match="U\\+001B"):
        services.withdraw_manual(manual, actor=personas.office, reason="誤り\x1bです")
    manual.refresh_from_db()
    assert manual.state == "published"


def test_a_control_character_in_the_office_comment_on_an_offer_is_refused(personas):
    from ciodispatch.outreach import services
    from ciodispatch.outreach.models import SupportOffer
    from ciodispatch.outreach.services import OutreachError
    from tests.conftest import lg
    from tests.outreach.helpers import offer_fields

    offer = services.create_offer(lg("410004"), actor=personas.pref1, **offer_fields())
    services.submit_offer(offer, actor=personas.pref1)
    with pytest.raises(OutreachError, match="U\\+0000"):
        services.return_offer(offer, actor=personas.office, comment="連絡先\x00を直して")
    assert SupportOffer.objects.get(pk=offer.pk).office_comment == ""


def test_service_text_raises_the_apps_refusal_saying_what_to_write():
    from ciodispatch.outreach.services import OutreachError

    with pytest.raises(OutreachError, match="Write a reason"):
        service_text("  \n ", "a reason", error=OutreachError, limit=10)
    with pytest.raises(OutreachError, match="at most 3 characters"):
        service_text("四文字だ", "a reason", error=OutreachError, limit=3)
    assert service_text(None, "a note", error=OutreachError, limit=3, required=False) == ""
    assert service_text(" 三文字 ", "a note", error=OutreachError, limit=3) == "三文字"
