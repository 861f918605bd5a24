"""The base rules and base facts of the core, spot-checked by the randomized decider.

- every base rule (``derive.core.rules.BASE_RULES``): what it rewrites to is equal to what it was
  given, on random instances satisfying the assumptions;
- every relational rule (``RELATIONAL_RULES``): the relation it gives holds on random instances;
- every base fact (``derive.core.facts.BASE_FACTS``): on random instances where its premises hold,
  its conclusion holds (Xv ≠ 0 for invertible X and v ≠ 0, det(X) ≠ 0, v^Tv > 0, ...).

A rule or base fact without samples here fails the test, so a new one must come with its own.
The rules take ``(term, facts)``: the facts are those of a statement whose hypotheses are the
declared properties of the assumptions (``derive.verify.statement_of``), in an empty context.
"""

from __future__ import annotations

import random

import pytest

from derive.catalogue import Entry
from derive.core import kernel as K
from derive.core.facts import BASE_FACTS
from derive.core.rules import BASE_RULES, RELATIONAL_RULES
from derive.expr import Has, Sym
from derive.randomized import Arith, Sampler, Undefined, dims_of, evaluate, run_trials
from derive.verify import entry_env, statement_of

SAMPLES: dict[str, list[tuple[str, str]]] = {
    "transpose-of-product": [
        ("(AB\\mathbf{x})^T", ""),
        ("(2AB)^T", ""),
        ("(A^TB)^T", "A, B m x n"),
    ],
    "transpose-of-sum": [("(A+B-C)^T", "")],
    "transpose-of-transpose": [("(A^T)^T", "A m x n")],
    "transpose-of-identity": [("I^T", "")],
    "transpose-of-scalar": [("(\\mathbf{x}^TA\\mathbf{y})^T", ""), ("(3c)^{\\top}", "")],
    "symmetric-transpose": [("S^T", "S symmetric"), ("P^T", "P positive_definite")],
    "hermitian-conj-transpose": [("H^H", "H hermitian")],
    "conj-transpose-of-product": [("(cA\\mathbf{x})^H", "A complex; x complex; c complex")],
    "conj-transpose-real": [("A^H", "")],
    "conj-transpose-of-sum": [
        ("(A + B - C)^H", "A, B complex"),
        ("(\\mathbf{x}+\\mathbf{y})^H", "x complex"),
    ],
    "conj-transpose-of-conj-transpose": [
        ("(A^H)^H", "A complex; A m x n"),
        ("(\\mathbf{x}^H)^H", "x complex"),
    ],
    "conj-transpose-of-identity": [("I^H", "")],
    "conj-of-real": [("\\bar{a}", "a real"), ("\\overline{a^2 + \\det(A)}", "")],
    "inverse-mul-self": [("A^{-1}A", "A invertible"), ("AB(AB)^{-1}", "", ("AB invertible",))],
    "inverse-of-inverse": [("(A^{-1})^{-1}", "A invertible")],
    "inverse-of-identity": [("I^{-1}", "")],
    "orthogonal-definition": [("Q^TQ", "Q orthogonal"), ("QQ^T", "Q orthogonal")],
    "unitary-definition": [("U^HU", "U unitary"), ("UU^H", "U unitary")],
    "mul-identity": [("IA", ""), ("AI", "")],
    "mul-zero": [("A\\mathbf{0}", ""), ("0A", "")],
    "mul-assoc": [("A(BC)", ""), ("-(AB)", "")],
    "distribute": [("A(B+C)", ""), ("(A+B)(C-A)", "")],
    "scalar-arithmetic": [("2A + 3A", "")],
    "power-definition": [("A^3", "")],
    "scalar-commute": [("\\mathbf{x}^T\\mathbf{y}\\mathbf{z}", ""), ("cAB", "")],
    "det-of-product": [("\\det(AB)", ""), ("\\det(ABC)", "")],
    "det-of-transpose": [("\\det(A^T)", "")],
    "det-of-inverse": [("\\det(A^{-1})", "A invertible")],
    "det-of-identity": [("\\det(I)", "")],
    "det-of-conj-transpose": [("\\det(A^H)", "A complex")],
    "det-of-scalar-multiple": [
        ("\\det(cA)", "A 3 x 3"),
        ("\\det(-2cAB)", "A, B 2 x 2; c complex; B complex"),
        ("\\det(c\\mathbf{x}^T\\mathbf{y})", ""),
        ("\\det(cA)", "A n x n"),
    ],
    "trace-cyclic": [("\\operatorname{tr}(ABC)", ""), ("\\operatorname{tr}(A^TB)", "A, B m x n")],
    "trace-of-scalar": [("\\operatorname{tr}(\\mathbf{y}^T\\mathbf{x})", "")],
    "trace-of-sum": [("\\operatorname{tr}(A+B)", "")],
    "trace-of-transpose": [("\\operatorname{tr}(A^T)", "")],
    "trace-of-scalar-multiple": [("\\operatorname{tr}(2cA)", "")],
    "norm-squared": [("\\|A\\mathbf{x}\\|^2", ""), ("\\|\\mathbf{x}\\|^2", "x complex")],
    "arithmetic": [
        ("\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}^{-1}", ""),
        ("\\det\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", ""),
    ],
    "one-by-one-entry": [("\\begin{bmatrix}7\\end{bmatrix}", "")],
    "abs-definition": [("|\\det(A)|", ""), ("|c|", "c complex")],
    "diagonal-square-root": [("\\sqrt{D}\\sqrt{D}", "D diagonal; D positive_semidefinite")],
    "explicit-product": [
        ("\\begin{bmatrix}a&b\\end{bmatrix}\\begin{bmatrix}c\\\\d\\end{bmatrix}", ""),
        ("\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}\\begin{bmatrix}a&0\\\\b&c\\end{bmatrix}", ""),
    ],
    "explicit-transpose": [("\\begin{bmatrix}a&b\\\\c&1\\end{bmatrix}^T", "")],
    "function-of-conjugate": [
        ("\\exp(PAP^{-1})", "P invertible"),
        ("\\sin(PAP^{-1})", "P invertible"),
    ],
    "function-of-diagonal": [
        ("\\exp\\begin{bmatrix}a&0\\\\0&b\\end{bmatrix}", "a, b integer"),
        ("\\cos\\begin{bmatrix}1&0&0\\\\0&b&0\\\\0&0&3\\end{bmatrix}", ""),
    ],
    "exp-of-scalar": [("\\exp(a + b)", ""), ("\\exp(\\operatorname{tr}(A))", "")],
    "norm-definition": [("\\|Q\\mathbf{x}\\|", ""), ("\\|\\mathbf{x}\\|", "x complex")],
    "power-successor": [("A^{3}", ""), ("A^{k+1}", "k integer", ("k \\ge 0",))],
    "power-zero": [("A^0", "")],
    "rank-of-transpose": [
        ("\\operatorname{rank}((AB)^T)", ""),
        ("\\operatorname{rank}(A^T)", "A m x n"),
    ],
    "sqrt-of-square": [
        ("\\sqrt{\\|\\mathbf{x}\\|^2}", ""),
        ("\\sqrt{9}", ""),
        ("\\sqrt{c^2}", "c positive"),
    ],
}


def with_facts(text: str, assume: str = "", hypotheses: tuple[str, ...] = ()):
    """(term, frontend Env, core Facts) for a formula under the clauses: the facts of a statement
    whose hypotheses are the declared properties and ``hypotheses``, in an empty context."""
    entry = Entry(
        id="sample",
        title="sample",
        statement=f"{text} = {text}",
        section="",
        assume=assume,
        hypotheses=hypotheses,
    )
    env, typed = entry_env(entry)
    statement = statement_of(entry, env, typed)
    return typed["concl:0"].expr.lhs, env, K.Checker(K.Context(), statement).facts


def test_every_base_rule_has_samples():
    assert set(BASE_RULES) == set(SAMPLES), (
        sorted(set(BASE_RULES) - set(SAMPLES)),
        sorted(set(SAMPLES) - set(BASE_RULES)),
    )


@pytest.mark.parametrize("name", sorted(BASE_RULES))
def test_rule_rewrites_to_equal_expressions(name):
    rule = BASE_RULES[name]
    applied = 0
    for text, assume, *hyps in SAMPLES.get(name, []):
        term, env, facts = with_facts(text, assume, *hyps)
        for new in rule(term, facts):
            report = run_trials(term, new, env)
            assert report.counterexample is None, (name, text, new)
            # a matrix function of an explicit matrix has fewer distinct instances (3 of 6 here)
            assert report.agreed >= (3 if name == "function-of-diagonal" else 4), (name, text)
            applied += 1
    assert applied, f"{name} applied to none of its samples"


def test_rules_with_side_conditions_do_not_apply_without_them():
    for name, text in (
        ("inverse-mul-self", "A^{-1}A"),
        ("symmetric-transpose", "S^T"),
        ("orthogonal-definition", "Q^TQ"),
        ("det-of-inverse", "\\det(A^{-1})"),
        ("hermitian-conj-transpose", "H^H"),
    ):
        term, _, facts = with_facts(text)
        assert BASE_RULES[name](term, facts) == [], name
        assert facts.missed, name  # the side condition was asked of the fact prover


def test_det_of_a_scalar_multiple_takes_the_size_as_the_exponent():
    """c^n for an n×n matrix (a cited theorem renames n: tests/test_kernel.py), c^3 for a 3×3."""
    for assume, power in (("A n x n", "n"), ("A 3 x 3", "3")):
        term, env, facts = with_facts("\\det(cA)", assume)
        (new,) = BASE_RULES["det-of-scalar-multiple"](term, facts)
        assert str(new.factors[0].exp) in (
            f"Sym(name='{power}')",
            f"Num(value=Fraction({power}, 1))",
        )
        assert run_trials(term, new, env).counterexample is None


# ---------------------------------------------------------------- relational rules

# (term, assumptions, the relations the rule gives)
RELATIONAL_SAMPLES: dict[str, list[tuple[str, str, set[str]]]] = {
    "positive-definite-definition": [
        ("\\mathbf{z}^TA\\mathbf{z}", "A positive_definite; z nonzero", {">"}),
        ("\\mathbf{z}^TA\\mathbf{z}", "A symmetric; z nonzero", set()),
        ("\\mathbf{z}^TA\\mathbf{z}", "A positive_definite", set()),  # z may be 0
    ],
    "positive-semidefinite-definition": [
        ("\\mathbf{z}^TA\\mathbf{z}", "A positive_semidefinite", {">="}),
        ("\\mathbf{z}^TA\\mathbf{z}", "A positive_definite", {">="}),
        ("\\mathbf{z}^TA\\mathbf{z}", "A symmetric", set()),
    ],
    "norm-squared-positive": [
        ("\\mathbf{z}^T\\mathbf{z}", "z nonzero", {">", ">="}),
        ("\\mathbf{z}^T\\mathbf{z}", "", {">="}),  # z may be 0
        ("\\mathbf{z}^T\\mathbf{z}", "z complex", set()),  # z^Tz is not a sum of squares
    ],
    "drop-nonnegative-term": [
        ("\\mathbf{z}^TA\\mathbf{z} + c", "A positive_semidefinite", {">="}),
        ("\\mathbf{z}^T\\mathbf{z} + c - d", "", {">="}),
        ("\\mathbf{z}^TA\\mathbf{z} + c", "", set()),  # A may be indefinite
    ],
}


def test_every_relational_rule_has_samples():
    covered = set(RELATIONAL_SAMPLES) | {"row-operation"}  # test_row_operations_...
    assert set(RELATIONAL_RULES) == covered, sorted(set(RELATIONAL_RULES) ^ covered)


def test_row_operations_keep_the_row_space():
    from derive.core.rules import row_operation

    term, _, facts = with_facts("\\begin{bmatrix}2&1\\\\4&3\\end{bmatrix}")
    results = row_operation(term, facts)
    assert results
    for rel, new in results:
        assert rel == "~"
        rows = [[x.value for x in r] for r in new.rows]
        det = rows[0][0] * rows[1][1] - rows[0][1] * rows[1][0]
        assert det != 0  # an elementary operation keeps an invertible matrix invertible


def _random_values(exprs, env, seed: int, tries=range(1, 6)):
    """The exact values (mpmath) of the terms ``exprs`` on random instances of ``env`` (one
    instance for all of them), for sizes 1 to 5: a list of (values, size)."""
    arith = Arith(env.complex)
    sampler = Sampler(arith, random.Random(seed))
    dims = dims_of(env, list(exprs))
    out = []
    for n in tries:
        sizes = {d: n for d in dims}
        try:
            values = sampler.instance(env, sizes)
            out.append(([arith.to_mp(evaluate(e, values, sizes, arith)) for e in exprs], n))
        except Undefined:
            continue
    assert out, "no instance could be drawn"
    return out


def _number(v):
    import mpmath

    v = v[0, 0] if isinstance(v, mpmath.matrix) else v
    assert abs(mpmath.im(v)) < mpmath.mpf(10) ** -20, v
    return mpmath.re(v)


@pytest.mark.parametrize(
    "name,text,assume,gives",
    [
        (name, text, assume, gives)
        for name, cases in sorted(RELATIONAL_SAMPLES.items())
        for text, assume, gives in cases
    ],
)
def test_relational_rules_hold_on_random_instances(name, text, assume, gives):
    term, env, facts = with_facts(text, assume)
    results = RELATIONAL_RULES[name](term, facts)
    assert {rel for rel, _ in results} == gives
    for rel, other in results:
        for (v, w), _ in _random_values([term, other], env, seed=7):
            v, w = _number(v), _number(w)
            assert {">": v > w, ">=": v >= w}[rel], (name, text, rel, v, w)


# ---------------------------------------------------------------- base facts

# (term, property, assumptions): the fact prover proves "term property" through the base fact
FACT_SAMPLES: dict[str, list[tuple[str, str, str]]] = {
    "identity-properties": [
        ("I", "invertible", ""),
        ("I", "positive_definite", ""),
        ("I", "orthogonal", ""),
        ("I", "nonzero", ""),
    ],
    "orthogonal-invertible": [("Q", "invertible", "Q orthogonal")],
    "unitary-invertible": [("U", "invertible", "U unitary")],
    "definite-semidefinite": [("P", "positive_semidefinite", "P positive_definite")],
    "semidefinite-symmetric": [
        ("P", "symmetric", "P positive_semidefinite"),
        ("P", "hermitian", "P complex; P positive_semidefinite"),
    ],
    "diagonal-symmetric": [("D", "symmetric", "D diagonal")],
    "symmetric-hermitian": [("S", "hermitian", "S symmetric")],
    "nonzero-constant": [("3", "nonzero", ""), ("\\pi", "positive", ""), ("-2", "nonzero", "")],
    "whole-number": [("3", "integer", ""), ("0", "nonnegative", ""), ("2", "nonnegative", "")],
    "diagonal-square-root": [
        ("\\sqrt{D}", "diagonal", "D diagonal; D positive_semidefinite"),
        ("\\sqrt{D}", "positive_semidefinite", "D diagonal; D positive_semidefinite"),
    ],
    # the front end has no clause "full_column_rank": X is drawn invertible (a square matrix of
    # full column rank) and the fact prover is given only "X full_column_rank"
    "full-column-rank-image": [("X\\mathbf{v}", "nonzero", "v nonzero")],
    "nonzero-product": [
        ("ab", "nonzero", "a, b nonzero"),
        ("\\frac{a}{b}", "positive", "a, b positive"),
        ("a^2", "nonzero", "a nonzero"),
    ],
    "nonzero-image": [
        ("A\\mathbf{v}", "nonzero", "A invertible; v nonzero"),
        ("AB\\mathbf{v}", "nonzero", "A, B invertible; v nonzero"),
    ],
    "nonzero-transpose": [
        ("\\mathbf{v}^T", "nonzero", "v nonzero"),
        ("\\|\\mathbf{v}\\|", "nonzero", "v nonzero"),
    ],
    "positive-norm": [("\\|\\mathbf{v}\\|", "positive", "v nonzero")],
    "nonzero-determinant": [("\\det(A)", "nonzero", "A invertible")],
    "invertible-nonzero": [("A", "nonzero", "A invertible"), ("a", "nonzero", "a positive")],
    "sum-of-squares": [
        ("\\mathbf{v}^T\\mathbf{v}", "positive", "v nonzero"),
        ("\\mathbf{v}^H\\mathbf{v}", "positive", "v complex; v nonzero"),
    ],
}


def test_every_base_fact_has_samples():
    names = {f.name for f in BASE_FACTS}
    assert names == set(FACT_SAMPLES), (
        sorted(names - set(FACT_SAMPLES)),
        sorted(set(FACT_SAMPLES) - names),
    )


def _holds(value, prop: str, n: int) -> bool:
    """Whether an exact value (mpmath) has the property."""
    import mpmath

    eps = mpmath.mpf(10) ** -20
    if isinstance(value, mpmath.matrix) and prop in ("positive", "nonnegative", "integer"):
        value = value[0, 0]  # a 1×1 product such as v^Tv
    if not isinstance(value, mpmath.matrix):
        if prop == "integer":
            return abs(mpmath.im(value)) < eps and mpmath.re(value) == int(mpmath.re(value))
        if prop == "nonnegative":
            return abs(mpmath.im(value)) < eps and mpmath.re(value) >= 0
        if prop == "nonzero":
            return abs(value) > eps
        if prop == "positive":
            return abs(mpmath.im(value)) < eps and mpmath.re(value) > eps
        raise AssertionError(f"no test for a scalar being {prop}")
    m = value
    if prop == "nonzero":
        return any(abs(m[i, j]) > eps for i in range(m.rows) for j in range(m.cols))
    assert m.rows == m.cols, prop
    eye = mpmath.eye(m.rows)
    herm = m.H if hasattr(m, "H") else m.transpose_conj()

    def close(a, b):
        return mpmath.mnorm(a - b, 1) < eps

    if prop == "invertible":
        return abs(mpmath.det(m)) > eps
    if prop == "symmetric":
        return close(m.T, m)
    if prop == "hermitian":
        return close(herm, m)
    if prop == "orthogonal":
        return close(m.T * m, eye) and close(m * m.T, eye)
    if prop == "unitary":
        return close(herm * m, eye) and close(m * herm, eye)
    if prop == "diagonal":
        return all(abs(m[i, j]) < eps for i in range(m.rows) for j in range(m.cols) if i != j)
    if prop in ("positive_definite", "positive_semidefinite"):
        if not close(herm, m):
            return False
        eig = mpmath.eighe(m, eigvals_only=True) if m.rows > 1 else [mpmath.re(m[0, 0])]
        low = min(mpmath.re(x) for x in eig)
        return low > eps if prop == "positive_definite" else low > -eps
    raise AssertionError(f"no test for a matrix being {prop}")


@pytest.mark.parametrize(
    "name,text,prop,assume",
    [
        (name, text, prop, assume)
        for name, cases in sorted(FACT_SAMPLES.items())
        for text, prop, assume in cases
    ],
)
def test_base_fact_holds_on_random_instances(name, text, prop, assume):
    term, env, facts = with_facts(text, assume)
    if name == "full-column-rank-image":
        facts.hypotheses.append(("X full_column_rank", Has(Sym("X"), "full_column_rank")))
        _, env, _ = with_facts(text, assume + "; X invertible")
    proof = facts.prove(term, prop)
    assert proof is not None, f"{text} {prop} is not proved under {assume!r}"
    assert ("base fact", name) in {(c.kind, c.name) for c in proof.flat()}, proof
    for (value,), n in _random_values([term], env, seed=13):
        assert _holds(value, prop, n), (name, text, prop, n, value)


def test_base_fact_premises_are_needed():
    # without the premises the conclusion is not proved (and is false on some instance)
    for text, prop in (
        ("A\\mathbf{v}", "nonzero"),
        ("\\det(A)", "nonzero"),
        ("\\mathbf{v}^T\\mathbf{v}", "positive"),
        ("A^{-1}", "invertible"),
    ):
        term, _, facts = with_facts(text)
        assert facts.prove(term, prop) is None, text
