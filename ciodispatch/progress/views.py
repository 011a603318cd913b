import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.once import once_per_form_token
from ciodispatch.dispatches.queries import with_parties
from ciodispatch.progress import forms, queries, services
from ciodispatch.progress.models import (
    ActionPlan,
    KPIMeasurement,
    MonthlyReport,
    SmallWin,
    plan_due,
    report_due_for,
)
from ciodispatch.progress.rules import visible_small_wins
from ciodispatch.progress.services import ProgressError

A = policy.Action
WINS_PER_PAGE = 10
DISPATCHES_PER_PAGE = 50


def _load_dispatch(request, pk, **kwargs):
    return get_object_or_404(with_parties(), pk=pk)


def _load_report_dispatch(request, pk, **kwargs):
    report = get_object_or_404(MonthlyReport.objects.select_related("dispatch"), pk=pk)
    request.progress_report = report
    return _load_dispatch(request, report.dispatch_id)


def _load_win_dispatch(request, pk, **kwargs):
    win = get_object_or_404(SmallWin.objects.select_related("dispatch"), pk=pk)
    request.small_win = win
    return _load_dispatch(request, win.dispatch_id)


def _can(request, action, obj) -> bool:
    return policy.can(request.user, action, obj)


def _not_running(request, dispatch, what):
    """The page of a write that only a running dispatch accepts, for a finished one."""
    return render(
        request,
        "progress/refused.html",
        {
            "dispatch": dispatch,
            "refusal": _("This dispatch is not running; %s can be written only during the term.")
            % what,
        },
        status=400,
    )


def _back(dispatch, anchor=""):
    return redirect(reverse("progress:dispatch", args=[dispatch.pk]) + anchor)


# --- the dispatch's progress page ---------------------------------------------------------


@policy.guard(A.VIEW_PROGRESS, load=_load_dispatch)
def dispatch_progress(request, dispatch):
    today = timezone.localdate()
    plan = (
        ActionPlan.objects.filter(dispatch=dispatch)
        .prefetch_related("goals__kpis", "milestones", "people", "comments__author", "revisions")
        .first()
    )
    return render(
        request,
        "progress/dispatch.html",
        {
            "dispatch": dispatch,
            "plan": plan,
            "plan_due": plan_due(dispatch),
            "overdue": queries.overdue_for(dispatch, today),
            "rows": queries.report_rows(dispatch, today),
            "wins": visible_small_wins(request.user, SmallWin.objects.filter(dispatch=dispatch)),
            "series": queries.kpi_series(dispatch),
            "comment_form": forms.CommentForm(),
            "may_write": _can(request, A.WRITE_ACTION_PLAN, dispatch) and dispatch.is_running,
            "may_comment": _can(request, A.COMMENT_PROGRESS, dispatch),
            "may_post_win": _can(request, A.POST_SMALL_WIN, dispatch) and dispatch.is_running,
            "may_publish": _can(request, A.PUBLISH_SMALL_WIN, dispatch),
            "may_measure": _can(request, A.RECORD_KPI, dispatch)
            and (dispatch.is_running or dispatch.is_finished),
            "today": today,
        },
    )


# --- the plan -----------------------------------------------------------------------------


@policy.guard(A.WRITE_ACTION_PLAN, load=_load_dispatch)
def plan_edit(request, dispatch):
    if not dispatch.is_running:
        return _not_running(request, dispatch, _("the action plan"))
    plan = ActionPlan.objects.filter(dispatch=dispatch).first()
    kpis = list(dispatch.request.kpis.all())
    counts = {}
    if plan is not None:
        counts = {
            "goals": plan.goals.count(),
            "milestones": plan.milestones.count(),
            "people": plan.people.count(),
        }
    status = 200
    if request.method == "POST":
        form = forms.PlanForm(request.POST, kpis=kpis, **counts)
        if form.is_valid():
            goals, milestones, people = form.inputs()
            with refusal_to_form(form):
                plan = services.save_plan(
                    dispatch,
                    actor=request.user,
                    summary=form.cleaned_data["summary"],
                    goals=goals,
                    milestones=milestones,
                    people=people,
                    note=form.cleaned_data["note"],
                )
                if "submit" in request.POST and plan.state == ActionPlan.State.DRAFT:
                    services.submit_plan(plan, actor=request.user)
                    messages.success(request, _("The action plan is submitted."))
                else:
                    messages.success(request, _("The action plan is saved."))
                return _back(dispatch, "#plan")
        status = 400
    else:
        initial = forms.PlanForm.initial_for(plan) if plan else {}
        form = forms.PlanForm(initial=initial, kpis=kpis, **counts)
    return render(
        request,
        "progress/plan_form.html",
        {
            "dispatch": dispatch,
            "plan": plan,
            "form": form,
            "kpis": kpis,
            "plan_due": plan_due(dispatch),
        },
        status=status,
    )


# --- reports ------------------------------------------------------------------------------


def _month_from(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


@policy.guard(A.WRITE_REPORT, load=_load_dispatch)
def report_edit(request, dispatch):
    """Write (or go on with) the report for the month given as ?month=YYYY-MM."""
    month = _month_from(request.GET.get("month") or request.POST.get("month"))
    if month is None:
        raise Http404
    plan = ActionPlan.objects.filter(dispatch=dispatch).first()
    report = MonthlyReport.objects.filter(dispatch=dispatch, month=month).first()
    refusal = None
    # Kept by hand: a month that cannot be written gets its own page (status 400), not a form.
    try:
        if not dispatch.is_running:
            raise ProgressError(
                _("This dispatch is not running; reports are written only during the term.")
            )
        services.check_report_month(dispatch, month)
        if plan is None:
            raise ProgressError(_("Write the action plan first: a report follows its milestones."))
        if report is not None and report.state != MonthlyReport.State.DRAFT:
            return redirect("progress:report", pk=report.pk)
    except ProgressError as exc:
        refusal = str(exc)
    if refusal:
        return render(
            request,
            "progress/refused.html",
            {"dispatch": dispatch, "month": month, "refusal": refusal},
            status=400,
        )
    milestones = plan.milestones.all()
    status = 200
    if request.method == "POST":
        form = forms.ReportForm(request.POST, milestones=milestones)
        if form.is_valid():
            with refusal_to_form(form):
                report = services.save_report(
                    dispatch,
                    actor=request.user,
                    month=month,
                    progress=form.inputs(),
                    blockers=form.cleaned_data["blockers"],
                    help_needed=form.cleaned_data["help_needed"],
                    help_text=form.cleaned_data["help_text"],
                )
                if "submit" in request.POST:
                    services.submit_report(report, actor=request.user)
                    messages.success(request, _("The report is submitted."))
                    return redirect("progress:report", pk=report.pk)
                messages.success(request, _("The report is saved as a draft."))
                return redirect(
                    reverse("progress:report_edit", args=[dispatch.pk]) + f"?month={month:%Y-%m}"
                )
        status = 400
    else:
        if report is not None:
            initial = forms.ReportForm.initial_for(report)
        else:
            # A new month starts from where the last report left each milestone.
            previous = (
                MonthlyReport.objects.filter(dispatch=dispatch, month__lt=month)
                .order_by("-month")
                .first()
            )
            initial = forms.ReportForm.statuses_from(previous) if previous else {}
        form = forms.ReportForm(initial=initial, milestones=milestones)
    return render(
        request,
        "progress/report_form.html",
        {
            "dispatch": dispatch,
            "month": month,
            "due": report_due_for(dispatch, month),
            "form": form,
            "report": report,
        },
        status=status,
    )


@policy.guard(A.VIEW_PROGRESS, load=_load_report_dispatch)
def report_detail(request, dispatch):
    report = request.progress_report
    return render(
        request,
        "progress/report_detail.html",
        {
            "dispatch": dispatch,
            "report": report,
            "progress": report.progress.select_related("milestone"),
            "comments": report.comments.select_related("author"),
            "comment_form": forms.CommentForm(),
            "may_comment": _can(request, A.COMMENT_PROGRESS, dispatch)
            and report.state == MonthlyReport.State.SUBMITTED,
            "may_write": _can(request, A.WRITE_REPORT, dispatch)
            and dispatch.is_running
            and report.state == MonthlyReport.State.DRAFT,
        },
    )


# --- comments -----------------------------------------------------------------------------


def _comment(request, dispatch, *, plan=None, report=None, back):
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        with refusal_to_message(request):
            services.comment(
                actor=request.user, body=form.cleaned_data["body"], plan=plan, report=report
            )
            messages.success(request, _("Your comment is added."))
    else:
        messages.error(request, _("Write your comment (at most 4000 characters)."))
    return back


@require_POST
@policy.guard(A.COMMENT_PROGRESS, load=_load_dispatch)
@once_per_form_token
def plan_comment(request, dispatch):
    plan = get_object_or_404(ActionPlan, dispatch=dispatch)
    return _comment(request, dispatch, plan=plan, back=_back(dispatch, "#plan"))


@require_POST
@policy.guard(A.COMMENT_PROGRESS, load=_load_report_dispatch)
@once_per_form_token
def report_comment(request, dispatch):
    report = request.progress_report
    return _comment(
        request, dispatch, report=report, back=redirect("progress:report", pk=report.pk)
    )


# --- small wins ---------------------------------------------------------------------------


@policy.guard(A.POST_SMALL_WIN, load=_load_dispatch)
@once_per_form_token
def win_new(request, dispatch):
    if not dispatch.is_running:
        return _not_running(request, dispatch, _("small wins"))
    status = 200
    if request.method == "POST":
        form = forms.WinForm(request.POST, request.FILES)
        if form.is_valid():
            with refusal_to_form(form):
                services.post_win(
                    dispatch,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    picture=form.cleaned_data["picture"] or None,
                    picture_alt=form.cleaned_data["picture_alt"],
                )
                messages.success(request, _("The small win is posted."))
                return _back(dispatch, "#wins")
        status = 400
    else:
        form = forms.WinForm()
    return render(
        request, "progress/win_form.html", {"dispatch": dispatch, "form": form}, status=status
    )


@require_POST
@policy.guard(A.PUBLISH_SMALL_WIN, load=_load_win_dispatch)
def win_publish(request, dispatch):
    win = request.small_win
    publish = request.POST.get("publish") == "1"
    with refusal_to_message(request):
        services.publish_win(win, actor=request.user, publish=publish)
        messages.success(
            request,
            _("The small win is published on the portal.")
            if publish
            else _("The small win is taken off the portal."),
        )
    return _back(dispatch, "#wins")


@policy.guard(A.VIEW_PUBLIC_PROGRESS)
def win_picture(request, pk):
    """A published win's picture is public; otherwise only for those who see the dispatch
    (everyone else gets 404, so the address does not reveal that it exists)."""
    win = get_object_or_404(SmallWin.objects.select_related("dispatch__request"), pk=pk)
    if not win.picture or not policy.can(request.user, A.VIEW_SMALL_WIN, win):
        raise Http404
    response = FileResponse(win.picture.open("rb"), content_type=win.picture_type)
    # Revalidated on each use: a win the host takes off the portal is gone at once.
    response["Cache-Control"] = "public, no-cache" if win.is_published else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- KPI measurements ---------------------------------------------------------------------


@policy.guard(A.RECORD_KPI, load=_load_dispatch)
@once_per_form_token
def measurement_new(request, dispatch):
    kpis = list(dispatch.request.kpis.all())
    status = 200
    if request.method == "POST":
        form = forms.MeasurementForm(request.POST, kpis=kpis)
        if form.is_valid():
            d = form.cleaned_data
            with refusal_to_form(form):
                services.record_measurement(
                    dispatch,
                    actor=request.user,
                    kpi_id=d["kpi"],
                    point=d["point"],
                    value=d["value"],
                    measured_on=d["measured_on"],
                    note=d["note"],
                    reason=d["reason"],
                )
                messages.success(request, _("The KPI value is recorded."))
                return _back(dispatch, "#kpis")
        status = 400
    else:
        form = forms.MeasurementForm(kpis=kpis, initial={"measured_on": timezone.localdate()})
    return render(
        request,
        "progress/measurement_form.html",
        {
            "dispatch": dispatch,
            "form": form,
            "recorded": KPIMeasurement.objects.filter(dispatch=dispatch).select_related("kpi"),
        },
        status=status,
    )


# --- overviews ----------------------------------------------------------------------------


@policy.guard(A.LIST_OWN_PROGRESS)
def mine(request):
    today = timezone.localdate()
    todo = request.GET.get("todo", "")
    if todo in queries.TODO:
        # What the CIO still owes (the work queue's links): the plans or the reports.
        items = queries.todo_items(
            queries.open_items(queries.cio_running(request.user), today), todo, today
        )
        dispatches = {
            d.pk: d
            for d in queries.started_dispatches(request.user).filter(
                pk__in={item.dispatch_id for item in items}
            )
        }
        rows = [(item, dispatches[item.dispatch_id]) for item in items]
        return render(
            request,
            "progress/mine.html",
            {"todo": todo, "todo_rows": rows, "todo_choices": queries.TODO.items(), "today": today},
        )
    if request.GET.get("questions") == "1":
        # The office's comments the host side has not answered (the work queue's link).
        return render(
            request,
            "progress/mine.html",
            {"questions": queries.office_questions(request.user), "todo_choices": []},
        )
    rows = queries.overview(queries.visible_dispatches(request.user), today)
    return render(
        request, "progress/mine.html", {"rows": rows, "todo_choices": queries.TODO.items()}
    )


@policy.guard(A.VIEW_PROGRESS_OVERVIEW)
def office(request):
    today = timezone.localdate()
    page = Paginator(queries.started_dispatches(request.user), DISPATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    outcomes = queries.programme_outcomes(rows=False)
    outcomes["rows"] = queries.outcome_rows(page.object_list)
    unanswered = request.GET.get("unanswered") == "1"
    return render(
        request,
        "progress/office.html",
        {
            "overdue_rows": queries.overdue_overview(request.user, today),
            "rows": queries.overview(page.object_list, today),
            "page": page,
            "help_requests": (
                # Those still waiting for the office's answer (the work queue's link): all.
                queries.help_requests(unanswered=True)
                if unanswered
                else queries.help_requests()[:50]
            ),
            "unanswered": unanswered,
            "query": "unanswered=1" if unanswered else "",
            "outcomes": outcomes,
        },
    )


# --- public -------------------------------------------------------------------------------


@policy.guard(A.VIEW_PUBLIC_PROGRESS)
def public_wins(request):
    q = request.GET.get("q", "")[:500]
    wins, result = queries.search_wins(q)
    page = Paginator(wins, WINS_PER_PAGE).get_page(request.GET.get("page"))
    hits = {h.object_id: h for h in result.hits} if result else {}
    rows = [(win, hits.get(win.pk)) for win in page.object_list]
    return render(
        request,
        "progress/public_wins.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "result": result,
            "query": urlencode({"q": q}) if q else "",
        },
    )


@policy.guard(A.VIEW_PUBLIC_PROGRESS)
def public_win(request, pk):
    win = get_object_or_404(SmallWin.objects.select_related("dispatch__request__host"), pk=pk)
    if not policy.can(request.user, A.VIEW_SMALL_WIN, win):
        raise Http404
    return render(request, "progress/public_win.html", {"win": win})


@policy.guard(A.VIEW_PUBLIC_PROGRESS)
def outcomes(request):
    page = Paginator(queries.outcome_dispatches(), DISPATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    outcomes = queries.programme_outcomes(rows=False)
    outcomes["rows"] = queries.outcome_rows(page.object_list)
    return render(request, "progress/outcomes.html", {"outcomes": outcomes, "page": page})
