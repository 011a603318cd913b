"""Deferred acceptance: candidate-proposing (plain or flexible, with caps) and host-proposing.

With distributional caps the mechanism is Kamada & Kojima's flexible deferred acceptance
(AER 2015), extended to nested caps (nation > region > prefecture > host). The hosts'
joint choice from the applications they hold is: each host first takes its best applicants
up to its target; the remaining seats are then handed out round-robin, one per host per
turn in the order of the host lottery, a host taking its next-best applicant while it is
under capacity and every capped area above it has room. That choice depends only on how
many applicants each host has, so a host always keeps its best ``n_h`` applicants, and a
new application changes at most one seat: it is granted when the seat it would take comes
earlier in the round-robin than the last seat of every full area above the host, and then
the last seat of the most specific full area is taken back (its host rejects its worst
applicant). This keeps the whole run O(E log) instead of recomputing the choice per step.
"""

from __future__ import annotations

from heapq import heappop, heappush, heapreplace

from ciodispatch.matching.instance import Instance


def candidate_proposing(inst: Instance) -> list[int]:
    """Candidate-optimal stable assignment: the host index per candidate, -1 when unmatched.

    Uses flexible deferred acceptance when the instance has caps, plain deferred acceptance
    with host capacities otherwise.
    """
    if inst.has_caps:
        return _candidate_proposing_flexible(inst)
    return _candidate_proposing_plain(inst)


def _candidate_proposing_plain(inst: Instance) -> list[int]:
    n_cand = len(inst.candidate_ids)
    c_host, c_hrank, h_cand, h_start = inst.c_host, inst.c_hrank, inst.h_cand, inst.h_start
    capacity = inst.capacity
    rank_of = [ranks.get for ranks in inst.host_rank]
    ptr = inst.c_start[:-1]
    end = inst.c_start[1:]
    match = [-1] * n_cand
    # Per host, a max-heap (negated) of the tie-broken ranks of the candidates it holds, and
    # the rank an applicant must beat: its worst held rank once full (-1 with no seats).
    held: list[list[int]] = [[] for _ in inst.host_ids]
    never = len(h_cand) + 1  # above every rank a host gives
    beat = [never if k else -1 for k in capacity]
    free = list(range(n_cand - 1, -1, -1))
    pop, push = free.pop, free.append
    while free:
        c = pop()
        i, e = ptr[c], end[c]
        while i < e:
            h = c_host[i]
            # Every entry is proposed along at most once per run: look the rank up here and
            # keep it for the checker and the explanations (-1: the host did not rank c).
            r = c_hrank[i] = rank_of[h](c, -1)
            if -1 < r < beat[h]:
                heap = held[h]
                if len(heap) < capacity[h]:
                    heappush(heap, -r)
                    if len(heap) == capacity[h]:
                        beat[h] = -heap[0]
                else:
                    d = h_cand[h_start[h] - heapreplace(heap, -r)]
                    match[d] = -1
                    push(d)
                    beat[h] = -heap[0]
                match[c] = h
                break
            i += 1
        ptr[c] = i + 1
    return match


def _candidate_proposing_flexible(inst: Instance) -> list[int]:
    n_cand, n_host = len(inst.candidate_ids), len(inst.host_ids)
    c_host, c_hrank, h_cand, h_start = inst.c_host, inst.c_hrank, inst.h_cand, inst.h_start
    capacity, target, path = inst.capacity, inst.target, inst.h_path
    pos, order = inst.h_pos, inst.h_order
    node_cap = inst.node_cap
    node_count = [0] * len(node_cap)
    # Per capped area, a lazy max-heap of the last flexible seat of each host under it,
    # keyed round * n_host + lottery position (negated); stale entries are skipped.
    node_heap: list[list[int]] = [[] for _ in node_cap]
    flexible = [0] * n_host  # seats above target held by each host (its last round)

    def last_seat(v: int) -> int:
        """Key of the latest flexible seat in area ``v``, or -1 if it has none."""
        heap = node_heap[v]
        while heap:
            key = -heap[0]
            if flexible[order[key % n_host]] == key // n_host:
                return key
            heappop(heap)
        return -1

    host_rank = inst.host_rank
    ptr = inst.c_start[:-1]
    end = inst.c_start[1:]
    match = [-1] * n_cand
    held: list[list[int]] = [[] for _ in range(n_host)]
    free = list(range(n_cand - 1, -1, -1))
    pop, push = free.pop, free.append
    while free:
        c = pop()
        i, e = ptr[c], end[c]
        while i < e:
            r = c_hrank[i]
            if r == -2:
                r = c_hrank[i] = host_rank[c_host[i]].get(c, -1)
            if r < 0:
                i += 1
                continue
            h = c_host[i]
            heap = held[h]
            n = len(heap)
            if n < capacity[h]:
                areas = path[h]
                if not areas:
                    heappush(heap, -r)
                    match[c] = h
                    break
                # The seat this application would take: a target seat (always granted,
                # targets fit under every cap) or flexible seat number n - target + 1.
                key = (n - target[h] + 1) * n_host + pos[h] if n >= target[h] else -1
                full = -1
                blocked = False
                for v in areas:
                    if node_count[v] >= node_cap[v]:
                        if key >= 0 and last_seat(v) < key:
                            blocked = True
                            break
                        if full < 0:
                            full = v
                if not blocked:
                    heappush(heap, -r)
                    match[c] = h
                    if key >= 0:
                        flexible[h] += 1
                        for v in areas:
                            heappush(node_heap[v], -key)
                    for v in areas:
                        node_count[v] += 1
                    if full >= 0:
                        # Take back the last seat of the most specific full area.
                        g = order[last_seat(full) % n_host]
                        worst = -heappop(held[g])
                        d = h_cand[h_start[g] + worst]
                        match[d] = -1
                        push(d)
                        flexible[g] -= 1
                        if flexible[g]:
                            key_g = flexible[g] * n_host + pos[g]
                            for v in path[g]:
                                heappush(node_heap[v], -key_g)
                        for v in path[g]:
                            node_count[v] -= 1
                    break
            if heap and -heap[0] > r:
                worst = -heapreplace(heap, -r)
                d = h_cand[h_start[h] + worst]
                match[d] = -1
                push(d)
                match[c] = h
                break
            i += 1
        ptr[c] = i + 1
    return match


def round_robin_seats(inst: Instance, applicants: list[int]) -> list[int]:
    """How many applicants each host keeps under the caps, given how many it has.

    This is the flexible choice written out directly: targets first, then one seat per
    host per turn in lottery order while the host is under capacity and every capped area
    above it has room. O(seats + hosts x turns); used by host-proposing and by the tests
    as the reference.
    """
    capacity, target, path, cap = inst.capacity, inst.target, inst.h_path, inst.node_cap
    count = [0] * len(cap)
    seats = [min(a, t) for a, t in zip(applicants, target, strict=True)]
    for h, s in enumerate(seats):
        for v in path[h]:
            count[v] += s
    active = [h for h in inst.h_order if applicants[h] > seats[h] and seats[h] < capacity[h]]
    while active:
        still = []
        for h in active:
            areas = path[h]
            if all(count[v] < cap[v] for v in areas):
                seats[h] += 1
                for v in areas:
                    count[v] += 1
                if applicants[h] > seats[h] and seats[h] < capacity[h]:
                    still.append(h)
        active = still
    return seats


def host_proposing(inst: Instance) -> list[int]:
    """Host-optimal stable assignment: the host index per candidate, -1 when unmatched.

    Without caps this is plain host-proposing deferred acceptance. With caps, the hosts
    jointly offer their flexible choice (:func:`round_robin_seats`) from the candidates who
    have not turned them down, in rounds, until no candidate turns an offer down (the
    hospital-proposing generalized deferred acceptance of Hatfield & Milgrom); each round
    is O(E), so this side is meant for modest instances.
    """
    if inst.has_caps:
        return _host_proposing_flexible(inst)
    n_cand, n_host = len(inst.candidate_ids), len(inst.host_ids)
    h_cand, h_start, capacity = inst.h_cand, inst.h_start, inst.capacity
    h_crank = inst.h_crank()
    ptr = h_start[:-1]
    end = h_start[1:]
    count = [0] * n_host
    match = [-1] * n_cand
    match_rank = [0] * n_cand
    stack = list(range(n_host - 1, -1, -1))
    while stack:
        h = stack.pop()
        j, e, cap = ptr[h], end[h], capacity[h]
        while count[h] < cap and j < e:
            r = h_crank[j]
            c = h_cand[j]
            j += 1
            if r < 0:
                continue
            m = match[c]
            if m < 0:
                match[c], match_rank[c] = h, r
                count[h] += 1
            elif r < match_rank[c]:
                count[m] -= 1
                stack.append(m)
                match[c], match_rank[c] = h, r
                count[h] += 1
        ptr[h] = j
    return match


def _host_proposing_flexible(inst: Instance) -> list[int]:
    n_cand, n_host = len(inst.candidate_ids), len(inst.host_ids)
    h_cand, h_start = inst.h_cand, inst.h_start
    h_crank = inst.h_crank()
    # Each host's still-available candidates (acceptable, not yet turned it down), in order.
    available = [
        [j for j in range(h_start[h], h_start[h + 1]) if h_crank[j] >= 0] for h in range(n_host)
    ]
    while True:
        seats = round_robin_seats(inst, [len(a) for a in available])
        best = [-1] * n_cand
        best_rank = [0] * n_cand
        offers: list[tuple[int, int]] = []
        for h in range(n_host):
            for j in available[h][: seats[h]]:
                c = h_cand[j]
                offers.append((h, j))
                if best[c] < 0 or h_crank[j] < best_rank[c]:
                    best[c], best_rank[c] = h, h_crank[j]
        turned_down: set[int] = {j for h, j in offers if best[h_cand[j]] != h}
        if not turned_down:
            return best
        available = [[j for j in a if j not in turned_down] for a in available]
