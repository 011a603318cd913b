from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ciodispatch.localgov.models import LocalGovernment


class Organisation(models.Model):
    """Who a user works for: the programme office, or one local government."""

    class Kind(models.TextChoices):
        PROGRAMME_OFFICE = "programme_office", _("Programme office")
        LOCAL_GOVERNMENT = "local_government", _("Local government")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    local_government = models.OneToOneField(
        LocalGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("local government"),
    )
    contact_department = models.CharField(_("department in charge"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=20, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="programme_office", local_government__isnull=True)
                    | models.Q(kind="local_government", local_government__isnull=False)
                ),
                name="organisation_kind_matches_local_government",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_programme_office(self) -> bool:
        return self.kind == self.Kind.PROGRAMME_OFFICE


class Role(models.TextChoices):
    OFFICE_OFFICER = "office_officer", _("Office officer")
    OFFICE_ADMIN = "office_admin", _("Office administrator")
    REVIEWER = "reviewer", _("Reviewer")
    HOST_HEAD = "host_head", _("Host head (mayor or governor)")
    HOST_LIAISON = "host_liaison", _("Host CIO liaison")
    PREFECTURE_COORDINATOR = "prefecture_coordinator", _("Prefecture coordinator")
    CANDIDATE = "candidate", _("Candidate")


OFFICE_ROLES = frozenset({Role.OFFICE_OFFICER, Role.OFFICE_ADMIN})
PROGRAMME_OFFICE_ROLES = OFFICE_ROLES | {Role.REVIEWER}
HOST_ROLES = frozenset({Role.HOST_HEAD, Role.HOST_LIAISON})
# Who must pass a second factor (TOTP) on every login: everyone working for the office.
SECOND_FACTOR_ROLES = PROGRAMME_OFFICE_ROLES


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        problem = role_organisation_problem(self.role, self.organisation)
        if problem:
            raise ValidationError({"organisation": problem})

    @property
    def requires_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    @property
    def local_government(self) -> LocalGovernment | None:
        organisation = self.organisation
        if organisation is not None and organisation.local_government_id:
            return organisation.local_government
        return None

    @property
    def display_name(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username


def role_organisation_problem(role: str, organisation: Organisation | None) -> str | Promise | None:
    """Why a role cannot belong to an organisation, or None when it can."""
    if role in PROGRAMME_OFFICE_ROLES:
        if organisation is None or not organisation.is_programme_office:
            return _(
                "Office officers, administrators and reviewers belong to the programme office."
            )
    elif role in HOST_ROLES:
        if organisation is None or organisation.is_programme_office:
            return _("Host heads and liaisons belong to a local government.")
    elif role == Role.PREFECTURE_COORDINATOR:
        if (
            organisation is None
            or organisation.local_government is None
            or not organisation.local_government.is_prefecture
        ):
            return _("A prefecture coordinator belongs to a prefecture.")
    elif role == Role.CANDIDATE:
        if organisation is not None:
            return _("Candidates do not belong to an organisation.")
    else:
        return _("Choose a role.")
    return None
