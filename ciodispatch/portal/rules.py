"""The public portal is public."""

from ciodispatch.accounts import roles
from ciodispatch.policy import Action, rule

rule(Action.VIEW_PORTAL, Action.VIEW_STATISTICS)(roles.anyone)
