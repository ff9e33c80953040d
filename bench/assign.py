"""Time the conflict-aware automatic assignment (issue 4: 2,000 proposals × 60 reviewers < 2 s).

    .venv/bin/python bench/assign.py        # prints the median of 5 runs

`bench/ranking.py` imports build_assignment_input() and time_assign() to report assign_ms.
The timing covers the pure algorithm (grants.services.assignment.assign) on plain ids, which is
what grants.services.panel.auto_assign runs between its few loading queries and one bulk insert.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.services.assignment import assign  # noqa: E402


def build_assignment_input(n_proposals: int = 2000, n_reviewers: int = 60, conflict_rate: float = 0.02,
                           seed: int = 1, k: int = 5) -> dict:
    """Plain-id input for assign(): each (proposal, reviewer) pair conflicts with probability
    `conflict_rate`."""
    rng = random.Random(seed)
    proposals = list(range(1, n_proposals + 1))
    reviewers = list(range(1, n_reviewers + 1))
    conflicts = {(p, r) for p in proposals for r in reviewers if rng.random() < conflict_rate}
    return {"proposals": proposals, "reviewers": reviewers, "k": k, "conflicts": conflicts, "seed": seed}


def time_assign(runs: int = 5, **kwargs) -> list[float]:
    """Milliseconds per run of assign() on build_assignment_input(**kwargs)."""
    data = build_assignment_input(**kwargs)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        result = assign(data["proposals"], data["reviewers"], data["k"], data["conflicts"], seed=data["seed"])
        out.append((time.perf_counter() - start) * 1000)
        assert not result.shortfalls
    return out


def main() -> None:
    timings = time_assign(runs=5)
    data = build_assignment_input()
    result = assign(data["proposals"], data["reviewers"], data["k"], data["conflicts"], seed=data["seed"])
    loads = result.loads.values()
    print(f"proposals=2000 reviewers=60 k={data['k']} conflicts={len(data['conflicts'])} "
          f"pairs={len(result.pairs)} load_min={min(loads)} load_max={max(loads)}")
    print(f"assign_ms={statistics.median(timings):.1f}")


if __name__ == "__main__":
    main()
