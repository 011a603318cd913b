"""The work candidates' files create for people (core/work.py): reviewers' scores, the
office's decisions and interviews, certifications coming to their end."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.candidates.forms import ApplicationFilterForm, ReviewFilterForm
from ciodispatch.candidates.models import Application
from ciodispatch.candidates.rules import (
    assignments_to_score,
    awaiting_decision,
    awaiting_interview,
    expiring_certifications,
    visible_applications,
)
from ciodispatch.core.work import Due, Pending, kind


def _applications(awaiting: str) -> str:
    return reverse("candidates:applications") + f"?awaiting={awaiting}"


@kind(
    "candidates.score",
    title=_("Applications waiting for your scores"),
    reminder=_("An application waits for your scores"),
    who=roles.is_reviewer,
)
def applications_to_score(user, today):
    count = assignments_to_score(user).count()
    return Pending(count, reverse("candidates:reviews") + f"?scores={ReviewFilterForm.TO_DO}")


@kind(
    "candidates.decide",
    title=_("Applications waiting for your decision"),
    reminder=_("An application waits for the office's decision"),
    who=roles.is_office,
)
def applications_to_decide(user, today):
    """The office: screened files with scores in, and files whose interview is held."""
    return Pending(awaiting_decision(user).count(), _applications(ApplicationFilterForm.DECISION))


@kind(
    "candidates.assign",
    title=_("Applications waiting for reviewers"),
    reminder=_("A submitted application waits for reviewers"),
    who=roles.is_office,
)
def applications_to_assign(user, today):
    """The office: submitted files nobody is assigned to review yet (screening starts with
    the first reviewer)."""
    count = visible_applications(user).filter(state=Application.State.APPLIED).count()
    url = reverse("candidates:applications") + f"?state={Application.State.APPLIED}"
    return Pending(count, url)


@kind(
    "candidates.interview",
    title=_("Interviews to schedule"),
    reminder=_("A candidate's interview waits to be scheduled"),
    who=roles.is_office,
)
def interviews_to_schedule(user, today):
    return Pending(awaiting_interview(user).count(), _applications(ApplicationFilterForm.INTERVIEW))


@kind(
    "candidates.expiring",
    title=_("Your certification ends soon"),
    reminder=_("Your certification as a CIO ends soon; ask the office to renew it"),
    who=roles.is_candidate,
)
def own_certification_expiring(user, today):
    """The candidate's own certification, within ``EXPIRY_NOTICE_DAYS`` of its last day."""
    application = expiring_certifications(user, today).first()
    if application is None:
        return None
    return Pending(1, reverse("candidates:application"), due=application.certified_until)


@own_certification_expiring.due_on
def own_certification_expiring_due(day):
    return [
        Due(user=app.user, pending=Pending(1, reverse("candidates:application"), day))
        for app in Application.objects.filter(
            state=Application.State.CERTIFIED, certified_until=day, user__is_active=True
        ).select_related("user")
    ]


@kind(
    "candidates.renew",
    title=_("Certifications ending within 60 days"),
    reminder=_("Certifications of CIOs end soon"),
    who=roles.is_office,
)
def certifications_to_renew(user, today):
    """The office renews certifications; the nearest last day is the due date."""
    found = expiring_certifications(user, today).aggregate(
        count=Count("pk"), due=Min("certified_until")
    )
    return Pending(found["count"], _applications(ApplicationFilterForm.RENEWAL), due=found["due"])
