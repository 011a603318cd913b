"""Labels of stored choice values, for the models' ``*_labels`` properties.

A model keeps a list of choice values (``challenges``, ``kinds``, ``regions`` ...); pages show
their labels. A value no longer among the choices (a choice retired after it was stored) is
shown as it is stored rather than dropped.
"""

from collections.abc import Iterable

from django.db.models import Choices


def choice_labels(choices: type[Choices], values: Iterable[str]) -> list[str]:
    """The label of each of ``values`` in ``choices``, in the order of ``values``."""
    names = dict(choices.choices)
    return [str(names.get(value, value)) for value in values]


def choice_label(choices: type[Choices], value: str) -> str:
    """The label of one stored value in ``choices``."""
    return choice_labels(choices, [value])[0]
