"""Property tests of the mechanism against slow references and brute force."""

from __future__ import annotations

import random
import subprocess
import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from ciodispatch.matching import load_instance, solve
from tests.matching.reference import Raw, generalized_da
from tests.matching.strategies import instances

FAST = settings(max_examples=150, deadline=None)
SLOW = settings(max_examples=60, deadline=None)


def assignment_of(data: dict[str, Any], proposing: str = "candidates") -> dict[str, str | None]:
    return solve(load_instance(data), proposing=proposing).assignment  # type: ignore[arg-type]


def test_importing_the_package_does_not_import_django():
    code = (
        "import sys, ciodispatch.matching, ciodispatch.matching.__main__;"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django'];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@FAST
@given(instances(ties=True))
def test_no_blocking_pair_without_caps(data):
    raw = Raw(data)
    result = solve(load_instance(data))
    assert raw.feasible(result.assignment)
    assert raw.blocking_pairs(result.assignment) == []
    assert result.checks.stable and result.checks.caps_respected


@FAST
@given(instances(ties=True))
def test_host_proposing_is_stable_too(data):
    raw = Raw(data)
    assignment = assignment_of(data, "hosts")
    assert raw.feasible(assignment)
    assert raw.blocking_pairs(assignment) == []


@FAST
@given(instances(caps=True, ties=True, max_candidates=10, max_hosts=6))
def test_caps_never_exceeded_and_weakly_stable(data):
    raw = Raw(data)
    for proposing in ("candidates", "hosts"):
        result = solve(load_instance(data), proposing=proposing)  # type: ignore[arg-type]
        assert raw.feasible(result.assignment), proposing
        assert raw.blocking_pairs(result.assignment) == [], proposing
        assert result.checks.stable and result.checks.caps_respected


@FAST
@given(instances(caps=True, ties=True, max_candidates=10, max_hosts=6))
def test_flexible_da_matches_the_textbook_generalized_da(data):
    assert assignment_of(data) == generalized_da(data)


def test_nested_caps_sweep():
    """Many small instances where prefecture, region and national caps all bind."""
    for seed in range(400):
        rnd = random.Random(seed)
        n_cand, n_host = rnd.randint(2, 12), rnd.randint(2, 6)
        cands = [f"c{k}" for k in range(n_cand)]
        hosts = [f"h{k}" for k in range(n_host)]
        data = {
            "candidates": [
                {"id": c, "ranking": rnd.sample(hosts, rnd.randint(1, n_host))} for c in cands
            ],
            "hosts": [
                {
                    "id": h,
                    "capacity": rnd.randint(1, 3),
                    "prefecture": f"p{k % 3}",
                    "region": "r" if k % 3 < 2 else "s",
                    "ranking": rnd.sample(cands, rnd.randint(1, n_cand)),
                }
                for k, h in enumerate(hosts)
            ],
            "caps": {
                "prefecture": {"p0": rnd.randint(0, 3), "p1": rnd.randint(0, 3)},
                "region": {"r": rnd.randint(0, 5)},
                "national": rnd.randint(0, 8),
            },
            "seed": seed,
        }
        raw = Raw(data)
        result = solve(load_instance(data))
        assert raw.feasible(result.assignment), seed
        assert raw.blocking_pairs(result.assignment) == [], seed
        assert result.assignment == generalized_da(data), seed


@SLOW
@given(instances(max_candidates=5, max_hosts=3, max_capacity=2))
def test_candidate_optimal_against_brute_force(data):
    raw = Raw(data)
    ours = assignment_of(data)
    stable = [m for m in raw.all_matchings() if not raw.blocking_pairs(m)]
    assert ours in stable
    for other in stable:
        for c in raw.cands:
            assert raw.rank_of_match(c, ours[c]) <= raw.rank_of_match(c, other[c])


@SLOW
@given(instances(max_candidates=5, max_hosts=3, max_capacity=2))
def test_host_proposing_is_candidate_pessimal_among_stable(data):
    raw = Raw(data)
    theirs = assignment_of(data, "hosts")
    stable = [m for m in raw.all_matchings() if not raw.blocking_pairs(m)]
    assert theirs in stable
    for other in stable:
        for c in raw.cands:
            assert raw.rank_of_match(c, theirs[c]) >= raw.rank_of_match(c, other[c])


@FAST
@given(instances(caps=True, ties=True), st.randoms(use_true_random=False))
def test_same_seed_same_result_whatever_the_input_order(data, rnd):
    first = solve(load_instance(data)).to_json()
    shuffled = dict(data)
    shuffled["candidates"] = rnd.sample(data["candidates"], len(data["candidates"]))
    shuffled["hosts"] = rnd.sample(data["hosts"], len(data["hosts"]))
    second = solve(load_instance(shuffled)).to_json()
    assert first["assignment"] == second["assignment"]
    assert first["explanations"] == second["explanations"]
    assert first["seed"] == second["seed"] == data["seed"]


def test_the_seed_breaks_ties_and_is_reported():
    # Three candidates tied at one seat: over many seeds, each of them wins sometimes.
    data = {
        "candidates": [{"id": c, "ranking": ["h"]} for c in ("a", "b", "c")],
        "hosts": [{"id": "h", "capacity": 1, "ranking": [["a", "b", "c"]]}],
    }
    winners = set()
    for seed in range(30):
        result = solve(load_instance({**data, "seed": seed})).to_json()
        assert result["seed"] == seed
        winners |= {c for c, h in result["assignment"].items() if h}
        losers = [c for c, h in result["assignment"].items() if h is None]
        for c in losers:
            assert result["explanations"][c][0]["reason"] == "lost_lottery"
    assert winners == {"a", "b", "c"}
    drawn = solve(load_instance(data))
    assert isinstance(drawn.instance.seed, int)


def _library_result(data: dict[str, Any], optimal: str) -> dict[str, str | None]:
    raw = Raw(data)
    resident_prefs = {
        c: [h for h in cand["ranking"] if raw.acceptable(c, h)]
        for cand in data["candidates"]
        for c in [cand["id"]]
    }
    hospital_prefs = {
        h: [c for c in host["ranking"] if raw.acceptable(c, h)]
        for host in data["hosts"]
        for h in [host["id"]]
    }
    # The library needs non-empty lists and positive capacities: drop the others.
    resident_prefs = {c: p for c, p in resident_prefs.items() if p}
    keep = {h for h, p in hospital_prefs.items() if p and raw.capacity[h] > 0}
    resident_prefs = {c: [h for h in p if h in keep] for c, p in resident_prefs.items()}
    resident_prefs = {c: p for c, p in resident_prefs.items() if p}
    hospital_prefs = {h: [c for c in hospital_prefs[h] if c in resident_prefs] for h in keep}
    hospital_prefs = {h: p for h, p in hospital_prefs.items() if p}
    resident_prefs = {c: [h for h in p if h in hospital_prefs] for c, p in resident_prefs.items()}
    resident_prefs = {c: p for c, p in resident_prefs.items() if p}
    out: dict[str, str | None] = {c: None for c in raw.cands}
    if not resident_prefs or not hospital_prefs:
        return out
    game = HospitalResident.create_from_dictionaries(
        resident_prefs, hospital_prefs, {h: raw.capacity[h] for h in hospital_prefs}
    )
    for hospital, residents in game.solve(optimal=optimal).items():
        for resident in residents:
            out[resident.name] = hospital.name
    return out


@FAST
@given(instances(max_candidates=10, max_hosts=5))
def test_equal_to_the_matching_library_on_strict_instances(data):
    assert assignment_of(data) == _library_result(data, "resident")
    assert assignment_of(data, "hosts") == _library_result(data, "hospital")


@SLOW
@given(instances(max_candidates=5, max_hosts=4, caps=True), st.data())
def test_no_candidate_gains_by_misreporting(data, extra):
    raw = Raw(data)
    truthful = assignment_of(data)
    c = extra.draw(st.sampled_from(raw.cands))
    hosts = [h["id"] for h in data["hosts"]]
    lie = extra.draw(st.permutations(hosts))[: extra.draw(st.integers(0, len(hosts)))]
    lying = dict(data)
    lying["candidates"] = [
        {"id": d["id"], "ranking": list(lie) if d["id"] == c else d["ranking"]}
        for d in data["candidates"]
    ]
    got = assignment_of(lying)[c]
    # Judge the outcome of the lie by c's true ranking (a host c never ranked is worthless).
    true_rank = raw.cpos[c].get(got, 10**9) if got is not None else 10**9
    assert raw.rank_of_match(c, truthful[c]) <= true_rank


@FAST
@given(instances(caps=True, ties=True))
def test_explanations_cover_every_host_above_the_match(data):
    raw = Raw(data)
    result = solve(load_instance(data)).to_json()
    for c in raw.cands:
        m = result["assignment"][c]
        above = [
            h
            for h in sorted(raw.cpos[c], key=lambda h: raw.cpos[c][h])
            if m is None or raw.cpos[c][h] < raw.cpos[c][m]
        ]
        reasons = result["explanations"][c]
        assert sorted(r["host"] for r in reasons) == sorted(above)
        for r in reasons:
            h = r["host"]
            assert r["reason"] in {"filled", "lost_lottery", "cap", "not_acceptable", "no_seats"}
            if r["reason"] == "not_acceptable":
                assert c not in raw.hpos[h]
            elif r["reason"] in {"filled", "lost_lottery"}:
                host = result["hosts"][h]
                assert len(host["matched"]) == raw.capacity[h]
                assert r["last_admitted_rank"] == host["cutoff_rank"]
                assert r["your_rank"] == raw.hpos[h][c]
                assert (r["your_rank"] > r["last_admitted_rank"]) == (r["reason"] == "filled")
            elif r["reason"] == "cap":
                counts = raw.area_counts(result["assignment"])
                area = r.get("area")
                cap = data["caps"]["national"] if area is None else data["caps"][r["level"]][area]
                assert counts.get((r["level"], area), 0) == cap
    for h, summary in result["hosts"].items():
        ranks = [raw.hpos[h][c] for c in summary["matched"]]
        assert ranks == sorted(ranks)
        assert summary["cutoff_rank"] == (max(ranks) if ranks else None)


@FAST
@given(instances(caps=True, max_hosts=6, max_capacity=5))
def test_derived_targets_fit_under_every_cap(data):
    inst = load_instance(data)
    for v, cap in enumerate(inst.node_cap):
        under = [h for h in range(len(inst.host_ids)) if v in inst.h_path[h]]
        assert sum(inst.target[h] for h in under) <= cap
    assert all(0 <= t <= q for t, q in zip(inst.target, inst.capacity, strict=True))


def test_the_checker_finds_blocking_pairs_and_cap_violations():
    from ciodispatch.matching import check_assignment

    data = {
        "candidates": [{"id": "a", "ranking": ["x", "y"]}, {"id": "b", "ranking": ["x"]}],
        "hosts": [
            {"id": "x", "capacity": 1, "region": "r", "ranking": ["a", "b"]},
            {"id": "y", "capacity": 1, "region": "r", "ranking": ["a"]},
        ],
        "caps": {"region": {"r": 1}},
        "seed": 1,
    }
    inst = load_instance(data)
    verdict = check_assignment(inst, {"a": "y", "b": "x"})
    assert [(inst.candidate_ids[c], inst.host_ids[h]) for c, h in verdict.blocking_pairs] == [
        ("a", "x")
    ]
    assert verdict.to_json(inst)["cap_violations"] == [
        {"level": "region", "area": "r", "matched": 2, "limit": 1}
    ]
    # With the region full, a free seat at y is no reason to block: weak stability.
    assert check_assignment(inst, {"a": "x", "b": None}).stable


def test_large_random_instance_is_consistent():
    rnd = random.Random(5)
    cands = [f"c{k}" for k in range(400)]
    hosts = [f"h{k}" for k in range(60)]
    ranked_by: dict[str, list[str]] = {h: [] for h in hosts}
    candidates = []
    for c in cands:
        ranking = rnd.sample(hosts, rnd.randint(1, 8))
        for h in ranking:
            ranked_by[h].append(c)
        candidates.append({"id": c, "ranking": ranking})
    data = {
        "candidates": candidates,
        "hosts": [
            {
                "id": h,
                "capacity": rnd.randint(0, 4),
                "region": f"r{k % 3}",
                "prefecture": f"p{k % 6}",
                "ranking": rnd.sample(ranked_by[h], len(ranked_by[h])),
            }
            for k, h in enumerate(hosts)
        ],
        "caps": {"region": {"r0": 20, "r1": 30}, "prefecture": {"p2": 5}, "national": 60},
        "seed": 3,
    }
    raw = Raw(data)
    result = solve(load_instance(data))
    assert raw.feasible(result.assignment)
    assert raw.blocking_pairs(result.assignment) == []
    assert result.assignment == generalized_da(data)
