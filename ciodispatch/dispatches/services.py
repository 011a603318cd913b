"""Writes to dispatches. A published match proposes them; nothing else creates them yet."""

from django.db import transaction

from ciodispatch.audit.services import record
from ciodispatch.candidates.models import Application
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.requests.models import DispatchRequest


@transaction.atomic
def propose(
    *, request: DispatchRequest, application: Application, match_round=None, actor
) -> Dispatch:
    """Record a proposed dispatch (called when the office publishes a matching round)."""
    dispatch = Dispatch.objects.create(
        request=request, application=application, match_round=match_round
    )
    record(
        actor=actor,
        action="dispatches.propose",
        target=dispatch,
        changes={"request": request.pk, "application": application.pk},
    )
    return dispatch
