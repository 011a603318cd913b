"""A joint request: the lead prefecture's coordinator claims, with the lead's 財政力指数; the
members (多久市, 嬉野市) and the CIO see no claims."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from ciodispatch import policy
from ciodispatch.dispatches import services as dispatches
from ciodispatch.dispatches.models import add_months
from ciodispatch.incentives import services
from ciodispatch.requests import services as requests
from tests.dispatches.helpers import dispatch_at, today
from tests.incentives.helpers import cost_day, fy, setup_programmes
from tests.requests.helpers import fill, open_round

pytestmark = pytest.mark.django_db


def test_the_lead_prefecture_claims_a_joint_dispatch(personas, monkeypatch, saga_group):
    progs = setup_programmes(personas.office_admin, years=(fy(),))
    # Only to certify candidate2 (a proposal does not hold the CIO).
    taku = dispatch_at(personas, monkeypatch, "proposed", fiscal_year=today().year + 2)
    request_round = open_round(fiscal_year=today().year + 3)
    joint = requests.start_request(request_round, actor=personas.pref1, group=saga_group)
    joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
    dispatch = dispatches.propose(request=joint, application=taku.application, actor=None)
    dispatches.accept(dispatch, actor=personas.candidate2, side="cio")
    dispatch = dispatches.accept(dispatch, actor=personas.pref1, side="host")
    start = today() - dt.timedelta(days=10)
    dispatches.set_appointment(
        dispatch, actor=personas.pref1, start_date=start, end_date=add_months(start, 12),
        pay_yen_per_month=500_000,
    )  # fmt: skip
    dispatch = dispatches.confirm_appointment(dispatch, actor=personas.candidate2)
    dispatch = dispatches.start(dispatch, actor=personas.pref1, on=start)

    for outsider in (personas.host1, personas.host2, personas.candidate2):
        assert not policy.can(outsider, policy.Action.VIEW_DISPATCH_CLAIMS, dispatch)
        with pytest.raises(PermissionDenied):
            services.start_claim(
                dispatch, actor=outsider, programme=progs["regional-adviser"], fiscal_year=fy()
            )
    claim = services.start_claim(
        dispatch, actor=personas.pref1, programme=progs["regional-adviser"], fiscal_year=fy()
    )
    claim = services.save_costs(
        claim,
        [services.CostInput("pay", 6_000_000, cost_day(dispatch), "報酬")],
        actor=personas.pref1,
    )
    # 佐賀県 (the lead) has 財政力指数 0.34 ≤ 0.50: year 1 ceiling 5,600,000.
    assert str(claim.fiscal_strength_index) == "0.34"
    assert claim.computed_yen == 5_600_000
