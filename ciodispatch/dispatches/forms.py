from django import forms
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.forms import DateInput, long_text
from ciodispatch.dispatches.models import EVALUATION_CRITERIA, Dispatch, Evaluation
from ciodispatch.requests.models import AppointmentForm

TEXT = 4000


def _long_text(label, *, rows: int, **options) -> forms.CharField:
    """A text of up to TEXT characters, written in a box of ``rows`` lines."""
    return long_text(label, rows=rows, max_length=TEXT, **options)


class DeclineForm(forms.Form):
    reason = _long_text(
        _("Why you decline"),
        rows=3,
        help_text=_("The office reads it and may offer the place to another CIO."),
    )


class AppointmentDetailsForm(forms.Form):
    appointment_form = forms.ChoiceField(
        label=_("Form of appointment"), choices=AppointmentForm.choices, widget=forms.RadioSelect
    )
    start_date = forms.DateField(label=_("Start"), widget=DateInput)
    end_date = forms.DateField(
        label=_("End (last day)"),
        widget=DateInput,
        help_text=_("6 to 24 months from the start; longer terms come by extension."),
    )
    pay_yen_per_month = forms.IntegerField(
        label=_("Pay (yen a month)"), min_value=0, max_value=10_000_000
    )
    days_per_week = forms.IntegerField(label=_("Working days a week"), min_value=1, max_value=5)
    authority_statement = _long_text(
        _("Authority granted to the CIO"),
        rows=4,
        help_text=_(
            "The command line the CIO holds (指揮命令権限), as the head committed to "
            "in the request."
        ),
    )

    @classmethod
    def for_dispatch(cls, dispatch: Dispatch, data=None):
        return cls(data, initial={name: getattr(dispatch, name) for name in cls.base_fields})


class EndEarlyForm(forms.Form):
    on = forms.DateField(label=_("Last day of the dispatch"), widget=DateInput)
    reason = _long_text(_("Why the dispatch ends early"), rows=3)


class ExtensionForm(forms.Form):
    new_end = forms.DateField(label=_("New end (last day)"), widget=DateInput)
    reason = _long_text(
        _("Why the term should be longer"),
        rows=3,
        help_text=_("Say what the extra months will achieve; the office decides."),
    )


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = _long_text(_("Reason"), rows=2, required=False, help_text=_("Required to refuse."))


class FillPlaceForm(forms.Form):
    application = forms.TypedChoiceField(label=_("Candidate"), coerce=int, widget=forms.RadioSelect)
    reason = _long_text(
        _("Why this candidate"), rows=2, help_text=_("Kept in the audit log with the decision.")
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [
            (a.pk, f"{a.full_name}（{a.full_name_kana}）") for a in candidates
        ]


SCORE_CHOICES = [(str(i), str(i)) for i in range(1, 6)]


class EvaluationForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Overall (1 poor – 5 excellent)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    went_well = _long_text(_("What went well"), rows=4)
    to_improve = _long_text(_("What should be done differently"), rows=3, required=False)
    recommend_as_case = forms.BooleanField(
        label=_("Worth a case in the know-how base"), required=False
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for code, label in EVALUATION_CRITERIA[kind]:
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        if kind == Evaluation.Kind.CIO_OF_HOST:
            for name in ("authority_materialised", "counterpart_materialised"):
                self.fields[name] = forms.ChoiceField(
                    label=Evaluation._meta.get_field(name).verbose_name,
                    choices=Evaluation.Materialised.choices,
                    widget=forms.RadioSelect,
                )

    def score_fields(self):
        return [self[f"score_{code}"] for code, _label in EVALUATION_CRITERIA[self.kind]]

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "overall": data["overall"],
            "scores": {code: data[f"score_{code}"] for code, _l in EVALUATION_CRITERIA[self.kind]},
            "went_well": data["went_well"],
            "to_improve": data["to_improve"],
            "recommend_as_case": data["recommend_as_case"],
        }
        if self.kind == Evaluation.Kind.CIO_OF_HOST:
            values["authority_materialised"] = data["authority_materialised"]
            values["counterpart_materialised"] = data["counterpart_materialised"]
        return values
