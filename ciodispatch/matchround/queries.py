"""Reading a matching round: the review summary, each participant's result and its reasons in
plain words, exports and the public summary (counts only)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _

from ciodispatch.candidates.models import Application
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.queries import prefecture_choices
from ciodispatch.localgov.regions import Region
from ciodispatch.matchround.models import CandidateRanking, HostRanking, MatchRound, MatchRun, Post
from ciodispatch.requests.models import DispatchRequest


def prefecture_name(code: str) -> str:
    return dict(prefecture_choices()).get(code, code)


def region_name(key: str) -> str:
    try:
        return str(Region(key).label)
    except ValueError:
        return key


def caps_text(match_round: MatchRound) -> str:
    """The round's caps in words, e.g. "national 50 · Kanto 4 · 佐賀県 2"."""
    names = dict(prefecture_choices())
    parts = []
    if match_round.national_cap is not None:
        parts.append(_("national %d") % match_round.national_cap)
    parts += [f"{region_name(k)} {v}" for k, v in sorted(match_round.region_caps.items())]
    parts += [f"{names.get(k, k)} {v}" for k, v in sorted(match_round.prefecture_caps.items())]
    return " · ".join(parts)


# A national round's snapshot and result are megabytes of JSON: lists and pages read the run
# rows without them (``runs_without_data``) and only the parts they show (``run_parts``).
LARGE_FIELDS = ("snapshot", "result", "summary")
REVIEW_LIST_LIMIT = 100  # rows the review lists; the export has every one


def runs_without_data(match_round: MatchRound):
    return match_round.runs.defer(*LARGE_FIELDS)


def run_parts(run: MatchRun, *paths: str) -> tuple[Any, ...]:
    """Parts of a run's stored JSON (``"result__assignment"``, ``"snapshot__seed"``), read in
    one query; the database extracts them, so the rest of the document is never decoded."""
    return tuple(MatchRun.objects.filter(pk=run.pk).values_list(*paths).get())


def latest_run(match_round: MatchRound) -> MatchRun | None:
    return runs_without_data(match_round).first()


def latest_finished_run(match_round: MatchRound) -> MatchRun | None:
    return runs_without_data(match_round).filter(status=MatchRun.Status.SUCCEEDED).first()


def open_rounds() -> list[MatchRound]:
    return list(
        MatchRound.objects.exclude(phase=MatchRound.Phase.PUBLISHED).select_related("request_round")
    )


# --- counts over the round's rankings, by the database ------------------------------------

# The rankings are JSON lists; the database walks them (SQLite's json_each, PostgreSQL's
# jsonb_array_elements), so a view never decodes the round's ten thousand lists in Python.
_APPLICANTS_SQL = {
    "sqlite": (
        "SELECT CAST(e.value AS INTEGER), COUNT(*) FROM {table} r, json_each(r.posts) e "
        "WHERE r.match_round_id = %s GROUP BY CAST(e.value AS INTEGER)"
    ),
    "postgresql": (
        "SELECT (e.value)::integer, COUNT(*) FROM {table} r, "
        "jsonb_array_elements_text(r.posts) e(value) "
        "WHERE r.match_round_id = %s GROUP BY (e.value)::integer"
    ),
}
_HOST_RANKED_SQL = {
    "sqlite": (
        "SELECT h.post_id, json_array_length(h.applications) FROM {table} h "
        "JOIN {posts} p ON p.id = h.post_id WHERE p.match_round_id = %s"
    ),
    "postgresql": (
        "SELECT h.post_id, jsonb_array_length(h.applications) FROM {table} h "
        "JOIN {posts} p ON p.id = h.post_id WHERE p.match_round_id = %s"
    ),
}


def applicant_counts(match_round: MatchRound) -> dict[int, int]:
    """For each post of the round, how many candidates ranked it (posts no one ranked are
    absent); one query, counted by the database."""
    sql = _APPLICANTS_SQL[connection.vendor].format(table=CandidateRanking._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [match_round.pk])
        return {int(pk): count for pk, count in cursor.fetchall()}


def host_ranked_counts(match_round: MatchRound) -> dict[int, int]:
    """For each post with a saved ranking, how many candidates its host ranked."""
    sql = _HOST_RANKED_SQL[connection.vendor].format(
        table=HostRanking._meta.db_table, posts=Post._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match_round.pk])
        return {int(pk): count for pk, count in cursor.fetchall()}


# --- the office's review -----------------------------------------------------------------


class FillRate:
    """Places filled: ``matched`` of ``seats``."""

    matched: int
    seats: int

    @property
    def fill_rate(self) -> float:
        return self.matched / self.seats if self.seats else 0.0

    @property
    def percent(self) -> int:
        return round(self.fill_rate * 100)


@dataclass
class AreaRow(FillRate):
    key: str
    name: str
    posts: int = 0
    seats: int = 0
    matched: int = 0
    cap: int | None = None


@dataclass
class Review(FillRate):
    run: MatchRun
    seats: int
    matched: int
    candidates: int
    posts: int
    by_region: list[AreaRow]
    by_prefecture: list[AreaRow]
    unmatched_posts: list[tuple[Post, int, str]]  # post, free places, what bound it
    unmatched_candidates: list[Application]  # the first REVIEW_LIST_LIMIT, by name
    checks: dict[str, Any]
    unmatched_post_count: int = 0
    unmatched_candidate_count: int = 0
    same_snapshot_runs: list[MatchRun] = field(default_factory=list)
    reproduced: bool | None = None


def assignment_digest(assignment: dict[str, Any]) -> str:
    canonical = json.dumps(assignment, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def result_summary(
    snapshot_hosts: list[dict[str, Any]],
    caps: dict[str, Any],
    assignment: dict[str, Any],
    hosts: dict[str, Any],
    checks: dict[str, Any],
) -> dict[str, Any]:
    """The part of a run's snapshot and result the review and the public summary read: each
    post's places, area and matched count, the unmatched candidates, the checker's verdict
    and a digest of the assignment (to compare runs of the same snapshot)."""
    return {
        "hosts": [
            {
                "id": h["id"],
                "capacity": h["capacity"],
                "region": h["region"],
                "prefecture": h["prefecture"],
                "matched": len(hosts.get(h["id"], {}).get("matched", [])),
                "binding_cap": hosts.get(h["id"], {}).get("binding_cap"),
            }
            for h in snapshot_hosts
        ],
        "caps": caps,
        "candidates": len(assignment),
        "unmatched": [int(c[1:]) for c, h in assignment.items() if not h],
        "checks": checks,
        "assignment_sha256": assignment_digest(assignment),
    }


UNMATCHED_ORDER = ("family_name_kana", "given_name_kana", "pk")


def first_unmatched(unmatched: list[int], limit: int = REVIEW_LIST_LIMIT) -> list[int]:
    """The first ``limit`` unmatched candidates by name, as the review lists them: sorted once
    by the worker when the run finishes (``unmatched_first`` in the summary), not per view."""
    return list(
        Application.objects.filter(pk__in=unmatched)
        .order_by(*UNMATCHED_ORDER)
        .values_list("pk", flat=True)[:limit]
    )


def run_summary(run: MatchRun) -> dict[str, Any]:
    """The run's stored summary; for a run stored before summaries were kept, computed from
    the parts of its JSON (read by the database, not decoded whole)."""
    (summary,) = run_parts(run, "summary")
    if summary is not None:
        return summary
    parts = run_parts(
        run, "snapshot__hosts", "snapshot__caps", "result__assignment", "result__hosts",
        "result__checks",
    )  # fmt: skip
    hosts, caps, assignment, results, checks = parts
    return result_summary(hosts or [], caps or {}, assignment or {}, results or {}, checks or {})


def review(run: MatchRun, *, limit: int | None = REVIEW_LIST_LIMIT) -> Review:
    """Everything the office reads before publishing a run. The lists of unmatched posts and
    candidates hold at most ``limit`` rows (None: all), with their full counts; a fixed number
    of queries, reading the run's summary, not its result."""
    summary = run_summary(run)
    caps = summary["caps"]
    regions: dict[str, AreaRow] = {}
    prefectures: dict[str, AreaRow] = {}
    free_places = []
    seats = matched_total = 0
    names = dict(prefecture_choices())
    for host in summary["hosts"]:
        matched = host["matched"]
        seats += host["capacity"]
        matched_total += matched
        for rows, key, name, cap in (
            (
                regions,
                host["region"],
                region_name(host["region"]),
                caps.get("region", {}).get(host["region"]),
            ),
            (
                prefectures,
                host["prefecture"],
                names.get(host["prefecture"], host["prefecture"]),
                caps.get("prefecture", {}).get(host["prefecture"]),
            ),
        ):
            row = rows.setdefault(key, AreaRow(key=key, name=name, cap=cap))
            row.posts += 1
            row.seats += host["capacity"]
            row.matched += matched
        if matched < host["capacity"]:
            free_places.append(host)
    shown = free_places if limit is None else free_places[:limit]
    posts = {
        p.key: p
        for p in run.match_round.posts.filter(pk__in=[int(h["id"][1:]) for h in shown])
        .select_related("request__host", "request__group")
        .order_by("pk")
    }
    unmatched_posts = [
        (
            posts[host["id"]],
            host["capacity"] - host["matched"],
            _cap_text(host["binding_cap"]) or _("Too few acceptable candidates ranked it."),
        )
        for host in shown
        if host["id"] in posts
    ]
    unmatched_ids = summary["unmatched"]
    first = summary.get("unmatched_first")  # the first page by name, kept by the worker
    if first is not None and (
        len(first) == len(unmatched_ids) or (limit is not None and limit <= len(first))
    ):
        unmatched_ids = first  # the list's first rows, without sorting every unmatched name
    unmatched = Application.objects.filter(pk__in=unmatched_ids).order_by(*UNMATCHED_ORDER)
    unmatched_candidates = list(unmatched if limit is None else unmatched[:limit])
    same = list(
        run.match_round.runs.filter(
            snapshot_hash=run.snapshot_hash, status=MatchRun.Status.SUCCEEDED
        )
        .exclude(pk=run.pk)
        .defer(*LARGE_FIELDS)
    )
    reproduced = None
    if same:
        digest = summary["assignment_sha256"]
        reproduced = all(run_summary(other)["assignment_sha256"] == digest for other in same)
    return Review(
        run=run,
        seats=seats,
        matched=matched_total,
        candidates=summary["candidates"],
        posts=len(summary["hosts"]),
        by_region=sorted(regions.values(), key=lambda r: list(Region.values).index(r.key)),
        by_prefecture=sorted(prefectures.values(), key=lambda r: r.key),
        unmatched_posts=unmatched_posts,
        unmatched_candidates=unmatched_candidates,
        checks=summary["checks"] or {},
        same_snapshot_runs=same,
        reproduced=reproduced,
        unmatched_post_count=len(free_places),
        unmatched_candidate_count=len(summary["unmatched"]),
    )


# --- a participant's result in plain words -----------------------------------------------


def _cap_text(binding: dict[str, Any] | None) -> str:
    if not binding:
        return ""
    level, area = binding.get("level"), binding.get("area", "")
    if level == "host":
        return _("All its places were filled.")
    if level == "region":
        return _("The cap for the region %s was reached.") % region_name(area)
    if level == "prefecture":
        return _("The cap for %s was reached.") % prefecture_name(area)
    if level == "national":
        return _("The national cap (the number of dispatches the budget funds) was reached.")
    return ""


def reason_text(reason: dict[str, Any], host_name: str, seed: int) -> str:
    """One explanation entry of the engine as a sentence."""
    code = reason["reason"]
    if code == "filled":
        return _(
            "%(host)s filled its places with candidates it ranked above you: the last one it "
            "took was its no. %(last)d, and you were its no. %(yours)d."
        ) % {"host": host_name, "last": reason["last_admitted_rank"], "yours": reason["your_rank"]}
    if code == "lost_lottery":
        return _(
            "%(host)s ranked you equal (no. %(yours)d) with the last candidate it took; the "
            "lottery recorded for this round (seed %(seed)s) placed them first."
        ) % {"host": host_name, "yours": reason["your_rank"], "seed": seed}
    if code == "cap":
        return _("%(host)s had a free place, but a cap stopped it: %(cap)s") % {
            "host": host_name,
            "cap": _cap_text(reason),
        }
    if code == "not_acceptable":
        return _("%(host)s did not rank you.") % {"host": host_name}
    if code == "no_seats":
        return _("%(host)s had no places.") % {"host": host_name}
    return _("%(host)s: no reason was found; please contact the programme office.") % {
        "host": host_name
    }


@dataclass
class CandidateResult:
    match_round: MatchRound
    ranked: list[Post]
    matched: Post | None
    matched_rank: int | None
    reasons: list[tuple[Post, str]]


_SNAPSHOT_ENTRY_SQL = {
    "sqlite": (
        "SELECT e.value FROM {table} r, json_each(r.snapshot, '$.' || %s) e "
        "WHERE r.id = %s AND json_extract(e.value, '$.id') = %s"
    ),
    "postgresql": (
        "SELECT e.value::text FROM {table} r, jsonb_array_elements(r.snapshot -> %s) e(value) "
        "WHERE r.id = %s AND e.value ->> 'id' = %s"
    ),
}


def snapshot_entry(run_id: int, side: str, key: str) -> dict[str, Any] | None:
    """One participant's entry of a run's snapshot (``side`` "candidates" or "hosts"), found
    by the database: the snapshot's other entries are never sent or decoded."""
    sql = _SNAPSHOT_ENTRY_SQL[connection.vendor].format(table=MatchRun._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [side, run_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
    value = row[0]
    return json.loads(value) if isinstance(value, str | bytes) else value


def _participant_parts(run_id: int, side: str, key: str, *paths: str) -> tuple[Any, ...] | None:
    """Whether ``key`` is in the result's ``side`` (assignment or hosts), and the parts of the
    result under it (``paths``), read by the database from the stored JSON: a national round's
    result is megabytes, one participant's part a few hundred bytes."""
    taken = ExpressionWrapper(Q(**{f"result__{side}__has_key": key}), output_field=BooleanField())
    row = (
        MatchRun.objects.filter(pk=run_id)
        .annotate(taken=taken)
        .values_list("taken", *paths)
        .first()
    )
    if row is None or not row[0]:
        return None
    return tuple(row[1:])


def candidate_result(match_round: MatchRound, application: Application) -> CandidateResult | None:
    """The published result for one candidate, or None if they did not take part. Reads only
    the candidate's part of the run (their assignment, explanations and snapshot entry)."""
    run_id = match_round.published_run_id
    if run_id is None:
        return None
    key = f"a{application.pk}"
    parts = _participant_parts(
        run_id, "assignment", key, f"result__assignment__{key}", f"result__explanations__{key}",
        "snapshot__seed",
    )  # fmt: skip
    if parts is None:
        return None
    matched_key, explanations, seed = parts
    entry = snapshot_entry(run_id, "candidates", key) or {"ranking": []}
    explanations = explanations or []
    wanted = {*entry["ranking"], *(r["host"] for r in explanations)}
    if matched_key:
        wanted.add(matched_key)
    posts = {
        p.key: p
        for p in match_round.posts.filter(pk__in=[int(k[1:]) for k in wanted]).select_related(
            "request__host", "request__group"
        )
    }
    ranked = [posts[p] for p in entry["ranking"] if p in posts]
    matched = posts.get(matched_key) if matched_key else None
    reasons = [
        (posts[r["host"]], reason_text(r, posts[r["host"]].request.requester_name, seed))
        for r in explanations
        if r["host"] in posts
    ]
    return CandidateResult(
        match_round=match_round,
        ranked=ranked,
        matched=matched,
        matched_rank=(entry["ranking"].index(matched_key) + 1) if matched_key else None,
        reasons=reasons,
    )


@dataclass
class HostResult:
    post: Post
    matched: list[Application]
    ranked: int
    cutoff_rank: int | None
    binding: str


def host_result(post: Post) -> HostResult | None:
    """The published result for one post, reading only its part of the run."""
    run_id = post.match_round.published_run_id
    if run_id is None:
        return None
    parts = _participant_parts(run_id, "hosts", post.key, f"result__hosts__{post.key}")
    if parts is None or parts[0] is None:
        return None
    (summary,) = parts
    applications = Application.objects.in_bulk([int(c[1:]) for c in summary["matched"]])
    entry = snapshot_entry(run_id, "hosts", post.key) or {"ranking": []}
    return HostResult(
        post=post,
        matched=[applications[int(c[1:])] for c in summary["matched"]],
        ranked=len(entry["ranking"]),
        cutoff_rank=summary["cutoff_rank"],
        binding=_cap_text(summary["binding_cap"]),
    )


# --- exports and the public summary -------------------------------------------------------


def result_rows(run: MatchRun) -> tuple[list[str], list[list[Any]]]:
    """The whole result, one row per candidate (office only: it names people)."""
    posts = {
        p.key: p for p in run.match_round.posts.select_related("request__host", "request__group")
    }
    applications = Application.objects.in_bulk([int(c[1:]) for c in run.output["assignment"]])
    host_rank = {
        h["id"]: {c: i + 1 for i, c in enumerate(h["ranking"])}
        for h in run.frozen_snapshot["hosts"]
    }
    names = dict(prefecture_choices())
    header = [
        _("Candidate number"),
        _("Candidate"),
        _("Matched post"),
        _("Prefecture"),
        _("Region"),
        _("Candidate's rank of the post"),
        _("Host's rank of the candidate"),
        _("Posts ranked"),
    ]
    rows = []
    for entry in run.frozen_snapshot["candidates"]:
        cid = entry["id"]
        application = applications.get(int(cid[1:]))
        host = run.output["assignment"].get(cid)
        post = posts.get(host) if host else None
        rows.append(
            [
                cid,
                application.full_name if application else "",
                post.request.requester_name if post else _("(not matched)"),
                names.get(post.prefecture_code, "") if post else "",
                region_name(post.region) if post else "",
                entry["ranking"].index(host) + 1 if host else "",
                host_rank.get(host, {}).get(cid, "") if host else "",
                len(entry["ranking"]),
            ]
        )
    return header, rows


def public_summary(match_round: MatchRound) -> dict[str, Any] | None:
    """Counts only, no personal data: what the public may read of a published round."""
    run = match_round.published_run
    if run is None:
        return None
    result = review(run, limit=0)
    challenges: Counter[str] = Counter()
    posts = {p.key: p for p in match_round.posts.select_related("request")}
    for host in run_summary(run)["hosts"]:
        if host["id"] in posts and host["matched"]:
            for challenge in posts[host["id"]].request.challenges or []:
                challenges[challenge] += host["matched"]
    return {
        "fiscal_year": match_round.fiscal_year,
        "title": match_round.request_round.title,
        "published_at": match_round.published_at,
        "requests": result.posts,
        "seats": result.seats,
        "candidates": result.candidates,
        "matched": result.matched,
        "fill_rate": round(result.fill_rate, 4),
        "by_region": {row.key: row.matched for row in result.by_region},
        "by_prefecture": {row.key: row.matched for row in result.by_prefecture},
        "by_challenge": {c: challenges[c] for c in Challenge.values if challenges[c]},
        "region_rows": result.by_region,
        "prefecture_rows": result.by_prefecture,
    }


def published_summaries() -> list[dict[str, Any]]:
    """One public summary per published round, newest first (for the public statistics)."""
    rounds = (
        MatchRound.objects.filter(phase=MatchRound.Phase.PUBLISHED)
        .select_related("request_round", "published_run")
        .defer(*(f"published_run__{name}" for name in LARGE_FIELDS))
    )
    summaries = []
    for match_round in rounds:
        summary = public_summary(match_round)
        if summary is not None:
            summaries.append(
                {k: v for k, v in summary.items() if k not in ("region_rows", "prefecture_rows")}
            )
    return summaries


def summary_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    header = [_("Area"), _("Posts"), _("Places"), _("Matched"), _("Fill rate (%)")]
    rows = [
        [row.name, row.posts, row.seats, row.matched, row.percent]
        for row in [*summary["region_rows"], *summary["prefecture_rows"]]
    ]
    return header, rows


# --- the office's home: where the programme stands ------------------------------------------


@dataclass(frozen=True)
class ProgrammeStatus:
    """The round the office works on now: its phase, the phase's deadline and how many of
    those who should act in it have."""

    match_round: MatchRound
    phase_label: str
    deadline_label: str
    deadline: Any  # a date, or None once published
    acted: int | None
    of: int | None
    acted_label: str


def programme_status() -> ProgrammeStatus | None:
    """The newest round not yet published (else the newest round), or None without rounds."""
    from ciodispatch.candidates.availability import participating

    rounds = MatchRound.objects.select_related("request_round")
    match_round = (
        rounds.exclude(phase=MatchRound.Phase.PUBLISHED).order_by("-request_round__fiscal_year")
    ).first() or rounds.order_by("-request_round__fiscal_year").first()
    if match_round is None:
        return None
    Phase = MatchRound.Phase
    phase = match_round.phase
    acted = of = None
    acted_label = ""
    if phase == Phase.REQUESTS_OPEN:
        deadline, deadline_label = match_round.request_round.requests_close, _("Requests close")
        State = DispatchRequest.State
        requests = match_round.request_round.requests.exclude(state=State.DRAFT)
        of = requests.count()
        acted = requests.filter(state__in=[State.APPROVED, State.REJECTED]).count()
        acted_label = _("%(acted)s of %(of)s filed requests are decided")
    elif phase == Phase.CANDIDATES_RANK:
        deadline, deadline_label = match_round.candidates_rank_until, _("Candidates rank until")
        acted = match_round.candidate_rankings.count()
        of = participating().count()
        acted_label = _("%(acted)s of %(of)s certified candidates have ranked posts")
    elif phase == Phase.HOSTS_RANK:
        deadline, deadline_label = match_round.hosts_rank_until, _("Hosts rank until")
        applied = applicant_counts(match_round)
        ranked = host_ranked_counts(match_round)
        of = len(applied)
        acted = sum(1 for pk in applied if ranked.get(pk))
        acted_label = _("%(acted)s of %(of)s posts with applicants are ranked by their hosts")
    elif phase in (Phase.RUN, Phase.REVIEW):
        deadline, deadline_label = match_round.publish_on, _("Result to be published on")
    else:
        deadline, deadline_label = match_round.publish_on, _("Result published on")
    return ProgrammeStatus(
        match_round=match_round,
        phase_label=str(match_round.get_phase_display()),
        deadline_label=str(deadline_label),
        deadline=deadline,
        acted=acted,
        of=of,
        acted_label=str(acted_label) % {"acted": acted, "of": of} if acted_label else "",
    )


# --- the work waiting in a round (matchround/work.py and the lists it links to) ----------------


def candidate_round() -> MatchRound | None:
    """The round a candidate's ranking page shows: the newest one under way."""
    return (
        MatchRound.objects.filter(
            phase__in=[
                MatchRound.Phase.CANDIDATES_RANK,
                MatchRound.Phase.HOSTS_RANK,
                MatchRound.Phase.RUN,
                MatchRound.Phase.REVIEW,
            ]
        )
        .select_related("request_round")
        .first()
    )


def posts_to_rank(posts, today) -> list[Post]:
    """Of ``posts``, those whose host's ranking is due: the round in the hosts' ranking phase
    and its deadline not passed, some candidate ranked the post, the host has saved no
    ranking yet."""
    open_posts = list(
        posts.filter(
            match_round__phase=MatchRound.Phase.HOSTS_RANK,
            match_round__hosts_rank_until__gte=today,
        ).select_related("match_round")
    )
    if not open_posts:
        return []
    saved = {
        ranking.post_id
        for ranking in HostRanking.objects.filter(post__in=open_posts).only("applications")
        if ranking.applications
    }
    open_posts = [post for post in open_posts if post.pk not in saved]
    # Every ranking of the round is read, as ``services.applicants_of`` does (see
    # docs/benchmarks.md: counting in the database is the next step); only for a host with
    # a post still to rank, in the hosts' phase.
    ranked: set[int] = set()
    for posts_ranked in CandidateRanking.objects.filter(
        match_round__in={p.match_round_id for p in open_posts}
    ).values_list("posts", flat=True):
        ranked.update(posts_ranked)
    return [post for post in open_posts if post.pk in ranked]


def rounds_to_publish():
    """Rounds whose result waits for the office's review and publication."""
    return MatchRound.objects.filter(phase=MatchRound.Phase.REVIEW)
