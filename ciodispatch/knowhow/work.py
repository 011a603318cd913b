"""The work the know-how base creates for people (core/work.py): the office reviews the cases
sent to it; the authors change a case the office returned. Each counts the cases the
workspace shows with ``?show=``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.core.work import Pending, kind
from ciodispatch.knowhow.models import Case
from ciodispatch.knowhow.rules import visible_cases


def _pending(count: int, show: str) -> Pending | None:
    return Pending(count, reverse("knowhow:workspace") + f"?show={show}")


@kind(
    "knowhow.review",
    title=_("Cases to review"),
    reminder=_("A case waits for the office's review"),
    who=roles.is_office,
)
def cases_to_review(user, today):
    return _pending(visible_cases(user).filter(state=Case.State.IN_REVIEW).count(), "in_review")


@kind(
    "knowhow.returned",
    title=_("Cases returned for changes"),
    reminder=_("The office returned a case for changes"),
)
def cases_returned(user, today):
    """A draft the office sent back (its note is cleared when it is published)."""
    if roles.is_office(user) or roles.acting_government(user) is None:
        return None
    own = visible_cases(user).filter(
        state=Case.State.DRAFT, author_government=user.local_government
    )
    return _pending(own.exclude(return_reason="").count(), "returned")
