"""Every base rule is spot-checked by the randomized decider: what it rewrites to is equal to what it
was given, on random instances satisfying the assumptions. A rule without samples here fails."""

from __future__ import annotations

import pytest

from derive.frontend import read
from derive.randomized import run_trials
from derive.rules import BASE_RULES, RELATIONAL_RULES

SAMPLES: dict[str, list[tuple[str, str]]] = {
    "transpose-of-product": [("(AB\\mathbf{x})^T", ""), ("(2AB)^T", ""), ("(A^TB)^T", "A, B m x n")],
    "transpose-of-sum": [("(A+B-C)^T", "")],
    "transpose-of-transpose": [("(A^T)^T", "A m x n")],
    "transpose-of-identity": [("I^T", "")],
    "transpose-of-scalar": [("(\\mathbf{x}^TA\\mathbf{y})^T", ""), ("(3c)^{\\top}", "")],
    "transpose-of-inverse": [("(A^{-1})^T", "A invertible")],
    "symmetric-transpose": [("S^T", "S symmetric"), ("P^T", "P positive_definite")],
    "hermitian-conj-transpose": [("H^H", "H hermitian")],
    "conj-transpose-of-product": [("(cA\\mathbf{x})^H", "A complex; x complex; c complex")],
    "conj-transpose-real": [("A^H", "")],
    "conj-of-real": [("\\bar{a}", "a real"), ("\\overline{a^2 + \\det(A)}", "")],
    "inverse-mul-self": [("A^{-1}A", "A invertible"), ("AB(AB)^{-1}", "A, B invertible")],
    "inverse-of-product": [("(AB)^{-1}", "A, B invertible"), ("(2AB)^{-1}", "A, B invertible")],
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
    "trace-cyclic": [("\\operatorname{tr}(ABC)", ""), ("\\operatorname{tr}(A^TB)", "A, B m x n")],
    "trace-of-scalar": [("\\operatorname{tr}(\\mathbf{y}^T\\mathbf{x})", "")],
    "trace-of-sum": [("\\operatorname{tr}(A+B)", "")],
    "trace-of-transpose": [("\\operatorname{tr}(A^T)", "")],
    "trace-of-scalar-multiple": [("\\operatorname{tr}(2cA)", "")],
    "norm-squared": [("\\|A\\mathbf{x}\\|^2", ""), ("\\|\\mathbf{x}\\|^2", "x complex")],
    "arithmetic": [("\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}^{-1}", ""),
                   ("\\det\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", "")],
    "one-by-one-entry": [("\\begin{bmatrix}7\\end{bmatrix}", "")],
}


def test_every_base_rule_has_samples():
    assert set(BASE_RULES) <= set(SAMPLES), sorted(set(BASE_RULES) - set(SAMPLES))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_rule_rewrites_to_equal_expressions(name):
    rule = BASE_RULES[name]
    applied = 0
    for text, assume in SAMPLES[name]:
        typed, env = read(text, assume)
        results = rule(typed.expr, env)
        for new in results:
            report = run_trials(typed.expr, new, env)
            assert report.counterexample is None, (name, text)
            assert report.agreed >= 4, (name, text)
            applied += 1
    assert applied, f"{name} applied to none of its samples"


def test_row_operations_keep_the_row_space():
    from derive.rules import row_operation

    typed, env = read("\\begin{bmatrix}2&1\\\\4&3\\end{bmatrix}")
    for rel, new in row_operation(typed.expr, env):
        assert rel == "~"
        rows = [[x.value for x in r] for r in new.rows]
        det = rows[0][0] * rows[1][1] - rows[0][1] * rows[1][0]
        assert det != 0  # an elementary operation keeps an invertible matrix invertible


@pytest.mark.parametrize("name,text,assume,holds", [
    ("positive-definite-definition", "\\mathbf{z}^TA\\mathbf{z}", "A positive_definite; z nonzero",
     True),
    ("positive-definite-definition", "\\mathbf{z}^TA\\mathbf{z}", "A symmetric; z nonzero", False),
    ("positive-semidefinite-definition", "\\mathbf{z}^TA\\mathbf{z}", "A positive_semidefinite",
     True),
    ("norm-squared-positive", "\\mathbf{z}^T\\mathbf{z}", "z nonzero", True),
    ("norm-squared-positive", "\\mathbf{z}^T\\mathbf{z}", "z complex", False),
])
def test_relational_rules_hold_on_random_instances(name, text, assume, holds):
    import random

    from derive.randomized import Arith, Sampler, evaluate

    typed, env = read(text, assume)
    results = RELATIONAL_RULES[name](typed.expr, env)
    assert bool(results) == holds
    arith = Arith(env.complex)
    sampler = Sampler(arith, random.Random(7))
    for n in range(1, 6):
        values = sampler.instance(env, {"n": n})
        v = arith._unwrap(evaluate(typed.expr, values, {"n": n}, arith))
        for rel, _ in results:
            assert {">": v.val > 0, ">=": v.val >= 0}[rel]
