"""The eligibility gate: every condition of the round, evaluated for one request.

Each condition says whether it passes, why, and what to do when it does not. The gate never
stops at the first failure: a host sees everything it has to fix at once.
"""

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from ciodispatch.requests.models import DispatchRequest


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    passed: bool
    detail: str
    what_to_do: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Check:
    """One condition of the round, named once for each of its outcomes."""

    key: str
    label: str

    def met(self, detail: str) -> Condition:
        return Condition(self.key, self.label, True, detail)

    def unmet(self, detail: str, what_to_do: str) -> Condition:
        return Condition(self.key, self.label, False, detail, what_to_do)


def _population(request: DispatchRequest) -> Condition | None:
    limit = request.request_round.population_limit
    if limit is None:
        return None
    check = _Check("population", _("Population within %s") % f"{limit:,}")
    over, unknown = [], []
    for member in request.members():
        if member.population is None:
            unknown.append(member.name)
        elif member.population > limit:
            over.append(f"{member.name} ({member.population:,})")
    if over:
        return check.unmet(
            _("Over the limit: %s.") % "、".join(over),
            _(
                "Only local governments of up to %s people can host; "
                "remove the larger members or ask the office."
            )
            % f"{limit:,}",
        )
    if unknown:
        return check.unmet(
            _("The population of %s is not known.") % "、".join(unknown),
            _(
                "Ask the programme office to confirm the population "
                "from the latest resident register."
            ),
        )
    return check.met(_("Every member is within the limit."))


def _training(request: DispatchRequest) -> Condition | None:
    if not request.request_round.require_readiness_training:
        return None
    from ciodispatch.training.services import has_completed_track

    check = _Check("training", _("Readiness training completed by the liaison and the counterpart"))
    people = [(_("liaison"), request.liaison), (_("counterpart"), request.counterpart)]
    missing = [role for role, person in people if person is None]
    if missing:
        return check.unmet(
            _("Not named: %s.") % "、".join(missing),
            _("Name the CIO liaison and the counterpart in the request."),
        )
    not_done = [
        f"{person.display_name} ({role})"
        for role, person in people
        if person is not None and not has_completed_track(person, "readiness")
    ]
    if not_done:
        return check.unmet(
            _("Not completed yet: %s.") % "、".join(not_done),
            _("Enrol them in a readiness training session (外部人材活用研修) and complete it."),
        )
    return check.met(_("Both have completed the readiness track."))


def _commitment(request: DispatchRequest) -> Condition | None:
    if not request.request_round.require_commitment:
        return None
    check = _Check("commitment", _("The head's written commitment"))
    if request.is_joint:
        confirmed = {c.member_id for c in request.confirmations.all()}
        waiting = [m.name for m in request.members() if m.code not in confirmed]
        if waiting:
            return check.unmet(
                _("Not yet confirmed by the head of: %s.") % "、".join(waiting),
                _("Each member's head confirms the joint request in the system."),
            )
        return check.met(_("Every member's head has confirmed."))
    if request.committed_at is None:
        return check.unmet(
            _("The head has not signed the commitment."),
            _("Ask the head (首長) to read the request and sign the commitment in the system."),
        )
    return check.met(
        _("Signed by %s.") % (request.committed_by.display_name if request.committed_by else ""),
    )


MIN_AUTHORITY_CHARS = 50


def _authority(request: DispatchRequest) -> Condition | None:
    if not request.request_round.require_authority:
        return None
    check = _Check("authority", _("Authority over the field granted to the CIO"))
    if len(request.authority_statement.strip()) < MIN_AUTHORITY_CHARS:
        return check.unmet(
            _("The authority statement is missing or too short."),
            _(
                "Describe the command line the CIO will have over the field and the "
                "implementation team (at least 50 characters); an advisory post is not enough."
            ),
        )
    return check.met(_("The authority statement is present."))


def _readiness(request: DispatchRequest) -> Condition | None:
    minimum = request.request_round.min_readiness_score
    if minimum is None:
        return None
    from ciodispatch.readiness.models import Dimension
    from ciodispatch.readiness.services import dimension_scores, latest_submitted

    check = _Check("readiness", _("Readiness score of at least %s in every dimension") % minimum)
    problems, missing = [], []
    for member in request.members():
        assessment = latest_submitted(member)
        if assessment is None:
            missing.append(member.name)
            continue
        scores = dimension_scores(assessment)
        low = [f"{Dimension(d).label} {s}" for d, s in scores.items() if s < minimum]
        if low:
            problems.append(f"{member.name}: {'、'.join(low)}")
    if missing:
        return check.unmet(
            _("No submitted readiness assessment: %s.") % "、".join(missing),
            _("Complete and submit the readiness self-assessment."),
        )
    if problems:
        return check.unmet(
            _("Below the minimum: %s.") % "; ".join(problems),
            _(
                "Work on these dimensions (see the advice on the readiness page), "
                "then assess again."
            ),
        )
    return check.met(_("Every dimension meets the minimum."))


def _fiscal_strength(request: DispatchRequest) -> Condition | None:
    ceiling = request.request_round.max_fiscal_strength
    if ceiling is None:
        return None
    check = _Check("fiscal_strength", _("Fiscal strength index below %s") % ceiling)
    unknown = [m.name for m in request.members() if m.fiscal_strength_index is None]
    if unknown:
        return check.unmet(
            _("The fiscal strength index of %s is not known.") % "、".join(unknown),
            _("Ask the programme office to confirm the index from the latest settlement."),
        )
    strong = [
        f"{m.name} ({m.fiscal_strength_index})"
        for m in request.members()
        if m.fiscal_strength_index is not None and m.fiscal_strength_index >= ceiling
    ]
    if strong:
        return check.unmet(
            _("At or above it: %s.") % "、".join(strong),
            _("Hosts this strong financially are not supported in this round."),
        )
    return check.met(_("Every member is below it."))


CHECKS = (_population, _training, _commitment, _authority, _readiness, _fiscal_strength)


def evaluate(request: DispatchRequest) -> list[Condition]:
    """Every condition the round sets, in a fixed order."""
    return [c for c in (check(request) for check in CHECKS) if c is not None]
