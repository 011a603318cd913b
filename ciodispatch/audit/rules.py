"""Who may read the audit log."""

from ciodispatch.accounts import roles
from ciodispatch.policy import Action, rule

rule(Action.VIEW_AUDIT_LOG)(roles.office)
