"""What a dispatch does during its term: the CIO's action plan, the monthly reports, the small
wins (小さい成功) the host may publish, and the KPI measurements at start, mid-term and end.

Deadlines live here so that every page, the overview and the reminders agree: the plan is due
at the end of the term's first month, a monthly report by the 10th of the next month.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.models import actor_field, state_field
from ciodispatch.core.states import StateMachine
from ciodispatch.dispatches.models import Dispatch, add_months
from ciodispatch.requests.models import KPI

# A monthly report is due by this day of the following month.
REPORT_DUE_DAY = 10
# Reminders about the same overdue item go out at most once in this many days.
REMINDER_INTERVAL_DAYS = 7


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def report_due(month: dt.date) -> dt.date:
    """The last day a report for ``month`` is on time: the 10th of the next month."""
    return next_month(month).replace(day=REPORT_DUE_DAY)


def plan_due(dispatch: Dispatch) -> dt.date | None:
    """The action plan is filed in the first month of the term: by its last day."""
    start = dispatch.started_on or dispatch.start_date
    return add_months(start, 1) if start else None


# A report needs the plan (its milestones): the first one is due this long after the plan.
FIRST_REPORT_AFTER_PLAN = dt.timedelta(days=REPORT_DUE_DAY)


def report_due_for(dispatch: Dispatch, month: dt.date) -> dt.date:
    """When the report of ``month`` of this dispatch is due: the 10th of the next month, and
    never before the plan (a term starting mid-month would otherwise owe its first report
    before its plan, and a report cannot be written without the plan)."""
    due = report_due(month)
    plan = plan_due(dispatch)
    if plan is not None and due <= plan:
        due = plan + FIRST_REPORT_AFTER_PLAN
    return due


class ActionPlan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Plan submitted")

    dispatch = models.OneToOneField(Dispatch, on_delete=models.CASCADE, related_name="action_plan")
    state = state_field(State, max_length=10, default=State.DRAFT)
    summary = models.TextField(_("what the CIO will do, in a few lines"))
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # 1 at the first submission; each revision after it adds one (see PlanRevision).
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return f"{self.dispatch.host_name}: action plan"

    def snapshot(self) -> dict:
        """The plan as data, kept with each submitted version."""
        return {
            "summary": self.summary,
            "goals": [
                {"text": g.text, "kpis": [k.name for k in g.kpis.all()]} for g in self.goals.all()
            ],
            "milestones": [
                {"title": m.title, "due": m.due.isoformat(), "lead": m.lead}
                for m in self.milestones.all()
            ],
            "people": [
                {"name": p.name, "department": p.department, "kind": p.kind}
                for p in self.people.all()
            ],
        }


class Goal(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300)
    kpis = models.ManyToManyField(KPI, related_name="+", verbose_name=_("KPIs"))

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text


class Milestone(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due"))
    lead = models.CharField(_("who leads"), max_length=100)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self):
        return self.title


class Participant(models.Model):
    """A follower (フォロワー) or a member of the field staff the plan counts on."""

    class Kind(models.TextChoices):
        FOLLOWER = "follower", _("Follower")
        FIELD = "field", _("Field staff")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=100)
    department = models.CharField(_("department or role"), max_length=100)
    kind = models.CharField(_("follower or field staff"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class PlanRevision(models.Model):
    """Each submitted version of a plan, as it was: the CIO may revise after submitting."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField()
    note = models.TextField(_("what changed"), blank=True)
    saved_by = actor_field()
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "version"], name="one_plan_revision_per_version"
            )
        ]

    def __str__(self):
        return f"{self.plan} v{self.version}"


class MonthlyReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Report submitted")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="reports")
    # The first day of the month reported on.
    month = models.DateField(_("month"))
    state = state_field(State, max_length=10, default=State.DRAFT)
    blockers = models.TextField(_("blockers"), blank=True)
    help_needed = models.BooleanField(_("help needed from the office"), default=False)
    help_text = models.TextField(_("what help is needed"), blank=True)
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["dispatch", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "month"], name="one_report_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_is_first"),
        ]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")

    def __str__(self):
        return f"{self.dispatch.host_name}: {self.month:%Y-%m}"

    @property
    def due(self) -> dt.date:
        return report_due_for(self.dispatch, self.month)


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    DONE = "done", _("Done")


class MilestoneProgress(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(_("status"), max_length=12, choices=MilestoneStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["milestone__due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "milestone"], name="one_progress_per_milestone"
            )
        ]

    def __str__(self):
        return f"{self.report}: {self.milestone} ({self.status})"


class Comment(models.Model):
    """The host side or the office on a plan or a report; the CIO reads them."""

    class Side(models.TextChoices):
        HOST = "host", _("Host")
        OFFICE = "office", _("Office")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    side = models.CharField(_("side"), max_length=6, choices=Side.choices)
    author = actor_field()
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__isnull=True, report__isnull=False)
                | models.Q(plan__isnull=False, report__isnull=True),
                name="comment_on_plan_or_report",
            )
        ]

    def __str__(self):
        return f"{self.get_side_display()}: {self.body[:40]}"


class SmallWin(models.Model):
    """A small success made visible (小さい成功の積み重ね): the host may publish it."""

    class State(models.TextChoices):
        POSTED = "posted", _("Not published")
        PUBLISHED = "published", _("Published")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="small_wins")
    title = models.CharField(_("title of the small win"), max_length=80)
    body = models.TextField(_("what happened"), max_length=800)
    # Re-encoded on upload (no EXIF, no GPS); served only through a view that asks the policy.
    picture = models.FileField(_("picture"), upload_to="progress/wins/%Y/", blank=True)
    picture_type = models.CharField(max_length=20, blank=True)
    picture_alt = models.CharField(_("description of the picture"), max_length=200, blank=True)
    state = state_field(State, max_length=10, default=State.POSTED, db_index=True)
    posted_by = actor_field()
    posted_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("small win")
        verbose_name_plural = _("small wins")

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class MeasurementPoint(models.TextChoices):
    START = "start", _("At the start")
    MID = "mid", _("At mid-term")
    END = "end", _("At the end")


class KPIMeasurement(models.Model):
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="measurements")
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="measurements")
    point = models.CharField(
        _("point of measurement"), max_length=5, choices=MeasurementPoint.choices
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("measured on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = actor_field()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kpi", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "kpi", "point"], name="one_measurement_per_point"
            )
        ]
        verbose_name = _("KPI measurement")
        verbose_name_plural = _("KPI measurements")

    def __str__(self):
        return f"{self.kpi.name} ({self.point}): {self.value}"


class ReminderSent(models.Model):
    """One reminder about one overdue item (the plan, or a month's report)."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=20)  # "plan" or "report:YYYY-MM"
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self):
        return f"{self.item} ({self.sent_on})"


PLAN_STATES = StateMachine.define(
    "progress.ActionPlan",
    "state",
    ActionPlan.State.DRAFT,
    {ActionPlan.State.DRAFT: [ActionPlan.State.SUBMITTED], ActionPlan.State.SUBMITTED: []},
)

REPORT_STATES = StateMachine.define(
    "progress.MonthlyReport",
    "state",
    MonthlyReport.State.DRAFT,
    {
        MonthlyReport.State.DRAFT: [MonthlyReport.State.SUBMITTED],
        MonthlyReport.State.SUBMITTED: [],
    },
)

WIN_STATES = StateMachine.define(
    "progress.SmallWin",
    "state",
    SmallWin.State.POSTED,
    {
        SmallWin.State.POSTED: [SmallWin.State.PUBLISHED],
        SmallWin.State.PUBLISHED: [SmallWin.State.POSTED],
    },
)
