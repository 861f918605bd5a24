"""Issue 9: the symbolic decider of ``derive check`` is a kernel-checked derivation, which an
equivalent verdict by it carries; ``derive prove`` groups consecutive steps by one rule unless
``--full``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from derive.checker import check
from derive.grade import grade_job, result_columns
from derive.prove import ProveResult, derivation_lines
from tests.test_prove_identities import recheck

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "eval" / "sample-cases.jsonl"
EQUIVALENT = [
    ("(AB)^T", "B^TA^T", ""),
    ("A^2 + AB + BA + B^2", "(A+B)^2", "A, B n x n"),
    ("(ABC)^T", "C^TB^TA^T", ""),
]


def assert_rechecked(result, assume: str) -> None:
    """The derivation runs from the answer to the expected answer, and the kernel accepts it
    again from its printed LaTeX."""
    steps = [(s["expr"], s["by"]) for s in result.derivation]
    assert steps[0] == (result.answer, None) and steps[-1][0] == result.expected
    again = recheck(f"{result.answer} = {result.expected}", assume, steps)
    assert again.ok and again.complete, again.errors


@pytest.mark.parametrize(("expected", "answer", "assume"), EQUIVALENT)
def test_an_equivalent_check_by_derivation_carries_the_kernel_checked_chain(
    expected, answer, assume
):
    result = check(expected, answer, assume)
    assert (result.verdict, result.method) == ("equivalent", "derivation")
    assert result.derivation
    assert_rechecked(result, assume)
    assert result.to_dict()["derivation"] == result.derivation
    assert "why:" in result.to_text()


@pytest.mark.parametrize(
    ("expected", "answer", "assume"),
    [("(AB)^T", "A^TB^T", ""), ("A^{-1}", "A^{-1", ""), ("x", "y +", "")],
)
def test_a_wrong_or_invalid_answer_has_no_derivation(expected, answer, assume):
    result = check(expected, answer, assume)
    assert result.verdict in ("not-equivalent", "invalid")
    assert result.derivation is None and "derivation" not in result.to_dict()
    assert "why:" not in result.to_text()


def test_without_a_derivation_the_verdict_rests_on_trials_and_says_so():
    for kwargs in ({"derivation": False}, {"derivation_budget": 0.0}):
        result = check("(AB)^T", "B^TA^T", **kwargs)
        assert (result.verdict, result.method) == ("equivalent", "random trials")
        assert result.derivation is None and "random instances" in result.reason


def test_an_answer_identical_to_the_expected_one_needs_no_step():
    result = check("A^TB", "$A^T B$")
    assert (result.verdict, result.method, result.derivation) == ("equivalent", "derivation", None)
    assert result.reason == "the two sides are the same expression"


def test_a_derivation_is_for_the_claim_compared_or_none():
    """The claim is read again from its printed sides; read as anything else, no derivation."""
    from derive.expr import Sym
    from derive.prove import derivation

    assert derivation("B^{T}A^{T}", "(AB)^{T}") is not None
    assert derivation("B^{T}A^{T}", "(AB)^{T}", same_as=(Sym("B"), Sym("A"))) is None


@pytest.mark.skipif(not SAMPLE.is_file(), reason="the shared sample cases are not here")
def test_derivations_never_change_a_verdict_and_are_each_checked_again():
    cases = [json.loads(line) for line in SAMPLE.read_text().splitlines() if line.strip()]
    found = 0
    for c in cases:
        args = (c["expected"], c["answer"], c.get("assume", ""))
        plain, with_ = check(*args, derivation=False), check(*args)
        assert plain.verdict == with_.verdict or (
            (plain.verdict, with_.method) == ("unknown", "derivation")
        ), c["id"]
        if (with_.verdict, with_.method) == ("equivalent", "derivation"):
            assert with_.derivation is not None or with_.expected == with_.answer, c["id"]
        if with_.derivation:
            assert (with_.verdict, with_.method) == ("equivalent", "derivation")
            assert_rechecked(with_, c.get("assume", ""))
            found += 1
    assert found >= 5


def test_consecutive_steps_by_one_rule_are_one_line_unless_full():
    lines = derivation_lines(["a", "b", "c", "d", "e", "f"], [None, "r", "r", "s", "t", "t"])
    assert lines == [
        "      a",
        "    = c",
        "        ✓ by r, twice",
        "    = d",
        "        ✓ by s",
        "    = f",
        "        ✓ by t, twice",
    ]
    three = derivation_lines(["a", "b", "c", "d"], [None, "r", "r", "r"])
    assert three[-1].endswith("by r, three times") and len(three) == 3
    full = derivation_lines(["a", "b", "c"], [None, "r", "r"], full=True)
    assert full == ["      a", "    = b", "        ✓ by r", "    = c", "        ✓ by r"]
    result = ProveResult("proved", "a = c", [("a", None), ("b", "r"), ("c", "r")])
    assert "by r, twice" in result.to_text() and "by r, twice" not in result.to_text(full=True)
    assert len(result.to_dict()["derivation"]) == 3  # the JSON has every step


def test_prove_full_shows_every_step():
    claim, assume = "(A + B)^2 = A^2 + AB + BA + B^2", "A, B n x n"

    def run(*extra):
        cmd = [sys.executable, "-m", "derive", "prove", claim, "-a", assume, *extra]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout

    short, full = run(), run("--full")
    assert "by distribute, three times" in short
    assert full.count("✓ by distribute\n") == 3 and "times" not in full


def test_grade_adds_derivations_only_on_request():
    task = {"expected": "(AB)^T", "answer": "B^TA^T", "assume": ""}
    assert grade_job(task).get("derivation") is None
    graded = grade_job({**task, "derivations": True})
    assert graded["verdict"] == "equivalent" and graded["derivation"]
    assert graded["derivation"][0] == {"expr": "B^{T}A^{T}", "by": None}
    assert "derivation" not in result_columns([])
    assert result_columns([], derivations=True)[-1] == "derivation"


@pytest.mark.parametrize(
    ("expected", "answer", "assume", "rule"),
    [
        ("AB", "BA", "A symmetric; A, B commute", "A, B commute"),  # a hypothesis as a move
        ("(A+B)^2", "A^2+2AB+B^2", "A, B commute", "A, B commute"),
        ("U^TU", "I", "U unitary; U real", "unitary-definition"),  # U^T read as U^H
        ("B^H", "B^T", "", "conj-transpose-real"),
    ],
)
def test_hypotheses_and_real_adjoints_give_derivations(expected, answer, assume, rule):
    result = check(expected, answer, assume)
    assert (result.verdict, result.method) == ("equivalent", "derivation")
    assert rule in [s["by"] for s in result.derivation]
    assert_rechecked(result, assume)


def test_a_claim_read_back_up_to_arithmetic_is_the_claim_compared():
    """0.5A is printed, and read back, as \\frac{1}{2}A: the same up to the kernel's arithmetic,
    in the same environment, so the verdict is by derivation (with no step to show)."""
    result = check("\\frac{1}{2}A", "0.5A")
    assert (result.verdict, result.method, result.derivation) == ("equivalent", "derivation", None)
    assert "up to arithmetic" in result.reason
