"""Writes of the matching round: configuration, phases, rankings, interviews, runs, publication.

Every write asks the policy first and changes state only through the round's and the run's
state machines, which audit each move.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.candidates import availability
from ciodispatch.candidates.availability import participating_application
from ciodispatch.candidates.models import Application
from ciodispatch.core import heartbeat
from ciodispatch.core.errors import Refusal
from ciodispatch.core.mail import mail_after_commit
from ciodispatch.localgov.regions import Region, region_of
from ciodispatch.matchround.models import (
    MATCH_ROUND_PHASES,
    MATCH_RUN_STATES,
    CandidateRanking,
    HostRanking,
    Interview,
    MatchRound,
    MatchRun,
    Post,
    Proposing,
)
from ciodispatch.matchround.queries import first_unmatched, result_summary
from ciodispatch.matchround.signals import match_published
from ciodispatch.notices.services import notify
from ciodispatch.requests.models import DispatchRequest, RequestRound

logger = logging.getLogger(__name__)
Phase = MatchRound.Phase

MAX_CANDIDATE_CHOICES = 20
MAX_SEED = 2**53 - 1


class MatchRoundError(Refusal, ValueError):
    """A refused change to a matching round; the message says what to do."""


# --- notifications ------------------------------------------------------------------------


def _mail(recipients, subject: str, body: str) -> None:
    mail_after_commit(recipients, subject, body)


def _candidate_addresses(applications) -> list[str]:
    return [a.email or a.user.email for a in applications]


def _host_addresses(posts) -> list[str]:
    addresses = []
    for post in posts:
        request = post.request
        for user in (request.liaison, request.filed_by):
            if user is not None:
                addresses.append(user.email)
    return addresses


# --- configuration and phases -------------------------------------------------------------


def _clean_caps(
    national_cap: int | None, region_caps: Mapping[str, Any], prefecture_caps: Mapping[str, Any]
) -> tuple[dict[str, int], dict[str, int]]:
    regions = {str(r.value) for r in Region}
    clean_regions: dict[str, int] = {}
    for key, value in region_caps.items():
        if key not in regions:
            raise MatchRoundError(_("“%s” is not a region; use the regions listed.") % key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise MatchRoundError(
                _("The cap for %s must be a whole number, 0 or more.") % Region(key).label
            )
        clean_regions[key] = value
    clean_prefectures: dict[str, int] = {}
    for key, value in prefecture_caps.items():
        code = str(key).zfill(2)
        if not (code.isdigit() and 1 <= int(code) <= 47):
            raise MatchRoundError(_("“%s” is not a prefecture code (01–47).") % key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise MatchRoundError(
                _("The cap for prefecture %s must be a whole number, 0 or more.") % code
            )
        clean_prefectures[code] = value
    if national_cap is not None and national_cap < 0:
        raise MatchRoundError(_("The national cap must be a whole number, 0 or more."))
    return clean_regions, clean_prefectures


@transaction.atomic
def configure_round(
    request_round: RequestRound,
    *,
    actor,
    candidates_rank_from: dt.date,
    candidates_rank_until: dt.date,
    hosts_rank_until: dt.date,
    publish_on: dt.date,
    proposing: str = Proposing.CANDIDATES,
    national_cap: int | None = None,
    region_caps: Mapping[str, Any] | None = None,
    prefecture_caps: Mapping[str, Any] | None = None,
    conflict_years: int = 3,
    seed: int | None = None,
) -> MatchRound:
    """Create or change the matching round of a request round (until it is published)."""
    policy.require(actor, policy.Action.CONFIGURE_MATCH_ROUND)
    existing = MatchRound.objects.filter(request_round=request_round).first()
    if existing is not None and existing.phase == Phase.PUBLISHED:
        raise MatchRoundError(_("This round is published; its settings can no longer change."))
    if not (
        request_round.requests_close
        <= candidates_rank_from
        <= candidates_rank_until
        < hosts_rank_until
        < publish_on
    ):
        raise MatchRoundError(
            _(
                "Put the dates in order: requests close (%(close)s) ≤ candidates rank from ≤ "
                "candidates rank until < hosts rank until < publication."
            )
            % {"close": request_round.requests_close.isoformat()}
        )
    if proposing not in Proposing.values:
        raise MatchRoundError(_("Choose which side proposes."))
    if not 0 <= conflict_years <= 20:
        raise MatchRoundError(_("Vendor affiliations count for 0 to 20 years."))
    regions, prefectures = _clean_caps(national_cap, region_caps or {}, prefecture_caps or {})
    fields = {
        "candidates_rank_from": candidates_rank_from,
        "candidates_rank_until": candidates_rank_until,
        "hosts_rank_until": hosts_rank_until,
        "publish_on": publish_on,
        "proposing": proposing,
        "national_cap": national_cap,
        "region_caps": regions,
        "prefecture_caps": prefectures,
        "conflict_years": conflict_years,
    }
    if seed is not None:
        if not 0 <= seed <= MAX_SEED:
            raise MatchRoundError(_("The seed must be a whole number from 0 to 2⁵³−1."))
        fields["seed"] = seed
    if existing is None:
        fields.setdefault("seed", random.SystemRandom().randrange(MAX_SEED))
        match_round = MatchRound.objects.create(request_round=request_round, **fields)
        record(
            actor=actor, action="matchround.create", target=match_round, changes=_jsonable(fields)
        )
        return match_round
    changes = {name: value for name, value in fields.items() if getattr(existing, name) != value}
    for name, value in changes.items():
        setattr(existing, name, value)
    if changes:
        existing.save(update_fields=list(changes))
        record(
            actor=actor, action="matchround.configure", target=existing, changes=_jsonable(changes)
        )
    return existing


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _prefecture_of(request: DispatchRequest) -> str:
    """A joint request counts in its lead's prefecture, a single one in its host's."""
    if request.group is not None:
        return request.group.lead.prefecture_code
    assert request.host is not None  # a request is for one host or one group
    return request.host.prefecture_code


@transaction.atomic
def open_candidate_ranking(match_round: MatchRound, *, actor) -> MatchRound:
    """Close the request phase: the approved requests become the round's posts."""
    policy.require(actor, policy.Action.CONFIGURE_MATCH_ROUND)
    approved = DispatchRequest.objects.filter(
        request_round=match_round.request_round, state=DispatchRequest.State.APPROVED
    ).select_related("host", "group__lead")
    if not approved:
        raise MatchRoundError(
            _("No request of this round is approved yet; approve requests before ranking opens.")
        )
    for request in approved:
        prefecture = _prefecture_of(request)
        Post.objects.get_or_create(
            request=request,
            defaults={
                "match_round": match_round,
                "prefecture_code": prefecture,
                "region": str(region_of(prefecture).value),
            },
        )
    MATCH_ROUND_PHASES.apply(
        match_round,
        Phase.CANDIDATES_RANK,
        actor=actor,
        changes={"posts": match_round.posts.count()},
    )
    today = timezone.localdate()
    certified = Application.objects.filter(
        state=Application.State.CERTIFIED, certified_until__gte=today
    ).select_related("user")
    _mail(
        _candidate_addresses(certified),
        _("[CIO Dispatch] Rank the posts of %s") % match_round.request_round.title,
        _(
            "The matching round is open for certified CIOs: %(posts)d posts. Sign in and rank "
            "the posts you would accept, best first, by %(until)s."
        )
        % {"posts": match_round.posts.count(), "until": match_round.candidates_rank_until},
    )
    return match_round


@transaction.atomic
def set_post_capacity(post: Post, capacity: int, *, actor) -> Post:
    """How many CIOs a post takes (a joint request may share more than one)."""
    policy.require(actor, policy.Action.CONFIGURE_MATCH_ROUND)
    if post.match_round.phase not in (Phase.CANDIDATES_RANK, Phase.HOSTS_RANK):
        raise MatchRoundError(_("Capacities can be changed only while rankings are open."))
    if not 1 <= capacity <= 5:
        raise MatchRoundError(_("A post takes 1 to 5 CIOs."))
    if capacity != post.capacity:
        record(
            actor=actor,
            action="matchround.post_capacity",
            target=post,
            changes={"capacity": [post.capacity, capacity]},
        )
        post.capacity = capacity
        post.save(update_fields=["capacity"])
    return post


def advance(match_round: MatchRound, target: str, *, actor, reason: str = "") -> MatchRound:
    """Move a round on to the hosts' ranking, or close the rankings for the run."""
    policy.require(actor, policy.Action.CONFIGURE_MATCH_ROUND)
    if target not in (Phase.HOSTS_RANK, Phase.RUN):
        raise MatchRoundError(_("Use the dedicated step for that phase."))
    MATCH_ROUND_PHASES.apply(match_round, target, actor=actor, reason=reason)
    if target == Phase.HOSTS_RANK:
        posts = match_round.posts.select_related("request__liaison", "request__filed_by")
        _mail(
            _host_addresses(p for p in posts if applicants_of(p)),
            _("[CIO Dispatch] Rank your candidates: %s") % match_round.request_round.title,
            _(
                "Candidates have ranked your post. Sign in to read their files, record "
                "interviews and rank them by %s."
            )
            % match_round.hosts_rank_until,
        )
    return match_round


# --- who may take part --------------------------------------------------------------------


def unavailable_reason(
    match_round: MatchRound, application: Application, *, dispatches=None
) -> str:
    """Why a certified candidate cannot take part in this round, or "" if they can: a
    dispatch of another round lasting into this round's start."""
    return availability.unavailable_reason(
        application,
        starts=match_round.request_round.dispatch_start,
        excluding_round_id=match_round.pk,
        dispatches=dispatches,
    )


def unavailable_reasons(match_round: MatchRound, applications) -> dict[int, str]:
    """``unavailable_reason`` for many candidates in one query (a queryset or ids):
    application id -> why (those who can take part are absent)."""
    return availability.unavailable_reasons(
        applications,
        starts=match_round.request_round.dispatch_start,
        excluding_round_id=match_round.pk,
    )


def visible_post_ids(
    match_round: MatchRound, application: Application
) -> tuple[list[int], dict[int, list[str]]]:
    """The ids of the posts a candidate may rank, in the page's order (prefecture, then id),
    and those hidden by a vendor conflict, with the vendors. Two queries and no model
    objects, however many posts the round has."""
    rows = match_round.posts.order_by("prefecture_code", "pk").values_list("pk", "request__vendors")
    affiliations = availability.vendor_affiliations_of([application.pk]).get(application.pk, [])
    keys = availability.recent_vendor_keys(
        affiliations, since=availability.conflicts_since(match_round.conflict_years)
    )
    allowed, hidden = [], {}
    for pk, vendors in rows:
        found = availability.shared_vendors(keys, availability.vendors_by_key(vendors))
        if found:
            hidden[pk] = found
        else:
            allowed.append(pk)
    return allowed, hidden


def visible_posts(match_round: MatchRound, application: Application) -> tuple[list[Post], list]:
    """The posts a candidate may rank, and those hidden by a conflict (post, vendors); three
    queries however many posts the round has."""
    allowed_ids, hidden_ids = visible_post_ids(match_round, application)
    posts = match_round.posts.select_related("request__host", "request__group__lead").in_bulk(
        [*allowed_ids, *hidden_ids]
    )
    allowed = [posts[pk] for pk in allowed_ids]
    hidden = [(posts[pk], vendors) for pk, vendors in hidden_ids.items()]
    return allowed, hidden


def _ranking_open(match_round: MatchRound, phase: str, until: dt.date) -> None:
    if match_round.phase != phase:
        raise MatchRoundError(
            _("This ranking is not open (the round is in “%s”).")
            % (match_round.get_phase_display())
        )
    if timezone.localdate() > until:
        raise MatchRoundError(
            _("The deadline (%s) has passed; rankings can no longer change.") % until.isoformat()
        )


# --- rankings -----------------------------------------------------------------------------


def _store_ranking(existing, field, ids, *, create, actor, kind, target, extra=None):
    """Replace a saved ranking (or withdraw it when ``ids`` is empty); audit what changed."""
    extra = extra or {}
    before = list(getattr(existing, field)) if existing is not None else []
    if not ids:
        if existing is not None:
            existing.delete()
            record(
                actor=actor,
                action=f"matchround.{kind}_ranking_withdrawn",
                target=target,
                changes={field: [before, []]},
            )
        return None
    if existing is None:
        ranking = create()
    else:
        ranking = existing
        setattr(ranking, field, ids)
        for name, value in extra.items():
            setattr(ranking, name, value)
        ranking.save(update_fields=[field, *extra, "updated_at"])
    if before != ids:
        record(
            actor=actor,
            action=f"matchround.{kind}_ranking_saved",
            target=target,
            changes={field: [before, ids]},
        )
    return ranking


# --- candidates ---------------------------------------------------------------------------


@transaction.atomic
def save_candidate_ranking(
    match_round: MatchRound, post_ids: Sequence[int], *, actor
) -> CandidateRanking | None:
    """Replace the candidate's ranking (best first). An empty list withdraws it."""
    policy.require(actor, policy.Action.RANK_POSTS, match_round)
    application = participating_application(actor)
    if application is None:
        raise MatchRoundError(_("Only certified CIOs with a valid certification can rank posts."))
    busy = unavailable_reason(match_round, application)
    if busy:
        raise MatchRoundError(busy)
    _ranking_open(match_round, Phase.CANDIDATES_RANK, match_round.candidates_rank_until)
    ids = [int(pk) for pk in post_ids]
    if len(set(ids)) != len(ids):
        raise MatchRoundError(_("Each post can be ranked once; remove the repeated one."))
    if len(ids) > MAX_CANDIDATE_CHOICES:
        raise MatchRoundError(
            _("Rank at most %d posts; remove the ones you want least.") % MAX_CANDIDATE_CHOICES
        )
    allowed, conflicted = visible_post_ids(match_round, application)
    allowed_ids = set(allowed)
    for pk in ids:
        if pk in conflicted:
            raise MatchRoundError(
                _("You cannot rank a host whose systems come from %s (a recent affiliation).")
                % "、".join(conflicted[pk])
            )
        if pk not in allowed_ids:
            raise MatchRoundError(_("A post you ranked is not part of this round."))
    existing = CandidateRanking.objects.filter(
        match_round=match_round, application=application
    ).first()
    return _store_ranking(
        existing,
        "posts",
        ids,
        create=lambda: CandidateRanking.objects.create(
            match_round=match_round, application=application, posts=ids
        ),
        actor=actor,
        kind="candidate",
        target=match_round,
    )


def candidate_ranking(match_round: MatchRound, application: Application) -> list[int]:
    ranking = CandidateRanking.objects.filter(
        match_round=match_round, application=application
    ).first()
    return list(ranking.posts) if ranking else []


# --- hosts --------------------------------------------------------------------------------


def applicants_of(post: Post) -> list[Application]:
    """The candidates whose current ranking names this post (and only they)."""
    ids = [
        ranking.application_id
        for ranking in CandidateRanking.objects.filter(match_round=post.match_round_id)
        if post.pk in ranking.posts
    ]
    return list(
        Application.objects.filter(pk__in=ids)
        .select_related("user")
        .prefetch_related("skills")
        .order_by("family_name_kana", "given_name_kana", "pk")
    )


def host_ranking(post: Post) -> list[int]:
    ranking = HostRanking.objects.filter(post=post).first()
    return list(ranking.applications) if ranking else []


@transaction.atomic
def save_host_ranking(post: Post, application_ids: Sequence[int], *, actor) -> HostRanking | None:
    """Replace the post's ranking of its applicants (best first); those left out are not
    acceptable to the host. An empty list withdraws the ranking."""
    policy.require(actor, policy.Action.RANK_CANDIDATES, post)
    match_round = post.match_round
    _ranking_open(match_round, Phase.HOSTS_RANK, match_round.hosts_rank_until)
    ids = [int(pk) for pk in application_ids]
    if len(set(ids)) != len(ids):
        raise MatchRoundError(_("Each candidate can be ranked once; remove the repeated one."))
    applicants = {a.pk for a in applicants_of(post)}
    if any(pk not in applicants for pk in ids):
        raise MatchRoundError(_("You can rank only the candidates who ranked your post."))
    return _store_ranking(
        HostRanking.objects.filter(post=post).first(),
        "applications",
        ids,
        create=lambda: HostRanking.objects.create(post=post, applications=ids, updated_by=actor),
        actor=actor,
        kind="host",
        target=post,
        extra={"updated_by": actor},
    )


@transaction.atomic
def record_interview(
    post: Post,
    application: Application,
    *,
    actor,
    held_on: dt.date,
    interviewers: str = "",
    notes: str = "",
) -> Interview:
    """A host's note of an interview with a candidate who ranked its post."""
    policy.require(actor, policy.Action.RANK_CANDIDATES, post)
    if post.match_round.phase not in (Phase.CANDIDATES_RANK, Phase.HOSTS_RANK):
        raise MatchRoundError(_("Interviews are recorded while rankings are open."))
    if application.pk not in {a.pk for a in applicants_of(post)}:
        raise MatchRoundError(_("You can interview only the candidates who ranked your post."))
    if held_on > timezone.localdate():
        raise MatchRoundError(_("Record an interview once it has taken place (the date is ahead)."))
    interview = Interview.objects.create(
        post=post,
        application=application,
        held_on=held_on,
        interviewers=interviewers.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    record(
        actor=actor,
        action="matchround.interview",
        target=post,
        changes={"application": application.pk, "held_on": held_on.isoformat()},
    )
    return interview


# --- the run ------------------------------------------------------------------------------


def build_snapshot(match_round: MatchRound) -> dict[str, Any]:
    """The engine's input, built from the round as it stands (ids: ``a<pk>`` and ``p<pk>``).

    Candidates whose certification lapsed or who became unavailable, and entries now in a
    vendor conflict, are left out; every list is in a fixed order, so the same round always
    gives the same snapshot. A fixed number of queries (six), however large the round: the
    availability of every candidate is read in batches (``candidates.availability``).
    """
    posts = list(
        match_round.posts.select_related("request")
        .only("match_round", "capacity", "region", "prefecture_code", "request__vendors")
        .order_by("pk")
    )
    post_vendors = {p.pk: availability.host_vendors(p.request) for p in posts}
    host_orders = dict(
        HostRanking.objects.filter(post__match_round=match_round).values_list(
            "post_id", "applications"
        )
    )
    ranked = Application.objects.filter(match_rankings__match_round=match_round)
    rankings = (
        CandidateRanking.objects.filter(match_round=match_round)
        .order_by("application_id")
        .values_list("application_id", "posts")
    )
    certified = set(availability.participating(ranked).values_list("pk", flat=True))
    busy = unavailable_reasons(match_round, ranked)
    affiliations = availability.vendor_affiliations_of(ranked)
    since = availability.conflicts_since(match_round.conflict_years)
    candidates = []
    for application_id, ranking in rankings:
        if application_id not in certified or application_id in busy:
            continue
        keys = availability.recent_vendor_keys(affiliations.get(application_id, ()), since=since)
        entries = [
            f"p{pk}"
            for pk in ranking
            if pk in post_vendors
            and not (keys and availability.shared_vendors(keys, post_vendors[pk]))
        ]
        candidates.append({"id": f"a{application_id}", "ranking": entries})
    known = {c["id"] for c in candidates}
    hosts = []
    for post in posts:
        order = [f"a{pk}" for pk in host_orders.get(post.pk, [])]
        hosts.append(
            {
                "id": post.key,
                "capacity": post.capacity,
                "region": post.region,
                "prefecture": post.prefecture_code,
                "ranking": [entry for entry in order if entry in known],
            }
        )
    caps: dict[str, Any] = {}
    if match_round.region_caps:
        caps["region"] = dict(sorted(match_round.region_caps.items()))
    if match_round.prefecture_caps:
        caps["prefecture"] = dict(sorted(match_round.prefecture_caps.items()))
    if match_round.national_cap is not None:
        caps["national"] = match_round.national_cap
    return {
        "candidates": candidates,
        "hosts": hosts,
        "caps": caps,
        "seed": match_round.seed,
        "proposing": match_round.proposing,
    }


def engine_input(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The snapshot as ``python -m ciodispatch.matching solve`` reads it (the proposing side
    is the command's ``--proposing`` option, not part of the instance)."""
    return {k: v for k, v in snapshot.items() if k != "proposing"}


def snapshot_hash(snapshot: Mapping[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def start_run(match_round: MatchRound, *, actor, reason: str = "") -> MatchRun:
    """Queue a run; a worker freezes the inputs into the snapshot and solves it after this
    commits. The request itself only checks and enqueues (a national round's snapshot takes
    seconds to build, more than a web request should wait).

    From the review phase this runs the round again (e.g. after changing a cap): the reason
    is kept in the audit log.
    """
    from ciodispatch.matchround.tasks import run_match

    policy.require(actor, policy.Action.RUN_MATCH, match_round)
    match_round = MatchRound.objects.select_for_update().get(pk=match_round.pk)
    if match_round.phase == Phase.REVIEW:
        if not reason.strip():
            raise MatchRoundError(_("Say why the round is run again."))
        MATCH_ROUND_PHASES.apply(match_round, Phase.RUN, actor=actor, reason=reason.strip())
    elif match_round.phase != Phase.RUN:
        raise MatchRoundError(_("Close the rankings before running the match."))
    heartbeat.fail_stalled(match_round.runs.all())  # a dead worker's run does not block this
    if match_round.runs.filter(status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]):
        raise MatchRoundError(_("A run is already under way; wait for it to finish."))
    if not match_round.candidate_rankings.exists():
        raise MatchRoundError(_("No candidate has ranked a post; there is nothing to match."))
    run = MatchRun.objects.create(match_round=match_round, requested_by=actor)
    record(
        actor=actor,
        action="matchround.run_requested",
        target=run,
        changes={"round": match_round.pk},
        reason=reason.strip(),
    )
    heartbeat.enqueue_after_commit(run_match, run)
    return run


def fail_stalled_runs(match_round: MatchRound) -> int:
    """Fail the round's runs whose worker stopped (``core.heartbeat``); audited as the system.
    Called when the office reads the round or a run, so a dead worker never leaves it stuck."""
    return heartbeat.fail_stalled(match_round.runs.all())


def _progress(run: MatchRun, percent: int, step: str, **fields: Any) -> bool:
    """Record the step reached (and ``fields``) on a running run; False if it is no longer
    running (failed meanwhile as stopped)."""
    return bool(
        MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(
            progress=percent, step=step, heartbeat_at=timezone.now(), **fields
        )
    )


def execute_run(run_id: int) -> MatchRun:
    """Run a queued run (called by the background task): freeze the snapshot, load, solve,
    check, explain, store.

    The run beats its heartbeat while it works, so a worker that dies leaves a run that
    ``fail_stalled_runs`` can fail."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().defer("result", "summary").get(pk=run_id)
        if run.status != MatchRun.Status.QUEUED:
            return run
        run.started_at = run.heartbeat_at = timezone.now()
        run.step = "snapshot"
        MATCH_RUN_STATES.apply(
            run,
            MatchRun.Status.RUNNING,
            actor=run.requested_by,
            update_fields=["started_at", "heartbeat_at", "step"],
        )
    with heartbeat.beating(run):
        return _solve_run(run)


def _freeze_snapshot(run: MatchRun) -> dict[str, Any]:
    """Build the round's snapshot and store it with its hash, audited (the hash is what a
    later run of the same inputs is compared by)."""
    snapshot = build_snapshot(run.match_round)
    if not snapshot["candidates"]:
        raise MatchRoundError(
            _("No candidate who ranked a post can take part (certification or availability).")
        )
    digest = snapshot_hash(snapshot)
    run.snapshot, run.snapshot_hash = snapshot, digest
    with transaction.atomic():
        if not _progress(run, 20, "load", snapshot=snapshot, snapshot_hash=digest):
            raise MatchRoundError(_("The run was stopped."))
        record(
            actor=run.requested_by,
            action="matchround.snapshot_frozen",
            target=run,
            changes={
                "snapshot_hash": digest,
                "candidates": len(snapshot["candidates"]),
                "posts": len(snapshot["hosts"]),
            },
        )
    return snapshot


def _solve_run(run: MatchRun) -> MatchRun:
    from ciodispatch.matching import load_instance, solve

    try:
        snapshot = _freeze_snapshot(run)
        instance = load_instance(engine_input(snapshot))
        _progress(run, 40, "solve")
        started = time.perf_counter()
        result = solve(instance, proposing=snapshot.get("proposing", "candidates"))
        elapsed = time.perf_counter() - started
        _progress(run, 80, "store")
        output = result.to_json()
        output["solve_seconds"] = round(elapsed, 4)
    except Exception as exc:  # noqa: BLE001 - a run must never stay running; the error is kept
        if isinstance(exc, MatchRoundError):  # the reason, in words
            run.error = str(exc)
        else:
            logger.exception("match run %s failed", run.pk)
            run.error = f"{type(exc).__name__}: {exc}"
        run.finished_at = timezone.now()
        with transaction.atomic():
            if not _still_running(run):
                run.refresh_from_db()
                return run
            MATCH_RUN_STATES.apply(
                run,
                MatchRun.Status.FAILED,
                actor=run.requested_by,
                update_fields=["error", "finished_at"],
            )
        return run
    with transaction.atomic():
        if not _still_running(run):
            run.refresh_from_db()
            return run
        run.result = output
        run.summary = result_summary(
            run.frozen_snapshot["hosts"],
            run.frozen_snapshot["caps"],
            output["assignment"],
            output["hosts"],
            output["checks"],
        )
        run.summary["unmatched_first"] = first_unmatched(run.summary["unmatched"])
        run.progress = 100
        run.step = "done"
        run.finished_at = timezone.now()
        MATCH_RUN_STATES.apply(
            run,
            MatchRun.Status.SUCCEEDED,
            actor=run.requested_by,
            update_fields=["result", "summary", "progress", "step", "finished_at"],
            changes={
                "matched": sum(1 for h in output["assignment"].values() if h),
                "stable": output["checks"]["stable"],
                "caps_respected": output["checks"]["caps_respected"],
            },
        )
        match_round = MatchRound.objects.select_for_update().get(pk=run.match_round_id)
        if match_round.phase == Phase.RUN:
            MATCH_ROUND_PHASES.apply(
                match_round, Phase.REVIEW, actor=run.requested_by, changes={"run": run.pk}
            )
    return run


def _still_running(run: MatchRun) -> bool:
    """False when the run was failed meanwhile because its worker looked stopped (it did not
    beat in time): that verdict stands, and the office runs it again."""
    locked = MatchRun.objects.select_for_update().filter(pk=run.pk, status=MatchRun.Status.RUNNING)
    if locked.values_list("pk", flat=True):  # the row locked, its JSON (megabytes) not read
        return True
    logger.warning("match run %s was failed as stopped while it ran; result dropped", run.pk)
    return False


@transaction.atomic
def publish(match_round: MatchRound, run: MatchRun, *, actor) -> MatchRound:
    """Publish a reviewed run: participants see their result and the dispatches are proposed
    (by the dispatches app, told through ``signals.match_published``)."""
    policy.require(actor, policy.Action.PUBLISH_MATCH, match_round)
    match_round = MatchRound.objects.select_for_update().get(pk=match_round.pk)
    if match_round.phase != Phase.REVIEW:
        raise MatchRoundError(_("Only a round under review can be published."))
    if run.match_round_id != match_round.pk or run.status != MatchRun.Status.SUCCEEDED:
        raise MatchRoundError(_("Publish a finished run of this round."))
    latest = match_round.runs.filter(status=MatchRun.Status.SUCCEEDED).first()
    if latest is None or latest.pk != run.pk:
        raise MatchRoundError(_("Publish the latest finished run; an older one is out of date."))
    if run.snapshot is None or snapshot_hash(run.snapshot) != run.snapshot_hash:
        raise MatchRoundError(
            _("The stored snapshot does not match its hash; run the match again.")
        )
    result: dict[str, Any] = run.result or {}
    checks = result["checks"]
    if not (checks["stable"] and checks["caps_respected"] and not checks["unacceptable_pairs"]):
        raise MatchRoundError(
            _("The checker found problems in this result; it cannot be published.")
        )
    posts = {
        p.key: p for p in match_round.posts.select_related("request__liaison", "request__filed_by")
    }
    applications = Application.objects.in_bulk(
        [int(c[1:]) for c, h in result["assignment"].items() if h]
    )
    pairs = [
        (posts[host].request, applications[int(candidate[1:])])
        for candidate, host in sorted(result["assignment"].items())
        if host
    ]
    match_published.send(sender=MatchRound, match_round=match_round, pairs=pairs, actor=actor)
    ranked = Application.objects.filter(
        pk__in=[int(c[1:]) for c in result["assignment"]]
    ).select_related("user")
    _mail(
        [*_candidate_addresses(ranked), *_host_addresses(posts.values())],
        _("[CIO Dispatch] The result of %s is published") % match_round.request_round.title,
        _(
            "The result of the matching round is published. Sign in to read your result and, "
            "for each choice you did not get, why."
        ),
    )
    notify(
        [
            *(a.user for a in ranked),
            *(u for p in posts.values() for u in (p.request.liaison, p.request.filed_by)),
        ],
        "matchround.published",
        reverse("matchround:my_result", args=[match_round.pk]),
        round=match_round.request_round.title,
    )
    match_round.published_run = run
    match_round.published_at = timezone.now()
    MATCH_ROUND_PHASES.apply(
        match_round,
        Phase.PUBLISHED,
        actor=actor,
        update_fields=["published_run", "published_at"],
        changes={"run": run.pk, "snapshot_hash": run.snapshot_hash},
    )
    return match_round


def erase_interview_notes(sender, *, application: Application, **kwargs) -> None:
    """A host's notes on an erased candidate are personal data about them: blanked. The
    interview's date stays, as the round's record (told by ``candidates.signals``)."""
    interviews = Interview.objects.filter(application=application)
    for interview in interviews:
        record(actor=None, action="matchround.interview.erased", target=interview)
    interviews.update(notes="", interviewers="")
