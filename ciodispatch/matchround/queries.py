"""Reading a matching round: the review summary, each participant's result and its reasons in
plain words, exports and the public summary (counts only)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ciodispatch.candidates.models import Application
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.queries import prefecture_choices
from ciodispatch.localgov.regions import Region
from ciodispatch.matchround.models import MatchRound, MatchRun, Post


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
    unmatched = Application.objects.filter(pk__in=unmatched_ids).order_by(
        "family_name_kana", "given_name_kana", "pk"
    )
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
        unmatched_candidate_count=len(unmatched_ids),
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


def candidate_result(match_round: MatchRound, application: Application) -> CandidateResult | None:
    """The published result for one candidate, or None if they did not take part."""
    run = match_round.published_run
    if run is None:
        return None
    key = f"a{application.pk}"
    if key not in run.output["assignment"]:
        return None
    posts = {p.key: p for p in match_round.posts.select_related("request__host", "request__group")}
    entry = next(c for c in run.frozen_snapshot["candidates"] if c["id"] == key)
    ranked = [posts[p] for p in entry["ranking"] if p in posts]
    matched_key = run.output["assignment"][key]
    matched = posts.get(matched_key) if matched_key else None
    reasons = [
        (
            posts[r["host"]],
            reason_text(r, posts[r["host"]].request.requester_name, run.frozen_snapshot["seed"]),
        )
        for r in run.output["explanations"].get(key, [])
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
    run = post.match_round.published_run
    if run is None:
        return None
    summary = run.output["hosts"].get(post.key)
    if summary is None:
        return None
    applications = Application.objects.in_bulk([int(c[1:]) for c in summary["matched"]])
    entry = next(h for h in run.frozen_snapshot["hosts"] if h["id"] == post.key)
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
