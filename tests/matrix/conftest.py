"""The permission matrix's personas and objects, for the tests beside its tables."""

from tests.test_permission_matrix import objects, people  # noqa: F401 - fixtures
