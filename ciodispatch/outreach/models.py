"""Direct support from advanced regions (先進地からの直接的な支援) and dissemination events.

A local government that has succeeded offers support (site visits, lectures, document
reviews) on some themes, with a capacity per fiscal year; another asks for it; the office
matches the request to an offer and approves it within the capacity; the provider records
the visit with a short report. Events (case talks, lectures) take registrations up to their
capacity and keep a waiting list beyond it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.choices import choice_labels
from ciodispatch.core.models import actor_field, state_field
from ciodispatch.core.programme import ChallengeLabels
from ciodispatch.core.states import StateMachine
from ciodispatch.localgov.models import LocalGovernment


class SupportKind(models.TextChoices):
    SITE_VISIT = "site_visit", _("Site visit (視察受入れ)")
    LECTURE = "lecture", _("Lecture (講師派遣)")
    DOCUMENT_REVIEW = "document_review", _("Document review (資料・仕様書の確認)")


class SupportOffer(ChallengeLabels, models.Model):
    """What an advanced local government offers to others in one fiscal year."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the office")
        PUBLISHED = "published", _("Open to requests")
        RETURNED = "returned", _("Returned with comments")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    provider = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        related_name="support_offers",
        verbose_name=_("offered by"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    title = models.CharField(_("offer title"), max_length=120)
    description = models.TextField(_("what is offered"))
    kinds = models.JSONField(_("kinds of support"), default=list)
    challenges = models.JSONField(_("challenges it helps with"), default=list, blank=True)
    themes = models.CharField(
        _("themes"),
        max_length=200,
        blank=True,
        help_text=_("Key words, separated by 、 e.g. 救急搬送、クラウド化"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (supports a fiscal year)"),
        help_text=_("How many requests the provider can take in the fiscal year."),
    )
    contact_department = models.CharField(_("contact department"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact telephone"), max_length=20, blank=True)
    state = state_field(State, max_length=10, default=State.DRAFT, db_index=True)
    office_comment = models.TextField(_("office's comment"), blank=True)
    # When the office opened it to requests; kept after a withdrawal, so the statistics count
    # every offer that was ever open (and none that never was).
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "provider_id", "title"]
        verbose_name = _("support offer")
        verbose_name_plural = _("support offers")

    def __str__(self):
        return f"{self.provider}: {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def kind_labels(self) -> list[str]:
        return choice_labels(SupportKind, self.kinds)

    def taken(self) -> int:
        """Requests approved or completed against this offer (they use its capacity)."""
        return self.requests.filter(
            state__in=(SupportRequest.State.APPROVED, SupportRequest.State.COMPLETED)
        ).count()

    def remaining(self) -> int:
        return max(self.capacity - self.taken(), 0)


OFFER_STATES = StateMachine.define(
    "outreach.SupportOffer",
    "state",
    initial=SupportOffer.State.DRAFT,
    table={
        SupportOffer.State.DRAFT: [SupportOffer.State.SUBMITTED, SupportOffer.State.WITHDRAWN],
        SupportOffer.State.SUBMITTED: [
            SupportOffer.State.PUBLISHED,
            SupportOffer.State.RETURNED,
            SupportOffer.State.WITHDRAWN,
        ],
        SupportOffer.State.RETURNED: [SupportOffer.State.SUBMITTED, SupportOffer.State.WITHDRAWN],
        SupportOffer.State.PUBLISHED: [SupportOffer.State.WITHDRAWN],
    },
)


class SupportRequest(ChallengeLabels, models.Model):
    """A local government asks for support: for a named offer, or for the office to match."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting the office")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Support given")
        CANCELLED = "cancelled", _("Cancelled")

    requester = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("requested by"),
    )
    offer = models.ForeignKey(
        SupportOffer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("offer"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("kind of support"), max_length=20, choices=SupportKind.choices)
    challenges = models.JSONField(_("challenges"), default=list, blank=True)
    purpose = models.TextField(_("what you want to learn or have reviewed"))
    preferred_period = models.CharField(_("preferred period"), max_length=100, blank=True)
    state = state_field(State, max_length=10, default=State.SUBMITTED, db_index=True)
    office_comment = models.TextField(_("office's comment"), blank=True)
    filed_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The visit, recorded when the support has been given.
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.PositiveSmallIntegerField(_("participants"), null=True, blank=True)
    report = models.TextField(_("short report"), blank=True)
    reported_by = actor_field(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")

    def __str__(self):
        return f"{self.requester}: {self.get_kind_display()}"

    @property
    def provider(self) -> LocalGovernment | None:
        return self.offer.provider if self.offer_id and self.offer else None


SUPPORT_REQUEST_STATES = StateMachine.define(
    "outreach.SupportRequest",
    "state",
    initial=SupportRequest.State.SUBMITTED,
    table={
        SupportRequest.State.SUBMITTED: [
            SupportRequest.State.APPROVED,
            SupportRequest.State.DECLINED,
            SupportRequest.State.WITHDRAWN,
        ],
        SupportRequest.State.APPROVED: [
            SupportRequest.State.COMPLETED,
            SupportRequest.State.CANCELLED,
        ],
    },
)


# --- events ---------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    CASE_TALK = "case_talk", _("Case talk (事例発表会)")
    LECTURE = "lecture", _("Lecture (講演会)")
    WORKSHOP = "workshop", _("Workshop (勉強会)")


class Event(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("event title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    description = models.TextField(_("description"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(
        _("online meeting address"),
        blank=True,
        help_text=_("Shown only to people with a confirmed place."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    speakers = models.CharField(_("speakers"), max_length=200, blank=True)
    state = state_field(State, max_length=10, default=State.DRAFT, db_index=True)
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def location_label(self) -> str:
        if self.online and self.place:
            return f"{self.place}／オンライン"
        return "オンライン" if self.online else self.place

    def confirmed_count(self) -> int:
        return self.registrations.filter(state=Registration.State.CONFIRMED).count()

    def waiting_count(self) -> int:
        return self.registrations.filter(state=Registration.State.WAITLISTED).count()


EVENT_STATES = StateMachine.define(
    "outreach.Event",
    "state",
    initial=Event.State.DRAFT,
    table={
        Event.State.DRAFT: [Event.State.PUBLISHED, Event.State.CANCELLED],
        Event.State.PUBLISHED: [Event.State.CANCELLED],
    },
)


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """A place at an event, or a place on its waiting list (first come, first served)."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("full name"), max_length=60)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    state = state_field(State, max_length=10, db_index=True)
    # The secret of the cancellation link sent to whoever registered (no account needed).
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self):
        return f"{self.event}: {self.name}"


REGISTRATION_STATES = StateMachine.define(
    "outreach.Registration",
    "state",
    initial=Registration.State.CONFIRMED,
    table={
        Registration.State.CONFIRMED: [Registration.State.CANCELLED],
        Registration.State.WAITLISTED: [
            Registration.State.CONFIRMED,
            Registration.State.CANCELLED,
        ],
    },
)


class PendingRegistration(models.Model):
    """A member of the public asked for a place; nothing is reserved until the address
    confirms by the link mailed to it (double opt-in).

    It takes no place and is on no roster, count, CSV or statistic: a script that types
    addresses it does not read cannot fill an event. Confirming (``confirm_registration``)
    turns it into a ``Registration`` and deletes it; one left unconfirmed expires after
    ``EVENT_CONFIRMATION_HOURS`` and ``ciodispatch purge_registration_holds`` deletes it.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pending")
    name = models.CharField(_("full name"), max_length=60)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    # The secret of the confirmation link; single use (the row goes when it is used).
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration awaiting confirmation")
        verbose_name_plural = _("registrations awaiting confirmation")
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_pending_per_address")
        ]

    def __str__(self):
        return f"{self.event}: {self.name} (unconfirmed)"
