from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.core.dates import fiscal_year, format_fiscal_year
from ciodispatch.core.errors import refusal_to_form
from ciodispatch.core.exports import CHUNK_SIZE, csv_response
from ciodispatch.core.once import once_per_form_token
from ciodispatch.core.states import TransitionRefused
from ciodispatch.dispatches.queries import with_parties
from ciodispatch.incentives import exports, forms, queries, services
from ciodispatch.incentives.models import (
    ClaimEvidence,
    IncentiveClaim,
    IncentiveRule,
)
from ciodispatch.incentives.services import CostInput, IncentiveError, RuleInput
from ciodispatch.localgov.models import LocalGovernment

A = policy.Action
CLAIMS_PER_PAGE = 50
S = IncentiveClaim.State
REFUSED = (IncentiveError, TransitionRefused)


def _load_dispatch(request, pk, **kwargs):
    return get_object_or_404(with_parties(), pk=pk)


def _load_claim(request, pk, **kwargs):
    return get_object_or_404(queries.claims(), pk=pk)


def _load_evidence(request, pk, **kwargs):
    evidence = get_object_or_404(
        ClaimEvidence.objects.select_related("claim__dispatch__request"), pk=pk
    )
    return evidence.claim


def _load_rule(request, pk, **kwargs):
    return get_object_or_404(IncentiveRule.objects.select_related("programme"), pk=pk)


def _year_choices(years) -> list[tuple[int, str]]:
    return [(y, format_fiscal_year(y)) for y in years]


# --- the host side ---------------------------------------------------------------------------


def _dispatch_page(request, dispatch, form=None, status=200):
    years = services.claim_fiscal_years(dispatch) if dispatch.started_on else []
    # The claims returned for correction only (the work queue's link).
    returned = request.GET.get("returned") == "1"
    can_file = policy.can(request.user, A.FILE_CLAIM, dispatch) and bool(years)
    if form is None and can_file:
        current = fiscal_year(timezone.localdate())
        form = forms.StartClaimForm(
            years=_year_choices(years),
            initial={"fiscal_year": current if current in years else years[-1]},
        )
    return render(
        request,
        "incentives/dispatch_claims.html",
        {
            "dispatch": dispatch,
            "claims": queries.claims_of_dispatch(request.user, dispatch, returned=returned),
            "returned": returned,
            "form": form if can_file else None,
            "started": dispatch.started_on is not None,
        },
        status=status,
    )


@policy.guard(A.VIEW_DISPATCH_CLAIMS, load=_load_dispatch)
def dispatch_claims(request, dispatch):
    return _dispatch_page(request, dispatch)


@require_POST
@policy.guard(A.FILE_CLAIM, load=_load_dispatch)
def start_claim(request, dispatch):
    years = services.claim_fiscal_years(dispatch)
    form = forms.StartClaimForm(request.POST, years=_year_choices(years))
    if form.is_valid():
        with refusal_to_form(form):
            claim = services.start_claim(
                dispatch,
                actor=request.user,
                programme=form.cleaned_data["programme"],
                fiscal_year=form.cleaned_data["fiscal_year"],
            )
            messages.success(request, _("The draft claim was created; enter its costs."))
            return redirect("incentives:costs", pk=claim.pk)
    return _dispatch_page(request, dispatch, form=form, status=400)


def _claim_context(request, claim, **extra):
    user = request.user
    calculation = claim.calculation_lines()
    return {
        "claim": claim,
        "dispatch": claim.dispatch,
        "costs": claim.costs.all(),
        "evidence": claim.evidence.all(),
        "calculation": calculation,
        "can_edit": policy.can(user, A.EDIT_CLAIM, claim),
        "can_decide": policy.can(user, A.DECIDE_CLAIM, claim),
        "is_office": policy.can(user, A.LIST_CLAIMS),
        "evidence_form": extra.pop("evidence_form", None) or forms.EvidenceForm(),
        "decision_form": extra.pop("decision_form", None) or forms.DecisionForm(),
        "payment_form": extra.pop("payment_form", None)
        or forms.PaymentForm(initial={"paid_on": timezone.localdate()}),
        "fiscal_year_label": format_fiscal_year(claim.fiscal_year),
        **extra,
    }


def _claim_page(request, claim, status=200, **extra):
    return render(
        request,
        "incentives/claim_detail.html",
        _claim_context(request, claim, **extra),
        status=status,
    )


@policy.guard(A.VIEW_CLAIM, load=_load_claim)
def claim_detail(request, claim):
    return _claim_page(request, claim)


def _cost_rows(claim) -> list[dict]:
    rows = [
        {
            "item": c.item,
            "amount": f"{c.amount_yen:,}",
            "spent_on": c.spent_on,
            "description": c.description,
        }
        for c in claim.costs.all()
    ]
    return rows + [{}] * max(forms.COST_ROWS - len(rows), 3)


@policy.guard(A.EDIT_CLAIM, load=_load_claim)
def edit_costs(request, claim):
    if request.method == "POST":
        formset = forms.CostFormSet(request.POST, prefix="cost")
        error = None
        if formset.is_valid():
            rows = [
                CostInput(
                    item=f.cleaned_data.get("item", ""),
                    amount=f.cleaned_data.get("amount", ""),
                    spent_on=f.cleaned_data.get("spent_on"),
                    description=f.cleaned_data.get("description", ""),
                    row=number,
                )
                for number, f in enumerate(formset.forms, start=1)
                if not f.is_blank()
            ]
            # Kept by hand: the rows are a formset; a refusal shows above them, status 400.
            try:
                services.save_costs(claim, rows, actor=request.user)
            except REFUSED as exc:
                error = str(exc)
            else:
                if "add_rows" in request.POST:
                    return redirect(reverse("incentives:costs", args=[claim.pk]) + "?more=1")
                messages.success(request, _("The costs were saved and the amount recomputed."))
                return redirect("incentives:claim", pk=claim.pk)
        else:
            error = _("Check the rows marked below.")
        return render(
            request,
            "incentives/claim_costs.html",
            {"claim": claim, "formset": formset, "error": error},
            status=400,
        )
    rows = _cost_rows(claim)
    if request.GET.get("more"):
        rows += [{}] * 4
    formset = forms.CostFormSet(prefix="cost", initial=rows)
    return render(request, "incentives/claim_costs.html", {"claim": claim, "formset": formset})


@require_POST
@policy.guard(A.EDIT_CLAIM, load=_load_claim)
@once_per_form_token
def add_evidence(request, claim):
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_to_form(form, field="file"):
            services.add_evidence(
                claim,
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
            messages.success(request, _("The evidence file was attached."))
            return redirect("incentives:claim", pk=claim.pk)
    return _claim_page(request, claim, status=400, evidence_form=form)


@require_POST
@policy.guard(A.EDIT_CLAIM, load=_load_evidence)
def remove_evidence(request, claim):
    evidence = get_object_or_404(claim.evidence.all(), pk=request.resolver_match.kwargs["pk"])
    services.remove_evidence(evidence, actor=request.user)
    messages.success(request, _("The evidence file was removed."))
    return redirect("incentives:claim", pk=claim.pk)


@policy.guard(A.VIEW_CLAIM, load=_load_evidence)
def evidence_file(request, claim):
    evidence = get_object_or_404(claim.evidence.all(), pk=request.resolver_match.kwargs["pk"])
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=f"claim-{claim.pk}-{evidence.pk}.{evidence.extension}",
        content_type=evidence.content_type,
    )


@require_POST
@policy.guard(A.EDIT_CLAIM, load=_load_claim)
def submit_claim(request, claim):
    # Kept by hand: a refusal shows beside the submit button on the claim page, status 400.
    try:
        services.submit_claim(claim, actor=request.user)
    except REFUSED as exc:
        return _claim_page(request, claim, status=400, submit_error=str(exc))
    messages.success(request, _("The claim was submitted to the programme office."))
    return redirect("incentives:claim", pk=claim.pk)


# --- the office ------------------------------------------------------------------------------


@require_POST
@policy.guard(A.DECIDE_CLAIM, load=_load_claim)
def decide_claim(request, claim):
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with refusal_to_form(form):
            if data["decision"] == "approve":
                services.approve_claim(
                    claim,
                    actor=request.user,
                    adjusted_amount=data["adjusted_amount"],
                    reason=data["reason"],
                )
                messages.success(request, _("The claim was approved."))
            elif data["decision"] == "reject":
                services.reject_claim(claim, actor=request.user, reason=data["reason"])
                messages.success(request, _("The claim was rejected."))
            else:
                services.return_claim(claim, actor=request.user, reason=data["reason"])
                messages.success(request, _("The claim was returned to the host."))
            return redirect("incentives:claim", pk=claim.pk)
    return _claim_page(request, claim, status=400, decision_form=form)


@require_POST
@policy.guard(A.DECIDE_CLAIM, load=_load_claim)
def record_payment(request, claim):
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        with refusal_to_form(form):
            services.record_payment(claim, actor=request.user, paid_on=form.cleaned_data["paid_on"])
            messages.success(request, _("The payment was recorded."))
            return redirect("incentives:claim", pk=claim.pk)
    return _claim_page(request, claim, status=400, payment_form=form)


def _prefectures() -> list[tuple[str, str]]:
    return list(
        LocalGovernment.objects.filter(kind="prefecture")
        .order_by("prefecture_code")
        .values_list("prefecture_code", "name")
    )


def _years() -> list[int]:
    years = set(IncentiveClaim.objects.values_list("fiscal_year", flat=True))
    years |= set(IncentiveRule.objects.values_list("fiscal_year", flat=True))
    years.add(fiscal_year(timezone.localdate()))
    return sorted(years, reverse=True)


@policy.guard(A.LIST_CLAIMS)
def office_claims(request):
    current = fiscal_year(timezone.localdate())
    params = request.GET.copy()
    page_number = params.pop("page", [None])[-1]
    data = params if params else {"year": current}
    form = forms.ClaimFilterForm(data, years=_years(), prefectures=_prefectures())
    filters = form.cleaned_data if form.is_valid() else {"year": current}
    found = queries.office_claims(
        request.user,
        year=filters.get("year") or None,
        state=filters.get("state") or "",
        prefecture=filters.get("prefecture") or "",
    )
    page = Paginator(found, CLAIMS_PER_PAGE).get_page(page_number)
    return render(
        request,
        "incentives/office_claims.html",
        {
            "form": form,
            "claims": page.object_list,
            "page": page,
            "query": params.urlencode(),
            "total": found.aggregate(total=Sum("computed_yen"))["total"] or 0,
        },
    )


def _selected_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = fiscal_year(timezone.localdate())
    return year if 2000 <= year <= 2100 else fiscal_year(timezone.localdate())


def _budget_page(request, year, budget_form=None, status=200):
    today = timezone.localdate()
    summary = queries.budget_summary(year, today)
    rules = queries.rules_for(year)
    what_if_form = forms.WhatIfForm(request.GET or None, rules=rules)
    result = None
    if request.GET.get("dispatches") and what_if_form.is_valid():
        data = what_if_form.cleaned_data
        rule = data.get("rule") or summary.estimate_rule
        with refusal_to_form(what_if_form, field="yearly_costs"):
            costs = services.parse_yen(data.get("yearly_costs") or "", _("Eligible costs"))
            if rule is not None and data.get("dispatches"):
                result = queries.what_if(summary, rule, data["dispatches"], costs)
    if budget_form is None and policy.can(request.user, A.SET_BUDGET):
        budget_form = forms.BudgetForm(
            initial={"fiscal_year": year, "amount": summary.budget or ""}
        )
    return render(
        request,
        "incentives/budget.html",
        {
            "summary": summary,
            "year": year,
            "year_label": format_fiscal_year(year),
            "years": _years(),
            "what_if_form": what_if_form,
            "what_if": result,
            "budget_form": budget_form,
        },
        status=status,
    )


@policy.guard(A.VIEW_BUDGET)
def budget(request):
    return _budget_page(request, _selected_year(request))


@require_POST
@policy.guard(A.SET_BUDGET)
def set_budget(request):
    form = forms.BudgetForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["fiscal_year"]
        with refusal_to_form(form, field="amount"):
            services.set_budget(year, form.cleaned_data["amount"], actor=request.user)
            messages.success(request, _("The budget was saved."))
            return redirect(reverse("incentives:budget") + f"?year={year}")
    return _budget_page(request, _selected_year(request), budget_form=form, status=400)


@policy.guard(A.VIEW_BUDGET)
def budget_export(request, year, fmt):
    if fmt not in ("xlsx", "csv") or not 2000 <= year <= 2100:
        raise Http404
    summary = queries.budget_summary(year, timezone.localdate())
    found = (
        queries.office_claims(request.user, year=year)
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    if fmt == "csv":
        rows = exports.claim_rows(found)
        return csv_response(exports.claim_header(), rows, filename=f"incentives-FY{year}.csv")
    return exports.claims_workbook_response(
        year, found, summary, filename=f"incentives-FY{year}.xlsx"
    )


# --- rules -----------------------------------------------------------------------------------


@policy.guard(A.VIEW_INCENTIVE_RULES)
def rules(request):
    all_rules = IncentiveRule.objects.select_related("programme", "created_by").order_by(
        "-fiscal_year", "programme_id", "-version"
    )
    in_force = {r.pk for r in queries.rules_for()}
    return render(
        request,
        "incentives/rules.html",
        {
            "rules": [r for r in all_rules if r.pk in in_force],
            "can_edit": policy.can(request.user, A.EDIT_INCENTIVE_RULES),
        },
    )


@policy.guard(A.VIEW_INCENTIVE_RULES, load=_load_rule)
def rule_detail(request, rule):
    versions = IncentiveRule.objects.filter(
        programme=rule.programme, fiscal_year=rule.fiscal_year
    ).select_related("created_by")
    return render(
        request,
        "incentives/rule_detail.html",
        {
            "rule": rule,
            "versions": versions.order_by("-version"),
            "in_force": versions.order_by("-version").first(),
            "can_edit": policy.can(request.user, A.EDIT_INCENTIVE_RULES),
            "year_label": format_fiscal_year(rule.fiscal_year),
        },
    )


def _rule_input(form) -> RuleInput:
    data = form.cleaned_data
    return RuleInput(
        rate=data["rate"],
        eligible_items=data["eligible_items"],
        rounding_mode=data["rounding_mode"],
        rounding_unit=data["rounding_unit"],
        threshold=data["threshold"],
        threshold_label=data["threshold_label"],
        ceilings_at_or_below=form.ceilings("low"),
        ceilings_above=form.ceilings("high"),
        exclude_index_at_or_above=data["exclude_index_at_or_above"],
        exclude_without_index=data["exclude_without_index"],
        source=data["source"],
        note=data["note"],
    )


def _edit_rule(request, base):
    if request.method == "POST":
        form = forms.RuleForm(request.POST)
        if form.is_valid():
            with refusal_to_form(form):
                rule = services.save_rule(
                    form.cleaned_data["programme"],
                    form.cleaned_data["fiscal_year"],
                    _rule_input(form),
                    actor=request.user,
                )
                messages.success(
                    request, _("Version %(v)s of the rule was saved.") % {"v": rule.version}
                )
                return redirect("incentives:rule", pk=rule.pk)
        status = 400
    else:
        initial = forms.RuleForm.initial_from(base) if base else {}
        form = forms.RuleForm(initial=initial)
        status = 200
    return render(request, "incentives/rule_form.html", {"form": form, "base": base}, status=status)


@policy.guard(A.EDIT_INCENTIVE_RULES)
@once_per_form_token
def new_rule(request):
    return _edit_rule(request, None)


@policy.guard(A.EDIT_INCENTIVE_RULES, load=_load_rule)
@once_per_form_token
def edit_rule(request, rule):
    return _edit_rule(request, rule)
