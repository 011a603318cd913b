"""Demo incentives: the two real programmes with rules for last and this fiscal year, a claim for
every started dispatch in every state, and a budget of this fiscal year that is 70% committed.

Runs after the dispatches demo; everything goes through the services, dated with the
simulated clock in October–November of this fiscal year.
"""

import datetime as dt
import functools
import math

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ciodispatch import policy
from ciodispatch.core.dates import fiscal_year, fiscal_year_bounds
from ciodispatch.demo.clock import simulated_clock
from ciodispatch.dispatches.models import Dispatch, months_between
from ciodispatch.incentives import programmes, queries, services
from ciodispatch.incentives.models import IncentiveClaim, IncentiveProgramme

# The order states are handed out to the started dispatches (cycled), most telling first; the
# first dispatch also gets a second claim, under the other programme for the same costs, which
# the office rejects (so a small demo still shows a rejection).
PLAN = ("paid", "submitted", "adjusted", "draft", "returned", "approved", "rejected", "paid")


@functools.cache
def _evidence_pdf() -> bytes:
    """A one-page PDF standing for the pay records and receipts of a claim."""
    from ciodispatch.core import pdf

    styles = pdf.styles()
    return pdf.build(
        [
            pdf.paragraph("支払証拠書類（デモ）", styles["title"]),
            pdf.paragraph("外部CIOへの報酬の支払記録と領収書の写し。", styles["body"]),
        ],
        title="支払証拠書類",
    )


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _evidence_pdf(), content_type="application/pdf")


def _host_actor(dispatch: Dispatch):
    request = dispatch.request
    for user in (request.liaison, request.filed_by):
        if user is not None and policy.can(user, policy.Action.FILE_CLAIM, dispatch):
            return user
    return None


def _costs(dispatch: Dispatch, year: int, until: dt.date, index: int) -> list:
    first, _last = fiscal_year_bounds(year)
    start = max(first, dispatch.start_date or first)
    end = min(until, dispatch.term_end or until)
    if end < start:
        return []
    months = max(months_between(start, end), 1)
    pay = (dispatch.pay_yen_per_month or 500_000) * months
    rows = [
        services.CostInput(
            "pay", pay, end, f"報酬（{start:%Y年%m月}〜{end:%Y年%m月}、{months}か月分）"
        ),
        services.CostInput(
            "travel", 38_400 * months, min(start + dt.timedelta(days=20), end), "旅費（東京⇔現地）"
        ),
    ]
    if index % 3 == 0:
        rows.append(services.CostInput("recruitment", 220_000, start, "募集広告・面接旅費"))
    if index % 4 == 1:
        rows.append(services.CostInput("training", 55_000, start, "公共での仕事の進め方 研修教材"))
    return rows


def load_incentives_demo(*, office, office_admin, returned_host: str | None = None) -> list[str]:
    """``returned_host``: the code of a host whose claim was returned a few days ago, whatever
    the plan gives it (filed late, so it waits for the host's correction)."""
    if IncentiveProgramme.objects.exists():
        return ["incentives: already loaded"]
    today = timezone.localdate()
    year = fiscal_year(today)
    done = []
    progs = {}
    for definition in programmes.programme_definitions():
        programme = services.create_programme(actor=office_admin, **definition)
        for rule_year in (year - 1, year):
            services.save_rule(
                programme,
                rule_year,
                programmes.rule_for(programme.code, rule_year),
                actor=office_admin,
            )
        progs[programme.code] = programme
    done.append(f"incentives: 2 programmes with rules for FY{year - 1} and FY{year}")

    # A provisional budget lets the approvals below pass; the real figure is set at the end.
    services.set_budget(year, 10_000_000_000, actor=office_admin)
    dispatches = list(
        Dispatch.objects.filter(started_on__isnull=False)
        .select_related("request__host", "request__group__lead", "application__user")
        .order_by("pk")
    )
    first, _last = fiscal_year_bounds(year)
    costs_until = min(today - dt.timedelta(days=1), dt.date(year, 9, 30))
    filed = {state: 0 for state in PLAN}
    for index, dispatch in enumerate(dispatches):
        actor = _host_actor(dispatch)
        if actor is None or year not in services.claim_fiscal_years(dispatch):
            continue
        rows = _costs(dispatch, year, costs_until, index)
        if not rows:
            continue
        target = PLAN[index % len(PLAN)]
        code = programmes.CIO_ADVISER if index % 2 == 0 else programmes.REGIONAL_ADVISER
        filed_on = max(min(today, dt.date(year, 10, 5)), dispatch.start_date or first)
        if index and dispatch.request.host_id == returned_host:
            target = "returned"
            filed_on = max(filed_on, today - dt.timedelta(days=16))
        with simulated_clock(filed_on) as clock:
            claim = services.start_claim(
                dispatch, actor=actor, programme=progs[code], fiscal_year=year
            )
            claim = services.save_costs(claim, rows, actor=actor)
            services.add_evidence(claim, actor=actor, upload=_evidence("報酬支払記録.pdf"))
            if target != "draft":
                claim = services.submit_claim(claim, actor=actor)
            if claim.computed_yen == 0 and target in ("paid", "approved", "adjusted"):
                target = "rejected"  # nothing to approve: the host is excluded by the rule
            clock.set(min(today, filed_on + dt.timedelta(days=14)))
            if target in ("paid", "approved"):
                claim = services.approve_claim(claim, actor=office)
            elif target == "adjusted":
                adjusted = claim.computed_yen - min(claim.computed_yen // 10, 100_000)
                claim = services.approve_claim(
                    claim,
                    actor=office,
                    adjusted_amount=adjusted,
                    reason="旅費のうち私用日程分を対象外としました。",
                )
            elif target == "rejected":
                claim = services.reject_claim(
                    claim,
                    actor=office,
                    reason="派遣前の募集経費が含まれ、対象期間外の経費が大半を占めるため却下します。",
                )
            elif target == "returned":
                claim = services.return_claim(
                    claim,
                    actor=office,
                    reason="報酬の支払記録（給与台帳の写し）を添付してください。",
                )
            if target == "paid":
                paid_on = min(today, filed_on + dt.timedelta(days=30))
                clock.set(paid_on)
                claim = services.record_payment(claim, actor=office, paid_on=paid_on)
        filed[target] += 1
        if index == 0:
            other = (
                programmes.REGIONAL_ADVISER
                if code == programmes.CIO_ADVISER
                else programmes.CIO_ADVISER
            )
            with simulated_clock(filed_on) as clock:
                double = services.start_claim(
                    dispatch, actor=actor, programme=progs[other], fiscal_year=year
                )
                double = services.save_costs(double, rows, actor=actor)
                services.add_evidence(double, actor=actor, upload=_evidence("報酬支払記録.pdf"))
                double = services.submit_claim(double, actor=actor)
                clock.set(min(today, filed_on + dt.timedelta(days=14)))
                services.reject_claim(
                    double,
                    actor=office,
                    reason="同じ経費を外部CIO補佐官の措置でも請求しています。二重の請求はできません。",
                )
            filed["rejected"] += 1
    claims = IncentiveClaim.objects.filter(fiscal_year=year).count()
    done.append(
        f"incentives: {claims} claims for FY{year} ("
        + ", ".join(f"{n} {state}" for state, n in filed.items() if n)
        + ")"
    )

    # The budget: committed / 0.7 rounded up to 100,000 yen, so about 70% is committed.
    committed = queries.budget_summary(year, today).committed
    budget = max(math.ceil(committed / 0.7 / 100_000), 1) * 100_000
    services.set_budget(year, budget, actor=office_admin)
    done.append(
        f"incentives: FY{year} budget {budget:,} yen, committed {committed:,} yen "
        f"({committed * 100 / budget:.0f}%)"
    )
    return done
