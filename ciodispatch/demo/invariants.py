"""The rules the services enforce, checked over the whole database (``ciodispatch
check_invariants``). Used on the demo and on the national-size data, whose rows are written in
bulk (``demo/national.py``): what a service would have refused must not be there.

Each check returns the problems it found as text ("<rule>: <object> …"); none is the goal.
"""

import random
from collections import defaultdict
from collections.abc import Callable

from django.apps import apps
from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.states import MACHINES

LIMIT = 20  # problems reported per rule


def check_all(*, sample: int = 3000) -> list[str]:
    problems: list[str] = []
    for check in CHECKS:
        found = check() if check is not check_search_index else check(sample=sample)
        problems += found
    return problems


def _cap(rule: str, items) -> list[str]:
    items = list(items)
    shown = [f"{rule}: {item}" for item in items[:LIMIT]]
    if len(items) > LIMIT:
        shown.append(f"{rule}: … and {len(items) - LIMIT} more")
    return shown


def check_states() -> list[str]:
    """Every stateful row is in a state of its machine, and each state it reached was audited
    (the event ``<model>.<state>`` on that object)."""
    problems = []
    for machine in MACHINES:
        model = apps.get_model(machine.model_label)
        states = machine.states()
        bad = model.objects.exclude(**{f"{machine.field}__in": states}).values_list("pk", flat=True)
        problems += _cap(f"{machine.model_label}.{machine.field} not a state", bad)
        label = model._meta.label_lower
        for state in states:
            if state == machine.initial:
                continue
            audited = AuditEvent.objects.filter(
                object_type=label, action=f"{label}.{state}"
            ).annotate(pk_value=Cast("object_id", BigIntegerField()))
            missing = (
                model.objects.filter(**{machine.field: state})
                .exclude(pk__in=audited.values("pk_value"))
                .values_list("pk", flat=True)
            )
            problems += _cap(f"{label} in {state} without its audit event", missing)
    return problems


def check_accounts() -> list[str]:
    from ciodispatch.accounts.models import HOST_ROLES, PROGRAMME_OFFICE_ROLES, Role, User

    office = Q(organisation__kind="programme_office")
    wrong = (
        User.objects.filter(role__in=PROGRAMME_OFFICE_ROLES).exclude(office)
        | User.objects.filter(role__in=HOST_ROLES).exclude(organisation__kind="local_government")
        | User.objects.filter(role=Role.CANDIDATE, organisation__isnull=False)
        | User.objects.filter(role=Role.PREFECTURE_COORDINATOR).exclude(
            organisation__local_government__kind="prefecture"
        )
    )
    return _cap("role and organisation disagree", wrong.values_list("username", flat=True))


def check_training() -> list[str]:
    from ciodispatch.training.models import Enrolment, TrainingSession

    S = Enrolment.State
    problems = _cap(
        "completed enrolment without date or certificate",
        Enrolment.objects.filter(state=S.COMPLETED)
        .filter(Q(completed_at=None) | Q(certificate_number=None))
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "assessed course completed below its pass score",
        Enrolment.objects.filter(state=S.COMPLETED, session__course__has_assessment=True)
        .filter(Q(score=None) | Q(score__lt=F("session__course__pass_score")))
        .values_list("pk", flat=True),
    )
    over = (
        TrainingSession.objects.annotate(
            taken=Count("enrolments", filter=~Q(enrolments__state=S.CANCELLED))
        )
        .filter(taken__gt=F("capacity"))
        .values_list("pk", flat=True)
    )
    return problems + _cap("session over capacity", over)


def check_candidates() -> list[str]:
    from ciodispatch.candidates.models import Application

    S = Application.State
    filed = Application.objects.exclude(state=S.DRAFT).filter(erased_at=None)
    incomplete = filed.filter(
        Q(submitted_at=None)
        | Q(consent_at=None)
        | Q(family_name="")
        | Q(given_name="")
        | Q(date_of_birth=None)
        | Q(email="")
        | Q(prefecture_code="")
        | Q(has_public_sector_experience=None)
        | Q(earliest_start=None)
        | Q(term_months=None)
        | Q(work_pattern="")
        | Q(work_place="")
        | Q(regions=[])
        | Q(term_months__lt=6)
        | Q(term_months__gt=24)
    )
    problems = _cap(
        "filed application with a section missing", incomplete.values_list("pk", flat=True)
    )
    problems += _cap(
        "filed application without career or skills",
        filed.filter(Q(career=None) | Q(skills=None)).distinct().values_list("pk", flat=True),
    )
    problems += _cap(
        "filed application neither declaring nor listing vendor affiliations",
        filed.filter(no_vendor_affiliations=False, vendor_affiliations=None).values_list(
            "pk", flat=True
        ),
    )
    once_certified = Application.objects.filter(
        state__in=[S.CERTIFIED, S.EXPIRED, S.SUSPENDED, S.REVOKED]
    )
    problems += _cap(
        "certification without its dates",
        once_certified.filter(Q(certified_at=None) | Q(certified_until=None)).values_list(
            "pk", flat=True
        ),
    )
    problems += _cap(
        "certified without the public-sector track completed",
        once_certified.exclude(
            user__training_enrolments__state="completed",
            user__training_enrolments__session__course__track="public_sector",
        ).values_list("pk", flat=True),
    )
    today = timezone.localdate()
    problems += _cap(
        "certified past its validity (the daily job expires it)",
        Application.objects.filter(state=S.CERTIFIED, certified_until__lt=today).values_list(
            "pk", flat=True
        ),
    )
    scored = Application.objects.filter(state__in=[S.INTERVIEW, S.TRAINING, S.CERTIFIED])
    problems += _cap(
        "passed screening without submitted scores",
        scored.exclude(assignments__submitted_at__isnull=False).values_list("pk", flat=True),
    )
    return problems


def check_requests() -> list[str]:
    from ciodispatch.matchround.models import Post
    from ciodispatch.requests.models import DispatchRequest

    S = DispatchRequest.State
    problems = _cap(
        "filed request without its submission date",
        DispatchRequest.objects.exclude(state=S.DRAFT)
        .filter(submitted_at=None)
        .values_list("pk", flat=True),
    )
    committed = DispatchRequest.objects.filter(
        state__in=[S.COMMITTED, S.ELIGIBLE, S.NOT_ELIGIBLE, S.APPROVED, S.REJECTED],
        request_round__require_commitment=True,
    )
    problems += _cap(
        "committed request without the head's commitment",
        committed.filter(
            Q(committed_by=None) | Q(committed_at=None) | Q(commitment_text="")
        ).values_list("pk", flat=True),
    )
    problems += _cap(
        "request without a KPI past the draft",
        DispatchRequest.objects.exclude(state=S.DRAFT)
        .filter(kpis=None)
        .values_list("pk", flat=True),
    )
    for request in DispatchRequest.objects.filter(state__in=[S.ELIGIBLE, S.APPROVED]).only(
        "pk", "eligibility"
    ):
        if not request.eligibility or not all(c.get("passed") for c in request.eligibility):
            problems.append(f"eligible or approved request failing a condition: {request.pk}")
    problems += _cap(
        "term of a request outside 6–24 months",
        DispatchRequest.objects.filter(Q(term_months__lt=6) | Q(term_months__gt=24)).values_list(
            "pk", flat=True
        ),
    )
    problems += _cap(
        "post of a request that is not approved",
        Post.objects.exclude(request__state=S.APPROVED).values_list("pk", flat=True),
    )
    problems += _cap(
        "post in another round than its request",
        Post.objects.exclude(match_round__request_round=F("request__request_round")).values_list(
            "pk", flat=True
        ),
    )
    return problems


def check_rankings() -> list[str]:
    from ciodispatch.candidates.availability import conflicting_vendors
    from ciodispatch.matchround.models import CandidateRanking, HostRanking, MatchRound, Post
    from ciodispatch.matchround.services import MAX_CANDIDATE_CHOICES

    problems = []
    today = timezone.localdate()
    for match_round in MatchRound.objects.select_related("request_round"):
        posts = {
            p.pk: p for p in Post.objects.filter(match_round=match_round).select_related("request")
        }
        applicants = defaultdict(set)
        rankings = (
            CandidateRanking.objects.filter(match_round=match_round)
            .select_related("application")
            .prefetch_related("application__vendor_affiliations")
        )
        on = min(match_round.candidates_rank_until, today)
        for ranking in rankings:
            ids = list(ranking.posts)
            app = ranking.application
            where = f"round {match_round.pk} candidate {app.pk}"
            if len(ids) > MAX_CANDIDATE_CHOICES or len(set(ids)) != len(ids):
                problems.append(f"ranking of more than 20 or repeated posts: {where}")
            if set(ids) - set(posts):
                problems.append(f"ranking names a post of another round: {where}")
            # (The ordinary demo certifies on the real date and ranks past rounds on a simulated
            # one, so only "was certified" is checked, not "before the ranking".)
            if app.certified_at is None:
                problems.append(f"ranking by a candidate never certified: {where}")
            for pk in ids:
                applicants[pk].add(app.pk)
                if pk in posts and conflicting_vendors(
                    app, posts[pk].request, years=match_round.conflict_years, today=on
                ):
                    problems.append(
                        f"ranking of a host with a conflicting vendor: {where} post {pk}"
                    )
        for ranking in HostRanking.objects.filter(post__match_round=match_round):
            ids = list(ranking.applications)
            if len(set(ids)) != len(ids) or set(ids) - applicants[ranking.post_id]:
                problems.append(
                    f"host ranking of candidates who did not rank it: post {ranking.post_id}"
                )
    return problems[: LIMIT * 3]


def check_results() -> list[str]:
    """Every finished run: its snapshot matches its hash and the stored rankings, the checker
    (``ciodispatch.matching``) passes its result again; a published round's dispatches are its
    result's pairs."""
    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.matching import check_assignment, load_instance
    from ciodispatch.matchround.models import CandidateRanking, HostRanking, MatchRun
    from ciodispatch.matchround.services import engine_input, snapshot_hash

    problems = []
    for run in MatchRun.objects.filter(status=MatchRun.Status.SUCCEEDED).select_related(
        "match_round"
    ):
        snapshot, result = run.snapshot, run.result or {}
        if snapshot_hash(snapshot) != run.snapshot_hash:
            problems.append(f"run {run.pk}: snapshot does not match its hash")
        # Each side's stored rankings, by the snapshot's ids (a<application>, p<post>).
        stored = {
            "candidates": {
                f"a{r.application_id}": [f"p{p}" for p in r.posts]
                for r in CandidateRanking.objects.filter(match_round=run.match_round_id)
            },
            "hosts": {
                f"p{r.post_id}": [f"a{a}" for a in r.applications]
                for r in HostRanking.objects.filter(post__match_round=run.match_round_id)
            },
        }
        for side, rankings in stored.items():
            for ranker in snapshot[side]:
                ranked = rankings.get(ranker["id"], [])
                if [x for x in ranked if x in set(ranker["ranking"])] != ranker["ranking"]:
                    problems.append(f"run {run.pk}: {ranker['id']}'s ranking is not the stored one")
        checks = check_assignment(load_instance(engine_input(snapshot)), result["assignment"])
        if not (checks.stable and checks.caps_respected and not checks.unacceptable):
            problems.append(f"run {run.pk}: the checker refuses the stored result")
    for match_round_run in MatchRun.objects.filter(match_round__published_run=F("pk")):
        match_round = match_round_run.match_round
        latest = match_round.runs.filter(status=MatchRun.Status.SUCCEEDED).first()
        if latest is None or latest.pk != match_round_run.pk:
            problems.append(f"round {match_round.pk}: published run is not the latest finished")
        pairs = {
            (int(c[1:]), int(h[1:])) for c, h in match_round_run.result["assignment"].items() if h
        }
        proposed = {
            (d.application_id, d.request.post.pk)
            for d in Dispatch.objects.filter(match_round=match_round, replaces=None).select_related(
                "request__post"
            )
        }
        if pairs != proposed:
            problems.append(f"round {match_round.pk}: dispatches differ from the published result")
    return problems


def check_dispatches() -> list[str]:
    from ciodispatch.dispatches.models import Dispatch, months_between

    S = Dispatch.State
    today = timezone.localdate()
    problems = []
    accepted = [S.ACCEPTED, S.ACTIVE, S.EXTENDED, S.COMPLETED]
    problems += _cap(
        "accepted dispatch without both acceptances or its appointment",
        Dispatch.objects.filter(state__in=accepted)
        .filter(
            Q(cio_accepted_at=None)
            | Q(host_accepted_at=None)
            | Q(start_date=None)
            | Q(end_date=None)
            | Q(appointment_form="")
        )
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "running or finished dispatch without its start or notice",
        Dispatch.objects.filter(state__in=[S.ACTIVE, S.EXTENDED, S.COMPLETED])
        .filter(Q(started_on=None) | Q(notice_number="") | Q(appointment_confirmed_at=None))
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "completed dispatch not ended on its end date",
        Dispatch.objects.filter(state=S.COMPLETED)
        .exclude(ended_on=F("end_date"))
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "early end without its day or reason",
        Dispatch.objects.filter(state=S.ENDED_EARLY)
        .filter(Q(ended_on=None) | Q(end_reason=""))
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "declined without its date or reason",
        Dispatch.objects.filter(state=S.DECLINED)
        .filter(Q(declined_at=None) | Q(decline_reason=""))
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "running past its end (the daily job completes it)",
        Dispatch.objects.filter(state__in=[S.ACTIVE, S.EXTENDED], end_date__lt=today).values_list(
            "pk", flat=True
        ),
    )
    problems += _cap(
        "extended without an approved extension to its end",
        Dispatch.objects.filter(state=S.EXTENDED)
        .exclude(extensions__state="approved", extensions__new_end=F("end_date"))
        .values_list("pk", flat=True),
    )
    busy = defaultdict(list)
    dispatches = (
        Dispatch.objects.exclude(state=S.DECLINED)
        .select_related("request__request_round", "application")
        .prefetch_related("extensions")
    )
    for d in dispatches:
        busy[d.application_id].append(d)
        if d.start_date and d.end_date:
            approved = sorted(
                (e for e in d.extensions.all() if e.state == "approved"), key=lambda e: e.new_end
            )
            first_end = approved[0].previous_end if approved else d.end_date
            months = months_between(d.start_date, first_end)
            if not 6 <= months <= 24:
                problems.append(f"term of {months} months (民法 143 count, 6–24): dispatch {d.pk}")
            total = months_between(d.start_date, d.end_date)
            if total > d.request.request_round.max_total_term_months:
                problems.append(f"extended beyond the round's longest term: dispatch {d.pk}")
        if d.started_on is not None:
            until = d.application.certified_until
            if until is None or until < d.term_end:
                problems.append(f"certification not valid through the term: dispatch {d.pk}")
    for application_id, terms in busy.items():
        terms.sort(key=lambda d: d.first_day())
        for before, after in zip(terms, terms[1:], strict=False):
            if before.last_day() >= after.first_day():
                problems.append(
                    f"two dispatches at once for candidate {application_id}: "
                    f"{before.pk}, {after.pk}"
                )
    return problems[: LIMIT * 3]


def check_progress() -> list[str]:
    from ciodispatch.progress.models import ActionPlan, MonthlyReport, first_of_month

    problems = []
    reports = MonthlyReport.objects.select_related("dispatch").only(
        "pk",
        "month",
        "state",
        "submitted_at",
        "dispatch__start_date",
        "dispatch__started_on",
        "dispatch__end_date",
        "dispatch__ended_on",
    )
    for report in reports.iterator(chunk_size=5000):
        d = report.dispatch
        start = d.started_on or d.start_date
        if start is None or not first_of_month(start) <= report.month <= d.term_end:
            problems.append(f"monthly report outside the term: {report.pk}")
        if report.state == "submitted" and report.submitted_at is None:
            problems.append(f"submitted report without its date: {report.pk}")
    twice = (
        MonthlyReport.objects.values("dispatch", "month").annotate(n=Count("pk")).filter(n__gt=1)
    )
    problems += _cap("two reports for one month", twice)
    problems += _cap(
        "submitted plan without its date or version",
        ActionPlan.objects.filter(state="submitted")
        .filter(Q(submitted_at=None) | Q(version__lt=1))
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "plan of a dispatch that never started",
        ActionPlan.objects.filter(dispatch__started_on=None).values_list("pk", flat=True),
    )
    return problems[: LIMIT * 3]


def check_claims() -> list[str]:
    from ciodispatch.incentives import services
    from ciodispatch.incentives.models import IncentiveClaim, ProgrammeBudget

    S = IncentiveClaim.State
    problems = []
    claims = IncentiveClaim.objects.select_related(
        "rule", "dispatch__request__host", "dispatch__request__group__lead"
    ).prefetch_related("costs")
    for claim in claims.iterator(chunk_size=2000):
        if services.compute(claim).amount != claim.computed_yen:
            problems.append(f"claim amount differs from its calculation: {claim.pk}")
        if claim.fiscal_year not in services.claim_fiscal_years(claim.dispatch):
            problems.append(f"claim for a fiscal year outside the term: {claim.pk}")
    problems += _cap(
        "decided claim without amount or decider",
        IncentiveClaim.objects.filter(state__in=[S.APPROVED, S.PAID])
        .filter(Q(approved_yen=None) | Q(decided_by=None))
        .values_list("pk", flat=True),
    )
    problems += _cap(
        "paid claim without its payment",
        IncentiveClaim.objects.filter(state=S.PAID)
        .filter(Q(paid_on=None) | Q(paid_yen=None))
        .values_list("pk", flat=True),
    )
    approved = (
        IncentiveClaim.objects.filter(state__in=[S.APPROVED, S.PAID])
        .values("fiscal_year")
        .annotate(total=Sum("approved_yen"))
    )
    budgets = dict(ProgrammeBudget.objects.values_list("fiscal_year", "amount_yen"))
    for row in approved:
        if row["total"] > budgets.get(row["fiscal_year"], 0):
            problems.append(f"approvals of FY{row['fiscal_year']} over the budget")
    return problems[: LIMIT * 3]


def check_search_index(*, sample: int = 3000) -> list[str]:
    """Each entry is a published document's, with the text its service indexes; each published
    document has its entry. Titles and texts are compared for every entry; the normalised
    columns and the postings are computed again for ``sample`` entries (all of them below it)."""
    from ciodispatch.demo.national import case_document
    from ciodispatch.knowhow import text as T
    from ciodispatch.knowhow.models import Case, Manual, SearchEntry
    from ciodispatch.knowhow.search import longer_words
    from ciodispatch.progress.models import SmallWin

    documents: dict[str, Callable] = {
        "case": lambda ids: {
            c.pk: case_document(c, list(c.local_governments.all()))
            for c in Case.objects.filter(pk__in=ids, state="published").prefetch_related(
                "local_governments"
            )
        },
        "manual": lambda ids: {
            m.pk: (m.title, f"{m.summary}\n{m.body}")
            for m in Manual.objects.filter(pk__in=ids, state="published")
        },
        "win": lambda ids: {
            w.pk: (w.title, w.body) for w in SmallWin.objects.filter(pk__in=ids, state="published")
        },
    }
    published = {
        "case": Case.objects.filter(state="published"),
        "manual": Manual.objects.filter(state="published"),
        "win": SmallWin.objects.filter(state="published"),
    }
    problems = []
    for kind, queryset in published.items():
        indexed = SearchEntry.objects.filter(kind=kind).values("object_id")
        missing = queryset.exclude(pk__in=indexed).values_list("pk", flat=True)
        problems += _cap(f"published {kind} not in the search index", missing)
    entries = SearchEntry.objects.exclude(kind__in=list(documents)).values_list("pk", flat=True)
    problems += _cap("search entry of an unknown kind", entries)
    total = SearchEntry.objects.count()
    chosen = set(random.Random(1).sample(range(total), min(sample, total)))
    position = 0
    for kind, load in documents.items():
        ids = list(SearchEntry.objects.filter(kind=kind).values_list("object_id", flat=True))
        for start in range(0, len(ids), 2000):
            batch = ids[start : start + 2000]
            expected = load(batch)
            for e in SearchEntry.objects.filter(kind=kind, object_id__in=batch):
                doc = expected.get(e.object_id)
                if doc is None:
                    problems.append(
                        f"search entry of a document not published: {kind} {e.object_id}"
                    )
                elif (e.title, e.text) != doc:
                    problems.append(f"search entry differs from its document: {kind} {e.object_id}")
                elif position in chosen and (
                    e.normalised_title != T.normalise(e.title)[:400]
                    or e.normalised_text != T.normalise(e.text)
                    or dict(e.postings.values_list("gram", "weight"))
                    != T.bigram_weights(e.normalised_title, e.normalised_text, longer_words())
                ):
                    problems.append(f"search entry's index columns are stale: {kind} {e.object_id}")
                position += 1
    return problems[: LIMIT * 3]


def check_readiness() -> list[str]:
    from ciodispatch.readiness.models import Assessment

    submitted = Assessment.objects.filter(state="submitted")
    problems = _cap(
        "submitted assessment without its date",
        submitted.filter(submitted_at=None).values_list("pk", flat=True),
    )
    unanswered = submitted.annotate(
        answered=Count("answers", distinct=True),
        asked=Count("questionnaire__questions", distinct=True),
    ).filter(answered__lt=F("asked"))
    return problems + _cap(
        "submitted assessment with a question unanswered", unanswered.values_list("pk", flat=True)
    )


CHECKS = [
    check_states,
    check_accounts,
    check_training,
    check_candidates,
    check_readiness,
    check_requests,
    check_rankings,
    check_results,
    check_dispatches,
    check_progress,
    check_claims,
    check_search_index,
]
