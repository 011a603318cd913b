"""Forms of the incentive pages: they parse input; the services decide what is acceptable."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.forms import checkboxes, filter_choice, long_text, with_all
from ciodispatch.incentives.models import (
    CostItem,
    IncentiveClaim,
    IncentiveProgramme,
    IncentiveRule,
    Rounding,
    RoundingUnit,
)

COST_ROWS = 8
MAX_ROWS = 60


class StartClaimForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=IncentiveProgramme.objects.all(), empty_label=None
    )
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = years


class CostRowForm(forms.Form):
    item = forms.ChoiceField(
        label=_("Item"), choices=[("", "—"), *CostItem.choices], required=False
    )
    amount = forms.CharField(
        label=_("Amount (yen)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    spent_on = forms.DateField(
        label=_("Date of the cost"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) for name in ("item", "amount", "spent_on", "description"))


CostFormSet = forms.formset_factory(CostRowForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, PNG, JPEG or Excel; receipts, pay records, contracts."),
    )
    title = forms.CharField(label=_("File title"), required=False, max_length=120)


class DecisionForm(forms.Form):
    DECISIONS = [
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("return", _("Return to the host for correction")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    adjusted_amount = forms.CharField(
        label=_("Adjusted amount (yen)"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to approve the computed amount."),
    )
    reason = long_text(
        _("Reason"), rows=3, required=False, help_text=_("Required to adjust, reject or return.")
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class ClaimFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)
    state = filter_choice(_("State"), IncentiveClaim.State.choices)
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)

    def __init__(self, *args, years, prefectures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = with_all([(y, y) for y in years])
        self.fields["prefecture"].choices = with_all(prefectures)


class RuleForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=IncentiveProgramme.objects.all(), empty_label=None
    )
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    rate = forms.CharField(label=_("Rate of eligible cost"), max_length=10, help_text="0.5")
    rounding_mode = forms.ChoiceField(label=_("Rounding"), choices=Rounding.choices)
    rounding_unit = forms.TypedChoiceField(
        label=_("Rounding unit"), choices=RoundingUnit.choices, coerce=int
    )
    eligible_items = checkboxes(_("Eligible cost items"), CostItem.choices, required=False)
    threshold = forms.CharField(
        label=_("財政力指数 threshold"),
        required=False,
        max_length=10,
        help_text=_("Needed when there are ceilings; hosts at or below it get the first band."),
    )
    threshold_label = forms.CharField(
        label=_("What the threshold is"), required=False, max_length=120
    )
    low_1 = forms.CharField(label=_("Year 1, at or below (yen)"), required=False, max_length=20)
    low_2 = forms.CharField(label=_("Year 2, at or below (yen)"), required=False, max_length=20)
    low_3 = forms.CharField(label=_("Year 3, at or below (yen)"), required=False, max_length=20)
    high_1 = forms.CharField(label=_("Year 1, above (yen)"), required=False, max_length=20)
    high_2 = forms.CharField(label=_("Year 2, above (yen)"), required=False, max_length=20)
    high_3 = forms.CharField(label=_("Year 3, above (yen)"), required=False, max_length=20)
    exclude_index_at_or_above = forms.CharField(
        label=_("Excluded at or above this 財政力指数"), required=False, max_length=10
    )
    exclude_without_index = forms.BooleanField(
        label=_("Excluded when the host has no 財政力指数 on record"), required=False
    )
    source = long_text(_("Source"), rows=2, required=False)
    note = forms.CharField(label=_("What changed"), required=False, max_length=200)

    @classmethod
    def initial_from(cls, rule: IncentiveRule) -> dict:
        low, high = rule.ceilings_low() or (), rule.ceilings_high() or ()
        initial = {
            "programme": rule.programme_id,
            "fiscal_year": rule.fiscal_year,
            "rate": f"{rule.rate.normalize():f}",
            "rounding_mode": rule.rounding_mode,
            "rounding_unit": rule.rounding_unit,
            "eligible_items": rule.items(),
            "threshold": rule.threshold if rule.threshold is not None else "",
            "threshold_label": rule.threshold_label,
            "exclude_index_at_or_above": rule.exclude_index_at_or_above or "",
            "exclude_without_index": rule.exclude_without_index,
            "source": rule.source,
        }
        for i in range(3):
            initial[f"low_{i + 1}"] = low[i] if i < len(low) else ""
            initial[f"high_{i + 1}"] = high[i] if i < len(high) else ""
        return initial

    def ceilings(self, band: str) -> list[str] | None:
        values = [self.cleaned_data.get(f"{band}_{i}", "").strip() for i in (1, 2, 3)]
        while values and not values[-1]:
            values.pop()
        return values or None


class BudgetForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    amount = forms.CharField(label=_("Budget (yen)"), max_length=30)


class WhatIfForm(forms.Form):
    dispatches = forms.IntegerField(
        label=_("More dispatches"), min_value=1, max_value=1000, required=False
    )
    yearly_costs = forms.CharField(
        label=_("Eligible costs per dispatch a year (yen)"), required=False, max_length=30
    )
    rule = forms.ModelChoiceField(
        label=_("Under the rule of"), queryset=IncentiveRule.objects.none(), required=False
    )

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = IncentiveRule.objects.filter(pk__in=[r.pk for r in rules])
        self.fields["rule"].label_from_instance = lambda r: str(r.programme)
