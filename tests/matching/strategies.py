"""Hypothesis strategies for small matching instances, as the JSON the CLI reads."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

REGIONS = {"p1": "r1", "p2": "r1", "p3": "r2"}


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_candidates: int = 7,
    max_hosts: int = 4,
    ties: bool = False,
    caps: bool = False,
    max_capacity: int = 3,
) -> dict[str, Any]:
    """A random instance: lists are random subsets in random order, possibly with ties."""
    n_cand = draw(st.integers(1, max_candidates))
    n_host = draw(st.integers(1, max_hosts))
    cids = [f"c{k}" for k in range(n_cand)]
    hids = [f"h{k}" for k in range(n_host)]

    def ranking(ids: list[str]) -> list[Any]:
        chosen = draw(st.permutations(ids))
        chosen = chosen[: draw(st.integers(0, len(ids)))]
        if not ties or not chosen:
            return list(chosen)
        out: list[Any] = []
        for ident in chosen:
            if out and draw(st.booleans()):
                last = out[-1]
                out[-1] = (last if isinstance(last, list) else [last]) + [ident]
            else:
                out.append(ident)
        return out

    hosts = []
    for h in hids:
        host: dict[str, Any] = {
            "id": h,
            "capacity": draw(st.integers(0, max_capacity)),
            "ranking": ranking(cids),
        }
        if caps:
            pref = draw(st.sampled_from(sorted(REGIONS)))
            host["prefecture"] = pref
            host["region"] = REGIONS[pref]
        hosts.append(host)
    data: dict[str, Any] = {
        "candidates": [{"id": c, "ranking": ranking(hids)} for c in cids],
        "hosts": hosts,
        "seed": draw(st.integers(0, 2**16)),
    }
    if caps:
        # Nested caps that bind often: several hosts share a prefecture and a region.
        small = st.integers(0, 4)
        skip = st.integers(0, 3).map(lambda k: k == 0)  # leave a cap out now and then
        cap_spec: dict[str, Any] = {}
        if not draw(skip):
            cap_spec["prefecture"] = {p: draw(small) for p in REGIONS if not draw(skip)}
        if not draw(skip):
            cap_spec["region"] = {r: draw(small) for r in ("r1", "r2") if not draw(skip)}
        if not draw(skip):
            cap_spec["national"] = draw(st.integers(0, 8))
        data["caps"] = cap_spec
    return data
