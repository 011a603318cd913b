from django import forms
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.forms import DateInput, filter_choice, long_text
from ciodispatch.localgov.queries import prefecture_choices
from ciodispatch.localgov.regions import Region
from ciodispatch.matchround.models import MatchRound, Proposing

PREFECTURE_CAP_ROWS = 5


class RoundForm(forms.Form):
    candidates_rank_from = forms.DateField(label=_("Candidates rank from"), widget=DateInput)
    candidates_rank_until = forms.DateField(label=_("Candidates rank until"), widget=DateInput)
    hosts_rank_until = forms.DateField(label=_("Hosts rank until"), widget=DateInput)
    publish_on = forms.DateField(label=_("Result published on"), widget=DateInput)
    proposing = forms.ChoiceField(
        label=_("Proposing side"), choices=Proposing.choices, widget=forms.RadioSelect
    )
    national_cap = forms.IntegerField(
        label=_("National cap"),
        min_value=0,
        required=False,
        help_text=_("The number of dispatches the budget funds. Leave empty for no cap."),
    )
    conflict_years = forms.IntegerField(
        label=_("Vendor affiliations count for (years)"),
        min_value=0,
        max_value=20,
        help_text=_(
            "A candidate cannot rank a host whose systems come from a vendor they "
            "worked for (or with) within this many years."
        ),
    )
    seed = forms.IntegerField(
        label=_("Lottery seed"),
        min_value=0,
        max_value=2**53 - 1,
        required=False,
        help_text=_("Breaks ties. Leave empty to keep the current one (a new round draws one)."),
    )

    def __init__(self, *args, prefecture_rows: int = PREFECTURE_CAP_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = max(prefecture_rows, PREFECTURE_CAP_ROWS)
        for region in Region:
            self.fields[f"region_{region.value}"] = forms.IntegerField(
                label=region.label, min_value=0, required=False
            )
        prefectures = [("", "—"), *prefecture_choices()]
        for i in range(self.rows):
            self.fields[f"prefecture_{i}"] = forms.ChoiceField(
                label=_("Prefecture %(n)d") % {"n": i + 1}, choices=prefectures, required=False
            )
            self.fields[f"prefecture_cap_{i}"] = forms.IntegerField(
                label=_("Cap for prefecture %(n)d") % {"n": i + 1}, min_value=0, required=False
            )

    def region_fields(self):
        return [self[f"region_{region.value}"] for region in Region]

    def prefecture_rows(self):
        return [(self[f"prefecture_{i}"], self[f"prefecture_cap_{i}"]) for i in range(self.rows)]

    def clean(self):
        data = super().clean()
        for i in range(self.rows):
            code, cap = data.get(f"prefecture_{i}"), data.get(f"prefecture_cap_{i}")
            if bool(code) != (cap is not None):
                self.add_error(
                    f"prefecture_cap_{i}",
                    _("Give both the prefecture and its cap, or neither."),
                )
        return data

    def caps(self) -> tuple[dict[str, int], dict[str, int]]:
        data = self.cleaned_data
        regions = {
            str(region.value): data[f"region_{region.value}"]
            for region in Region
            if data.get(f"region_{region.value}") is not None
        }
        prefectures = {
            data[f"prefecture_{i}"]: data[f"prefecture_cap_{i}"]
            for i in range(self.rows)
            if data.get(f"prefecture_{i}")
        }
        return regions, prefectures

    @classmethod
    def initial_for(cls, match_round) -> dict:
        initial = {
            name: getattr(match_round, name)
            for name in (
                "candidates_rank_from",
                "candidates_rank_until",
                "hosts_rank_until",
                "publish_on",
                "proposing",
                "national_cap",
                "conflict_years",
                "seed",
            )
        }
        for key, value in match_round.region_caps.items():
            initial[f"region_{key}"] = value
        for i, (code, value) in enumerate(sorted(match_round.prefecture_caps.items())):
            initial[f"prefecture_{i}"] = code
            initial[f"prefecture_cap_{i}"] = value
        return initial


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    interviewers = forms.CharField(label=_("Interviewers"), max_length=200, required=False)
    notes = long_text(_("Notes"), rows=4, required=False)


class RerunForm(forms.Form):
    reason = long_text(_("Why run it again?"), rows=2, max_length=500)


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have reviewed this result; publish it and propose the dispatches."),
    )


class RoundListFilterForm(forms.Form):
    phase = filter_choice(_("Phase"), MatchRound.Phase.choices)


class HostPostsFilterForm(forms.Form):
    """The host's posts, narrowed to those whose ranking waits for them (the work queue)."""

    RANKING = "ranking"
    awaiting = filter_choice(_("Waiting for"), [(RANKING, _("Your ranking of the candidates"))])
