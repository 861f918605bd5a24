"""Benchmark of `derive prove` (issue 9): warm time per claim and the share proved.

    python3 bench/bench_prove.py [CASES.jsonl] [--rounds N]

Runs ``derive.prove.prove`` in one warm process (no sandbox worker) on the mix of true and false
identities of tests/data/prove_identities.jsonl. Target: median ≤ 200 ms warm. Prints what it
measured in this one run: median and p90 per claim, the share of true identities proved (and of
the rows marked ``normal_form``, those the separate normal form of earlier versions decided), and the false ones proved or checked (must be 0).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT / "tests" / "data" / "prove_identities.jsonl"


def main(argv: list[str]) -> int:
    from derive.prove import prove

    rounds = 2
    if "--rounds" in argv:
        i = argv.index("--rounds")
        rounds = int(argv[i + 1])
        del argv[i : i + 2]
    path = Path(argv[0]) if argv else DEFAULT
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    prove("(AB)^T = B^TA^T", "A, B n x n")  # imports and caches, not timed
    times: list[float] = []
    results = {}
    for _ in range(rounds):
        for r in rows:
            start = time.perf_counter()
            results[r["claim"], r["assume"]] = prove(r["claim"], r["assume"])
            times.append(time.perf_counter() - start)
    true = [results[r["claim"], r["assume"]] for r in rows if r["true"]]
    false = [results[r["claim"], r["assume"]] for r in rows if not r["true"]]
    proved = sum(s.status == "proved" for s in true)
    nf = [results[r["claim"], r["assume"]] for r in rows if r["true"] and r.get("normal_form")]
    nf_proved = sum(s.status == "proved" for s in nf)
    bad = sum(s.status in ("proved", "checked") for s in false)
    times.sort()
    p90 = times[int(0.9 * (len(times) - 1))]
    print(f"claims: {len(true)} true, {len(false)} false; {rounds} rounds warm")
    print(
        f"median {statistics.median(times) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
        f"max {times[-1] * 1000:.0f} ms per claim (target: median ≤ 200 ms)"
    )
    print(f"true: {dict(Counter(s.status for s in true))}")
    print(
        f"proved: {proved}/{len(true)} = {proved / len(true):.1%} of the true identities; "
        f"{nf_proved}/{len(nf)} = {nf_proved / max(1, len(nf)):.1%} of those the old "
        "normal form decided"
    )
    print(f"false identities proved or checked: {bad} of {len(false)} (must be 0)")
    for r in rows:
        s = results[r["claim"], r["assume"]]
        if r["true"] and s.status != "proved":
            print(f"  not proved ({s.status}, {s.method}): {r['claim']}  [{r['assume']}]")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
