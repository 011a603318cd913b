"""Writing the audit trail. Every state-changing service calls ``record`` inside its transaction."""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from ciodispatch.audit.models import AuditEvent
from ciodispatch.core.personal_data import containing, replace_terms, search_terms

SYSTEM_LABEL = "system"


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event. ``actor`` is None for the system (commands, scheduled jobs)."""
    event = new_event(actor=actor, action=action, target=target, changes=changes, reason=reason)
    event.save()
    return event


def new_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    describe: Callable[[models.Model], str] = str,
) -> AuditEvent:
    """The unsaved event ``record`` writes (the demo's bulk writer saves many at once).
    ``describe`` gives the target's ``object_repr`` (cut to 200 characters)."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.get_username() if actor is not None else SYSTEM_LABEL,
        action=action,
        changes=changes or {},
        reason=reason,
    )
    if target is not None:
        event.object_type = target._meta.label_lower
        event.object_id = str(target.pk)
        event.object_repr = describe(target)[:200]
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [old, new]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def pseudonymise(*, user_id: int, username: str, terms: Iterable[str], pseudonym: str) -> int:
    """Replace what names an erased person in the trail by their pseudonym (``erased-<id>``).

    The one rewrite the append-only log allows, and only of these texts: ``actor_label`` of the
    person's own acts; their user name where it stands as a word in ``object_repr``; and every
    occurrence of ``terms`` (their name as written, its reading, their addresses and telephone,
    case-insensitive) in ``actor_label``, ``object_repr``, ``reason`` and ``changes``. Who did
    what, when, to which object stays. Returns the number of events rewritten.
    """
    terms = search_terms(terms)
    word = re.compile(rf"(?<![\w.@-]){re.escape(username)}(?![\w.@-])") if username else None
    condition = Q(actor_id=user_id)
    if username:
        condition |= Q(actor_label=username) | Q(object_repr__contains=username)
    named = containing(AuditEvent, ("actor_label", "object_repr", "reason", "changes"), terms)
    events = AuditEvent.objects.filter(condition | Q(pk__in=named.values("pk")))
    count = 0
    # The append-only manager refuses updates; this rewrite goes around it on purpose.
    writer: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
    for event in events:
        actor_label = event.actor_label
        if event.actor_id == user_id or actor_label == username:
            actor_label = pseudonym
        object_repr = word.sub(pseudonym, event.object_repr) if word else event.object_repr
        values = {
            "actor_label": replace_terms(actor_label, terms, pseudonym),
            "object_repr": replace_terms(object_repr, terms, pseudonym)[:200],
            "reason": replace_terms(event.reason, terms, pseudonym),
            "changes": replace_terms(event.changes, terms, pseudonym),
        }
        if any(getattr(event, k) != v for k, v in values.items()):
            writer.filter(pk=event.pk).update(**values)
            count += 1
    return count
