"""Scaffolding for the doctests of the trusted core (not part of it): symbols with types and
declared properties, and ``show``, which prints a rule's rewrites as plain text.

``derive/conftest.py`` puts these names into every doctest's namespace.
"""

from __future__ import annotations

from derive.core import shapes as S
from derive.core import terms as T
from derive.core.facts import Facts
from derive.core.terms import Expr


def demo_facts(props: dict[str, set[str]] | None = None, complex_: set[str] = frozenset()) -> Facts:
    """Facts for examples: A..H, P, Q, S, U, M n×n matrices, x, y, z, v n-vectors, a, b, c, k, s
    scalars, with the declared properties ``props`` (hypotheses)."""
    props = props or {}

    def typed(n: str, kind: str, rows, cols) -> tuple[str, S.SymbolType]:
        declared = frozenset(props.get(n, ())) | {"complex" if n in complex_ else "real"}
        return n, S.SymbolType(kind, rows, cols, declared)

    syms = [typed(n, S.MATRIX, "n", "n") for n in "ABCDEFGHMPQSU"]
    syms += [typed(n, S.VECTOR, "n", 1) for n in "xyzv"] + [
        typed(n, S.SCALAR, 1, 1) for n in "abcks"
    ]
    hyps = [(f"{n} {p}", T.Has(T.Sym(n), p)) for n, ps in props.items() for p in sorted(ps)]
    return Facts(S.Scope(tuple(syms), frozenset({"n"})), hyps)


A, B, Q, U, x, y, z, c = (T.Sym(n) for n in "ABQUxyzc")


def show(rule, e: Expr, props: dict | None = None, complex_: set[str] = frozenset()) -> list[str]:
    """The rewrites of ``rule`` at the root of ``e``, as plain text (for doctests)."""
    out = rule(e, demo_facts(props, complex_))
    return [T.text(r) if isinstance(r, Expr) else (r[0], T.text(r[1])) for r in out]
