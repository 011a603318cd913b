"""Form building blocks shared by the apps."""

import dataclasses
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class OptionalRowForm(forms.Form):
    """A row of a formset that may be left empty (a career position, a KPI ...).

    The row is ``used`` (in ``cleaned_data``) once any of ``row_fields`` is filled in; a used
    row must fill in each of ``required_fields``, or empty the whole row again. The page
    keeps the used rows only.
    """

    row_fields: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()
    missing_message = _("Fill this in, or empty the whole row.")
    # A field's own message, where it says more than ``missing_message``.
    field_messages: dict[str, str] = {}
    # What a row is called above its fields, with its number as ``%(n)s``.
    legend = _("Row %(n)s")

    def clean(self):
        data = super().clean()
        used = any(data.get(name) not in (None, "") for name in self.row_fields)
        if used:
            for name in self.required_fields:
                if data.get(name) in (None, ""):
                    self.add_error(name, self.field_messages.get(name, self.missing_message))
        data["used"] = used
        return data


def row_field_names(row_type: type) -> list[str]:
    """The names of a row's fields: those of ``row_type``, a dataclass the service takes, whose
    fields are named as the formset's fields and the model's columns."""
    return [field.name for field in dataclasses.fields(row_type)]


def used_rows(formset, row_type: type) -> list[Any]:
    """The used rows of a formset of ``OptionalRowForm``, each made into a ``row_type``."""
    names = row_field_names(row_type)
    return [
        row_type(**{name: form.cleaned_data[name] for name in names})
        for form in formset
        if form.cleaned_data.get("used")
    ]


class DateInput(forms.DateInput):
    """A date field shown as the browser's date picker."""

    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def with_all(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A filter's options: first the empty one, "All", which filters nothing."""
    return [("", _("All")), *choices]


def filter_choice(label: Any, choices: Iterable[tuple[Any, Any]] = (), **kwargs: Any):
    """A list page's filter by one of ``choices`` (or by the options the form's ``__init__``
    sets, through ``with_all``); left at "All" it filters nothing."""
    return forms.ChoiceField(label=label, required=False, choices=with_all(choices), **kwargs)


def checkboxes(label: Any, choices: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    """Any number of ``choices``, a checkbox each."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs
    )


def long_text(label: Any, *, rows: int, **kwargs: Any) -> forms.CharField:
    """A text written in a box of ``rows`` lines."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)
