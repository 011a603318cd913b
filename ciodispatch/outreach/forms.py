from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.dates import fiscal_year
from ciodispatch.core.forms import checkboxes, long_text
from ciodispatch.core.programme import Challenge
from ciodispatch.outreach.models import EventKind, SupportKind, SupportOffer


class OfferForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    title = forms.CharField(label=_("Title of the offer"), max_length=120)
    description = long_text(
        _("What is offered"),
        rows=5,
        help_text=_("What you achieved, and what others can see, hear or have reviewed."),
    )
    kinds = checkboxes(_("Kinds of support"), SupportKind.choices)
    challenges = checkboxes(_("Challenges it helps with"), Challenge.choices, required=False)
    themes = forms.CharField(label=_("Themes"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity (supports a fiscal year)"), min_value=1, max_value=50
    )
    contact_department = forms.CharField(label=_("Contact department"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = fiscal_year(timezone.localdate())
        self.fields["fiscal_year"].choices = [(year, str(year)), (year + 1, str(year + 1))]


class SupportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of support"), choices=SupportKind.choices, widget=forms.RadioSelect
    )
    purpose = long_text(_("What you want to learn or have reviewed"), rows=5)
    challenges = checkboxes(_("Your challenges"), Challenge.choices, required=False)
    preferred_period = forms.CharField(
        label=_("Preferred period"),
        max_length=100,
        required=False,
        help_text=_("e.g. 2027年1月〜2月、平日午後"),
    )

    def __init__(self, *args, offer: SupportOffer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if offer is not None:
            kinds = set(offer.kinds)
            self.fields["kind"].choices = [c for c in SupportKind.choices if c[0] in kinds]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    offer = forms.ModelChoiceField(
        label=_("Offer that gives the support"),
        queryset=SupportOffer.objects.none(),
        required=False,
        help_text=_("Needed when the request names no offer; the remaining capacity is shown."),
    )
    comment = long_text(_("Comment to the requesting government"), rows=3, required=False)

    def __init__(self, *args, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offers is not None:
            self.fields["offer"].queryset = offers
            self.fields["offer"].label_from_instance = lambda o: (
                f"{o.provider} — {o.title}（{o.fiscal_year}年度 残り{o.remaining()}件）"
            )


class ReturnOfferForm(forms.Form):
    comment = long_text(_("What to change"), rows=3)


class VisitForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.IntegerField(label=_("People who took part"), min_value=1, max_value=1000)
    report = long_text(
        _("Short report"),
        rows=6,
        help_text=_("What was done and what was learnt; it can become part of a case."),
    )


class ReasonForm(forms.Form):
    reason = long_text(_("Reason"), rows=3)


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title of the event"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    description = long_text(_("Description"), rows=5)
    speakers = forms.CharField(label=_("Speakers"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    online = forms.BooleanField(label=_("Also (or only) online"), required=False)
    online_url = forms.URLField(
        label=_("Online meeting address"), required=False, assume_scheme="https", max_length=200
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000)


class RegistrationForm(forms.Form):
    """For members of the public; a signed-in user registers with their account's details."""

    name = forms.CharField(
        label=_("Your name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("We send the confirmation and the link to cancel here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the office uses my name and e-mail only to run this event."),
    )
