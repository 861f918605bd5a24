"""Behaviour behind the speed work (issue 12): the hint budget, matrix functions computed by
``derive.matfun``, the generators of unitary and orthogonal instances, and a start-up that does
not import SymPy. No timings here (those are in bench/bench_class.py)."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import mpmath
import pytest

from derive import checker
from derive.checker import check
from derive.randomized import OutOfTime, budget, tick

ROOT = Path(__file__).resolve().parent.parent
EQ, NE = "equivalent", "not-equivalent"


def test_the_verdict_is_returned_when_the_hint_search_outlives_its_budget(monkeypatch):
    def endless(*args):
        while True:
            tick()

    monkeypatch.setattr(checker, "_hint", endless)
    start = time.monotonic()
    result = check("(AB)^T", "A^TB^T", hint_budget=0.05)
    assert result.verdict == NE and result.counterexample and result.hint is None
    assert time.monotonic() - start < 30  # the search was stopped, not waited for


def test_a_budget_stops_only_the_work_inside_it():
    with pytest.raises(OutOfTime), budget(0.0):
        time.sleep(0.001)
        tick()
    tick()  # outside: no deadline


def test_a_squared_is_not_the_identity_for_a_unitary_symmetric_matrix():
    for hints in (False, True):
        result = check("A^2", "I", "A unitary; A symmetric", hints=hints)
        assert result.verdict == NE


def test_the_hint_for_a_unitary_symmetric_matrix_names_orthogonal():
    result = check("A^2", "I", "A unitary; A symmetric", hint_budget=None)
    assert result.verdict == NE and "orthogonal" in (result.hint or "")


def test_unitary_and_orthogonal_instances_are_real():
    assert check("U^T", "U^H", "U unitary; U orthogonal", hints=False).verdict == EQ
    assert check("U^2", "I", "U unitary; U orthogonal; U symmetric", hints=False).verdict == EQ
    assert check("U^2", "I", "U unitary; U orthogonal", hints=False).verdict == NE


@pytest.mark.parametrize(
    "expected, answer, assume, want",
    [
        ("e^Ae^B", "e^{A+B}", "", NE),
        ("e^{A+B}", "e^Ae^B", "A, B commute", EQ),
        (r"\det(e^A)", r"e^{\operatorname{tr}(A)}", "", EQ),
        ("(e^{iH})^He^{iH}", "I", "H hermitian", EQ),
        ("e^{PAP^{-1}}", "Pe^AP^{-1}", "P invertible", EQ),
        ("e^{PAP^{-1}}", "e^A", "P invertible", NE),
        (r"\sin(A)^2+\cos(A)^2", "I", "", EQ),
        (r"\sin(2A)", r"2\sin(A)\cos(A)", "", EQ),
        (r"\cos(A+B)", r"\cos(A)\cos(B)-\sin(A)\sin(B)", "", NE),
    ],
)
def test_matrix_function_identities(expected, answer, assume, want):
    assert check(expected, answer, assume, hints=False).verdict == want


def test_matfun_agrees_with_mpmath():
    from derive.matfun import expm, funm

    rng = random.Random(7)
    with mpmath.workdps(50):
        for n in (1, 2, 3, 5):
            for complex_ in (False, True):
                for scale in (1, 30):

                    def entry(scale=scale, complex_=complex_):
                        x = mpmath.mpf(rng.randint(-100 * scale, 100 * scale)) / 100
                        return (
                            mpmath.mpc(x, mpmath.mpf(rng.randint(-100, 100)) / 37)
                            if complex_
                            else x
                        )

                    a = mpmath.matrix([[entry() for _ in range(n)] for _ in range(n)])
                    for name, ref in (
                        ("exp", mpmath.expm),
                        ("sin", mpmath.sinm),
                        ("cos", mpmath.cosm),
                    ):
                        mine = funm(name, a)
                        with mpmath.workdps(120):
                            want = ref(a)
                            err = mpmath.mnorm(mine - want, 1) / (mpmath.mnorm(want, 1) + 1)
                        assert err < mpmath.mpf(10) ** -45, (name, n, complex_, scale, err)
        nilpotent = mpmath.matrix([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
        assert expm(nilpotent) == mpmath.matrix([[1, 1, 0.5], [0, 1, 1], [0, 0, 1]])


def _imports(*argv: str) -> str:
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['derive', *{list(argv)!r}]\n"
        "try:\n    runpy.run_module('derive', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sympy', 'mpmath') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    return done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("argv", [("--help",), ("list",), ("show", "transpose-inverse")])
def test_help_list_and_show_do_not_import_sympy_or_mpmath(argv):
    assert _imports(*argv) == "[]"


# ---------------------------------------------------------------- second pass (branch speed2)


def test_rounding_noise_is_no_magnitude():
    from derive.randomized import noise_free_magnitude

    # I + noise: 1 stays, 10^-58 at 60 digits became 10^-119 at 120: noise; a zero is nothing
    assert noise_free_magnitude([0.0, -58.0, None], [0.0, -119.0, -120.0], 60) == 0.0
    # a genuine 10^-70 (e^{-161}) is the same at both precisions; 10^40 too
    assert noise_free_magnitude([-70.0, 40.0], [-70.3, 40.0], 60) == 70.3
    # a value that shrank by less than the step is kept (at its smaller size)
    assert noise_free_magnitude([-45.0], [-70.0], 60) == 70.0
    assert noise_free_magnitude([-45.0], [-45.0, 1.0], 60) is None  # not the same values


@pytest.mark.parametrize(
    "expected, answer, assume",
    [
        ("e^A", "e^A + e^{-200}I", ""),
        ("e^{iH}", "e^{iH} + e^{-120}H", "H hermitian"),
        ("(e^{iH})^He^{iH}", "I + e^{-100}H", "H hermitian"),
    ],
)
def test_a_tiny_difference_next_to_a_matrix_function_is_seen(expected, answer, assume):
    assert check(expected, answer, assume, hints=False).verdict == NE


def test_a_matrix_function_claim_true_for_small_sizes_only_is_not_equivalent():
    n = r"\operatorname{tr}(I)"
    five = "".join(f"({n}-{k})" for k in range(1, 6))  # zero for n = 1..5 only
    result = check(f"e^{{A}}{five}", "0", hints=False)
    assert result.verdict == NE and result.counterexample["sizes"]["n"] >= 6
    # e^{120A} at n = 6 is past every precision: no large instance decides, so no verdict
    for expected, answer in ((f"e^{{{five}A}}", "I"), (rf"\det(e^{{{five}A}})", "1")):
        result = check(expected, answer, hints=False)
        assert result.verdict == "unknown" and "none of size over 5" in result.reason


def test_a_matrix_function_check_agrees_on_one_large_size():
    result = check("e^{A+B}", "e^Ae^B", "A, B commute", hints=False)
    assert result.verdict == EQ
    sizes = [
        int(s) for s in result.reason.split("(sizes ")[1].rstrip(")").replace("n=", "").split(";")
    ]
    assert max(sizes) >= 6 and min(sizes) == 1


def test_grade_searches_a_hint_only_when_no_feedback_matches(monkeypatch):
    from derive.grade import grade_job

    calls = []

    def hint(*args):
        calls.append(args)
        return "a hint"

    monkeypatch.setattr(checker, "_hint", hint)
    task = {
        "expected": "(AB)^T",
        "assume": "",
        "answer": "A^TB^T",
        "accepted": [],
        "feedback": [{"answer": "A^TB^T", "message": "the order reverses"}],
    }
    graded = grade_job(task)
    assert graded["verdict"] == NE and graded["feedback"] == "the order reverses" and not calls
    graded = grade_job({**task, "feedback": []})
    # the generated feedback (the counterexample in words) ends with the hint
    assert graded["verdict"] == NE and "Hint: a hint" in graded["feedback"] and len(calls) == 1
    assert graded["counterexample"]


def test_a_parsed_input_is_remembered_and_errors_are_not():
    before = checker._parse.cache_info()
    assert check("(AB)^{-1}", "B^{-1}A^{-1}", "A, B invertible").verdict == EQ
    assert check("(AB)^{-1}", "A^{-1}B^{-1}", "A, B invertible", hints=False).verdict == NE
    assert checker._parse.cache_info().hits > before.hits
    for _ in range(2):
        assert check("(AB)^{-1}", "A^{-1").verdict == "invalid"


def _token_job(task: dict) -> dict:
    import uuid

    return {"verdict": "unknown", "token": uuid.uuid4().hex, "x": task["x"]}


def _noop():
    pass


def test_identical_tasks_run_once_in_a_pool_with_once():
    from derive.sandbox import CheckPool

    tasks = [(1, {"x": 1}), (2, {"x": 2}), (3, {"x": 1}), (4, {"x": 1})]
    for once in (True, False):
        with CheckPool(workers=2, timeout=30, job=_token_job, warm=_noop, once=once) as pool:
            got = dict(pool.imap_unordered(tasks))
        assert sorted(got) == [1, 2, 3, 4] and got[2]["x"] == 2
        same = {got[k]["token"] for k in (1, 3, 4)}
        assert len(same) == (1 if once else 3)
        assert got[1]["token"] != got[2]["token"]
