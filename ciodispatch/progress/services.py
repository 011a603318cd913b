"""Writes to a dispatch's progress: the action plan, monthly reports, comments, small wins,
KPI measurements and the reminders about overdue items.

Each function checks the policy first, then the rule; a refusal raises ``ProgressError`` with a
message saying what to fix, and writes nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.core.errors import Refusal
from ciodispatch.core.mail import mail_after_commit
from ciodispatch.core.text import service_text
from ciodispatch.core.uploads import reencode_image
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.knowhow import search
from ciodispatch.notices.services import notify
from ciodispatch.policy import Action as A
from ciodispatch.progress.models import (
    PLAN_STATES,
    REMINDER_INTERVAL_DAYS,
    REPORT_STATES,
    WIN_STATES,
    ActionPlan,
    Comment,
    Goal,
    KPIMeasurement,
    MeasurementPoint,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    MonthlyReport,
    Participant,
    PlanRevision,
    ReminderSent,
    SmallWin,
    first_of_month,
)

MAX_TEXT = 4000
WIN_TITLE_MAX = 80
WIN_BODY_MAX = 800
PICTURE_MAX_BYTES = 5 * 1024 * 1024
# Pictures larger than this (in pixels, either side) are scaled down when re-encoded.
PICTURE_MAX_SIDE = 1600
# A small file can still decode to a huge image; refuse before decoding it.
PICTURE_MAX_PIXELS = 40_000_000
# A start value may be measured up to this many days before the term begins.
START_MEASURE_LEAD_DAYS = 31


WIN_SEARCH_KIND = "win"


class ProgressError(Refusal, ValueError):
    """A refused change to a dispatch's progress; the message says what to fix."""


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str | None, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    return service_text(value, label, error=ProgressError, required=required, limit=limit)


def _locked(dispatch: Dispatch) -> Dispatch:
    return (
        Dispatch.objects.select_for_update()
        .select_related("request", "application__user")
        .get(pk=dispatch.pk)
    )


def _require_running(dispatch: Dispatch) -> None:
    if not dispatch.is_running:
        raise ProgressError(
            _(
                "This dispatch is not running; plans, reports and small wins are written only "
                "during the term."
            )
        )


def _term(dispatch: Dispatch) -> tuple[dt.date, dt.date]:
    start = dispatch.started_on or dispatch.start_date
    end = dispatch.term_end
    assert start is not None and end is not None
    return start, end


# --- the action plan ----------------------------------------------------------------------


@dataclass
class GoalInput:
    text: str
    kpi_ids: list[int] = field(default_factory=list)


@dataclass
class MilestoneInput:
    title: str
    due: dt.date | None
    lead: str
    id: int | None = None


@dataclass
class PersonInput:
    name: str
    department: str
    kind: str


def _clean_plan(
    dispatch: Dispatch,
    goals: list[GoalInput],
    milestones: list[MilestoneInput],
    people: list[PersonInput],
):
    start, end = _term(dispatch)
    kpi_ids = {k.pk for k in dispatch.request.kpis.all()}
    clean_goals = []
    for goal in goals:
        text = _text(goal.text, _("the goal"), limit=300)
        ids = {int(i) for i in goal.kpi_ids}
        if not ids:
            raise ProgressError(
                _("Tie the goal “%s” to at least one of the request's KPIs.") % text
            )
        if not ids <= kpi_ids:
            raise ProgressError(_("A goal can only be tied to the KPIs of this request."))
        clean_goals.append((text, ids))
    if not clean_goals:
        raise ProgressError(_("Write at least one goal, tied to the request's KPIs."))
    clean_milestones = []
    for m in milestones:
        title = _text(m.title, _("the milestone"), limit=200)
        if m.due is None:
            raise ProgressError(_("Give the milestone “%s” a due date.") % title)
        if not start <= m.due <= end:
            raise ProgressError(
                _(
                    "The milestone “%(title)s” is due on %(due)s, outside the term "
                    "(%(start)s to %(end)s); move it inside the term."
                )
                % {
                    "title": title,
                    "due": m.due.isoformat(),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                }
            )
        lead = _text(m.lead, _("who leads the milestone"), limit=100)
        clean_milestones.append((m.id, title, m.due, lead))
    if not clean_milestones:
        raise ProgressError(_("Write at least one milestone with a due date."))
    clean_people = []
    for p in people:
        name = _text(p.name, _("the person's name"), limit=100)
        department = _text(p.department, _("the person's department or role"), limit=100)
        if p.kind not in Participant.Kind.values:
            raise ProgressError(_("Say whether %s is a follower or field staff.") % name)
        clean_people.append((name, department, p.kind))
    return clean_goals, clean_milestones, clean_people


@transaction.atomic
def save_plan(
    dispatch: Dispatch,
    *,
    actor,
    summary: str,
    goals: list[GoalInput],
    milestones: list[MilestoneInput],
    people: list[PersonInput],
    note: str = "",
) -> ActionPlan:
    """Write or revise the action plan. A revision of a submitted plan needs a note on what
    changed and is kept as a new version."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.WRITE_ACTION_PLAN, dispatch)
    _require_running(dispatch)
    summary = _text(summary, _("a summary of the plan"))
    clean_goals, clean_milestones, clean_people = _clean_plan(dispatch, goals, milestones, people)
    plan = ActionPlan.objects.select_for_update().filter(dispatch=dispatch).first()
    revising = plan is not None and plan.state == ActionPlan.State.SUBMITTED
    note = _text(note, _("what changed in this revision"), required=revising)
    if plan is None:
        plan = ActionPlan.objects.create(dispatch=dispatch, summary="", created_by=actor)
    before = plan.snapshot()
    plan.summary = summary
    plan.save(update_fields=["summary", "updated_at"])
    plan.goals.all().delete()
    for text, ids in clean_goals:
        goal = Goal.objects.create(plan=plan, text=text)
        goal.kpis.set(sorted(ids))
    existing = {m.pk: m for m in plan.milestones.all()}
    kept = set()
    for mid, title, due, lead in clean_milestones:
        if mid is not None and mid in existing:
            m = existing[mid]
            m.title, m.due, m.lead = title, due, lead
            m.save()
            kept.add(mid)
        else:
            Milestone.objects.create(plan=plan, title=title, due=due, lead=lead)
    for mid, m in existing.items():
        if mid in kept:
            continue
        if m.progress.exists():
            raise ProgressError(
                _(
                    "The milestone “%s” has progress in a report; keep it (mark it done or "
                    "delayed) instead of removing it."
                )
                % m.title
            )
        m.delete()
    plan.people.all().delete()
    Participant.objects.bulk_create(
        Participant(plan=plan, name=n, department=d, kind=k) for n, d, k in clean_people
    )
    after = plan.snapshot()
    if revising:
        plan.version += 1
        plan.save(update_fields=["version"])
        PlanRevision.objects.create(
            plan=plan, version=plan.version, content=after, note=note, saved_by=actor
        )
    record(
        actor=actor,
        action="progress.actionplan.revised" if revising else "progress.actionplan.saved",
        target=plan,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        reason=note,
    )
    return plan


_Submitted = TypeVar("_Submitted", ActionPlan, MonthlyReport)


def _draft_to_submit(row: _Submitted, action, *, actor, submitted: str) -> _Submitted:
    """The CIO's plan or report locked to be submitted: refused unless ``actor`` may write it
    (``action``), the dispatch is running and it is still a draft (else ``submitted``)."""
    row = type(row).objects.select_for_update().select_related("dispatch").get(pk=row.pk)
    policy.require(actor, action, row.dispatch)
    _require_running(row.dispatch)
    if row.state != row.State.DRAFT:
        raise ProgressError(submitted)
    return row


@transaction.atomic
def submit_plan(plan: ActionPlan, *, actor) -> ActionPlan:
    plan = _draft_to_submit(
        plan,
        A.WRITE_ACTION_PLAN,
        actor=actor,
        submitted=_("The plan is already submitted; revise it instead."),
    )
    if not plan.goals.exists() or not plan.milestones.exists():
        raise ProgressError(_("Write at least one goal and one milestone before submitting."))
    plan.submitted_at = timezone.now()
    plan.version = 1
    PLAN_STATES.apply(
        plan, ActionPlan.State.SUBMITTED, actor=actor, update_fields=["submitted_at", "version"]
    )
    PlanRevision.objects.create(plan=plan, version=1, content=plan.snapshot(), saved_by=actor)
    _notify_host(
        plan.dispatch,
        _("Action plan submitted"),
        _("The CIO submitted the action plan. Read it and comment on the progress page."),
    )
    return plan


# --- monthly reports ----------------------------------------------------------------------


def check_report_month(
    dispatch: Dispatch, month: dt.date, *, today: dt.date | None = None
) -> dt.date:
    """The month a report may be written for: in the term, not in the future."""
    today = today or _today()
    month = first_of_month(month)
    start, end = _term(dispatch)
    if month > first_of_month(today):
        raise ProgressError(
            _(
                "%s has not started yet: a report can be written for the current month or a "
                "past one."
            )
            % f"{month:%Y-%m}"
        )
    if month < first_of_month(start) or month > first_of_month(end):
        raise ProgressError(
            _("%(month)s is outside the term (%(start)s to %(end)s); choose a month of the term.")
            % {"month": f"{month:%Y-%m}", "start": start.isoformat(), "end": end.isoformat()}
        )
    return month


@dataclass
class ProgressInput:
    milestone_id: int
    status: str
    note: str = ""


@transaction.atomic
def save_report(
    dispatch: Dispatch,
    *,
    actor,
    month: dt.date,
    progress: list[ProgressInput],
    blockers: str = "",
    help_needed: bool = False,
    help_text: str = "",
) -> MonthlyReport:
    """Start or change the draft report for ``month`` (one report per month)."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.WRITE_REPORT, dispatch)
    _require_running(dispatch)
    month = check_report_month(dispatch, month)
    plan = ActionPlan.objects.filter(dispatch=dispatch).first()
    if plan is None:
        raise ProgressError(_("Write the action plan first: a report follows its milestones."))
    blockers = _text(blockers, _("the blockers"), required=False)
    help_text = _text(help_text, _("what help you need from the office"), required=help_needed)
    milestones = {m.pk: m for m in plan.milestones.all()}
    rows = []
    for item in progress:
        if item.milestone_id not in milestones:
            raise ProgressError(_("Report only on the milestones of the action plan."))
        if item.status not in MilestoneStatus.values:
            raise ProgressError(
                _("Choose a status for the milestone “%s”.") % milestones[item.milestone_id].title
            )
        rows.append(
            (
                item.milestone_id,
                item.status,
                _text(item.note, _("the note"), required=False, limit=300),
            )
        )
    report = (
        MonthlyReport.objects.select_for_update().filter(dispatch=dispatch, month=month).first()
    )
    if report is not None and report.state != MonthlyReport.State.DRAFT:
        raise ProgressError(
            _("The report for %s is already submitted; there is one report per month.")
            % f"{month:%Y-%m}"
        )
    if report is None:
        report = MonthlyReport(dispatch=dispatch, month=month, created_by=actor)
    report.blockers = blockers
    report.help_needed = help_needed
    report.help_text = help_text if help_needed else ""
    report.save()
    report.progress.all().delete()
    MilestoneProgress.objects.bulk_create(
        MilestoneProgress(report=report, milestone_id=mid, status=status, note=note)
        for mid, status, note in rows
    )
    record(
        actor=actor,
        action="progress.monthlyreport.saved",
        target=report,
        changes={"month": f"{month:%Y-%m}", "milestones": len(rows), "help_needed": help_needed},
    )
    return report


@transaction.atomic
def submit_report(report: MonthlyReport, *, actor) -> MonthlyReport:
    report = _draft_to_submit(
        report, A.WRITE_REPORT, actor=actor, submitted=_("This report is already submitted.")
    )
    report.submitted_at = timezone.now()
    REPORT_STATES.apply(
        report, MonthlyReport.State.SUBMITTED, actor=actor, update_fields=["submitted_at"]
    )
    body = _("The CIO submitted the report for %s.") % f"{report.month:%Y-%m}"
    if report.help_needed:
        body += "\n" + _("Help is asked of the office: %s") % report.help_text
    _notify_host(report.dispatch, _("Monthly report submitted"), body, office=report.help_needed)
    notify(
        [report.dispatch.request.liaison, report.dispatch.request.filed_by],
        "progress.report_submitted",
        reverse("progress:report", args=[report.pk]),
        host=report.dispatch.host_name,
        month=f"{report.month:%Y-%m}",
    )
    return report


# --- comments -----------------------------------------------------------------------------


@transaction.atomic
def comment(
    *, actor, body: str, plan: ActionPlan | None = None, report: MonthlyReport | None = None
) -> Comment:
    """The host side or the office comments on a submitted plan or report."""
    if (plan is None) == (report is None):
        raise ProgressError(_("Comment on a plan or on a report."))
    target = plan if plan is not None else report
    assert target is not None
    dispatch = target.dispatch
    policy.require(actor, A.COMMENT_PROGRESS, dispatch)
    if target.state != "submitted":
        raise ProgressError(_("Comments open once the CIO has submitted it."))
    body = _text(body, _("your comment"))
    office = policy.can(actor, A.VIEW_PROGRESS_OVERVIEW)
    side = Comment.Side.OFFICE if office else Comment.Side.HOST
    item = Comment.objects.create(plan=plan, report=report, side=side, author=actor, body=body)
    record(
        actor=actor,
        action="progress.comment.added",
        target=target,
        changes={"side": side, "comment": body[:200]},
    )
    mail_after_commit(
        [_cio_address(dispatch)],
        _("[CIO Dispatch] A comment on your progress: %s") % dispatch.host_name,
        body,
    )
    return item


# --- small wins ---------------------------------------------------------------------------


def _clean_picture(upload) -> tuple[bytes, str, str]:
    """Check that the upload is a PNG or JPEG of at most 5 MB and re-encode it, which drops
    EXIF (and with it GPS positions) and anything hidden after the image data."""

    size = getattr(upload, "size", None) or 0
    if size > PICTURE_MAX_BYTES:
        raise ProgressError(_("The picture is larger than 5 MB; choose a smaller one."))
    data = upload.read()
    if len(data) > PICTURE_MAX_BYTES:
        raise ProgressError(_("The picture is larger than 5 MB; choose a smaller one."))
    return reencode_image(
        data,
        error=ProgressError,
        not_an_image=_("The picture must be a PNG or JPEG image."),
        max_pixels=PICTURE_MAX_PIXELS,
        max_side=PICTURE_MAX_SIDE,
    )


@transaction.atomic
def post_win(
    dispatch: Dispatch, *, actor, title: str, body: str, picture=None, picture_alt: str = ""
) -> SmallWin:
    dispatch = _locked(dispatch)
    policy.require(actor, A.POST_SMALL_WIN, dispatch)
    _require_running(dispatch)
    title = _text(title, _("a title"), limit=WIN_TITLE_MAX)
    body = _text(body, _("what happened"), limit=WIN_BODY_MAX)
    alt = _text(picture_alt, _("a description of the picture"), required=False, limit=200)
    win = SmallWin(dispatch=dispatch, title=title, body=body, posted_by=actor)
    if picture is not None:
        if not alt:
            raise ProgressError(
                _("Describe the picture (alternative text) for people who cannot see it.")
            )
        data, content_type, extension = _clean_picture(picture)
        win.picture_alt = alt
        win.picture_type = content_type
        win.picture.save(f"win-{dispatch.pk}.{extension}", ContentFile(data), save=False)
    win.save()
    record(
        actor=actor,
        action="progress.smallwin.posted",
        target=win,
        changes={"title": title, "picture": bool(picture)},
    )
    return win


@transaction.atomic
def publish_win(win: SmallWin, *, actor, publish: bool = True) -> SmallWin:
    """The host side publishes a small win to the public portal, or takes it back."""
    win = SmallWin.objects.select_for_update().select_related("dispatch").get(pk=win.pk)
    policy.require(actor, A.PUBLISH_SMALL_WIN, win.dispatch)
    if publish:
        if win.is_published:
            raise ProgressError(_("This small win is already published."))
        win.published_at = timezone.now()
        WIN_STATES.apply(win, SmallWin.State.PUBLISHED, actor=actor, update_fields=["published_at"])
        # Found by the same Japanese search as cases and manuals.
        search.index_document(WIN_SEARCH_KIND, win.pk, win.title, win.body)
    else:
        if not win.is_published:
            raise ProgressError(_("This small win is not published."))
        win.published_at = None
        WIN_STATES.apply(win, SmallWin.State.POSTED, actor=actor, update_fields=["published_at"])
        search.remove_document(WIN_SEARCH_KIND, win.pk)
    return win


# --- KPI measurements ---------------------------------------------------------------------


def _decimal(value) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ProgressError(_("Enter the value as a number.")) from None
    if not number.is_finite():
        raise ProgressError(_("Enter the value as a number."))
    if abs(number) >= Decimal("1e12"):
        raise ProgressError(_("Enter the value with at most two decimals and twelve digits."))
    # "1.000" is 1; "0E+999999999999" is 0: store the value as it is kept (two decimals).
    quantized = number.quantize(Decimal("0.01"))
    if quantized != number:
        raise ProgressError(_("Enter the value with at most two decimals and twelve digits."))
    return quantized


@transaction.atomic
def record_measurement(
    dispatch: Dispatch,
    *,
    actor,
    kpi_id: int,
    point: str,
    value,
    measured_on: dt.date,
    note: str = "",
    reason: str = "",
) -> KPIMeasurement:
    """Record a KPI value at a point of the term; a correction of a recorded value needs a
    reason and is audited with the old and new values."""
    dispatch = _locked(dispatch)
    policy.require(actor, A.RECORD_KPI, dispatch)
    if point not in MeasurementPoint.values:
        raise ProgressError(_("Choose start, mid-term or end."))
    if not dispatch.is_running and not (dispatch.is_finished and point == MeasurementPoint.END):
        raise ProgressError(
            _("KPI values are recorded during the term; after it ends only the end value.")
        )
    kpi = dispatch.request.kpis.filter(pk=kpi_id).first()
    if kpi is None:
        raise ProgressError(_("Choose one of the request's KPIs."))
    number = _decimal(value)
    if number < 0:
        raise ProgressError(_("A KPI value cannot be negative."))
    start, end = _term(dispatch)
    if measured_on > _today():
        raise ProgressError(
            _("The measurement date is in the future; enter the day it was measured.")
        )
    earliest = start - dt.timedelta(days=START_MEASURE_LEAD_DAYS if point == "start" else 0)
    if not earliest <= measured_on <= end:
        raise ProgressError(
            _(
                "Measure within the term (%(start)s to %(end)s); a start value may be measured "
                "up to a month before the start."
            )
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    note = _text(note, _("the note"), required=False, limit=300)
    existing = (
        KPIMeasurement.objects.select_for_update()
        .filter(dispatch=dispatch, kpi=kpi, point=point)
        .first()
    )
    if existing is None:
        m = KPIMeasurement.objects.create(
            dispatch=dispatch,
            kpi=kpi,
            point=point,
            value=number,
            measured_on=measured_on,
            note=note,
            recorded_by=actor,
        )
        record(
            actor=actor,
            action="progress.kpimeasurement.recorded",
            target=m,
            changes={
                "kpi": kpi.name,
                "point": point,
                "value": str(number),
                "measured_on": measured_on.isoformat(),
            },
        )
        return m
    reason = _text(reason, _("the reason for the correction"))
    changes = {}
    for name, new in (("value", number), ("measured_on", measured_on), ("note", note)):
        old = getattr(existing, name)
        if old != new:
            changes[name] = [str(old), str(new)]
    if not changes:
        raise ProgressError(_("Nothing changed: the recorded value is the same."))
    existing.value, existing.measured_on, existing.note = number, measured_on, note
    existing.recorded_by = actor
    existing.save()
    record(
        actor=actor,
        action="progress.kpimeasurement.corrected",
        target=existing,
        changes=changes,
        reason=reason,
    )
    return existing


# --- notifications and reminders ----------------------------------------------------------


def _cio_address(dispatch: Dispatch) -> str:
    from ciodispatch.dispatches.services import cio_address

    return cio_address(dispatch)


def _office_addresses() -> list[str]:
    from ciodispatch.accounts.models import OFFICE_ROLES, User

    return list(
        User.objects.filter(role__in=OFFICE_ROLES, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _notify_host(dispatch: Dispatch, subject: str, body: str, *, office: bool = False) -> None:
    from ciodispatch.dispatches.services import host_addresses

    recipients = host_addresses(dispatch) + (_office_addresses() if office else [])
    mail_after_commit(
        recipients,
        _("[CIO Dispatch] %(subject)s: %(host)s")
        % {"subject": subject, "host": dispatch.host_name},
        body,
    )


@transaction.atomic
def send_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Mail each overdue item (plan, report) to the host side and the office, at most once a
    week per item: the escalation. The CIO is reminded by the deadline reminders of the work
    queue (7 days and 1 day before, the day after: ``send_deadline_reminders``), so this does
    not mail them a second time. Returns counts."""
    from ciodispatch.dispatches.services import host_addresses
    from ciodispatch.progress.queries import overdue_items

    today = today or _today()
    office = _office_addresses()
    counts = {"overdue": 0, "sent": 0, "skipped": 0}
    dispatches = Dispatch.objects.filter(state__in=[Dispatch.State.ACTIVE, Dispatch.State.EXTENDED])
    for dispatch in dispatches.select_related("request", "application__user"):
        for item in overdue_items(dispatch, today):
            counts["overdue"] += 1
            recent = ReminderSent.objects.filter(
                dispatch=dispatch,
                item=item.key,
                sent_on__gt=today - dt.timedelta(days=REMINDER_INTERVAL_DAYS),
            ).exists()
            if recent:
                counts["skipped"] += 1
                continue
            recipients = sorted({a for a in [*host_addresses(dispatch), *office] if a})
            mail_after_commit(
                recipients,
                _("[CIO Dispatch] Overdue: %(item)s (%(host)s)")
                % {"item": item.text, "host": dispatch.host_name},
                _("%(item)s was due on %(due)s. The CIO files it on the progress page.")
                % {"item": item.text, "due": item.due.isoformat()},
            )
            ReminderSent.objects.create(
                dispatch=dispatch, item=item.key, sent_on=today, recipients=len(recipients)
            )
            counts["sent"] += 1
    return counts
