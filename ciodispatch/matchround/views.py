import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.candidates.availability import participating
from ciodispatch.candidates.models import Application
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.exports import csv_bytes, download, xlsx_bytes
from ciodispatch.core.once import once_per_form_token
from ciodispatch.localgov.regions import Region
from ciodispatch.matchround import forms, queries, services
from ciodispatch.matchround.models import MatchRound, MatchRun, Post
from ciodispatch.matchround.rules import posts_spoken_for
from ciodispatch.matchround.services import MatchRoundError
from ciodispatch.requests.models import RequestRound

A = policy.Action
Phase = MatchRound.Phase


def _load_round(request, pk, **kwargs):
    return get_object_or_404(MatchRound.objects.select_related("request_round"), pk=pk)


def _load_run(request, pk, **kwargs):
    """The run without its snapshot and result (megabytes at national size): the pages read
    the parts they show (``queries.run_parts``); a download reads the whole field."""
    return get_object_or_404(
        MatchRun.objects.select_related("match_round__request_round").defer(*queries.LARGE_FIELDS),
        pk=pk,
    )


def _load_post(request, pk, **kwargs):
    return get_object_or_404(
        Post.objects.select_related(
            "match_round__request_round", "request__host", "request__group__lead"
        ),
        pk=pk,
    )


def _load_pairing(request, pk, application, **kwargs):
    post = _load_post(request, pk)
    return post, get_object_or_404(Application, pk=application)


def _load_published_year(request, fiscal_year, **kwargs):
    return get_object_or_404(
        MatchRound.objects.select_related("request_round", "published_run").defer(
            *(f"published_run__{name}" for name in queries.LARGE_FIELDS)
        ),
        request_round__fiscal_year=fiscal_year,
        phase=Phase.PUBLISHED,
    )


def _ids(values) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise MatchRoundError(_("The ranking sent is not valid; reload the page.")) from exc


def _reordered(ids: list[int], post_data) -> list[int]:
    """Apply a no-script button (add, remove, up, down) to the ranking sent with it."""
    for verb in ("add", "remove", "up", "down"):
        value = post_data.get(verb)
        if value is None:
            continue
        item = _ids([value])[0]
        if verb == "add" and item not in ids:
            ids.append(item)
        elif verb == "remove" and item in ids:
            ids.remove(item)
        elif verb in ("up", "down") and item in ids:
            i = ids.index(item)
            j = i - 1 if verb == "up" else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
    return ids


def _save_ranking(request, field: str, save, saved_message: str) -> None:
    """Save the ranking posted in ``field`` (with a no-script button applied), with a message."""
    with refusal_to_message(request):
        ids = _reordered(_ids(request.POST.getlist(field)), request.POST)
        save(ids)
        messages.success(request, saved_message % len(ids))


# --- the office ---------------------------------------------------------------------------


@policy.guard(A.VIEW_MATCH_ROUNDS)
def office_list(request):
    form = forms.RoundListFilterForm(request.GET or None)
    rounds = MatchRound.objects.select_related("request_round")
    if form.is_valid() and form.cleaned_data["phase"]:
        rounds = rounds.filter(phase=form.cleaned_data["phase"])
    without = RequestRound.objects.filter(match_round__isnull=True).order_by("-fiscal_year")
    return render(
        request,
        "matchround/office_list.html",
        {"rounds": list(rounds), "request_rounds_without": without, "form": form},
    )


def _round_form(request, match_round=None):
    if request.method == "POST":
        rows = sum(1 for key in request.POST if key.startswith("prefecture_cap_"))
        return forms.RoundForm(request.POST, prefecture_rows=rows)
    if match_round is None:
        return forms.RoundForm(initial={"proposing": "candidates", "conflict_years": 3})
    return forms.RoundForm(
        initial=forms.RoundForm.initial_for(match_round),
        prefecture_rows=len(match_round.prefecture_caps) + 2,
    )


@policy.guard(A.CONFIGURE_MATCH_ROUND)
def configure(request, request_round):
    request_round = get_object_or_404(RequestRound, pk=request_round)
    match_round = MatchRound.objects.filter(request_round=request_round).first()
    if match_round is not None and match_round.phase == Phase.PUBLISHED:
        messages.info(request, _("This round is published; its settings can no longer change."))
        return redirect("matchround:office_detail", pk=match_round.pk)
    form = _round_form(request, match_round)
    if request.method == "POST" and form.is_valid():
        regions, prefectures = form.caps()
        data = form.cleaned_data
        with refusal_to_form(form):
            match_round = services.configure_round(
                request_round,
                actor=request.user,
                candidates_rank_from=data["candidates_rank_from"],
                candidates_rank_until=data["candidates_rank_until"],
                hosts_rank_until=data["hosts_rank_until"],
                publish_on=data["publish_on"],
                proposing=data["proposing"],
                national_cap=data["national_cap"],
                region_caps=regions,
                prefecture_caps=prefectures,
                conflict_years=data["conflict_years"],
                seed=data["seed"],
            )
            messages.success(request, _("The round's settings are saved."))
            return redirect("matchround:office_detail", pk=match_round.pk)
    return render(
        request,
        "matchround/configure.html",
        {"form": form, "request_round": request_round, "match_round": match_round},
    )


POSTS_PER_PAGE = 100


@policy.guard(A.VIEW_MATCH_ROUNDS, load=_load_round)
def office_detail(request, match_round):
    # Counts over every post, by the database; the table shows one page of them.
    applicants = queries.applicant_counts(match_round)
    ranking_count = match_round.candidate_rankings.count()
    ranked_count = queries.host_ranked_counts(match_round)
    post_ids = list(
        match_round.posts.order_by("prefecture_code", "pk").values_list("pk", flat=True)
    )
    page = Paginator(post_ids, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = match_round.posts.filter(pk__in=list(page.object_list)).select_related(
        "request__host", "request__group"
    )
    rows = [
        (post, applicants.get(post.pk, 0), ranked_count.get(post.pk, 0))
        for post in sorted(shown, key=lambda p: (p.prefecture_code, p.pk))
    ]
    services.fail_stalled_runs(match_round)  # a run whose worker died shows as failed
    runs = list(queries.runs_without_data(match_round).select_related("requested_by")[:10])
    return render(
        request,
        "matchround/office_detail.html",
        {
            "round": match_round,
            "rows": rows,
            "page": page,
            "post_count": len(post_ids),
            "ranking_count": ranking_count,
            "certified_count": participating().count(),
            "without_applicants": sum(1 for pk in post_ids if not applicants.get(pk)),
            "not_ranked": sum(
                1 for pk in post_ids if applicants.get(pk) and not ranked_count.get(pk)
            ),
            "runs": runs,
            "active_run": next(
                (r for r in runs if r.status in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)),
                None,
            ),
            "latest_finished": queries.latest_finished_run(match_round),
            "rerun_form": forms.RerunForm(),
            "caps_text": queries.caps_text(match_round),
        },
    )


@require_POST
@policy.guard(A.CONFIGURE_MATCH_ROUND)
def advance(request, pk):
    match_round = get_object_or_404(MatchRound, pk=pk)
    target = request.POST.get("phase", "")
    with refusal_to_message(request):
        if target == Phase.CANDIDATES_RANK:
            services.open_candidate_ranking(match_round, actor=request.user)
        else:
            services.advance(match_round, target, actor=request.user)
        messages.success(
            request, _("The round is now in the phase “%s”.") % match_round.get_phase_display()
        )
    return redirect("matchround:office_detail", pk=match_round.pk)


@require_POST
@policy.guard(A.CONFIGURE_MATCH_ROUND)
def post_capacity(request, pk):
    post = get_object_or_404(Post, pk=pk)
    with refusal_to_message(request):
        services.set_post_capacity(
            post, _ids([request.POST.get("capacity")])[0], actor=request.user
        )
        messages.success(request, _("The capacity of %s is saved.") % post)
    return redirect("matchround:office_detail", pk=post.match_round_id)


@require_POST
@policy.guard(A.RUN_MATCH, load=_load_round)
@once_per_form_token
def run(request, match_round):
    with refusal_to_message(request):
        run = services.start_run(
            match_round, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The match is queued; this page shows its progress."))
        return redirect("matchround:run_detail", pk=run.pk)
    return redirect("matchround:office_detail", pk=match_round.pk)


@policy.guard(A.VIEW_MATCH_ROUNDS, load=_load_run)
def run_detail(request, run):
    match_round = run.match_round
    if services.fail_stalled_runs(match_round):
        run.refresh_from_db()
    latest = queries.latest_finished_run(match_round)
    seed, proposing = queries.run_parts(run, "snapshot__seed", "snapshot__proposing")
    return render(
        request,
        "matchround/run_detail.html",
        {
            "run": run,
            "round": match_round,
            "seed": seed,
            "proposing": proposing,
            "review": queries.review(run) if run.status == MatchRun.Status.SUCCEEDED else None,
            "can_publish": match_round.phase == Phase.REVIEW
            and latest is not None
            and latest.pk == run.pk
            and policy.can(request.user, A.PUBLISH_MATCH, match_round),
            "publish_form": forms.PublishForm(),
            "is_published": match_round.published_run_id == run.pk,
        },
    )


@policy.guard(A.VIEW_MATCH_ROUNDS, load=_load_run)
def run_status(request, run):
    if services.fail_stalled_runs(run.match_round):  # the progress page then shows why
        run.refresh_from_db()
    return JsonResponse(
        {
            "status": run.status,
            "label": run.get_status_display(),
            "progress": run.progress,
            "done": run.status in (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED),
            "url": reverse("matchround:run_detail", kwargs={"pk": run.pk}),
        }
    )


@require_POST
@policy.guard(A.PUBLISH_MATCH, load=_load_round)
def publish(request, match_round):
    run = get_object_or_404(MatchRun, pk=request.POST.get("run") or 0, match_round=match_round)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm you have reviewed the result."))
        return redirect("matchround:run_detail", pk=run.pk)
    with refusal_to_message(request):
        services.publish(match_round, run, actor=request.user)
        messages.success(
            request,
            _("The result is published; participants can read it and the dispatches are proposed."),
        )
        return redirect("matchround:office_detail", pk=match_round.pk)
    return redirect("matchround:run_detail", pk=run.pk)


@policy.guard(A.EXPORT_MATCH_RESULT, load=_load_run)
def export(request, run):
    if run.status != MatchRun.Status.SUCCEEDED:
        raise Http404(_("This run has no result."))
    header, rows = queries.result_rows(run)
    name = f"matching-{run.match_round.fiscal_year}-run{run.pk}"
    if request.GET.get("format") == "csv":
        return download(csv_bytes(header, rows), filename=f"{name}.csv")
    return download(xlsx_bytes(header, rows, sheet_title=_("Result")), filename=f"{name}.xlsx")


@policy.guard(A.EXPORT_MATCH_RESULT, load=_load_run)
def snapshot(request, run):
    """The run's frozen input exactly as the command-line engine reads it, for an audit."""
    if run.snapshot is None:
        raise Http404(_("This run's snapshot is not taken yet."))
    content = json.dumps(
        services.engine_input(run.snapshot), ensure_ascii=False, indent=1, sort_keys=True
    ).encode()
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="matching-{run.match_round.fiscal_year}-'
        f'{run.snapshot_hash[:12]}.json"'
    )
    return response


# --- the public summary -------------------------------------------------------------------


@policy.guard(A.VIEW_PUBLIC_MATCH_SUMMARY)
def public_list(request):
    rounds = MatchRound.objects.filter(phase=Phase.PUBLISHED).select_related("request_round")
    return render(request, "matchround/public_list.html", {"rounds": rounds})


@policy.guard(A.VIEW_PUBLIC_MATCH_SUMMARY, load=_load_published_year)
def public_summary(request, match_round):
    summary = queries.public_summary(match_round)
    if request.GET.get("format") == "csv":
        header, rows = queries.summary_rows(summary)
        return download(
            csv_bytes(header, rows), filename=f"matching-{match_round.fiscal_year}-summary.csv"
        )
    return render(
        request, "matchround/public_summary.html", {"round": match_round, "summary": summary}
    )


# --- candidates ---------------------------------------------------------------------------


def _ranking_messages() -> dict[str, str]:
    return {
        "moved": _("%(title)s is now no. %(position)s."),
        "removed": _("%(title)s was taken out of the ranking."),
    }


def _post_item(post: Post) -> dict:
    request = post.request
    detail = " · ".join(
        str(part)
        for part in (
            request.title,
            request.get_work_pattern_display(),
            _("%d months") % request.term_months if request.term_months else "",
        )
        if part
    )
    return {
        "id": post.pk,
        "title": request.requester_name,
        "detail": detail,
        "url": reverse("matchround:post_detail", kwargs={"pk": post.pk}),
    }


def _applicant_item(post: Post, application: Application, interviewed: set[int]) -> dict:
    roles = "、".join(str(skill.get_role_display()) for skill in application.skills.all())
    seen = str(_("interviewed")) if application.pk in interviewed else ""
    detail = " · ".join(part for part in (roles, seen) if part)
    return {
        "id": application.pk,
        "title": application.full_name,
        "detail": detail,
        "url": reverse(
            "matchround:applicant", kwargs={"pk": post.pk, "application": application.pk}
        ),
    }


def _candidate_round():
    return queries.candidate_round()


@policy.guard(A.RANK_POSTS)
def candidate_rank(request):
    match_round = _candidate_round()
    application = services.participating_application(request.user)
    busy = (
        services.unavailable_reason(match_round, application) if match_round and application else ""
    )
    if match_round is None or application is None or busy:
        return render(
            request, "matchround/no_round.html", {"results": _own_results(request), "busy": busy}
        )
    saved = services.candidate_ranking(match_round, application)
    if request.method == "POST":
        _save_ranking(
            request,
            "post",
            lambda ids: services.save_candidate_ranking(match_round, ids, actor=request.user),
            _("Your ranking is saved (%d posts)."),
        )
        return redirect("matchround:candidate_rank")
    region = request.GET.get("region", "")
    every, hidden_ids = services.visible_post_ids(match_round, application)
    allowed = set(every)
    if region:
        in_region = set(match_round.posts.filter(region=region).values_list("pk", flat=True))
        every = [pk for pk in every if pk in in_region]
    page = Paginator([pk for pk in every if pk not in saved], POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    chosen_ids = [pk for pk in saved if pk in allowed]
    posts = match_round.posts.select_related("request__host", "request__group__lead").in_bulk(
        [*chosen_ids, *page.object_list, *hidden_ids]
    )
    return render(
        request,
        "matchround/candidate_rank.html",
        {
            "round": match_round,
            "chosen": [_post_item(posts[pk]) for pk in chosen_ids],
            "others": [_post_item(posts[pk]) for pk in page.object_list],
            "page": page,
            "query": urlencode({"region": region}) if region else "",
            "region": region,
            "regions": Region.choices,
            "hidden": [(posts[pk], vendors) for pk, vendors in hidden_ids.items()],
            "ranking_messages": _ranking_messages(),
            "open": match_round.phase == Phase.CANDIDATES_RANK
            and timezone.localdate() <= match_round.candidates_rank_until,
            "max_choices": services.MAX_CANDIDATE_CHOICES,
        },
    )


@policy.guard(A.VIEW_POST, load=_load_post)
def post_detail(request, post):
    return render(request, "matchround/post_detail.html", {"post": post, "req": post.request})


def _own_results(request):
    """Published rounds the user took part in, with a link to their result."""
    rounds = MatchRound.objects.filter(phase=Phase.PUBLISHED).select_related("request_round")
    return [r for r in rounds if policy.can(request.user, A.VIEW_OWN_MATCH_RESULT, r)]


@policy.guard(A.VIEW_OWN_MATCH_RESULT, load=_load_round)
def my_result(request, match_round):
    user = request.user
    application = Application.objects.filter(user=user).first()
    candidate = (
        queries.candidate_result(match_round, application) if application is not None else None
    )
    government = user.local_government if user.is_authenticated else None
    # Only the posts the user may speak for can be theirs: their own government's, or a joint
    # request's (checked below), not every post of the round.
    own_posts = (
        match_round.posts.filter(
            Q(request__host_id=government.code) | Q(request__group__isnull=False)
        ).select_related("request__host", "request__group__lead", "match_round")
        if government is not None
        else Post.objects.none()
    )
    hosts = [
        queries.host_result(post)
        for post in own_posts
        if policy.can(user, A.RANK_CANDIDATES, post)
        or (
            post.request.is_joint
            and user.local_government is not None
            and any(m.code == user.local_government.code for m in post.request.members())
        )
    ]
    hosts = [h for h in hosts if h is not None]
    if candidate is None and not hosts:
        raise Http404(_("You did not take part in this round."))
    return render(
        request,
        "matchround/my_result.html",
        {"round": match_round, "candidate": candidate, "hosts": hosts},
    )


# --- hosts --------------------------------------------------------------------------------


def _host_posts(request):
    return [
        post
        for post in Post.objects.select_related(
            "match_round__request_round", "request__host", "request__group__lead"
        ).exclude(match_round__phase=Phase.PUBLISHED)
        if policy.can(request.user, A.RANK_CANDIDATES, post)
    ]


@policy.guard(A.LIST_OWN_REQUESTS)
def host_posts(request):
    posts = _host_posts(request)
    form = forms.HostPostsFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["awaiting"] == form.RANKING:
        to_rank = queries.posts_to_rank(posts_spoken_for(request.user), timezone.localdate())
        posts = [post for post in posts if post in to_rank]
    return render(
        request,
        "matchround/host_posts.html",
        {
            "posts": [(post, len(services.applicants_of(post))) for post in posts],
            "results": _own_results(request),
            "form": form,
        },
    )


@policy.guard(A.RANK_CANDIDATES, load=_load_post)
def host_rank(request, post):
    match_round = post.match_round
    applicants = services.applicants_of(post)
    if request.method == "POST":
        _save_ranking(
            request,
            "application",
            lambda ids: services.save_host_ranking(post, ids, actor=request.user),
            _("Your ranking is saved (%d candidates)."),
        )
        return redirect("matchround:host_rank", pk=post.pk)
    saved = services.host_ranking(post)
    by_id = {a.pk: a for a in applicants}
    interviewed = set(post.interviews.values_list("application_id", flat=True))
    return render(
        request,
        "matchround/host_rank.html",
        {
            "post": post,
            "round": match_round,
            "chosen": [
                _applicant_item(post, by_id[pk], interviewed) for pk in saved if pk in by_id
            ],
            "others": [
                _applicant_item(post, a, interviewed) for a in applicants if a.pk not in saved
            ],
            "ranking_messages": _ranking_messages(),
            "open": match_round.phase == Phase.HOSTS_RANK
            and timezone.localdate() <= match_round.hosts_rank_until,
            "not_yet": _("You can rank once the hosts' ranking opens, after %s.")
            % match_round.candidates_rank_until.isoformat()
            if match_round.phase == Phase.CANDIDATES_RANK
            else "",
        },
    )


@policy.guard(A.VIEW_APPLICANT, load=_load_pairing)
@once_per_form_token
def applicant(request, pairing):
    post, application = pairing
    form = forms.InterviewForm(request.POST or None)
    can_record = policy.can(request.user, A.RANK_CANDIDATES, post)
    if request.method == "POST" and can_record and form.is_valid():
        with refusal_to_form(form):
            services.record_interview(post, application, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The interview is recorded."))
            return redirect("matchround:applicant", pk=post.pk, application=application.pk)
    return render(
        request,
        "matchround/applicant.html",
        {
            "post": post,
            "application": application,
            "interviews": post.interviews.filter(application=application),
            "form": form if can_record else None,
        },
    )
