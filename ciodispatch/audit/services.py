"""Writing the audit trail. Every state-changing service calls ``record`` inside its transaction."""

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from ciodispatch.audit.models import AuditEvent

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
        event.object_repr = str(target)[:200]
    event.save()
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [old, new]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _replace(text: str, terms: Sequence[str], pseudonym: str) -> str:
    for term in terms:
        text = re.sub(re.escape(term), pseudonym, text, flags=re.IGNORECASE)
    return text


def _replace_in(value: Any, terms: Sequence[str], pseudonym: str) -> Any:
    if isinstance(value, str):
        return _replace(value, terms, pseudonym)
    if isinstance(value, list):
        return [_replace_in(v, terms, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, terms, pseudonym) for k, v in value.items()}
    return value


def pseudonymise(*, user_id: int, username: str, terms: Iterable[str], pseudonym: str) -> int:
    """Replace what names an erased person in the trail by their pseudonym (``erased-<id>``).

    The one rewrite the append-only log allows, and only of these texts: ``actor_label`` of the
    person's own acts; their user name where it stands as a word in ``object_repr``; and every
    occurrence of ``terms`` (their name as written, its reading, their addresses and telephone,
    case-insensitive) in ``actor_label``, ``object_repr``, ``reason`` and ``changes``. Who did
    what, when, to which object stays. Returns the number of events rewritten.
    """
    terms = sorted({t.strip() for t in terms if t and len(t.strip()) >= 3}, key=len, reverse=True)
    as_json = [json.dumps(t)[1:-1] for t in terms]  # SQLite keeps JSON with \\u escapes
    word = re.compile(rf"(?<![\w.@-]){re.escape(username)}(?![\w.@-])") if username else None
    condition = Q(actor_id=user_id)
    if username:
        condition |= Q(actor_label=username) | Q(object_repr__contains=username)
    for term in [*terms, *as_json]:
        condition |= (
            Q(actor_label__icontains=term)
            | Q(object_repr__icontains=term)
            | Q(reason__icontains=term)
            | Q(changes_as_text__icontains=term)
        )
    events = AuditEvent.objects.annotate(changes_as_text=Cast("changes", TextField())).filter(
        condition
    )
    count = 0
    # The append-only manager refuses updates; this rewrite goes around it on purpose.
    writer: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
    for event in events:
        actor_label = event.actor_label
        if event.actor_id == user_id or actor_label == username:
            actor_label = pseudonym
        object_repr = word.sub(pseudonym, event.object_repr) if word else event.object_repr
        values = {
            "actor_label": _replace(actor_label, terms, pseudonym),
            "object_repr": _replace(object_repr, terms, pseudonym)[:200],
            "reason": _replace(event.reason, terms, pseudonym),
            "changes": _replace_in(event.changes, terms, pseudonym),
        }
        if any(getattr(event, k) != v for k, v in values.items()):
            writer.filter(pk=event.pk).update(**values)
            count += 1
    return count
