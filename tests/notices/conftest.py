import pytest
from django.utils.translation import gettext_lazy as _

from ciodispatch.notices import kinds


@pytest.fixture
def test_kinds(monkeypatch):
    """The real kinds and two of the tests' own: one mailed unless turned off, one not."""
    monkeypatch.setattr(kinds, "KINDS", dict(kinds.KINDS))
    kinds.declare(
        "tests.mailed", label=_("Request returned"), sentence="%(title)s: %(reason)s",
        mail_default=True,
    )  # fmt: skip
    kinds.declare("tests.quiet", label="Quiet", sentence="Quiet %(title)s")
    return kinds.KINDS
