"""Attacks on the checker: random and mutated LaTeX (hypothesis) must only ever give a clean verdict,
and hostile inputs through the sandbox must end within their limits, with a reason, running nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.checker import check
from derive.errors import DeriveError
from derive.frontend import parse
from derive.sandbox import CheckPool, run_check

VERDICTS = {"equivalent", "not-equivalent", "unknown", "invalid"}
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

SEEDS = [
    "(AB)^{-1}",
    "B^{-1}A^{-1}",
    "A^TB^T",
    "\\det(A^{-1})",
    "\\frac{1}{\\det(A)}",
    "\\operatorname{tr}(ABC)",
    "\\mathbf{x}^TA\\mathbf{x} + \\mathbf{b}^T\\mathbf{x} + c",
    "\\|Q\\mathbf{x}\\|^2",
    "(A+B)^2",
    "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}",
    "e^{A}",
    "\\sqrt{2}\\,c",
    "|A|",
    "\\left( A + I \\right)^{-1}",
    "3!",
    "0.5A",
]
TOKENS = [
    "A",
    "B",
    "Q",
    "I",
    "0",
    "1",
    "2",
    "-1",
    "x",
    "c",
    "\\lambda",
    "^",
    "_",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "|",
    "+",
    "-",
    "\\cdot",
    "^T",
    "^{-1}",
    "\\det",
    "\\operatorname{tr}",
    "\\frac",
    "\\sqrt",
    "\\mathbf{x}",
    "\\begin{bmatrix}",
    "\\end{bmatrix}",
    "&",
    "\\\\",
    "!",
    "=",
    ",",
    "\\left(",
    "\\right)",
    " ",
    "\\|",
    "\\input",
    "\\def",
    "\\x",
    "\x00",
    "é",
    "9",
]

token_soup = st.lists(st.sampled_from(TOKENS), max_size=25).map("".join)


@st.composite
def mutated(draw) -> str:
    """A well-formed seed with a few characters inserted, deleted or replaced."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(TOKENS) | st.characters(max_codepoint=0x3000))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + piece + text[i + 1 :]
    return text


def _parses_or_says_why(text: str) -> None:
    try:
        parse(text)
    except DeriveError as exc:
        assert str(exc)


@SETTINGS
@given(st.text(max_size=60))
def test_parse_of_any_text_returns_or_raises_a_derive_error(text):
    _parses_or_says_why(text)


@SETTINGS
@given(token_soup | mutated())
def test_parse_of_token_soup_and_mutations_returns_or_raises_a_derive_error(text):
    _parses_or_says_why(text)


def _clean(result) -> None:
    assert result.verdict in VERDICTS
    if result.verdict == "invalid":
        assert result.error and result.error.get("reason")
    if result.verdict == "unknown":
        assert result.reason
    if result.verdict == "not-equivalent":
        assert result.counterexample or result.reason
    result.to_json()
    result.to_text()


@SETTINGS
@given(st.sampled_from(SEEDS), token_soup | mutated())
def test_check_of_mutated_answers_gives_only_a_clean_verdict(expected, answer):
    _clean(check(expected, answer))


@SETTINGS
@given(
    st.sampled_from(SEEDS),
    mutated(),
    st.sampled_from(
        [
            "",
            "A, B invertible",
            "A symmetric; x, b vector",
            "Q orthogonal",
            "c scalar; A n x n",
            "A nonsense",
            "; ;",
            "A, symmetric",
        ]
    ),
)
def test_check_with_assumptions_gives_only_a_clean_verdict(expected, answer, assume):
    _clean(check(answer, expected, assume=assume))


# --- hostile inputs through the sandbox -------------------------------------------------------

TIMEOUT = 5.0
MEMORY_MB = 512
PWNED = Path("/tmp/derive-pwned-by-test")
MATRIX_100 = (
    "\\begin{bmatrix}"
    + " \\\\ ".join(" & ".join(str(i * 100 + j) for j in range(100)) for i in range(100))
    + "\\end{bmatrix}"
)
MATRIX_21 = (
    "\\begin{bmatrix}"
    + " \\\\ ".join("&".join("1" for _ in range(21)) for _ in range(21))
    + "\\end{bmatrix}"
)  # short enough for the length cap: the entry cap must stop it
HOSTILE = {
    "deep nesting": "(" * 5000 + "A" + ")" * 5000,
    "deep braces": "{" * 300 + "A" + "}" * 300,
    "power tower": "9^{9^{9^9}}",
    "tower times matrix": "9^{9^{9^9}} A",
    "matrix power": "A^{999999999}",
    "factorial": "100000!",
    "nested factorial": "((20!)!)!",
    "100x100 matrix": MATRIX_100,
    "21x21 matrix": MATRIX_21,
    "input": "\\input{/etc/passwd}",
    "def loop": "\\def\\a{\\a}\\a",
    "NUL": "A\x00B",
    "control characters": "A\x1b[2J\x07B",
    "python code": "__import__('os').system('touch /tmp/derive-pwned-by-test')",
    "eval": "eval(\"__import__('os').system('touch /tmp/derive-pwned-by-test')\")",
    "long input": "A+" * 50000 + "A",
    "many symbols": "+".join(chr(c) for c in range(ord("A"), ord("Z") + 1)),
}
BIG_LITERALS = {  # within the length cap, read as the exact numbers they spell: a verdict, quickly
    "huge decimal": "0." + "9" * 1900,
    "huge number": "9" * 1999,
    "huge number times matrix": "9" * 1990 + "A",
}

SCALARS = {"power tower", "factorial", "nested factorial", "huge decimal", "huge number"}


@pytest.mark.parametrize("name", sorted(BIG_LITERALS))
def test_big_literals_get_a_verdict_within_the_limit(pool, name):
    other = "A" if "matrix" in name else "1"
    for task in (
        {"expected": other, "answer": BIG_LITERALS[name]},
        {"expected": BIG_LITERALS[name], "answer": BIG_LITERALS[name]},
    ):
        result = pool.run(task)
        assert result["verdict"] in VERDICTS and result["time"] < TIMEOUT
        assert result["verdict"] != "unknown" or "time limit" not in result["reason"]


def _reason(result: dict) -> str:
    return result.get("reason") or (result.get("error") or {}).get("reason") or ""


@pytest.fixture(scope="module")
def pool():
    with CheckPool(workers=2, timeout=TIMEOUT, memory_mb=MEMORY_MB) as p:
        yield p


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("side", ["answer", "expected"])
def test_hostile_input_ends_in_time_with_invalid_or_unknown_and_a_reason(pool, name, side):
    PWNED.unlink(missing_ok=True)
    text = HOSTILE[name]
    other = "1" if name in SCALARS else "A"  # the same shape, so that a shape check cannot end it
    task = {"expected": other, "answer": text, "assume": ""}
    if side == "expected":
        task = {"expected": text, "answer": other, "assume": ""}
    started = time.monotonic()
    result = pool.run(task)
    elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT + 2, f"{name}: {elapsed:.1f} s"
    assert result["verdict"] in ("invalid", "unknown"), (name, result)
    assert _reason(result), (name, result)
    assert not PWNED.exists()
    assert pool.stats.peak_mb < MEMORY_MB


@pytest.mark.parametrize(
    "assume",
    [
        "\\input{/etc/passwd} invertible",
        "A\x00 symmetric",
        "__import__('os') vector",
        "A " + "invertible " * 5000,
    ],
)
def test_hostile_assumptions_are_invalid(pool, assume):
    result = pool.run({"expected": "A", "answer": "A", "assume": assume})
    assert result["verdict"] == "invalid" and _reason(result)


def test_run_check_under_the_limits_gives_the_check_dict_and_time():
    result = run_check("(AB)^T", "A^TB^T", "", timeout=TIMEOUT, memory_mb=MEMORY_MB)
    assert result["verdict"] == "not-equivalent" and result["counterexample"]
    assert 0 <= result["time"] < TIMEOUT


def _runaway_integer(task: dict) -> dict:
    10 ** (10**10)  # long integer arithmetic: no signal would stop this
    return {"verdict": "equivalent", "method": "test"}


def _hog_memory(task: dict) -> dict:
    blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]
    return {"verdict": "equivalent", "method": "test", "n": len(blocks)}


def _exec_nothing(task: dict) -> dict:
    return {"verdict": "equivalent", "method": "test"}


def test_a_runaway_computation_is_killed_at_the_time_limit():
    with CheckPool(
        workers=1, timeout=1.0, memory_mb=MEMORY_MB, job=_runaway_integer, warm=lambda: None
    ) as p:
        started = time.monotonic()
        result = p.run({"expected": "A", "answer": "A"})
        assert time.monotonic() - started < 3
        assert result["verdict"] == "unknown" and "time limit of 1 s" in result["reason"]
        assert p.stats.killed_timeout == 1
        assert p.run({"expected": "A", "answer": "A"})["verdict"] == "unknown"  # replaced, again


def test_a_memory_hog_is_stopped_at_the_memory_limit_and_replaced():
    with CheckPool(
        workers=1, timeout=20, memory_mb=MEMORY_MB, job=_hog_memory, warm=lambda: None
    ) as p:
        result = p.run({})
        assert result["verdict"] == "unknown" and "memory" in result["reason"]
        assert p.stats.peak_mb < MEMORY_MB
        assert p.run({})["verdict"] == "unknown"
        assert p.stats.started == 2


def test_a_worker_that_cannot_start_is_reported_not_retried_forever():
    from derive.sandbox import SandboxError

    def die() -> None:
        os._exit(9)

    with CheckPool(workers=1, timeout=2, job=_exec_nothing, warm=die) as p:
        with pytest.raises(SandboxError, match="failed to start"):
            p.run({})


@pytest.mark.parametrize(
    "text",
    [
        "+".join(["a"] * 999),  # a long sum: read without recursion, refused by the node cap
        "-" * 1999 + "a",  # a chain of minus signs
        "A^T" * 600,  # a chain of superscripts
        "x" + "^{x" * 19 + "}" * 19,
    ],
)
def test_long_and_deep_inputs_end_in_a_clean_verdict(text):
    result = check("x", text)
    assert result.verdict in ("invalid", "not-equivalent", "unknown")
