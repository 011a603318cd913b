"""A dispatch is seen by its CIO, its host side (and a joint request's members), the
coordinators of its prefecture (progress only) and the office. Each side answers and
evaluates for itself; the office decides extensions, fills declined places and assesses."""

from django.db.models import Q, QuerySet

from ciodispatch.accounts import roles
from ciodispatch.accounts.models import Role
from ciodispatch.dispatches.models import Dispatch, Evaluation, Extension
from ciodispatch.policy import Action, rule, seen_with
from ciodispatch.requests.rules import is_member_staff, speaks_for_request

rule(Action.DECIDE_EXTENSION, Action.MANAGE_DISPATCHES, Action.ASSESS_DISPATCH)(roles.office)


@rule(
    Action.ANSWER_AS_HOST,
    Action.SET_APPOINTMENT,
    Action.REQUEST_EXTENSION,
    Action.EVALUATE_AS_HOST,
)
def dispatch_host(user, dispatch) -> bool:
    """The host side of a dispatch: who speaks for its request."""
    return dispatch is not None and speaks_for_request(user, dispatch.request)


def hosted_dispatches(user, queryset: QuerySet[Dispatch]) -> QuerySet[Dispatch]:
    """The list form of ``dispatch_host``: the dispatches ``user`` speaks for (a host's own
    requests; a joint request's, for the coordinators of the lead prefecture)."""
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return queryset.filter(request__group__lead__prefecture_code=prefecture)
    own = roles.host_local_government(user)
    if own is not None:
        return queryset.filter(request__group__isnull=True, request__host=own)
    return queryset.none()


def cio_dispatches(user, queryset: QuerySet[Dispatch]) -> QuerySet[Dispatch]:
    """The list form of ``dispatch_cio``: the dispatches of ``user`` as the CIO."""
    if roles.is_candidate(user):
        return queryset.filter(application__user=user)
    return queryset.none()


@rule(Action.ANSWER_AS_CIO, Action.CONFIRM_APPOINTMENT, Action.EVALUATE_AS_CIO)
def dispatch_cio(user, dispatch) -> bool:
    """The CIO of a dispatch: the candidate whose application it is."""
    return (
        dispatch is not None
        and roles.is_candidate(user)
        and dispatch.application.user_id == user.pk
    )


def dispatch_member(user, dispatch) -> bool:
    """Staff of a member of a joint request (they read its dispatch; the lead acts)."""
    return (
        dispatch is not None
        and dispatch.request.is_joint
        and is_member_staff(user, dispatch.request)
    )


@rule(Action.VIEW_DISPATCH)
def view_dispatch(user, dispatch) -> bool:
    """The office, the CIO, the host side, the members of a joint request, and the
    coordinators of the prefecture, who follow their municipalities' progress (read only)."""
    if dispatch is None:
        return False
    prefecture = roles.coordinated_prefecture(user)
    return (
        roles.is_office(user)
        or dispatch_cio(user, dispatch)
        or dispatch_host(user, dispatch)
        or dispatch_member(user, dispatch)
        or (prefecture is not None and prefecture in dispatch.request.prefecture_codes())
    )


def visible_dispatches(user, queryset: QuerySet[Dispatch] | None = None) -> QuerySet[Dispatch]:
    """The list form of ``view_dispatch``: the dispatches ``user`` may read."""
    queryset = Dispatch.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    if roles.is_candidate(user):
        return queryset.filter(application__user=user)
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return queryset.filter(
            Q(request__group__lead__prefecture_code=prefecture)
            | Q(request__host__prefecture_code=prefecture)
            | Q(request__group__members__prefecture_code=prefecture)
        ).distinct()
    own = roles.host_local_government(user)
    if own is not None:
        return queryset.filter(Q(request__host=own) | Q(request__group__members=own)).distinct()
    return queryset.none()


@rule(Action.LIST_OWN_DISPATCHES)
def lists_dispatches(user, obj) -> bool:
    return roles.is_office(user) or roles.role(user) in (
        Role.CANDIDATE,
        Role.HOST_HEAD,
        Role.HOST_LIAISON,
        Role.PREFECTURE_COORDINATOR,
    )


@rule(Action.DOWNLOAD_NOTICE)
def download_notice(user, dispatch) -> bool:
    """The notice (pay, authority) stays with the parties and the office; the prefecture's
    coordinators follow the progress, not this (nor the evaluations)."""
    return dispatch is not None and (
        roles.is_office(user)
        or dispatch_cio(user, dispatch)
        or dispatch_host(user, dispatch)
        or dispatch_member(user, dispatch)
    )


@rule(Action.START_DISPATCH, Action.END_DISPATCH, Action.DRAFT_CASE_FROM_DISPATCH)
def office_or_host(user, dispatch) -> bool:
    return dispatch is not None and (roles.is_office(user) or dispatch_host(user, dispatch))


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(Dispatch, Action.VIEW_DISPATCH)
seen_with(Extension, Action.VIEW_DISPATCH, via="dispatch")
seen_with(Evaluation, Action.VIEW_DISPATCH, via="dispatch")
