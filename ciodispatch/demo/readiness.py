"""Demo readiness: 多久市 ready in every dimension, 嬉野市 with one gap (budget).

Built through the services, acting as each government's own host user. Running it again
changes nothing: a government with a submitted assessment is left as it is.
"""

from django.db import transaction

from ciodispatch.core.programme import Challenge
from ciodispatch.readiness import services
from ciodispatch.readiness.models import Dimension

# Points chosen per dimension, question by question (in questionnaire order).
STRONG = {
    Dimension.HEAD_VISION: [3, 3, 3, 2],
    Dimension.CIO_AUTHORITY: [3, 2, 3, 2],
    Dimension.COUNTERPART: [3, 3, 2, 2],
    Dimension.COOPERATION: [3, 3, 2],
    Dimension.FIELD: [3, 2, 2, 2],
    Dimension.STRATEGY: [2, 3, 2, 2],
    Dimension.BUDGET: [3, 2, 2, 2],
}
WEAK_BUDGET = {
    **{d: [2] * 4 for d in Dimension},
    Dimension.HEAD_VISION: [3, 2, 3, 2],
    Dimension.BUDGET: [1, 1, 0, 2],
}
CHALLENGES = {
    "taku": {
        Challenge.TALENT_SHORTAGE: 2,
        Challenge.VENDOR_DEPENDENCY: 2,
        Challenge.ORGANISATIONAL_WALLS: 1,
        Challenge.RESISTANCE_TO_CHANGE: 1,
        Challenge.NO_STRATEGY: 1,
        Challenge.NO_BUDGET: 1,
    },
    "ureshino": {
        Challenge.TALENT_SHORTAGE: 3,
        Challenge.VENDOR_DEPENDENCY: 2,
        Challenge.ORGANISATIONAL_WALLS: 1,
        Challenge.RESISTANCE_TO_CHANGE: 2,
        Challenge.NO_STRATEGY: 1,
        Challenge.NO_BUDGET: 3,
    },
}
EVIDENCE = {
    Dimension.HEAD_VISION: (
        "令和7年度施政方針でデジタル変革を重点施策に掲げ、DX推進本部（本部長：市長）を設置。"
    ),
    Dimension.CIO_AUTHORITY: (
        "情報化推進規程を改正し、CIO補佐官に情報化施策の指示権限を付与する案を作成済み。"
    ),
    Dimension.COUNTERPART: "企画課DX推進係長をカウンターパートに指名（業務の半分を充てる）。",
    Dimension.COOPERATION: (
        "佐賀県と県内市町の共同調達検討会に参加し、基幹系のクラウド化を共同で進めている。"
    ),
    Dimension.FIELD: "窓口業務（市民課・税務課）で業務観察と聞き取りを行い、課題一覧を作成。",
    Dimension.STRATEGY: (
        "情報システム一覧（費用・契約期間つき）を整備し、次期更新前にRFIを実施予定。"
    ),
    Dimension.BUDGET: "保守費の見直しで年間約800万円を捻出。デジタル田園都市国家構想交付金を活用。",
}


def _fill(assessment, plan, challenges, *, actor) -> None:
    questions = services.questions_of(assessment.questionnaire)
    answers = {}
    for dimension, points in plan.items():
        mine = [q for q in questions if q.dimension == dimension]
        for question, wanted in zip(mine, points, strict=False):
            option = next(o for o in question.options.all() if o.points == wanted)
            evidence = EVIDENCE[Dimension(dimension)] if wanted > 0 else ""
            answers[question.pk] = (option.pk, evidence)
        for question in mine[len(points) :]:  # a later version with more questions
            option = max(question.options.all(), key=lambda o: o.points)
            answers[question.pk] = (option.pk, EVIDENCE[Dimension(dimension)])
    services.save_answers(assessment, answers, actor=actor)
    services.save_challenges(assessment, {str(k): v for k, v in challenges.items()}, actor=actor)


@transaction.atomic
def load_readiness_demo(*, taku_user, ureshino_user) -> list[str]:
    """A submitted assessment for 多久市 (strong) and 嬉野市 (a gap in budget). Idempotent."""
    done: list[str] = []
    plans = [
        (taku_user, STRONG, CHALLENGES["taku"]),
        (ureshino_user, WEAK_BUDGET, CHALLENGES["ureshino"]),
    ]
    for user, plan, challenges in plans:
        local_government = user.local_government
        if services.latest_submitted(local_government) is not None:
            continue
        assessment = services.draft_of(local_government) or services.start_assessment(
            local_government, actor=user
        )
        _fill(assessment, plan, challenges, actor=user)
        services.submit_assessment(assessment, actor=user)
        scores = services.dimension_scores(assessment)
        done.append(
            f"readiness assessment: {local_government} "
            + ", ".join(f"{k} {v}" for k, v in scores.items())
        )
    return done
