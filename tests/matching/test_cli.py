"""The command line is a contract other tools rely on: output shape and exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

INSTANCE = {
    "candidates": [
        {"id": "c1", "ranking": ["h2", "h1"]},
        {"id": "c2", "ranking": ["h1"]},
        {"id": "c3", "ranking": [["h1", "h2"]]},
        {"id": "c4", "ranking": ["h3"]},
    ],
    "hosts": [
        {
            "id": "h1",
            "capacity": 2,
            "region": "kyushu",
            "prefecture": "41",
            "target": 1,
            "ranking": ["c1", ["c2", "c3"]],
        },
        {"id": "h2", "capacity": 1, "region": "kyushu", "prefecture": "40", "ranking": ["c3"]},
        {"id": "h3", "capacity": 1, "ranking": ["c4"]},
    ],
    "caps": {"region": {"kyushu": 2}, "prefecture": {"41": 2}, "national": 100},
    "seed": 7,
}


def run(tmp_path: Path, data: object, *args: str, raw: str | None = None):
    path = tmp_path / "instance.json"
    path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "ciodispatch.matching", "solve", str(path), *args],
        capture_output=True,
        text=True,
    )


def test_output_contract(tmp_path):
    done = run(tmp_path, INSTANCE)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) >= {"assignment", "hosts", "explanations", "checks", "seed"}
    assert set(out["assignment"]) == {"c1", "c2", "c3", "c4"}
    assert out["assignment"]["c4"] == "h3"
    assert out["seed"] == 7
    assert set(out["hosts"]) == {"h1", "h2", "h3"}
    for host in out["hosts"].values():
        assert set(host) == {"matched", "cutoff_rank", "binding_cap"}
    assert out["checks"]["stable"] is True
    assert out["checks"]["blocking_pairs"] == []
    assert out["checks"]["caps_respected"] is True
    # Kyushu is capped at 2: one of c1, c2, c3 is left out by the region cap or a full host.
    matched_in_kyushu = [c for c, h in out["assignment"].items() if h in ("h1", "h2")]
    assert len(matched_in_kyushu) == 2
    reasons = {r["reason"] for rs in out["explanations"].values() for r in rs}
    assert reasons <= {"filled", "lost_lottery", "cap", "not_acceptable", "no_seats"}
    assert out["hosts"]["h1"]["binding_cap"] == {"level": "region", "area": "kyushu"}
    assert {"host": "h1", "reason": "cap", "level": "region", "area": "kyushu"} in [
        r for rs in out["explanations"].values() for r in rs
    ]


def test_same_seed_same_output(tmp_path):
    first = run(tmp_path, INSTANCE).stdout
    assert first == run(tmp_path, INSTANCE).stdout


def test_host_proposing(tmp_path):
    data = {k: v for k, v in INSTANCE.items() if k != "caps"}
    done = run(tmp_path, data, "--proposing", "hosts")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["proposing"] == "hosts"
    assert out["checks"]["stable"] is True


def broken(**changes):
    data = json.loads(json.dumps(INSTANCE))
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("data", "raw", "expected"),
    [
        (
            broken(hosts__0__ranking=["c1", "c99"]),
            None,
            'hosts[0].ranking[1]: unknown candidate "c99"',
        ),
        (
            broken(hosts__0__ranking=["c1", ["c2", "c99"]]),
            None,
            'hosts[0].ranking[1][1]: unknown candidate "c99"',
        ),
        (
            broken(candidates__1__ranking=["h9"]),
            None,
            'candidates[1].ranking[0]: unknown host "h9"',
        ),
        (broken(candidates__1__id="c1"), None, 'candidates[1].id: duplicate candidate "c1"'),
        (broken(hosts__2__id="h1"), None, 'hosts[2].id: duplicate host "h1"'),
        (
            broken(candidates__0__ranking=["h2", "h1", "h2"]),
            None,
            'candidates[0].ranking[2]: host "h2" ranked twice',
        ),
        (
            broken(hosts__0__ranking=["c1", ["c2", "c1"]]),
            None,
            'hosts[0].ranking[1][1]: candidate "c1" ranked twice',
        ),
        (broken(hosts__1__capacity=-1), None, "hosts[1].capacity: must be a non-negative integer"),
        (broken(caps__national=-3), None, "caps.national: must be a non-negative integer"),
        (broken(caps__national=2.5), None, "caps.national: must be a non-negative integer"),
        (
            broken(caps__region={"kyushu": "3"}),
            None,
            "caps.region.kyushu: must be a non-negative integer",
        ),
        (
            broken(caps__prefecture={"41": True}),
            None,
            "caps.prefecture.41: must be a non-negative integer",
        ),
        (broken(hosts__0__target=3), None, "hosts[0].target: 3 is above the capacity 2"),
        (None, '{"candidates": [', "not valid JSON"),
        (None, "[]", "must be an object"),
    ],
)
def test_malformed_input_exits_2_with_one_line(tmp_path, data, raw, expected):
    done = run(tmp_path, data, raw=raw)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert expected in lines[0]


def test_missing_file_exits_2(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "ciodispatch.matching", "solve", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
