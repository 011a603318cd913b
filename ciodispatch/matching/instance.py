"""Reading and validating a matching instance into compact integer arrays.

Everything after this module works on integer ids: candidate ``c`` is ``0..C-1`` and host
``h`` is ``0..H-1`` in input order. Preference lists are stored CSR-style (one flat list per
side plus a start offset per agent), already tie-broken by the seeded lottery, and each
candidate entry carries the host's rank of that candidate, so the mechanism never looks a
rank up. No dense hosts x candidates structure is built: memory and time are O(E), E being
the number of list entries.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat
from typing import Any

#: Cap levels, most specific first (a prefecture lies inside a region inside the nation).
LEVELS = ("prefecture", "region", "national")


class InvalidInstance(ValueError):
    """The instance is malformed; ``str()`` is one line naming where and what."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where
        self.problem = problem


@dataclass(eq=False)
class Instance:
    """A validated instance in integer form (build it with :func:`load_instance`).

    Candidate ``c``'s list is ``c_host[c_start[c]:c_start[c + 1]]`` in tie-broken order;
    for each entry ``i``: ``c_group[i]`` is the position (1-based) the candidate gave the
    host and ``c_hrank[i]`` the host's tie-broken rank (0-based) of the candidate, -1 when
    the host did not rank them (the pair is not acceptable), or -2 while not yet looked up
    in ``host_rank`` (filled on first use: only the entries a candidate proposes to are
    ever needed, so loading does not pay for a join over all E entries). Host ``h``'s list
    is ``h_cand[h_start[h]:h_start[h + 1]]`` with ``h_group`` (positions as written)
    alongside; ``host_rank[h]`` maps a candidate to its tie-broken rank there.
    """

    candidate_ids: list[str]
    host_ids: list[str]
    seed: int
    capacity: list[int]
    target: list[int]
    c_start: list[int]
    c_host: list[int]
    c_group: list[int]
    c_hrank: list[int]
    host_rank: list[dict[int, int]]
    h_start: list[int]
    h_cand: list[int]
    h_group: list[int]
    #: capped nodes above each host, most specific first (indices into the node_* lists)
    h_path: list[tuple[int, ...]]
    #: each host's place in the round-robin order of the flexible phase (the host lottery)
    h_pos: list[int]
    #: hosts in round-robin order (inverse of h_pos)
    h_order: list[int]
    node_level: list[str]
    node_area: list[str | None]
    node_cap: list[int]
    has_ties: bool
    host_ties: bool
    _h_crank: list[int] | None = field(default=None, repr=False)

    @property
    def has_caps(self) -> bool:
        """Whether any distributional cap applies to some host."""
        return bool(self.node_cap)

    def h_crank(self) -> list[int]:
        """Candidate's tie-broken rank (0-based) of the host, per host entry; -1 if unranked.

        Built on first use (only the host-proposing side needs it).
        """
        if self._h_crank is None:
            pair_rank: dict[int, int] = {}
            n_hosts = len(self.host_ids)
            c_start, c_host = self.c_start, self.c_host
            for c in range(len(self.candidate_ids)):
                base = c * n_hosts
                start = c_start[c]
                for i in range(start, c_start[c + 1]):
                    pair_rank[base + c_host[i]] = i - start
            h_cand, get = self.h_cand, pair_rank.get
            out = [-1] * len(h_cand)
            for h in range(n_hosts):
                for j in range(self.h_start[h], self.h_start[h + 1]):
                    out[j] = get(h_cand[j] * n_hosts + h, -1)
            self._h_crank = out
        return self._h_crank

    def hrank(self, c: int, i: int) -> int:
        """The host's tie-broken rank of candidate ``c`` at candidate entry ``i`` (or -1)."""
        r = self.c_hrank[i]
        if r == -2:
            r = self.c_hrank[i] = self.host_rank[self.c_host[i]].get(c, -1)
        return r

    def host_group(self, h: int, r: int) -> int:
        """The position (1-based, as written) host ``h`` gave its tie-broken rank ``r``."""
        return self.h_group[self.h_start[h] + r] if self.host_ties else r + 1

    def node_label(self, v: int) -> dict[str, Any]:
        """The machine-readable name of capped node ``v``: ``{"level": ..., "area": ...}``."""
        label: dict[str, Any] = {"level": self.node_level[v]}
        if self.node_area[v] is not None:
            label["area"] = self.node_area[v]
        return label


def _lottery(ids: Sequence[str], seed: int, side: str) -> list[int]:
    """Lottery number per index: a seeded shuffle of the ids in sorted order.

    Sorting first makes the draw independent of the order of the input file.
    """
    order = sorted(range(len(ids)), key=ids.__getitem__)
    random.Random(f"{seed}:{side}").shuffle(order)
    number = [0] * len(ids)
    for place, index in enumerate(order):
        number[index] = place
    return number


def _expect_list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInstance(where, "must be a list")
    return value


def _expect_object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInstance(where, "must be an object")
    return value


def _non_negative_int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInstance(where, f"must be a non-negative integer, not {value!r}")
    return value


def _ids(items: list[Any], side: str, singular: str) -> tuple[list[str], dict[str, int]]:
    ids: list[str] = []
    if all(type(item) is dict and "id" in item for item in items):
        ids = [item["id"] for item in items]
        if all(type(ident) is str and ident for ident in ids):
            return ids, _index(ids, side, singular)
        ids = []
    for k, item in enumerate(items):
        item = _expect_object(item, f"{side}[{k}]")
        if "id" not in item:
            raise InvalidInstance(f"{side}[{k}]", 'missing "id"')
        ident = item["id"]
        if not isinstance(ident, str) or not ident:
            raise InvalidInstance(f"{side}[{k}].id", "must be a non-empty string")
        ids.append(ident)
    return ids, _index(ids, side, singular)


def _index(ids: list[str], side: str, singular: str) -> dict[str, int]:
    index = dict(zip(ids, range(len(ids)), strict=True))
    if len(index) != len(ids):
        seen: set[str] = set()
        for k, ident in enumerate(ids):
            if ident in seen:
                raise InvalidInstance(f"{side}[{k}].id", f'duplicate {singular} "{ident}"')
            seen.add(ident)
    return index


def _parse_ranking(
    ranking: object,
    where: str,
    index: Mapping[str, int],
    other: str,
    lottery: Callable[[], list[int]],
    check_repeats: bool = True,
) -> tuple[list[int], list[int] | None, bool]:
    """Return (tie-broken list of indices, 1-based positions or None if strict, had ties)."""
    ranking = _expect_list(ranking, where)
    try:
        # Fast path: a strict list of known ids.
        out = [index[x] for x in ranking]
    except (KeyError, TypeError):
        strict = False
    else:
        strict = True
    if strict:
        if check_repeats and len(set(out)) != len(out):
            _no_repeats(out, ranking, where, index, other)
        return out, None, False
    out = []
    groups: list[int] = []
    ties = False
    for pos, entry in enumerate(ranking):
        members = entry if isinstance(entry, list) else [entry]
        if isinstance(entry, list):
            if not entry:
                raise InvalidInstance(f"{where}[{pos}]", "an empty tie")
            ties = ties or len(entry) > 1
        tied: list[int] = []
        for k, ident in enumerate(members):
            here = f"{where}[{pos}][{k}]" if isinstance(entry, list) else f"{where}[{pos}]"
            if not isinstance(ident, str):
                raise InvalidInstance(here, f"must be a {other} id or a list of ids")
            if ident not in index:
                raise InvalidInstance(here, f'unknown {other} "{ident}"')
            tied.append(index[ident])
        if len(tied) > 1:
            tied.sort(key=lottery().__getitem__)
        out.extend(tied)
        groups.extend([pos + 1] * len(tied))
    _no_repeats(out, ranking, where, index, other)
    return out, groups, ties


def _no_repeats(
    out: list[int], ranking: list[Any], where: str, index: Mapping[str, int], other: str
) -> None:
    if len(set(out)) == len(out):
        return
    seen: set[str] = set()
    for pos, entry in enumerate(ranking):
        members = entry if isinstance(entry, list) else [entry]
        for k, ident in enumerate(members):
            if ident in seen:
                here = f"{where}[{pos}][{k}]" if isinstance(entry, list) else f"{where}[{pos}]"
                raise InvalidInstance(here, f'{other} "{ident}" ranked twice')
            seen.add(ident)


def _rankings(
    rankings: list[Any],
    side: str,
    index: Mapping[str, int],
    other: str,
    lottery: Callable[[], list[int]],
) -> tuple[list[int], list[int], list[int], bool]:
    """All rankings of one side: (start offsets, tie-broken indices, positions, had ties).

    The common case (every ranking a strict list of known ids, no repeats) is done in a few
    passes at C speed over all the entries at once; anything else goes through
    :func:`_parse_ranking` ranking by ranking, which handles ties and names the problem.
    Repeats of a host's candidates are checked by the caller (it builds a dict anyway).
    """
    lengths: list[int] | None = None
    if all(type(r) is list for r in rankings):
        lengths = list(map(len, rankings))
        try:
            flat = list(map(index.__getitem__, chain.from_iterable(rankings)))
        except (KeyError, TypeError):
            lengths = None
        else:
            if side == "candidates" and lengths != list(map(len, map(set, rankings))):
                lengths = None  # a repeat: found and named below
    if lengths is not None:
        starts = [0, *accumulate(lengths)]
        groups = list(chain.from_iterable(map(range, repeat(1), [n + 1 for n in lengths])))
        return starts, flat, groups, False
    starts = [0]
    flat = []
    groups = []
    ties = False
    check_repeats = side == "candidates"
    for k, ranking in enumerate(rankings):
        ranked, positions, had_ties = _parse_ranking(
            ranking, f"{side}[{k}].ranking", index, other, lottery, check_repeats
        )
        ties = ties or had_ties
        flat.extend(ranked)
        groups.extend(positions if positions is not None else range(1, len(ranked) + 1))
        starts.append(len(flat))
    return starts, flat, groups, ties


def load_instance(data: object) -> Instance:
    """Validate ``data`` (the JSON instance, already parsed) and build an :class:`Instance`.

    Raises :class:`InvalidInstance` naming the first problem and where it is, e.g.
    ``hosts[3].ranking[5]: unknown candidate "c99"``. Validation is O(E) with sets and
    dicts. When ``seed`` is absent a fresh one is drawn; it is reported in the result so the
    round can be re-run.
    """
    # Pause the cyclic collector while ~10^6 acyclic list entries and dict items are built.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(data)
    finally:
        if was_enabled:
            gc.enable()


def _load(data: object) -> Instance:
    top = _expect_object(data, "")
    for key in ("candidates", "hosts"):
        if key not in top:
            raise InvalidInstance("", f'missing "{key}"')
    unknown = set(top) - {"candidates", "hosts", "caps", "seed"}
    if unknown:
        raise InvalidInstance("", f'unknown key "{sorted(unknown)[0]}"')
    candidates = _expect_list(top["candidates"], "candidates")
    hosts = _expect_list(top["hosts"], "hosts")
    seed_value = top.get("seed")
    if seed_value is None:
        import secrets  # only here: it loads hashlib, and most instances carry a seed

        seed = secrets.randbelow(2**31)
    elif isinstance(seed_value, bool) or not isinstance(seed_value, int):
        raise InvalidInstance("seed", f"must be an integer, not {seed_value!r}")
    else:
        seed = seed_value

    candidate_ids, cidx = _ids(candidates, "candidates", "candidate")
    host_ids, hidx = _ids(hosts, "hosts", "host")
    n_cand, n_host = len(candidate_ids), len(host_ids)
    if not all("ranking" in cand for cand in candidates):
        for k, cand in enumerate(candidates):
            if "ranking" not in cand:
                raise InvalidInstance(f"candidates[{k}]", 'missing "ranking"')
    for k, host in enumerate(hosts):
        for key in ("ranking", "capacity"):
            if key not in host:
                raise InvalidInstance(f"hosts[{k}]", f'missing "{key}"')

    h_lottery = _lottery(host_ids, seed, "hosts")
    cand_rankings = [c["ranking"] for c in candidates]
    # The candidate lottery is only drawn when some host ranks candidates in a tie.
    drawn: list[list[int]] = []

    def c_lottery() -> list[int]:
        if not drawn:
            drawn.append(_lottery(candidate_ids, seed, "candidates"))
        return drawn[0]

    # Hosts: capacity, target, location.
    capacity: list[int] = []
    given_target: list[int | None] = []
    regions: list[str | None] = []
    prefectures: list[str | None] = []
    for k, host in enumerate(hosts):
        cap = _non_negative_int(host["capacity"], f"hosts[{k}].capacity")
        capacity.append(cap)
        target = host.get("target")
        if target is not None:
            target = _non_negative_int(target, f"hosts[{k}].target")
            if target > cap:
                raise InvalidInstance(f"hosts[{k}].target", f"{target} is above the capacity {cap}")
        given_target.append(target)
        for key, store in (("region", regions), ("prefecture", prefectures)):
            value = host.get(key)
            if value is not None and (not isinstance(value, str) or not value):
                raise InvalidInstance(f"hosts[{k}].{key}", "must be a non-empty string")
            store.append(value)

    # Rankings, tie-broken, as flat lists with start offsets; each host gets a rank dict.
    host_rankings = [h["ranking"] for h in hosts]
    h_start, h_cand, h_group, host_ties = _rankings(
        host_rankings, "hosts", cidx, "candidate", c_lottery
    )
    host_rank: list[dict[int, int]] = []
    for k in range(n_host):
        a, b = h_start[k], h_start[k + 1]
        ranks = dict(zip(h_cand[a:b], range(b - a), strict=True))
        if len(ranks) != b - a:
            _no_repeats(h_cand[a:b], host_rankings[k], f"hosts[{k}].ranking", cidx, "candidate")
        host_rank.append(ranks)
    c_start, c_host, c_group, cand_ties = _rankings(
        cand_rankings, "candidates", hidx, "host", lambda: h_lottery
    )

    node_level, node_area, node_cap, h_path, target = _caps(
        top.get("caps"), hosts, capacity, given_target, regions, prefectures
    )
    h_order = sorted(range(n_host), key=h_lottery.__getitem__)
    assert len(c_start) == n_cand + 1
    return Instance(
        candidate_ids=candidate_ids,
        host_ids=host_ids,
        seed=seed,
        capacity=capacity,
        target=target,
        c_start=c_start,
        c_host=c_host,
        c_group=c_group,
        c_hrank=[-2] * len(c_host),
        host_rank=host_rank,
        h_start=h_start,
        h_cand=h_cand,
        h_group=h_group,
        h_path=h_path,
        h_pos=h_lottery,
        h_order=h_order,
        node_level=node_level,
        node_area=node_area,
        node_cap=node_cap,
        has_ties=host_ties or cand_ties,
        host_ties=host_ties,
    )


def _caps(
    caps_value: object,
    hosts: list[Any],
    capacity: list[int],
    given_target: list[int | None],
    regions: list[str | None],
    prefectures: list[str | None],
) -> tuple[list[str], list[str | None], list[int], list[tuple[int, ...]], list[int]]:
    """Build the capped nodes, each host's path through them, and the target capacities."""
    n_host = len(hosts)
    if caps_value is None:
        return [], [], [], [()] * n_host, list(capacity)
    caps = _expect_object(caps_value, "caps")
    unknown = set(caps) - set(LEVELS)
    if unknown:
        raise InvalidInstance("caps", f'unknown level "{sorted(unknown)[0]}"')
    node_level: list[str] = []
    node_area: list[str | None] = []
    node_cap: list[int] = []
    node_of: dict[tuple[str, str | None], int] = {}
    for level in ("prefecture", "region"):
        table = _expect_object(caps.get(level, {}), f"caps.{level}")
        for area, limit in table.items():
            node_of[(level, area)] = len(node_cap)
            node_level.append(level)
            node_area.append(area)
            node_cap.append(_non_negative_int(limit, f"caps.{level}.{area}"))
    if caps.get("national") is not None:
        node_of[("national", None)] = len(node_cap)
        node_level.append("national")
        node_area.append(None)
        node_cap.append(_non_negative_int(caps["national"], "caps.national"))

    if "prefecture" in caps and "region" in caps:
        # Caps must nest: a prefecture lies in one region.
        region_of: dict[str, tuple[str, int]] = {}
        for k in range(n_host):
            pref, region = prefectures[k], regions[k]
            if pref is None or region is None:
                continue
            first = region_of.setdefault(pref, (region, k))
            if first[0] != region:
                raise InvalidInstance(
                    f"hosts[{k}].region",
                    f'prefecture "{pref}" is in region "{first[0]}" at hosts[{first[1]}]',
                )

    national = node_of.get(("national", None))
    paths: list[tuple[int, ...]] = []
    for k in range(n_host):
        path = []
        for level, where in (("prefecture", prefectures[k]), ("region", regions[k])):
            v = node_of.get((level, where)) if where is not None else None
            if v is not None:
                path.append(v)
        if national is not None:
            path.append(national)
        paths.append(tuple(path))

    # Targets: given ones must fit under every cap; the others are derived in proportion
    # to capacity from what each cap has left, rounded down so that they fit too.
    n_nodes = len(node_cap)
    given_sum = [0] * n_nodes
    free_capacity = [0] * n_nodes
    for k in range(n_host):
        for v in paths[k]:
            if given_target[k] is not None:
                given_sum[v] += given_target[k] or 0
            else:
                free_capacity[v] += capacity[k]
    for v in range(n_nodes):
        if given_sum[v] > node_cap[v]:
            where = (
                "caps.national" if node_area[v] is None else f"caps.{node_level[v]}.{node_area[v]}"
            )
            raise InvalidInstance(
                where,
                f"targets of its hosts add up to {given_sum[v]}, above the cap {node_cap[v]}",
            )
    target: list[int] = []
    for k in range(n_host):
        given = given_target[k]
        if given is not None:
            target.append(given)
            continue
        # Integer arithmetic for the floor, so rounding never lets a cap be exceeded.
        best = capacity[k]
        for v in paths[k]:
            if free_capacity[v]:
                best = min(best, capacity[k] * (node_cap[v] - given_sum[v]) // free_capacity[v])
        target.append(best)
    return node_level, node_area, node_cap, paths, target
