"""Building readiness assessments through the real services, for the tests."""

from ciodispatch.core.programme import Challenge
from ciodispatch.readiness import services
from ciodispatch.readiness.models import Dimension

EVIDENCE = "令和7年度施政方針（p.3）で明記。"


def answers_for(assessment, points: dict[str, list[int]] | None = None) -> dict:
    """{question id: (option id, evidence)} choosing, per dimension, the given points in
    question order (default: the top answer everywhere)."""
    points = points or {}
    chosen = {}
    for dimension in Dimension:
        mine = [
            q for q in services.questions_of(assessment.questionnaire) if q.dimension == dimension
        ]
        wanted = points.get(dimension.value)
        for index, question in enumerate(mine):
            options = {o.points: o for o in question.options.all()}
            value = wanted[index] if wanted is not None else max(options)
            chosen[question.pk] = (options[value].pk, EVIDENCE if value else "")
    return chosen


def all_challenges(severity: int = 1) -> dict[str, int]:
    return {c.value: severity for c in Challenge}


def filled_assessment(user, points=None):
    """A draft of ``user``'s government with every question answered and every challenge rated."""
    assessment = services.draft_of(user.local_government) or services.start_assessment(
        user.local_government, actor=user
    )
    services.save_answers(assessment, answers_for(assessment, points), actor=user)
    services.save_challenges(assessment, all_challenges(), actor=user)
    return assessment


def submitted_assessment(user, points=None):
    assessment = filled_assessment(user, points)
    services.submit_assessment(assessment, actor=user)
    assessment.refresh_from_db()
    return assessment
