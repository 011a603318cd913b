"""Who may read the audit log."""

from ciodispatch.accounts import roles
from ciodispatch.policy import Action, rule


@rule(Action.VIEW_AUDIT_LOG)
def office_only(user, obj) -> bool:
    return roles.is_office(user)
