import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.states import TransitionRefused
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.requests import services
from ciodispatch.requests.models import REQUEST_STATES, DispatchRequest
from ciodispatch.requests.services import RequestError
from tests.conftest import lg
from tests.requests.helpers import (
    complete_readiness_training,
    fill,
    open_round,
    taku_request,
)

S = DispatchRequest.State


def committed(request, personas):
    services.submit_request(request, actor=personas.host1)
    request.refresh_from_db()
    services.sign_commitment(
        request, actor=personas.host1_head, text=services.commitment_text(request)
    )
    request.refresh_from_db()
    return request


def test_a_host_files_submits_and_the_head_commits(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = taku_request(personas)
    assert all(services.section_status(request, k) == "completed" for k in services.SECTIONS)
    request = committed(request, personas)
    assert request.state == S.ELIGIBLE
    assert request.committed_by == personas.host1_head and request.commitment_text
    assert {c["key"] for c in request.eligibility} == {
        "population",
        "training",
        "commitment",
        "authority",
    }
    actions = list(
        AuditEvent.objects.filter(object_type="requests.dispatchrequest").values_list(
            "action", flat=True
        )
    )
    for expected in (
        "requests.dispatchrequest.submitted",
        "requests.commitment_signed",
        "requests.dispatchrequest.committed",
        "requests.dispatchrequest.eligible",
    ):
        assert expected in actions


def test_only_the_hosts_head_signs_and_only_the_current_text(personas):
    request = taku_request(personas)
    services.submit_request(request, actor=personas.host1)
    request.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.sign_commitment(
            request, actor=personas.host1, text=services.commitment_text(request)
        )
    with pytest.raises(RequestError, match="changed"):
        services.sign_commitment(request, actor=personas.host1_head, text="別の文言")


# --- each eligibility condition failing alone ------------------------------------------------


def _failed(request):
    return [c["key"] for c in request.eligibility if not c["passed"]]


def test_training_not_completed_fails_alone(personas):
    complete_readiness_training(personas.host1)  # the counterpart has not
    request = committed(taku_request(personas), personas)
    assert request.state == S.NOT_ELIGIBLE and _failed(request) == ["training"]
    reason = next(c for c in request.eligibility if c["key"] == "training")
    assert "host1-head" in reason["detail"] or personas.host1_head.display_name in reason["detail"]
    assert reason["what_to_do"]


def test_population_over_the_limit_fails_alone(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = committed(taku_request(personas, open_round(population_limit=15_000)), personas)
    assert _failed(request) == ["population"]
    assert "18,304" in next(c["detail"] for c in request.eligibility if c["key"] == "population")


def test_missing_authority_fails_alone(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = taku_request(personas)
    services.save_people(
        request, actor=personas.host1, authority_statement="助言を行う。",
        liaison=personas.host1, counterpart=personas.host1_head,
    )  # fmt: skip
    request = committed(request, personas)
    assert _failed(request) == ["authority"]


def test_fiscal_strength_rule_fails_alone(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = committed(
        taku_request(personas, open_round(max_fiscal_strength=Decimal("0.30"))), personas
    )
    assert _failed(request) == ["fiscal_strength"]


def test_commitment_is_required_before_evaluation(personas):
    request = taku_request(personas)
    services.submit_request(request, actor=personas.host1)
    request.refresh_from_db()
    assert request.state == S.SUBMITTED
    with pytest.raises(RequestError, match="Only committed"):
        services.reevaluate(request, actor=personas.office)


def test_reevaluation_after_training_makes_it_eligible(personas):
    complete_readiness_training(personas.host1)
    request = committed(taku_request(personas), personas)
    assert request.state == S.NOT_ELIGIBLE
    complete_readiness_training(personas.host1_head)
    request = services.reevaluate(request, actor=personas.host1)
    assert request.state == S.ELIGIBLE


# --- office decisions ---------------------------------------------------------------------


def test_office_approves_returns_and_rejects(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = committed(taku_request(personas), personas)
    with pytest.raises(RequestError, match="reason"):
        services.decide_request(request, actor=personas.office, decision="return", comment="")
    services.decide_request(
        request, actor=personas.office, decision="return", comment="KPIを具体化"
    )
    request.refresh_from_db()
    assert request.state == S.RETURNED and request.office_comment == "KPIを具体化"
    # The host edits and submits again; the head commits again.
    services.save_kpis(
        request, actor=personas.host1,
        kpis=[services.KPIInput("窓口待ち時間", "分", Decimal(40), Decimal(15))],
    )  # fmt: skip
    request = committed(request, personas)
    assert request.state == S.ELIGIBLE
    with pytest.raises(PermissionDenied):
        services.decide_request(request, actor=personas.host1_head, decision="approve", comment="")
    services.decide_request(request, actor=personas.office, decision="approve", comment="")
    request.refresh_from_db()
    assert request.state == S.APPROVED


def test_not_eligible_requests_cannot_be_approved(personas):
    request = committed(taku_request(personas), personas)
    assert request.state == S.NOT_ELIGIBLE
    with pytest.raises(RequestError, match="Only eligible"):
        services.decide_request(request, actor=personas.office, decision="approve", comment="")


def test_transitions_outside_the_table_are_refused(personas):
    request = taku_request(personas)
    for target in (S.APPROVED, S.ELIGIBLE, S.COMMITTED):
        with pytest.raises(TransitionRefused):
            REQUEST_STATES.apply(request, target, actor=personas.office)


# --- bad input -----------------------------------------------------------------------------


def test_term_and_start_refusals(personas):
    request = services.start_request(open_round(), actor=personas.host1, host=lg("412040"))
    base = dict(
        skill_roles=["engineer"],
        term_months=12,
        start_date=request.request_round.dispatch_start,
        work_pattern="full_time",
        days_per_week=None,
        work_place="on_site",
        appointment_form="fixed_term",
    )
    for changes, fragment in (
        ({"term_months": 5}, "6 to 24"),
        ({"term_months": 25}, "6 to 24"),
        ({"start_date": request.request_round.dispatch_start - dt.timedelta(days=1)}, "start on"),
        ({"appointment_form": "side_job"}, "part-time"),
        ({"skill_roles": []}, "role"),
    ):
        with pytest.raises(RequestError, match=fragment):
            services.save_cio_wanted(request, actor=personas.host1, **(base | changes))
    request.refresh_from_db()
    assert request.term_months is None


def test_vendor_list_with_blanks_is_refused(personas):
    request = services.start_request(open_round(), actor=personas.host1, host=lg("412040"))
    for vendors, none, fragment in (
        (["富士通", " "], False, "blank"),
        (["NEC", "nec"], False, "twice"),
        ([], False, "or say there are none"),
        (["NEC"], True, "one or the other"),
    ):
        with pytest.raises(RequestError, match=fragment):
            services.save_budget(
                request, actor=personas.host1, budget_yen=1_000_000, pay_yen_per_month=50_000,
                vendors=vendors, no_vendors=none,
            )  # fmt: skip
    assert DispatchRequest.objects.get(pk=request.pk).vendors == []


def test_people_must_be_the_hosts_staff(personas):
    request = services.start_request(open_round(), actor=personas.host1, host=lg("412040"))
    with pytest.raises(RequestError, match="staff"):
        services.save_people(
            request, actor=personas.host1, authority_statement="x" * 60,
            liaison=personas.host1, counterpart=personas.host2,
        )  # fmt: skip


def test_one_request_per_host_per_round_and_only_while_open(personas):
    request_round = open_round()
    services.start_request(request_round, actor=personas.host1, host=lg("412040"))
    with pytest.raises(RequestError, match="already"):
        services.start_request(request_round, actor=personas.host1_head, host=lg("412040"))
    closed = open_round(
        requests_open=dt.date(2020, 1, 1), requests_close=dt.date(2020, 2, 1),
        dispatch_start=dt.date(2020, 4, 1),
    )  # fmt: skip
    with pytest.raises(RequestError, match="accepted from"):
        services.start_request(closed, actor=personas.host2, host=lg("412091"))


def test_a_host_cannot_file_for_another_host(personas):
    with pytest.raises(PermissionDenied):
        services.start_request(open_round(), actor=personas.host2, host=lg("412040"))


def test_a_submitted_request_is_locked(personas):
    request = taku_request(personas)
    services.submit_request(request, actor=personas.host1)
    with pytest.raises(RequestError, match="only if returned"):  # a stale copy
        services.save_basics(
            request, actor=personas.host1, title="x", goals="y" * 40, challenges=["no_budget"]
        )
    request.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.save_basics(
            request, actor=personas.host1, title="x", goals="y" * 40, challenges=["no_budget"]
        )


# --- joint requests ------------------------------------------------------------------------


def test_a_joint_request_needs_every_members_confirmation(personas, saga_group):
    complete_readiness_training(personas.host1, personas.host2)
    request = services.start_request(open_round(), actor=personas.pref1, group=saga_group)
    request = fill(request, personas.pref1, liaison=personas.host1, counterpart=personas.host2)
    services.submit_request(request, actor=personas.pref1)
    request.refresh_from_db()
    services.confirm_membership(request, lg("412040"), actor=personas.host1_head)
    with pytest.raises(RequestError, match="own local government"):
        services.confirm_membership(request, lg("412091"), actor=personas.host1_head)
    with pytest.raises(RequestError, match="name of the head"):
        services.confirm_membership(request, lg("412091"), actor=personas.pref1)
    request.refresh_from_db()
    assert request.state == S.SUBMITTED
    services.confirm_membership(request, lg("412091"), actor=personas.pref1, head_name="嬉野市長")
    request.refresh_from_db()
    assert request.state == S.ELIGIBLE


def test_a_joint_request_fails_population_when_one_member_is_too_large(personas):
    from ciodispatch.localgov.services import create_group

    group = create_group(
        name="佐賀中部",
        lead=lg("410004"),
        members=[lg("412015"), lg("412040")],
        actor=personas.pref1,
    )
    request = services.start_request(open_round(), actor=personas.pref1, group=group)
    request = fill(request, personas.pref1, liaison=personas.host1, counterpart=personas.pref1)
    services.submit_request(request, actor=personas.pref1)
    request.refresh_from_db()
    for code in ("412015", "412040"):
        services.confirm_membership(request, lg(code), actor=personas.pref1, head_name="市長")
    request.refresh_from_db()
    population = next(c for c in request.eligibility if c["key"] == "population")
    assert not population["passed"] and "佐賀市" in population["detail"]


def test_a_coordinator_files_only_for_their_own_groups(personas, saga_group):
    with pytest.raises(PermissionDenied):
        services.start_request(open_round(), actor=personas.pref_fukuoka, group=saga_group)
    assert LocalGovernment.objects.get(code="410004").is_prefecture


def _assess(user, plan):
    from ciodispatch.demo import readiness as readiness_demo
    from ciodispatch.readiness import services as readiness

    assessment = readiness.start_assessment(user.local_government, actor=user)
    readiness_demo._fill(assessment, plan, readiness_demo.CHALLENGES["taku"], actor=user)
    readiness.submit_assessment(assessment, actor=user)


def test_readiness_below_the_minimum_fails_alone(personas):
    from ciodispatch.demo import readiness as readiness_demo

    complete_readiness_training(personas.host1, personas.host1_head)
    _assess(personas.host1, readiness_demo.WEAK_BUDGET)
    request = committed(taku_request(personas, open_round(min_readiness_score=60)), personas)
    assert _failed(request) == ["readiness"]
    detail = next(c["detail"] for c in request.eligibility if c["key"] == "readiness")
    assert "33" in detail


def test_a_strong_assessment_passes_readiness(personas):
    from ciodispatch.demo import readiness as readiness_demo

    complete_readiness_training(personas.host1, personas.host1_head)
    _assess(personas.host1, readiness_demo.STRONG)
    request = committed(taku_request(personas, open_round(min_readiness_score=60)), personas)
    assert request.state == S.ELIGIBLE


def test_no_assessment_fails_readiness_alone(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = committed(taku_request(personas, open_round(min_readiness_score=60)), personas)
    assert _failed(request) == ["readiness"]


def test_before_the_commitment_only_the_commitment_is_missing(personas):
    from ciodispatch.requests.eligibility import evaluate

    complete_readiness_training(personas.host1, personas.host1_head)
    request = taku_request(personas)
    services.submit_request(request, actor=personas.host1)
    request.refresh_from_db()
    assert [c.key for c in evaluate(request) if not c.passed] == ["commitment"]


def test_a_government_is_in_one_request_per_round(personas, saga_group):
    request_round = open_round()
    services.start_request(request_round, actor=personas.host1, host=lg("412040"))
    with pytest.raises(RequestError, match="already take part"):
        services.start_request(request_round, actor=personas.pref1, group=saga_group)


def test_approval_checks_the_conditions_again(personas):
    complete_readiness_training(personas.host1, personas.host1_head)
    request = committed(taku_request(personas), personas)
    assert request.state == S.ELIGIBLE
    request.request_round.population_limit = 10_000  # the office tightened the round
    request.request_round.save()
    request = services.decide_request(
        request, actor=personas.office, decision="approve", comment=""
    )
    assert request.state == S.NOT_ELIGIBLE


def test_an_unknown_fiscal_strength_fails_the_rule(personas):
    from ciodispatch.localgov.models import LocalGovernment

    LocalGovernment.objects.filter(code="412040").update(fiscal_strength_index=None)
    complete_readiness_training(personas.host1, personas.host1_head)
    request = committed(
        taku_request(personas, open_round(max_fiscal_strength=Decimal("1.00"))), personas
    )
    assert _failed(request) == ["fiscal_strength"]
