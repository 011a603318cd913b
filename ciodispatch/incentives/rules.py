"""The host side files and reads its own dispatch's claims; the office reads every claim,
decides them and reads the rules and the budget; office admins change rules and budgets."""

from django.db.models import QuerySet

from ciodispatch.accounts import roles
from ciodispatch.dispatches.rules import dispatch_host
from ciodispatch.incentives.models import ClaimEvidence, IncentiveClaim, IncentiveRule
from ciodispatch.policy import Action, rule, seen_with

rule(Action.LIST_CLAIMS, Action.DECIDE_CLAIM, Action.VIEW_INCENTIVE_RULES, Action.VIEW_BUDGET)(
    roles.office
)


@rule(Action.EDIT_INCENTIVE_RULES, Action.SET_BUDGET)
def office_admin_only(user, obj) -> bool:
    return roles.is_office_admin(user)


@rule(Action.FILE_CLAIM)
def files_claims(user, dispatch) -> bool:
    return dispatch_host(user, dispatch)


@rule(Action.VIEW_DISPATCH_CLAIMS)
def claims_of_dispatch(user, dispatch) -> bool:
    """A dispatch's claims: the office and its host side (a joint request's lead acts; its
    members and the CIO see none)."""
    return dispatch is not None and (roles.is_office(user) or dispatch_host(user, dispatch))


@rule(Action.VIEW_CLAIM)
def view_claim(user, claim) -> bool:
    return claim is not None and claims_of_dispatch(user, claim.dispatch)


def visible_claims(user, queryset: QuerySet[IncentiveClaim] | None = None):
    """The list form of ``view_claim``: the claims ``user`` may read."""
    queryset = IncentiveClaim.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    prefecture = roles.coordinated_prefecture(user)
    own = roles.host_local_government(user)
    if prefecture is not None:
        return queryset.filter(
            dispatch__request__group__isnull=False,
            dispatch__request__group__lead__prefecture_code=prefecture,
        )
    if own is not None:
        return queryset.filter(dispatch__request__group__isnull=True, dispatch__request__host=own)
    return queryset.none()


@rule(Action.EDIT_CLAIM)
def edit_claim(user, claim) -> bool:
    """Only the host side, and only while the claim is a draft."""
    return (
        claim is not None
        and claim.state == IncentiveClaim.State.DRAFT
        and dispatch_host(user, claim.dispatch)
    )


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(IncentiveClaim, Action.VIEW_CLAIM)
seen_with(ClaimEvidence, Action.VIEW_CLAIM, via="claim")
seen_with(IncentiveRule, Action.VIEW_INCENTIVE_RULES)
