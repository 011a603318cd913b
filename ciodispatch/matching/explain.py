"""Why each candidate did not get the hosts they ranked above their match, and each host's cutoff.

Reasons are machine-readable codes with parameters, so the app can translate them:

``filled``          the host filled its seats with candidates it ranked above you;
                    ``last_admitted_rank`` (its rank of the last one it admitted) and
                    ``your_rank`` (its rank of you), both 1-based as the host wrote them.
``lost_lottery``    you were tied with the host's last admitted candidate and the lottery
                    placed them first; same parameters (equal ranks).
``cap``             the host had a free seat but a cap above it was reached; ``level``
                    (``prefecture``, ``region`` or ``national``) and ``area`` (absent for
                    ``national``).
``not_acceptable``  the host did not rank you.
``no_seats``        the host has capacity 0.
``blocking_pair``   none of the above: the pair blocks the assignment (never produced by the
                    mechanism; the checker reports it too).
"""

from __future__ import annotations

from typing import Any

from ciodispatch.matching.checks import Outcome
from ciodispatch.matching.instance import Instance


def explain(
    inst: Instance, tally: Outcome
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
    """Explanations per candidate id and the summary per host id, in one O(E) pass.

    Each candidate gets a list, in their own ranking order, with one entry per host they
    ranked strictly above their match (every host they ranked when unmatched). Each host
    gets ``matched`` (ids in its own ranking order), ``cutoff_rank`` (its rank of the last
    candidate it admitted, ``None`` if none) and ``binding_cap`` (``{"level": "host"}`` when
    its capacity turned someone away, the capped area that did, or ``None``).
    """
    cids, hids = inst.candidate_ids, inst.host_ids
    c_start, c_host, c_group, c_hrank = inst.c_start, inst.c_host, inst.c_group, inst.c_hrank
    host_rank, h_group, h_start, host_ties = (
        inst.host_rank,
        inst.h_group,
        inst.h_start,
        inst.host_ties,
    )
    capacity = inst.capacity
    count, worst, blocked_by = tally.count, tally.worst_group, tally.blocked_by
    labels = [inst.node_label(v) for v in range(len(inst.node_cap))]
    # Per host, the first position (as written) that its own full capacity turned away, or
    # the first one a full capped area above it did; `never` when nothing did.
    never = len(inst.h_cand) + 2  # above every position a host gives
    filled_from = [
        worst[h] if capacity[h] and count[h] >= capacity[h] else never for h in range(len(hids))
    ]
    cap_from = [
        worst[h] if blocked_by[h] >= 0 and filled_from[h] == never else never
        for h in range(len(hids))
    ]
    bound = [-2] * len(hids)  # -2: nothing bound; -1: the host's own capacity; v: area v
    explanations: dict[str, list[dict[str, Any]]] = {}
    for c, m in enumerate(tally.match_entry):
        start = c_start[c]
        if m < 0:
            stop = c_start[c + 1]
        else:
            stop = m
            match_group = c_group[m]
            while stop > start and c_group[stop - 1] == match_group:
                stop -= 1
        if stop == start:
            explanations[cids[c]] = []
            continue
        reasons: list[dict[str, Any]] = []
        add = reasons.append
        # The checker has already looked up every host rank of these entries (-2: not yet).
        for h, r in zip(c_host[start:stop], c_hrank[start:stop], strict=True):
            if r == -2:
                r = host_rank[h].get(c, -1)
            if r < 0:
                add({"host": hids[h], "reason": "not_acceptable"})
                continue
            g = h_group[h_start[h] + r] if host_ties else r + 1
            if g >= filled_from[h]:
                add(
                    {
                        "host": hids[h],
                        "reason": "filled" if g > worst[h] else "lost_lottery",
                        "last_admitted_rank": worst[h],
                        "your_rank": g,
                    }
                )
                bound[h] = -1
            elif capacity[h] == 0:
                add({"host": hids[h], "reason": "no_seats"})
            elif g >= cap_from[h]:
                add({"host": hids[h], "reason": "cap", **labels[blocked_by[h]]})
                bound[h] = blocked_by[h]
            else:
                add({"host": hids[h], "reason": "blocking_pair"})
        explanations[cids[c]] = reasons

    matched: list[list[tuple[int, int]]] = [[] for _ in hids]
    for c, m in enumerate(tally.match_entry):
        if m >= 0:
            matched[c_host[m]].append((c_hrank[m], c))
    hosts: dict[str, dict[str, Any]] = {}
    for h, ident in enumerate(hids):
        members = matched[h]
        members.sort()
        b = bound[h]
        hosts[ident] = {
            "matched": [cids[c] for _, c in members],
            "cutoff_rank": worst[h] or None,
            "binding_cap": None if b == -2 else {"level": "host"} if b == -1 else labels[b],
        }
    return explanations, hosts
