"""The work readiness self-assessments create for people (core/work.py).

A prefecture coordinator chases the members of its groups of local governments that have
not assessed themselves: a joint request counts every member's readiness. A host's own
self-assessment has no deadline of its own, so it is not listed as work.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts import roles
from ciodispatch.core.work import Pending, kind
from ciodispatch.readiness.rules import group_members, not_assessed


@kind(
    "readiness.members",
    title=_("Group members without a readiness self-assessment"),
    reminder=_("Members of your groups have not assessed their readiness"),
)
def members_to_chase(user, today):
    prefecture = roles.coordinated_prefecture(user)
    if prefecture is None:
        return None
    count = group_members(not_assessed(user)).count()
    query = urlencode({"prefecture": prefecture, "not_assessed": "on", "group_members": "on"})
    return Pending(count, reverse("readiness:list") + "?" + query)
