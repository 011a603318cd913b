"""Who applies, reviews, certifies and reads candidates' files."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from ciodispatch.accounts import roles
from ciodispatch.candidates.models import Application, ReviewAssignment
from ciodispatch.policy import Action, rule, seen_with

rule(
    Action.LIST_APPLICATIONS,
    Action.CONFIGURE_REVIEW,
    Action.ASSIGN_REVIEWERS,
    Action.VIEW_SCORES,
    Action.DECIDE_APPLICATION,
    Action.CERTIFY,
    Action.CHANGE_CERTIFICATION,
    Action.VIEW_POOL,
    Action.COMPLETE_DELETION,
)(roles.office)


@rule(Action.REGISTER_AS_CANDIDATE)
def anonymous(user, obj) -> bool:
    return not user.is_authenticated


@rule(Action.LIST_REVIEW_ASSIGNMENTS)
def reviewer(user, obj) -> bool:
    return roles.is_reviewer(user)


@rule(Action.EXPORT_OWN_DATA, Action.REQUEST_DELETION)
def own_application(user, application) -> bool:
    if not roles.is_candidate(user):
        return False
    return application is None or application.user_id == user.pk


@rule(Action.EDIT_APPLICATION)
def own_draft_application(user, application) -> bool:
    return own_application(user, application) and (application is None or application.is_editable)


@rule(Action.REVIEW_APPLICATION)
def assigned_reviewer(user, application) -> bool:
    """A reviewer reads and scores only what the office assigned them, only while the file
    is under review (their access ends with the review), and never a file they declared a
    conflict with."""
    if not roles.is_reviewer(user) or application is None or not application.is_under_review:
        return False
    return (
        application.assignments.filter(reviewer=user).exists()
        and not application.conflicts.filter(reviewer=user).exists()
    )


@rule(Action.VIEW_APPLICATION, Action.DOWNLOAD_CV)
def view_application(user, application) -> bool:
    if application is None:
        return False
    return (
        roles.is_office(user)
        or own_application(user, application)
        or assigned_reviewer(user, application)
    )


def visible_applications(
    user, queryset: QuerySet[Application] | None = None
) -> QuerySet[Application]:
    """The list form of ``view_application``: the applications ``user`` may read."""
    queryset = Application.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    if roles.is_candidate(user):
        return queryset.filter(user=user)
    if roles.is_reviewer(user):
        return queryset.filter(
            assignments__reviewer=user, state__in=Application.REVIEW_STATES
        ).exclude(conflicts__reviewer=user)
    return queryset.none()


def assignments_to_score(user) -> QuerySet[ReviewAssignment]:
    """A reviewer's assignments still to score: files in screening they may read (scoring
    closes with screening), scores not submitted."""
    if not roles.is_reviewer(user):
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(
        reviewer=user,
        submitted_at__isnull=True,
        application__in=visible_applications(user).filter(state=Application.State.SCREENING),
    )


def awaiting_decision(user, queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """Files the office can decide now: in screening with a reviewer's scores in, or in the
    interview stage with the interview held."""
    if not roles.is_office(user):
        return Application.objects.none()
    queryset = visible_applications(user, queryset)
    S = Application.State
    ready = Q(state=S.SCREENING, assignments__submitted_at__isnull=False) | Q(
        state=S.INTERVIEW, interviews__scheduled_at__lte=timezone.now()
    )
    return queryset.filter(pk__in=Application.objects.filter(ready).values("pk"))


def awaiting_interview(
    user, queryset: QuerySet[Application] | None = None
) -> QuerySet[Application]:
    """Files in the interview stage with no interview scheduled yet (the office schedules)."""
    if not roles.is_office(user):
        return Application.objects.none()
    return visible_applications(user, queryset).filter(
        state=Application.State.INTERVIEW, interviews__isnull=True
    )


# A certification this close to its end is shown as work: to renew, or to ask for renewal.
EXPIRY_NOTICE_DAYS = 60


def expiring_certifications(
    user, today: dt.date, queryset: QuerySet[Application] | None = None
) -> QuerySet[Application]:
    """Valid certifications ``user`` may read that end within ``EXPIRY_NOTICE_DAYS``."""
    return visible_applications(user, queryset).filter(
        state=Application.State.CERTIFIED,
        certified_until__gte=today,
        certified_until__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS),
    )


@rule(Action.DECLARE_CONFLICT)
def declare_conflict(user, application) -> bool:
    return roles.is_office(user) or assigned_reviewer(user, application)


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(Application, Action.VIEW_APPLICATION)
