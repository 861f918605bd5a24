"""Benchmark of `derive check` (issue 2): warm per-check times and the cold start, as ratios.

    python3 bench/bench_check.py [CASES.jsonl]

Targets: median ≤ 15 ms and p99 ≤ 250 ms per check in one warm process; a cold `derive check`
process ≤ 1.5× `python -c "import sympy"`. Prints what it measured in this one run.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's code, not an installed copy
DEFAULT = ROOT.parent / "shared" / "eval" / "sample-cases.jsonl"


def warm(cases: list[dict], rounds: int = 3) -> list[float]:
    from derive.checker import check

    check("A", "A")  # imports and caches, not timed
    times = []
    for _ in range(rounds):
        for c in cases:
            start = time.perf_counter()
            check(c["expected"], c["answer"], c.get("assume", ""))
            times.append(time.perf_counter() - start)
    return times


def cold(command: list[str], runs: int = 5) -> float:
    best = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
        best.append(time.perf_counter() - start)
    return statistics.median(best)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    times = sorted(warm(cases))
    median = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))] * 1000
    sympy_import = cold([sys.executable, "-c", "import sympy"])
    derive_cold = cold([sys.executable, "-m", "derive", "check", "(AB)^T", "B^TA^T", "--json"])
    ratio = derive_cold / sympy_import
    print(
        f"warm check over {len(times)} checks: median {median:.1f} ms (target ≤ 15), "
        f"p99 {p99:.1f} ms (target ≤ 250)"
    )
    print(
        f"cold: derive check {derive_cold * 1000:.0f} ms, import sympy {sympy_import * 1000:.0f} ms,"
        f" ratio {ratio:.2f} (target ≤ 1.5)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
