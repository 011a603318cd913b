import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Case:
    name: str
    seconds: float


def best_of(
    func: Callable[[], object], *, repeat: int = 5, setup: Callable[[], object] | None = None
) -> float:
    """Best wall time of ``repeat`` runs of ``func`` (``setup`` runs untimed before each)."""
    best = float("inf")
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def table(title: str, baseline: Case, cases: list[Case]) -> str:
    lines = [
        f"### {title}",
        "",
        "| case | time (ms) | ratio to baseline |",
        "| --- | ---: | ---: |",
        f"| {baseline.name} (baseline) | {baseline.seconds * 1000:.1f} | 1.00 |",
    ]
    for case in cases:
        ratio = case.seconds / baseline.seconds
        lines.append(f"| {case.name} | {case.seconds * 1000:.1f} | {ratio:.2f} |")
    return "\n".join(lines) + "\n"
