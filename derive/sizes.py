"""Sizes worth trying: where two sides differ as polynomials in the matrix sizes.

A claim such as ``(tr(I) - 1)(tr(I) - 2)...(tr(I) - 9) = 0`` holds for n = 1..9 and fails for
every larger n; random sizes may all be small. Here both sides are put in the kernel's canonical
form (``derive.core.arith``) with ``tr(I_n)`` read as the size ``n``; where the difference is a
nonzero polynomial in the sizes, the first sizes at which it does not vanish are returned, for the
randomized decider to try. This only steers the trials: a verdict still needs an instance.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from derive.core.arith import Canon, p_add, p_const, p_mul
from derive.core.shapes import Scope, SymbolType, TypeFault
from derive.expr import Expr, Identity, Sym, Trace

MAX_POINTS = {1: 64, 2: 16, 3: 8}  # the largest size tried, by the number of sizes involved


def dimension_witness(left: Expr, right: Expr, env) -> dict[str, int] | None:
    """Sizes at which ``left - right`` is nonzero as a polynomial in the sizes, or None.

    >>> from derive.frontend import parse, build_env, parse_assumptions, typecheck
    >>> p = [parse("(\\\\operatorname{tr}(I) - 1)(\\\\operatorname{tr}(I) - 2)"), parse("0")]
    >>> env = build_env(parse_assumptions(""), p)
    >>> a, b = (t.expr for t in typecheck(p, env))
    >>> dimension_witness(a, b, env)
    {'n': 3}
    """
    from derive.randomized import dims_of

    dims = dims_of(env, [left, right])
    if not dims or len(dims) > 3:
        return None
    scope = Scope(
        tuple((n, SymbolType(t.kind, t.rows, t.cols, frozenset())) for n, t in env.symbols)
        + tuple((d, SymbolType("scalar", None, None, frozenset())) for d in dims),
        (),
    )
    try:
        canon = Canon(scope, lambda e: False)
        diff = _difference(canon.terms(_sizes_read(left)), canon.terms(_sizes_read(right)))
    except (TypeFault, ZeroDivisionError, RecursionError, TypeError, ValueError):
        return None
    atoms = {("sym", d) for d in dims}
    if not any(k in atoms for poly in diff for m in poly for k, _ in m):
        return None  # no size in the difference: trials at any size see it alike
    bound = MAX_POINTS[len(dims)]
    for point in sorted(
        itertools.product(range(1, bound + 1), repeat=len(dims)), key=lambda p: (max(p), p)
    ):
        at = {("sym", d): Fraction(v) for d, v in zip(dims, point, strict=True)}
        if any(_at(poly, at) for poly in diff):
            return dict(zip(dims, point, strict=True))
    return None


def _sizes_read(e: Expr) -> Expr:
    """``tr(I_n)`` is ``n``: the size as a number."""
    if isinstance(e, Trace) and isinstance(e.arg, Identity):
        d = e.arg.dim
        return Sym(d) if isinstance(d, str) else e
    kids = e.children()
    return e.rebuild(tuple(_sizes_read(k) for k in kids)) if kids else e


def _difference(p: dict, q: dict) -> list:
    minus = p_const(Fraction(-1))
    out = []
    for word in set(p) | set(q):
        d = p_add(p.get(word, {}), p_mul(minus, q.get(word, {})))
        if d:
            out.append(d)
    return out


def _at(poly: dict, at: dict) -> dict:
    """The polynomial with the sizes set to numbers (the other atoms kept)."""
    out: dict = {}
    for monomial, c in poly.items():
        rest = tuple((k, e) for k, e in monomial if k not in at)
        for k, e in monomial:
            if k in at:
                c *= at[k] ** e
        out[rest] = out.get(rest, 0) + c
    return {m: c for m, c in out.items() if c}
