"""Explicit state machines: one transition table per stateful model.

A service changes state only through ``StateMachine.apply``, which refuses any move not in the
table and writes the audit record in the same transaction. ``ciodispatch state_diagrams``
draws every table into docs/state-machines.md.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _

from ciodispatch.audit.services import record
from ciodispatch.core.errors import Refusal

MACHINES: list["StateMachine"] = []


class TransitionRefused(Refusal):
    """A state change the transition table does not allow; the message says which."""


@dataclass(frozen=True)
class StateMachine:
    model_label: str
    field: str
    transitions: Mapping[str, frozenset[str]]
    initial: str

    def __post_init__(self):
        states = set(self.transitions) | {
            s for targets in self.transitions.values() for s in targets
        }
        if self.initial not in states:
            raise ValueError(
                f"{self.model_label}: initial state {self.initial!r} is not in the table"
            )
        MACHINES.append(self)

    @classmethod
    def define(cls, model_label: str, field: str, initial: str, table: Mapping[str, Iterable[str]]):
        return cls(
            model_label=model_label,
            field=field,
            initial=str(initial),
            transitions={str(k): frozenset(str(t) for t in v) for k, v in table.items()},
        )

    def states(self) -> list[str]:
        seen = [self.initial]
        for source, targets in self.transitions.items():
            for state in (source, *sorted(targets)):
                if state not in seen:
                    seen.append(state)
        return seen

    def allowed(self, current: str, target: str) -> bool:
        return str(target) in self.transitions.get(str(current), frozenset())

    def check(self, current: str, target: str) -> None:
        if not self.allowed(current, target):
            raise TransitionRefused(
                _("%(model)s cannot go from “%(current)s” to “%(target)s”.")
                % {"model": self.model_label, "current": current, "target": target}
            )

    @transaction.atomic
    def apply(
        self,
        obj: models.Model,
        target: str,
        *,
        actor,
        reason: str = "",
        update_fields: Iterable[str] = (),
        changes: Mapping | None = None,
    ) -> None:
        """Move ``obj`` to ``target``: check the table, save, audit (who, when, why)."""
        current = getattr(obj, self.field)
        self.check(current, target)
        setattr(obj, self.field, target)
        obj.save(update_fields=[self.field, *update_fields])
        record(
            actor=actor,
            action=f"{obj._meta.label_lower}.{target}",
            target=obj,
            changes={self.field: [str(current), str(target)], **(changes or {})},
            reason=reason,
        )

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for source, targets in self.transitions.items():
            for target in sorted(targets):
                lines.append(f"    {source} --> {target}")
        terminal = [s for s in self.states() if not self.transitions.get(s)]
        lines.extend(f"    {state} --> [*]" for state in terminal)
        return "\n".join(lines)


def diagrams_markdown() -> str:
    parts = [
        "# State machines",
        "",
        "Generated from the transition tables by `ciodispatch state_diagrams`; do not edit.",
        "A test fails when this file and the tables disagree.",
        "",
    ]
    for machine in sorted(MACHINES, key=lambda m: m.model_label):
        parts += [
            f"## {machine.model_label}.{machine.field}",
            "",
            "```mermaid",
            machine.mermaid(),
            "```",
            "",
        ]
    return "\n".join(parts)
