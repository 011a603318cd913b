from django import forms
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.choices import SkillRole, WorkPattern, WorkPlace
from ciodispatch.core.forms import OptionalRowForm, checkboxes, filter_choice, long_text, with_all
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.queries import prefecture_choices
from ciodispatch.localgov.regions import Region
from ciodispatch.requests.models import AppointmentForm, DispatchRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BasicsForm(forms.Form):
    title = forms.CharField(label=_("Reform theme"), max_length=120)
    goals = long_text(
        _("Goals"), rows=5, help_text=_("What should be different at the end of the term?")
    )
    challenges = checkboxes(
        _("Which of the six common challenges it addresses"),
        Challenge.choices,
        error_messages={"required": _("Choose at least one challenge.")},
    )


class CioWantedForm(forms.Form):
    skill_roles = checkboxes(
        _("Roles wanted (skill standard)"),
        SkillRole.choices,
        error_messages={"required": _("Choose at least one role.")},
    )
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=6,
        max_value=24,
        help_text=_("From 6 to 24 months."),
        error_messages={
            "min_value": _("The term must be at least 6 months."),
            "max_value": _("The term can be at most 24 months."),
        },
    )
    start_date = forms.DateField(label=_("Start"), widget=DATE, help_text=_("YYYY-MM-DD"))
    work_pattern = forms.ChoiceField(
        label=_("Working pattern"), choices=WorkPattern.choices, widget=forms.RadioSelect
    )
    days_per_week = forms.TypedChoiceField(
        label=_("Days a week (part-time)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (1, "1"), (2, "2"), (3, "3")],
    )
    work_place = forms.ChoiceField(
        label=_("Where"), choices=WorkPlace.choices, widget=forms.RadioSelect
    )
    appointment_form = forms.ChoiceField(
        label=_("Form of appointment"), choices=AppointmentForm.choices, widget=forms.RadioSelect
    )


class BudgetForm(forms.Form):
    budget_yen = forms.IntegerField(
        label=_("Budget (yen a year)"), min_value=1, max_value=10_000_000_000
    )
    pay_yen_per_month = forms.IntegerField(
        label=_("Pay offered (yen a month)"), min_value=1, max_value=100_000_000
    )
    no_vendors = forms.BooleanField(
        label=_("No vendor supplies our systems (nothing to declare)"), required=False
    )
    vendors = long_text(
        _("Vendors supplying your systems"),
        rows=4,
        required=False,
        help_text=_("One per line, no blank lines. Used to avoid conflicts of interest."),
    )

    def clean_vendors(self):
        text = self.cleaned_data["vendors"].strip("\n\r ")
        return [line.strip() if line.strip() else "" for line in text.splitlines()] if text else []


class PeopleForm(forms.Form):
    authority_statement = long_text(
        _("Authority granted to the CIO"),
        rows=5,
        help_text=_(
            "The command line over the field and the implementation team (not an advisory post)."
        ),
    )
    liaison = forms.ModelChoiceField(label=_("CIO liaison"), queryset=None)
    counterpart = forms.ModelChoiceField(
        label=_("Counterpart (follower)"),
        queryset=None,
        help_text=_("The senior member of staff who owns the work with the CIO."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        from ciodispatch.accounts.models import User

        queryset = User.objects.filter(pk__in=[u.pk for u in staff])
        self.fields["liaison"].queryset = queryset
        self.fields["counterpart"].queryset = queryset
        self.fields["liaison"].label_from_instance = lambda u: (
            f"{u.display_name}（{u.get_role_display()}）"
        )
        self.fields["counterpart"].label_from_instance = self.fields["liaison"].label_from_instance


class KPIForm(OptionalRowForm):
    legend = _("KPI %(n)s")
    name = forms.CharField(label=_("Indicator"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    baseline = forms.DecimalField(
        label=_("Baseline"), required=False, max_digits=14, decimal_places=2
    )
    target = forms.DecimalField(label=_("Target"), required=False, max_digits=14, decimal_places=2)

    row_fields = required_fields = ("name", "unit", "baseline", "target")


KPIFormSet = forms.formset_factory(KPIForm, extra=2, max_num=15)


class JointStartForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class ConfirmForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    head_name = forms.CharField(
        label=_("Head's name (a written confirmation received)"), max_length=50, required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("Approve")),
            ("return", _("Return with comments")),
            ("reject", _("Reject")),
        ],
    )
    comment = long_text(_("Comments or reason (the host is told them)"), rows=3, required=False)


class MyRequestsFilterForm(forms.Form):
    """The host's and coordinator's list, narrowed to what waits for them (the work queue
    links here)."""

    SIGNATURE = "signature"
    CONFIRMATIONS = "confirmations"
    CORRECTION = "correction"

    awaiting = filter_choice(
        _("Waiting for"),
        [
            (SIGNATURE, _("Your signature")),
            (CONFIRMATIONS, _("Members' confirmations (joint requests)")),
            (CORRECTION, _("Your corrections (returned)")),
        ],
    )


class OfficeFilterForm(forms.Form):
    q = forms.CharField(label=_("Theme or host"), required=False, max_length=50)
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)
    region = filter_choice(_("Region"), Region.choices)
    challenge = filter_choice(_("Challenge"), Challenge.choices)
    state = filter_choice(_("State"), DispatchRequest.State.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].choices = with_all(prefecture_choices())


class RoundForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2020, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100)
    requests_open = forms.DateField(label=_("Requests open"), widget=DATE)
    requests_close = forms.DateField(label=_("Requests close"), widget=DATE)
    dispatch_start = forms.DateField(label=_("Dispatches start"), widget=DATE)
    population_limit = forms.IntegerField(
        label=_("Population limit"), required=False, min_value=1, help_text=_("Empty: no limit.")
    )
    require_readiness_training = forms.BooleanField(
        label=_("Readiness training required"), required=False
    )
    require_commitment = forms.BooleanField(label=_("Head's commitment required"), required=False)
    require_authority = forms.BooleanField(label=_("Authority statement required"), required=False)
    min_readiness_score = forms.IntegerField(
        label=_("Minimum readiness score per dimension"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty: no assessment required."),
    )
    max_fiscal_strength = forms.DecimalField(
        label=_("Fiscal strength index below"),
        required=False,
        max_digits=4,
        decimal_places=2,
        help_text=_("Empty: no rule."),
    )
