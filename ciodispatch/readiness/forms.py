from django import forms
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.forms import long_text
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.queries import prefecture_choices
from ciodispatch.readiness.services import EVIDENCE_MAX_LENGTH

SEVERITY_CHOICES = [
    (0, _("0 – does not apply")),
    (1, _("1 – slight")),
    (2, _("2 – considerable")),
    (3, _("3 – severe")),
]


class DimensionForm(forms.Form):
    """The questions of one dimension: an answer and its evidence for each."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(o.pk, o.text) for o in question.options.all()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"e{question.pk}"] = long_text(
                _("Evidence for Q%(number)s") % {"number": question.number},
                rows=3,
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                help_text=_(
                    "Required for any answer above the lowest: the document, decision or "
                    "example that shows it."
                )
                if question.evidence_required
                else _("Optional: what shows your answer."),
            )

    def rows(self):
        """(question, answer field, evidence field) for the template."""
        return [(q, self[f"q{q.pk}"], self[f"e{q.pk}"]) for q in self.questions]

    def clean(self):
        data = super().clean()
        answers = {}
        for question in self.questions:
            option = data.get(f"q{question.pk}")
            evidence = data.get(f"e{question.pk}") or ""
            if option is None:
                if evidence.strip():
                    self.add_error(f"q{question.pk}", _("Choose an answer, or empty the evidence."))
                continue
            answers[question.pk] = (option, evidence)
        data["answers"] = answers
        return data


class ChallengesForm(forms.Form):
    """How badly each of the six common challenges applies, 0 to 3."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for challenge in Challenge:
            self.fields[challenge.value] = forms.TypedChoiceField(
                label=challenge.label,
                choices=SEVERITY_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose from 0 (does not apply) to 3 (severe)."),
                },
            )


class ReadinessFilterForm(forms.Form):
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)
    # What a coordinator chases (the work queue links here).
    not_assessed = forms.BooleanField(label=_("No self-assessment submitted yet"), required=False)
    group_members = forms.BooleanField(
        label=_("Members of a group of local governments only"), required=False
    )

    def __init__(self, *args, prefecture: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = prefecture_choices()
        if prefecture is not None:
            # A coordinator sees their own prefecture only.
            self.fields["prefecture"].choices = [c for c in choices if c[0] == prefecture]
        else:
            self.fields["prefecture"].choices = [("", _("All prefectures"))] + choices
