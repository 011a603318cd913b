"""The public portal is public."""

from ciodispatch.policy import Action, rule


@rule(Action.VIEW_PORTAL, Action.VIEW_STATISTICS)
def anyone(user, obj) -> bool:
    return True
