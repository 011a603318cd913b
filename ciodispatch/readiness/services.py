"""Readiness self-assessments: writes (one verb each) and the questions other apps ask.

Writes take the acting user as ``actor`` (None for the system: commands, the demo), ask the
policy, and audit inside their transaction. Refusals raise ``ReadinessError`` whose message
says what to do; ``error.field`` names the form field when there is one.

For other apps (dispatch requests read readiness as a condition of dispatch):
``latest_submitted``, ``dimension_scores``, ``gaps`` and ``training_status``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.accounts.models import HOST_ROLES, User
from ciodispatch.audit.services import record
from ciodispatch.core.errors import Refusal
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.readiness.definitions import DEFINITIONS, QuestionnaireDefinition
from ciodispatch.readiness.models import (
    ASSESSMENT_STATES,
    SEVERITY_MAX,
    Answer,
    AnswerOption,
    Assessment,
    ChallengeRating,
    Dimension,
    Question,
    Questionnaire,
)

A = policy.Action
S = Assessment.State

# A dimension scoring below this (0–100) is a gap to close before a CIO is dispatched.
GAP_THRESHOLD = 60
EVIDENCE_MAX_LENGTH = 2000


class ReadinessError(Refusal, ValueError):
    """A readiness change was refused; the message says what to do. Nothing was written."""


# --- the questionnaire ---------------------------------------------------------------------


@transaction.atomic
def publish_questionnaire(definition: QuestionnaireDefinition, *, actor) -> Questionnaire:
    """Publish a new version: new assessments take it; existing ones keep their own."""
    if actor is not None:
        policy.require(actor, A.PUBLISH_QUESTIONNAIRE)
    latest = Questionnaire.objects.aggregate(v=Max("version"))["v"] or 0
    if definition.version <= latest:
        raise ReadinessError(
            _("Version %(version)s is not newer than the published version %(latest)s.")
            % {"version": definition.version, "latest": latest}
        )
    covered = {q.dimension for q in definition.questions}
    missing = [d.value for d in Dimension if d.value not in covered]
    unknown = sorted(covered - set(Dimension.values))
    if missing or unknown:
        raise ReadinessError(
            _(
                "Every dimension needs questions, and only known dimensions: missing %(missing)s, "
                "unknown %(unknown)s."
            )
            % {"missing": ", ".join(missing) or "-", "unknown": ", ".join(unknown) or "-"}
        )
    for item in definition.questions:
        points = [p for _text, p in item.options]
        if len(points) < 2 or min(points) != 0 or len(set(points)) != len(points):
            raise ReadinessError(
                _("Question %(key)s needs at least two answers with different points, from 0.")
                % {"key": item.key}
            )
    Questionnaire.objects.filter(active=True).update(active=False)
    questionnaire = Questionnaire.objects.create(
        version=definition.version,
        published_at=timezone.now(),
        active=True,
        dimension_advice=dict(definition.dimension_advice),
    )
    for number, item in enumerate(definition.questions, start=1):
        question = Question.objects.create(
            questionnaire=questionnaire,
            number=number,
            key=item.key,
            dimension=item.dimension,
            text=item.text,
            source=item.source,
            evidence_required=item.evidence_required,
            recommendation=item.recommendation,
        )
        AnswerOption.objects.bulk_create(
            [
                AnswerOption(question=question, position=position, text=text, points=points)
                for position, (text, points) in enumerate(item.options, start=1)
            ]
        )
    record(
        actor=actor,
        action="readiness.questionnaire.published",
        target=questionnaire,
        changes={"version": definition.version, "questions": len(definition.questions)},
    )
    return questionnaire


def ensure_published() -> Questionnaire:
    """The active questionnaire, publishing the bundled versions not yet in the database."""
    published = set(Questionnaire.objects.values_list("version", flat=True))
    for definition in DEFINITIONS:
        if definition.version in published or definition.version < max(published, default=0):
            continue
        try:
            with transaction.atomic():
                publish_questionnaire(definition, actor=None)
        except IntegrityError:
            pass  # another server published it at the same moment
        except ReadinessError:
            pass  # a newer version is published already
    return Questionnaire.objects.get(active=True)


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.prefetch_related("options").order_by("number"))


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def start_assessment(local_government: LocalGovernment, *, actor) -> Assessment:
    """A host head or liaison starts their government's assessment on the active version."""
    if actor is not None:
        policy.require(actor, A.START_ASSESSMENT, local_government)
    # Lock the government's row so two people starting at once do not make two drafts.
    LocalGovernment.objects.select_for_update().get(pk=local_government.pk)
    if Assessment.objects.filter(local_government=local_government, state=S.DRAFT).exists():
        raise ReadinessError(
            _("An assessment is in progress already; continue it instead of starting another.")
        )
    questionnaire = ensure_published()
    assessment = Assessment.objects.create(
        local_government=local_government,
        questionnaire=questionnaire,
        started_by=actor,
    )
    record(
        actor=actor,
        action="readiness.assessment.started",
        target=assessment,
        changes={"local_government": local_government.code, "version": questionnaire.version},
    )
    return assessment


def _editable(assessment: Assessment, actor) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    # Someone else's assessment is refused before saying anything about its state.
    if actor is not None and not policy.can(actor, A.VIEW_ASSESSMENT, locked):
        raise PermissionDenied
    if not locked.is_draft:
        raise ReadinessError(
            _("This assessment has been submitted and can no longer be changed. Start a new one.")
        )
    if actor is not None:
        policy.require(actor, A.EDIT_ASSESSMENT, locked)
    return locked


def _label(question: Question) -> str:
    return _("Q%(number)s “%(text)s”") % {"number": question.number, "text": question.text}


@transaction.atomic
def save_answers(
    assessment: Assessment,
    answers: Mapping[int, tuple[int, str]],
    *,
    actor,
) -> Assessment:
    """``answers``: {question id: (option id, evidence)}. Others already given are kept.

    An answer above 0 points to a question that asks for evidence must say what shows it.
    """
    assessment = _editable(assessment, actor)
    questions = {q.pk: q for q in questions_of(assessment.questionnaire)}
    checked: list[tuple[Question, AnswerOption, str]] = []
    for question_id, (option_id, evidence) in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            raise ReadinessError(_("Question %s is not part of this questionnaire.") % question_id)
        option = next((o for o in question.options.all() if o.pk == int(option_id)), None)
        if option is None:
            raise ReadinessError(
                _("%(question)s: choose one of its own answers.") % {"question": _label(question)},
                field=f"q{question.pk}",
            )
        evidence = (evidence or "").strip()
        if len(evidence) > EVIDENCE_MAX_LENGTH:
            raise ReadinessError(
                _("%(question)s: the evidence can be at most %(max)s characters.")
                % {"question": _label(question), "max": EVIDENCE_MAX_LENGTH},
                field=f"e{question.pk}",
            )
        if question.evidence_required and option.points > 0 and not evidence:
            raise ReadinessError(
                _(
                    "%(question)s: give the evidence for your answer (a document, decision or "
                    "example that shows it)."
                )
                % {"question": _label(question)},
                field=f"e{question.pk}",
            )
        checked.append((question, option, evidence))
    for question, option, evidence in checked:
        Answer.objects.update_or_create(
            assessment=assessment,
            question=question,
            defaults={"option": option, "evidence": evidence},
        )
    assessment.save(update_fields=["updated_at"])
    record(
        actor=actor,
        action="readiness.assessment.answers_saved",
        target=assessment,
        changes={"answers": {q.key: o.points for q, o, _e in checked}},
    )
    return assessment


@transaction.atomic
def save_challenges(assessment: Assessment, severities: Mapping[str, int], *, actor) -> Assessment:
    """``severities``: {challenge: 0 none – 3 severe} for the six common challenges."""
    assessment = _editable(assessment, actor)
    for challenge, severity in severities.items():
        if challenge not in Challenge.values:
            raise ReadinessError(_("Unknown challenge %s.") % challenge)
        if isinstance(severity, bool) or not isinstance(severity, int):
            raise ReadinessError(
                _("%(challenge)s: choose from 0 (does not apply) to 3 (severe).")
                % {"challenge": Challenge(challenge).label},
                field=challenge,
            )
        if not 0 <= severity <= SEVERITY_MAX:
            raise ReadinessError(
                _("%(challenge)s: choose from 0 (does not apply) to 3 (severe).")
                % {"challenge": Challenge(challenge).label},
                field=challenge,
            )
    for challenge, severity in severities.items():
        ChallengeRating.objects.update_or_create(
            assessment=assessment, challenge=challenge, defaults={"severity": severity}
        )
    assessment.save(update_fields=["updated_at"])
    record(
        actor=actor,
        action="readiness.assessment.challenges_saved",
        target=assessment,
        changes={"challenges": dict(severities)},
    )
    return assessment


def unanswered(assessment: Assessment) -> list[Question]:
    answered = set(assessment.answers.values_list("question_id", flat=True))
    return [q for q in questions_of(assessment.questionnaire) if q.pk not in answered]


def unrated_challenges(assessment: Assessment) -> list[str]:
    rated = set(assessment.challenges.values_list("challenge", flat=True))
    return [c.value for c in Challenge if c.value not in rated]


@transaction.atomic
def submit_assessment(assessment: Assessment, *, actor) -> Assessment:
    """Submit a complete assessment; it is kept as it is from then on."""
    assessment = _editable(assessment, actor)
    if actor is not None:
        policy.require(actor, A.SUBMIT_ASSESSMENT, assessment)
    missing = unanswered(assessment)
    if missing:
        raise ReadinessError(
            _("Answer every question before submitting. Not answered: %s.")
            % "、".join(_label(q) for q in missing)
        )
    unrated = unrated_challenges(assessment)
    if unrated:
        raise ReadinessError(
            _("Rate each of the six common challenges (0 if it does not apply). Not rated: %s.")
            % "、".join(str(Challenge(c).label) for c in unrated)
        )
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    ASSESSMENT_STATES.apply(
        assessment,
        S.SUBMITTED,
        actor=actor,
        update_fields=["submitted_at", "submitted_by", "updated_at"],
        changes={"scores": dimension_scores(assessment)},
    )
    return assessment


# --- questions other apps ask ---------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A dimension scoring under the threshold, and what to do about it (Japanese, from the
    questionnaire: the dimension's advice first, then the advice of each weak answer)."""

    dimension: str
    score: int
    advice: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(Dimension(self.dimension).label)


def draft_of(local_government: LocalGovernment) -> Assessment | None:
    return Assessment.objects.filter(local_government=local_government, state=S.DRAFT).first()


def submitted_history(local_government: LocalGovernment) -> list[Assessment]:
    """Submitted assessments of a government, newest first."""
    return list(
        Assessment.objects.filter(local_government=local_government, state=S.SUBMITTED)
        .select_related("questionnaire", "submitted_by")
        .order_by("-submitted_at", "-id")
    )


def latest_submitted(local_government: LocalGovernment) -> Assessment | None:
    """The government's most recently submitted assessment, or None."""
    return (
        Assessment.objects.filter(local_government=local_government, state=S.SUBMITTED)
        .select_related("questionnaire")
        .order_by("-submitted_at", "-id")
        .first()
    )


def _percent(points: int, maximum: int) -> int:
    # Rounded half up, in integers: 4 of 9 is 44, 5 of 9 is 56, 1 of 8 is 13.
    return (200 * points + maximum) // (2 * maximum) if maximum else 0


def scores_for(assessments: Iterable[Assessment]) -> dict[int, dict[str, int]]:
    """Dimension scores of many assessments at once: {assessment id: {dimension: 0–100}}."""
    assessments = list(assessments)
    versions = {a.questionnaire_id for a in assessments}
    questions = (
        Question.objects.filter(questionnaire_id__in=versions)
        .annotate(top=Max("options__points"))
        .values_list("pk", "questionnaire_id", "dimension", "top")
    )
    maximum: dict[int, dict[str, int]] = {}
    dimension_of: dict[int, str] = {}
    for pk, questionnaire_id, dimension, top in questions:
        per_dimension = maximum.setdefault(questionnaire_id, {})
        per_dimension[dimension] = per_dimension.get(dimension, 0) + (top or 0)
        dimension_of[pk] = dimension
    points: dict[int, dict[str, int]] = {a.pk: {} for a in assessments}
    answers = Answer.objects.filter(assessment__in=[a.pk for a in assessments]).values_list(
        "assessment_id", "question_id", "option__points"
    )
    for assessment_id, question_id, value in answers:
        dimension = dimension_of[question_id]
        points[assessment_id][dimension] = points[assessment_id].get(dimension, 0) + value
    return {
        a.pk: {
            d.value: _percent(
                points[a.pk].get(d.value, 0), maximum.get(a.questionnaire_id, {}).get(d.value, 0)
            )
            for d in Dimension
        }
        for a in assessments
    }


def dimension_scores(assessment: Assessment) -> dict[str, int]:
    """Score per dimension, 0–100: the points of the answers over the most they could be.

    Keys are every ``Dimension`` value; unanswered questions count 0.
    """
    return scores_for([assessment])[assessment.pk]


def weak_answers(assessment: Assessment) -> list[Answer]:
    """Answers at or below a third of the question's points (0 or 1 of 3)."""
    answers = list(
        assessment.answers.select_related("question", "option").prefetch_related(
            "question__options"
        )
    )
    weak = []
    for answer in answers:
        top = max(o.points for o in answer.question.options.all())
        if answer.option.points * 3 <= top:
            weak.append(answer)
    return sorted(weak, key=lambda a: a.question.number)


def gaps(assessment: Assessment, threshold: int = GAP_THRESHOLD) -> list[Gap]:
    """The dimensions scoring under ``threshold``, weakest first, with what to do."""
    scores = dimension_scores(assessment)
    advice_of = assessment.questionnaire.dimension_advice or {}
    weak = weak_answers(assessment)
    found = []
    for dimension in Dimension:
        score = scores[dimension.value]
        if score >= threshold:
            continue
        advice = [advice_of[dimension.value]] if dimension.value in advice_of else []
        advice += [a.question.recommendation for a in weak if a.question.dimension == dimension]
        found.append(Gap(dimension=dimension.value, score=score, advice=tuple(advice)))
    order = list(Dimension.values)
    return sorted(found, key=lambda g: (g.score, order.index(g.dimension)))


def challenge_ratings(assessment: Assessment) -> dict[str, int]:
    return dict(assessment.challenges.values_list("challenge", "severity"))


def training_status(organisation) -> list[tuple[User, bool]]:
    """The organisation's host heads and liaisons, each with whether they completed the
    readiness training track: [(user, completed)]."""
    from ciodispatch.training.services import has_completed_track

    users = organisation.users.filter(role__in=HOST_ROLES, is_active=True).order_by(
        "role", "username"
    )
    return [(user, has_completed_track(user, "readiness")) for user in users]
