"""The public reads published cases and manuals; drafts stay with their authors' government
and the office, which reviews, publishes, keeps manuals and records the awards."""

from django.db.models import Q, QuerySet

from ciodispatch.accounts import roles
from ciodispatch.knowhow.models import Case, CaseAttachment
from ciodispatch.policy import Action, rule, seen_with


def is_case_author(user, case) -> bool:
    """Hosts and prefecture coordinators write cases for the government they act for."""
    own = roles.acting_government(user)
    return own is not None and case.author_government_id == own.code


rule(Action.REVIEW_CASES, Action.MANAGE_MANUALS, Action.RECORD_AWARD)(roles.office)


rule(Action.BROWSE_KNOWHOW)(roles.anyone)


@rule(Action.LIST_OWN_CASES)
def drafts_cases(user, obj) -> bool:
    return roles.is_office(user) or roles.acting_government(user) is not None


@rule(Action.DRAFT_CASE)
def draft_case(user, local_government) -> bool:
    """The office for anyone; a host or coordinator for its own government only."""
    return roles.is_office(user) or roles.acts_for(user, local_government)


@rule(Action.VIEW_CASE)
def view_case(user, case) -> bool:
    """Published: everyone. Unpublished: its authors' government and the office only."""
    if case is None:
        return False
    return case.is_published or roles.is_office(user) or is_case_author(user, case)


def visible_cases(user, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The list form of ``view_case``: the cases ``user`` may read (the public pages read
    only the published ones, ``queries.published_cases``)."""
    queryset = Case.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    seen = Q(state=Case.State.PUBLISHED)
    own = roles.acting_government(user)
    if own is not None:
        seen |= Q(author_government=own)
    return queryset.filter(seen)


@rule(Action.EDIT_CASE)
def edit_case(user, case) -> bool:
    """A draft: its authors and the office. A published case: the office (a new version)."""
    if case is None:
        return False
    if roles.is_office(user):
        return case.is_editable or case.is_published
    return case.is_editable and is_case_author(user, case)


@rule(Action.SUBMIT_CASE)
def submit_case(user, case) -> bool:
    if case is None or not case.is_editable:
        return False
    return roles.is_office(user) or is_case_author(user, case)


@rule(Action.VIEW_RECOMMENDATIONS)
def gets_recommendations(user, obj) -> bool:
    return roles.host_local_government(user) is not None or roles.is_candidate(user)


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(Case, Action.VIEW_CASE)
seen_with(CaseAttachment, Action.VIEW_CASE, via="case")
