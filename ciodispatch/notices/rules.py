"""Who reads which notices: each person their own, and no one else's (not even the office:
a notice is a message to one person, not a record of the programme)."""

from ciodispatch.notices.models import Notice
from ciodispatch.policy import Action, rule, seen_with


@rule(Action.VIEW_NOTICES, Action.SET_NOTICE_PREFERENCES)
def own_notices(user, obj=None) -> bool:
    """One's own list of notices (and marking it all read) and one's own mail preferences."""
    return user.is_authenticated


@rule(Action.READ_NOTICE)
def read_notice(user, notice) -> bool:
    """Open one notice, mark it read: its recipient."""
    return notice is not None and user.is_authenticated and notice.recipient_id == user.pk


def visible_notices(user, queryset=None):
    """The list form of ``read_notice``: the notices addressed to ``user``."""
    queryset = Notice.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(recipient=user)


# Others' notices are answered 404, as for a missing one.
seen_with(Notice, Action.READ_NOTICE)
