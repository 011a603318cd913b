"""Slow, obviously-correct reference code the tests compare the package against.

Everything here works on the raw instance dict (ids and positions as written), not on the
package's integer arrays, so a bug in loading cannot hide a bug in solving.
"""

from __future__ import annotations

import itertools
from typing import Any


def positions(ranking: list[Any]) -> dict[str, int]:
    """Id -> 1-based position as written (tied ids share a position)."""
    out = {}
    for pos, entry in enumerate(ranking, start=1):
        for ident in entry if isinstance(entry, list) else [entry]:
            out[ident] = pos
    return out


class Raw:
    """The instance as plain dicts."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.cands = [c["id"] for c in data["candidates"]]
        self.hosts = [h["id"] for h in data["hosts"]]
        self.cpos = {c["id"]: positions(c["ranking"]) for c in data["candidates"]}
        self.hpos = {h["id"]: positions(h["ranking"]) for h in data["hosts"]}
        self.capacity = {h["id"]: h["capacity"] for h in data["hosts"]}
        self.host = {h["id"]: h for h in data["hosts"]}
        self.caps = data.get("caps") or {}

    def acceptable(self, c: str, h: str) -> bool:
        return h in self.cpos[c] and c in self.hpos[h]

    def areas(self, h: str) -> list[tuple[str, str | None, int]]:
        """Capped areas above host h: (level, area, cap)."""
        out = []
        for level in ("prefecture", "region"):
            area = self.host[h].get(level)
            if area is not None and area in self.caps.get(level, {}):
                out.append((level, area, self.caps[level][area]))
        if self.caps.get("national") is not None:
            out.append(("national", None, self.caps["national"]))
        return out

    def area_counts(self, assignment: dict[str, str | None]) -> dict[tuple[str, str | None], int]:
        counts: dict[tuple[str, str | None], int] = {}
        for h in assignment.values():
            if h is not None:
                for level, area, _ in self.areas(h):
                    counts[(level, area)] = counts.get((level, area), 0) + 1
        return counts

    def feasible(self, assignment: dict[str, str | None]) -> bool:
        load = {h: 0 for h in self.hosts}
        for c, h in assignment.items():
            if h is not None:
                if not self.acceptable(c, h):
                    return False
                load[h] += 1
        if any(load[h] > self.capacity[h] for h in self.hosts):
            return False
        counts = self.area_counts(assignment)
        return all(
            counts.get((level, area), 0) <= cap
            for h in self.hosts
            for level, area, cap in self.areas(h)
        )

    def blocking_pairs(self, assignment: dict[str, str | None]) -> list[tuple[str, str]]:
        """Blocking pairs; with caps, those not excused by a full area (weak stability)."""
        admitted: dict[str, list[str]] = {h: [] for h in self.hosts}
        for c, h in assignment.items():
            if h is not None:
                admitted[h].append(c)
        counts = self.area_counts(assignment)
        out = []
        for c in self.cands:
            m = assignment[c]
            for h in self.hosts:
                if not self.acceptable(c, h) or h == m:
                    continue
                if m is not None and self.cpos[c][h] >= self.cpos[c][m]:
                    continue
                prefers = any(self.hpos[h][c] < self.hpos[h][d] for d in admitted[h])
                vacancy = len(admitted[h]) < self.capacity[h]
                area_full = any(
                    counts.get((level, area), 0) >= cap for level, area, cap in self.areas(h)
                )
                if prefers or (vacancy and not area_full):
                    out.append((c, h))
        return out

    def all_matchings(self):
        """Every feasible assignment (small instances only)."""
        options = [[None] + [h for h in self.hosts if self.acceptable(c, h)] for c in self.cands]
        for combo in itertools.product(*options):
            assignment = dict(zip(self.cands, combo, strict=True))
            if self.feasible(assignment):
                yield assignment

    def rank_of_match(self, c: str, h: str | None) -> int:
        return self.cpos[c][h] if h is not None else 10**9


def generalized_da(data: dict[str, Any]) -> dict[str, str | None]:
    """Candidate-proposing DA in rounds, recomputing the hosts' joint choice from scratch.

    Works on the package's tie-broken instance (so the lottery is shared) but computes the
    flexible choice with ``round_robin_seats`` over whole pools each round: the textbook
    generalized deferred acceptance the incremental mechanism must agree with.
    """
    from ciodispatch.matching import load_instance
    from ciodispatch.matching.mechanism import round_robin_seats

    inst = load_instance(data)
    n_cand, n_host = len(inst.candidate_ids), len(inst.host_ids)
    nxt = list(inst.c_start[:-1])
    held: list[list[tuple[int, int]]] = [[] for _ in range(n_host)]  # (host rank, c)
    matched = [False] * n_cand
    while True:
        proposals: list[list[tuple[int, int]]] = [[] for _ in range(n_host)]
        any_new = False
        for c in range(n_cand):
            if matched[c]:
                continue
            while nxt[c] < inst.c_start[c + 1] and inst.hrank(c, nxt[c]) < 0:
                nxt[c] += 1
            if nxt[c] < inst.c_start[c + 1]:
                i = nxt[c]
                nxt[c] += 1
                proposals[inst.c_host[i]].append((inst.hrank(c, i), c))
                any_new = True
        if not any_new:
            break
        pools = [sorted(held[h] + proposals[h]) for h in range(n_host)]
        seats = round_robin_seats(inst, [len(p) for p in pools])
        for h in range(n_host):
            held[h] = pools[h][: seats[h]]
        matched = [False] * n_cand
        for h in range(n_host):
            for _, c in held[h]:
                matched[c] = True
    out: dict[str, str | None] = {c: None for c in inst.candidate_ids}
    for h in range(n_host):
        for _, c in held[h]:
            out[inst.candidate_ids[c]] = inst.host_ids[h]
    return out
