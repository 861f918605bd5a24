"""Benchmark of a whole class (issue 12): ``derive grade`` on 2 workers, warm ``check`` times,
matrix functions, the hint budget and the cold start, over a class mix of 500+ answers.

    python3 bench/bench_class.py            # from the repository root (uses this checkout)

The mix: every question of the course bank answered right, right but spaced out, in an accepted
form, with each known wrong answer (feedback matching), wrong in an unmatched way (a hint) and
unreadable (invalid); rows with their own expected answer and assumptions for matrix functions
(e^Ae^B against e^{A+B}, det(e^A) against e^{tr A}, (e^{iH})^H e^{iH} against I, e^{PAP^{-1}}
against Pe^AP^{-1}, ...) and for slow hints (A^2 = I with A unitary and symmetric). Not a test:
every figure is from this one run, printed with its target.
"""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from derive.grade import load_bank  # noqa: E402

MATRIX_FUNCTIONS = [  # (expected, answer, assume)
    ("e^Ae^B", "e^{A+B}", ""),
    ("e^{A+B}", "e^Ae^B", "A, B commute"),
    (r"\det(e^A)", r"e^{\operatorname{tr}(A)}", ""),
    ("(e^{iH})^He^{iH}", "I", "H hermitian"),
    ("e^{PAP^{-1}}", "Pe^AP^{-1}", "P invertible"),
    ("e^{PAP^{-1}}", "e^A", "P invertible"),
    (r"\sin(A)^2+\cos(A)^2", "I", ""),
    ("(e^A)^{-1}", "e^{-A}", ""),
    ("(e^A)^T", "e^{A^T}", ""),
    ("e^{2A}", "e^Ae^A", ""),
]
HINTS = [
    ("A^2", "I", "A unitary; A symmetric"),
    ("U^{-1}", "U^T", "U unitary"),
    ("(A+B)^2", "A^2+2AB+B^2", ""),
    ("(AB)^{-1}", "A^{-1}B^{-1}", "A, B invertible"),
    ("(AB)^T", "A^TB^T", ""),
]


def class_rows(students: int = 5) -> list[dict[str, str]]:
    bank = load_bank()
    rows: list[dict[str, str]] = []
    for s in range(students):
        for q in bank.questions.values():
            spaced = q.expected.replace("+", " + ").replace("^", " ^ ").replace("}", "} ")
            answers = [q.expected, spaced, *q.accepted, *(f.answer for f in q.feedback)]
            answers += [f"2({q.expected})", q.expected + "{"]  # unmatched wrong; unreadable
            for a in answers:
                rows.append({"student": f"s{s}", "question": q.id, "answer": a})
        for expected, answer, assume in MATRIX_FUNCTIONS + HINTS:
            rows.append(
                {"student": f"s{s}", "expected": expected, "answer": answer, "assume": assume}
            )
    return rows


def distinct(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The same mix with every answer's text made distinct: student s's answers end in s spaces
    (read alike, graded alike), so that ``derive grade`` runs no task twice."""
    out = []
    for row in rows:
        s = int(row["student"][1:])
        out.append({**row, "answer": row["answer"] + " " * s})
    return out


def grade(rows: list[dict[str, str]]) -> tuple[float, dict[str, int], float]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "answers.csv", Path(tmp) / "results.jsonl"
        with src.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, ["student", "question", "expected", "answer", "assume"])
            writer.writeheader()
            writer.writerows(rows)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "derive", "grade", str(src), "-o", str(out), "--workers", "2"],
            check=True,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        wall = time.monotonic() - started
        results = [json.loads(line) for line in out.read_text().splitlines()]
    verdicts: dict[str, int] = {}
    for r in results:
        verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
    return wall, verdicts, max(r["time"] for r in results)


def warm_checks(rows: list[dict[str, str]]) -> list[tuple[float, tuple[str, str, str]]]:
    from derive.checker import check

    bank = load_bank()
    check("A", "A")  # imports, not timed
    out = []
    for row in rows:
        if "question" in row:
            q = bank.questions[row["question"]]
            case = (q.expected, row["answer"], q.assume)
        else:
            case = (row["expected"], row["answer"], row["assume"])
        start = time.perf_counter()
        check(*case)
        out.append((time.perf_counter() - start, case))
    return out


def cold(command: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pct(sorted_times: list[float], q: float) -> float:
    return sorted_times[min(len(sorted_times) - 1, int(q * len(sorted_times)))] * 1000


def main() -> int:
    rows = class_rows()
    kinds = sum(1 for r in rows if "question" in r), len(MATRIX_FUNCTIONS), len(HINTS)
    print(
        f"class mix: {len(rows)} answers ({kinds[0]} on the bank's {len(load_bank().questions)} "
        f"questions: right, spaced, accepted forms, known wrong, unmatched wrong, unreadable; "
        f"{kinds[1]} matrix-function and {kinds[2]} hint pairs per student)"
    )
    wall, verdicts, slowest = grade(rows)
    rate = len(rows) / wall
    print(
        f"derive grade, 2 workers: {len(rows)} answers in {wall:.2f} s (whole command) = "
        f"{rate:.0f} answers/s; target ≥ 200: ratio {rate / 200:.2f}"
    )
    print(
        "  verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())),
        f"; slowest answer {slowest * 1000:.0f} ms",
    )
    unique = len(
        {(r.get("question"), r.get("expected"), r["answer"], r.get("assume")) for r in rows}
    )
    wall, verdicts, slowest = grade(distinct(rows))
    rate = len(rows) / wall
    print(
        f"  the mix has {unique} distinct answers (identical ones are graded once); the same mix "
        f"with no two answers alike: {len(rows)} in {wall:.2f} s = {rate:.0f} answers/s "
        f"(ratio {rate / 200:.2f}); verdicts: "
        + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
    )

    timed = warm_checks(rows)
    times = sorted(t for t, _ in timed)
    print(
        f"warm check over {len(times)} checks: p50 {pct(times, 0.5):.1f} ms, "
        f"p99 {pct(times, 0.99):.1f} ms (target ≤ 250), max {times[-1] * 1000:.0f} ms"
    )
    print("matrix functions, median of 5 warm checks each (target ≤ 100 ms):")
    from derive.checker import check

    for case in MATRIX_FUNCTIONS:
        each = []
        for _ in range(5):
            start = time.perf_counter()
            verdict = check(*case).verdict
            each.append(time.perf_counter() - start)
        print(f"  {statistics.median(each) * 1000:6.1f} ms  {verdict:<15} {case[0]} vs {case[1]}")
    for hints in (False, True):
        start = time.perf_counter()
        r = check("A^2", "I", "A unitary; A symmetric", hints=hints)
        took = time.perf_counter() - start
        print(
            f"A^2 = I (A unitary, symmetric), hints={hints}: {r.verdict} in {took * 1000:.0f} ms "
            f"(target ≤ 1000); hint: {r.hint}"
        )

    py = [sys.executable]
    bare = cold([*py, "-c", "pass"])
    helped = cold([*py, "-m", "derive", "--help"])
    listed = cold([*py, "-m", "derive", "list"])
    shown = cold([*py, "-m", "derive", "show", "transpose-inverse"])
    sympy = cold([*py, "-c", "import sympy"])
    checked = cold([*py, "-m", "derive", "check", "(AB)^T", "B^TA^T", "--json"])
    print(
        f"cold: python -c pass {bare * 1000:.0f} ms; derive --help {helped * 1000:.0f} ms, "
        f"ratio {helped / bare:.2f} (target ≤ 2)"
    )
    print(
        f"cold: derive list {listed * 1000:.0f} ms, derive show {shown * 1000:.0f} ms "
        f"(ratios to python -c pass {listed / bare:.1f}, {shown / bare:.1f})"
    )
    print(
        f"cold: derive check {checked * 1000:.0f} ms, import sympy {sympy * 1000:.0f} ms, "
        f"ratio {checked / sympy:.2f} (target ≤ 1.3)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
