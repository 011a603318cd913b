"""Solving an instance end to end: mechanism, checker verdict, explanations."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from ciodispatch.matching.checks import Checks, check, outcome
from ciodispatch.matching.explain import explain
from ciodispatch.matching.instance import Instance, InvalidInstance
from ciodispatch.matching.mechanism import candidate_proposing, host_proposing

Proposing = Literal["candidates", "hosts"]


@dataclass
class Result:
    """A solved round: the assignment, the checker's verdict and the explanations."""

    instance: Instance
    proposing: Proposing
    #: host index per candidate index, -1 when unmatched
    assignment_index: list[int]
    checks: Checks
    #: per candidate id, why not each host ranked above the match (see ``explain``)
    explanations: dict[str, list[dict[str, Any]]] | None
    #: per host id: matched, cutoff_rank, binding_cap
    hosts: dict[str, dict[str, Any]] | None

    @property
    def assignment(self) -> dict[str, str | None]:
        """Every candidate id mapped to its host id, or ``None`` when unmatched."""
        hids = self.instance.host_ids
        return {
            c: (hids[h] if h >= 0 else None)
            for c, h in zip(self.instance.candidate_ids, self.assignment_index, strict=True)
        }

    def to_json(self) -> dict[str, Any]:
        """The CLI's output object (see docs/matching.md for the contract)."""
        return {
            "assignment": self.assignment,
            "hosts": self.hosts,
            "explanations": self.explanations,
            "checks": self.checks.to_json(self.instance),
            "seed": self.instance.seed,
            "proposing": self.proposing,
        }


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk build of acyclic lists and dicts.

    Building ~10^6 small containers otherwise triggers collections that scan all of them
    again and again (about a third of the time of the explanations on large rounds).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def solve(
    instance: Instance, *, proposing: Proposing = "candidates", explanations: bool = True
) -> Result:
    """Run deferred acceptance on ``instance`` and check the result.

    ``proposing="candidates"`` (the default) gives the candidate-optimal stable assignment,
    strategy-proof for candidates; with caps it is flexible deferred acceptance. With
    ``proposing="hosts"`` the hosts propose. ``explanations=False`` skips the explanations
    and host summaries (the checker always runs).
    """
    if proposing not in ("candidates", "hosts"):
        raise ValueError(f"proposing must be 'candidates' or 'hosts', not {proposing!r}")
    with no_gc_pauses():
        if proposing == "candidates":
            assignment = candidate_proposing(instance)
        else:
            assignment = host_proposing(instance)
        tally = outcome(instance, assignment)
        verdict = check(instance, assignment, tally)
        expl, hosts = explain(instance, tally) if explanations else (None, None)
    return Result(instance, proposing, assignment, verdict, expl, hosts)


def check_assignment(instance: Instance, assignment: Mapping[str, str | None]) -> Checks:
    """Check an assignment given by ids (candidate id -> host id or ``None``).

    Candidates missing from ``assignment`` count as unmatched; an unknown id raises
    :class:`InvalidInstance`.
    """
    cidx = {c: k for k, c in enumerate(instance.candidate_ids)}
    hidx = {h: k for k, h in enumerate(instance.host_ids)}
    index = [-1] * len(cidx)
    for c, h in assignment.items():
        if c not in cidx:
            raise InvalidInstance("assignment", f'unknown candidate "{c}"')
        if h is not None:
            if h not in hidx:
                raise InvalidInstance(f"assignment.{c}", f'unknown host "{h}"')
            index[cidx[c]] = hidx[h]
    return check(instance, index)
