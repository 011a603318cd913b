"""Pages of dispatches: a list per person, the dispatch page with what each side does next,
the forms of each step, the notice of appointment as PDF, and the office's list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.candidates.models import Application
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.exports import CHUNK_SIZE, csv_response
from ciodispatch.core.once import once_per_form_token
from ciodispatch.dispatches import forms, queries, services
from ciodispatch.dispatches.models import Dispatch, Evaluation, Extension
from ciodispatch.dispatches.notice import notice_pdf
from ciodispatch.dispatches.services import DispatchError
from ciodispatch.localgov.queries import prefecture_choices

A = policy.Action
S = Dispatch.State
DISPATCHES_PER_PAGE = 50


def _load(request, pk, **kwargs):
    return get_object_or_404(queries.base(), pk=pk)


def _load_extension(request, pk, **kwargs):
    return get_object_or_404(Extension.objects.select_related("dispatch"), pk=pk).dispatch


def _back(dispatch: Dispatch, anchor: str = ""):
    response = redirect("dispatches:detail", dispatch.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _posted(request):
    """The posted data, even when empty (an empty post is a form with every field missing)."""
    return request.POST if request.method == "POST" else None


def _button(request, dispatch, call, success: str, anchor: str):
    """A one-button step: call the service, say what happened (or why not), go back."""
    with refusal_to_message(request):
        call()
        messages.success(request, success)
    return _back(dispatch, anchor)


def _form_step(
    request, dispatch, form, call, *, success: str, anchor: str, template: str, **context
):
    """A step with a form: on a valid post call the service with the cleaned data; a refusal
    shows on the form (nothing saved), success goes back to the dispatch."""
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            call(**form.cleaned_data)
            messages.success(request, success)
            return _back(dispatch, anchor)
    return render(request, template, {"dispatch": dispatch, "form": form, **context})


@policy.guard(A.LIST_OWN_DISPATCHES)
def mine(request):
    if policy.can(request.user, A.MANAGE_DISPATCHES):
        return redirect("dispatches:office")
    today = timezone.localdate()
    waiting = _waiting(request, queries.OWN_WAITING)
    dispatches = queries.visible_to(request.user)
    if waiting:
        # What waits for this user (the work queue's links): only those dispatches.
        dispatches = queries.waiting_for(request.user, waiting, dispatches, today=today)
    rows = [
        (d, queries.next_steps(d, request.user, today=today))
        for d in dispatches.select_related("replaced_by")
        .prefetch_related("extensions", "evaluations")
        .order_by("-proposed_at")
    ]
    return render(
        request,
        "dispatches/mine.html",
        {
            "rows": rows,
            "waiting": waiting,
            "waiting_choices": _waiting_choices(queries.OWN_WAITING),
        },
    )


def _waiting(request, offered) -> str:
    value = request.GET.get("waiting", "")
    return value if value in offered else ""


def _waiting_choices(offered):
    return [(key, queries.WAITING[key][0]) for key in offered]


@policy.guard(A.MANAGE_DISPATCHES)
def office(request):
    params = request.GET
    try:
        fiscal_year = int(params.get("fiscal_year") or 0) or None
    except ValueError:
        fiscal_year = None
    state = params.get("state", "") if params.get("state", "") in S.values else ""
    # A NUL character cannot reach PostgreSQL; nothing else in a filter can hurt.
    prefecture = params.get("prefecture", "")[:2].replace("\x00", "")
    q = params.get("q", "")[:50].replace("\x00", "").strip()
    waiting = _waiting(request, queries.OFFICE_WAITING)
    dispatches = queries.office_list(
        request.user,
        state=state,
        fiscal_year=fiscal_year,
        prefecture=prefecture,
        q=q,
        waiting=waiting,
    )
    if params.get("format") == "csv":
        header = [
            _("Notice number"), _("Fiscal year"), _("Host"), _("CIO"), _("State"),
            _("Form of appointment"), _("Start"), _("End"), _("Ended on"),
            _("Pay (yen a month)"), _("Working days a week"),
        ]  # fmt: skip
        rows = (
            [
                d.notice_number,
                d.request.request_round.fiscal_year,
                d.host_name,
                d.cio_name,
                d.get_state_display(),
                d.get_appointment_form_display(),
                d.start_date,
                d.end_date,
                d.ended_on,
                d.pay_yen_per_month,
                d.days_per_week,
            ]  # fmt: skip
            for d in dispatches.iterator(chunk_size=CHUNK_SIZE)
        )
        return csv_response(header, rows, filename="dispatches.csv")
    years = list(
        queries.visible_to(request.user)
        .order_by("-request__request_round__fiscal_year")
        .values_list("request__request_round__fiscal_year", flat=True)
        .distinct()
    )
    page = Paginator(dispatches, DISPATCHES_PER_PAGE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "dispatches/office.html",
        {
            "dispatches": page.object_list,
            "page": page,
            "query": query.urlencode(),
            "counts": queries.state_counts(
                queries.office_list(request.user, fiscal_year=fiscal_year)
            ),
            "states": S.choices,
            "years": years,
            "prefectures": prefecture_choices(),
            "filters": {
                "state": state,
                "fiscal_year": fiscal_year,
                "prefecture": prefecture,
                "q": q,
                "waiting": waiting,
            },
            "waiting_choices": _waiting_choices(queries.OFFICE_WAITING),
            "today": timezone.localdate(),
        },
    )


@policy.guard(A.VIEW_DISPATCH, load=_load)
def detail(request, dispatch):
    user = request.user
    today = timezone.localdate()
    evaluations = {e.kind: e for e in dispatch.evaluations.select_related("submitted_by")}
    can = {
        "cio": policy.can(user, A.ANSWER_AS_CIO, dispatch),
        "host": policy.can(user, A.ANSWER_AS_HOST, dispatch),
        "office": policy.can(user, A.MANAGE_DISPATCHES, dispatch),
        "start": policy.can(user, A.START_DISPATCH, dispatch),
        "end": policy.can(user, A.END_DISPATCH, dispatch),
        "extend": policy.can(user, A.REQUEST_EXTENSION, dispatch),
        "decide": policy.can(user, A.DECIDE_EXTENSION, dispatch),
        "case": policy.can(user, A.DRAFT_CASE_FROM_DISPATCH, dispatch),
        # The terms (pay, the notice) and the evaluations: the parties and the office.
        "terms": policy.can(user, A.DOWNLOAD_NOTICE, dispatch),
    }
    open_kinds = []
    if services.evaluation_open(dispatch, today=today):
        open_kinds = [
            (kind, label)
            for kind, label in Evaluation.Kind.choices
            if kind not in evaluations
            and policy.can(user, services.EVALUATION_ACTIONS[kind], dispatch)
        ]
    return render(
        request,
        "dispatches/detail.html",
        {
            "dispatch": dispatch,
            "steps": queries.next_steps(dispatch, user, today=today),
            "can": can,
            "today": today,
            "extensions": dispatch.extensions.select_related("requested_by", "decided_by"),
            "evaluations": [
                (e, queries.evaluation_rows(e))
                for kind, _label in Evaluation.Kind.choices
                if (e := evaluations.get(kind))
            ],
            "open_kinds": open_kinds,
            "replaced_by": Dispatch.objects.filter(replaces=dispatch).first(),
            "decline_form": forms.DeclineForm(),
            "end_form": forms.EndEarlyForm(initial={"on": today}),
            "extension_form": forms.ExtensionForm(),
            "decision_form": forms.ExtensionDecisionForm(),
        },
    )


def _can_answer(user, dispatch) -> bool:
    return policy.can(user, A.ANSWER_AS_CIO, dispatch) or policy.can(
        user, A.ANSWER_AS_HOST, dispatch
    )


@require_POST
@policy.guard(A.VIEW_DISPATCH, load=_load)
def answer(request, dispatch):
    if not _can_answer(request.user, dispatch):
        raise PermissionDenied
    side = "cio" if policy.can(request.user, A.ANSWER_AS_CIO, dispatch) else "host"
    with refusal_to_message(request):
        if request.POST.get("answer") == "accept":
            services.accept(dispatch, actor=request.user, side=side)
            messages.success(request, _("You accepted the dispatch."))
        elif request.POST.get("answer") == "decline":
            form = forms.DeclineForm(request.POST)
            if not form.is_valid():
                if not request.POST.get("reason", "").strip():
                    raise DispatchError(_("Write why you decline."))
                raise DispatchError(" ".join(form.errors["reason"]))
            services.decline(dispatch, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("You declined the dispatch; the office has been told."))
        else:
            raise DispatchError(_("Choose to accept or to decline."))
    return _back(dispatch, "answer")


@policy.guard(A.SET_APPOINTMENT, load=_load)
def appointment(request, dispatch):
    if dispatch.state != S.ACCEPTED:
        messages.error(
            request, _("The appointment is set after both sides accept and before the start.")
        )
        return _back(dispatch)
    form = forms.AppointmentDetailsForm.for_dispatch(
        dispatch, request.POST if request.method == "POST" else None
    )
    return _form_step(
        request, dispatch, form,
        lambda **values: services.set_appointment(dispatch, actor=request.user, **values),
        success=_("The appointment is set; the CIO is asked to confirm it."),
        anchor="appointment", template="dispatches/appointment.html",
        page_title=_("The appointment"),
    )  # fmt: skip


@require_POST
@policy.guard(A.CONFIRM_APPOINTMENT, load=_load)
def confirm(request, dispatch):
    return _button(
        request, dispatch, lambda: services.confirm_appointment(dispatch, actor=request.user),
        _("You confirmed the appointment; the notice is issued."), "appointment",
    )  # fmt: skip


@policy.guard(A.DOWNLOAD_NOTICE, load=_load)
def notice(request, dispatch):
    if not dispatch.notice_issued_at:
        messages.error(request, _("The notice is issued once the CIO confirms the appointment."))
        return _back(dispatch)
    response = HttpResponse(notice_pdf(dispatch), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dispatch.notice_number}.pdf"'
    return response


@require_POST
@policy.guard(A.START_DISPATCH, load=_load)
def start(request, dispatch):
    return _button(
        request, dispatch, lambda: services.start(dispatch, actor=request.user),
        _("The term has started."), "term",
    )  # fmt: skip


@require_POST
@policy.guard(A.END_DISPATCH, load=_load)
def complete(request, dispatch):
    return _button(
        request, dispatch, lambda: services.complete(dispatch, actor=request.user),
        _("The dispatch is completed. Evaluations are now open."), "term",
    )  # fmt: skip


@policy.guard(A.END_DISPATCH, load=_load)
def end_early(request, dispatch):
    form = forms.EndEarlyForm(_posted(request), initial={"on": timezone.localdate()})
    return _form_step(
        request, dispatch, form,
        lambda **values: services.end_early(dispatch, actor=request.user, **values),
        success=_("The dispatch has ended early; everyone has been told."),
        anchor="term", template="dispatches/end_early.html",
        page_title=_("End the dispatch early"),
    )  # fmt: skip


@policy.guard(A.REQUEST_EXTENSION, load=_load)
def extension(request, dispatch):
    form = forms.ExtensionForm(_posted(request))
    return _form_step(
        request, dispatch, form,
        lambda **values: services.request_extension(dispatch, actor=request.user, **values),
        success=_("The extension is requested; the office decides."),
        anchor="extension", template="dispatches/extension.html",
        page_title=_("Ask for a longer term"),
        longest=dispatch.request.request_round.max_total_term_months,
    )  # fmt: skip


@require_POST
@policy.guard(A.DECIDE_EXTENSION, load=_load_extension)
def decide_extension(request, dispatch):
    extension = get_object_or_404(Extension, pk=request.resolver_match.kwargs["pk"])
    form = forms.ExtensionDecisionForm(request.POST)
    with refusal_to_message(request):
        if not form.is_valid():
            raise DispatchError(_("Choose to approve or to refuse."))
        approve = form.cleaned_data["decision"] == "approve"
        services.decide_extension(
            extension, actor=request.user, approve=approve, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("The extension is approved.") if approve else _("The extension is refused.")
        )
    return _back(dispatch, "extension")


@policy.guard(A.MANAGE_DISPATCHES, load=_load)
def fill(request, dispatch):
    candidates = services.candidates_for_place(dispatch) if dispatch.state == S.DECLINED else []
    form = forms.FillPlaceForm(_posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        application = get_object_or_404(Application, pk=form.cleaned_data["application"])
        with refusal_to_form(form):
            new = services.fill_place(
                dispatch, application=application, actor=request.user,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
            messages.success(request, _("The place is offered to %s.") % application.full_name)
            return redirect("dispatches:detail", new.pk)
    return render(
        request,
        "dispatches/fill.html",
        {
            "dispatch": dispatch,
            "form": form,
            "candidates": candidates,
            "page_title": _("Fill the place"),
        },
    )


@policy.guard(A.VIEW_DISPATCH, load=_load)
def evaluate(request, dispatch):
    kinds = [
        kind
        for kind, action in services.EVALUATION_ACTIONS.items()
        if policy.can(request.user, action, dispatch)
    ]
    if not kinds:
        raise PermissionDenied
    kind = kinds[0]
    if not services.evaluation_open(dispatch):
        messages.error(
            request, _("Evaluations open in the last month of the term and after it has ended.")
        )
        return _back(dispatch, "evaluation")
    if dispatch.evaluations.filter(kind=kind).exists():
        messages.info(request, _("Your evaluation is already submitted."))
        return _back(dispatch, "evaluation")
    form = forms.EvaluationForm(_posted(request), kind=kind)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.submit_evaluation(
                dispatch, actor=request.user, kind=kind, **form.service_values()
            )
            messages.success(request, _("Thank you: your evaluation is submitted."))
            return _back(dispatch, "evaluation")
    return render(
        request,
        "dispatches/evaluate.html",
        {"dispatch": dispatch, "form": form, "page_title": Evaluation.Kind(kind).label},
    )


@require_POST
@policy.guard(A.DRAFT_CASE_FROM_DISPATCH, load=_load)
@once_per_form_token
def case_draft(request, dispatch):
    with refusal_to_message(request):
        case = services.draft_case(dispatch, actor=request.user)
        messages.success(request, _("A case draft is ready: check it and send it for review."))
        return redirect("knowhow:case_manage", case.pk)
    return _back(dispatch, "evaluation")
