import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.forms import DateInput, TimeInput, long_text
from ciodispatch.training.models import Course, Track


class CourseForm(forms.Form):
    track = forms.ChoiceField(
        label=_("Track"), choices=[("", _("Choose a track"))] + list(Track.choices)
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = long_text(
        _("Description"),
        rows=5,
        required=False,
        help_text=_("What participants learn, who it is for, what to prepare."),
    )
    has_assessment = forms.BooleanField(label=_("Has an assessment"), required=False)
    pass_score = forms.IntegerField(
        label=_("Pass score"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Only with an assessment: the lowest passing score, from 0 to 100."),
    )


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput(format="%H:%M"))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput(format="%H:%M"))
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("For example: 中央合同庁舎第4号館 共用会議室"),
    )
    online = forms.BooleanField(label=_("Online"), required=False)
    url = forms.CharField(
        label=_("Online meeting address"),
        required=False,
        max_length=200,
        help_text=_("Only for online sessions: https://…"),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=1000, help_text=_("Number of seats.")
    )

    # The service reports these fields under its own names.
    SERVICE_FIELDS = {"starts_at": "date", "ends_at": "end_time"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(active=True)
        self.fields["course"].empty_label = _("Choose a course")

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["date"], data["start_time"]))

    def ends_at(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["date"], data["end_time"]))


class EnrolPersonForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=None)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].empty_label = _("Choose a person")
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"


class CatalogueFilterForm(forms.Form):
    """The office's catalogue, narrowed to past sessions whose records wait (the work queue
    links here)."""

    RECORDS = "records"
    awaiting = forms.ChoiceField(
        label=_("Waiting for"),
        required=False,
        choices=[("", _("Upcoming sessions")), (RECORDS, _("Attendance or completion to record"))],
    )
