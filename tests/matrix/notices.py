"""Permission-matrix rows of notices: each person their own, no one else's (not the office)."""

from ciodispatch import policy
from ciodispatch.notices.services import notify
from tests.matrix import SIGNED_IN

A = policy.Action

ROWS: list = [
    (A.VIEW_NOTICES, None, SIGNED_IN),
    (A.SET_NOTICE_PREFERENCES, None, SIGNED_IN),
    (A.READ_NOTICE, "notice_host1", {"host1"}),
    (A.READ_NOTICE, "notice_candidate1", {"candidate1"}),
    (A.READ_NOTICE, None, set()),
]


def build_objects(personas) -> dict:
    def notice(user):
        return notify([user], "requests.approved", "/requests/", title="窓口DX")[0]

    return {
        "notice_host1": notice(personas.host1),
        "notice_candidate1": notice(personas.candidate1),
    }
