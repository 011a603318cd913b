"""Text on its way to the database: its length and its characters, checked before any write.

One check, used by the forms (a default validator of every ``forms.CharField``, see
``core/apps.py``), by the file imports (with the line and column) and by the API's parameters.
The database cannot be trusted to do it: PostgreSQL refuses a NUL byte with a server error
and SQLite stores it, SQLite keeps text past a column's ``max_length``, and a control character
stored today breaks the Excel export tomorrow (openpyxl refuses them).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# C0 and C1 control characters and DEL. Multi-line text may hold tab, line feed and carriage
# return; single-line text (names, codes, search words) none of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")

# The same rule for single-line text as a JSON-schema (ECMA 262) pattern, for the OpenAPI schema.
SINGLE_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"


class TextError(ValueError):
    """The text may not be stored; the message says what to change."""


def text_problem(value: str, *, max_length: int | None = None, multiline: bool = False) -> str:
    """Why ``value`` may not be stored, in one sentence; empty when it may."""
    found = (_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(value)
    if found:
        return _(
            "Remove the control character U+%(code)04X (character %(position)s); "
            "it cannot be stored."
        ) % {"code": ord(found.group()), "position": found.start() + 1}
    if max_length is not None and len(value) > max_length:
        return _("Use at most %(limit)s characters (this has %(length)s).") % {
            "limit": max_length,
            "length": len(value),
        }
    return ""


def check_text(value: str, *, max_length: int | None = None, multiline: bool = False) -> str:
    """``value`` unchanged, or TextError saying why it may not be stored."""
    problem = text_problem(value, max_length=max_length, multiline=multiline)
    if problem:
        raise TextError(problem)
    return value


def service_text(
    value: str | None,
    label: str,
    *,
    error: type[Exception],
    limit: int,
    required: bool = True,
) -> str:
    """A text a service is given (a comment, a reason, a note), stripped; or ``error`` (the
    app's refusal class) saying what to change: a control character, nothing written where
    ``required``, or more than ``limit`` characters. ``label`` names the text in the message."""
    text = (value or "").strip()
    problem = text_problem(text, multiline=True)
    if problem:
        raise error(problem)
    if required and not text:
        raise error(_("Write %s.") % label)
    if len(text) > limit:
        raise error(
            _("%(label)s is too long: at most %(limit)d characters.")
            % {"label": label, "limit": limit}
        )
    return text


@deconstructible
class StorableCharactersValidator:
    """A form field's check: no control character except tab and line breaks.

    NUL is left to Django's own ``ProhibitNullCharactersValidator`` (every ``CharField`` has
    it), so a NUL gives one error, not two.
    """

    message = gettext_lazy("Remove the control character U+%(code)04X; it cannot be stored.")
    code = "control_character"

    def __call__(self, value) -> None:
        found = _CONTROL.search(str(value).replace("\x00", ""))
        if found:
            raise ValidationError(self.message, code=self.code, params={"code": ord(found.group())})

    def __eq__(self, other) -> bool:
        return isinstance(other, StorableCharactersValidator)


validate_storable_characters = StorableCharactersValidator()


def install_form_default() -> None:
    """Give every form text field the check, by default (``CoreConfig.ready`` calls this).

    ``forms.CharField`` and each subclass with validators of its own (``URLField`` accepts a
    control character in its user part) get it; a field built before this runs (Django's
    login form, built when ``django.contrib.auth.forms`` is imported) does not.
    """
    from django import forms

    pending: list[type[forms.CharField]] = [forms.CharField]
    while pending:
        field_class = pending.pop()
        pending.extend(field_class.__subclasses__())
        own = field_class.__dict__.get("default_validators")
        if (field_class is forms.CharField or own is not None) and (
            validate_storable_characters not in field_class.default_validators
        ):
            field_class.default_validators = [
                *field_class.default_validators,
                validate_storable_characters,
            ]
