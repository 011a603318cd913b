"""The engine's fast paths give what its general paths give.

Loading maps whole sides at once when every ranking is a strict list of known ids, and goes
ranking by ranking otherwise (ties, errors); the command line parses and writes with orjson
and falls back to the standard library for what orjson refuses. Each pair must agree.
"""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings

from ciodispatch.matching import load_instance, solve
from ciodispatch.matching.__main__ import parse, serialise
from tests.matching.reference import Raw, generalized_da
from tests.matching.strategies import instances


class Ranking(list):
    """A list that is not exactly ``list``: loading takes the ranking-by-ranking path."""


def slow_path(data: dict[str, Any]) -> dict[str, Any]:
    def side(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "ranking": Ranking(item["ranking"])} for item in items]

    return {**data, "candidates": side(data["candidates"]), "hosts": side(data["hosts"])}


def fields(data: dict[str, Any]) -> dict[str, Any]:
    inst = load_instance(data)
    return {f.name: getattr(inst, f.name) for f in dataclasses.fields(inst)}


@settings(max_examples=150, deadline=None)
@given(instances(caps=True, max_candidates=9, max_hosts=5))
def test_whole_side_loading_equals_ranking_by_ranking(data):
    assert fields(data) == fields(slow_path(data))
    assert solve(load_instance(data)).to_json() == solve(load_instance(slow_path(data))).to_json()


def test_the_slow_path_still_names_the_problem():
    data = {
        "candidates": [{"id": "c1", "ranking": ["h1", "h1"]}],
        "hosts": [{"id": "h1", "capacity": 1, "ranking": ["c1"]}],
    }
    try:
        load_instance(data)
    except ValueError as error:
        assert str(error) == 'candidates[0].ranking[1]: host "h1" ranked twice'
    else:
        raise AssertionError("a repeated host was accepted")


def test_a_host_ranking_longer_than_all_candidate_lists():
    # The host's rank of c9 (3, 0-based) exceeds the number of candidate list entries (1):
    # the bar an applicant must beat must lie above every rank a host gives.
    data = {
        "candidates": [{"id": f"c{k}", "ranking": []} for k in range(9)]
        + [{"id": "c9", "ranking": ["h1"]}],
        "hosts": [
            {"id": "h0", "capacity": 0, "ranking": []},
            {"id": "h1", "capacity": 1, "ranking": ["c0", "c1", "c2", "c9"]},
        ],
        "seed": 0,
    }
    result = solve(load_instance(data))
    assert result.assignment["c9"] == "h1"
    assert result.checks.stable
    assert result.to_json()["hosts"]["h1"] == {
        "matched": ["c9"],
        "cutoff_rank": 4,
        "binding_cap": None,
    }


def test_larger_random_instances_with_ties_and_caps_against_the_textbook():
    for seed in range(20):
        rnd = random.Random(seed)
        data = random_instance(rnd, n_cand=rnd.randint(20, 80), n_host=rnd.randint(3, 15))
        result = solve(load_instance(data))
        raw = Raw(data)
        assert raw.feasible(result.assignment), seed
        assert raw.blocking_pairs(result.assignment) == [], seed
        assert result.assignment == generalized_da(data), seed
        assert result.to_json() == solve(load_instance(slow_path(data))).to_json(), seed


def random_instance(rnd: random.Random, *, n_cand: int, n_host: int) -> dict[str, Any]:
    cands = [f"候補{k}" for k in range(n_cand)]
    hosts = [f"h{k}" for k in range(n_host)]

    def ranking(ids: list[str]) -> list[Any]:
        out: list[Any] = []
        for ident in rnd.sample(ids, rnd.randint(0, len(ids))):
            if out and rnd.random() < 0.2:
                last = out[-1]
                out[-1] = (last if isinstance(last, list) else [last]) + [ident]
            else:
                out.append(ident)
        return out

    return {
        "candidates": [{"id": c, "ranking": ranking(hosts)} for c in cands],
        "hosts": [
            {
                "id": h,
                "capacity": rnd.randint(0, 4),
                "prefecture": f"p{k % 4}",
                "region": "r0" if k % 4 < 2 else "r1",
                "ranking": ranking(cands),
            }
            for k, h in enumerate(hosts)
        ],
        "caps": {
            "prefecture": {"p0": rnd.randint(0, 6)},
            "region": {"r1": rnd.randint(0, 10)},
            "national": rnd.randint(5, 40),
        },
        "seed": rnd.randint(0, 2**31),
    }


@settings(max_examples=100, deadline=None)
@given(instances(caps=True, ties=True))
def test_orjson_reads_and_writes_what_the_standard_library_does(data):
    text = json.dumps(data, ensure_ascii=False).encode()
    assert parse(text) == json.loads(text)
    output = solve(load_instance(data)).to_json()
    assert json.loads(serialise(output)) == json.loads(json.dumps(output))


def run(tmp_path: Path, text: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    path = tmp_path / "instance.json"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "ciodispatch.matching", "solve", str(path), *args],
        capture_output=True,
    )


def test_the_command_line_writes_the_library_result(tmp_path):
    data = random_instance(random.Random(99), n_cand=200, n_host=30)
    done = run(tmp_path, json.dumps(data, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(b"\n")
    expected = json.loads(json.dumps(solve(load_instance(data)).to_json()))
    assert json.loads(done.stdout.decode("utf-8")) == expected
    done = run(tmp_path, json.dumps(data), "--proposing", "hosts")
    assert json.loads(done.stdout) == json.loads(
        json.dumps(solve(load_instance(data), proposing="hosts").to_json())
    )


def test_what_orjson_refuses_goes_through_the_standard_library(tmp_path):
    # A seed beyond 64 bits: orjson can neither read nor write it; the result is the same.
    data = {
        "candidates": [{"id": "c1", "ranking": [["h1", "h2"]]}],
        "hosts": [
            {"id": "h1", "capacity": 1, "ranking": ["c1"]},
            {"id": "h2", "capacity": 1, "ranking": ["c1"]},
        ],
        "seed": 2**70 + 1,
    }
    done = run(tmp_path, json.dumps(data))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["seed"] == 2**70 + 1
    assert out["assignment"] == solve(load_instance(data)).assignment
    # NaN is JSON to the standard library (not to orjson): the instance is refused as before.
    done = run(
        tmp_path, json.dumps({**data, "seed": 1}).replace('"capacity": 1', '"capacity": NaN', 1)
    )
    assert done.returncode == 2
    assert b"hosts[0].capacity: must be a non-negative integer, not nan" in done.stderr


def test_numbers_keep_their_exact_value_and_their_error_message(tmp_path):
    base = {
        "candidates": [{"id": "c1", "ranking": ["h1"]}],
        "hosts": [{"id": "h1", "capacity": 2**65, "ranking": ["c1"]}],
        "caps": {"national": 2**66},
        "seed": 3,
    }
    done = run(tmp_path, json.dumps(base))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["assignment"] == {"c1": "h1"}
    base["hosts"][0]["capacity"] = 1.5
    done = run(tmp_path, json.dumps(base))
    assert done.returncode == 2
    assert done.stderr.endswith(b"hosts[0].capacity: must be a non-negative integer, not 1.5\n")
