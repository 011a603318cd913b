"""Who files, reads, edits, signs and decides dispatch requests."""

from django.db.models import Q, QuerySet

from ciodispatch.accounts import roles
from ciodispatch.policy import Action, rule, seen_with
from ciodispatch.requests.models import DispatchRequest, MemberConfirmation


def speaks_for_request(user, request) -> bool:
    """A request is spoken for by its host's head and liaison, or for a joint request by the
    coordinators of the lead prefecture."""
    if request is None:
        return False
    if request.is_joint:
        prefecture = roles.coordinated_prefecture(user)
        return prefecture is not None and request.group.lead.prefecture_code == prefecture
    own = roles.host_local_government(user)
    return own is not None and own.code == request.host_id


def is_member_staff(user, request) -> bool:
    """Staff of one of the request's member governments."""
    own = roles.host_local_government(user)
    return (
        own is not None
        and request is not None
        and any(m.code == own.code for m in request.members())
    )


rule(Action.CONFIGURE_REQUEST_ROUND, Action.REVIEW_REQUESTS, Action.DECIDE_REQUEST)(roles.office)


@rule(Action.LIST_OWN_REQUESTS)
def files_requests(user, obj) -> bool:
    return (
        roles.host_local_government(user) is not None
        or roles.coordinated_prefecture(user) is not None
    )


@rule(Action.START_REQUEST)
def start_request(user, target) -> bool:
    """A host for itself (obj: a LocalGovernment); a coordinator for a group it leads."""
    from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup

    own = roles.host_local_government(user)
    if isinstance(target, LocalGovernment):
        return own is not None and own.code == target.code
    if isinstance(target, LocalGovernmentGroup):
        prefecture = roles.coordinated_prefecture(user)
        return (
            prefecture is not None
            and target.lead.is_prefecture
            and (target.lead.prefecture_code == prefecture)
        )
    return target is None and files_requests(user, None)


@rule(Action.VIEW_REQUEST)
def view_request(user, request) -> bool:
    if request is None:
        return False
    if roles.is_office(user):
        return True
    own = roles.host_local_government(user)
    if own is not None:
        return any(m.code == own.code for m in request.members())
    prefecture = roles.coordinated_prefecture(user)
    return prefecture is not None and prefecture in request.prefecture_codes()


def visible_requests(
    user, queryset: QuerySet[DispatchRequest] | None = None
) -> QuerySet[DispatchRequest]:
    """The list form of ``view_request``: the dispatch requests ``user`` may read."""
    queryset = DispatchRequest.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    own = roles.host_local_government(user)
    if own is not None:
        return queryset.filter(Q(host=own) | Q(group__members=own)).distinct()
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return queryset.filter(
            Q(host__prefecture_code=prefecture)
            | Q(group__members__prefecture_code=prefecture)
            | Q(group__lead__prefecture_code=prefecture)
        ).distinct()
    return queryset.none()


@rule(Action.EDIT_REQUEST)
def edit_request(user, request) -> bool:
    return request is not None and request.is_editable and speaks_for_request(user, request)


@rule(Action.SIGN_COMMITMENT)
def sign_commitment(user, request) -> bool:
    if request is None or request.is_joint or not roles.is_host_head(user):
        return False
    own = user.local_government
    return own is not None and own.code == request.host_id


@rule(Action.CONFIRM_MEMBERSHIP)
def confirm_membership(user, request) -> bool:
    """A member's head, or the lead prefecture's coordinator recording a paper confirmation."""
    if request is None or not request.is_joint:
        return False
    if roles.is_host_head(user) and user.local_government is not None:
        return any(m.code == user.local_government.code for m in request.members())
    prefecture = roles.coordinated_prefecture(user)
    return prefecture is not None and request.group.lead.prefecture_code == prefecture


def awaiting_signature(
    user, queryset: QuerySet[DispatchRequest] | None = None
) -> QuerySet[DispatchRequest]:
    """The submitted requests that wait for ``user``'s signature: a host head's single
    request (``sign_commitment``), or a joint request of which the head's government is a
    member and has not confirmed yet (``confirm_membership``)."""
    queryset = DispatchRequest.objects.all() if queryset is None else queryset
    if not roles.is_host_head(user) or user.local_government is None:
        return queryset.none()
    own = user.local_government
    submitted = queryset.filter(state=DispatchRequest.State.SUBMITTED)
    confirmed = MemberConfirmation.objects.filter(member=own).values("request_id")
    return submitted.filter(Q(host=own) | (Q(group__members=own) & ~Q(pk__in=confirmed))).distinct()


def awaiting_confirmations(
    user, queryset: QuerySet[DispatchRequest] | None = None
) -> QuerySet[DispatchRequest]:
    """The submitted joint requests of groups led by a coordinator's prefecture: they wait
    for members' confirmations, which the coordinator may record from paper. (The last
    confirmation commits the request, so every submitted one still waits for some.)"""
    queryset = DispatchRequest.objects.all() if queryset is None else queryset
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is None:
        return queryset.none()
    return queryset.filter(
        state=DispatchRequest.State.SUBMITTED,
        group__isnull=False,
        group__lead__prefecture_code=prefecture,
    )


def editable_requests(
    user, queryset: QuerySet[DispatchRequest] | None = None
) -> QuerySet[DispatchRequest]:
    """The list form of ``edit_request``: drafts and returned requests ``user`` speaks for."""
    queryset = DispatchRequest.objects.all() if queryset is None else queryset
    editable = queryset.filter(
        state__in=[DispatchRequest.State.DRAFT, DispatchRequest.State.RETURNED]
    )
    own = roles.host_local_government(user)
    if own is not None:
        return editable.filter(host=own)
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return editable.filter(group__lead__prefecture_code=prefecture)
    return editable.none()


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(DispatchRequest, Action.VIEW_REQUEST)
