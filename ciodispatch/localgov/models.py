from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.models import BackgroundRun
from ciodispatch.core.states import StateMachine
from ciodispatch.localgov.codes import InvalidCode, parse_code
from ciodispatch.localgov.regions import Region


def validate_code(value: str) -> None:
    try:
        parse_code(value)
    except InvalidCode as exc:
        raise ValidationError(str(exc), code="invalid_code") from exc


class Kind(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture")
    DESIGNATED_CITY = "designated_city", _("Designated city")
    CITY = "city", _("City")
    SPECIAL_WARD = "special_ward", _("Special ward")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")


class LocalGovernmentQuerySet(models.QuerySet):
    def prefectures(self):
        return self.filter(kind=Kind.PREFECTURE)

    def municipalities(self):
        return self.exclude(kind=Kind.PREFECTURE)


class LocalGovernment(models.Model):
    """One of the 1,788 local governments, keyed by its 全国地方公共団体コード."""

    code = models.CharField(
        _("local government code"), max_length=6, primary_key=True, validators=[validate_code]
    )
    prefecture_code = models.CharField(_("prefecture code"), max_length=2, db_index=True)
    prefecture = models.CharField(_("prefecture"), max_length=10)
    name = models.CharField(_("name"), max_length=40, db_index=True)
    name_kana = models.CharField(_("name (kana)"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices, db_index=True)
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, help_text=_("2020 census; unknown for some.")
    )
    population_year = models.PositiveSmallIntegerField(_("population year"), default=2020)
    fiscal_strength_index = models.DecimalField(
        _("fiscal strength index"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    fiscal_strength_year = models.PositiveSmallIntegerField(
        _("fiscal year of the fiscal strength index"), default=2021
    )

    objects = LocalGovernmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")

    def __str__(self):
        if self.kind == Kind.PREFECTURE:
            return self.name
        return f"{self.prefecture}{self.name}"

    @property
    def is_prefecture(self) -> bool:
        return self.kind == Kind.PREFECTURE

    def below_average_fiscal_strength(self, national_average: Decimal) -> bool | None:
        if self.fiscal_strength_index is None:
            return None
        return self.fiscal_strength_index <= national_average


class LocalGovernmentGroup(models.Model):
    """A group of local governments working together (広域連携), usually led by a prefecture.

    A joint dispatch request is filed for a group: one host in the match, many members.
    """

    name = models.CharField(_("name"), max_length=100)
    lead = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        related_name="led_groups",
        verbose_name=_("lead"),
    )
    members = models.ManyToManyField(
        LocalGovernment,
        through="GroupMembership",
        related_name="groups",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group of local governments")
        verbose_name_plural = _("groups of local governments")
        constraints = [models.UniqueConstraint(fields=["name"], name="unique_group_name")]

    def __str__(self):
        return self.name

    def prefecture_codes(self) -> set[str]:
        codes = {m.prefecture_code for m in self.members.all()}
        codes.add(self.lead.prefecture_code)
        return codes


class GroupMembership(models.Model):
    group = models.ForeignKey(LocalGovernmentGroup, on_delete=models.CASCADE)
    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "local_government"], name="unique_group_member"
            )
        ]

    def __str__(self):
        return f"{self.group} — {self.local_government}"


class RegistryImport(BackgroundRun):
    """One import of the registry file, run in the background; its outcome is kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self):
        return f"{self.source} ({self.get_status_display()})"


REGISTRY_IMPORT_STATES = StateMachine.define(
    "localgov.RegistryImport",
    "status",
    initial=RegistryImport.Status.QUEUED,
    table={
        # A queued import fails when its worker stopped before starting it (core.heartbeat).
        RegistryImport.Status.QUEUED: [RegistryImport.Status.RUNNING, RegistryImport.Status.FAILED],
        RegistryImport.Status.RUNNING: [
            RegistryImport.Status.SUCCEEDED,
            RegistryImport.Status.FAILED,
        ],
    },
)
