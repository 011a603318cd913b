"""Rows of the permission matrix, one module per app; the people they name are these."""

PEOPLE = (
    "anonymous",
    "office",
    "office_admin",
    "reviewer",
    "candidate1",
    "candidate2",
    "host1",
    "host1_head",
    "host2",
    "pref1",
    "pref_fukuoka",
    "host_fukuoka",
)
OFFICE = frozenset({"office", "office_admin"})
SIGNED_IN = frozenset(PEOPLE) - {"anonymous"}
