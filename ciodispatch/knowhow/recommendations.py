"""Which published cases to show a host or a candidate, each with the reasons why.

A host: the challenges its latest submitted readiness self-assessment rates serious, the
challenges behind its weakest readiness dimensions (gaps), and its newest dispatch request
(the challenges it chose; its theme searched in the cases' text). A candidate: the themes of
the cases that match the domains of their application.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ciodispatch.core.choices import choice_label, choice_labels
from ciodispatch.core.programme import Challenge
from ciodispatch.knowhow import search
from ciodispatch.knowhow.models import Case
from ciodispatch.knowhow.queries import published_cases
from ciodispatch.knowhow.text import normalise

# The challenge a weak readiness dimension points to (from the study: the success factor
# answers the challenge).
DIMENSION_CHALLENGES = {
    "head_vision": [Challenge.NO_STRATEGY, Challenge.RESISTANCE_TO_CHANGE],
    "cio_authority": [Challenge.TALENT_SHORTAGE, Challenge.VENDOR_DEPENDENCY],
    "counterpart": [Challenge.TALENT_SHORTAGE],
    "cooperation": [Challenge.ORGANISATIONAL_WALLS],
    "field": [Challenge.RESISTANCE_TO_CHANGE],
    "strategy": [Challenge.NO_STRATEGY, Challenge.VENDOR_DEPENDENCY],
    "budget": [Challenge.NO_BUDGET],
}
# Words of a request's theme worth looking for in the cases (a request title is one phrase,
# rarely found whole; its known words are).
THEME_WORDS = (
    "救急", "医療", "防災", "災害", "クラウド", "基幹", "標準化", "窓口", "電子申請", "オンライン",
    "テレワーク", "データ", "オープンデータ", "セキュリティ", "調達", "ベンダー", "教育", "学校",
    "福祉", "子育て", "介護", "GIS", "AI", "RPA", "ペーパーレス", "キャッシュレス", "観光", "農業",
)  # fmt: skip
SERIOUS = 2  # a challenge rated 2 or 3 of 3 in the self-assessment
LIMIT = 10


@dataclass
class Recommendation:
    case: Case
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def _add(found: dict[int, Recommendation], case: Case, points: int, reason: str) -> None:
    item = found.setdefault(case.pk, Recommendation(case=case))
    item.score += points
    if reason not in item.reasons:
        item.reasons.append(reason)


def _ranked(found: dict[int, Recommendation]) -> list[Recommendation]:
    return sorted(found.values(), key=lambda r: (-r.score, -r.case.pk))[:LIMIT]


def for_host(local_government) -> tuple[list[Recommendation], dict]:
    """Recommendations for a host government and what they were based on."""
    from ciodispatch.readiness import services as readiness
    from ciodispatch.requests.models import DispatchRequest

    wanted: dict[str, str] = {}  # challenge -> why
    basis: dict = {"assessment": None, "gaps": [], "request": None}
    assessment = readiness.latest_submitted(local_government)
    if assessment is not None:
        basis["assessment"] = assessment
        for challenge, severity in readiness.challenge_ratings(assessment).items():
            if severity >= SERIOUS:
                wanted.setdefault(
                    challenge,
                    _("Your self-assessment rates “%(c)s” serious")
                    % {"c": choice_label(Challenge, challenge)},
                )
        for gap in readiness.gaps(assessment):
            basis["gaps"].append(gap)
            for challenge in DIMENSION_CHALLENGES.get(gap.dimension, []):
                wanted.setdefault(
                    challenge,
                    _("A gap in your readiness points to “%(c)s”")
                    % {"c": choice_label(Challenge, challenge)},
                )
    request = (
        DispatchRequest.objects.filter(host=local_government).order_by("-created_at").first()
        or DispatchRequest.objects.filter(group__members=local_government)
        .order_by("-created_at")
        .first()
    )
    basis["request"] = request
    if request is not None:
        for challenge in request.challenges:
            wanted[challenge] = _("Your dispatch request addresses “%(c)s”") % {
                "c": choice_label(Challenge, challenge)
            }
    found: dict[int, Recommendation] = {}
    cases = list(published_cases().prefetch_related("local_governments"))
    for case in cases:
        for challenge in case.challenges:
            if challenge in wanted:
                _add(found, case, 2, wanted[challenge])
    if request is not None and request.title:
        by_id = {c.pk: c for c in cases}
        title = normalise(request.title)
        words = [w for w in THEME_WORDS if normalise(w) in title]
        hits = search.search(" OR ".join(words), kind="case").hits if words else []
        for hit in hits[:LIMIT]:
            if hit.object_id in by_id:
                _add(
                    found,
                    by_id[hit.object_id],
                    3,
                    _("Its text matches your request's theme “%(t)s”") % {"t": request.title},
                )
    return _ranked(found), basis


def for_candidate(user) -> tuple[list[Recommendation], dict]:
    from ciodispatch.candidates.choices import Domain
    from ciodispatch.candidates.models import Application

    application = Application.objects.filter(user=user).first()
    domains = list(application.domains) if application is not None else []
    found: dict[int, Recommendation] = {}
    for case in published_cases().filter(theme__in=domains).prefetch_related("local_governments"):
        _add(
            found,
            case,
            2,
            _("In your domain “%(d)s”") % {"d": choice_label(Domain, case.theme)},
        )
    return _ranked(found), {"domains": choice_labels(Domain, domains)}
