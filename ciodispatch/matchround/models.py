"""The yearly matching round: posts, rankings from both sides, runs of the engine, the result.

A round belongs to the fiscal year of a request round. Its posts are the approved requests
(one post per request; a joint request is one host with its members). Certified candidates
rank posts, hosts rank the candidates who ranked them, the office runs the engine
(``ciodispatch.matching``) on a frozen, hashed snapshot of the rankings, reviews the result
and publishes it, which proposes the dispatches.
"""

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.models import Application
from ciodispatch.core.models import BackgroundRun, actor_field
from ciodispatch.core.states import StateMachine
from ciodispatch.requests.models import DispatchRequest, RequestRound


class Proposing(models.TextChoices):
    CANDIDATES = "candidates", _("Candidates propose (best for candidates)")
    HOSTS = "hosts", _("Hosts propose (best for hosts)")


class MatchRound(models.Model):
    class Phase(models.TextChoices):
        REQUESTS_OPEN = "requests_open", _("Requests open")
        CANDIDATES_RANK = "candidates_rank", _("Candidates rank")
        HOSTS_RANK = "hosts_rank", _("Hosts rank")
        RUN = "run", _("Matching")
        REVIEW = "review", _("Review")
        PUBLISHED = "published", _("Published")

    request_round = models.OneToOneField(
        RequestRound,
        on_delete=models.PROTECT,
        related_name="match_round",
        verbose_name=_("request round"),
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.REQUESTS_OPEN
    )
    # The plan: the last day of each phase (inclusive). Saving a ranking is refused after it.
    candidates_rank_from = models.DateField(_("candidates rank from"))
    candidates_rank_until = models.DateField(_("candidates rank until"))
    hosts_rank_until = models.DateField(_("hosts rank until"))
    publish_on = models.DateField(_("result published on"))
    # How the engine runs.
    proposing = models.CharField(
        _("proposing side"), max_length=10, choices=Proposing.choices, default=Proposing.CANDIDATES
    )
    national_cap = models.PositiveIntegerField(
        _("national cap (dispatches the budget funds)"), null=True, blank=True
    )
    region_caps = models.JSONField(_("caps by region"), default=dict, blank=True)
    prefecture_caps = models.JSONField(_("caps by prefecture"), default=dict, blank=True)
    conflict_years = models.PositiveSmallIntegerField(
        _("vendor affiliations count for (years)"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    seed = models.PositiveBigIntegerField(_("lottery seed"))
    published_run = models.ForeignKey(
        "MatchRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-request_round__fiscal_year"]
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")

    def __str__(self):
        return str(_("Matching round, %(round)s") % {"round": self.request_round.title})

    @property
    def fiscal_year(self) -> int:
        return self.request_round.fiscal_year


MATCH_ROUND_PHASES = StateMachine.define(
    "matchround.MatchRound",
    "phase",
    MatchRound.Phase.REQUESTS_OPEN,
    {
        MatchRound.Phase.REQUESTS_OPEN: [MatchRound.Phase.CANDIDATES_RANK],
        MatchRound.Phase.CANDIDATES_RANK: [MatchRound.Phase.HOSTS_RANK],
        MatchRound.Phase.HOSTS_RANK: [MatchRound.Phase.RUN],
        MatchRound.Phase.RUN: [MatchRound.Phase.REVIEW],
        # The office may send a result back to be run again (e.g. with other caps).
        MatchRound.Phase.REVIEW: [MatchRound.Phase.RUN, MatchRound.Phase.PUBLISHED],
    },
)


class Post(models.Model):
    """One approved request in the round: a host of the match (a joint request is one post)."""

    match_round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="posts")
    request = models.OneToOneField(DispatchRequest, on_delete=models.PROTECT, related_name="post")
    capacity = models.PositiveSmallIntegerField(
        _("CIOs wanted"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    prefecture_code = models.CharField(_("prefecture"), max_length=2)
    region = models.CharField(_("region"), max_length=10)

    class Meta:
        ordering = ["prefecture_code", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self):
        return self.request.requester_name

    @property
    def key(self) -> str:
        return f"p{self.pk}"


class CandidateRanking(models.Model):
    """A candidate's ranking of posts, saved whole each time (latest wins until the deadline)."""

    match_round = models.ForeignKey(
        MatchRound, on_delete=models.CASCADE, related_name="candidate_rankings"
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="match_rankings"
    )
    posts = models.JSONField(default=list)  # post ids, best first
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["match_round", "application"], name="one_ranking_per_candidate"
            )
        ]

    def __str__(self):
        return f"{self.application} ({len(self.posts)})"


class HostRanking(models.Model):
    """A post's ranking of the candidates who ranked it, best first."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="ranking")
    applications = models.JSONField(default=list)  # application ids, best first
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = actor_field()

    def __str__(self):
        return f"{self.post} ({len(self.applications)})"


class Interview(models.Model):
    """A host's interview with a candidate who ranked it (the host's notes, private to it)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="interviews")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="host_interviews"
    )
    held_on = models.DateField(_("date"))
    interviewers = models.CharField(_("interviewers"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = actor_field()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self):
        return f"{self.post} – {self.application} ({self.held_on})"


class MatchRun(BackgroundRun):
    """One run of the engine over a frozen snapshot of the round's inputs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    match_round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=40, blank=True)
    # The engine's input, exactly as solved: frozen by the worker when the run starts (None
    # until then), with the SHA-256 of its canonical JSON.
    snapshot = models.JSONField(null=True, blank=True)
    snapshot_hash = models.CharField(
        _("snapshot (SHA-256)"), max_length=64, db_index=True, blank=True
    )
    result = models.JSONField(null=True, blank=True)  # the engine's output
    # What the review reads of the result, computed once when the run finishes
    # (``queries.result_summary``): kilobytes where the result is megabytes.
    summary = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = actor_field()
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self):
        return f"#{self.pk} {self.snapshot_hash[:12] or '-'}"

    @property
    def frozen_snapshot(self) -> dict[str, Any]:
        """The engine's input (empty until the worker has frozen it)."""
        return self.snapshot or {}

    @property
    def output(self) -> dict[str, Any]:
        """The engine's output (empty until the run has finished)."""
        return self.result or {}


MATCH_RUN_STATES = StateMachine.define(
    "matchround.MatchRun",
    "status",
    MatchRun.Status.QUEUED,
    {
        # A queued run fails when its worker stopped before starting it (core.heartbeat).
        MatchRun.Status.QUEUED: [MatchRun.Status.RUNNING, MatchRun.Status.FAILED],
        MatchRun.Status.RUNNING: [MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED],
    },
)
