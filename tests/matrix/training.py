"""Permission-matrix rows (action, object key, who may); see test_permission_matrix.py.

People: anonymous, office, office_admin, reviewer, candidate1, candidate2, host1, host1_head,
host2, pref1, pref_fukuoka, host_fukuoka.
"""

ROWS: list = []


def build_objects(personas) -> dict:
    """The objects the rows name, built through the services."""
    return {}
