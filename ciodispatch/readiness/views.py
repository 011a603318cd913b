from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.accounts.models import Organisation
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.readiness import forms, services
from ciodispatch.readiness.models import Assessment, Dimension
from ciodispatch.readiness.rules import (
    group_members,
    not_assessed,
    visible_assessments,
    visible_readiness,
)
from ciodispatch.readiness.services import GAP_THRESHOLD, ReadinessError

A = policy.Action
S = Assessment.State

SHORT_LABELS = {
    "head_vision": gettext_lazy("Head"),
    "cio_authority": gettext_lazy("Authority"),
    "counterpart": gettext_lazy("Counterpart"),
    "cooperation": gettext_lazy("Cooperation"),
    "field": gettext_lazy("Front line"),
    "strategy": gettext_lazy("Strategy"),
    "budget": gettext_lazy("Budget"),
}


def _load_local_government(request, code):
    return get_object_or_404(LocalGovernment, code=code)


def _own_local_government(request, **kwargs):
    local_government = getattr(request.user, "local_government", None)
    if local_government is None:
        raise PermissionDenied
    return local_government


def _load_assessment(request, pk, **kwargs):
    return get_object_or_404(
        Assessment.objects.select_related("local_government", "questionnaire"), pk=pk
    )


def _score_rows(assessment):
    scores = services.dimension_scores(assessment)
    return [
        {
            "key": d.value,
            "label": d.label,
            "score": scores[d.value],
            "gap": scores[d.value] < GAP_THRESHOLD,
        }
        for d in Dimension
    ]


def _challenge_rows(assessment):
    ratings = services.challenge_ratings(assessment)
    labels = dict(forms.SEVERITY_CHOICES)
    return [
        {
            "label": c.label,
            "severity": ratings.get(c.value),
            "text": labels.get(ratings.get(c.value)),
        }
        for c in Challenge
    ]


def _result_context(assessment):
    return {
        "score_rows": _score_rows(assessment),
        "gaps": services.gaps(assessment),
        "challenge_rows": _challenge_rows(assessment),
        "threshold": GAP_THRESHOLD,
    }


def _readiness_page(request, local_government):
    user = request.user
    latest = services.latest_submitted(local_government)
    draft = services.draft_of(local_government)
    organisation = Organisation.objects.filter(local_government=local_government).first()
    context = {
        "local_government": local_government,
        "latest": latest,
        "history": services.submitted_history(local_government),
        "draft": draft
        if draft is not None and policy.can(user, A.EDIT_ASSESSMENT, draft)
        else None,
        "can_start": draft is None and policy.can(user, A.START_ASSESSMENT, local_government),
        "training": services.training_status(organisation) if organisation else [],
        "own": policy.can(user, A.START_ASSESSMENT, local_government),
        "can_list": policy.can(user, A.LIST_READINESS),
    }
    if latest is not None:
        context.update(_result_context(latest))
    return render(request, "readiness/readiness.html", context)


@policy.guard(A.VIEW_OWN_READINESS)
def own(request):
    return _readiness_page(request, _own_local_government(request))


@policy.guard(A.VIEW_READINESS, load=_load_local_government)
def local_government(request, local_government):
    return _readiness_page(request, local_government)


@require_POST
@policy.guard(A.START_ASSESSMENT, load=_own_local_government)
def start(request, local_government):
    draft = services.draft_of(local_government)
    if draft is None:
        with refusal_to_message(request):
            draft = services.start_assessment(local_government, actor=request.user)
        if draft is None:  # refused: the message says why
            return redirect("readiness:own")
    return redirect("readiness:tasks", draft.pk)


def _progress(assessment):
    questions = services.questions_of(assessment.questionnaire)
    answered = set(assessment.answers.values_list("question_id", flat=True))
    sections = []
    for dimension in Dimension:
        mine = [q for q in questions if q.dimension == dimension]
        done = sum(q.pk in answered for q in mine)
        status = "completed" if done == len(mine) else ("in_progress" if done else "not_started")
        sections.append(
            {
                "key": dimension.value,
                "title": dimension.label,
                "status": status,
                "done": done,
                "total": len(mine),
            }
        )
    rated = len(services.challenge_ratings(assessment))
    sections.append(
        {
            "key": "challenges",
            "title": _("The six common challenges"),
            "status": "completed"
            if rated == len(Challenge)
            else ("in_progress" if rated else "not_started"),
            "done": rated,
            "total": len(Challenge),
        }
    )
    return sections


@policy.guard(A.EDIT_ASSESSMENT, load=_load_assessment)
def tasks(request, assessment):
    sections = _progress(assessment)
    return render(
        request,
        "readiness/tasks.html",
        {
            "assessment": assessment,
            "sections": sections,
            "done": sum(s["status"] == "completed" for s in sections),
        },
    )


def _next_section(key):
    order = [*Dimension.values, "challenges"]
    index = order.index(key)
    return order[index + 1] if index + 1 < len(order) else None


@policy.guard(A.EDIT_ASSESSMENT, load=_load_assessment)
def dimension(request, assessment):
    key = request.resolver_match.kwargs["dimension"]
    if key not in Dimension.values:
        raise Http404
    questions = [q for q in services.questions_of(assessment.questionnaire) if q.dimension == key]
    given = {a.question_id: a for a in assessment.answers.all()}
    initial = {}
    for question in questions:
        if question.pk in given:
            initial[f"q{question.pk}"] = given[question.pk].option_id
            initial[f"e{question.pk}"] = given[question.pk].evidence
    form = forms.DimensionForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial=initial,
    )
    title = Dimension(key).label
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.save_answers(assessment, form.cleaned_data["answers"], actor=request.user)
            messages.success(request, _("“%s” is saved.") % title)
            following = _next_section(key)
            if "return" in request.POST or following is None:
                return redirect("readiness:tasks", assessment.pk)
            if following == "challenges":
                return redirect("readiness:challenges", assessment.pk)
            return redirect("readiness:dimension", assessment.pk, following)
    return render(
        request,
        "readiness/dimension.html",
        {"assessment": assessment, "form": form, "title": title, "key": key},
    )


@policy.guard(A.EDIT_ASSESSMENT, load=_load_assessment)
def challenges(request, assessment):
    form = forms.ChallengesForm(
        request.POST if request.method == "POST" else None,
        initial=services.challenge_ratings(assessment),
    )
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.save_challenges(assessment, form.cleaned_data, actor=request.user)
            messages.success(request, _("The six common challenges are saved."))
            return redirect("readiness:check", assessment.pk)
    return render(request, "readiness/challenges.html", {"assessment": assessment, "form": form})


@policy.guard(A.SUBMIT_ASSESSMENT, load=_load_assessment)
def check(request, assessment):
    error = None
    if request.method == "POST":
        # Kept by hand: a refusal joins the list of what is missing, above the answers.
        try:
            services.submit_assessment(assessment, actor=request.user)
        except ReadinessError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _(
                    "Your assessment is submitted. Your scores and what to do about the gaps "
                    "are below."
                ),
            )
            return redirect("readiness:result", assessment.pk)
    answers = {a.question_id: a for a in assessment.answers.select_related("option")}
    questions = services.questions_of(assessment.questionnaire)
    groups = [
        {
            "key": d.value,
            "title": d.label,
            "rows": [(q, answers.get(q.pk)) for q in questions if q.dimension == d],
        }
        for d in Dimension
    ]
    return render(
        request,
        "readiness/check.html",
        {
            "assessment": assessment,
            "groups": groups,
            "unanswered": services.unanswered(assessment),
            "unrated": [Challenge(c).label for c in services.unrated_challenges(assessment)],
            "challenge_rows": _challenge_rows(assessment),
            "error": error,
        },
    )


@policy.guard(A.VIEW_ASSESSMENT, load=_load_assessment)
def result(request, assessment):
    answers = list(
        assessment.answers.select_related("question", "option").order_by("question__number")
    )
    groups = [
        {"title": d.label, "answers": [a for a in answers if a.question.dimension == d]}
        for d in Dimension
    ]
    return render(
        request,
        "readiness/result.html",
        {
            "assessment": assessment,
            "groups": groups,
            "own": policy.can(request.user, A.START_ASSESSMENT, assessment.local_government),
            **_result_context(assessment),
        },
    )


@policy.guard(A.LIST_READINESS)
def office_list(request):
    coordinated = None
    if not policy.can(request.user, A.PUBLISH_QUESTIONNAIRE):
        # A coordinator: their own prefecture only.
        coordinated = request.user.local_government.prefecture_code
    form = forms.ReadinessFilterForm(request.GET or None, prefecture=coordinated)
    prefecture = coordinated
    if coordinated is None and form.is_valid():
        prefecture = form.cleaned_data["prefecture"] or None
    user = request.user
    latest = (
        visible_assessments(user)
        .filter(local_government=OuterRef("pk"), state=S.SUBMITTED)
        .order_by("-submitted_at", "-id")
    )
    # Only whether a new one is in progress is shown; the draft stays with its government.
    drafts = Assessment.objects.filter(local_government=OuterRef("pk"), state=S.DRAFT)
    governments = visible_readiness(user).annotate(
        latest_id=Subquery(latest.values("pk")[:1]), draft_id=Subquery(drafts.values("pk")[:1])
    )
    chase = form.is_valid() and form.cleaned_data["not_assessed"]
    if chase:
        governments = not_assessed(user, governments)
    if form.is_valid() and form.cleaned_data["group_members"]:
        governments = group_members(governments)
    if prefecture:
        governments = governments.filter(prefecture_code=prefecture)
    elif not chase:
        governments = governments.filter(latest_id__isnull=False)
    page = Paginator(governments.order_by("code"), 100).get_page(request.GET.get("page"))
    assessments = visible_assessments(user).in_bulk(
        [g.latest_id for g in page if g.latest_id is not None]
    )
    scores = services.scores_for(assessments.values())
    rows = []
    for government in page:
        assessment = assessments.get(government.latest_id)
        row_scores = scores.get(government.latest_id) if assessment else None
        rows.append(
            {
                "government": government,
                "assessment": assessment,
                "in_progress": government.draft_id is not None,
                "scores": [
                    {"score": row_scores[d], "gap": row_scores[d] < GAP_THRESHOLD}
                    for d in Dimension.values
                ]
                if row_scores
                else [],
                "gaps": sum(v < GAP_THRESHOLD for v in row_scores.values()) if row_scores else 0,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "readiness/list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "columns": [(d.value, SHORT_LABELS[d.value], d.label) for d in Dimension],
            "threshold": GAP_THRESHOLD,
            "coordinated": coordinated,
            "prefecture": prefecture,
        },
    )
