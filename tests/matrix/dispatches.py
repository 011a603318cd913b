"""Permission-matrix rows of dispatches (see test_permission_matrix.py).

d_taku: 多久市 (host1, host1_head) hosts candidate2. d_joint: a joint request of 佐賀県's group
(lead 佐賀県: pref1; members 多久市 and 嬉野市: host1, host1_head, host2) with candidate2.
"""

import pytest

from ciodispatch.accounts.models import User
from ciodispatch.dispatches import services
from ciodispatch.policy import Action as A
from ciodispatch.requests import services as requests
from tests.dispatches.helpers import dispatch_at, today
from tests.matchround.helpers import second_reviewer
from tests.matrix import OFFICE
from tests.requests.helpers import fill, open_round

TAKU = {"host1", "host1_head"}
ROWS: list = [
    (
        A.LIST_OWN_DISPATCHES,
        None,
        OFFICE
        | {"candidate1", "candidate2", "host1", "host1_head", "host2", "host_fukuoka"}
        | {"pref1", "pref_fukuoka"},
    ),
    # The prefecture's coordinators follow their municipalities' dispatches (read only).
    (A.VIEW_DISPATCH, "d_taku", OFFICE | TAKU | {"candidate2", "pref1"}),
    (A.VIEW_DISPATCH, "d_joint", OFFICE | TAKU | {"host2", "pref1", "candidate2"}),
    (A.ANSWER_AS_CIO, "d_taku", {"candidate2"}),
    (A.ANSWER_AS_HOST, "d_taku", TAKU),
    (A.ANSWER_AS_HOST, "d_joint", {"pref1"}),
    (A.SET_APPOINTMENT, "d_taku", TAKU),
    (A.SET_APPOINTMENT, "d_joint", {"pref1"}),
    (A.CONFIRM_APPOINTMENT, "d_taku", {"candidate2"}),
    (A.DOWNLOAD_NOTICE, "d_taku", OFFICE | TAKU | {"candidate2"}),
    (A.DOWNLOAD_NOTICE, "d_joint", OFFICE | TAKU | {"host2", "pref1", "candidate2"}),
    (A.START_DISPATCH, "d_taku", OFFICE | TAKU),
    (A.END_DISPATCH, "d_taku", OFFICE | TAKU),
    (A.REQUEST_EXTENSION, "d_taku", TAKU),
    (A.DECIDE_EXTENSION, "d_taku", OFFICE),
    (A.MANAGE_DISPATCHES, None, OFFICE),
    (A.EVALUATE_AS_HOST, "d_taku", TAKU),
    (A.EVALUATE_AS_HOST, "d_joint", {"pref1"}),
    (A.EVALUATE_AS_CIO, "d_taku", {"candidate2"}),
    (A.ASSESS_DISPATCH, "d_taku", OFFICE),
    (A.DRAFT_CASE_FROM_DISPATCH, "d_taku", OFFICE | TAKU),
    (A.DRAFT_CASE_FROM_DISPATCH, "d_joint", OFFICE | {"pref1"}),
]


def build_objects(personas, saga_group) -> dict:
    monkeypatch = pytest.MonkeyPatch()
    try:
        # A proposal: the rules do not depend on the state, and candidate2 stays free for
        # the running dispatches of the progress rows.
        taku = dispatch_at(
            personas, monkeypatch, "proposed", fiscal_year=today().year + 3,
            reviewer=User.objects.filter(username="reviewer-matching").first()
            or second_reviewer(personas),
        )  # fmt: skip
    finally:
        monkeypatch.undo()
    request_round = open_round(fiscal_year=today().year + 4)
    joint = requests.start_request(request_round, actor=personas.pref1, group=saga_group)
    joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
    d_joint = services.propose(request=joint, application=taku.application, actor=None)
    return {"d_taku": taku, "d_joint": d_joint}
