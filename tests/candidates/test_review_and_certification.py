import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Organisation, Role
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates import services
from ciodispatch.candidates.models import Application
from ciodispatch.candidates.services import CandidateError, Decision
from ciodispatch.core.states import TransitionRefused
from tests.candidates.helpers import submitted_application

S = Application.State


@pytest.fixture
def reviewer2(personas):
    return accounts.create_user(
        username="reviewer2",
        role=Role.REVIEWER,
        organisation=Organisation.objects.get(kind=Organisation.Kind.PROGRAMME_OFFICE),
        password=None,
        actor=None,
    )


@pytest.fixture
def app(personas):
    return submitted_application(personas.candidate1)


def score_all(assignment, reviewer, value, comment="根拠あり"):
    criteria = assignment.application.review_round.criteria.all()
    return services.submit_scores(
        assignment, actor=reviewer, scores={c.pk: (value, comment) for c in criteria}
    )


def test_assigning_a_reviewer_starts_screening(personas, app):
    services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    app.refresh_from_db()
    assert app.state == S.SCREENING
    event = AuditEvent.objects.get(action="candidates.application.screening")
    assert event.changes["state"] == ["applied", "screening"] and event.actor == personas.office


def test_a_reviewer_with_a_declared_conflict_is_not_assigned(personas, app, reviewer2):
    services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    services.declare_conflict(app, personas.reviewer, actor=personas.reviewer, reason="元同僚")
    assert not app.assignments.filter(reviewer=personas.reviewer).exists()
    with pytest.raises(CandidateError, match="conflict of interest"):
        services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    services.assign_reviewer(app, reviewer2, actor=personas.office)


def test_only_reviewers_can_be_assigned_and_only_by_the_office(personas, app):
    with pytest.raises(CandidateError, match="not an active reviewer"):
        services.assign_reviewer(app, personas.host1, actor=personas.office)
    with pytest.raises(PermissionDenied):
        services.assign_reviewer(app, personas.reviewer, actor=personas.reviewer)


def test_scores_need_every_criterion_a_range_and_a_comment(personas, app):
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    criteria = list(app.review_round.criteria.all())
    partial = {criteria[0].pk: (3, "ok")}
    with pytest.raises(CandidateError, match="missing"):
        services.submit_scores(assignment, actor=personas.reviewer, scores=partial)
    with pytest.raises(CandidateError, match="1 to 5"):
        score_all(assignment, personas.reviewer, 6)
    with pytest.raises(CandidateError, match="comment"):
        score_all(assignment, personas.reviewer, 3, comment=" ")
    score_all(assignment, personas.reviewer, 4)
    assert assignment.scores.count() == 6


def test_an_unassigned_reviewer_cannot_score(personas, app, reviewer2):
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    with pytest.raises(PermissionDenied):
        score_all(assignment, reviewer2, 3)


def test_scores_side_by_side_show_disagreement(personas, app, reviewer2):
    a1 = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    a2 = services.assign_reviewer(app, reviewer2, actor=personas.office)
    score_all(a1, personas.reviewer, 5)
    score_all(a2, reviewer2, 2)
    assignments, rows, total = services.score_summary(app)
    assert len(assignments) == 2 and len(rows) == 6
    assert all(row.disagreement and row.spread == 3 and row.mean == 3.5 for row in rows)
    assert total == 3.5


def test_decisions_follow_the_table_and_need_a_reason(personas, app):
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    with pytest.raises(CandidateError, match="No reviewer has scored"):
        services.decide(app, actor=personas.office, decision=Decision.PASS, reason="良い")
    score_all(assignment, personas.reviewer, 4)
    with pytest.raises(CandidateError, match="reason"):
        services.decide(app, actor=personas.office, decision=Decision.PASS, reason="")
    services.decide(app, actor=personas.office, decision=Decision.INTERVIEW, reason="面接で確認")
    app.refresh_from_db()
    assert app.state == S.INTERVIEW
    with pytest.raises(CandidateError, match="cannot take this decision"):
        services.decide(app, actor=personas.office, decision=Decision.INTERVIEW, reason="again")
    services.decide(app, actor=personas.office, decision=Decision.FAIL, reason="経験不足")
    app.refresh_from_db()
    assert app.state == S.REJECTED and app.decision_reason == "経験不足"


def test_interviews_are_scheduled_in_the_future(personas, app, django_capture_on_commit_callbacks):
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    score_all(assignment, personas.reviewer, 4)
    services.decide(app, actor=personas.office, decision=Decision.INTERVIEW, reason="確認")
    with pytest.raises(CandidateError, match="future"):
        services.schedule_interview(
            app,
            actor=personas.office,
            scheduled_at=timezone.now() - dt.timedelta(hours=1),
            place="事務局",
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_interview(
            app,
            actor=personas.office,
            scheduled_at=timezone.now() + dt.timedelta(days=7),
            place="オンライン",
            interviewers="審査委員2名",
        )
    assert app.interviews.count() == 1 and len(mail.outbox) == 1


@pytest.fixture
def in_training(personas, app):
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    score_all(assignment, personas.reviewer, 4)
    services.decide(app, actor=personas.office, decision=Decision.PASS, reason="合格")
    app.refresh_from_db()
    return app


def test_certification_requires_the_public_sector_track(personas, in_training, monkeypatch):
    monkeypatch.setattr(services, "public_sector_training_completed", lambda user: False)
    with pytest.raises(CandidateError, match="public-sector training"):
        services.certify(in_training, actor=personas.office)
    in_training.refresh_from_db()
    assert in_training.state == S.TRAINING


def test_certified_with_a_validity_period(personas, in_training, monkeypatch, settings):
    monkeypatch.setattr(services, "public_sector_training_completed", lambda user: True)
    settings.CERTIFICATION_VALID_YEARS = 3
    app = services.certify(in_training, actor=personas.office)
    today = timezone.localdate()
    assert app.state == S.CERTIFIED
    assert app.certified_until == today.replace(year=today.year + 3) - dt.timedelta(days=1)
    assert app.certification_valid_on(today)


def test_suspend_reinstate_revoke_expire_renew(personas, in_training, monkeypatch):
    monkeypatch.setattr(services, "public_sector_training_completed", lambda user: True)
    app = services.certify(in_training, actor=personas.office)
    with pytest.raises(CandidateError, match="reason"):
        services.change_certification(app, actor=personas.office, target=S.SUSPENDED, reason="")
    services.change_certification(app, actor=personas.office, target=S.SUSPENDED, reason="調査中")
    services.change_certification(app, actor=personas.office, target=S.CERTIFIED, reason="解決")
    app.refresh_from_db()
    assert app.state == S.CERTIFIED
    assert services.expire_certifications(app.certified_until + dt.timedelta(days=1)) == 1
    app.refresh_from_db()
    assert app.state == S.EXPIRED
    services.renew_certification(app, actor=personas.office, reason="更新研修修了")
    app.refresh_from_db()
    assert app.state == S.CERTIFIED
    services.change_certification(app, actor=personas.office, target=S.REVOKED, reason="不正")
    with pytest.raises(CandidateError, match="cannot become"):
        services.change_certification(app, actor=personas.office, target=S.CERTIFIED, reason="x")


def test_every_transition_outside_the_table_is_refused(personas, app):
    from ciodispatch.candidates.models import CERTIFICATION

    for target in (S.CERTIFIED, S.TRAINING, S.DRAFT, S.EXPIRED):
        with pytest.raises(TransitionRefused):
            CERTIFICATION.apply(app, target, actor=personas.office)


def test_candidates_and_hosts_cannot_take_office_actions(personas, in_training):
    for person in (personas.candidate1, personas.host1, personas.reviewer):
        with pytest.raises(PermissionDenied):
            services.certify(in_training, actor=person)


def test_certified_cannot_be_reached_by_the_change_form_without_training(personas, in_training):
    with pytest.raises(CandidateError, match="cannot become"):
        services.change_certification(
            in_training, actor=personas.office, target=S.CERTIFIED, reason="近道"
        )
    in_training.refresh_from_db()
    assert in_training.state == S.TRAINING


def test_a_conflict_declared_after_scoring_withdraws_the_scores(personas, app, reviewer2):
    assignment = services.assign_reviewer(app, personas.reviewer, actor=personas.office)
    score_all(assignment, personas.reviewer, 5)
    services.declare_conflict(app, personas.reviewer, actor=personas.reviewer, reason="親族")
    assert not app.assignments.exists()
    with pytest.raises(CandidateError, match="No reviewer has scored"):
        services.decide(app, actor=personas.office, decision=Decision.PASS, reason="x")
