"""A host government assesses itself; its prefecture's coordinators and the office read the
submitted results; no host ever sees another's."""

from django.db.models import QuerySet

from ciodispatch.accounts import roles
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.policy import Action, rule, seen_with
from ciodispatch.readiness.models import Assessment

rule(Action.PUBLISH_QUESTIONNAIRE)(roles.office)


@rule(Action.VIEW_OWN_READINESS)
def is_host(user, obj) -> bool:
    return roles.host_local_government(user) is not None


@rule(Action.LIST_READINESS)
def list_readiness(user, obj) -> bool:
    return roles.is_office(user) or roles.coordinated_prefecture(user) is not None


@rule(Action.START_ASSESSMENT)
def start_assessment(user, local_government) -> bool:
    return local_government is not None and roles.hosts(user, local_government.code)


@rule(Action.VIEW_READINESS)
def view_readiness(user, local_government) -> bool:
    """The government itself, its prefecture's coordinators (read only), the office."""
    if local_government is None:
        return False
    if roles.is_office(user) or roles.hosts(user, local_government.code):
        return True
    return roles.oversees(user, local_government)


def visible_readiness(
    user, queryset: QuerySet[LocalGovernment] | None = None
) -> QuerySet[LocalGovernment]:
    """The list form of ``view_readiness``: the governments whose readiness ``user`` reads."""
    queryset = LocalGovernment.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    own = roles.host_local_government(user)
    if own is not None:
        return queryset.filter(code=own.code)
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return queryset.filter(prefecture_code=prefecture)
    return queryset.none()


def not_assessed(
    user, queryset: QuerySet[LocalGovernment] | None = None
) -> QuerySet[LocalGovernment]:
    """The governments ``user`` reads the readiness of that have submitted no self-assessment
    (a draft in progress does not count)."""
    submitted = Assessment.objects.filter(state=Assessment.State.SUBMITTED)
    return visible_readiness(user, queryset).exclude(
        code__in=submitted.values("local_government_id")
    )


def group_members(queryset: QuerySet[LocalGovernment]) -> QuerySet[LocalGovernment]:
    """Those of ``queryset`` that are members of a group of local governments (広域連携)."""
    return queryset.filter(
        code__in=LocalGovernment.objects.filter(groups__isnull=False).values("code")
    )


@rule(Action.VIEW_ASSESSMENT)
def view_assessment(user, assessment) -> bool:
    """A draft is seen only by its own government; a submitted one as its readiness."""
    if assessment is None:
        return False
    if roles.hosts(user, assessment.local_government_id):
        return True
    return assessment.is_submitted and view_readiness(user, assessment.local_government)


def visible_assessments(user, queryset: QuerySet[Assessment] | None = None) -> QuerySet[Assessment]:
    """The list form of ``view_assessment``: the assessments ``user`` may read."""
    queryset = Assessment.objects.all() if queryset is None else queryset
    own = roles.host_local_government(user)
    if own is not None:
        # Its own government's, drafts included (a host reads no other's readiness).
        return queryset.filter(local_government=own)
    submitted = queryset.filter(state=Assessment.State.SUBMITTED)
    if roles.is_office(user):
        return submitted
    return submitted.filter(local_government__in=visible_readiness(user))


@rule(Action.EDIT_ASSESSMENT, Action.SUBMIT_ASSESSMENT)
def edit_assessment(user, assessment) -> bool:
    return (
        assessment is not None
        and assessment.is_draft
        and roles.hosts(user, assessment.local_government_id)
    )


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(Assessment, Action.VIEW_ASSESSMENT)
