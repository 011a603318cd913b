"""Vocabularies of the candidate file: the skill standard, domains, working patterns."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillRole(models.TextChoices):
    """The four roles of the skill standard for external digital talent (外部人材スキル標準)."""

    PRODUCER = "producer", _("Producer (CIO adviser and similar)")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SERVICE_DESIGNER = "service_designer", _("Service designer")
    ENGINEER = "engineer", _("Engineer")


class SkillLevel(models.IntegerChoices):
    BASIC = 1, _("1 — has done it with guidance")
    PRACTITIONER = 2, _("2 — does it independently")
    LEAD = 3, _("3 — leads others in it")
    EXPERT = 4, _("4 — recognised expert, sets direction")


class Domain(models.TextChoices):
    """Domains of experience; the first four are the study's Saga cases."""

    EMERGENCY_MEDICAL = "emergency_medical", _("Emergency medical IT (救急搬送)")
    E_GOVERNMENT = "e_government", _("E-government and digital administration")
    CORE_SYSTEMS_CLOUD = "core_systems_cloud", _("Cloud migration of core systems")
    TELEWORK = "telework", _("Telework and new ways of working")
    DATA_UTILISATION = "data_utilisation", _("Data utilisation and open data")
    PROCUREMENT = "procurement", _("IT procurement and vendor management")
    SECURITY = "security", _("Information security")
    DISASTER = "disaster", _("Disaster prevention and response")
    HEALTH_WELFARE = "health_welfare", _("Health, welfare and child care")
    EDUCATION = "education", _("Education")


class WorkPattern(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time (1–3 days a week)")


class WorkPlace(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    EITHER = "either", _("On site or remote")


class AffiliationKind(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    OFFICER = "officer", _("Officer or director")
    CONTRACTOR = "contractor", _("Contractor or adviser")
    SHAREHOLDER = "shareholder", _("Significant shareholder")


MIN_TERM_MONTHS = 6
MAX_TERM_MONTHS = 24
VENDOR_LOOKBACK_YEARS = 5
