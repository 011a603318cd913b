"""Every transition of a dispatch and every refusal, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ciodispatch import policy
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates.availability import busy_until
from ciodispatch.candidates.models import Application
from ciodispatch.dispatches import services
from ciodispatch.dispatches.models import (
    Dispatch,
    Evaluation,
    Extension,
    add_months,
    months_between,
)
from ciodispatch.dispatches.notice import notice_pdf
from ciodispatch.dispatches.services import DispatchError
from tests.candidates.helpers import new_candidate
from tests.dispatches.helpers import dispatch_at, today
from tests.matchround.helpers import certify

pytestmark = pytest.mark.django_db
S = Dispatch.State


def test_term_arithmetic():
    assert add_months(dt.date(2026, 4, 1), 12) == dt.date(2027, 3, 31)
    # No 31 February: the term ends on the last day of the month (民法 143).
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert months_between(dt.date(2026, 8, 31), dt.date(2027, 2, 28)) == 6
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert months_between(dt.date(2026, 4, 1), dt.date(2027, 3, 31)) == 12
    assert months_between(dt.date(2026, 4, 1), dt.date(2026, 9, 30)) == 6
    assert months_between(dt.date(2026, 4, 15), dt.date(2026, 10, 13)) == 5


# --- acceptance ---------------------------------------------------------------------------


def test_both_sides_accept_and_the_appointment_is_copied_from_the_request(
    personas, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    services.accept(dispatch, actor=personas.candidate2, side="cio")
    dispatch.refresh_from_db()
    assert dispatch.state == S.PROPOSED and dispatch.cio_accepted_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = services.accept(dispatch, actor=personas.host1_head, side="host")
    assert dispatch.state == S.ACCEPTED
    request = dispatch.request
    assert dispatch.start_date == request.start_date
    assert dispatch.end_date == add_months(request.start_date, request.term_months)
    assert dispatch.pay_yen_per_month == request.pay_yen_per_month == 600_000
    assert dispatch.authority_statement == request.authority_statement
    assert dispatch.appointment_form == "special_part_time"
    assert {m.to[0] for m in mailoutbox} >= {"c2@x.jp", "host1@example.jp"}
    assert AuditEvent.objects.filter(action="dispatches.dispatch.accepted").exists()


def test_a_side_answers_once_and_only_for_itself(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    services.accept(dispatch, actor=personas.host1, side="host")
    with pytest.raises(DispatchError, match="already accepted"):
        services.accept(dispatch, actor=personas.host1_head, side="host")
    with pytest.raises(PermissionDenied):
        services.accept(dispatch, actor=personas.host2, side="host")
    with pytest.raises(PermissionDenied):
        services.accept(dispatch, actor=personas.candidate1, side="cio")
    with pytest.raises(PermissionDenied):
        services.decline(dispatch, actor=personas.host2, reason="他市です")


def test_declining_needs_a_reason_and_only_a_proposal_can_be_declined(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    with pytest.raises(DispatchError, match="why you decline"):
        services.decline(dispatch, actor=personas.candidate2, reason="   ")
    dispatch.refresh_from_db()
    assert dispatch.state == S.PROPOSED
    dispatch = services.decline(dispatch, actor=personas.candidate2, reason="家庭の事情")
    assert dispatch.state == S.DECLINED and dispatch.decline_reason == "家庭の事情"
    with pytest.raises(DispatchError, match="only a proposal"):
        services.accept(dispatch, actor=personas.host1, side="host")
    accepted = dispatch_at(personas, monkeypatch, "accepted", fiscal_year=today().year + 1)
    with pytest.raises(DispatchError, match="only a proposal"):
        services.decline(accepted, actor=personas.host1, reason="やはり不要")


def test_a_candidate_proposed_in_the_round_is_not_offered_another_place(personas, monkeypatch):
    from tests.matchround.helpers import build_round, run_now

    setup = build_round(personas, monkeypatch, extra_candidates=2)
    from ciodispatch.matchround import services as matching
    from ciodispatch.matchround.models import MatchRound

    for app in (setup.app2, *setup.extras):
        matching.save_candidate_ranking(
            setup.round, [setup.ureshino.pk, setup.shingu.pk], actor=app.user
        )
    matching.advance(setup.round, MatchRound.Phase.HOSTS_RANK, actor=personas.office)
    ranked = [setup.app2.pk, *(a.pk for a in setup.extras)]
    matching.save_host_ranking(setup.ureshino, ranked, actor=personas.host2)
    shingu_staff = personas.host_fukuoka
    matching.save_host_ranking(setup.shingu, ranked, actor=shingu_staff)
    run = run_now(setup, personas)
    match_round = MatchRound.objects.get(pk=setup.round.pk)
    matching.publish(match_round, run, actor=personas.office)
    first, second = match_round.dispatches.order_by("pk")
    services.decline(first, actor=first.application.user, reason="都合により")
    services.decline(second, actor=second.application.user, reason="都合により")
    pool = services.candidates_for_place(first)
    # Both who were proposed in this round are out, whatever became of their proposal.
    assert first.application not in pool and second.application not in pool
    assert [a.pk for a in pool] == [
        a.pk for a in setup.extras if a.pk not in (first.application_id, second.application_id)
    ]


def test_the_office_fills_a_declined_place_from_the_pool(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "proposed")
    with pytest.raises(DispatchError, match="Only a declined place"):
        services.fill_place(
            dispatch, application=dispatch.application, actor=personas.office, reason="x"
        )
    services.decline(dispatch, actor=personas.host1, reason="面接の結果、専門分野が合わない")
    other = certify(personas, new_candidate("spare"), monkeypatch, email="spare@x.jp")
    pool = services.candidates_for_place(dispatch)
    assert other in pool and dispatch.application not in pool
    with pytest.raises(PermissionDenied):
        services.fill_place(dispatch, application=other, actor=personas.host1, reason="x")
    with pytest.raises(DispatchError, match="cannot take this place"):
        services.fill_place(
            dispatch, application=dispatch.application, actor=personas.office, reason="再打診"
        )
    new = services.fill_place(dispatch, application=other, actor=personas.office, reason="次点")
    assert new.state == S.PROPOSED and new.replaces == dispatch and new.request == dispatch.request
    event = AuditEvent.objects.get(action="dispatches.fill_place")
    assert event.reason == "次点"
    with pytest.raises(DispatchError, match="already been filled"):
        services.fill_place(dispatch, application=other, actor=personas.office, reason="x")


# --- the appointment ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        ({"end_date": "start"}, "end must come after"),
        ({"months": 5}, "6 to 24 months"),
        ({"months": 25}, "6 to 24 months"),
        ({"months": 24, "plus_days": 1}, "6 to 24 months"),
        ({"pay_yen_per_month": -1}, "whole yen"),
        ({"pay_yen_per_month": 1.5}, "whole yen"),
        ({"days_per_week": 0}, "1 to 5"),
        ({"days_per_week": 6}, "1 to 5"),
        ({"authority_statement": " "}, "authority"),
        ({"appointment_form": "volunteer"}, "form of appointment"),
        ({"colour": "red"}, "Unknown appointment fields"),
    ],
)
def test_a_bad_appointment_is_refused_and_nothing_changes(personas, monkeypatch, change, message):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    before = {f: getattr(dispatch, f) for f in services.APPOINTMENT_FIELDS}
    start = dispatch.start_date
    values = dict(change)
    if values.pop("end_date", None) == "start":
        values["end_date"] = start
    if "months" in values:
        extra = dt.timedelta(days=values.pop("plus_days", 0))
        values["end_date"] = add_months(start, values.pop("months")) + extra
    with pytest.raises(DispatchError, match=message):
        services.set_appointment(dispatch, actor=personas.host1, **values)
    dispatch.refresh_from_db()
    assert {f: getattr(dispatch, f) for f in services.APPOINTMENT_FIELDS} == before
    assert dispatch.appointment_set_at is None


def test_only_the_host_sets_and_only_the_cio_confirms(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "accepted")
    with pytest.raises(PermissionDenied):
        services.set_appointment(dispatch, actor=personas.candidate2, days_per_week=3)
    with pytest.raises(DispatchError, match="host sets it first"):
        services.confirm_appointment(dispatch, actor=personas.candidate2)
    services.set_appointment(dispatch, actor=personas.host1, days_per_week=3)
    with pytest.raises(PermissionDenied):
        services.confirm_appointment(dispatch, actor=personas.host1)
    dispatch = services.confirm_appointment(dispatch, actor=personas.candidate2)
    fiscal = dispatch.request.request_round.fiscal_year
    assert dispatch.notice_number == f"CIO-{fiscal}-{dispatch.pk:05d}"
    with pytest.raises(DispatchError, match="already confirmed"):
        services.confirm_appointment(dispatch, actor=personas.candidate2)


def test_changing_a_confirmed_appointment_asks_the_cio_again(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "confirmed")
    number = dispatch.notice_number
    dispatch = services.set_appointment(dispatch, actor=personas.host1, pay_yen_per_month=650_000)
    assert dispatch.appointment_confirmed_at is None and dispatch.notice_issued_at is None
    with pytest.raises(DispatchError, match="not confirmed"):
        services.start(dispatch, actor=personas.host1, on=dispatch.start_date)
    event = AuditEvent.objects.filter(action="dispatches.appointment.set").latest("pk")
    assert event.changes == {"pay_yen_per_month": [600_000, 650_000]}
    dispatch = services.confirm_appointment(dispatch, actor=personas.candidate2)
    assert dispatch.notice_number == number


def test_the_notice_is_a_pdf_once_confirmed(personas, monkeypatch):
    accepted = dispatch_at(personas, monkeypatch, "accepted")
    with pytest.raises(ValueError):
        notice_pdf(accepted)
    services.set_appointment(accepted, actor=personas.host1)
    confirmed = services.confirm_appointment(accepted, actor=personas.candidate2)
    content = notice_pdf(confirmed)
    assert content.startswith(b"%PDF-") and b"IPAexGothic" in content


# --- the term -----------------------------------------------------------------------------


def test_the_term_starts_on_its_start_date_not_before(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "confirmed")
    start = dispatch.start_date
    with pytest.raises(DispatchError, match="cannot begin earlier"):
        services.start(dispatch, actor=personas.host1, on=start - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.start(dispatch, actor=personas.candidate2, on=start)
    dispatch = services.start(dispatch, actor=personas.office, on=start)
    assert dispatch.state == S.ACTIVE and dispatch.started_on == start
    with pytest.raises(DispatchError, match="Only an accepted"):
        services.start(dispatch, actor=personas.office, on=start)


def test_completion_waits_for_the_planned_end(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    with pytest.raises(DispatchError, match="end it early"):
        services.complete(dispatch, actor=personas.host1)
    done = dispatch_at(personas, monkeypatch, "completed", fiscal_year=today().year + 1)
    assert done.state == S.COMPLETED and done.ended_on == done.end_date < today()


def test_ending_early_needs_a_reason_and_a_plausible_day(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active", started_days_ago=40)
    with pytest.raises(DispatchError, match="why the dispatch ends early"):
        services.end_early(dispatch, actor=personas.host1, on=today(), reason="")
    with pytest.raises(DispatchError, match="on or after the day"):
        services.end_early(
            dispatch, actor=personas.host1, on=today() + dt.timedelta(days=1), reason="体調"
        )
    with pytest.raises(DispatchError, match="cannot end before"):
        services.end_early(
            dispatch, actor=personas.host1, on=today() - dt.timedelta(days=60), reason="体調"
        )
    with pytest.raises(PermissionDenied):
        services.end_early(dispatch, actor=personas.candidate2, on=today(), reason="体調")
    dispatch.refresh_from_db()
    assert dispatch.state == S.ACTIVE
    dispatch = services.end_early(dispatch, actor=personas.office, on=today(), reason="体調不良")
    assert dispatch.state == S.ENDED_EARLY and dispatch.ended_on == today()
    assert AuditEvent.objects.get(action="dispatches.dispatch.ended_early").reason == "体調不良"
    # The CIO is free again from the day after.
    assert busy_until(dispatch.application) == today()


def test_an_extension_is_approved_by_the_office_within_the_longest_term(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active", months=12)
    longest = dispatch.request.request_round.max_total_term_months
    too_far = add_months(dispatch.start_date, longest) + dt.timedelta(days=1)
    with pytest.raises(DispatchError, match=f"at most {longest} months"):
        services.request_extension(dispatch, actor=personas.host1, new_end=too_far, reason="継続")
    with pytest.raises(DispatchError, match="after the current end"):
        services.request_extension(
            dispatch, actor=personas.host1, new_end=dispatch.end_date, reason="継続"
        )
    with pytest.raises(PermissionDenied):
        services.request_extension(
            dispatch, actor=personas.candidate2, new_end=too_far, reason="継続"
        )
    new_end = add_months(dispatch.start_date, 24)
    extension = services.request_extension(
        dispatch, actor=personas.host1, new_end=new_end, reason="標準化移行が来年度まで続く"
    )
    with pytest.raises(DispatchError, match="already waiting"):
        services.request_extension(dispatch, actor=personas.host1, new_end=new_end, reason="x")
    with pytest.raises(PermissionDenied):
        services.decide_extension(extension, actor=personas.host1, approve=True)
    with pytest.raises(DispatchError, match="why the extension is refused"):
        services.decide_extension(extension, actor=personas.office, approve=False, reason="")
    services.decide_extension(extension, actor=personas.office, approve=True)
    dispatch.refresh_from_db()
    extension.refresh_from_db()
    assert extension.state == Extension.State.APPROVED
    assert dispatch.state == S.EXTENDED and dispatch.end_date == new_end
    with pytest.raises(DispatchError, match="already been decided"):
        services.decide_extension(extension, actor=personas.office, approve=False, reason="x")
    # A second extension, up to the longest term, keeps the dispatch extended.
    last = add_months(dispatch.start_date, longest)
    second = services.request_extension(dispatch, actor=personas.host1, new_end=last, reason="x")
    services.decide_extension(second, actor=personas.office, approve=True)
    dispatch.refresh_from_db()
    assert dispatch.state == S.EXTENDED and dispatch.end_date == last


def test_a_refused_extension_changes_nothing(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    end = dispatch.end_date
    extension = services.request_extension(
        dispatch, actor=personas.host1, new_end=end + dt.timedelta(days=90), reason="継続"
    )
    services.decide_extension(extension, actor=personas.office, approve=False, reason="予算不足")
    dispatch.refresh_from_db()
    assert dispatch.state == S.ACTIVE and dispatch.end_date == end


def test_the_daily_job_starts_and_completes_on_the_dates(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "confirmed")
    assert services.run_daily(today=dispatch.start_date - dt.timedelta(days=1)) == {
        "started": 0,
        "completed": 0,
        "skipped": 0,
    }
    assert services.run_daily(today=dispatch.start_date)["started"] == 1
    dispatch.refresh_from_db()
    assert dispatch.state == S.ACTIVE and dispatch.started_on == dispatch.start_date
    assert services.run_daily(today=dispatch.end_date)["completed"] == 0
    assert services.run_daily(today=dispatch.end_date + dt.timedelta(days=1))["completed"] == 1
    dispatch.refresh_from_db()
    assert dispatch.state == S.COMPLETED
    assert AuditEvent.objects.filter(action="dispatches.dispatch.completed").get().actor is None


# --- evaluations --------------------------------------------------------------------------

HOST_SCORES = {"leadership": 5, "field": 4, "goals": 4, "transfer": 3}


def test_evaluations_open_in_the_last_month_and_are_final(personas, monkeypatch):
    running = dispatch_at(personas, monkeypatch, "active")
    with pytest.raises(DispatchError, match="last month of the term"):
        services.submit_evaluation(
            running, actor=personas.host1, kind="host_of_cio", overall=4,
            scores=HOST_SCORES, went_well="現場に入った",
        )  # fmt: skip
    done = dispatch_at(personas, monkeypatch, "completed", fiscal_year=today().year + 1)
    with pytest.raises(PermissionDenied):
        services.submit_evaluation(
            done, actor=personas.candidate2, kind="host_of_cio", overall=4,
            scores=HOST_SCORES, went_well="x",
        )  # fmt: skip
    with pytest.raises(DispatchError, match="every point"):
        services.submit_evaluation(
            done, actor=personas.host1, kind="host_of_cio", overall=4,
            scores={**HOST_SCORES, "goals": 6}, went_well="x",
        )  # fmt: skip
    with pytest.raises(DispatchError, match="overall"):
        services.submit_evaluation(
            done, actor=personas.host1, kind="host_of_cio", overall=0,
            scores=HOST_SCORES, went_well="x",
        )  # fmt: skip
    evaluation = services.submit_evaluation(
        done, actor=personas.host1, kind="host_of_cio", overall=4,
        scores=HOST_SCORES, went_well="現場職員と一緒に業務を見直した",
    )  # fmt: skip
    assert evaluation.scores == HOST_SCORES and evaluation.authority_materialised == ""
    with pytest.raises(DispatchError, match="final"):
        services.submit_evaluation(
            done, actor=personas.host1_head, kind="host_of_cio", overall=5,
            scores=HOST_SCORES, went_well="x",
        )  # fmt: skip


def test_the_cio_says_whether_the_authority_and_the_counterpart_materialised(personas, monkeypatch):
    done = dispatch_at(personas, monkeypatch, "completed")
    scores = {"head": 5, "liaison": 4, "data": 2}
    with pytest.raises(DispatchError, match="materialised"):
        services.submit_evaluation(
            done, actor=personas.candidate2, kind="cio_of_host", overall=4,
            scores=scores, went_well="市長の後押し",
        )  # fmt: skip
    evaluation = services.submit_evaluation(
        done, actor=personas.candidate2, kind="cio_of_host", overall=4, scores=scores,
        went_well="市長の後押し", authority_materialised="yes", counterpart_materialised="partly",
    )  # fmt: skip
    assert evaluation.counterpart_materialised == Evaluation.Materialised.PARTLY
    with pytest.raises(PermissionDenied):
        services.submit_evaluation(
            done, actor=personas.host1, kind="office", overall=4,
            scores={"outcomes": 4, "spread": 4}, went_well="x",
        )  # fmt: skip
    services.submit_evaluation(
        done, actor=personas.office, kind="office", overall=4,
        scores={"outcomes": 4, "spread": 5}, went_well="横展開に値する", recommend_as_case=True,
    )  # fmt: skip
    assert done.evaluations.count() == 2


def test_the_daily_command_reports_and_refuses_a_bad_date(personas, monkeypatch):
    import io

    from django.core.management import CommandError, call_command

    dispatch = dispatch_at(personas, monkeypatch, "confirmed")
    out = io.StringIO()
    call_command("dispatches_daily", "--date", dispatch.start_date.isoformat(), stdout=out)
    assert out.getvalue().startswith("started 1, completed 0, skipped 0")
    with pytest.raises(CommandError, match="not a date"):
        call_command("dispatches_daily", "--date", "2027-02-30")


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
