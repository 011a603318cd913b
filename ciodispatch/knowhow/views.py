from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.exports import csv_bytes, download
from ciodispatch.core.once import once_per_form_token
from ciodispatch.knowhow import forms, queries, recommendations, services
from ciodispatch.knowhow.models import LICENCE, LICENCE_URL, Award, Case, CaseAttachment, Manual
from ciodispatch.knowhow.render import markdown_to_html
from ciodispatch.knowhow.rules import visible_cases
from ciodispatch.localgov.models import LocalGovernment

A = policy.Action
S = Case.State
PAGE_SIZE = 20


def _published_case(request, pk, **kwargs):
    return get_object_or_404(queries.published_cases().prefetch_related("local_governments"), pk=pk)


def _any_case(request, pk, **kwargs):
    return get_object_or_404(Case.objects.prefetch_related("local_governments"), pk=pk)


def _published_manual(request, pk, **kwargs):
    return get_object_or_404(queries.published_manuals(), pk=pk)


# --- public pages ---------------------------------------------------------------------------


@policy.guard(A.BROWSE_KNOWHOW)
def case_list(request):
    form = forms.CaseSearchForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    q = request.GET.get("q", "")
    number = request.GET.get("page", "1")
    offset = (
        (int(number) - 1) * PAGE_SIZE
        if number.isascii() and number.isdigit() and len(number) < 10
        else 0
    )
    cases, result = queries.search_cases(q, page=(max(0, offset), PAGE_SIZE), **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    hits = {h.object_id: h for h in result.hits} if result else {}
    rows = [(case, hits.get(case.pk)) for case in page.object_list]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "knowhow/case_list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": query,
            "count": page.paginator.count,
            "result": result,
            "searched": bool(request.GET),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
        },
    )


@policy.guard(A.BROWSE_KNOWHOW)
def case_csv(request):
    header = [
        "id",
        "title",
        "local_governments",
        "codes",
        "theme",
        "year_from",
        "year_to",
        "challenges",
        "success_points",
        "spread_points",
        "outcomes",
        "sources",
        "version",
        "published_at",
        "url",
        "licence",
    ]
    rows = [
        [
            case.pk,
            case.title,
            case.government_names(),
            " ".join(lg.code for lg in case.local_governments.all()),
            case.theme,
            case.year_from,
            case.year_to,
            " ".join(case.challenges),
            " / ".join(case.success_points),
            " / ".join(case.spread_points),
            " / ".join(
                f"{o['label']}: {o['value']} ({o['source']})" if o["value"] else o["label"]
                for o in case.outcomes
            ),
            " / ".join(s["title"] for s in case.sources),
            case.version,
            case.published_at.date() if case.published_at else None,
            request.build_absolute_uri(reverse("knowhow:case_detail", args=[case.pk])),
            f"{LICENCE} {LICENCE_URL}",
        ]
        for case in queries.published_cases().prefetch_related("local_governments")
    ]
    return download(
        csv_bytes(header, [[_cell(value) for value in row] for row in rows]),
        filename="knowhow-cases.csv",
    )


def _cell(value):
    """Text a host wrote is never read by Excel as a formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@policy.guard(A.BROWSE_KNOWHOW, load=_published_case)
def case_detail(request, case):
    return render(
        request,
        "knowhow/case_detail.html",
        {
            "case": case,
            "body": markdown_to_html(case.body),
            "awards": case.awards.select_related("award"),
            "manuals": case.manuals.filter(state=Manual.State.PUBLISHED),
            "attachments": case.attachments.all(),
            "versions": case.versions.all(),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "public": True,
        },
    )


@policy.guard(A.BROWSE_KNOWHOW, load=_published_case)
def case_version(request, case):
    """A published case as it was in an earlier version (kept in CaseVersion.snapshot)."""
    version = get_object_or_404(case.versions, number=request.resolver_match.kwargs["number"])
    snapshot = version.snapshot
    as_it_was = Case(**{k: snapshot[k] for k in services.CASE_FIELDS if k in snapshot})
    names = dict(
        LocalGovernment.objects.filter(code__in=snapshot.get("local_governments", [])).values_list(
            "code", "name"
        )
    )
    shown = SimpleNamespace(
        government_names="、".join(names.get(c, c) for c in snapshot.get("local_governments", [])),
        get_theme_display=as_it_was.get_theme_display(),
        period_label=as_it_was.period_label,
        challenge_labels=as_it_was.challenge_labels,
        version=version.number,
        **{k: getattr(as_it_was, k) for k in services.CASE_FIELDS},
    )
    return render(
        request,
        "knowhow/case_version.html",
        {
            "case": shown,
            "current": case,
            "version": version,
            "body": markdown_to_html(as_it_was.body),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
        },
    )


@policy.guard(A.BROWSE_KNOWHOW)
def manual_list(request):
    q = request.GET.get("q", "")
    manuals, result = queries.search_manuals(q)
    hits = {h.object_id: h for h in result.hits} if result else {}
    return render(
        request,
        "knowhow/manual_list.html",
        {
            "rows": [(m, hits.get(m.pk)) for m in manuals],
            "q": q,
            "result": result,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "can_manage": policy.can(request.user, A.MANAGE_MANUALS),
        },
    )


@policy.guard(A.BROWSE_KNOWHOW, load=_published_manual)
def manual_detail(request, manual):
    return render(
        request,
        "knowhow/manual_detail.html",
        {
            "manual": manual,
            "body": markdown_to_html(manual.body),
            "cases": manual.cases.filter(state=S.PUBLISHED),
            "courses": manual.courses.all(),
            "versions": manual.versions.all(),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
        },
    )


@policy.guard(A.BROWSE_KNOWHOW, load=_published_manual)
def manual_pdf(request, manual):
    if not manual.pdf:
        raise Http404
    return FileResponse(
        manual.pdf.open("rb"),
        as_attachment=True,
        filename=f"manual-{manual.pk}-v{manual.version}.pdf",
        content_type="application/pdf",
    )


@policy.guard(A.BROWSE_KNOWHOW)
def attachment(request, pk):
    """A published case's attachment is public; a draft's only for those who see the draft
    (everyone else gets 404, so the page does not reveal that it exists)."""
    item = get_object_or_404(CaseAttachment.objects.select_related("case"), pk=pk)
    if not policy.can(request.user, A.VIEW_CASE, item.case):
        raise Http404
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=f"case-{item.case_id}-{item.pk}.{item.extension}",
        content_type=item.content_type,
    )


@policy.guard(A.BROWSE_KNOWHOW)
def award_list(request):
    return render(
        request,
        "knowhow/award_list.html",
        {
            "awards": Award.objects.prefetch_related("selections__case"),
            "can_record": policy.can(request.user, A.RECORD_AWARD),
        },
    )


# --- authors and the office -----------------------------------------------------------------


@policy.guard(A.LIST_OWN_CASES)
def workspace(request):
    user = request.user
    visible = list(
        visible_cases(user).exclude(state=S.PUBLISHED).prefetch_related("local_governments")
    )
    is_office = policy.can(user, A.REVIEW_CASES)
    # ?show= lists only the cases waiting for someone (the work queue's links).
    show = request.GET.get("show", "")
    show = show if show in WORKSPACE_SHOW else ""
    shown = {
        "in_review": [c for c in visible if c.state == S.IN_REVIEW],
        "drafts": [c for c in visible if c.state == S.DRAFT],
        "withdrawn": [c for c in visible if c.state == S.WITHDRAWN],
        "published": (
            queries.published_cases().prefetch_related("local_governments")[:20]
            if is_office
            else []
        ),
    }
    if show:
        shown = {name: [] for name in shown}
        if show == "in_review":
            shown["in_review"] = [c for c in visible if c.state == S.IN_REVIEW]
        else:
            shown["drafts"] = [c for c in visible if c.state == S.DRAFT and c.return_reason]
    return render(
        request,
        "knowhow/workspace.html",
        {
            **shown,
            "is_office": is_office,
            "show": show,
            "show_choices": WORKSPACE_SHOW.items(),
        },
    )


WORKSPACE_SHOW = {
    "in_review": gettext_lazy("Cases in review"),
    "returned": gettext_lazy("Cases returned for changes"),
}


def _fixed_government(user):
    return None if policy.can(user, A.REVIEW_CASES) else user.local_government


@policy.guard(A.LIST_OWN_CASES)
@once_per_form_token
def case_new(request):
    fixed = _fixed_government(request.user)
    form = forms.CaseForm(request.POST or None, fixed_government=fixed)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            fields = form.service_fields()
            case = services.create_case_draft(
                local_governments=form.cleaned_data["local_governments"],
                actor=request.user,
                **fields,
            )
            messages.success(request, _("The draft is saved."))
            return redirect("knowhow:case_manage", pk=case.pk)
    return render(request, "knowhow/case_form.html", {"form": form, "case": None})


@policy.guard(A.EDIT_CASE, load=_any_case)
def case_edit(request, case):
    fixed = case.author_government if not policy.can(request.user, A.REVIEW_CASES) else None
    form = forms.CaseForm(
        request.POST or None,
        initial=forms.CaseForm.initial_for(case),
        fixed_government=fixed,
        with_note=case.is_published,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.update_case(
                case,
                actor=request.user,
                local_governments=form.cleaned_data["local_governments"],
                note=form.cleaned_data.get("note", ""),
                **form.service_fields(),
            )
            messages.success(request, _("The case is saved."))
            return redirect("knowhow:case_manage", pk=case.pk)
    return render(request, "knowhow/case_form.html", {"form": form, "case": case})


@policy.guard(A.VIEW_CASE, load=_any_case)
def case_manage(request, case):
    user = request.user
    return render(
        request,
        "knowhow/case_manage.html",
        {
            "case": case,
            "body": markdown_to_html(case.body),
            "attachments": case.attachments.all(),
            "versions": case.versions.all(),
            "missing": services.missing_for_review(case) if case.is_editable else [],
            "can_edit": policy.can(user, A.EDIT_CASE, case),
            "can_submit": policy.can(user, A.SUBMIT_CASE, case),
            "can_review": policy.can(user, A.REVIEW_CASES, case),
            "reason_form": forms.ReasonForm(),
            "attachment_form": forms.AttachmentForm(),
        },
    )


@require_POST
@policy.guard(A.SUBMIT_CASE, load=_any_case)
def case_submit(request, case):
    with refusal_to_message(request):
        services.submit_case(case, actor=request.user)
        messages.success(request, _("The case is sent to the office for review."))
    return redirect("knowhow:case_manage", pk=case.pk)


@require_POST
@policy.guard(A.REVIEW_CASES, load=_any_case)
def case_decide(request, case):
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    with refusal_to_message(request):
        if decision == "publish":
            services.publish_case(case, actor=request.user)
            messages.success(request, _("The case is published."))
        elif decision == "return":
            services.return_case(case, actor=request.user, reason=reason)
            messages.success(request, _("The case is returned to its authors."))
        elif decision == "withdraw":
            services.withdraw_case(case, actor=request.user, reason=reason)
            messages.success(request, _("The case is withdrawn from the public pages."))
        elif decision == "reopen":
            services.reopen_case(case, actor=request.user, reason=reason)
            messages.success(request, _("The case is a draft again."))
        else:
            messages.error(request, _("Choose a decision."))
    return redirect("knowhow:case_manage", pk=case.pk)


@require_POST
@policy.guard(A.EDIT_CASE, load=_any_case)
@once_per_form_token
def case_attach(request, case):
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_to_message(request):
            services.add_attachment(
                case,
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
            messages.success(request, _("The file is attached."))
    else:
        messages.error(request, _("Give the attachment a title and choose a file."))
    return redirect("knowhow:case_manage", pk=case.pk)


def _attachment_case(request, pk, **kwargs):
    return get_object_or_404(CaseAttachment.objects.select_related("case"), pk=pk).case


@require_POST
@policy.guard(A.EDIT_CASE, load=_attachment_case)
def attachment_remove(request, case):
    item = get_object_or_404(case.attachments, pk=request.resolver_match.kwargs["pk"])
    with refusal_to_message(request):
        services.remove_attachment(item, actor=request.user)
        messages.success(request, _("The attachment is removed."))
    return redirect("knowhow:case_manage", pk=case.pk)


@policy.guard(A.RECORD_AWARD)
def award_record(request):
    form = forms.AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.record_award(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The award is recorded."))
            return redirect("knowhow:awards")
    return render(
        request,
        "knowhow/award_form.html",
        {
            "form": form,
            "published": queries.published_cases().prefetch_related("local_governments")[:100],
        },
    )


@policy.guard(A.VIEW_RECOMMENDATIONS)
def recommended(request):
    user = request.user
    own = user.local_government if user.role in ("host_head", "host_liaison") else None
    if own is not None:
        items, basis = recommendations.for_host(own)
    else:
        items, basis = recommendations.for_candidate(user)
    return render(
        request,
        "knowhow/recommendations.html",
        {"items": items, "basis": basis, "is_host": own is not None, "government": own},
    )


# --- manuals (the office) -------------------------------------------------------------------


def _any_manual(request, pk, **kwargs):
    return get_object_or_404(Manual, pk=pk)


@policy.guard(A.MANAGE_MANUALS)
def manual_manage_list(request):
    return render(
        request,
        "knowhow/manual_manage_list.html",
        {"manuals": Manual.objects.order_by("state", "title")},
    )


@policy.guard(A.MANAGE_MANUALS)
@once_per_form_token
def manual_new(request):
    form = forms.ManualForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            manual = services.create_manual(actor=request.user, **form.service_fields())
            messages.success(request, _("The manual is saved as a draft."))
            return redirect("knowhow:manual_manage", pk=manual.pk)
    return render(request, "knowhow/manual_form.html", {"form": form, "manual": None})


@policy.guard(A.MANAGE_MANUALS, load=_any_manual)
def manual_manage(request, manual):
    form = forms.ManualForm(
        request.POST or None,
        request.FILES or None,
        initial=forms.ManualForm.initial_for(manual),
        manual=manual,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.update_manual(
                manual,
                actor=request.user,
                note=form.cleaned_data["note"],
                **form.service_fields(),
            )
            messages.success(request, _("The new version is saved."))
            return redirect("knowhow:manual_manage", pk=manual.pk)
    return render(
        request,
        "knowhow/manual_form.html",
        {"form": form, "manual": manual, "versions": manual.versions.all()},
    )


@require_POST
@policy.guard(A.MANAGE_MANUALS, load=_any_manual)
def manual_decide(request, manual):
    with refusal_to_message(request):
        if request.POST.get("decision") == "publish":
            services.publish_manual(manual, actor=request.user)
            messages.success(request, _("The manual is published."))
        elif request.POST.get("decision") == "withdraw":
            services.withdraw_manual(
                manual, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The manual is withdrawn from the public pages."))
    return redirect("knowhow:manual_manage", pk=manual.pk)
