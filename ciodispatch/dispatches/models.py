"""A dispatch: one certified CIO sent to one host under an approved request, for a fixed term.

A published matching round proposes dispatches (or the office fills a declined place by hand
from the pool). Both sides accept; the host sets the appointment (copied from the request),
the CIO confirms it, the notice of appointment is issued; the term runs, may be extended with
the office's approval or end early with a reason; at the end each side evaluates the other
and the office assesses the whole.
"""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.models import Application
from ciodispatch.core.models import actor_field, state_field
from ciodispatch.core.states import StateMachine
from ciodispatch.requests.models import AppointmentForm, DispatchRequest

StrOrPromise = str | Promise


class Dispatch(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECLINED = "declined", _("Declined")
        ACCEPTED = "accepted", _("Accepted")
        ACTIVE = "active", _("Active")
        EXTENDED = "extended", _("Active (extended)")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    request = models.ForeignKey(
        DispatchRequest, on_delete=models.PROTECT, related_name="dispatches"
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="dispatches"
    )
    match_round = models.ForeignKey(
        "matchround.MatchRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatches",
        verbose_name=_("matching round"),
    )
    state = state_field(State, max_length=12, default=State.PROPOSED, db_index=True)
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    # A place the office filled by hand after a decline: the dispatch it replaces.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    # Answers of both sides to the proposal.
    cio_accepted_at = models.DateTimeField(_("accepted by the CIO"), null=True, blank=True)
    host_accepted_at = models.DateTimeField(_("accepted by the host"), null=True, blank=True)
    host_accepted_by = actor_field(null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    declined_by = actor_field(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # The appointment: copied from the request when both sides have accepted, set by the host,
    # confirmed by the CIO. Changing it after the CIO's confirmation asks for it again.
    appointment_form = models.CharField(
        _("form of appointment"), max_length=20, choices=AppointmentForm.choices, blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    pay_yen_per_month = models.PositiveIntegerField(_("pay (yen a month)"), null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(
        _("working days a week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    authority_statement = models.TextField(_("authority granted to the CIO"), blank=True)
    appointment_set_at = models.DateTimeField(_("appointment set"), null=True, blank=True)
    appointment_confirmed_at = models.DateTimeField(
        _("appointment confirmed by the CIO"), null=True, blank=True
    )
    notice_number = models.CharField(_("notice number"), max_length=30, blank=True)
    notice_issued_at = models.DateTimeField(_("notice issued"), null=True, blank=True)
    # The term as it ran.
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for the early end"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["match_round", "application"], name="one_dispatch_per_candidate_per_round"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
                name="dispatch_ends_after_it_starts",
            ),
        ]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self):
        return f"{self.application} → {self.request.requester_name}"

    # Who and where -------------------------------------------------------------------
    @property
    def cio_user(self):
        return self.application.user

    @property
    def cio_name(self) -> str:
        return self.application.full_name or str(self.application.user)

    @property
    def host_government(self):
        """The government that hosts the CIO and claims the incentives: the requesting
        municipality, or for a joint request the group's lead."""
        request = self.request
        if request.group is not None:
            return request.group.lead
        return request.host

    @property
    def host_name(self) -> str:
        return self.request.requester_name

    # The term ------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self.state in (self.State.ACTIVE, self.State.EXTENDED)

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.COMPLETED, self.State.ENDED_EARLY)

    @property
    def is_declined(self) -> bool:
        return self.state == self.State.DECLINED

    @property
    def counts_as_busy(self) -> bool:
        """Whether the dispatch holds its CIO until its last day: every dispatch but a
        declined proposal (one still unanswered counts, as it may yet be accepted)."""
        return not self.is_declined

    @property
    def term_end(self) -> dt.date | None:
        """The last day the CIO is (or was) on the post: the early end, else the planned end."""
        return self.ended_on or self.end_date

    def first_day(self) -> dt.date:
        """The first day of the term: the appointment's start, or before one is set the
        request's start (the round's dispatch start when the request names none)."""
        request = self.request
        return self.start_date or request.start_date or request.request_round.dispatch_start

    def last_day(self) -> dt.date:
        """The last day of the term: the early end, the appointment's (extended) end, or before
        an appointment the request's start + term."""
        if self.term_end is not None:
            return self.term_end
        request = self.request
        start = request.start_date or request.request_round.dispatch_start
        return add_months(start, request.term_months or 12)

    def term_months(self) -> int | None:
        if self.start_date is None or self.end_date is None:
            return None
        return months_between(self.start_date, self.end_date)

    def dispatch_year(self, day: dt.date) -> int | None:
        """1 for the first twelve months from the start (2026-04-01 to 2027-03-31), 2 for the
        next twelve, and so on."""
        if self.start_date is None or day < self.start_date:
            return None
        # Whole months completed before ``day``.
        return months_between(self.start_date, day - dt.timedelta(days=1)) // 12 + 1

    @property
    def both_accepted(self) -> bool:
        return self.cio_accepted_at is not None and self.host_accepted_at is not None

    @property
    def appointment_confirmed(self) -> bool:
        return self.appointment_confirmed_at is not None


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (an end date is the last day: 2026-04-01 to
    2027-03-31 is 12 months)."""
    day_after = end + dt.timedelta(days=1)
    months = (day_after.year - start.year) * 12 + (day_after.month - start.month)
    if day_after.day < start.day:
        months -= 1
    return months


def add_months(start: dt.date, months: int) -> dt.date:
    """The last day of a term of ``months`` months starting on ``start``: the day before the
    same day ``months`` later, or the last day of that month when it has no such day
    (as 民法 143 counts periods): 2026-04-01 + 12 → 2027-03-31; 2026-08-31 + 6 → 2027-02-28."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]  # fmt: skip
    if start.day > last:
        return dt.date(year, month, last)
    return dt.date(year, month, start.day) - dt.timedelta(days=1)


class Extension(models.Model):
    """A longer term asked for by the host (with the CIO's agreement) and decided by the office."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="extensions")
    state = state_field(State, max_length=10, default=State.REQUESTED)
    previous_end = models.DateField(_("end before the extension"))
    new_end = models.DateField(_("new end"))
    reason = models.TextField(_("why the term should be longer"))
    requested_by = actor_field()
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = actor_field(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("office's reason"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch"],
                condition=models.Q(state="requested"),
                name="one_open_extension_per_dispatch",
            )
        ]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.dispatch}: {self.previous_end} → {self.new_end}"


class Evaluation(models.Model):
    """At the end of a term: the host evaluates the CIO, the CIO the host's support, and the
    office assesses the dispatch. One of each per dispatch, final once submitted."""

    class Kind(models.TextChoices):
        HOST_OF_CIO = "host_of_cio", _("The host's evaluation of the CIO")
        CIO_OF_HOST = "cio_of_host", _("The CIO's evaluation of the host's support")
        OFFICE = "office", _("The office's assessment")

    class Materialised(models.TextChoices):
        YES = "yes", _("Yes, fully")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("evaluation"), max_length=12, choices=Kind.choices)
    # 1 (poor) to 5 (excellent): the overall judgement of each evaluation.
    overall = models.PositiveSmallIntegerField(
        _("overall (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # Criteria scores, 1–5, keyed by the criterion codes of EVALUATION_CRITERIA[kind].
    scores = models.JSONField(_("scores"), default=dict)
    # The CIO's view on whether the host's promises materialised (the study's conditions).
    authority_materialised = models.CharField(
        _("did the authority granted materialise?"),
        max_length=6,
        choices=Materialised.choices,
        blank=True,
    )
    counterpart_materialised = models.CharField(
        _("did the counterpart (follower) materialise?"),
        max_length=6,
        choices=Materialised.choices,
        blank=True,
    )
    went_well = models.TextField(_("what went well"))
    to_improve = models.TextField(_("what should be done differently"), blank=True)
    recommend_as_case = models.BooleanField(_("worth a case in the know-how base"), default=False)
    submitted_by = actor_field()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dispatch", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "kind"], name="one_evaluation_per_kind")
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return f"{self.dispatch}: {self.get_kind_display()}"


EVALUATION_CRITERIA: dict[str, list[tuple[str, StrOrPromise]]] = {
    Evaluation.Kind.HOST_OF_CIO: [
        ("leadership", _("Led the reform with the head and the departments")),
        ("field", _("Worked with the field staff, not only the managers")),
        ("goals", _("Reached the goals of the action plan")),
        ("transfer", _("Left skills and know-how with the staff")),
    ],
    Evaluation.Kind.CIO_OF_HOST: [
        ("head", _("The head backed the reform in public and in the budget")),
        ("liaison", _("The liaison and the office answered quickly")),
        ("data", _("I got the information and systems access I needed")),
    ],
    Evaluation.Kind.OFFICE: [
        ("outcomes", _("Outcomes against the KPIs")),
        ("spread", _("Worth spreading to other governments (横展開)")),
    ],
}


DISPATCH_STATES = StateMachine.define(
    "dispatches.Dispatch",
    "state",
    Dispatch.State.PROPOSED,
    {
        Dispatch.State.PROPOSED: [Dispatch.State.ACCEPTED, Dispatch.State.DECLINED],
        Dispatch.State.ACCEPTED: [Dispatch.State.ACTIVE, Dispatch.State.ENDED_EARLY],
        Dispatch.State.ACTIVE: [
            Dispatch.State.EXTENDED,
            Dispatch.State.COMPLETED,
            Dispatch.State.ENDED_EARLY,
        ],
        Dispatch.State.EXTENDED: [Dispatch.State.COMPLETED, Dispatch.State.ENDED_EARLY],
        Dispatch.State.DECLINED: [],
        Dispatch.State.COMPLETED: [],
        Dispatch.State.ENDED_EARLY: [],
    },
)

EXTENSION_STATES = StateMachine.define(
    "dispatches.Extension",
    "state",
    Extension.State.REQUESTED,
    {
        Extension.State.REQUESTED: [Extension.State.APPROVED, Extension.State.REFUSED],
        Extension.State.APPROVED: [],
        Extension.State.REFUSED: [],
    },
)
