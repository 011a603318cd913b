"""Writes to incentives: rules (new versions only), programme budgets, claims and decisions.

Every function checks the policy, validates everything before it writes (a refusal raises
``IncentiveError`` and writes nothing), moves claims only through ``CLAIM_STATES`` and writes
the audit record in the same transaction.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.core.dates import fiscal_year, fiscal_year_bounds, format_fiscal_year
from ciodispatch.core.errors import Refusal
from ciodispatch.core.mail import mail_after_commit
from ciodispatch.core.text import service_text
from ciodispatch.core.uploads import check_upload, remove_document, store_document
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.incentives.calculation import (
    COST_ITEMS,
    ROUNDING_MODES,
    ROUNDING_UNITS,
    Calculation,
    Cost,
    calculate,
)
from ciodispatch.incentives.models import (
    CLAIM_STATES,
    ClaimCost,
    ClaimEvidence,
    IncentiveClaim,
    IncentiveProgramme,
    IncentiveRule,
    Kind,
    ProgrammeBudget,
)
from ciodispatch.notices.services import notify

A = policy.Action
S = IncentiveClaim.State
MAX_TEXT = 2000
DESCRIPTION_MAX = 200
EVIDENCE_TYPES = ("pdf", "png", "jpg", "jpeg", "xlsx")
# Most yen anyone types into a form here: ten billion (a sanity bound, not a rule).
MAX_YEN = 10_000_000_000


def _today() -> dt.date:
    return timezone.localdate()


class IncentiveError(Refusal, ValueError):
    """A refused change to incentives; the message says what to fix. Nothing was written."""


# --- input ---------------------------------------------------------------------------------

_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+$")


def parse_yen(value: object, label: str = "") -> int:
    """Whole yen from a number or text. Full-width digits and commas between groups of three
    are accepted (「１，２００」 is 1200); negatives, fractions and anything else are refused."""
    prefix = f"{label}: " if label else ""
    if isinstance(value, bool):
        raise IncentiveError(prefix + _("Enter an amount in whole yen."))
    if isinstance(value, int):
        number = value
    else:
        text = unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "")
        text = text.removesuffix("円")
        if not text:
            raise IncentiveError(prefix + _("Enter an amount in whole yen."))
        if text.startswith("-"):
            raise IncentiveError(prefix + _("An amount cannot be negative."))
        if not (_PLAIN.match(text) or _GROUPED.match(text)):
            raise IncentiveError(
                prefix
                + _("“%(value)s” is not a whole number of yen (digits only, e.g. 1200 or 1,200).")
                % {"value": str(value)[:30]}
            )
        number = int(text.replace(",", ""))
    if number < 0:
        raise IncentiveError(prefix + _("An amount cannot be negative."))
    if number > MAX_YEN:
        raise IncentiveError(prefix + _("The amount is too large."))
    return number


def _text(value: str | None, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    return service_text(value, label, error=IncentiveError, required=required, limit=limit)


def _decimal(value: object, label: str, *, required: bool, places: int = 2) -> Decimal | None:
    if value is None or str(value).strip() == "":
        if required:
            raise IncentiveError(_("Enter %s.") % label)
        return None
    try:
        number = Decimal(unicodedata.normalize("NFKC", str(value)).strip())
    except InvalidOperation as exc:
        raise IncentiveError(_("%s must be a number such as 0.5.") % label) from exc
    if not number.is_finite() or number < 0:
        raise IncentiveError(_("%s must be a number such as 0.5.") % label)
    if places == 2 and number != number.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        # Stored with two decimals: a third would be rounded away without a word.
        raise IncentiveError(_("%s has at most two decimals (e.g. 0.56).") % label)
    return number


def _ceilings(values: Sequence[object] | None, label: str) -> list[int] | None:
    if values is None:
        return None
    result = [parse_yen(v, label) for v in values]
    if not result:
        return None
    if any(v <= 0 for v in result):
        raise IncentiveError(_("%s: a ceiling must be more than 0 yen.") % label)
    return result


# --- rules and programmes ---------------------------------------------------------------------


@transaction.atomic
def create_programme(
    *, actor, code: str, name: str, kind: str, basis: str = ""
) -> IncentiveProgramme:
    policy.require(actor, A.EDIT_INCENTIVE_RULES)
    if kind not in Kind.values:
        raise IncentiveError(_("Choose the kind of incentive."))
    code = _text(code, _("a code"), limit=40)
    if IncentiveProgramme.objects.filter(code=code).exists():
        raise IncentiveError(_("A programme with this code exists already."))
    programme = IncentiveProgramme.objects.create(
        code=code, name=_text(name, _("the name"), limit=120), kind=kind, basis=basis.strip()
    )
    record(
        actor=actor,
        action="incentives.programme.create",
        target=programme,
        changes={"code": code, "name": programme.name, "kind": kind},
    )
    return programme


@dataclass(frozen=True)
class RuleInput:
    rate: object
    eligible_items: Sequence[str]
    rounding_mode: str = "floor"
    rounding_unit: int = 1
    threshold: object = None
    threshold_label: str = ""
    ceilings_at_or_below: Sequence[object] | None = None
    ceilings_above: Sequence[object] | None = None
    exclude_index_at_or_above: object = None
    exclude_without_index: bool = False
    source: str = ""
    note: str = ""


def _validated_rule(data: RuleInput) -> dict[str, object]:
    rate = _decimal(data.rate, _("The rate"), required=True, places=4)
    assert rate is not None
    if rate <= 0 or rate > 1:
        raise IncentiveError(_("The rate must be more than 0 and at most 1 (e.g. 0.5)."))
    if rate != rate.quantize(Decimal("0.0001")):
        raise IncentiveError(_("The rate can have at most four decimal places."))
    if data.rounding_mode not in ROUNDING_MODES:
        raise IncentiveError(_("Choose how the amount is rounded."))
    if int(data.rounding_unit) not in ROUNDING_UNITS:
        raise IncentiveError(_("Round to 1 yen or to 1,000 yen."))
    items = [item for item in COST_ITEMS if item in set(data.eligible_items)]
    if not items or len(items) != len(set(data.eligible_items)):
        raise IncentiveError(
            _("Choose the eligible cost items (pay, travel, recruitment, training).")
        )
    low = _ceilings(data.ceilings_at_or_below, _("Ceilings at or below the threshold"))
    high = _ceilings(data.ceilings_above, _("Ceilings above the threshold"))
    threshold = _decimal(data.threshold, _("The 財政力指数 threshold"), required=False)
    if (low is None) != (high is None):
        raise IncentiveError(
            _("Give ceilings for both bands (at or below and above the threshold), or none.")
        )
    if low is not None and high is not None:
        if len(low) != len(high):
            raise IncentiveError(_("Give a ceiling for the same dispatch years in both bands."))
        if len(low) > 5:
            raise IncentiveError(_("Ceilings can be given for at most five dispatch years."))
        if threshold is None:
            raise IncentiveError(_("Ceilings by band need the 財政力指数 threshold."))
        if not data.threshold_label.strip():
            raise IncentiveError(
                _("Say what the threshold is (e.g. the national average of FY2026).")
            )
    if threshold is not None and threshold >= 10:
        raise IncentiveError(_("The 財政力指数 threshold must be below 10."))
    exclude = _decimal(
        data.exclude_index_at_or_above, _("The exclusion 財政力指数"), required=False
    )
    if exclude is not None and exclude >= 10:
        raise IncentiveError(_("The exclusion 財政力指数 must be below 10."))
    return {
        "rate": rate,
        "rounding_mode": data.rounding_mode,
        "rounding_unit": int(data.rounding_unit),
        "eligible_items": items,
        "threshold": threshold,
        "threshold_label": _text(data.threshold_label, _("the label"), required=False, limit=120),
        "ceilings_at_or_below": low,
        "ceilings_above": high,
        "exclude_index_at_or_above": exclude,
        "exclude_without_index": bool(data.exclude_without_index),
        "source": _text(data.source, _("the source"), required=False),
        "note": _text(data.note, _("what changed"), required=False, limit=200),
    }


@transaction.atomic
def save_rule(
    programme: IncentiveProgramme, fiscal_year: int, data: RuleInput, *, actor
) -> IncentiveRule:
    """Add a version of the programme's rule for ``fiscal_year`` (the first, or the next one).
    Rules are never edited in place; claims keep the version they were computed under."""
    policy.require(actor, A.EDIT_INCENTIVE_RULES)
    if not 2000 <= int(fiscal_year) <= 2100:
        raise IncentiveError(_("Enter a fiscal year such as 2026."))
    values = _validated_rule(data)
    # Lock the programme so two admins saving at once get versions 2 and 3, not two 2s.
    IncentiveProgramme.objects.select_for_update().get(pk=programme.pk)
    latest = IncentiveRule.objects.filter(programme=programme, fiscal_year=fiscal_year).aggregate(
        v=Max("version")
    )["v"]
    rule = IncentiveRule.objects.create(
        programme=programme,
        fiscal_year=fiscal_year,
        version=(latest or 0) + 1,
        created_by=actor if actor is not None and actor.pk else None,
        **values,
    )
    record(
        actor=actor,
        action="incentives.rule.version",
        target=rule,
        changes={k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()},
        reason=str(values["note"]),
    )
    # Drafts follow the rule in force; submitted claims keep the version they were filed under.
    for claim in IncentiveClaim.objects.select_for_update().filter(
        programme=programme, fiscal_year=fiscal_year, state=S.DRAFT
    ):
        _refresh(claim)
    return rule


def rule_in_force(programme: IncentiveProgramme, fiscal_year: int) -> IncentiveRule | None:
    """The latest version of the programme's rule for the fiscal year."""
    return (
        IncentiveRule.objects.filter(programme=programme, fiscal_year=fiscal_year)
        .order_by("-version")
        .first()
    )


# --- budget -----------------------------------------------------------------------------------


@transaction.atomic
def set_budget(fiscal_year: int, amount: object, *, actor) -> ProgrammeBudget:
    policy.require(actor, A.SET_BUDGET)
    if not 2000 <= int(fiscal_year) <= 2100:
        raise IncentiveError(_("Enter a fiscal year such as 2026."))
    amount_yen = parse_yen(amount, _("Budget"))
    # The row first (two admins setting a first budget at once: one creates it, the other
    # finds it), then locked, so approvals and this check do not interleave.
    budget, created = ProgrammeBudget.objects.get_or_create(
        fiscal_year=fiscal_year, defaults={"amount_yen": amount_yen}
    )
    budget = ProgrammeBudget.objects.select_for_update().get(pk=budget.pk)
    approved = approved_total(int(fiscal_year))
    if amount_yen < approved:
        raise IncentiveError(
            _(
                "Claims of %(year)s approved so far come to %(approved)s yen: the budget cannot "
                "be less."
            )
            % {"year": fiscal_year, "approved": f"{approved:,}"}
        )
    before = None if created else budget.amount_yen
    budget.amount_yen = amount_yen
    budget.set_by = actor if actor is not None and actor.pk else None
    budget.save()
    record(
        actor=actor,
        action="incentives.budget.set",
        target=budget,
        changes={"fiscal_year": fiscal_year, "amount_yen": [before, amount_yen]},
    )
    return budget


# --- the calculation of a claim ---------------------------------------------------------------


def claim_fiscal_years(dispatch: Dispatch) -> list[int]:
    """The fiscal years a dispatch's term touches (start to the early or planned end)."""
    end = dispatch.term_end
    if dispatch.start_date is None or end is None:
        return []
    return list(range(fiscal_year(dispatch.start_date), fiscal_year(end) + 1))


def dispatch_year_in(dispatch: Dispatch, year: int) -> int:
    """Which dispatch year a fiscal year counts as: the fiscal years of the term are counted
    from the one the dispatch starts in (1, 2, 3…), so each year's ceiling applies once
    whatever day the term starts (docs/incentives.md)."""
    assert dispatch.start_date is not None
    return max(year - fiscal_year(dispatch.start_date) + 1, 1)


def host_index(dispatch: Dispatch) -> Decimal | None:
    """The 財政力指数 used: the registry value of the host (a joint request's lead)."""
    return dispatch.host_government.fiscal_strength_index


def compute(claim: IncentiveClaim, rule: IncentiveRule | None = None) -> Calculation:
    costs = [Cost(c.item, c.amount_yen) for c in claim.costs.all()]
    return calculate(
        (rule or claim.rule).terms(),
        costs,
        dispatch_year=dispatch_year_in(claim.dispatch, claim.fiscal_year),
        fiscal_strength_index=host_index(claim.dispatch),
    )


def _refresh(claim: IncentiveClaim) -> IncentiveClaim:
    """Recompute a draft under the rule now in force and store the result."""
    rule = rule_in_force(claim.programme, claim.fiscal_year)
    if rule is None:
        raise IncentiveError(
            _("There is no rule of %(programme)s for %(year)s; the office must set one first.")
            % {"programme": claim.programme, "year": format_fiscal_year(claim.fiscal_year)}
        )
    result = compute(claim, rule)
    claim.rule = rule
    claim.dispatch_year = dispatch_year_in(claim.dispatch, claim.fiscal_year)
    claim.fiscal_strength_index = host_index(claim.dispatch)
    claim.computed_yen = result.amount
    claim.calculation = result.lines
    claim.save(
        update_fields=[
            "rule",
            "dispatch_year",
            "fiscal_strength_index",
            "computed_yen",
            "calculation",
        ]
    )
    return claim


def _locked(claim: IncentiveClaim) -> IncentiveClaim:
    return (
        IncentiveClaim.objects.select_for_update()
        .select_related("dispatch__request", "programme", "rule")
        .get(pk=claim.pk)
    )


def _to_decide(claim: IncentiveClaim, target: str, *, actor) -> IncentiveClaim:
    """The claim locked for the office's decision that moves it to ``target``: refused unless
    ``actor`` may decide claims and the table allows the move from its state now."""
    claim = _locked(claim)
    policy.require(actor, A.DECIDE_CLAIM, claim)
    CLAIM_STATES.check(claim.state, target)
    return claim


def _notify_host(claim: IncentiveClaim, subject: str, notice: str = "") -> None:
    from ciodispatch.dispatches.services import host_addresses

    mail_after_commit(
        host_addresses(claim.dispatch),
        _("[CIO Dispatch] %(subject)s: %(claim)s") % {"subject": subject, "claim": claim},
        _("Read the claim and its calculation in CIO Dispatch."),
    )
    if notice:
        request = claim.dispatch.request
        notify(
            [request.liaison, request.filed_by],
            notice,
            reverse("incentives:claim", args=[claim.pk]),
            host=claim.dispatch.host_name,
            year=claim.fiscal_year,
            programme=str(claim.programme),
            amount=claim.approved_yen,
            reason=claim.decision_reason,
        )


# --- claims: the host side -----------------------------------------------------------------


@transaction.atomic
def start_claim(
    dispatch: Dispatch, *, actor, programme: IncentiveProgramme, fiscal_year: int
) -> IncentiveClaim:
    """A draft claim for one fiscal year of a dispatch under one programme."""
    policy.require(actor, A.FILE_CLAIM, dispatch)
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if dispatch.started_on is None:
        raise IncentiveError(
            _("The dispatch has not started; claims are filed for a running or finished term.")
        )
    if fiscal_year not in claim_fiscal_years(dispatch):
        raise IncentiveError(
            _("The dispatch's term does not fall in %(year)s.")
            % {"year": format_fiscal_year(fiscal_year)}
        )
    if rule_in_force(programme, fiscal_year) is None:
        raise IncentiveError(
            _("There is no rule of %(programme)s for %(year)s; the office must set one first.")
            % {"programme": programme, "year": format_fiscal_year(fiscal_year)}
        )
    if IncentiveClaim.objects.filter(
        dispatch=dispatch, fiscal_year=fiscal_year, programme=programme
    ).exists():
        raise IncentiveError(
            _(
                "This dispatch already has a claim under %(programme)s for %(year)s; "
                "open it instead."
            )
            % {"programme": programme, "year": format_fiscal_year(fiscal_year)}
        )
    rule = rule_in_force(programme, fiscal_year)
    assert rule is not None
    try:
        with transaction.atomic():
            claim = IncentiveClaim.objects.create(
                dispatch=dispatch,
                programme=programme,
                fiscal_year=fiscal_year,
                rule=rule,
                dispatch_year=dispatch_year_in(dispatch, fiscal_year),
                filed_by=actor,
            )
    except IntegrityError as exc:
        raise IncentiveError(_("This dispatch already has this claim; open it instead.")) from exc
    _refresh(claim)
    record(
        actor=actor,
        action="incentives.claim.start",
        target=claim,
        changes={"fiscal_year": fiscal_year, "programme": programme.code, "rule": rule.pk},
    )
    return claim


@dataclass(frozen=True)
class CostInput:
    item: str
    amount: object
    spent_on: dt.date | None
    description: str
    # The row's number on the form, for the message (else its place among the rows given).
    row: int | None = None


@transaction.atomic
def save_costs(claim: IncentiveClaim, rows: Iterable[CostInput], *, actor) -> IncentiveClaim:
    """Replace the claim's costs with ``rows`` (all checked first; a bad row saves nothing)."""
    claim = _locked(claim)
    policy.require(actor, A.EDIT_CLAIM, claim)
    dispatch = claim.dispatch
    fy_first, fy_last = fiscal_year_bounds(claim.fiscal_year)
    start, end = dispatch.start_date, dispatch.term_end
    assert start is not None and end is not None
    first, last = max(fy_first, start), min(fy_last, end)
    costs: list[ClaimCost] = []
    for number, row in enumerate(rows, start=1):
        label = _("Cost %(n)s") % {"n": row.row or number}
        if row.item not in COST_ITEMS:
            raise IncentiveError(_("%s: choose the cost item.") % label)
        amount = parse_yen(row.amount, label)
        if amount == 0:
            raise IncentiveError(_("%s: an amount must be at least 1 yen.") % label)
        if row.spent_on is None:
            raise IncentiveError(_("%s: enter the date of the cost.") % label)
        if row.spent_on > _today():
            raise IncentiveError(
                _("%(label)s: %(date)s is in the future; claim a cost once it is incurred.")
                % {"label": label, "date": row.spent_on}
            )
        if not start <= row.spent_on <= end:
            raise IncentiveError(
                _("%(label)s: %(date)s is outside the dispatch (%(start)s to %(end)s).")
                % {"label": label, "date": row.spent_on, "start": start, "end": end}
            )
        if not fy_first <= row.spent_on <= fy_last:
            raise IncentiveError(
                _(
                    "%(label)s: %(date)s is outside %(year)s (%(first)s to %(last)s); "
                    "claim it in that year."
                )
                % {
                    "label": label,
                    "date": row.spent_on,
                    "year": format_fiscal_year(claim.fiscal_year),
                    "first": first,
                    "last": last,
                }
            )
        description = _text(row.description, _("a short description"), limit=DESCRIPTION_MAX)
        costs.append(
            ClaimCost(
                claim=claim,
                item=row.item,
                amount_yen=amount,
                spent_on=row.spent_on,
                description=description,
            )
        )
    before = sum(c.amount_yen for c in claim.costs.all())
    claim.costs.all().delete()
    ClaimCost.objects.bulk_create(costs)
    _refresh(claim)
    record(
        actor=actor,
        action="incentives.claim.costs",
        target=claim,
        changes={
            "lines": len(costs),
            "total_yen": [before, sum(c.amount_yen for c in costs)],
            "computed_yen": claim.computed_yen,
        },
    )
    return claim


@transaction.atomic
def add_evidence(
    claim: IncentiveClaim, *, actor, upload: UploadedFile, title: str = ""
) -> ClaimEvidence:
    claim = _locked(claim)
    policy.require(actor, A.EDIT_CLAIM, claim)
    extension, content_type, content = check_upload(
        upload,
        error=IncentiveError,
        not_accepted=_("Attach PDF, PNG, JPEG or Excel files (.%(ext)s is not accepted)."),
        allowed=EVIDENCE_TYPES,
    )
    return store_document(
        ClaimEvidence,
        content,
        name=f"claim-{claim.pk}.{extension}",
        content_type=content_type,
        actor=actor,
        owner=claim,
        action="incentives.claim.evidence_added",
        claim=claim,
        title=_text(title or upload.name or "", _("a title"), limit=120),
    )


@transaction.atomic
def remove_evidence(evidence: ClaimEvidence, *, actor) -> None:
    claim = _locked(evidence.claim)
    policy.require(actor, A.EDIT_CLAIM, claim)
    remove_document(evidence, actor=actor, owner=claim, action="incentives.claim.evidence_removed")


@transaction.atomic
def submit_claim(claim: IncentiveClaim, *, actor) -> IncentiveClaim:
    """Send the claim to the office; the amount is computed now under the rule in force and
    kept with the exact rule version."""
    claim = _locked(claim)
    policy.require(actor, A.EDIT_CLAIM, claim)
    if not claim.costs.exists():
        raise IncentiveError(_("Enter at least one cost before submitting."))
    if not claim.evidence.exists():
        raise IncentiveError(
            _("Attach at least one evidence file (receipts, pay records) before submitting.")
        )
    _refresh(claim)
    claim.submitted_at = timezone.now()
    claim.decision_reason = ""  # a note from an earlier return is kept in the audit trail
    CLAIM_STATES.apply(
        claim,
        S.SUBMITTED,
        actor=actor,
        update_fields=["submitted_at", "decision_reason"],
        changes={"computed_yen": claim.computed_yen, "rule": claim.rule_id},
    )
    from ciodispatch.accounts.models import OFFICE_ROLES, User

    mail_after_commit(
        User.objects.filter(role__in=OFFICE_ROLES, is_active=True).values_list("email", flat=True),
        _("[CIO Dispatch] Claim submitted: %(claim)s") % {"claim": claim},
        _("A host has submitted an incentive claim; decide it in CIO Dispatch."),
    )
    return claim


# --- claims: the office ----------------------------------------------------------------------


def approved_total(year: int, *, excluding: IncentiveClaim | None = None) -> int:
    claims = IncentiveClaim.objects.filter(fiscal_year=year, state__in=(S.APPROVED, S.PAID))
    if excluding is not None:
        claims = claims.exclude(pk=excluding.pk)
    return sum(c.approved_yen or 0 for c in claims)


@transaction.atomic
def approve_claim(
    claim: IncentiveClaim, *, actor, adjusted_amount: object = None, reason: str = ""
) -> IncentiveClaim:
    """Approve at the computed amount, or at an adjusted one with a reason; refused when the
    approved claims of the fiscal year would exceed its budget."""
    claim = _to_decide(claim, S.APPROVED, actor=actor)
    amount = claim.computed_yen
    adjustment = ""
    if adjusted_amount is not None and str(adjusted_amount).strip() != "":
        amount = parse_yen(adjusted_amount, _("Adjusted amount"))
        if amount > claim.computed_yen:
            raise IncentiveError(
                _(
                    "The adjusted amount cannot exceed the amount computed under the rule "
                    "(%(yen)s yen)."
                )
                % {"yen": f"{claim.computed_yen:,}"}
            )
        if amount != claim.computed_yen:
            adjustment = _text(reason, _("the reason for the adjustment"))
    if amount == 0 and not adjustment:
        raise IncentiveError(
            _("The computed amount is 0 yen; reject the claim with a reason instead.")
        )
    budget = (
        ProgrammeBudget.objects.select_for_update().filter(fiscal_year=claim.fiscal_year).first()
    )
    if budget is None:
        raise IncentiveError(
            _("There is no budget for %(year)s; an office admin must set it first.")
            % {"year": format_fiscal_year(claim.fiscal_year)}
        )
    approved = approved_total(claim.fiscal_year, excluding=claim)
    remaining = budget.amount_yen - approved
    if amount > remaining:
        raise IncentiveError(
            _(
                "Approving %(amount)s yen would exceed the budget of %(year)s: "
                "%(remaining)s yen remain of %(budget)s yen."
            )
            % {
                "amount": f"{amount:,}",
                "year": format_fiscal_year(claim.fiscal_year),
                "remaining": f"{remaining:,}",
                "budget": f"{budget.amount_yen:,}",
            }
        )
    claim.approved_yen = amount
    claim.adjustment_reason = adjustment
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    CLAIM_STATES.apply(
        claim,
        S.APPROVED,
        actor=actor,
        reason=adjustment,
        update_fields=["approved_yen", "adjustment_reason", "decided_by", "decided_at"],
        changes={"computed_yen": claim.computed_yen, "approved_yen": amount},
    )
    _notify_host(claim, _("Claim approved"), "incentives.claim_approved")
    return claim


@transaction.atomic
def reject_claim(claim: IncentiveClaim, *, actor, reason: str) -> IncentiveClaim:
    claim = _to_decide(claim, S.REJECTED, actor=actor)
    claim.decision_reason = _text(reason, _("the reason for the rejection"))
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    CLAIM_STATES.apply(
        claim,
        S.REJECTED,
        actor=actor,
        reason=claim.decision_reason,
        update_fields=["decision_reason", "decided_by", "decided_at"],
    )
    _notify_host(claim, _("Claim rejected"), "incentives.claim_rejected")
    return claim


@transaction.atomic
def return_claim(claim: IncentiveClaim, *, actor, reason: str) -> IncentiveClaim:
    """Send a submitted claim back to the host as a draft, saying what to correct."""
    claim = _to_decide(claim, S.DRAFT, actor=actor)
    claim.decision_reason = _text(reason, _("what the host should correct"))
    CLAIM_STATES.apply(
        claim, S.DRAFT, actor=actor, reason=claim.decision_reason, update_fields=["decision_reason"]
    )
    _notify_host(claim, _("Claim returned for correction"), "incentives.claim_returned")
    return claim


@transaction.atomic
def record_payment(claim: IncentiveClaim, *, actor, paid_on: dt.date | None) -> IncentiveClaim:
    """The approved amount was paid on ``paid_on`` (not in the future, not before approval)."""
    claim = _to_decide(claim, S.PAID, actor=actor)
    if paid_on is None:
        raise IncentiveError(_("Enter the date of the payment."))
    if paid_on > timezone.localdate():
        raise IncentiveError(_("The payment date cannot be in the future."))
    if claim.decided_at is not None and paid_on < timezone.localtime(claim.decided_at).date():
        raise IncentiveError(_("The payment date cannot be before the approval."))
    claim.paid_on = paid_on
    claim.paid_yen = claim.approved_yen
    CLAIM_STATES.apply(
        claim,
        S.PAID,
        actor=actor,
        update_fields=["paid_on", "paid_yen"],
        changes={"paid_yen": claim.paid_yen, "paid_on": paid_on.isoformat()},
    )
    _notify_host(claim, _("Claim paid"))
    return claim
