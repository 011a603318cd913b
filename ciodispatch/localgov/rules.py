"""Who may read the registry and form groups of local governments (広域連携)."""

from django.db.models import Q, QuerySet

from ciodispatch.accounts import roles
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup
from ciodispatch.policy import Action, rule, seen_with

rule(Action.VIEW_LOCAL_GOVERNMENTS)(roles.anyone)


rule(Action.IMPORT_LOCAL_GOVERNMENTS, Action.VIEW_REGISTRY_IMPORTS)(roles.office)


@rule(Action.LIST_GROUPS)
def list_groups(user, obj) -> bool:
    return (
        roles.is_office(user)
        or roles.coordinated_prefecture(user) is not None
        or roles.host_local_government(user) is not None
    )


@rule(Action.VIEW_GROUP)
def view_group(user, group) -> bool:
    if roles.is_office(user):
        return True
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return prefecture in group.prefecture_codes()
    own = roles.host_local_government(user)
    if own is not None:
        return group.lead_id == own.code or any(m.code == own.code for m in group.members.all())
    return False


def visible_groups(
    user, queryset: QuerySet[LocalGovernmentGroup] | None = None
) -> QuerySet[LocalGovernmentGroup]:
    """The list form of ``view_group``: the groups ``user`` may read."""
    queryset = LocalGovernmentGroup.objects.all() if queryset is None else queryset
    if roles.is_office(user):
        return queryset
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is not None:
        return queryset.filter(
            Q(lead__prefecture_code=prefecture) | Q(members__prefecture_code=prefecture)
        ).distinct()
    own = roles.host_local_government(user)
    if own is not None:
        return queryset.filter(Q(lead=own) | Q(members=own)).distinct()
    return queryset.none()


@rule(Action.CREATE_GROUP)
def create_group(user, lead) -> bool:
    """Office: any lead. Coordinator: their own prefecture as lead."""
    if roles.is_office(user):
        return True
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is None:
        return False
    return lead is None or (lead.is_prefecture and lead.prefecture_code == prefecture)


@rule(Action.ADD_GROUP_MEMBER)
def add_group_member(user, member) -> bool:
    if roles.is_office(user):
        return True
    prefecture = roles.coordinated_prefecture(user)
    return prefecture is not None and member is not None and member.prefecture_code == prefecture


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(LocalGovernmentGroup, Action.VIEW_GROUP)
# The registry of local governments is public.
seen_with(LocalGovernment, Action.VIEW_LOCAL_GOVERNMENTS)
