"""Permission-matrix rows of incentives (action, object key, who may).

多久市 (host1 liaison, host1_head head) hosts candidate2; inc_dispatch is that dispatch,
inc_draft its draft claim and inc_submitted a submitted claim of another programme. Claims are
seen by the host side and the office only: not by 嬉野市 (host2), not by 佐賀県's coordinator
(pref1: the request is 多久市's own, not a joint one) and not by the CIO (candidate2), whose
dispatch page shows no money. Only office admins change rules and budgets.
"""

import pytest

from ciodispatch.accounts.models import User
from ciodispatch.dispatches import services as dispatches
from ciodispatch.incentives import services
from ciodispatch.policy import Action as A
from ciodispatch.requests import services as requests
from tests.dispatches.helpers import dispatch_at, today
from tests.incentives.helpers import fy, pdf, setup_programmes
from tests.matchround.helpers import second_reviewer
from tests.matrix import OFFICE
from tests.requests.helpers import fill, open_round

TAKU = {"host1", "host1_head"}

ROWS: list = [
    (A.VIEW_DISPATCH_CLAIMS, "inc_dispatch", OFFICE | TAKU),
    (A.FILE_CLAIM, "inc_dispatch", TAKU),
    (A.VIEW_DISPATCH_CLAIMS, "inc_joint", OFFICE | {"pref1"}),
    (A.FILE_CLAIM, "inc_joint", {"pref1"}),
    (A.VIEW_CLAIM, "inc_draft", OFFICE | TAKU),
    (A.VIEW_CLAIM, "inc_submitted", OFFICE | TAKU),
    (A.EDIT_CLAIM, "inc_draft", TAKU),
    (A.EDIT_CLAIM, "inc_submitted", set()),
    (A.LIST_CLAIMS, None, OFFICE),
    (A.DECIDE_CLAIM, "inc_submitted", OFFICE),
    (A.VIEW_INCENTIVE_RULES, None, OFFICE),
    (A.EDIT_INCENTIVE_RULES, None, {"office_admin"}),
    (A.VIEW_BUDGET, None, OFFICE),
    (A.SET_BUDGET, None, {"office_admin"}),
]


def build_objects(personas, saga_group=None) -> dict:
    """Built through the services, in request rounds of fiscal years of their own."""
    progs = setup_programmes(personas.office_admin, years=(fy(),))
    monkeypatch = pytest.MonkeyPatch()
    try:
        dispatch = dispatch_at(
            personas, monkeypatch, "active", fiscal_year=today().year + 8,
            reviewer=User.objects.filter(username="reviewer-matching").first()
            or second_reviewer(personas),
        )  # fmt: skip
    finally:
        monkeypatch.undo()
    draft = services.start_claim(
        dispatch, actor=personas.host1, programme=progs["cio-adviser"], fiscal_year=fy()
    )
    submitted = services.start_claim(
        dispatch, actor=personas.host1, programme=progs["regional-adviser"], fiscal_year=fy()
    )
    services.save_costs(
        submitted,
        [services.CostInput("pay", 600_000, dispatch.start_date, "報酬")],
        actor=personas.host1,
    )
    services.add_evidence(submitted, actor=personas.host1, upload=pdf())
    submitted = services.submit_claim(submitted, actor=personas.host1)
    objects = {"inc_dispatch": dispatch, "inc_draft": draft, "inc_submitted": submitted}
    if saga_group is not None:
        # A joint request: its lead prefecture's coordinator acts for it; members see no claims.
        request_round = open_round(fiscal_year=today().year + 9)
        joint = requests.start_request(request_round, actor=personas.pref1, group=saga_group)
        joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
        objects["inc_joint"] = dispatches.propose(
            request=joint, application=dispatch.application, actor=None
        )
    return objects
