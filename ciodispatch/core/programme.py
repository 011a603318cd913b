"""Vocabularies of the programme shared by several apps (from the study in shared/seed/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.core.choices import choice_labels


class Challenge(models.TextChoices):
    """The six common challenges of local-government IT reform (共通の課題)."""

    TALENT_SHORTAGE = "talent_shortage", _("Talent shortage (人材不足)")
    VENDOR_DEPENDENCY = "vendor_dependency", _("Vendor dependency (ベンダー依存)")
    ORGANISATIONAL_WALLS = (
        "organisational_walls",
        _("Walls between departments and municipalities (組織の壁)"),
    )
    RESISTANCE_TO_CHANGE = (
        "resistance_to_change",
        _("A culture that resists change (変化を嫌う体質)"),
    )
    NO_STRATEGY = "no_strategy", _("No strategy (戦略の欠如)")
    NO_BUDGET = "no_budget", _("No budget (予算獲得)")


class ChallengeLabels:
    """For a model whose ``challenges`` field lists ``Challenge`` values: their labels."""

    challenges: list[str]

    @property
    def challenge_labels(self) -> list[str]:
        return choice_labels(Challenge, self.challenges)
