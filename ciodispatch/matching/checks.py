"""The O(E) checker: blocking pairs and cap violations of an assignment.

Stability is judged on the rankings as written (a tie is a tie): a pair (c, h) blocks when
both rank each other, c strictly prefers h to its match (or is unmatched), and either h
strictly prefers c to one of the candidates it admitted, or h has a free seat. With caps
the second case is forgiven when some capped area above h is full: that is Kamada &
Kojima's weak stability (a blocking pair may remain only when the host prefers everyone it
admitted and an area cap, not the host, is what is full).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ciodispatch.matching.instance import Instance


@dataclass
class Outcome:
    """What the checker and the explanations need to know about an assignment.

    ``match_entry[c]`` is the index of c's match in the flat candidate lists (-1 when
    unmatched or when the assignment gives c a host c did not rank); ``worst_group[h]`` the
    position (1-based, as the host wrote it) of the lowest-ranked candidate h admitted, 0 if
    none; ``blocked_by[h]`` the most specific full capped area above h, -1 if none.
    """

    assignment: list[int]
    match_entry: list[int]
    count: list[int]
    worst_group: list[int]
    node_count: list[int]
    blocked_by: list[int]
    unacceptable: list[tuple[int, int]] = field(default_factory=list)


def outcome(inst: Instance, assignment: list[int]) -> Outcome:
    """Tally an assignment (host index per candidate, -1 when unmatched) in O(E)."""
    n_host = len(inst.host_ids)
    c_start, c_host, hrank, host_group = inst.c_start, inst.c_host, inst.hrank, inst.host_group
    count = [0] * n_host
    worst = [0] * n_host
    match_entry = [-1] * len(assignment)
    unacceptable: list[tuple[int, int]] = []
    for c, h in enumerate(assignment):
        if h < 0:
            continue
        count[h] += 1
        start, stop = c_start[c], c_start[c + 1]
        i = start
        while i < stop and c_host[i] != h:
            i += 1
        r = hrank(c, i) if i < stop else -1
        if r < 0:
            unacceptable.append((c, h))
            continue
        match_entry[c] = i
        g = host_group(h, r)
        if g > worst[h]:
            worst[h] = g
    node_count = [0] * len(inst.node_cap)
    blocked_by = [-1] * n_host
    if inst.node_cap:
        path = inst.h_path
        for h in range(n_host):
            if count[h]:
                for v in path[h]:
                    node_count[v] += count[h]
        full = [n >= cap for n, cap in zip(node_count, inst.node_cap, strict=True)]
        for h in range(n_host):
            for v in path[h]:
                if full[v]:
                    blocked_by[h] = v
                    break
    return Outcome(assignment, match_entry, count, worst, node_count, blocked_by, unacceptable)


@dataclass
class Checks:
    """The checker's verdict on an assignment (all indices are internal integers)."""

    blocking_pairs: list[tuple[int, int]]
    cap_violations: list[tuple[int, int, int]]  # (node or -1-h for a host, matched, limit)
    unacceptable: list[tuple[int, int]]

    @property
    def stable(self) -> bool:
        """No blocking pair and nobody matched to a host that did not rank them (or vice versa)."""
        return not self.blocking_pairs and not self.unacceptable

    @property
    def caps_respected(self) -> bool:
        """No host above capacity and no capped area above its cap."""
        return not self.cap_violations

    def to_json(self, inst: Instance) -> dict[str, Any]:
        """The ``checks`` object of the CLI output, with ids instead of indices."""
        cids, hids = inst.candidate_ids, inst.host_ids
        violations = []
        for node, matched, limit in self.cap_violations:
            label = (
                {"level": "host", "area": hids[-1 - node]} if node < 0 else inst.node_label(node)
            )
            violations.append({**label, "matched": matched, "limit": limit})
        return {
            "stable": self.stable,
            "blocking_pairs": [[cids[c], hids[h]] for c, h in self.blocking_pairs],
            "caps_respected": self.caps_respected,
            "cap_violations": violations,
            "unacceptable_pairs": [[cids[c], hids[h]] for c, h in self.unacceptable],
        }


def check(inst: Instance, assignment: list[int], tally: Outcome | None = None) -> Checks:
    """Check an assignment (host index per candidate, -1 when unmatched) in O(E).

    Reports every blocking pair (standard stability without caps; Kamada–Kojima weak
    stability with caps), every host over capacity and capped area over its cap, and every
    match that is not acceptable to both sides.
    """
    tally = tally or outcome(inst, assignment)
    c_start, c_host, c_group, c_hrank = inst.c_start, inst.c_host, inst.c_group, inst.c_hrank
    host_rank, h_group, h_start, host_ties = (
        inst.host_rank,
        inst.h_group,
        inst.h_start,
        inst.host_ties,
    )
    capacity, worst, count, blocked_by = (
        inst.capacity,
        tally.worst_group,
        tally.count,
        tally.blocked_by,
    )
    # (c, h) blocks when h ranks c at a position (as written) before `bar[h]`: before its
    # worst admitted one, or anywhere while h has a free seat under no full capped area.
    never = len(inst.h_cand) + 2  # above every position a host gives
    bar = [
        never if count[h] < capacity[h] and blocked_by[h] < 0 else worst[h]
        for h in range(len(capacity))
    ]
    blocking: list[tuple[int, int]] = []
    for c, m in enumerate(tally.match_entry):
        start = c_start[c]
        if m < 0:  # unmatched (or matched unacceptably): every host c ranked counts
            stop = c_start[c + 1]
        else:
            # Entries strictly preferred to the match (those tied with it come right before it).
            stop = m
            match_group = c_group[m]
            while stop > start and c_group[stop - 1] == match_group:
                stop -= 1
        ranks = c_hrank[start:stop]
        if -2 in ranks:  # not looked up yet (the mechanism did not get there): keep them
            for i in range(start, stop):
                if c_hrank[i] == -2:
                    c_hrank[i] = host_rank[c_host[i]].get(c, -1)
            ranks = c_hrank[start:stop]
        for h, r in zip(c_host[start:stop], ranks, strict=True):
            if r >= 0 and (h_group[h_start[h] + r] if host_ties else r + 1) < bar[h]:
                blocking.append((c, h))
    violations: list[tuple[int, int, int]] = []
    for h, n in enumerate(count):
        if n > capacity[h]:
            violations.append((-1 - h, n, capacity[h]))
    for v, n in enumerate(tally.node_count):
        if n > inst.node_cap[v]:
            violations.append((v, n, inst.node_cap[v]))
    return Checks(blocking, violations, list(tally.unacceptable))
