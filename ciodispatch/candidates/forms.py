from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from ciodispatch.accounts.models import Role, User
from ciodispatch.candidates.choices import (
    AffiliationKind,
    Domain,
    SkillLevel,
    SkillRole,
    WorkPattern,
    WorkPlace,
)
from ciodispatch.candidates.models import Application
from ciodispatch.core.forms import OptionalRowForm, checkboxes, filter_choice, long_text
from ciodispatch.localgov.queries import prefecture_choices
from ciodispatch.localgov.regions import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class RegistrationForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        help_text=_("3 to 30 letters, digits, dots, hyphens or underscores."),
        error_messages={"invalid": _("Use 3 to 30 letters, digits, dots, hyphens or underscores.")},
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    family_name = forms.CharField(label=_("Family name"), max_length=50)
    given_name = forms.CharField(label=_("Given name"), max_length=50)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken; choose another."))
        return username

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error(
                "password2", _("The two passwords differ; type the same password twice.")
            )
        elif one:
            probe = User(
                username=data.get("username", ""), email=data.get("email", ""), role=Role.CANDIDATE
            )
            try:
                validate_password(one, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class IdentityForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=50)
    given_name = forms.CharField(label=_("Given name"), max_length=50)
    family_name_kana = forms.CharField(label=_("Family name (katakana)"), max_length=50)
    given_name_kana = forms.CharField(label=_("Given name (katakana)"), max_length=50)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), widget=DATE, help_text=_("YYYY-MM-DD")
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.RegexField(
        label=_("Telephone"),
        regex=r"^[0-9-]{10,13}$",
        help_text=_("Digits and hyphens, for example 090-1234-5678"),
        error_messages={
            "invalid": _("Write the number with digits and hyphens, e.g. 090-1234-5678.")
        },
    )
    prefecture_code = forms.ChoiceField(label=_("Prefecture of residence"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture_code"].choices = [("", _("Choose"))] + prefecture_choices()


class CareerIntroForm(forms.Form):
    has_public_sector_experience = forms.ChoiceField(
        label=_("Have you worked in the public sector (national or local government)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )


class CareerEntryForm(OptionalRowForm):
    legend = _("Position %(n)s")
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    role = forms.CharField(label=_("Role or title"), max_length=100, required=False)
    start_year = forms.IntegerField(
        label=_("From (year)"), required=False, min_value=1950, max_value=2100
    )
    end_year = forms.IntegerField(
        label=_("To (year)"),
        required=False,
        min_value=1950,
        max_value=2100,
        help_text=_("Empty if current."),
    )
    public_sector = forms.BooleanField(label=_("Public sector"), required=False)
    description = long_text(_("What you did"), rows=2, required=False)

    row_fields = ("organisation", "role", "start_year", "end_year", "description")
    required_fields = ("organisation", "role", "start_year")
    missing_message = _("Fill this in, or empty the whole position.")


CareerFormSet = forms.formset_factory(CareerEntryForm, extra=2, max_num=15)


class SkillsForm(forms.Form):
    """One level and one piece of evidence per role of the skill standard."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role in SkillRole:
            self.fields[f"{role.value}_level"] = forms.TypedChoiceField(
                label=_("%s: level") % role.label,
                choices=[("", _("I do not claim this role"))] + list(SkillLevel.choices),
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"{role.value}_evidence"] = long_text(
                _("%s: evidence") % role.label,
                rows=3,
                required=False,
                help_text=_("What you did, where, and with what result."),
            )

    def clean(self):
        data = super().clean()
        claims = {}
        for role in SkillRole:
            level, evidence = (
                data.get(f"{role.value}_level"),
                data.get(f"{role.value}_evidence", ""),
            )
            if level and not evidence.strip():
                self.add_error(
                    f"{role.value}_evidence", _("Give evidence for the level you claim.")
                )
            elif evidence.strip() and not level:
                self.add_error(f"{role.value}_level", _("Choose a level, or empty the evidence."))
            elif level:
                claims[role.value] = (level, evidence)
        if not claims and not self.errors:
            raise forms.ValidationError(_("Claim at least one role of the skill standard."))
        data["claims"] = claims
        return data


class DomainsForm(forms.Form):
    domains = checkboxes(_("Domains you have worked in"), Domain.choices, required=False)
    other = forms.CharField(label=_("Other domains"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("domains") and not data.get("other", "").strip():
            raise forms.ValidationError(_("Choose at least one domain, or describe another."))
        return data


class AvailabilityForm(forms.Form):
    earliest_start = forms.DateField(
        label=_("Earliest start"), widget=DATE, help_text=_("YYYY-MM-DD")
    )
    term_months = forms.IntegerField(
        label=_("Term you want (months)"),
        min_value=6,
        max_value=24,
        help_text=_("From 6 to 24 months."),
        error_messages={
            "min_value": _("The term must be at least 6 months."),
            "max_value": _("The term can be at most 24 months."),
        },
    )
    work_pattern = forms.ChoiceField(
        label=_("Working pattern"), choices=WorkPattern.choices, widget=forms.RadioSelect
    )
    days_per_week = forms.TypedChoiceField(
        label=_("Days a week (part-time)"),
        choices=[("", "—"), (1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    work_place = forms.ChoiceField(
        label=_("Where"), choices=WorkPlace.choices, widget=forms.RadioSelect
    )
    regions = checkboxes(
        _("Regions you would work in"),
        Region.choices,
        error_messages={"required": _("Choose at least one region.")},
    )


class VendorIntroForm(forms.Form):
    none = forms.BooleanField(
        label=_("I have had no affiliation with an IT vendor in the last 5 years."), required=False
    )


class AffiliationForm(OptionalRowForm):
    legend = _("Affiliation %(n)s")
    vendor = forms.CharField(label=_("Vendor"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Relation"), choices=[("", "—")] + list(AffiliationKind.choices), required=False
    )
    start_date = forms.DateField(label=_("From"), widget=DATE, required=False)
    end_date = forms.DateField(
        label=_("To"), widget=DATE, required=False, help_text=_("Empty if current.")
    )

    row_fields = ("vendor", "kind", "start_date", "end_date")
    required_fields = ("vendor", "kind", "start_date")
    field_messages = {"vendor": _("Enter the vendor's name, or empty the whole row.")}


AffiliationFormSet = forms.formset_factory(AffiliationForm, extra=2, max_num=20)


class MotivationForm(forms.Form):
    motivation = long_text(
        _("Statement of motivation"),
        rows=10,
        min_length=100,
        max_length=4000,
        help_text=_(
            "100 to 4,000 characters: why you want to serve a local government, "
            "and what you would bring."
        ),
    )


class DocumentsForm(forms.Form):
    cv = forms.FileField(
        label=_("CV (PDF)"),
        help_text=_("A PDF of at most %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the purpose of use of personal data above and agree to it."),
        error_messages={
            "required": _("Tick the box to agree; without it we cannot review your application.")
        },
    )


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        taken = application.assignments.values("reviewer")
        conflicted = application.conflicts.values("reviewer")
        self.fields["reviewer"].queryset = (
            User.objects.filter(role=Role.REVIEWER, is_active=True)
            .exclude(pk__in=taken)
            .exclude(pk__in=conflicted)
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("pass", _("Pass: to public-sector training")),
            ("interview", _("Interview")),
            ("fail", _("Not selected")),
        ],
        widget=forms.RadioSelect,
    )
    reason = long_text(_("Reason (the candidate is told it)"), rows=3)


class InterviewForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place or online meeting"), max_length=200)
    interviewers = forms.CharField(label=_("Interviewers"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = long_text(_("Reason"), rows=2)


class ConflictForm(forms.Form):
    reason = long_text(_("Why you cannot review this candidate"), rows=2)


class PoolFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or keyword"), required=False, max_length=50)
    role = filter_choice(_("Role"), SkillRole.choices)
    min_level = forms.TypedChoiceField(
        label=_("Level at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any"))] + [(v, str(v)) for v in range(1, 5)],
    )
    domain = filter_choice(_("Domain"), Domain.choices)
    region = filter_choice(_("Region acceptable"), Region.choices)
    available_by = forms.DateField(label=_("Available by"), required=False, widget=DATE)
    work_pattern = filter_choice(_("Working pattern"), WorkPattern.choices)


class ApplicationFilterForm(forms.Form):
    state = filter_choice(_("State"), Application.State.choices)
    q = forms.CharField(label=_("Name"), required=False, max_length=50)
    # What waits for the office (the work queue links here).
    DECISION, INTERVIEW, RENEWAL = "decision", "interview", "renewal"
    awaiting = filter_choice(
        _("Waiting for"),
        [
            (DECISION, _("A decision (scored, or interview held)")),
            (INTERVIEW, _("An interview to be scheduled")),
            (RENEWAL, _("Renewal (certification ends within 60 days)")),
        ],
    )


class ReviewFilterForm(forms.Form):
    TO_DO, SUBMITTED = "to_do", "submitted"
    scores = filter_choice(_("Your scores"), [(TO_DO, _("To do")), (SUBMITTED, _("Submitted"))])


class CriterionForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        help_text=_("Letters, digits and underscores; an existing key edits that criterion."),
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    description = long_text(_("What to look for"), rows=2, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=5, initial=1)
