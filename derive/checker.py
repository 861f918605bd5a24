"""``derive check``: is a student's answer equal to the expected one under the stated assumptions?

Two independent deciders: the randomized one (exact evaluation on random instances, which can only
*refute*, or lend evidence) and the symbolic one, a derivation from the answer to the expected
answer that the kernel checks step by step (``derive.prove``; the kernel's canonical form is the
project's only one). A verdict of "equivalent" comes with such a derivation, or, with the method
saying so, from agreement on every random instance; "not-equivalent" always comes with a
counterexample; "unknown" is an honest answer.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass

from derive.errors import DeriveError, LimitError, ParseError
from derive.limits import DEFAULT, Limits

EXIT = {
    "equivalent": 0,
    "not-equivalent": 1,
    "invalid": 2,
    "unknown": 3,
    "equivalent-wrong-form": 4,
}
MIN_AGREEMENTS = 4
SECOND_ROUND = 7919  # the seed offset of the second round of trials
HINT_BUDGET = 0.2  # seconds for the hint search, after the verdict; the hint is dropped past it
DERIVATION_BUDGET = 0.5  # seconds for the symbolic decider: a derivation the kernel checks


@dataclass
class CheckResult:
    verdict: str  # equivalent | not-equivalent | unknown | invalid
    method: str
    expected: str | None = None  # as read, in LaTeX
    answer: str | None = None
    counterexample: dict | None = None
    hint: str | None = None
    error: dict | None = None
    reason: str | None = None
    read_as: dict | None = None  # the answer as read: latex, unicode, what the reader changed
    feedback: str | None = None  # for a wrong answer: in plain words, from the counterexample
    # for an answer equivalent by a derivation: the kernel-checked chain from the answer to the
    # expected answer, as [{"expr": latex, "by": rule}] (the first "by" is None)
    derivation: list[dict] | None = None
    # the random instances with both sides defined, when none or too few decided (not in the
    # JSON): prove reads 0 as "a derivation proves the claim only vacuously"
    agreed: int | None = None

    @property
    def exit_code(self) -> int:
        return EXIT[self.verdict]

    def to_dict(self) -> dict:
        out = {
            "verdict": self.verdict,
            "method": self.method,
            "expected": self.expected,
            "answer": self.answer,
        }
        for key in (
            "read_as",
            "counterexample",
            "hint",
            "feedback",
            "error",
            "reason",
            "derivation",
        ):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def to_text(self, full: bool = False) -> str:
        lines = [f"verdict: {self.verdict}", f"method:  {self.method}"]
        if self.expected is not None:
            lines.append(f"expected (as read): {self.expected}")
        if self.answer is not None:
            lines.append(f"answer   (as read): {self.answer}")
        if self.read_as and self.read_as.get("changes"):
            lines.append(
                f"read as:  {self.read_as['unicode']}  ({'; '.join(self.read_as['changes'])})"
            )
        if self.reason:
            lines.append(f"reason:  {self.reason}")
        if self.error:
            lines.append(f"error in the {self.error['input']}: {self.error['message']}")
        if self.counterexample:
            lines += counterexample_lines(self.counterexample, "expected", "answer  ")
        if self.hint:
            lines.append(f"hint:    {self.hint}")
        if self.feedback:
            lines.append(f"feedback: {self.feedback}")
        if self.derivation:
            from derive.prove import derivation_lines

            lines.append(
                "why:     your answer equals the expected one (each step checked by the kernel):"
            )
            lines += derivation_lines(
                [s["expr"] for s in self.derivation], [s["by"] for s in self.derivation], full
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from derive.render import check_result_html

        return check_result_html(self)

    def _repr_markdown_(self) -> str:
        parts = [f"**{self.verdict}** ({self.method})"]
        if self.expected is not None:
            parts.append(
                f"expected: ${self.expected}$"
                + (f", answer: ${self.answer}$" if self.answer is not None else "")
            )
        if self.counterexample:
            ce = self.counterexample
            inst = ", ".join(f"${k} = {v['latex']}$" for k, v in ce["instance"].items())
            parts.append(
                f"counterexample: {inst}; expected ${ce['expected']['latex']}$, "
                f"answer ${ce['answer']['latex']}$"
            )
        for text in (self.hint, self.reason):
            if text:
                parts.append(text)
        if self.error:
            parts.append(f"error in the {self.error['input']}: `{self.error['message']}`")
        return "\n\n".join(parts)


def counterexample_lines(ce: dict, left: str, right: str) -> list[str]:
    """A counterexample for the terminal: the sizes, the instance, and both sides' values."""
    sizes = ", ".join(f"{k} = {v}" for k, v in ce["sizes"].items())
    lines = ["counterexample" + (f" ({sizes})" if sizes else "") + ":"]
    lines += [f"  {name} = {val['latex']}" for name, val in ce["instance"].items()]
    lines.append(f"  {left} = {ce['expected']['latex']}")
    lines.append(f"  {right} = {ce['answer']['latex']}")
    if "difference" in ce:
        lines.append(f"  |difference| = {ce['difference']['latex']}")
    return lines


def _invalid(which: str, exc: DeriveError, expected=None, answer=None) -> CheckResult:
    err = {"input": which, "message": str(exc)}
    if isinstance(exc, ParseError):
        err.update(position=exc.position + 1, reason=exc.reason)
        if getattr(exc, "choices", None):
            err["choices"] = exc.choices
    elif isinstance(exc, LimitError):
        err.update(reason=str(exc), limit=True)
    else:
        err.update(reason=str(exc))
    return CheckResult("invalid", "front end", expected, answer, error=err)


def check(
    expected: str,
    answer: str,
    assume: str = "",
    limits: Limits = DEFAULT,
    seed: int = 20261125,
    hints: bool = True,
    hint_budget: float | None = HINT_BUDGET,
    forgiving: bool = True,
    derivation: bool = True,
    derivation_budget: float = DERIVATION_BUDGET,
) -> CheckResult:
    """Decide whether ``answer`` equals ``expected`` under the ``assume`` clauses.

    A not-equivalent verdict may carry a hint (a standard property under which the answer would
    be right). The hint is searched after the verdict is known, within ``hint_budget`` seconds of
    its own (None: no limit); past it the hint is dropped, never the verdict.

    The answer goes through the forgiving reader (``derive.reader``) unless ``forgiving`` is
    false; the expected answer is read by the strict grammar (the contract for authors).

    The symbolic decider (if ``derivation``) searches, within ``derivation_budget`` seconds, a
    derivation from the answer to the expected answer that the kernel accepts; an equivalent
    verdict by it carries the derivation. Without one, agreement on random instances is
    evidence only, and the method says so.

    >>> check("(AB)^{-1}", "B^{-1}A^{-1}", assume="A, B invertible").verdict
    'equivalent'
    >>> check("(AB)^T", "A^TB^T").verdict
    'not-equivalent'
    >>> check("A^{-1}", "A^{-1").verdict
    'invalid'
    """
    from derive.frontend import build_env, parse_assumptions, typecheck_compared
    from derive.render import latex

    try:
        assumptions = parse_assumptions(assume)
    except DeriveError as exc:
        return _invalid("assumptions", exc)
    parsed = []
    reading = None
    for which, text in (("expected answer", expected), ("answer", answer)):
        try:
            if which == "answer" and forgiving:
                reading = _read_answer(text, assumptions, limits)
                parsed.append(reading.parsed)
                continue
            parsed.append(_parse(text, limits))
        except DeriveError as exc:
            read_so_far = [latex(p.tree, p.bold) for p in parsed] + [None, None]
            return _invalid(which, exc, *read_so_far[:2])  # the side that did read, as read
    try:
        env = build_env(assumptions, parsed)
        if len(env.symbols) > limits.max_symbols:
            raise LimitError(f"{len(env.symbols)} symbols are over the cap of {limits.max_symbols}")
    except DeriveError as exc:
        return _invalid("assumptions", exc)
    try:
        left, right = typecheck_compared(parsed[0], parsed[1], env, limits)
    except DeriveError as exc:
        return _invalid(("expected answer", "answer")[getattr(exc, "side", 1)], exc)
    vectors = {n for n, t in env.symbols if t.kind == "vector"}
    shown = (latex(left.expr, vectors), latex(right.expr, vectors))
    result = decide(
        left,
        right,
        env,
        shown,
        limits,
        seed,
        hints,
        hint_budget,
        assume=assume if derivation else None,
        derivation_budget=derivation_budget,
    )
    if reading is not None:
        from derive.reader import shown as read_as

        result.read_as = read_as(reading, right.expr, vectors)
    if result.verdict == "not-equivalent":
        result.feedback = _feedback(result)
    return result


def _read_answer(text: str, assumptions, limits: Limits):
    """The answer through the forgiving reader (its own module: ``derive/reader.py``)."""
    from derive.reader import read

    return read(text, assumptions, limits)


def _feedback(result: CheckResult) -> str:
    """Plain-words feedback from the counterexample and the hint (``derive/feedback.py``)."""
    from derive.feedback import explain

    return explain(result.to_dict())


@functools.lru_cache(maxsize=1024)
def _parse(text: str, limits: Limits):
    """``frontend.parse``, remembered: a grader reads one expected answer (and each known wrong
    answer) once per student. A ``Parsed`` is only read after it is built; errors are not kept."""
    from derive.frontend import parse

    return parse(text, limits=limits)


def _derivation(left, right, env, shown, assume: str, seconds: float) -> list | None:
    """A kernel-checked chain from the answer to the expected answer, or None: the same two
    sides (the claim read again from ``shown`` must be what was compared, in the same
    environment, up to the kernel's arithmetic), searched within ``seconds``; the catalogue is
    loaded (once) when the base rules alone find nothing. A one-element chain: no step needed."""
    from derive.prove import derivation

    if left.expr == right.expr:
        return [(shown[1], None)]  # one expression: equal as written, nothing to derive
    return derivation(
        shown[1],
        shown[0],
        assume,
        seconds,
        same_as=(right.expr, left.expr),
        catalogue=True,
        same_env=env,
    )


def _shapes_fit(a, b) -> bool:
    one = (None, (1, 1))
    return a == b or (a in one and b in one)


def decide(
    left,
    right,
    env,
    shown,
    limits: Limits = DEFAULT,
    seed: int = 20261125,
    hints: bool = True,
    hint_budget: float | None = HINT_BUDGET,
    assume: str | None = None,
    derivation_budget: float = DERIVATION_BUDGET,
) -> CheckResult:
    """The verdict for two typed expressions in one environment.

    With ``assume`` (the clauses as written) the symbolic decider runs: a derivation of the
    answer from the expected answer that the kernel checks (``derive.prove.derivation``); without
    it the verdict rests on the random trials alone (as for a hint, whose assumptions are not
    written).
    """
    from derive.expr import symbols
    from derive.randomized import dims_of, run_trials

    if not _shapes_fit(left.shape, right.shape):
        return CheckResult(
            "not-equivalent",
            "shapes",
            *shown,
            reason=f"the expected answer is {_shape_words(left.shape)}, "
            f"the answer is {_shape_words(right.shape)}",
        )
    try:
        report = run_trials(left.expr, right.expr, env, seed=seed, limits=limits)
    except LimitError as exc:
        return CheckResult(
            "unknown", "randomized evaluation", *shown, reason=f"evaluation stopped: {exc}"
        )
    if report.counterexample is not None:
        return _refuted(report, left, right, env, shown, limits, seed, hints, hint_budget)
    chain = None
    if assume is not None:
        chain = _derivation(left, right, env, shown, assume, derivation_budget)
    if chain is not None and report.agreed:
        if len(chain) > 1:
            steps = [{"expr": e, "by": by} for e, by in chain]
            return CheckResult("equivalent", "derivation", *shown, derivation=steps)
        same = (
            "the same expression"
            if left.expr == right.expr
            else ("the same up to arithmetic (the kernel's canonical form)")
        )
        return CheckResult("equivalent", "derivation", *shown, reason=f"the two sides are {same}")
    if chain is not None:
        return CheckResult(
            "unknown",
            "derivation",
            *shown,
            reason="a derivation joins the two sides, but no random instance had both sides "
            "defined: the claim may be true only vacuously",
        )
    if (
        report.exact
        and report.agreed
        and not (symbols(left.expr) | symbols(right.expr))
        and (not dims_of(env, [left.expr, right.expr]))
    ):
        return CheckResult(
            "equivalent",
            "exact computation",
            *shown,
            reason="no symbols: both sides computed exactly",
        )
    if report.agreed >= MIN_AGREEMENTS:
        # evidence only: a second, independent round with wider entries before saying equivalent
        try:
            from derive.randomized import larger_sizes
            from derive.sizes import dimension_witness

            rng = random.Random(seed + SECOND_ROUND)
            plan = larger_sizes(dims_of(env, [left.expr, right.expr]), rng)
            witness = dimension_witness(left.expr, right.expr, env)
            if witness is not None:  # the other sizes from the plan
                plan = [{**sizes, **witness} for sizes in plan[:3]] + plan
            second = run_trials(
                left.expr,
                right.expr,
                env,
                seed=seed + SECOND_ROUND,
                limits=limits,
                spread=9,
                plan=plan,
            )
        except LimitError as exc:
            return CheckResult(
                "unknown", "randomized evaluation", *shown, reason=f"evaluation stopped: {exc}"
            )
        if second.counterexample is not None:
            return _refuted(second, left, right, env, shown, limits, seed, hints, hint_budget)
        report.agreed += second.agreed
        report.exact = report.exact and second.exact
        report.sizes_tried = report.sizes_tried + second.sizes_tried
        report.sizes_agreed = report.sizes_agreed + second.sizes_agreed
        if _large_untried(second):
            return CheckResult(
                "unknown",
                "randomized evaluation",
                *shown,
                reason="the two sides agree on every random instance with both sides defined, "
                f"but none of size over {SMALL_SIZES} (sizes {_sizes_words(_sorted(report.sizes_agreed))}): "
                "a claim may hold for small sizes only; no derivation was found",
            )
    if report.agreed >= MIN_AGREEMENTS and _generic_only(left.expr, right.expr):
        return CheckResult(
            "unknown",
            "randomized evaluation",
            *shown,
            reason="the two sides agree on every random instance, but a rank is "
            "the same on almost every random instance (rank(A) = n), so "
            "agreement is no evidence; no derivation was found",
        )
    if report.agreed >= MIN_AGREEMENTS:
        sizes = _sorted(report.sizes_agreed or report.sizes_tried)
        kind = (
            "exactly"
            if report.exact
            else (
                "within rounding, at two precisions of 60 digits "
                "or more (as many as the magnitudes need)"
            )
        )
        return CheckResult(
            "equivalent",
            "random trials",
            *shown,
            reason=f"no symbolic derivation; the two sides agree {kind} on {report.agreed} random "
            f"instances satisfying the assumptions (sizes "
            f"{_sizes_words(sizes)})",
        )
    return CheckResult(
        "unknown",
        "randomized evaluation",
        *shown,
        reason=f"only {report.agreed} random instances had both sides defined, "
        "and no derivation was found",
        agreed=report.agreed,
    )


SMALL_SIZES = 5  # a polynomial in n with roots 1..5 is zero on every size of the first round


def _large_untried(second) -> bool:
    """Whether the second round planned sizes over SMALL_SIZES and agreed on none of them (each
    had a side undefined, or magnitudes past every precision: e^{120A} at n = 6)."""

    def large(sizes) -> bool:
        return max(sizes.values(), default=0) > SMALL_SIZES

    return any(map(large, second.sizes_tried)) and not any(map(large, second.sizes_agreed))


def _sorted(sizes: list[dict[str, int]]) -> list:
    return sorted({tuple(sorted(s.items())) for s in sizes})


def _generic_only(left, right) -> bool:
    """Whether random instances say nothing: a rank takes its generic value almost surely."""
    from derive.expr import Rank, symbols, walk

    return any(isinstance(n, Rank) and symbols(n.arg) for e in (left, right) for n in walk(e))


def _refuted(report, left, right, env, shown, limits, seed, hints, hint_budget) -> CheckResult:
    trial = report.counterexample
    if trial.right is None:
        method = "counterexample (real domain)"
    elif report.exact:
        method = "counterexample (exact evaluation)"
    else:
        method = "counterexample (numeric evaluation, confirmed at two precisions)"
    result = CheckResult(
        "not-equivalent", method, *shown, counterexample=_counterexample(report, env)
    )
    if trial.right is None:
        result.reason = (
            "the scalars are real: here the expected answer has a value and the "
            "answer has none (a square root or logarithm of a negative number, or a "
            "fractional power of one)"
        )
    if hints:  # the verdict is known: the hint gets a budget of its own, and is dropped past it
        from derive.randomized import OutOfTime, budget

        try:
            with budget(hint_budget):
                result.hint = _hint(left, right, env, limits, seed)
        except OutOfTime:
            result.hint = None
    return result


def _shape_words(shape) -> str:
    if shape is None or shape == (1, 1):
        return "a scalar"
    r, c = shape
    if c == 1:
        return f"a vector ({r}×1)"
    return f"a {r}×{c} matrix"


def _sizes_words(sizes) -> str:
    parts = []
    for s in sizes:
        parts.append(", ".join(f"{k}={v}" for k, v in s) or "none")
    return "; ".join(parts[:8])


def _counterexample(report, env) -> dict:
    from derive.randomized import value_data, value_latex

    trial = report.counterexample
    shown = [v for v in (trial.left, trial.right) if v is not None]
    complex_ = any(t.complex for _, t in env.symbols) or any(
        _complex_value(v) for v in (*shown, *trial.values.values())
    )
    out = {
        "sizes": trial.sizes,
        "instance": {
            name: {"latex": value_latex(v, complex_), "value": value_data(v, complex_)}
            for name, v in trial.values.items()
        },
        "expected": {
            "latex": value_latex(trial.left, complex_),
            "value": value_data(trial.left, complex_),
        },
        "answer": (
            {"latex": r"\text{no real value}", "value": None}
            if trial.right is None
            else {
                "latex": value_latex(trial.right, complex_),
                "value": value_data(trial.right, complex_),
            }
        ),
    }
    if trial.difference is not None:  # 1 against tanh(1000): the values print alike
        import mpmath

        out["difference"] = {
            "latex": mpmath.nstr(trial.difference, 6),
            "value": float(trial.difference) or str(trial.difference),
        }
    return out


def _complex_value(value) -> bool:
    """Whether an exact value lives in the Gaussian rationals (the evaluation was complex)."""
    if not value.exact:
        return False
    v = value.val
    return v.__class__.__name__ == "GaussianRational" or "QQ_I" in str(getattr(v, "domain", ""))


HINT_PROPERTIES = ("symmetric", "invertible", "orthogonal", "diagonal")


def _hint(left, right, env, limits, seed) -> str | None:
    """A standard property under which the answer would be right, if one is found."""
    from derive.frontend import MATRIX

    mats = [n for n, t in env.symbols if t.kind == MATRIX and t.rows == t.cols]
    if len(mats) > 4:
        return None

    def holds(new_env) -> bool:
        """Two rounds of trials agree (the changed assumptions are not clauses the kernel
        could be given)."""
        try:
            verdict = decide(left, right, new_env, (None, None), limits, seed + 1, hints=False)
        except (LimitError, DeriveError):
            return False
        return verdict.verdict == "equivalent"

    for a in mats:
        for b in mats:
            same_size = (env[a].rows, env[a].cols) == (env[b].rows, env[b].cols)
            if a < b and same_size and holds(env.with_commuting(frozenset({a, b}))):
                return (
                    f"the answer would be right if {a} and {b} commuted "
                    f"({a}{b} = {b}{a}), which the assumptions do not give"
                )
    for name in mats:
        for prop in HINT_PROPERTIES:
            if env[name].has(prop):
                continue
            if holds(env.with_props(name, {prop})):
                return (
                    f"the answer would be right if {name} were {prop}, "
                    "which the assumptions do not give"
                )
    return None
