"""Matching: deferred acceptance with checks and explanations, against `matching` 1.4.3.

Three tables:

1. The grid: 1,741 hosts (47 prefectures in 8 regions) x {1k, 5k, 20k, 50k} candidates,
   lists of 5-30 hosts with mildly skewed popularity, capacities 1-3, hosts ranking ~90% of
   the candidates who ranked them (by a shared score plus noise); without caps and with
   prefecture, region and national caps at 25/50/100% of the seats. Each time is in-process
   from the parsed JSON: validate and load, solve, run the checker, build every explanation.
   `matching` (load, solve, check_stability) runs on the 1k and 5k instances without caps
   (it has no caps); it needs ``sys.setrecursionlimit`` raised for its deep copies. Peak
   memory is tracemalloc's, in a separate untimed run.
2. NRMP-sized: 50,000 candidates, 6,400 hosts, capacities 1-12, lists of 10-30 (~1.0M
   candidate entries, ~0.9M host entries), with the mild popularity and with Zipf-like
   popularity (exponent 1.2: the most popular post is on ~99% of the lists). In-process by
   stage (parse, load, solve, serialise) and the command line as a whole process: a
   subprocess ``python -m ciodispatch.matching solve FILE`` reading the instance from a
   file and writing the whole output (explanations and checks) to a file; wall and CPU
   time (the child's user + system).
3. 5,000 candidates x 2,000 hosts through the command line (whole process, as above)
   against `matching` doing its same work in-process (load, solve, check_stability).

Baseline per instance: ``json.loads`` of that instance's JSON text, measured in the same run.
``python -m bench.matching.run --quick`` runs tables 2 and 3 only (about 2 minutes).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
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
ROOT = Path(__file__).resolve().parents[2]


def run(quick: bool = False) -> str:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))  # `matching` deep-copies
    NOTES.clear()
    out = []
    if not quick:
        out.append(grid())
    out.append(nrmp())
    out.append(command_line_vs_library())
    return "\n".join(out)


def grid() -> str:
    rows = []
    for n_cand in (1_000, 5_000, 20_000, 50_000):
        for share in (None, 0.25, 0.5, 1.0):
            data = make_instance(n_cand, 1741, cap_share=share, seed=n_cand)
            library = n_cand <= 5_000 and share is None  # `matching` has no caps
            rows.append(measure(f"1,741 x {n_cand:,}", share, data, library=library))
    lines = [
        "### Matching (deferred acceptance + checker + explanations) vs `matching` 1.4.3",
        "",
        "| instance | caps | ours (ms) | ratio to json.loads | ours peak (MiB) "
        "| ours, same work as `matching` (ms) | `matching` (ms) | `matching` peak (MiB) "
        "| `matching` / ours, same work | `matching` / ours with explanations |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        *NOTES,
    ]
    NOTES.clear()
    return "\n".join(lines) + "\n"


def nrmp_instance(popularity: str) -> dict[str, Any]:
    """The NRMP-sized instance, with mild (``"mild"``) or Zipf-like (``"zipf"``) popularity."""
    zipf = 1.2 if popularity == "zipf" else None
    seed = 11 if popularity == "zipf" else 7
    return make_instance(50_000, 6_400, list_len=(10, 30), capacity=(1, 12), zipf=zipf, seed=seed)


def child_env(tmp: Path) -> dict[str, str]:
    """The command line's environment: this code, and bytecode cached as an install has it.

    The development environment sets PYTHONDONTWRITEBYTECODE, which would make every run
    compile the engine from source; the cache goes to the benchmark's temporary directory
    (a first, untimed run fills it).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def command_line(path: Path, output: Path) -> tuple[float, float]:
    """Run the command line on ``path`` as a whole process: (wall s, CPU s of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with output.open("wb") as sink:
        done = subprocess.run(
            [sys.executable, "-m", "ciodispatch.matching", "solve", str(path)],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.PIPE,
            env=child_env(path.parent),
        )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"the command line failed: {done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best_cpu(func: Callable[[], object], *, repeat: int, setup: Callable[[], object]) -> float:
    """Best CPU time (this process, user + system) of ``repeat`` runs of ``func``."""
    best = float("inf")
    for _ in range(repeat):
        setup()
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


def best_command_line(path: Path, output: Path, repeat: int) -> tuple[float, float]:
    command_line(path, output)  # warm-up: bytecode cache and file cache
    runs = [command_line(path, output) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def nrmp() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [nrmp_row(popularity, Path(tmp)) for popularity in ("mild", "zipf")]
    lines = [
        "### NRMP-sized (50,000 candidates x 6,400 posts): in-process and the command line",
        "",
        "| popularity | most-ranked post (candidates) | json.loads (ms) | parse, orjson (ms) "
        "| load (ms) | solve + checks + explanations (ms) | serialise, orjson (ms) "
        "| in-process: load + solve (ms) | in-process, CPU (ms) | ratio to json.loads "
        "| command line, wall (ms) | command line, CPU (ms) | ratio to json.loads "
        "| output (MB) | explanation entries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: |",
        *rows,
        "",
        *NOTES,
    ]
    NOTES.clear()
    return "\n".join(lines) + "\n"


def nrmp_row(popularity: str, tmp: Path) -> str:
    import orjson

    from ciodispatch.matching import load_instance, solve

    data = nrmp_instance(popularity)
    ranked_by: dict[str, int] = {}
    for cand in data["candidates"]:
        for h in cand["ranking"]:
            ranked_by[h] = ranked_by.get(h, 0) + 1
    path = tmp / f"nrmp-{popularity}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    raw = path.read_bytes()
    baseline = best_of(lambda: json.loads(raw), repeat=3)
    parse = best_of(lambda: orjson.loads(raw), repeat=3)
    # Results are kept in `slot` so that freeing them is not timed.
    slot: list[Any] = [None, None]

    def fresh() -> None:
        slot[:] = [None, None]
        slot[0] = load_instance(data)

    load = best_of(lambda: slot.__setitem__(0, load_instance(data)), repeat=3)
    solved = best_of(lambda: slot.__setitem__(1, solve(slot[0])), repeat=3, setup=fresh)
    engine = best_of(
        lambda: slot.__setitem__(1, solve(load_instance(data))),
        repeat=3,
        setup=lambda: slot.__setitem__(1, None),
    )
    engine_cpu = best_cpu(
        lambda: slot.__setitem__(1, solve(load_instance(data))),
        repeat=3,
        setup=lambda: slot.__setitem__(1, None),
    )
    result = slot[1]
    slot.clear()
    assert result.checks.stable and result.checks.caps_respected, popularity
    output = result.to_json()
    serialise = best_of(lambda: orjson.dumps(output), repeat=3)
    entries = sum(map(len, output["explanations"].values()))
    out_path = tmp / "out.json"
    wall, cpu = best_command_line(path, out_path, repeat=3)
    written = orjson.loads(out_path.read_bytes())
    assert written["assignment"] == output["assignment"], popularity
    assert written["explanations"] == output["explanations"], popularity
    assert written["checks"]["stable"], popularity
    size = out_path.stat().st_size / 1e6
    if popularity == "mild":
        NOTES.append(
            f"Mild popularity: {sum(len(c['ranking']) for c in data['candidates']):,} "
            f"candidate list entries, {sum(len(h['ranking']) for h in data['hosts']):,} host "
            f"list entries, {sum(h['capacity'] for h in data['hosts']):,} seats."
        )
    return (
        f"| {'Zipf 1.2' if popularity == 'zipf' else 'mild'} "
        f"| {max(ranked_by.values()):,} | {baseline * 1000:,.0f} "
        f"| {parse * 1000:,.0f} | {load * 1000:,.0f} | {solved * 1000:,.0f} "
        f"| {serialise * 1000:,.0f} | **{engine * 1000:,.0f}** | {engine_cpu * 1000:,.0f} "
        f"| {engine / baseline:.2f} | **{wall * 1000:,.0f}** | {cpu * 1000:,.0f} "
        f"| {wall / baseline:.2f} | {size:.1f} | {entries:,} |"
    )


def command_line_vs_library() -> str:
    import orjson

    data = make_instance(5_000, 2_000, seed=5)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instance.json"
        text = json.dumps(data)
        path.write_text(text, encoding="utf-8")
        baseline = best_of(lambda: json.loads(text), repeat=5)
        out_path = Path(tmp) / "out.json"
        wall, cpu = best_command_line(path, out_path, repeat=10)
        written = orjson.loads(out_path.read_bytes())
        prepared = library_inputs(data)
        games: list[Any] = []
        cpu_start = time.process_time()
        their_seconds = best_of(lambda: games.append(theirs(prepared)), repeat=1)
        their_cpu = time.process_time() - cpu_start
        expected = {r.name: (r.matching.name if r.matching else None) for r in games[0].residents}
        differ = sum(written["assignment"][c] != h for c, h in expected.items())
        rows.append(
            f"| 5,000 x 2,000 | {baseline * 1000:,.1f} | {wall * 1000:,.0f} | {cpu * 1000:,.0f} "
            f"| {wall / baseline:.1f} | {their_seconds * 1000:,.0f} | {their_cpu * 1000:,.0f} "
            f"| **{their_seconds / wall:,.0f}x** | **{their_cpu / cpu:,.0f}x** | {differ:,} |"
        )
    lines = [
        "### The command line (whole process) vs `matching` 1.4.3 (in-process, same work)",
        "",
        "| instance | json.loads (ms) | command line, wall (ms) | command line, CPU (ms) "
        "| ratio to json.loads | `matching`, wall (ms) | `matching`, CPU (ms) "
        "| `matching` / command line, wall | `matching` / command line, CPU "
        "| candidates matched differently |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.matching.run")
    parser.add_argument("--quick", action="store_true", help="skip the 1,741-host grid")
    print(run(quick=parser.parse_args().quick))
