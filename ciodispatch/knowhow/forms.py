import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.choices import Domain
from ciodispatch.core.forms import checkboxes, long_text
from ciodispatch.core.programme import Challenge
from ciodispatch.knowhow.models import Case, Manual
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.localgov.queries import prefecture_choices
from ciodispatch.training.models import Course

LINES = forms.Textarea(attrs={"rows": 4})
NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²" or "٣" pass str.isdigit()
NOTE_MAX = 200  # CaseVersion.note / ManualVersion.note
PRIZE_MAX = 60  # AwardSelection.prize
THEME_CHOICES = [("", _("Any theme")), *Domain.choices]
CHALLENGE_CHOICES = [("", _("Any challenge")), *Challenge.choices]


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=500)
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=THEME_CHOICES)
    challenge = forms.ChoiceField(label=_("Challenge"), required=False, choices=CHALLENGE_CHOICES)
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)
    period = forms.IntegerField(
        label=_("Fiscal year"), required=False, min_value=1990, max_value=2100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].choices = [("", _("Any prefecture")), *prefecture_choices()]

    def filters(self) -> dict:
        """The valid filters; an invalid one is ignored (and shown as an error)."""
        self.is_valid()  # the fields that are valid stay in cleaned_data
        data = getattr(self, "cleaned_data", {})
        return {
            "theme": data.get("theme") or None,
            "challenge": data.get("challenge") or None,
            "prefecture": data.get("prefecture") or None,
            "period": data.get("period") or None,
        }


def _split(line: str, parts: int) -> list[str]:
    pieces = [p.strip() for p in line.replace("｜", "|").split("|")]
    return (pieces + [""] * parts)[:parts]


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title of the case"), max_length=120)
    summary = long_text(_("Summary"), rows=3)
    local_governments = forms.CharField(
        label=_("Local government codes"),
        help_text=_("6-digit codes separated by commas, e.g. 410004 for 佐賀県."),
    )
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", "—"), *Domain.choices], required=False
    )
    year_from = forms.IntegerField(label=_("From (fiscal year)"), min_value=1990, max_value=2100)
    year_to = forms.IntegerField(
        label=_("To (fiscal year)"), min_value=1990, max_value=2100, required=False
    )
    challenges = checkboxes(_("Common challenges (課題)"), Challenge.choices, required=False)
    challenges_other = forms.CharField(
        label=_("Other challenges"), widget=LINES, required=False, help_text=_("One a line.")
    )
    success_points = forms.CharField(
        label=_("Success points (事業成功のポイント)"),
        widget=LINES,
        required=False,
        help_text=_("One a line, e.g. 予算獲得：補助金や既存予算を再点検"),
    )
    spread_points = forms.CharField(
        label=_("Points for spreading (横展開のポイント)"),
        widget=LINES,
        required=False,
        help_text=_("One a line."),
    )
    role_head = forms.CharField(label=_("The head (首長)"), widget=LINES, required=False)
    role_leader = forms.CharField(label=_("External leader"), widget=LINES, required=False)
    role_followers = forms.CharField(label=_("Followers"), widget=LINES, required=False)
    role_field = forms.CharField(label=_("Field staff"), widget=LINES, required=False)
    outcomes = forms.CharField(
        label=_("Outcomes"),
        widget=LINES,
        required=False,
        help_text=_("One a line: what | figure | source | link. A figure needs its source."),
    )
    sources = forms.CharField(
        label=_("Sources and links"),
        widget=LINES,
        required=False,
        help_text=_("One a line: title | link."),
    )
    body = long_text(
        _("The story (Markdown)"),
        rows=10,
        required=False,
        help_text=_("Headings with ##, lists with -. HTML is shown as text."),
    )
    note = forms.CharField(label=_("What changed"), max_length=NOTE_MAX, required=False)

    def __init__(
        self,
        *args,
        fixed_government: LocalGovernment | None = None,
        with_note: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not with_note:  # only the change of a published case says what changed
            del self.fields["note"]
        self.fixed_government = fixed_government
        if fixed_government is not None:
            self.fields["local_governments"].required = False
            self.fields["local_governments"].help_text = _(
                "Your own government (%(name)s) is always included; add the codes of partners."
            ) % {"name": fixed_government.name}

    @classmethod
    def initial_for(cls, case: Case) -> dict:
        return {
            "title": case.title,
            "summary": case.summary,
            "local_governments": ", ".join(lg.code for lg in case.local_governments.all()),
            "theme": case.theme,
            "year_from": case.year_from,
            "year_to": case.year_to,
            "challenges": case.challenges,
            "challenges_other": "\n".join(case.challenges_other),
            "success_points": "\n".join(case.success_points),
            "spread_points": "\n".join(case.spread_points),
            **{
                f"role_{k}": case.roles.get(k, "") for k in ("head", "leader", "followers", "field")
            },
            "outcomes": "\n".join(
                " | ".join([o["label"], o["value"], o["source"], o["url"]]).rstrip(" |")
                for o in case.outcomes
            ),
            "sources": "\n".join(
                " | ".join([s["title"], s["url"]]).rstrip(" |") for s in case.sources
            ),
            "body": case.body,
        }

    def clean_local_governments(self):
        raw = self.cleaned_data.get("local_governments", "")
        codes = [c.strip() for c in raw.replace("、", ",").split(",") if c.strip()]
        found = {lg.code: lg for lg in LocalGovernment.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("Unknown codes: %s") % ", ".join(unknown))
        chosen = [found[c] for c in dict.fromkeys(codes)]
        if self.fixed_government is not None and self.fixed_government.code not in found:
            chosen.insert(0, self.fixed_government)
        if not chosen:
            raise forms.ValidationError(_("Name at least one local government."))
        return chosen

    def service_fields(self) -> dict:
        data = self.cleaned_data

        def lines(key):
            return [line for line in data.get(key, "").splitlines() if line.strip()]

        return {
            "title": data["title"],
            "summary": data["summary"],
            "theme": data.get("theme", ""),
            "year_from": data.get("year_from"),
            "year_to": data.get("year_to"),
            "challenges": data.get("challenges", []),
            "challenges_other": lines("challenges_other"),
            "success_points": lines("success_points"),
            "spread_points": lines("spread_points"),
            "roles": {
                k: data.get(f"role_{k}", "") for k in ("head", "leader", "followers", "field")
            },
            "outcomes": [
                dict(zip(("label", "value", "source", "url"), _split(line, 4), strict=True))
                for line in lines("outcomes")
            ],
            "sources": [
                dict(zip(("title", "url"), _split(line, 2), strict=True))
                for line in lines("sources")
            ],
            "body": data.get("body", ""),
        }


class ReasonForm(forms.Form):
    reason = long_text(_("Reason"), rows=3)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title of the attachment"), max_length=120)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, PNG, JPEG, Excel, Word or PowerPoint; up to 5 MB.")
    )


class AwardForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name of the award"), max_length=100)
    decided_on = forms.DateField(
        label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    selections = long_text(
        _("Selected cases"), rows=5, help_text=_("One a line: case number | prize | citation.")
    )

    def clean_selections(self):
        rows = []
        for line in self.cleaned_data["selections"].splitlines():
            if not line.strip():
                continue
            number, prize, citation = _split(line, 3)
            if not NUMBER.fullmatch(number):
                raise forms.ValidationError(_("Start each line with the case number."))
            case = Case.objects.filter(pk=int(number)).first()
            if case is None:
                raise forms.ValidationError(_("No case has the number %s.") % number)
            if len(prize) > PRIZE_MAX:
                raise forms.ValidationError(
                    _("A prize is at most %(max)s characters: %(prize)s")
                    % {"max": PRIZE_MAX, "prize": prize}
                )
            rows.append((case, prize, citation))
        return rows


class ManualForm(forms.Form):
    title = forms.CharField(label=_("Title of the manual"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Manual.Kind.choices)
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", "—"), *Domain.choices], required=False
    )
    summary = long_text(_("Summary"), rows=3, required=False)
    body = long_text(
        _("Text (Markdown)"),
        rows=14,
        required=False,
        help_text=_("Headings with ##, lists with -. HTML is shown as text."),
    )
    pdf = forms.FileField(
        label=_("PDF"), required=False, help_text=_("A PDF of the manual; up to 5 MB.")
    )
    case_numbers = forms.CharField(
        label=_("Cases it comes from"),
        required=False,
        help_text=_("Case numbers separated by commas."),
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("Training courses that use it"),
        queryset=Course.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label=_("What changed"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args, manual: Manual | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The manual's current courses stay choices even when a course is no longer active,
        # so saving a new version does not silently drop their links.
        offered = Q(active=True)
        if manual is not None and manual.pk:
            offered |= Q(pk__in=manual.courses.values("pk"))
        self.fields["courses"].queryset = Course.objects.filter(offered).order_by("title")

    @classmethod
    def initial_for(cls, manual: Manual) -> dict:
        return {
            "title": manual.title,
            "kind": manual.kind,
            "theme": manual.theme,
            "summary": manual.summary,
            "body": manual.body,
            "case_numbers": ", ".join(str(pk) for pk in manual.cases.values_list("pk", flat=True)),
            "courses": list(manual.courses.all()),
        }

    def clean_case_numbers(self):
        raw = self.cleaned_data.get("case_numbers", "")
        numbers = [n.strip() for n in raw.replace("、", ",").split(",") if n.strip()]
        if any(not NUMBER.fullmatch(n) for n in numbers):
            raise forms.ValidationError(_("Use case numbers, separated by commas."))
        cases = list(Case.objects.filter(pk__in=[int(n) for n in numbers]))
        missing = sorted(set(numbers) - {str(c.pk) for c in cases})
        if missing:
            raise forms.ValidationError(_("No case has the number %s.") % ", ".join(missing))
        return cases

    def pdf_bytes(self) -> bytes | None:
        upload = self.cleaned_data.get("pdf")
        return upload.read() if upload else None

    def service_fields(self) -> dict:
        """What ``create_manual`` and ``update_manual`` take from the form."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "summary": data["summary"],
            "kind": data["kind"],
            "theme": data["theme"],
            "cases": data["case_numbers"],
            "courses": data["courses"],
            "pdf": self.pdf_bytes(),
        }
