"""The know-how base: cases structured like the study's table, manuals, awards, the index."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.choices import Domain
from ciodispatch.core.models import StoredDocument, actor_field, state_field
from ciodispatch.core.programme import ChallengeLabels
from ciodispatch.core.states import StateMachine
from ciodispatch.localgov.models import LocalGovernment

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"

# The roles who made a case work (the study's 人材と組織): key, label.
ROLE_KEYS = ("head", "leader", "followers", "field")


class Case(ChallengeLabels, models.Model):
    """One case of IT reform, as the study's table has them: 課題 / 事業成功のポイント /
    横展開のポイント, the people who made it work, outcomes with their sources."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    state = state_field(State, max_length=10, default=State.DRAFT, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("the story (Markdown)"), blank=True)
    theme = models.CharField(_("theme"), max_length=30, choices=Domain.choices, blank=True)
    year_from = models.PositiveSmallIntegerField(_("from (fiscal year)"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to (fiscal year)"), null=True, blank=True)
    local_governments = models.ManyToManyField(
        LocalGovernment, related_name="knowhow_cases", verbose_name=_("local governments")
    )
    # The government whose staff drafted it (None: the programme office).
    author_government = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_by = actor_field()
    challenges = models.JSONField(_("common challenges"), default=list, blank=True)
    challenges_other = models.JSONField(_("other challenges"), default=list, blank=True)
    success_points = models.JSONField(
        _("success points (事業成功のポイント)"), default=list, blank=True
    )
    spread_points = models.JSONField(
        _("points for spreading (横展開のポイント)"), default=list, blank=True
    )
    # {"head": "...", "leader": "...", "followers": "...", "field": "..."}
    roles = models.JSONField(_("roles"), default=dict, blank=True)
    # [{"label", "value", "source", "url"}]: a figure is shown only with its source.
    outcomes = models.JSONField(_("outcomes"), default=list, blank=True)
    # [{"title", "url"}]
    sources = models.JSONField(_("sources and links"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    return_reason = models.TextField(_("reason returned"), blank=True)
    origin = models.CharField(_("origin"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        # The public list: published cases, newest first, one page at a time.
        indexes = [
            models.Index(fields=["state", "-published_at", "-id"], name="knowhow_case_by_state")
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def period_label(self) -> str:
        """2011年度（平成23年度）～2013年度（平成25年度）: 和暦 beside the year."""
        from django.utils.translation import get_language

        from ciodispatch.core.dates import format_fiscal_year

        if self.year_from and self.year_to and self.year_to != self.year_from:
            dash = "～" if (get_language() or "ja").startswith("ja") else " – "
            return f"{format_fiscal_year(self.year_from)}{dash}{format_fiscal_year(self.year_to)}"
        year = self.year_from or self.year_to
        return format_fiscal_year(year) if year else ""

    def government_names(self) -> str:
        return "、".join(lg.name for lg in self.local_governments.all())

    def prefecture_codes(self) -> set[str]:
        return {lg.prefecture_code for lg in self.local_governments.all()}


CASE_STATES = StateMachine.define(
    "knowhow.Case",
    "state",
    initial=Case.State.DRAFT,
    table={
        Case.State.DRAFT: [Case.State.IN_REVIEW],
        Case.State.IN_REVIEW: [Case.State.PUBLISHED, Case.State.DRAFT],
        Case.State.PUBLISHED: [Case.State.WITHDRAWN],
        Case.State.WITHDRAWN: [Case.State.DRAFT],
    },
)


class SavedVersion(models.Model):
    """One saved version of a case or a manual: its number, who saved it, when and what
    changed. Subclasses add the document it is a version of and what it keeps of it."""

    number = models.PositiveIntegerField(_("version"))
    saved_by = actor_field(null=True)
    saved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["-number"]


class CaseVersion(SavedVersion):
    """A published version as it was: kept whenever a published case changes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="versions")
    snapshot = models.JSONField()

    class Meta(SavedVersion.Meta):
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_case_version_per_number")
        ]

    def __str__(self):
        return f"{self.case} v{self.number}"


class CaseAttachment(StoredDocument):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=120)
    file = models.FileField(_("file"), upload_to="knowhow/cases/%Y/")


class Manual(models.Model):
    """A manual or training material (マニュアル化・研修), in Markdown and/or a PDF."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual")
        TRAINING = "training", _("Training material")

    state = state_field(State, max_length=10, default=State.DRAFT, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    theme = models.CharField(_("theme"), max_length=30, choices=Domain.choices, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="knowhow/manuals/%Y/", blank=True)
    cases = models.ManyToManyField(
        Case, related_name="manuals", blank=True, verbose_name=_("cases")
    )
    courses = models.ManyToManyField(
        "training.Course",
        related_name="knowhow_manuals",
        blank=True,
        verbose_name=_("training courses"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("manual")
        verbose_name_plural = _("manuals")

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


MANUAL_STATES = StateMachine.define(
    "knowhow.Manual",
    "state",
    initial=Manual.State.DRAFT,
    table={
        Manual.State.DRAFT: [Manual.State.PUBLISHED],
        Manual.State.PUBLISHED: [Manual.State.WITHDRAWN],
        Manual.State.WITHDRAWN: [Manual.State.PUBLISHED],
    },
)


class ManualVersion(SavedVersion):
    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True)
    pdf_name = models.CharField(max_length=200, blank=True)

    class Meta(SavedVersion.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["manual", "number"], name="one_manual_version_per_number"
            )
        ]

    def __str__(self):
        return f"{self.manual} v{self.number}"


class Award(models.Model):
    """The annual award for cases (認知: awards spread what worked)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    recorded_by = actor_field()

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("award")

    def __str__(self):
        return self.name


class AwardSelection(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="selections")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="awards")
    prize = models.CharField(_("prize"), max_length=60)
    citation = models.TextField(_("citation"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "case"], name="one_selection_per_case_and_award"
            )
        ]

    def __str__(self):
        return f"{self.award}: {self.case}"


class SearchEntry(models.Model):
    """One public document in the full-text index (a case, a manual, a small win).

    The normalised title and text are kept so a query never normalises a document again;
    ``SearchPosting`` holds its character bigrams (docs/search.md). Only published documents
    are indexed.
    """

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    # text.normalise() of title and text, kept so a query does not normalise every hit again.
    normalised_title = models.CharField(max_length=400, default="")
    normalised_text = models.TextField(default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="one_search_entry_per_document"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class SearchPosting(models.Model):
    """One character bigram of one indexed document: the inverted index of the search.

    ``gram`` is the bigram as a number (text.gram_number); ``weight`` is what the bigram adds
    to the document's score when it is searched as a two-character word (0 when every
    occurrence is inside a longer place name, e.g. 京都 in 東京都: the row is kept, since longer
    words need it to find their candidates). ``kind`` and ``object_id`` are copied from the
    entry so that a query reads only this table's index (gram, kind, object_id, weight).
    """

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="postings")
    gram = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    weight = models.FloatField()

    class Meta:
        indexes = [
            # Joins and candidates: a bigram's documents in id order.
            models.Index(
                fields=["gram", "kind", "object_id", "weight"], name="knowhow_posting_lookup"
            ),
            # The best documents of a bigram first: a page of a two-character word is the
            # start of this range read backwards, without ranking every hit.
            models.Index(
                fields=["gram", "kind", "weight", "object_id"], name="knowhow_posting_top"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.gram}"


class SearchTerm(models.Model):
    """A word longer than two characters that has been searched, with its own postings.

    Bigrams find a longer word's candidates but cannot tell 予算既存 from 既存予算, so the first
    search of a word reads its candidates' text once and keeps the documents that hold it in
    ``SearchTermPosting``, with the word's score in each; from then on the word is one range
    of an index like a two-character word, and indexing a document adds its postings for
    every kept word of its kind (docs/search.md). ``term`` is normalised (ｸﾗｳﾄﾞ, クラウド and
    くらうど are one term).
    """

    kind = models.CharField(max_length=20)
    term = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="one_search_term_per_kind")
        ]

    def __str__(self):
        return f"{self.kind} {self.term}"


class SearchTermPosting(models.Model):
    """One document holding a kept ``SearchTerm``: ``weight`` is text.score() of the word's
    hits in its title and text (hits inside longer place names left out)."""

    term = models.ForeignKey(SearchTerm, on_delete=models.CASCADE, related_name="postings")
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="term_postings")
    object_id = models.PositiveBigIntegerField()
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["term", "object_id", "weight"], name="knowhow_term_lookup"),
            models.Index(fields=["term", "weight", "object_id"], name="knowhow_term_top"),
        ]

    def __str__(self):
        return f"{self.term_id} {self.object_id}"
