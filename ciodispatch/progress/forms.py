from django import forms
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.forms import DateInput, long_text
from ciodispatch.progress import services
from ciodispatch.progress.models import MeasurementPoint, MilestoneStatus, Participant


def _rows(count: int, minimum: int, extra: int) -> int:
    return max(count + extra, minimum)


class PlanForm(forms.Form):
    """The plan with a fixed number of rows for goals, milestones and people; empty rows are
    ignored (no script needed to add rows: save, and more empty rows appear)."""

    summary = long_text(_("Summary of the plan"), rows=4)
    note = long_text(
        _("What changed in this revision"),
        rows=2,
        required=False,
        help_text=_("Required when you revise a submitted plan; kept with the new version."),
    )

    def __init__(self, *args, kpis, goals=0, milestones=0, people=0, **kwargs):
        super().__init__(*args, **kwargs)
        kpi_choices = [(k.pk, f"{k.name}（{k.baseline:g} → {k.target:g} {k.unit}）") for k in kpis]
        self.goal_count = _rows(goals, 3, 1)
        self.milestone_count = _rows(milestones, 4, 2)
        self.people_count = _rows(people, 3, 2)
        for i in range(self.goal_count):
            self.fields[f"goal_{i}"] = forms.CharField(
                label=_("Goal %(n)d") % {"n": i + 1}, max_length=300, required=False
            )
            self.fields[f"goal_{i}_kpis"] = forms.TypedMultipleChoiceField(
                label=_("KPIs of goal %(n)d") % {"n": i + 1},
                choices=kpi_choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        for i in range(self.milestone_count):
            self.fields[f"milestone_{i}_id"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"milestone_{i}"] = forms.CharField(
                label=_("Milestone %(n)d") % {"n": i + 1}, max_length=200, required=False
            )
            self.fields[f"milestone_{i}_due"] = forms.DateField(
                label=_("Due date of milestone %(n)d") % {"n": i + 1},
                required=False,
                widget=DateInput,
            )
            self.fields[f"milestone_{i}_lead"] = forms.CharField(
                label=_("Who leads milestone %(n)d") % {"n": i + 1}, max_length=100, required=False
            )
        for i in range(self.people_count):
            self.fields[f"person_{i}"] = forms.CharField(
                label=_("Name of person %(n)d") % {"n": i + 1}, max_length=100, required=False
            )
            self.fields[f"person_{i}_department"] = forms.CharField(
                label=_("Department or role of person %(n)d") % {"n": i + 1},
                max_length=100,
                required=False,
            )
            self.fields[f"person_{i}_kind"] = forms.ChoiceField(
                label=_("Follower or field staff (person %(n)d)") % {"n": i + 1},
                choices=[("", "—"), *Participant.Kind.choices],
                required=False,
            )

    @classmethod
    def initial_for(cls, plan) -> dict:
        data: dict = {"summary": plan.summary}
        for i, goal in enumerate(plan.goals.all()):
            data[f"goal_{i}"] = goal.text
            data[f"goal_{i}_kpis"] = [k.pk for k in goal.kpis.all()]
        for i, m in enumerate(plan.milestones.all()):
            data.update(
                {
                    f"milestone_{i}_id": m.pk,
                    f"milestone_{i}": m.title,
                    f"milestone_{i}_due": m.due,
                    f"milestone_{i}_lead": m.lead,
                }
            )
        for i, p in enumerate(plan.people.all()):
            data.update(
                {
                    f"person_{i}": p.name,
                    f"person_{i}_department": p.department,
                    f"person_{i}_kind": p.kind,
                }
            )
        return data

    def goal_rows(self):
        return [(self[f"goal_{i}"], self[f"goal_{i}_kpis"]) for i in range(self.goal_count)]

    @classmethod
    def statuses_from(cls, report) -> dict:
        """Only the milestones' statuses of an earlier report (notes and blockers are new)."""
        return {f"status_{p.milestone_id}": p.status for p in report.progress.all()}

    def milestone_rows(self):
        return [
            (
                self[f"milestone_{i}_id"],
                self[f"milestone_{i}"],
                self[f"milestone_{i}_due"],
                self[f"milestone_{i}_lead"],
            )
            for i in range(self.milestone_count)
        ]

    def people_rows(self):
        return [
            (self[f"person_{i}"], self[f"person_{i}_department"], self[f"person_{i}_kind"])
            for i in range(self.people_count)
        ]

    def inputs(self):
        d = self.cleaned_data
        goals = [
            services.GoalInput(d[f"goal_{i}"], d[f"goal_{i}_kpis"])
            for i in range(self.goal_count)
            if d.get(f"goal_{i}") or d.get(f"goal_{i}_kpis")
        ]
        milestones = [
            services.MilestoneInput(
                d[f"milestone_{i}"],
                d[f"milestone_{i}_due"],
                d[f"milestone_{i}_lead"],
                d[f"milestone_{i}_id"],
            )
            for i in range(self.milestone_count)
            if d.get(f"milestone_{i}")
            or d.get(f"milestone_{i}_due")
            or d.get(f"milestone_{i}_lead")
        ]
        people = [
            services.PersonInput(
                d[f"person_{i}"], d[f"person_{i}_department"], d[f"person_{i}_kind"]
            )
            for i in range(self.people_count)
            if d.get(f"person_{i}") or d.get(f"person_{i}_department")
        ]
        return goals, milestones, people


class ReportForm(forms.Form):
    blockers = long_text(
        _("Blockers"),
        rows=3,
        required=False,
        help_text=_("What stands in the way (「できない理由」), and who can remove it."),
    )
    help_needed = forms.BooleanField(label=_("I need help from the office"), required=False)
    help_text = long_text(_("What help is needed"), rows=3, required=False)

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        for m in self.milestones:
            self.fields[f"status_{m.pk}"] = forms.ChoiceField(
                label=_("Status of “%(title)s”") % {"title": m.title},
                choices=MilestoneStatus.choices,
                initial=MilestoneStatus.NOT_STARTED,
            )
            self.fields[f"note_{m.pk}"] = forms.CharField(
                label=_("Note on “%(title)s”") % {"title": m.title}, max_length=300, required=False
            )

    @classmethod
    def initial_for(cls, report) -> dict:
        data = {
            "blockers": report.blockers,
            "help_needed": report.help_needed,
            "help_text": report.help_text,
        }
        for p in report.progress.all():
            data[f"status_{p.milestone_id}"] = p.status
            data[f"note_{p.milestone_id}"] = p.note
        return data

    @classmethod
    def statuses_from(cls, report) -> dict:
        """Only the milestones' statuses of an earlier report (notes and blockers are new)."""
        return {f"status_{p.milestone_id}": p.status for p in report.progress.all()}

    def milestone_rows(self):
        return [(m, self[f"status_{m.pk}"], self[f"note_{m.pk}"]) for m in self.milestones]

    def inputs(self):
        d = self.cleaned_data
        return [
            services.ProgressInput(m.pk, d[f"status_{m.pk}"], d.get(f"note_{m.pk}", ""))
            for m in self.milestones
        ]


class CommentForm(forms.Form):
    body = long_text(_("Comment"), rows=3, max_length=services.MAX_TEXT)


class WinForm(forms.Form):
    title = forms.CharField(label=_("Title of the small win"), max_length=services.WIN_TITLE_MAX)
    body = long_text(
        _("What happened"),
        rows=5,
        max_length=services.WIN_BODY_MAX,
        help_text=_("At most 800 characters. Do not write personal data of residents."),
    )
    picture = forms.FileField(
        label=_("Picture (optional)"),
        required=False,
        help_text=_("PNG or JPEG, at most 5 MB. Location and camera data are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    picture_alt = forms.CharField(
        label=_("Description of the picture"),
        max_length=200,
        required=False,
        help_text=_("Required with a picture: what it shows, for people who cannot see it."),
    )


class MeasurementForm(forms.Form):
    kpi = forms.TypedChoiceField(label=_("KPI"), coerce=int)
    point = forms.ChoiceField(label=_("Point of measurement"), choices=MeasurementPoint.choices)
    value = forms.CharField(label=_("Value"), max_length=20)
    measured_on = forms.DateField(label=_("Measured on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        help_text=_("Required when you change a value already recorded."),
    )

    def __init__(self, *args, kpis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [(k.pk, f"{k.name}（{k.unit}）") for k in kpis]
