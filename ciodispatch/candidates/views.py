import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.accounts.models import Role
from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates import forms, services
from ciodispatch.candidates.choices import SkillRole
from ciodispatch.candidates.models import (
    CERTIFICATION,
    Application,
    DeletionRequest,
    ReviewAssignment,
    ReviewRound,
)
from ciodispatch.candidates.pages import APPLICATION
from ciodispatch.candidates.personal_data import personal_data, personal_data_pdf
from ciodispatch.candidates.pool import pool_export, search_pool
from ciodispatch.candidates.rules import (
    awaiting_decision,
    awaiting_interview,
    expiring_certifications,
    visible_applications,
)
from ciodispatch.candidates.services import CandidateError
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.once import once_per_form_token
from ciodispatch.core.ratelimit import limit_anonymous_posts

A = policy.Action
S = Application.State


def _load_application(request, pk):
    return get_object_or_404(Application.objects.select_related("user", "review_round"), pk=pk)


def _own_application(request, **kwargs):
    """The signed-in candidate's own application (a draft is started on first visit)."""
    if getattr(request.user, "role", None) != Role.CANDIDATE:
        raise PermissionDenied
    return services.start_application(request.user, actor=request.user)


def _load_assignment(request, pk):
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("application__review_round"), pk=pk
    )
    if assignment.reviewer_id != request.user.pk:
        raise Http404
    return assignment.application


# --- candidate ----------------------------------------------------------------------------


@policy.guard(A.REGISTER_AS_CANDIDATE)
@limit_anonymous_posts("candidates.register", email_field="email")
def register(request):
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_to_form(form):
            user = services.register_candidate(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                family_name=data["family_name"],
                given_name=data["given_name"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Fill in your application below."))
            return redirect("candidates:application")
    return render(request, "candidates/register.html", {"form": form})


@policy.guard(A.VIEW_APPLICATION, load=_own_application)
def application(request, app):
    tasks = APPLICATION.task_list(app)
    history = AuditEvent.objects.filter(
        object_type="candidates.application",
        object_id=str(app.pk),
        action__in=[f"candidates.application.{state}" for state in S.values],
    ).order_by("at")
    return render(
        request,
        "candidates/application.html",
        {
            "app": app,
            "tasks": tasks,
            "done": sum(t["status"] == "completed" for t in tasks),
            "history": history,
            "interviews": app.interviews.all(),
        },
    )


def _locked_notice(request, app):
    """A submitted application is no longer edited: say so and show it, rather than a 403."""
    messages.info(request, _("The application has been submitted and can no longer be changed."))
    return redirect("candidates:application")


@policy.guard(A.VIEW_APPLICATION, load=_own_application)
def edit_section(request, app, key=None):
    if not policy.can(request.user, A.EDIT_APPLICATION, app):
        return _locked_notice(request, app)
    page = APPLICATION.page_for(request.resolver_match.kwargs["section"])
    post = request.POST if request.method == "POST" else None
    form = page.form(app, post, request.FILES or None)
    formset = page.formset(app, post)
    if post is not None and page.is_valid(form, formset):
        with refusal_to_form(form):
            page.save(app, form, formset, actor=request.user)
            messages.success(request, _("“%s” is saved.") % page.title)
            return redirect("candidates:application")
    return render(
        request,
        page.template,
        {
            "app": app,
            "key": page.name,
            "title": page.title,
            "form": form,
            "formset": formset,
            "consent_version": settings.PERSONAL_DATA_CONSENT_VERSION,
        },
    )


@policy.guard(A.VIEW_APPLICATION, load=_own_application)
def check_answers(request, app):
    if not policy.can(request.user, A.EDIT_APPLICATION, app):
        return _locked_notice(request, app)
    problems = {
        title: services.section_problems(app, name) for name, title in APPLICATION.sections()
    }
    problems = {title: items for title, items in problems.items() if items}
    if request.method == "POST":
        with refusal_to_message(request):
            services.submit_application(app, actor=request.user)
            messages.success(
                request,
                _("Your application is submitted. We e-mail you at each step of the review."),
            )
            return redirect("candidates:application")
    return render(request, "candidates/check_answers.html", {"app": app, "problems": problems})


@policy.guard(A.DOWNLOAD_CV, load=_load_application)
def download_cv(request, app):
    if not app.cv:
        raise Http404
    name = f"cv-{app.pk}.pdf"
    return FileResponse(
        app.cv.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@policy.guard(A.EXPORT_OWN_DATA, load=_own_application)
def my_data(request, app):
    requested = app.deletion_requests.filter(state=DeletionRequest.State.REQUESTED).first()
    return render(request, "candidates/my_data.html", {"app": app, "requested": requested})


@policy.guard(A.EXPORT_OWN_DATA, load=_own_application)
def my_data_json(request, app):
    body = json.dumps(personal_data(app), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@policy.guard(A.EXPORT_OWN_DATA, load=_own_application)
def my_data_pdf(request, app):
    response = HttpResponse(personal_data_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    return response


@require_POST
@policy.guard(A.REQUEST_DELETION, load=_own_application)
def request_deletion(request, app):
    with refusal_to_message(request):
        services.request_deletion(app, actor=request.user)
        messages.success(
            request,
            _("Your request is received. The programme office will erase your data and tell you."),
        )
    return redirect("candidates:my_data")


# --- reviewer -----------------------------------------------------------------------------


@policy.guard(A.LIST_REVIEW_ASSIGNMENTS)
def review_list(request):
    assignments = ReviewAssignment.objects.filter(
        reviewer=request.user, application__in=visible_applications(request.user)
    )
    form = forms.ReviewFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["scores"]:
        to_do = form.cleaned_data["scores"] == form.TO_DO
        assignments = assignments.filter(submitted_at__isnull=to_do)
        if to_do:  # scoring closes with screening
            assignments = assignments.filter(application__state=S.SCREENING)
    assignments = assignments.select_related("application").order_by("submitted_at", "assigned_at")
    return render(
        request, "candidates/review_list.html", {"assignments": assignments, "form": form}
    )


@policy.guard(A.REVIEW_APPLICATION, load=_load_assignment)
def review(request, app):
    assignment = app.assignments.get(reviewer=request.user)
    criteria = list(app.review_round.criteria.all()) if app.review_round else []
    given = {s.criterion_id: s for s in assignment.scores.all()}
    errors = []
    if request.method == "POST" and "declare_conflict" in request.POST:
        conflict = forms.ConflictForm(request.POST)
        if conflict.is_valid():
            services.declare_conflict(
                app, request.user, actor=request.user, reason=conflict.cleaned_data["reason"]
            )
            messages.success(
                request, _("Your conflict is recorded; the office will assign someone else.")
            )
            return redirect("candidates:reviews")
        errors.append(_("Say briefly why you cannot review this candidate."))
    elif request.method == "POST":
        scores = {}
        for criterion in criteria:
            raw = request.POST.get(f"score_{criterion.pk}", "")
            comment = request.POST.get(f"comment_{criterion.pk}", "")
            if raw not in {"1", "2", "3", "4", "5"}:
                errors.append(_("%s: choose a score from 1 to 5.") % criterion.title)
                continue
            scores[criterion.pk] = (int(raw), comment)
        if not errors:
            # Kept by hand: the scores are no form; a refusal joins the page's list of errors.
            try:
                services.submit_scores(assignment, actor=request.user, scores=scores)
            except CandidateError as exc:
                errors.append(str(exc))
            else:
                messages.success(
                    request,
                    _("Your scores are saved. You can change them until the office decides."),
                )
                return redirect("candidates:reviews")
    rows = [
        {
            "criterion": c,
            "score": request.POST.get(f"score_{c.pk}")
            or (given[c.pk].score if c.pk in given else ""),
            "comment": request.POST.get(f"comment_{c.pk}")
            or (given[c.pk].comment if c.pk in given else ""),
        }
        for c in criteria
    ]
    return render(
        request,
        "candidates/review.html",
        {
            "app": app,
            "assignment": assignment,
            "rows": rows,
            "errors": errors,
            "scale": range(1, 6),
            "conflict_form": forms.ConflictForm(),
            "open": app.state == S.SCREENING,
        },
    )


# --- office -------------------------------------------------------------------------------


@policy.guard(A.LIST_APPLICATIONS)
def application_list(request):
    form = forms.ApplicationFilterForm(request.GET or None)
    visible = visible_applications(request.user)
    apps = visible.exclude(state=S.DRAFT).annotate(reviewers=Count("assignments", distinct=True))
    if form.is_valid():
        if form.cleaned_data["state"]:
            apps = apps.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"].strip()
            apps = apps.filter(family_name__icontains=q) | apps.filter(
                family_name_kana__icontains=q
            )
        awaiting = form.cleaned_data["awaiting"]
        if awaiting == form.DECISION:
            apps = awaiting_decision(request.user, apps)
        elif awaiting == form.INTERVIEW:
            apps = awaiting_interview(request.user, apps)
        elif awaiting == form.RENEWAL:
            apps = expiring_certifications(request.user, timezone.localdate(), apps)
    counts = dict(visible.values_list("state").annotate(n=Count("id")))
    page = Paginator(apps.order_by("-submitted_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    states = [(state, label, counts.get(state, 0)) for state, label in S.choices]
    return render(
        request,
        "candidates/application_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "states": states},
    )


@policy.guard(A.VIEW_APPLICATION, load=_load_application)
def application_detail(request, app):
    if request.user.role == Role.CANDIDATE:
        return redirect("candidates:application")
    if not policy.can(request.user, A.VIEW_SCORES, app):
        raise Http404
    return _render_detail(request, app)


def _assign_form(app):
    form = forms.AssignReviewerForm(application=app)
    return form if form.fields["reviewer"].queryset.exists() else None


def _render_detail(request, app, *, status=200, **bound_forms):
    """The office's page of one application; ``bound_forms`` re-show a form with its errors."""
    assignments, summary, total = services.score_summary(app)
    history = AuditEvent.objects.filter(
        object_type="candidates.application", object_id=str(app.pk)
    ).order_by("at", "id")
    open_for_review = app.state in (S.APPLIED, S.SCREENING)
    forms_shown = {
        "assign_form": _assign_form(app) if open_for_review else None,
        "decision_form": forms.DecisionForm() if app.state in (S.SCREENING, S.INTERVIEW) else None,
        "interview_form": forms.InterviewForm() if app.state == S.INTERVIEW else None,
        "reason_form": forms.ReasonForm(),
    }
    forms_shown.update(bound_forms)
    invalid = next((f for f in bound_forms.values() if f is not None and f.errors), None)
    return render(
        request,
        "candidates/application_detail.html",
        {
            "app": app,
            "assignments": assignments,
            "summary": summary,
            "total": total,
            "history": history,
            **forms_shown,
            "form": invalid,
            "can_certify": app.state == S.TRAINING,
            "training_done": app.state == S.TRAINING
            and services.public_sector_training_completed(app.user),
            "certification_moves": [
                (t, S(t).label)
                for t in (S.SUSPENDED, S.CERTIFIED, S.REVOKED)
                if CERTIFICATION.allowed(app.state, t)
                and (t != S.CERTIFIED or app.state == S.SUSPENDED)
            ],
            "can_renew": app.state in (S.CERTIFIED, S.EXPIRED),
            "interviews": app.interviews.all(),
        },
        status=status,
    )


def _office_action(request, app, call, success):
    with refusal_to_message(request):
        call()
        messages.success(request, success)
    return redirect("candidates:application_detail", pk=app.pk)


@require_POST
@policy.guard(A.ASSIGN_REVIEWERS, load=_load_application)
def assign_reviewer(request, app):
    form = forms.AssignReviewerForm(request.POST, application=app)
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer from the list."))
        return redirect("candidates:application_detail", pk=app.pk)
    reviewer = form.cleaned_data["reviewer"]
    return _office_action(
        request,
        app,
        lambda: services.assign_reviewer(app, reviewer, actor=request.user),
        _("%s is assigned.") % reviewer.display_name,
    )


@require_POST
@policy.guard(A.DECIDE_APPLICATION, load=_load_application)
def decide(request, app):
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, app, status=400, decision_form=form)
    data = form.cleaned_data
    return _office_action(
        request,
        app,
        lambda: services.decide(
            app, actor=request.user, decision=data["decision"], reason=data["reason"]
        ),
        _("The decision is recorded and the candidate is told."),
    )


@require_POST
@policy.guard(A.DECIDE_APPLICATION, load=_load_application)
@once_per_form_token
def schedule_interview(request, app):
    form = forms.InterviewForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, app, status=400, interview_form=form)
    return _office_action(
        request,
        app,
        lambda: services.schedule_interview(app, actor=request.user, **form.cleaned_data),
        _("The interview is scheduled and the candidate is told."),
    )


@require_POST
@policy.guard(A.CERTIFY, load=_load_application)
def certify(request, app):
    return _office_action(
        request,
        app,
        lambda: services.certify(app, actor=request.user),
        _("Certified. The CIO is in the pool."),
    )


@require_POST
@policy.guard(A.CHANGE_CERTIFICATION, load=_load_application)
def change_certification(request, app):
    form = forms.ReasonForm(request.POST)
    target = request.POST.get("target", "")
    if not form.is_valid():
        return _render_detail(request, app, status=400, reason_form=form)
    reason = form.cleaned_data["reason"]

    def call():
        if target == "renew":
            return services.renew_certification(app, actor=request.user, reason=reason)
        return services.change_certification(app, actor=request.user, target=target, reason=reason)

    return _office_action(request, app, call, _("The certification is changed."))


@policy.guard(A.VIEW_POOL)
def pool(request):
    form = forms.PoolFilterForm(request.GET or None)
    visible = visible_applications(request.user)
    found = search_pool(visible)
    if form.is_bound and form.is_valid():
        found = search_pool(visible, **form.cleaned_data)
    export = request.GET.get("format")
    stamp = timezone.localdate().isoformat()
    if export in ("csv", "xlsx"):
        return pool_export(found, export, filename=f"cio-pool-{stamp}")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "candidates/pool.html",
        {"form": form, "page": page, "query": query.urlencode(), "roles": list(SkillRole)},
    )


@policy.guard(A.LIST_APPLICATIONS)
def deletion_requests(request):
    pending = DeletionRequest.objects.filter(state=DeletionRequest.State.REQUESTED).select_related(
        "application"
    )
    done = DeletionRequest.objects.filter(state=DeletionRequest.State.COMPLETED)[:20]
    return render(request, "candidates/deletions.html", {"pending": pending, "done": done})


def _load_deletion(request, pk):
    return get_object_or_404(
        DeletionRequest.objects.select_related("application"),
        pk=pk,
        state=DeletionRequest.State.REQUESTED,
    )


@require_POST
@policy.guard(A.COMPLETE_DELETION)
def complete_deletion(request, pk):
    deletion = _load_deletion(request, pk)
    with refusal_to_message(request):
        services.complete_deletion(deletion, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("The personal data is erased. The audit trail is kept."))
    return redirect("candidates:deletions")


def _load_round(request, year):
    return get_object_or_404(ReviewRound, fiscal_year=year)


@policy.guard(A.CONFIGURE_REVIEW, load=_load_round)
def criteria(request, review_round):
    form = forms.CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.save_criterion(review_round, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The criterion is saved."))
            return redirect("candidates:criteria", year=review_round.fiscal_year)
    return render(request, "candidates/criteria.html", {"round": review_round, "form": form})


@policy.guard(A.CONFIGURE_REVIEW)
def rounds(request):
    year = services.fiscal_year(timezone.localdate())
    if request.method == "POST":
        services.ensure_review_round(year, actor=request.user)
        return redirect("candidates:criteria", year=year)
    return render(
        request, "candidates/rounds.html", {"rounds": ReviewRound.objects.all(), "year": year}
    )
