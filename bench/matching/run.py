"""Matching: deferred acceptance with checks and explanations, against `matching` 1.4.3.

Instances: 1,741 hosts (47 prefectures in 8 regions) x {1k, 5k, 20k, 50k} candidates, lists
of 5-30 hosts with skewed popularity, capacities 1-3, hosts ranking ~90% of the candidates
who ranked them (by a shared score plus noise); without caps and with prefecture, region and
national caps at 25/50/100% of the seats. Plus an NRMP-sized one: 50,000 candidates, 6,400
hosts, capacities 1-12, lists of 10-30 (~1.0M candidate entries and ~0.9M host entries).

Each time is end to end from the parsed JSON: validate and load, solve, run the checker and
build every explanation. Baseline per instance: ``json.loads`` of that instance's JSON text,
measured in the same run. `matching` (load, solve, check_stability) runs on the 1k and 5k
instances without caps only (it has no caps); it needs ``sys.setrecursionlimit`` raised for
its deep copies. Peak memory is tracemalloc's, in a separate untimed run.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench.timing import best_of

REGION_OF_PREFECTURE = (
    ["hokkaido"]
    + ["tohoku"] * 6
    + ["kanto"] * 7
    + ["chubu"] * 9
    + ["kinki"] * 7
    + ["chugoku"] * 5
    + ["shikoku"] * 4
    + ["kyushu"] * 8
)


def make_instance(
    n_cand: int,
    n_host: int,
    *,
    list_len: tuple[int, int] = (5, 30),
    capacity: tuple[int, int] = (1, 3),
    cap_share: float | None = None,
    zipf: float | None = None,
    seed: int = 1,
) -> dict[str, Any]:
    """A synthetic instance (see the module docstring)."""
    rnd = random.Random(seed)
    hosts = [f"h{k:05d}" for k in range(n_host)]
    cands = [f"c{k:06d}" for k in range(n_cand)]
    prefecture = [f"{rnd.randint(1, 47):02d}" for _ in hosts]
    # Popularity: weight 1 / (k + 20) for the k-th most popular host (mildly skewed), or
    # Zipf-like 1 / (k + 1) ** zipf (with 1.2 the top host is on ~99% of the lists).
    popular = rnd.sample(range(n_host), n_host)
    cum, total = [], 0.0
    for k in range(n_host):
        total += 1.0 / (k + 20) if zipf is None else 1.0 / (k + 1) ** zipf
        cum.append(total)
    score = [rnd.random() for _ in cands]
    ranked_by: list[list[int]] = [[] for _ in hosts]
    candidates = []
    for c in range(n_cand):
        want = rnd.randint(*list_len)
        seen: dict[int, None] = {}
        while len(seen) < want:
            for k in rnd.choices(range(n_host), cum_weights=cum, k=want):
                seen.setdefault(popular[k], None)
        ranking = list(seen)[:want]
        for h in ranking:
            ranked_by[h].append(c)
        candidates.append({"id": cands[c], "ranking": [hosts[h] for h in ranking]})
    host_rows = []
    seats = [rnd.randint(*capacity) for _ in hosts]
    for h in range(n_host):
        applicants = [c for c in ranked_by[h] if rnd.random() < 0.9]
        applicants.sort(key=lambda c: score[c] + rnd.random() * 0.3, reverse=True)
        host_rows.append(
            {
                "id": hosts[h],
                "capacity": seats[h],
                "prefecture": prefecture[h],
                "region": REGION_OF_PREFECTURE[int(prefecture[h]) - 1],
                "ranking": [cands[c] for c in applicants],
            }
        )
    data: dict[str, Any] = {"candidates": candidates, "hosts": host_rows, "seed": seed}
    if cap_share is not None:
        by_pref: dict[str, int] = {}
        by_region: dict[str, int] = {}
        for h in range(n_host):
            by_pref[prefecture[h]] = by_pref.get(prefecture[h], 0) + seats[h]
            region = host_rows[h]["region"]
            by_region[region] = by_region.get(region, 0) + seats[h]
        data["caps"] = {
            "prefecture": {p: round(n * cap_share) for p, n in by_pref.items()},
            "region": {r: round(n * cap_share) for r, n in by_region.items()},
            "national": round(sum(seats) * cap_share),
        }
    return data


def ours(data: dict[str, Any]) -> Any:
    from ciodispatch.matching import load_instance, solve

    return solve(load_instance(data))


def ours_same_work(data: dict[str, Any]) -> Any:
    """What `matching` does: load, solve and check stability (no explanations)."""
    from ciodispatch.matching import load_instance, solve

    return solve(load_instance(data), explanations=False)


def library_inputs(data: dict[str, Any]) -> tuple[dict, dict, dict]:
    """`matching` wants mutual lists and no empty ones: prepared untimed."""
    hosts_of = {c["id"]: set(c["ranking"]) for c in data["candidates"]}
    cands_of = {h["id"]: set(h["ranking"]) for h in data["hosts"]}
    hospital_prefs = {
        h["id"]: [c for c in h["ranking"] if h["id"] in hosts_of[c]] for h in data["hosts"]
    }
    hospital_prefs = {h: p for h, p in hospital_prefs.items() if p}
    resident_prefs = {
        c["id"]: [h for h in c["ranking"] if h in hospital_prefs and c["id"] in cands_of[h]]
        for c in data["candidates"]
    }
    resident_prefs = {c: p for c, p in resident_prefs.items() if p}
    capacities = {h["id"]: h["capacity"] for h in data["hosts"] if h["id"] in hospital_prefs}
    return resident_prefs, hospital_prefs, capacities


def theirs(prepared: tuple[dict, dict, dict]) -> Any:
    import warnings

    from matching.games import HospitalResident

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(*prepared)
        game.solve(optimal="resident")
        game.check_stability()
    return game


def peak_mib(func: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


NOTES: list[str] = []


def run() -> str:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))  # `matching` deep-copies
    rows = []
    notes = NOTES
    sizes = [1_000, 5_000, 20_000, 50_000]
    for n_cand in sizes:
        for share in (None, 0.25, 0.5, 1.0):
            data = make_instance(n_cand, 1741, cap_share=share, seed=n_cand)
            library = n_cand <= 5_000 and share is None  # `matching` has no caps
            rows.append(measure(f"1,741 x {n_cand:,}", share, data, library=library))
    nrmp = make_instance(50_000, 6_400, list_len=(10, 30), capacity=(1, 12), seed=7)
    entries = sum(len(c["ranking"]) for c in nrmp["candidates"])
    host_entries = sum(len(h["ranking"]) for h in nrmp["hosts"])
    rows.append(measure("NRMP-sized 6,400 x 50,000", None, nrmp, library=False))
    notes.append(
        f"NRMP-sized: {entries:,} candidate list entries and {host_entries:,} host list "
        f"entries, {sum(h['capacity'] for h in nrmp['hosts']):,} seats."
    )
    lines = [
        "### Matching (deferred acceptance + checker + explanations) vs `matching` 1.4.3",
        "",
        "| instance | caps | ours (ms) | ratio to json.loads | ours peak (MiB) "
        "| ours, same work as `matching` (ms) | `matching` (ms) | `matching` peak (MiB) "
        "| `matching` / ours, same work | `matching` / ours with explanations |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += rows
    lines += ["", *notes]
    return "\n".join(lines) + "\n"


def measure(name: str, share: float | None, data: dict[str, Any], *, library: bool) -> str:
    text = json.dumps(data)
    repeat = 3 if len(data["candidates"]) <= 5_000 else 2
    baseline = best_of(lambda: json.loads(text), repeat=repeat)
    seconds = best_of(lambda: ours(data), repeat=repeat)
    result = ours(data)
    assert result.checks.stable and result.checks.caps_respected, name
    memory = peak_mib(lambda: ours(data))
    caps = "none" if share is None else f"{share:.0%} of seats"
    same_ms = theirs_ms = theirs_mib = speedup = speedup_full = "—"
    if library:
        same = best_of(lambda: ours_same_work(data), repeat=repeat)
        same_ms = f"{same * 1000:,.1f}"
        prepared = library_inputs(data)
        games = []
        their_seconds = best_of(lambda: games.append(theirs(prepared)), repeat=1)
        theirs_ms = f"{their_seconds * 1000:,.0f}"
        theirs_mib = f"{peak_mib(lambda: theirs(prepared)):.1f}"
        speedup = f"{their_seconds / same:,.0f}x"
        speedup_full = f"{their_seconds / seconds:,.0f}x"
        game = games[0]
        expected = {r.name: (r.matching.name if r.matching else None) for r in game.residents}
        got = result.assignment
        differ = sum(got[c] != h for c, h in expected.items())
        if differ:
            from ciodispatch.matching import check_assignment

            verdict = check_assignment(result.instance, expected)
            NOTES.append(
                f"{name}: `matching` returned a different assignment ({differ:,} candidates "
                f"differ); our checker on it: {len(verdict.blocking_pairs)} blocking pairs, "
                f"{len(verdict.cap_violations)} hosts over capacity, "
                f"{len(verdict.unacceptable)} unacceptable pairs."
            )
    return (
        f"| {name} | {caps} | {seconds * 1000:,.1f} | {seconds / baseline:.2f} | {memory:.1f} "
        f"| {same_ms} | {theirs_ms} | {theirs_mib} | {speedup} | {speedup_full} |"
    )
