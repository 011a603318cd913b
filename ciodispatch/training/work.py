"""The work training creates for people (core/work.py): after a session, the office
records who attended and who completed. Enrolments need no confirmation and sessions set
no deadline for their records, so the work has no due date."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.work import Pending, kind
from ciodispatch.training.forms import CatalogueFilterForm
from ciodispatch.training.rules import sessions_to_record


@kind(
    "training.records",
    title=_("Training sessions with attendance or completion to record"),
    reminder=_("A training session's attendance or completion waits to be recorded"),
)
def sessions_with_records_to_make(user, today):
    if not policy.can(user, policy.Action.RECORD_ATTENDANCE):
        return None
    count = sessions_to_record(user, timezone.now()).count()
    url = reverse("training:catalogue") + f"?awaiting={CatalogueFilterForm.RECORDS}"
    return Pending(count, url)
