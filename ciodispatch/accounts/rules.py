"""Who may read and change an account and an organisation."""

from ciodispatch.accounts import roles
from ciodispatch.accounts.models import Organisation
from ciodispatch.policy import Action, rule, seen_with

rule(Action.VIEW_OWN_ACCOUNT)(roles.signed_in)


@rule(Action.VIEW_ORGANISATION)
def view_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    if roles.is_office(user):
        return True
    if user.organisation_id is not None and user.organisation_id == organisation.pk:
        return True
    # A coordinator sees the organisations of the municipalities in their prefecture.
    prefecture = roles.coordinated_prefecture(user)
    lg = organisation.local_government
    return prefecture is not None and lg is not None and lg.prefecture_code == prefecture


@rule(Action.CHANGE_ORGANISATION)
def change_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    if roles.is_office_admin(user):
        return True
    # Hosts and coordinators keep their own organisation's contact details.
    works_for_it = (
        roles.host_local_government(user) is not None
        or roles.coordinated_prefecture(user) is not None
    )
    return works_for_it and user.organisation_id == organisation.pk


# Who may know that one exists: others are answered 404, as for a missing one.
seen_with(Organisation, Action.VIEW_ORGANISATION)
