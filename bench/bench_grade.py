"""Benchmark of ``derive grade``: answers per second on 2 workers over a mixed set of answers
generated from the course bank (right, rewritten, known wrong, unreadable), and a one-by-one
comparison of its verdicts with ``derive.checker.check``'s. Not a test: run ``python bench/bench_grade.py``.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from derive.grade import load_bank

TARGET = 50.0  # answers per second


def variants(expected: str, accepted: tuple[str, ...], wrong: list[str]) -> list[str]:
    """Answers for one question: right as written, spaced out, accepted forms, wrong, unreadable."""
    spaced = expected.replace("+", " + ").replace("^", " ^ ").replace("}", "} ")
    return [expected, spaced, *accepted, *wrong, expected + "{", "9^{9^{9^9}}"]


def answer_rows(repeat: int) -> list[dict[str, str]]:
    bank = load_bank()
    rows = []
    for r in range(repeat):
        for q in bank.questions.values():
            for answer in variants(q.expected, q.accepted, [f.answer for f in q.feedback]):
                rows.append({"student": f"s{r}-{len(rows)}", "question": q.id, "answer": answer})
    return rows


def main() -> None:
    rows = answer_rows(repeat=3)
    bank = load_bank()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "answers.csv", Path(tmp) / "results.jsonl"
        with src.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, ["student", "question", "answer"])
            writer.writeheader()
            writer.writerows(rows)
        started = time.monotonic()
        subprocess.run(
            ["derive", "grade", str(src), "-o", str(out), "--workers", "2"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        wall = time.monotonic() - started
        results = {r["row"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert sorted(results) == list(range(1, len(rows) + 1)), "a row is missing or repeated"
    rate = len(rows) / wall
    verdicts: dict[str, int] = {}
    for r in results.values():
        verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
    print(
        f"derive grade, 2 workers: {len(rows)} answers in {wall:.2f} s (whole command, "
        f"worker start-up included) = {rate:.0f} answers/s; target {TARGET:.0f}/s: "
        f"ratio {rate / TARGET:.1f}x {'OK' if rate >= TARGET else 'BELOW TARGET'}"
    )
    print("verdicts:", ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    worker_time = sum(r["time"] for r in results.values())
    print(
        f"time inside the sandbox: {worker_time:.2f} s in total, "
        f"max {max(r['time'] for r in results.values()) * 1000:.0f} ms for one answer"
    )

    from derive.checker import check

    started = time.monotonic()
    same = rescued = 0
    differ = []
    for i, row in enumerate(rows, 1):
        q = bank.questions[row["question"]]
        direct = check(q.expected, row["answer"], assume=q.assume).verdict
        graded = results[i]
        if graded["verdict"] == direct:
            same += 1
        elif graded["method"].startswith("accepted form"):
            rescued += 1
        else:
            differ.append((i, row["answer"], direct, graded["verdict"], graded["reason"]))
    serial = time.monotonic() - started
    print(
        f"derive.checker.check one by one in this process: {len(rows)} answers in {serial:.2f} s "
        f"= {len(rows) / serial:.0f} answers/s (grade/serial ratio {rate / (len(rows) / serial):.2f})"
    )
    print(
        f"verdicts equal to check's: {same} of {len(rows)}; equivalent through an accepted form "
        f"only: {rescued}; different: {len(differ)}"
    )
    for d in differ[:10]:
        print("  differs:", d)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
