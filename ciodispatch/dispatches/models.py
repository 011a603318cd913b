"""A dispatch: one certified CIO sent to one host under an approved request.

A published matching round proposes dispatches; the dispatches issue takes them on from
there (acceptance by both sides, appointment, reports, completion).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ciodispatch.candidates.models import Application
from ciodispatch.core.states import StateMachine
from ciodispatch.requests.models import DispatchRequest


class Dispatch(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")

    request = models.ForeignKey(
        DispatchRequest, on_delete=models.PROTECT, related_name="dispatches"
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="dispatches"
    )
    match_round = models.ForeignKey(
        "matchround.MatchRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatches",
        verbose_name=_("matching round"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        ordering = ["-proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["match_round", "application"], name="one_dispatch_per_candidate_per_round"
            )
        ]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self):
        return f"{self.application} → {self.request.requester_name}"


DISPATCH_STATES = StateMachine.define(
    "dispatches.Dispatch",
    "state",
    Dispatch.State.PROPOSED,
    # The dispatches issue adds acceptance, appointment and the rest of the term.
    {Dispatch.State.PROPOSED: []},
)
