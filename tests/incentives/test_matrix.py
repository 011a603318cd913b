"""The incentives rows of the permission matrix, checked on their own (the lead also wires them
into tests/test_permission_matrix.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from ciodispatch import policy
from tests.matrix import PEOPLE
from tests.matrix import incentives as incentives_matrix

pytestmark = pytest.mark.django_db


def test_incentive_rows(personas, saga_group):
    people = personas.all() | {"anonymous": AnonymousUser()}
    objects = {None: None, **incentives_matrix.build_objects(personas, saga_group)}
    wrong = []
    for action, key, allowed in incentives_matrix.ROWS:
        for name in PEOPLE:
            expected = name in allowed
            if policy.can(people[name], action, objects[key]) != expected:
                wrong.append(f"{name} {'should' if expected else 'should not'} {action} {key}")
    assert not wrong, "\n".join(wrong)
    actions = {a for a in policy.Action if a.value.startswith("incentives.")}
    assert {action for action, _key, _allowed in incentives_matrix.ROWS} == actions
