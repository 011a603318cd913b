"""The progress rows of the permission matrix, checked on their own (the shared matrix test
runs them with every other app's rows too), alongside the dispatches objects."""

import pytest
from django.contrib.auth.models import AnonymousUser

from ciodispatch import policy
from tests.matrix import PEOPLE
from tests.matrix import dispatches as dispatches_matrix
from tests.matrix import progress as progress_matrix

pytestmark = pytest.mark.django_db


def test_progress_rows(personas, saga_group):
    people = personas.all()
    people["anonymous"] = AnonymousUser()
    dispatches_matrix.build_objects(personas, saga_group)  # built together in the shared test
    objects = {None: None, **progress_matrix.build_objects(personas, saga_group)}
    wrong = []
    for action, key, allowed in progress_matrix.ROWS:
        for name in PEOPLE:
            expected = name in allowed
            if policy.can(people[name], action, objects[key]) != expected:
                wrong.append(f"{name} {'should' if expected else 'should not'} {action} {key}")
    assert not wrong, "\n".join(wrong)


def test_every_progress_action_has_a_row():
    ours = {a for a in policy.Action if a.value.startswith("progress.")}
    assert {action for action, _key, _allowed in progress_matrix.ROWS} == ours
