"""What the kernel trusts, listed for people: base rules, base facts and inference forms.

``derive rules`` prints this list. Everything else a proof uses (the catalogue's theorems) is
proved in the catalogue, in order, from these.
"""

from __future__ import annotations

FORMS = [
    (
        "calc",
        "a chain t0 = t1 = ... (or ≤, <, ≥, >, ≠, ~), each step one rule at one place",
        "equality is transitive, and so are the orders",
    ),
    (
        "hypothesis",
        "use a hypothesis of the theorem (hyp:K, or a declared property)",
        "it is assumed",
    ),
    (
        "theorem",
        "instantiate an earlier theorem, discharging each of its hypotheses",
        "it was proved before, for every value of its symbols",
    ),
    (
        "have",
        "a property discharged by hypotheses, earlier facts, theorems and base facts",
        "each link is one of those",
    ),
    (
        "definition",
        "invertible (a two-sided inverse, or a trivial null space for a square "
        "matrix), symmetric, hermitian, orthogonal, unitary, real, positive (semi)definite "
        "(for an arbitrary fixed vector)",
        "the definitions; a square matrix whose null space is "
        "{0} has full rank (rank-nullity), hence an inverse",
    ),
    (
        "cancel",
        "from a·f = b·f and f ≠ 0 (or f an invertible matrix), a = b",
        "multiply by the inverse of f",
    ),
    ("divide", "from a·p > b·p (≥) and p > 0, a > b (≥)", "divide by a positive number"),
    (
        "contradiction",
        "suppose a = b, derive what contradicts an earlier fact: a ≠ b",
        "a proposition that implies a falsehood is false",
    ),
    (
        "induction",
        "P(0) and P(k) ⇒ P(k+1) give P(k) for every whole k ≥ 0",
        "induction on the natural numbers",
    ),
    (
        "nullspace",
        "if Yv = 0 gives Zv = 0 for an arbitrary v (a chain that fixes v under the "
        "hypothesis Yv = 0), rank(Z) ≤ rank(Y)",
        "rank-nullity: rank = number of columns − "
        "dimension of the null space, and the null space of Y lies inside that of Z",
    ),
    (
        "arbitrary vector",
        "a fact about a fixed vector v ≠ 0 of which nothing else is assumed holds for every such v",
        "v was arbitrary (universal generalization)",
    ),
]


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0].strip() if doc else ""


def trusted_base() -> dict:
    """The base rules, relational rules, base facts and inference forms, with their statements."""
    from derive.core.facts import BASE_FACTS
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES

    return {
        "rules": [{"name": n, "statement": _first_line(f.__doc__)} for n, f in BASE_RULES.items()],
        "relations": [
            {"name": n, "statement": _first_line(f.__doc__)} for n, f in RELATIONAL_RULES.items()
        ],
        "facts": [
            {"name": f.name, "statement": f.statement, "reason": f.reason} for f in BASE_FACTS
        ],
        "forms": [{"name": n, "statement": s, "reason": r} for n, s, r in FORMS],
    }
