import dataclasses

import pytest
from django.core.exceptions import PermissionDenied

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.programme import Challenge
from ciodispatch.core.states import TransitionRefused
from ciodispatch.readiness import services
from ciodispatch.readiness.definitions import VERSION_1
from ciodispatch.readiness.models import ASSESSMENT_STATES, Assessment, Dimension, Questionnaire
from ciodispatch.readiness.services import ReadinessError
from ciodispatch.training import services as training
from ciodispatch.training.models import Track
from tests.conftest import lg
from tests.readiness.helpers import (
    EVIDENCE,
    all_challenges,
    answers_for,
    filled_assessment,
    submitted_assessment,
)

S = Assessment.State

# Points per question, in questionnaire order (4 questions a dimension, 3 for cooperation).
MIXED = {
    "head_vision": [3, 2, 1, 0],  # 6 of 12 -> 50
    "cio_authority": [3, 3, 3, 3],  # 12 of 12 -> 100
    "counterpart": [0, 0, 0, 0],  # 0 of 12 -> 0
    "cooperation": [3, 1, 0],  # 4 of 9 = 44.4 -> 44
    "field": [2, 2, 2, 1],  # 7 of 12 = 58.3 -> 58
    "strategy": [2, 2, 2, 2],  # 8 of 12 = 66.7 -> 67
    "budget": [3, 3, 2, 0],  # 8 of 12 -> 67
}
MIXED_SCORES = {
    "head_vision": 50,
    "cio_authority": 100,
    "counterpart": 0,
    "cooperation": 44,
    "field": 58,
    "strategy": 67,
    "budget": 67,
}


@pytest.fixture
def draft(personas):
    return services.start_assessment(lg("412040"), actor=personas.host1)


def question(assessment, key):
    return assessment.questionnaire.questions.get(key=key)


def option(q, points):
    return q.options.get(points=points)


# --- the questionnaire -------------------------------------------------------------------


def test_the_first_start_publishes_the_questionnaire_from_the_study(draft):
    questionnaire = draft.questionnaire
    assert questionnaire.version == 1 and questionnaire.active
    per_dimension = {d: questionnaire.questions.filter(dimension=d).count() for d in Dimension}
    assert all(3 <= n <= 4 for n in per_dimension.values()), per_dimension
    for q in questionnaire.questions.all():
        assert q.source and q.recommendation and q.text.endswith("か。")
        assert sorted(o.points for o in q.options.all()) == [0, 1, 2, 3]
    assert set(questionnaire.dimension_advice) == set(Dimension.values)
    assert AuditEvent.objects.filter(action="readiness.questionnaire.published").count() == 1


def test_the_dimension_keys_are_the_ones_other_apps_read():
    assert Dimension.values == [
        "head_vision",
        "cio_authority",
        "counterpart",
        "cooperation",
        "field",
        "strategy",
        "budget",
    ]


# --- scoring ------------------------------------------------------------------------------


def test_scores_per_dimension_are_the_points_over_the_maximum(personas):
    assessment = submitted_assessment(personas.host1, MIXED)
    assert services.dimension_scores(assessment) == MIXED_SCORES


def test_a_draft_counts_unanswered_questions_as_zero(draft, personas):
    q = question(draft, "head-vision")
    services.save_answers(draft, {q.pk: (option(q, 3).pk, EVIDENCE)}, actor=personas.host1)
    scores = services.dimension_scores(draft)
    assert scores["head_vision"] == 25  # 3 of 12
    assert set(scores.values()) == {0, 25}


def test_gaps_are_the_dimensions_under_the_threshold_weakest_first(personas):
    assessment = submitted_assessment(personas.host1, MIXED)
    found = services.gaps(assessment)
    assert [(g.dimension, g.score) for g in found] == [
        ("counterpart", 0),
        ("cooperation", 44),
        ("head_vision", 50),
        ("field", 58),
    ]
    head = next(g for g in found if g.dimension == "head_vision")
    # The dimension's advice, then the advice of each weak answer (1 and 0 points of 3).
    assert head.advice == (
        VERSION_1.dimension_advice["head_vision"],
        question(assessment, "head-commitment").recommendation,
        question(assessment, "head-backing").recommendation,
    )
    field = next(g for g in found if g.dimension == "field")
    assert field.advice[1:] == (question(assessment, "field-manuals").recommendation,)
    assert [g.dimension for g in services.gaps(assessment, threshold=70)][-2:] == [
        "strategy",
        "budget",
    ]
    assert services.gaps(assessment, threshold=0) == []


def test_a_strong_assessment_has_no_gap(personas):
    assessment = submitted_assessment(personas.host1)
    assert set(services.dimension_scores(assessment).values()) == {100}
    assert services.gaps(assessment) == []


# --- refusals -----------------------------------------------------------------------------


def test_an_option_of_another_question_is_refused(draft, personas):
    vision, decision = question(draft, "head-vision"), question(draft, "head-decision")
    with pytest.raises(ReadinessError, match="Q1 .*choose one of its own answers") as caught:
        services.save_answers(
            draft, {vision.pk: (option(decision, 2).pk, EVIDENCE)}, actor=personas.host1
        )
    assert caught.value.field == f"q{vision.pk}"
    assert not draft.answers.exists()


def test_a_question_of_another_version_is_refused(draft, personas):
    with pytest.raises(ReadinessError, match="not part of this questionnaire"):
        services.save_answers(draft, {999999: (1, EVIDENCE)}, actor=personas.host1)


def test_evidence_is_required_where_the_question_asks_for_it(draft, personas):
    vision = question(draft, "head-vision")
    assert vision.evidence_required
    with pytest.raises(ReadinessError, match="give the evidence") as caught:
        services.save_answers(
            draft, {vision.pk: (option(vision, 2).pk, "  ")}, actor=personas.host1
        )
    assert caught.value.field == f"e{vision.pk}"
    # The lowest answer claims nothing, so it needs no evidence; nor do optional questions.
    backing = question(draft, "head-backing")
    assert not backing.evidence_required
    services.save_answers(
        draft,
        {vision.pk: (option(vision, 0).pk, ""), backing.pk: (option(backing, 3).pk, "")},
        actor=personas.host1,
    )
    assert draft.answers.count() == 2


def test_a_refused_answer_leaves_the_others_of_the_page_unsaved(draft, personas):
    vision, decision = question(draft, "head-vision"), question(draft, "head-decision")
    with pytest.raises(ReadinessError):
        services.save_answers(
            draft,
            {
                vision.pk: (option(vision, 3).pk, EVIDENCE),
                decision.pk: (option(decision, 3).pk, ""),
            },
            actor=personas.host1,
        )
    assert not draft.answers.exists()


def test_answers_are_saved_and_changed_until_submission(draft, personas):
    vision = question(draft, "head-vision")
    services.save_answers(draft, {vision.pk: (option(vision, 1).pk, "案")}, actor=personas.host1)
    services.save_answers(
        draft, {vision.pk: (option(vision, 3).pk, EVIDENCE)}, actor=personas.host1_head
    )
    answer = draft.answers.get()
    assert answer.option.points == 3 and answer.evidence == EVIDENCE


def test_nothing_changes_after_submission(personas):
    assessment = submitted_assessment(personas.host1)
    vision = question(assessment, "head-vision")
    with pytest.raises(ReadinessError, match="submitted and can no longer be changed"):
        services.save_answers(
            assessment, {vision.pk: (option(vision, 0).pk, "")}, actor=personas.host1
        )
    with pytest.raises(ReadinessError, match="submitted"):
        services.save_challenges(assessment, all_challenges(0), actor=personas.host1)
    with pytest.raises(ReadinessError, match="submitted"):
        services.submit_assessment(assessment, actor=personas.host1)
    assert assessment.answers.get(question=vision).option.points == 3


@pytest.mark.parametrize("severity", [-1, 4, "2", True, None])
def test_a_severity_outside_0_to_3_is_refused(draft, personas, severity):
    with pytest.raises(ReadinessError, match="from 0 .* to 3") as caught:
        services.save_challenges(draft, {"no_budget": severity}, actor=personas.host1)
    assert caught.value.field == "no_budget"
    assert not draft.challenges.exists()


def test_an_unknown_challenge_is_refused(draft, personas):
    with pytest.raises(ReadinessError, match="Unknown challenge"):
        services.save_challenges(draft, {"weather": 1}, actor=personas.host1)


def test_challenges_are_rated_0_to_3(draft, personas):
    services.save_challenges(draft, {"no_budget": 3, "talent_shortage": 0}, actor=personas.host1)
    services.save_challenges(draft, {"no_budget": 2}, actor=personas.host1)
    assert services.challenge_ratings(draft) == {"no_budget": 2, "talent_shortage": 0}


def test_submission_names_the_unanswered_questions(draft, personas):
    answers = answers_for(draft)
    decision = question(draft, "head-decision")
    budget = question(draft, "budget-cio-cost")
    del answers[decision.pk], answers[budget.pk]
    services.save_answers(draft, answers, actor=personas.host1)
    services.save_challenges(draft, all_challenges(), actor=personas.host1)
    with pytest.raises(ReadinessError) as caught:
        services.submit_assessment(draft, actor=personas.host1)
    message = str(caught.value)
    assert f"Q{decision.number} “{decision.text}”" in message
    assert f"Q{budget.number} “{budget.text}”" in message
    assert message.count("“") == 2
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_submission_needs_the_six_challenges_rated(draft, personas):
    services.save_answers(draft, answers_for(draft), actor=personas.host1)
    services.save_challenges(draft, {"no_budget": 1}, actor=personas.host1)
    with pytest.raises(ReadinessError, match="Not rated: Talent shortage"):
        services.submit_assessment(draft, actor=personas.host1)


def test_only_one_draft_per_local_government(draft, personas):
    with pytest.raises(ReadinessError, match="in progress already"):
        services.start_assessment(lg("412040"), actor=personas.host1_head)
    assert Assessment.objects.filter(local_government_id="412040").count() == 1


def test_a_new_assessment_after_submission_keeps_the_history(personas):
    first = submitted_assessment(personas.host1, MIXED)
    second = submitted_assessment(personas.host1_head)
    history = services.submitted_history(lg("412040"))
    assert history == [second, first]
    assert services.latest_submitted(lg("412040")) == second
    assert services.dimension_scores(first) == MIXED_SCORES
    assert services.latest_submitted(lg("412091")) is None


@pytest.mark.parametrize("name", ["host2", "pref1", "office", "candidate1", "host_fukuoka"])
def test_only_the_government_itself_starts_its_assessment(personas, name):
    with pytest.raises(PermissionDenied):
        services.start_assessment(lg("412040"), actor=getattr(personas, name))


@pytest.mark.parametrize("name", ["host2", "pref1", "office"])
def test_no_one_else_changes_or_submits_an_assessment(draft, personas, name):
    actor = getattr(personas, name)
    vision = question(draft, "head-vision")
    with pytest.raises(PermissionDenied):
        services.save_answers(draft, {vision.pk: (option(vision, 0).pk, "")}, actor=actor)
    with pytest.raises(PermissionDenied):
        services.save_challenges(draft, all_challenges(), actor=actor)
    with pytest.raises(PermissionDenied):
        services.submit_assessment(draft, actor=actor)
    assert not draft.answers.exists() and not draft.challenges.exists()


def test_another_host_cannot_touch_a_submitted_assessment_either(personas):
    assessment = submitted_assessment(personas.host1)
    with pytest.raises(PermissionDenied):
        services.save_challenges(assessment, all_challenges(0), actor=personas.host2)


# --- transitions and audit ------------------------------------------------------------------


def test_submission_moves_draft_to_submitted_and_is_audited(personas):
    assessment = filled_assessment(personas.host1, MIXED)
    services.submit_assessment(assessment, actor=personas.host1_head)
    assessment.refresh_from_db()
    assert assessment.state == S.SUBMITTED and assessment.submitted_at is not None
    assert assessment.submitted_by == personas.host1_head
    event = AuditEvent.objects.get(action="readiness.assessment.submitted")
    assert event.actor == personas.host1_head
    assert event.changes["state"] == ["draft", "submitted"]
    assert event.changes["scores"] == MIXED_SCORES


def test_the_table_has_no_way_back_from_submitted(personas):
    assessment = submitted_assessment(personas.host1)
    with pytest.raises(TransitionRefused):
        ASSESSMENT_STATES.apply(assessment, S.DRAFT, actor=personas.office)
    assessment.refresh_from_db()
    assert assessment.state == S.SUBMITTED


def test_every_write_is_audited_with_its_actor(draft, personas):
    vision = question(draft, "head-vision")
    services.save_answers(
        draft, {vision.pk: (option(vision, 2).pk, EVIDENCE)}, actor=personas.host1
    )
    services.save_challenges(draft, {"no_strategy": 2}, actor=personas.host1)
    events = {
        e.action: e
        for e in AuditEvent.objects.filter(object_type="readiness.assessment", object_id=draft.pk)
    }
    assert events["readiness.assessment.started"].actor == personas.host1
    assert events["readiness.assessment.started"].changes["version"] == 1
    assert events["readiness.assessment.answers_saved"].changes == {"answers": {"head-vision": 2}}
    assert events["readiness.assessment.challenges_saved"].changes == {
        "challenges": {"no_strategy": 2}
    }


# --- versions -------------------------------------------------------------------------------


def _version_2():
    """Version 2: the first question reworded, the last budget question dropped."""
    first = dataclasses.replace(VERSION_1.questions[0], text="首長はビジョンを示していますか。")
    return dataclasses.replace(VERSION_1, version=2, questions=(first, *VERSION_1.questions[1:-1]))


def test_a_new_version_does_not_change_old_assessments(personas):
    old = submitted_assessment(personas.host1, MIXED)
    in_progress = services.start_assessment(lg("412040"), actor=personas.host1)
    v2 = services.publish_questionnaire(_version_2(), actor=personas.office)

    old.refresh_from_db()
    in_progress.refresh_from_db()
    assert old.questionnaire.version == 1 and in_progress.questionnaire.version == 1
    assert services.dimension_scores(old) == MIXED_SCORES
    assert old.questionnaire.questions.get(number=1).text == VERSION_1.questions[0].text
    assert list(Questionnaire.objects.filter(active=True)) == [v2]

    # New assessments take version 2, whose budget dimension has three questions.
    fresh = services.start_assessment(lg("412091"), actor=personas.host2)
    assert fresh.questionnaire == v2
    assert fresh.questionnaire.questions.filter(dimension="budget").count() == 3
    assert fresh.questionnaire.questions.get(number=1).text == "首長はビジョンを示していますか。"


def test_a_version_not_newer_than_the_published_one_is_refused(draft, personas):
    with pytest.raises(ReadinessError, match="not newer"):
        services.publish_questionnaire(VERSION_1, actor=personas.office)


def test_a_version_must_cover_every_dimension(draft, personas):
    partial = dataclasses.replace(
        VERSION_1,
        version=2,
        questions=tuple(q for q in VERSION_1.questions if q.dimension != "budget"),
    )
    with pytest.raises(ReadinessError, match="missing budget"):
        services.publish_questionnaire(partial, actor=personas.office)


def test_only_the_office_publishes_a_version(personas):
    with pytest.raises(PermissionDenied):
        services.publish_questionnaire(_version_2(), actor=personas.host1)


# --- training status ------------------------------------------------------------------------


def test_training_status_lists_the_hosts_staff_with_their_readiness_training(personas):
    course = training.create_course(
        track=Track.READINESS, title="CIOを迎える組織づくり", actor=None
    )
    from django.utils import timezone

    start = timezone.now() - timezone.timedelta(days=7)
    session = training.schedule_session(
        course,
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=3),
        capacity=5,
        place="佐賀県庁",
        actor=None,
    )
    enrolment = training.enrol(session, personas.host1, actor=None)
    training.record_attendance(enrolment, True, actor=personas.office)
    training.record_completion(enrolment, actor=personas.office)

    status = services.training_status(personas.host1.organisation)
    assert status == [(personas.host1_head, False), (personas.host1, True)]
    assert services.training_status(personas.pref1.organisation) == []


def test_every_challenge_of_the_programme_can_be_rated(draft, personas):
    services.save_challenges(draft, {c.value: 3 for c in Challenge}, actor=personas.host1)
    assert services.unrated_challenges(draft) == []
