from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.accounts.models import Role
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.exports import CHUNK_SIZE, export_response
from ciodispatch.core.once import once_per_form_token
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.models import LocalGovernmentGroup
from ciodispatch.localgov.regions import Region, prefecture_codes_of
from ciodispatch.requests import forms, services
from ciodispatch.requests.eligibility import evaluate
from ciodispatch.requests.models import DispatchRequest, RequestRound
from ciodispatch.requests.pages import REQUEST
from ciodispatch.requests.rules import (
    awaiting_confirmations,
    awaiting_signature,
    editable_requests,
    visible_requests,
)
from ciodispatch.requests.services import RequestError

A = policy.Action
S = DispatchRequest.State


def _load(request, pk, **kwargs):
    return get_object_or_404(
        DispatchRequest.objects.select_related("host", "group__lead", "request_round"), pk=pk
    )


def _groups_led_by(user):
    prefecture = user.local_government.prefecture_code if user.local_government else None
    return LocalGovernmentGroup.objects.filter(
        lead__kind="prefecture", lead__prefecture_code=prefecture
    )


@policy.guard(A.LIST_OWN_REQUESTS)
def my_requests(request):
    own = request.user.local_government
    visible = visible_requests(request.user)
    form = forms.MyRequestsFilterForm(request.GET or None)
    if form.is_valid():
        awaiting = form.cleaned_data["awaiting"]
        if awaiting == form.SIGNATURE:
            visible = visible.filter(pk__in=awaiting_signature(request.user).values("pk"))
        elif awaiting == form.CONFIRMATIONS:
            waiting = awaiting_confirmations(request.user)
            visible = visible.filter(pk__in=waiting.values("pk"))
        elif awaiting == form.CORRECTION:
            returned = editable_requests(request.user).filter(state=S.RETURNED)
            visible = visible.filter(pk__in=returned.values("pk"))
    visible = (
        visible.select_related("host", "group__lead", "request_round")
        .prefetch_related("group__members")
        .order_by("-created_at")
    )
    request_round = services.current_round()
    is_coordinator = request.user.role == Role.PREFECTURE_COORDINATOR
    return render(
        request,
        "requests/my_requests.html",
        {
            "requests": visible,
            "filter_form": form,
            "round": request_round,
            "open": request_round is not None and request_round.is_open(timezone.localdate()),
            "can_start_single": own is not None and policy.can(request.user, A.START_REQUEST, own),
            "joint_form": forms.JointStartForm(groups=_groups_led_by(request.user))
            if is_coordinator
            else None,
        },
    )


@require_POST
@policy.guard(A.LIST_OWN_REQUESTS)
@once_per_form_token
def start(request):
    request_round = services.current_round()
    if request_round is None:
        messages.error(request, _("No request round is open."))
        return redirect("requests:mine")
    with refusal_to_message(request):
        if request.POST.get("group"):
            form = forms.JointStartForm(request.POST, groups=_groups_led_by(request.user))
            if not form.is_valid():
                raise RequestError(_("Choose one of your groups."))
            created = services.start_request(
                request_round, actor=request.user, group=form.cleaned_data["group"]
            )
        else:
            own = request.user.local_government
            if own is None:
                raise PermissionDenied
            created = services.start_request(request_round, actor=request.user, host=own)
        return redirect("requests:detail", pk=created.pk)
    return redirect("requests:mine")


@policy.guard(A.VIEW_REQUEST, load=_load)
def detail(request, req):
    tasks = REQUEST.task_list(req)
    user = request.user
    members = req.members()
    confirmed = {c.member_id: c for c in req.confirmations.all()}
    return render(
        request,
        "requests/detail.html",
        {
            "req": req,
            "tasks": tasks,
            "complete": all(t["status"] == "completed" for t in tasks),
            "can_edit": policy.can(user, A.EDIT_REQUEST, req),
            "can_sign": req.state == S.SUBMITTED and policy.can(user, A.SIGN_COMMITMENT, req),
            "can_confirm": req.state == S.SUBMITTED and policy.can(user, A.CONFIRM_MEMBERSHIP, req),
            "confirm_form": forms.ConfirmForm(
                members=req.group.members.exclude(code__in=confirmed) if req.group_id else None
            )
            if req.is_joint and user.role == Role.PREFECTURE_COORDINATOR
            else None,
            "member_rows": [(m, confirmed.get(m.code)) for m in members] if req.is_joint else [],
            "can_decide": req.state in (S.ELIGIBLE, S.NOT_ELIGIBLE, S.SUBMITTED)
            and policy.can(user, A.DECIDE_REQUEST, req),
            "decision_form": forms.DecisionForm(),
            "can_reevaluate": req.state in (S.ELIGIBLE, S.NOT_ELIGIBLE),
            "is_office": policy.can(user, A.REVIEW_REQUESTS),
            # Before the commitment the conditions are shown as they stand, so the host can act.
            "conditions": req.eligibility
            if req.eligibility and req.state != S.SUBMITTED
            else [c.as_dict() for c in evaluate(req)]
            if req.state == S.SUBMITTED
            else [],
        },
    )


@policy.guard(A.EDIT_REQUEST, load=_load)
def section(request, req):
    page = REQUEST.page_for(request.resolver_match.kwargs["section"])
    post = request.POST if request.method == "POST" else None
    form = page.form(req, post, None)
    formset = page.formset(req, post)
    errors = []
    if post is not None and page.is_valid(form, formset):
        # Kept by hand: the KPI page has no form, so it lists the refusal above its rows.
        try:
            page.save(req, form, formset, actor=request.user)
        except RequestError as exc:
            errors.append(str(exc))
            if form is not None:
                form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%s” is saved.") % page.title)
            return redirect("requests:detail", pk=req.pk)
    return render(
        request,
        page.template,
        {
            "req": req,
            "key": page.name,
            "title": page.title,
            "form": form,
            "formset": formset,
            "errors": errors,
        },
    )


@require_POST
@policy.guard(A.EDIT_REQUEST, load=_load)
def submit(request, req):
    with refusal_to_message(request):
        services.submit_request(req, actor=request.user)
        messages.success(request, _("The request is submitted. The head now signs the commitment."))
    return redirect("requests:detail", pk=req.pk)


@policy.guard(A.SIGN_COMMITMENT, load=_load)
def commit(request, req):
    text = services.commitment_text(req) if req.counterpart_id else ""
    if request.method == "POST":
        if not request.POST.get("agree"):
            messages.error(request, _("Tick the box to confirm you have read the request."))
        else:
            with refusal_to_message(request):
                services.sign_commitment(req, actor=request.user, text=request.POST.get("text", ""))
                messages.success(
                    request,
                    _("The commitment is signed. The request was checked against the conditions."),
                )
                return redirect("requests:detail", pk=req.pk)
    return render(request, "requests/commit.html", {"req": req, "text": text})


@require_POST
@policy.guard(A.CONFIRM_MEMBERSHIP, load=_load)
def confirm(request, req):
    with refusal_to_message(request):
        if request.user.role == Role.HOST_HEAD:
            member = request.user.local_government
            services.confirm_membership(req, member, actor=request.user)
        else:
            form = forms.ConfirmForm(request.POST, members=req.group.members.all())
            if not form.is_valid():
                raise RequestError(_("Choose the member."))
            services.confirm_membership(
                req,
                form.cleaned_data["member"],
                actor=request.user,
                head_name=form.cleaned_data["head_name"],
            )
        messages.success(request, _("The confirmation is recorded."))
    return redirect("requests:detail", pk=req.pk)


@require_POST
@policy.guard(A.VIEW_REQUEST, load=_load)
def reevaluate(request, req):
    with refusal_to_message(request):
        services.reevaluate(req, actor=request.user)
        messages.success(request, _("The conditions were checked again."))
    return redirect("requests:detail", pk=req.pk)


@require_POST
@policy.guard(A.DECIDE_REQUEST, load=_load)
def decide(request, req):
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
    else:
        with refusal_to_message(request):
            services.decide_request(req, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The decision is recorded; the host sees it."))
    return redirect("requests:detail", pk=req.pk)


# --- office -----------------------------------------------------------------------------------


def _filtered(user, form, request_round):
    found = (
        visible_requests(user)
        .filter(request_round=request_round)
        .select_related("host", "group__lead")
        .prefetch_related("group__members")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            found = found.filter(state=data["state"])
        if data["q"]:
            q = data["q"].strip()
            found = found.filter(
                Q(title__icontains=q) | Q(host__name__contains=q) | Q(group__name__contains=q)
            )
        if data["challenge"]:
            found = found.filter(challenges__icontains=f'"{data["challenge"]}"')
        prefectures = None
        if data["prefecture"]:
            prefectures = [data["prefecture"]]
        elif data["region"]:
            prefectures = prefecture_codes_of(data["region"])
        if prefectures:
            found = found.filter(
                Q(host__prefecture_code__in=prefectures)
                | Q(group__members__prefecture_code__in=prefectures)
            ).distinct()
    return found


def _bars(counts: dict, labels: dict) -> list[dict]:
    top = max(counts.values(), default=0) or 1
    return [
        {
            "label": labels[key],
            "count": counts.get(key, 0),
            "percent": round(100 * counts.get(key, 0) / top),
        }
        for key in labels
    ]


@policy.guard(A.REVIEW_REQUESTS)
def office_list(request):
    rounds = RequestRound.objects.all()
    year = request.GET.get("year", "")
    chosen = rounds.filter(fiscal_year=int(year)).first() if year.isdigit() else None
    request_round = chosen or services.current_round()
    if request_round is None:
        return render(request, "requests/no_round.html")
    form = forms.OfficeFilterForm(request.GET or None)
    found = _filtered(request.user, form, request_round).order_by(
        "state", F("submitted_at").desc(nulls_last=True), "pk"
    )
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(found, export, request_round)
    # The bars from plain values, one query whatever the number of requests.
    regions: dict[int, set] = {}
    challenges: dict[int, list] = {}
    for pk, group, host_region, member_region, asked in found.values_list(
        "pk", "group_id", "host__region", "group__members__region", "challenges"
    ).order_by():
        region = member_region if group is not None else host_region
        regions.setdefault(pk, set())
        if region:
            regions[pk].add(region)
        challenges[pk] = asked or []
    by_region: dict = {}
    by_challenge: dict = {}
    for pk, found_regions in regions.items():
        for region in found_regions:
            by_region[region] = by_region.get(region, 0) + 1
        for challenge in challenges[pk]:
            by_challenge[challenge] = by_challenge.get(challenge, 0) + 1
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "requests/office_list.html",
        {
            "round": request_round,
            "rounds": rounds,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "count": page.paginator.count,
            "region_bars": _bars(by_region, dict(Region.choices)),
            "challenge_bars": _bars(by_challenge, dict(Challenge.choices)),
        },
    )


def _rows(found):
    header = [
        _("Requester"),
        _("Joint"),
        _("Prefecture"),
        _("Theme"),
        _("State"),
        _("Challenges"),
        _("Term (months)"),
        _("Start"),
        _("Budget (yen a year)"),
        _("Conditions failing"),
    ]
    labels = dict(Challenge.choices)
    return header, _row_values(found, labels)


def _row_values(found, labels):
    for r in found:
        members = r.members()
        yield [
            r.requester_name,
            _("yes") if r.is_joint else _("no"),
            "、".join(sorted({m.prefecture for m in members})),
            r.title,
            str(r.get_state_display()),
            "、".join(str(labels.get(c, c)) for c in r.challenges),
            r.term_months or "",
            r.start_date.isoformat() if r.start_date else "",
            r.budget_yen or "",
            "、".join(c["label"] for c in r.eligibility if not c["passed"]),
        ]


def _export(found, kind, request_round):
    header, rows = _rows(found.iterator(chunk_size=CHUNK_SIZE))
    return export_response(
        kind,
        header,
        rows,
        filename=f"dispatch-requests-{request_round.fiscal_year}",
        sheet_title=str(request_round.fiscal_year),
    )


@policy.guard(A.CONFIGURE_REQUEST_ROUND)
def rounds(request):
    current = services.current_round()
    initial = {}
    if current is not None:
        initial = {
            f: getattr(current, f)
            for f in (
                "fiscal_year",
                "title",
                "requests_open",
                "requests_close",
                "dispatch_start",
                "population_limit",
                "require_readiness_training",
                "require_commitment",
                "require_authority",
                "min_readiness_score",
                "max_fiscal_strength",
            )
        }
    form = forms.RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year = data.pop("fiscal_year")
        with refusal_to_form(form):
            services.configure_round(year, actor=request.user, **data)
            messages.success(request, _("The round is saved."))
            return redirect("requests:office")
    return render(
        request, "requests/rounds.html", {"form": form, "rounds": RequestRound.objects.all()}
    )
