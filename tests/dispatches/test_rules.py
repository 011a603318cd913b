"""Rules found by a review: dates at month ends, one post at a time, a valid certification,
the daily job, evaluations in order, what the office list and the notice withstand."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ciodispatch import policy
from ciodispatch.candidates.models import Application
from ciodispatch.dispatches import services
from ciodispatch.dispatches.models import Dispatch, Extension, add_months
from ciodispatch.dispatches.notice import notice_pdf
from ciodispatch.dispatches.services import DispatchError
from tests.candidates.helpers import new_candidate
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at, today
from tests.matchround.helpers import certify

pytestmark = pytest.mark.django_db
S = Dispatch.State


def test_the_dispatch_year_turns_after_twelve_whole_months():
    dispatch = Dispatch(start_date=dt.date(2026, 4, 1))
    assert dispatch.dispatch_year(dt.date(2026, 4, 1)) == 1
    assert dispatch.dispatch_year(dt.date(2027, 3, 31)) == 1
    assert dispatch.dispatch_year(dt.date(2027, 4, 1)) == 2
    assert dispatch.dispatch_year(dt.date(2028, 4, 1)) == 3
    assert Dispatch(start_date=dt.date(2026, 8, 31)).dispatch_year(dt.date(2027, 8, 30)) == 1
    assert dispatch.dispatch_year(dt.date(2026, 3, 31)) is None


def test_a_term_starts_within_the_round_and_a_side_job_is_three_days_at_most(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    for start, end in ((dt.date(2001, 4, 1), dt.date(2002, 3, 31)),
                       (dt.date(9999, 6, 1), dt.date(9999, 12, 31))):  # fmt: skip
        with pytest.raises(DispatchError, match="starts between"):
            services.set_appointment(dispatch, actor=personas.host1, start_date=start, end_date=end)
    with pytest.raises(DispatchError, match="1 to 3 days"):
        services.set_appointment(
            dispatch, actor=personas.host1, appointment_form="side_job", days_per_week=5
        )
    services.set_appointment(
        dispatch, actor=personas.host1, appointment_form="side_job", days_per_week=2
    )


def test_a_cio_holds_one_post_at_a_time(personas, monkeypatch):
    running = dispatch_at(personas, monkeypatch, "active")
    second = dispatch_at(personas, monkeypatch, "proposed", fiscal_year=today().year + 1)
    assert second.application == running.application  # a proposal does not hold the CIO
    services.accept(second, actor=personas.candidate2, side="cio")
    second = services.accept(second, actor=personas.host1, side="host")
    with pytest.raises(DispatchError, match="another dispatch"):
        services.set_appointment(
            second, actor=personas.host1, start_date=today(), end_date=add_months(today(), 12)
        )
    after = running.end_date + dt.timedelta(days=1)
    services.set_appointment(
        second, actor=personas.host1, start_date=after, end_date=add_months(after, 12)
    )
    # Extending the running one into the next post is refused too.
    with pytest.raises(DispatchError, match="another dispatch"):
        services.request_extension(
            running, actor=personas.host1, new_end=after + dt.timedelta(days=30), reason="継続"
        )


def test_a_revoked_certification_stops_the_dispatch_going_on(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    Application.objects.filter(pk=dispatch.application_id).update(state="revoked")
    with pytest.raises(DispatchError, match="certification is not valid"):
        services.accept(dispatch, actor=personas.candidate2, side="cio")
    dispatch.refresh_from_db()
    assert dispatch.cio_accepted_at is None


def test_the_daily_job_skips_what_cannot_move_and_starts_on_the_start_date(personas, monkeypatch):
    late = dispatch_at(personas, monkeypatch, "confirmed")
    stuck = dispatch_at(personas, monkeypatch, "confirmed", fiscal_year=today().year + 1)
    Application.objects.filter(pk=stuck.application_id).update(state="suspended")
    counts = services.run_daily(today=late.start_date + dt.timedelta(days=3))
    assert counts == {"started": 1, "completed": 0, "skipped": 1}
    late.refresh_from_db()
    stuck.refresh_from_db()
    assert (late.state, late.started_on) == (S.ACTIVE, late.start_date)
    assert stuck.state == S.ACCEPTED


def test_the_office_assesses_after_both_sides_while_the_term_runs(personas, monkeypatch):
    start = add_months(today(), -12) + dt.timedelta(days=10)  # ends in nine days
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=(today() - start).days)
    office = {"outcomes": 4, "spread": 4}
    with pytest.raises(DispatchError, match="once the host and the CIO"):
        services.submit_evaluation(
            dispatch, actor=personas.office, kind="office", overall=4, scores=office, went_well="x"
        )
    services.submit_evaluation(
        dispatch, actor=personas.host1, kind="host_of_cio", overall=4,
        scores={"leadership": 4, "field": 4, "goals": 4, "transfer": 4}, went_well="x",
    )  # fmt: skip
    with pytest.raises(DispatchError, match="can no longer be extended"):
        services.request_extension(
            dispatch, actor=personas.host1, new_end=add_months(start, 18), reason="継続"
        )
    with pytest.raises(DispatchError, match="every point"):
        services.submit_evaluation(
            dispatch, actor=personas.candidate2, kind="cio_of_host", overall=4,
            scores={"head": True, "liaison": 4, "data": 4}, went_well="x",
            authority_materialised="yes", counterpart_materialised="yes",
        )  # fmt: skip
    services.submit_evaluation(
        dispatch, actor=personas.candidate2, kind="cio_of_host", overall=4,
        scores={"head": 4, "liaison": 4, "data": 4}, went_well="x",
        authority_materialised="yes", counterpart_materialised="yes",
    )  # fmt: skip
    services.submit_evaluation(
        dispatch, actor=personas.office, kind="office", overall=4, scores=office, went_well="x"
    )


def test_an_accepted_dispatch_is_not_called_off_before_it_was_accepted(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    with pytest.raises(DispatchError, match="cannot be called off before"):
        services.end_early(
            dispatch, actor=personas.host1, on=dt.date(1900, 1, 1), reason="方針転換"
        )
    services.end_early(dispatch, actor=personas.host1, on=today(), reason="方針転換")


def test_an_open_extension_is_closed_when_the_dispatch_ends(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    extension = services.request_extension(
        dispatch, actor=personas.host1, new_end=add_months(dispatch.start_date, 18), reason="x"
    )
    services.end_early(dispatch, actor=personas.office, on=today(), reason="体調")
    extension.refresh_from_db()
    assert extension.state == Extension.State.REFUSED and extension.decision_reason


def test_an_approved_extension_issues_the_notice_again(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    issued = dispatch.notice_issued_at
    extension = services.request_extension(
        dispatch, actor=personas.host1, new_end=add_months(dispatch.start_date, 18), reason="x"
    )
    services.decide_extension(extension, actor=personas.office, approve=True)
    dispatch.refresh_from_db()
    assert dispatch.notice_issued_at > issued
    assert notice_pdf(dispatch).startswith(b"%PDF-")


def test_a_long_authority_statement_still_makes_a_notice(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    services.set_appointment(
        dispatch,
        actor=personas.host1,
        authority_statement="情報政策の方針を決定し各課に指示する。" * 200,
    )
    dispatch = services.confirm_appointment(dispatch, actor=personas.candidate2)
    assert notice_pdf(dispatch).startswith(b"%PDF-")


def test_a_place_is_never_offered_twice_to_the_same_person(personas, monkeypatch):
    first = dispatch_at(personas, monkeypatch, "proposed")
    services.decline(first, actor=personas.candidate2, reason="都合")
    spare = certify(personas, new_candidate("spare"), monkeypatch, email="spare@x.jp")
    second = services.fill_place(first, application=spare, actor=personas.office, reason="次点")
    services.decline(second, actor=spare.user, reason="都合")
    assert first.application not in services.candidates_for_place(second)


def test_office_filters_withstand_a_nul_character(client, personas, monkeypatch):
    dispatch_at(personas, monkeypatch, "active")
    c = verified_client(client, personas.office)
    for query in ("q=%00", "prefecture=%00", "q=%00&format=csv"):
        assert c.get(f"/dispatches/office/?{query}").status_code == 200


def test_the_list_of_ones_dispatches_does_not_query_per_dispatch(client, personas, monkeypatch):
    dispatch_at(personas, monkeypatch, "active")
    client.force_login(personas.host1)
    with CaptureQueriesContext(connection) as one:
        client.get("/dispatches/")
    for year in (1, 2, 3):
        dispatch_at(personas, monkeypatch, "active", fiscal_year=today().year + year)
    with CaptureQueriesContext(connection) as four:
        client.get("/dispatches/")
    assert len(four) == len(one)


def test_coordinators_follow_progress_but_not_the_terms(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    assert policy.can(personas.pref1, policy.Action.VIEW_DISPATCH, dispatch)
    assert not policy.can(personas.pref1, policy.Action.DOWNLOAD_NOTICE, dispatch)
    with pytest.raises(PermissionDenied):
        services.end_early(dispatch, actor=personas.pref1, on=today(), reason="x")


def test_the_pool_for_a_place_is_read_without_a_query_per_candidate(personas, monkeypatch):
    place = dispatch_at(personas, monkeypatch, "proposed")
    services.decline(place, actor=personas.candidate2, reason="都合")
    certify(personas, new_candidate("spare1"), monkeypatch, email="s1@x.jp")
    with CaptureQueriesContext(connection) as few:
        assert len(services.candidates_for_place(place)) == 1
    for n in range(2, 5):
        certify(personas, new_candidate(f"spare{n}"), monkeypatch, email=f"s{n}@x.jp")
    with CaptureQueriesContext(connection) as many:
        assert len(services.candidates_for_place(place)) == 4
    assert len(many) == len(few)
