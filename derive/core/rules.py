"""Base rules: each a small pure function from a term to the terms it rewrites to.

A rule looks only at the root of what it is given (the kernel chooses the place) and returns ``[]``
when it does not apply; side conditions are asked of the fact prover (``facts.need``), which
records their sources. Each rule is spot-checked by the randomized decider in the tests. The
doctests' ``show`` and ``demo_facts`` are scaffolding, in ``derive/core_examples.py``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import reduce

from derive.core import shapes as S
from derive.core import terms as T
from derive.core.facts import Facts
from derive.core.terms import Add, ConjTranspose, Expr, Identity, Inverse, Mul, Num, Transpose

ONE, ZERO, TWO = Num(Fraction(1)), Num(Fraction(0)), Num(Fraction(2))


def _scalar(e: Expr, facts: Facts) -> bool:
    return S.shape_or_false(e, facts.scope) is None


def _shape(e: Expr, facts: Facts):
    return S.shape_of(e, facts.scope)


def _square(e: Expr, facts: Facts) -> bool:
    return S.is_square(e, facts.scope)


def _split_scalars(m: Mul, facts: Facts):
    scal = [f for f in m.factors if _scalar(f, facts)]
    return scal, [f for f in m.factors if f not in scal]  # equal factors have equal shapes


def _mul(items) -> Expr:
    items = list(items)
    return ONE if not items else items[0] if len(items) == 1 else Mul(tuple(items))


def _real(e: Expr, facts: Facts) -> bool:
    return S.real_valued(e, facts.scope)


def transpose_of_product(e: Expr, facts: Facts) -> list[Expr]:
    """(XY)^T = Y^T X^T; scalar factors pass through (real scalars).
    >>> show(transpose_of_product, Transpose(Mul((Num(Fraction(2)), A, B, x))))
    ['2 (x)^T (B)^T (A)^T']"""
    if isinstance(e, Transpose) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        return [_mul(scal + [Transpose(m) for m in reversed(mats)])]
    return []


def conj_transpose_of_product(e: Expr, facts: Facts) -> list[Expr]:
    """(XY)^H = Y^H X^H (matrix and vector factors; scalar factors are conjugated).
    >>> show(conj_transpose_of_product, ConjTranspose(Mul((A, x))))
    ['(x)^H (A)^H']"""
    if isinstance(e, ConjTranspose) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        return [_mul([T.Conj(s) for s in scal] + [ConjTranspose(m) for m in reversed(mats)])]
    return []


def conj_of_real(e: Expr, facts: Facts) -> list[Expr]:
    """\\bar{s} = s for a real scalar s (real by type, or a complex symbol known to be real).
    >>> show(conj_of_real, T.Conj(c)), show(conj_of_real, T.Conj(c), {"c": {"real"}}, {"c"})
    (['c'], ['c'])"""
    if isinstance(e, T.Conj) and _scalar(e.arg, facts):
        if _real(e.arg, facts) or isinstance(e.arg, T.Sym) and facts.need(e.arg, "real"):
            return [e.arg]
    return []


def inverse_mul_self(e: Expr, facts: Facts) -> list[Expr]:
    """X^{-1}X = I and XX^{-1} = I, for X invertible (the definition of the inverse).
    >>> [show(inverse_mul_self, Mul((Inverse(A), A)), p) for p in ({"A": {"invertible"}}, {})]
    [['I'], []]"""
    if isinstance(e, Mul) and len(e.factors) >= 2:
        fs = e.factors
        for inv, rest in ((fs[0], fs[1:]), (fs[-1], fs[:-1])):
            if isinstance(inv, Inverse) and _mul(rest) == inv.arg:
                if facts.need(inv.arg, "invertible"):
                    return [Identity(_shape(inv.arg, facts)[0])]
    return []


def orthogonal_definition(e: Expr, facts: Facts) -> list[Expr]:
    """Q^TQ = I and QQ^T = I for Q orthogonal (the definition).
    >>> show(orthogonal_definition, Mul((Transpose(Q), Q)), {"Q": {"orthogonal"}})
    ['I']"""
    return _pair_identity(e, facts, Transpose, "orthogonal")


def unitary_definition(e: Expr, facts: Facts) -> list[Expr]:
    """U^HU = I and UU^H = I for U unitary (the definition).
    >>> show(unitary_definition, Mul((U, ConjTranspose(U))), {"U": {"unitary"}}, {"U"})
    ['I']"""
    return _pair_identity(e, facts, ConjTranspose, "unitary")


def _pair_identity(e, facts, op, prop):
    if isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        for p, q in ((a, b), (b, a)):
            if isinstance(p, op) and p.arg == q and facts.need(q, prop):
                return [Identity(_shape(q, facts)[0])]
    return []


def mul_identity(e: Expr, facts: Facts) -> list[Expr]:
    """IX = X and XI = X.
    >>> show(mul_identity, Mul((Identity("n"), A)))
    ['A']"""
    if isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        for eye, other in ((a, b), (b, a)):
            if isinstance(eye, Identity) and _shape(other, facts) not in (None, (1, 1)):
                return [other]  # (x^Tx)I is a matrix: dropping I would make it a number
    return []


def mul_zero(e: Expr, facts: Facts) -> list[Expr]:
    """0X = 0 and X0 = 0.
    >>> show(mul_zero, Mul((A, T.Zero("n", 1))))
    ['0']"""
    if isinstance(e, Mul) and any(isinstance(f, T.Zero) or f == ZERO for f in e.factors):
        s = _shape(e, facts)
        return [ZERO if s is None else T.Zero(*s)]
    return []


def mul_assoc(e: Expr, facts: Facts) -> list[Expr]:
    """X(YZ) = XYZ: a product inside a product loses its parentheses (so -(XY) = (-1)XY).
    >>> show(mul_assoc, Mul((Num(Fraction(-1)), Mul((Transpose(x), y)))))
    ['-1 (x)^T y']"""
    if isinstance(e, Mul) and any(isinstance(f, Mul) for f in e.factors):
        return [T.flat_mul(e.factors)]
    return []


def scalar_arithmetic(e: Expr, facts: Facts) -> list[Expr]:
    """Reorder a sum, regroup a product, compute with scalars: what the kernel allows anyway.
    >>> show(scalar_arithmetic, Add((Mul((Num(Fraction(2)), A)), A)))
    ['2 A + A']"""
    return [e]


def distribute(e: Expr, facts: Facts) -> list[Expr]:
    """X(Y + Z) = XY + XZ and (X + Y)Z = XZ + YZ (one sum factor at a time).
    >>> show(distribute, Mul((A, Add((B, Q)))))
    ['A B + A Q']"""
    if not isinstance(e, Mul):
        return []
    fs = e.factors
    sums = [(i, f) for i, f in enumerate(fs) if isinstance(f, Add)]
    return [Add(tuple(_mul(fs[:i] + (t,) + fs[i + 1 :]) for t in f.terms)) for i, f in sums]


def _whole(e: Expr) -> bool:
    return isinstance(e, Num) and e.value.denominator == 1


def power_definition(e: Expr, facts: Facts) -> list[Expr]:
    """X^k = X X ... X (k factors), for a whole number k ≥ 2.
    >>> show(power_definition, T.Pow(A, Num(Fraction(3))))
    ['A A A']"""
    if isinstance(e, T.Pow) and _whole(e.exp) and 2 <= e.exp.value <= 8:
        return [] if _scalar(e.base, facts) else [Mul((e.base,) * int(e.exp.value))]
    return []


def power_zero(e: Expr, facts: Facts) -> list[Expr]:
    """X^0 = I for a square matrix X (the convention that starts every induction on powers).
    >>> show(power_zero, T.Pow(A, ZERO))
    ['I']"""
    if isinstance(e, T.Pow) and e.exp == ZERO and _square(e.base, facts):
        return [Identity(_shape(e.base, facts)[0])]
    return []


def power_successor(e: Expr, facts: Facts) -> list[Expr]:
    """X^{k+1} = X^k X for a square X and k a whole number (a numeral, or integer with k ≥ 0).
    >>> show(power_successor, T.Pow(A, Add((T.Sym("k"), ONE))), {"k": {"integer"}})  # k may be -1
    []"""
    if not (isinstance(e, T.Pow) and _square(e.base, facts)):
        return []
    p = e.exp
    if _whole(p) and p.value >= 1:
        k: Expr = Num(p.value - 1)
    elif isinstance(p, Add) and ONE in p.terms:
        rest = p.terms[: p.terms.index(ONE)] + p.terms[p.terms.index(ONE) + 1 :]
        k = rest[0] if len(rest) == 1 else Add(rest)
        if not (facts.need(k, "integer") and facts.need(k, "nonnegative")):
            return []
    else:
        return []
    return [Mul((T.Pow(e.base, k), e.base))]


CONJUGATED_FUNCTIONS = ("exp", "sin", "cos")


def function_of_conjugate(e: Expr, facts: Facts) -> list[Expr]:
    """f(PXP^{-1}) = P f(X) P^{-1} for f = exp, sin, cos, P invertible (power series, termwise).
    >>> show(function_of_conjugate, T.Func("exp", Mul((A, B, Inverse(A)))), {"A": {"invertible"}})
    ['A exp(B) (A)^-1']"""
    if isinstance(e, T.Func) and e.name in CONJUGATED_FUNCTIONS and isinstance(e.arg, Mul):
        fs = e.arg.factors
        if len(fs) >= 3 and isinstance(fs[-1], Inverse) and fs[-1].arg == fs[0]:
            if _square(fs[0], facts) and facts.need(fs[0], "invertible"):
                return [Mul((fs[0], T.Func(e.name, _mul(fs[1:-1])), fs[-1]))]
    return []


def function_of_diagonal(e: Expr, facts: Facts) -> list[Expr]:
    """f(D) = diag(f(d_1), ..., f(d_n)) for an explicit diagonal D, f = exp, sin, cos (power series).
    >>> show(function_of_diagonal, T.Func("sin", T.MatrixLit(((c, ZERO), (ZERO, ONE)))))
    ['[sin(c) 0; 0 sin(1)]']"""
    if isinstance(e, T.Func) and e.name in CONJUGATED_FUNCTIONS and isinstance(e.arg, T.MatrixLit):
        m, n = e.arg.rows, len(e.arg.rows)
        if n == len(m[0]) and all(m[i][j] == ZERO for i in range(n) for j in range(n) if i != j):
            d = [
                [T.Func(e.name, v) if i == j else v for j, v in enumerate(r)]
                for i, r in enumerate(m)
            ]
            return [T.MatrixLit(tuple(map(tuple, d)))]
    return []


def exp_of_scalar(e: Expr, facts: Facts) -> list[Expr]:
    """exp(s) = e^s for a scalar s (the exponential of a number is a power of e).
    >>> show(exp_of_scalar, T.Func("exp", c)), show(exp_of_scalar, T.Func("exp", A))
    (['(e)^(c)'], [])"""
    if isinstance(e, T.Func) and e.name == "exp" and _scalar(e.arg, facts):
        return [T.Pow(T.Const("e"), e.arg)]
    return []


def diagonal_square_root(e: Expr, facts: Facts) -> list[Expr]:
    """√X √X = X for X diagonal and positive semidefinite (√X = diag(√λ_i), √λ_i ≥ 0).
    >>> show(diagonal_square_root, Mul((T.Func("sqrt", A),) * 2), {"A": {"diagonal"}})
    []"""
    if isinstance(e, Mul) and len(e.factors) == 2 and e.factors[0] == e.factors[1]:
        r = e.factors[0]
        if isinstance(r, T.Func) and r.name == "sqrt" and _square(r.arg, facts):
            if facts.need(r.arg, "diagonal") and facts.need(r.arg, "positive_semidefinite"):
                return [r.arg]
    return []


def scalar_commute(e: Expr, facts: Facts) -> list[Expr]:
    """A scalar, or a 1×1 product such as x^Ty, commutes with every factor: sX = Xs.
    >>> show(scalar_commute, Mul((Transpose(x), y, z)))
    ['z (x)^T y']"""
    out = []
    if isinstance(e, Mul):
        fs = e.factors
        for i in range(len(fs)):
            for j in range(i + 1, len(fs) + 1):
                seg = _mul(fs[i:j])
                if (i, j) != (0, len(fs)) and S.is_scalar(seg, facts.scope):
                    rest = fs[:i] + fs[j:]
                    places = [k for k in range(len(rest) + 1) if k != i]
                    out += [Mul(rest[:k] + (seg,) + rest[k:]) for k in places]
    return out


def det_of_product(e: Expr, facts: Facts) -> list[Expr]:
    """det(XY) = det(X) det(Y) for square X and Y of one size.
    >>> show(det_of_product, T.Det(Mul((A, B))))
    ['det(A) det(B)']"""
    if isinstance(e, T.Det) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        if not scal and len(mats) >= 2 and all(_square(m, facts) for m in mats):
            return [Mul(tuple(T.Det(m) for m in mats))]
    return []


def det_of_scalar_multiple(e: Expr, facts: Facts) -> list[Expr]:
    """det(cX) = c^k det(X) for c a scalar and X k×k (k a number or a size, such as n).
    >>> show(det_of_scalar_multiple, T.Det(Mul((c, T.MatrixLit(((c, ONE), (ONE, c))))))), show(det_of_scalar_multiple, T.Det(Mul((c, A))))
    (['(c)^(2) det([c 1; 1 c])'], ['(c)^(n) det(A)'])"""
    if isinstance(e, T.Det) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        if scal and mats and (k := facts.scope.size_number(_shape(e.arg, facts)[0])) is not None:
            return [Mul((T.Pow(_mul(scal), k), T.Det(_mul(mats))))]
    return []


def trace_cyclic(e: Expr, facts: Facts) -> list[Expr]:
    """tr(XY) = tr(YX): the trace is invariant under rotating a product.
    >>> show(trace_cyclic, T.Trace(Mul((A, B, Q))))
    ['tr(B Q A)', 'tr(Q A B)']"""
    if isinstance(e, T.Trace) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        return [T.Trace(_mul(scal + mats[k:] + mats[:k])) for k in range(1, len(mats))]
    return []


def trace_of_scalar_multiple(e: Expr, facts: Facts) -> list[Expr]:
    """tr(cX) = c tr(X).
    >>> show(trace_of_scalar_multiple, T.Trace(Mul((Num(Fraction(2)), A))))
    ['2 tr(A)']"""
    if isinstance(e, T.Trace) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        if scal and mats:
            return [_mul(scal + [T.Trace(_mul(mats))])]
    return []


def _outer(statement: str, outer: type, inner: type, result, when=lambda a, facts: True):
    """The rule ``outer(a)`` -> ``result(a)`` for ``a`` an ``inner`` with ``when(a, facts)``.

    >>> Tr, Id = T.Trace, Identity("n")
    >>> ex = [(transpose_of_sum, Transpose(Add((A, B)))),
    ...       (transpose_of_transpose, Transpose(Transpose(A))), (transpose_of_identity, Transpose(Id)),
    ...       (inverse_of_inverse, Inverse(Inverse(A))),
    ...       (inverse_of_identity, Inverse(Id)), (det_of_transpose, T.Det(Transpose(A))),
    ...       (det_of_identity, T.Det(Id)), (det_of_conj_transpose, T.Det(ConjTranspose(U))),
    ...       (trace_of_sum, Tr(Add((A, B)))), (trace_of_transpose, Tr(Transpose(A))),
    ...       (rank_of_transpose, T.Rank(Transpose(Mul((A, B))))),
    ...       (explicit_transpose, Transpose(T.MatrixLit(((c,), (T.Sym("a"),))))),
    ...       (transpose_of_scalar, Transpose(Mul((Transpose(x), y)))),
    ...       (symmetric_transpose, Transpose(Q)), (hermitian_conj_transpose, ConjTranspose(Q)),
    ...       (conj_transpose_real, ConjTranspose(A)), (trace_of_scalar, Tr(Mul((Transpose(y), x)))),
    ...       (det_of_inverse, T.Det(Inverse(A))), (conj_transpose_of_identity, ConjTranspose(Id)),
    ...       (conj_transpose_of_sum, ConjTranspose(Add((A, U)))),
    ...       (conj_transpose_of_conj_transpose, ConjTranspose(ConjTranspose(U)))]
    >>> props = {"Q": {"symmetric", "hermitian"}, "A": {"invertible"}}
    >>> out = [r for rule, t in ex for r in show(rule, t, props, complex_={"U"})]
    >>> out[:8], out[8:12], out[12:]  # doctest: +NORMALIZE_WHITESPACE
    (['(A)^T + (B)^T', 'A', 'I', 'A', 'I', 'det(A)', '1', 'conj(det(U))'],
     ['tr(A) + tr(B)', 'tr(A)', 'rank(A B)', '[c a]'],
     ['(x)^T y', 'Q', 'Q', '(A)^T', '(y)^T x', '(1)/(det(A))', 'I', '(A)^H + (U)^H', 'U'])
    >>> show(det_of_inverse, T.Det(Inverse(A)))  # A may be singular
    []
    """

    def rule(e: Expr, facts: Facts) -> list[Expr]:
        ok = isinstance(e, outer) and isinstance(e.arg, inner) and when(e.arg, facts)
        return [result(e.arg)] if ok else []

    rule.__doc__ = statement
    return rule


def _each(op):
    return lambda a: Add(tuple(op(t) for t in a.terms))


def _one_by_one(a: Expr, facts: Facts) -> bool:
    return _shape(a, facts) in (None, (1, 1))


def _known(prop: str):
    return lambda a, facts: facts.need(a, prop)


def _same(a: Expr) -> Expr:
    return a


def _arg(a: Expr) -> Expr:
    return a.arg


transpose_of_sum = _outer("(X + Y)^T = X^T + Y^T.", Transpose, Add, _each(Transpose))
transpose_of_transpose = _outer("(X^T)^T = X.", Transpose, Transpose, _arg)
transpose_of_identity = _outer("I^T = I.", Transpose, Identity, _same)
conj_transpose_of_sum = _outer("(X + Y)^H = X^H + Y^H.", ConjTranspose, Add, _each(ConjTranspose))
conj_transpose_of_conj_transpose = _outer("(X^H)^H = X.", ConjTranspose, ConjTranspose, _arg)
conj_transpose_of_identity = _outer("I^H = I.", ConjTranspose, Identity, _same)
inverse_of_inverse = _outer("(X^{-1})^{-1} = X.", Inverse, Inverse, _arg)
inverse_of_identity = _outer("I^{-1} = I.", Inverse, Identity, _same)
det_of_transpose = _outer("det(X^T) = det(X).", T.Det, Transpose, lambda a: T.Det(a.arg))
det_of_identity = _outer("det(I) = 1.", T.Det, Identity, lambda a: ONE)
det_of_conj_transpose = _outer(
    "det(X^H) = conj(det(X)).", T.Det, ConjTranspose, lambda a: T.Conj(T.Det(a.arg))
)
trace_of_sum = _outer("tr(X + Y) = tr(X) + tr(Y).", T.Trace, Add, _each(T.Trace))
trace_of_transpose = _outer("tr(X^T) = tr(X).", T.Trace, Transpose, lambda a: T.Trace(a.arg))
rank_of_transpose = _outer(
    "rank(X^T) = rank(X): row rank equals column rank.", T.Rank, Transpose, lambda a: T.Rank(a.arg)
)
explicit_transpose = _outer(
    "The transpose of an explicit matrix, entry by entry (entries may be any scalars).",
    Transpose,
    T.MatrixLit,
    lambda a: T.MatrixLit(tuple(zip(*a.rows, strict=True))),
)
transpose_of_scalar = _outer(
    "s^T = s for a scalar or any 1×1 product (such as x^T y).", Transpose, Expr, _same, _one_by_one
)
symmetric_transpose = _outer(
    "X^T = X for X symmetric (the definition).", Transpose, Expr, _same, _known("symmetric")
)
hermitian_conj_transpose = _outer(
    "X^H = X for X hermitian (the definition).", ConjTranspose, Expr, _same, _known("hermitian")
)
conj_transpose_real = _outer("X^H = X^T for a real X.", ConjTranspose, Expr, Transpose, _real)
trace_of_scalar = _outer("tr(s) = s for a 1×1 product.", T.Trace, Expr, _same, _one_by_one)
det_of_inverse = _outer(
    "det(X^{-1}) = 1/det(X), for X invertible.",
    T.Det,
    Inverse,
    lambda a: T.Frac(ONE, T.Det(a.arg)),
    lambda a, facts: facts.need(a.arg, "invertible"),
)


def arithmetic(e: Expr, facts: Facts) -> list[Expr]:
    """Explicit numbers and matrices computed exactly: a product, sum, inverse, determinant, ...
    >>> m = T.MatrixLit(((ONE, Num(Fraction(2))), (Num(Fraction(3)), Num(Fraction(4)))))
    >>> show(arithmetic, Mul((m, T.MatrixLit(((ONE,), (ONE,)))))), show(arithmetic, Inverse(m))
    (['[3; 7]'], ['[-2 1; 3/2 -1/2]'])"""
    if T.symbols(e) or isinstance(e, (T.MatrixLit, Num)):
        return []
    try:
        value = explicit_value(e)
    except (ValueError, ZeroDivisionError, TypeError, IndexError):
        return []
    return [Num(value) if isinstance(value, Fraction) else _matrix(value)]


def _matrix(rows) -> T.MatrixLit:
    return T.MatrixLit(tuple(tuple(Num(v) for v in row) for row in rows))


MAX_EXPLICIT_EXPONENT = 16


def explicit_value(e: Expr):
    """The exact value of a term with no symbols: a Fraction or a list of rows of Fractions."""
    if isinstance(e, Num):
        return e.value
    if isinstance(e, T.MatrixLit):
        rows = [[explicit_value(x) for x in row] for row in e.rows]
        if any(not isinstance(v, Fraction) for row in rows for v in row):
            raise TypeError("an entry is not a number")
        return rows
    if isinstance(e, Identity) and isinstance(e.dim, int):
        return _eye(e.dim)
    if isinstance(e, T.Zero) and isinstance(e.rows, int) and isinstance(e.cols, int):
        return [[Fraction(0)] * e.cols for _ in range(e.rows)]
    if isinstance(e, Add):
        vals = [explicit_value(t) for t in e.terms]
        return reduce(_add, vals[1:], vals[0])
    if isinstance(e, Mul):
        return reduce(_mul_values, map(explicit_value, e.factors), Fraction(1))
    if isinstance(e, T.Frac):
        den = explicit_value(e.den)
        den = den[0][0] if isinstance(den, list) and len(den) == len(den[0]) == 1 else den
        if not isinstance(den, Fraction):
            raise TypeError("a denominator is a number")
        return _mul_values(1 / den, explicit_value(e.num))
    if isinstance(e, T.Pow) and _whole(e.exp) and abs(e.exp.value) <= MAX_EXPLICIT_EXPONENT:
        base, k = explicit_value(e.base), int(e.exp.value)
        if isinstance(base, Fraction):
            return base**k
        if k < 0:
            base, k = _inverse(base), -k
        return reduce(_mul_values, [base] * k, _eye(len(base)))
    if not isinstance(e, (Transpose, Inverse, T.Det, T.Trace)):
        raise TypeError(f"{type(e).__name__} is not computed exactly")
    v = explicit_value(e.arg)
    if isinstance(v, Fraction):
        return 1 / v if isinstance(e, Inverse) else v
    if isinstance(e, Transpose):
        return [list(col) for col in zip(*v, strict=True)]
    if isinstance(e, Inverse):
        return _inverse(v)
    if isinstance(e, T.Trace):
        return sum((v[i][i] for i in range(len(v))), Fraction(0))
    if len(v) != len(v[0]):
        raise ValueError("a determinant needs a square matrix")
    return _eliminate(v)[1]


def _eye(n: int) -> list:
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def _add(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    if isinstance(a, Fraction) or isinstance(b, Fraction) or len(a) != len(b):
        raise ValueError("the shapes of a sum do not fit")
    return [[p + q for p, q in zip(r, s, strict=True)] for r, s in zip(a, b, strict=True)]


def _mul_values(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a * b
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        k, m = (a, b) if isinstance(a, Fraction) else (b, a)
        return [[k * v if k is a else v * k for v in row] for row in m]
    if len(a) == len(a[0]) == 1 and len(b) != 1:
        return _mul_values(a[0][0], b)  # a 1×1 product is a scalar factor
    if len(b) == len(b[0]) == 1 and len(a[0]) != 1:
        return _mul_values(a, b[0][0])
    if len(a[0]) != len(b):
        raise ValueError("the inner sizes of a product do not match")
    cols = range(len(b[0]))
    return [[sum((r[k] * b[k][j] for k in range(len(b))), Fraction(0)) for j in cols] for r in a]


def _eliminate(m):
    """Gauss-Jordan on a copy of ``m``: (reduced rows, determinant factor of the square part)."""
    rows, det = [list(r) for r in m], Fraction(1)
    n = len(rows)
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return rows, Fraction(0)
        if pivot != col:
            rows[col], rows[pivot], det = rows[pivot], rows[col], -det
        p = rows[col][col]
        det *= p
        rows[col] = [v / p for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [v - f * w for v, w in zip(rows[r], rows[col], strict=True)]
    return rows, det


def _inverse(m):
    n = len(m)
    if n != len(m[0]):
        raise ValueError("an inverse needs a square matrix")
    rows, det = _eliminate([list(r) + e for r, e in zip(m, _eye(n), strict=True)])
    if det == 0:
        raise ZeroDivisionError("the matrix is singular")
    return [r[n:] for r in rows]


def _pivot(row):
    return next((k for k, v in enumerate(row) if v != 0), None)


def row_operation(e: Expr, facts: Facts) -> list:
    """One elementary row operation on an explicit matrix (swap, scale by c ≠ 0, add c·row).
    The result is row-equivalent (``\\sim``), not equal: a step by this rule must say ``rel = '~'``.
    >>> show(row_operation, T.MatrixLit(((ONE, ONE), (ONE, ONE))))[:1]
    [('~', '[1 1; 1 1]')]"""
    if not isinstance(e, T.MatrixLit) or any(not isinstance(v, Num) for r in e.rows for v in r):
        return []
    rows = [[v.value for v in r] for r in e.rows]
    out = []
    for i in range(len(rows)):
        for j in range(len(rows)):
            if i == j:
                continue
            if i < j:
                swapped = list(rows)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                out.append(swapped)
            col = _pivot(rows[j])
            if col is not None and (f := -rows[i][col] / rows[j][col]) != 0:
                new = [a + f * b for a, b in zip(rows[i], rows[j], strict=True)]
                out.append(rows[:i] + [new] + rows[i + 1 :])
        p = _pivot(rows[i])
        if p is not None and rows[i][p] not in (0, 1):
            out.append(rows[:i] + [[a / rows[i][p] for a in rows[i]]] + rows[i + 1 :])
    return [("~", _matrix(m)) for m in out]


def one_by_one_entry(e: Expr, facts: Facts) -> list[Expr]:
    """A 1×1 explicit matrix is its single entry: [s] = s (a 1×1 product is a scalar).
    >>> show(one_by_one_entry, T.MatrixLit(((Num(Fraction(12)),),)))
    ['12']"""
    if isinstance(e, T.MatrixLit) and len(e.rows) == 1 and len(e.rows[0]) == 1:
        return [e.rows[0][0]]
    return []


def explicit_product(e: Expr, facts: Facts) -> list[Expr]:
    """The product of two explicit matrices, entry by entry: (XY)_ij = X_i1 Y_1j + ... + X_ik Y_kj.
    >>> show(explicit_product, Mul((T.MatrixLit(((c, T.Sym("a")),)), T.MatrixLit(((B,), (c,))))))
    ['[c B + a c]']"""
    if isinstance(e, Mul) and [type(f) for f in e.factors] == [T.MatrixLit, T.MatrixLit]:
        left, right = e.factors[0].rows, e.factors[1].rows
        if len(left[0]) == len(right):

            def entry(i, j):
                terms = tuple(Mul((left[i][k], right[k][j])) for k in range(len(right)))
                return terms[0] if len(terms) == 1 else Add(terms)

            cols = range(len(right[0]))
            return [T.MatrixLit(tuple(tuple(entry(i, j) for j in cols) for i in range(len(left))))]
    return []


def _adjoint(v: Expr, facts: Facts) -> Expr:
    return Transpose(v) if _real(v, facts) else ConjTranspose(v)


def norm_squared(e: Expr, facts: Facts) -> list[Expr]:
    """\\|v\\|^2 = v^T v for a real vector (v^H v for a complex one).
    >>> show(norm_squared, T.Pow(T.Norm(Mul((A, x))), TWO))
    ['(A x)^T A x']"""
    if isinstance(e, T.Pow) and isinstance(e.base, T.Norm) and e.exp == TWO:
        v = e.base.arg
        s = _shape(v, facts)
        if s is not None and s[1] == 1:
            return [Mul((_adjoint(v, facts), v))]
    return []


def norm_definition(e: Expr, facts: Facts) -> list[Expr]:
    """\\|v\\| = \\sqrt{v^Tv} for a real vector (\\sqrt{v^Hv} for a complex one): the length.
    >>> show(norm_definition, T.Norm(Mul((Q, x))))
    ['sqrt((Q x)^T Q x)']"""
    if isinstance(e, T.Norm) and (_shape(e.arg, facts) or (0, 0))[1] == 1:
        return [T.Func("sqrt", Mul((_adjoint(e.arg, facts), e.arg)))]
    return []


def abs_definition(e: Expr, facts: Facts) -> list[Expr]:
    """|z| = \\sqrt{z\\bar{z}} for a scalar z: the modulus (for a real z, \\sqrt{z^2}).
    >>> show(abs_definition, T.Abs(T.Det(U)), complex_={"U"})
    ['sqrt(det(U) conj(det(U)))']"""
    if isinstance(e, T.Abs) and _scalar(e.arg, facts):
        return [T.Func("sqrt", Mul((e.arg, T.Conj(e.arg))))]
    return []


def sqrt_of_square(e: Expr, facts: Facts) -> list[Expr]:
    """\\sqrt{a^2} = a for a ≥ 0 (a number ≥ 0, a norm, an absolute value, or a scalar the fact
    prover shows positive); and \\sqrt{q} = r for an explicit q = r^2 with r ≥ 0.
    >>> [show(sqrt_of_square, T.Func("sqrt", a)) for a in (Num(Fraction(9, 4)), T.Pow(c, TWO))]
    [['3/2'], []]"""
    if not (isinstance(e, T.Func) and e.name == "sqrt"):
        return []
    a = e.arg
    if isinstance(a, Num) and a.value >= 0:
        root = Fraction(math.isqrt(a.value.numerator), math.isqrt(a.value.denominator))
        if root**2 == a.value:
            return [Num(root)]
    if isinstance(a, T.Pow) and a.exp == TWO and _scalar(a.base, facts):
        b = a.base
        known = isinstance(b, Num) and b.value >= 0 or isinstance(b, (T.Norm, T.Abs))
        return [b] if known or facts.need(b, "positive") else []
    return []


def quadratic_form(e: Expr, facts: Facts):
    """(z, M) for e = z^T M z (or z^H M z), with M = None for z^T z; else None.

    >>> quadratic_form(Mul((Transpose(Mul((B, x))), A, B, x)), demo_facts())
    (Mul(factors=(Sym(name='B'), Sym(name='x'))), Sym(name='A'))
    >>> quadratic_form(Mul((Transpose(x), A, y)), demo_facts()) is None
    True
    """
    if not isinstance(e, Mul):
        return None
    fs = e.factors
    if len(fs) >= 2 and isinstance(fs[0], (Transpose, ConjTranspose)):
        z = fs[0].arg  # products are flat: z^T(B^TB)z is written z^T B^T B z, M = B^TB
        if fs[-1] == z and _shape(z, facts) not in (None, (1, 1)):
            return (z, None) if len(fs) == 2 else (z, _mul(fs[1:-1]))
    if len(fs) >= 3 and isinstance(fs[0], (Transpose, ConjTranspose)) and type(fs[0].arg) is Mul:
        z = fs[0].arg  # products are flat: (Bz)^T M (Bz) is written (Bz)^T M B z
        k = len(z.factors)
        if len(fs) - 1 in (k, k + 1) and fs[len(fs) - k :] == z.factors:
            if _shape(z, facts) not in (None, (1, 1)):
                return z, (None if len(fs) - 1 == k else fs[1])
    return None


def _form(e: Expr, facts: Facts, square: bool):
    """(z, M) of a quadratic form (M None for z^Tz), if it is real for hermitian M: z^H M z, or
    z^T M z with z real (for z = ix it is -x^TMx); else None."""
    form = quadratic_form(e, facts)
    if form and (form[1] is not None) == square:
        if isinstance(e.factors[0], ConjTranspose) or _real(form[0], facts):
            return form
    return None


def positive_definite_definition(e: Expr, facts: Facts) -> list:
    """z^T M z > 0 for M positive definite and z ≠ 0 (the definition).
    >>> show(positive_definite_definition, Mul((Transpose(z), A, z)), {"A": {"positive_definite"}})
    []"""
    form = _form(e, facts, True)
    if form and facts.need(form[1], "positive_definite") and facts.need(form[0], "nonzero"):
        return [(">", ZERO)]
    return []


def positive_semidefinite_definition(e: Expr, facts: Facts) -> list:
    """z^T M z ≥ 0 for M positive semidefinite (the definition).
    >>> show(positive_semidefinite_definition, Mul((Transpose(z), A, z)), {"A": {"definite"}})
    []"""
    form = _form(e, facts, True)
    return [(">=", ZERO)] if form and facts.need(form[1], "positive_semidefinite") else []


def norm_squared_positive(e: Expr, facts: Facts) -> list:
    """z^T z > 0 for z ≠ 0, and z^T z ≥ 0 always (a sum of squares).
    >>> show(norm_squared_positive, Mul((Transpose(z), z)), {"z": {"nonzero"}})
    [('>=', '0'), ('>', '0')]"""
    form = _form(e, facts, False)
    if form is None:
        return []
    return [(">=", ZERO)] + ([(">", ZERO)] if facts.need(form[0], "nonzero") else [])


def drop_nonnegative_term(e: Expr, facts: Facts) -> list:
    """s + t ≥ t when s ≥ 0 by positive-semidefinite-definition or norm-squared-positive.
    >>> show(drop_nonnegative_term, Add((Mul((Transpose(z), z)), c)))
    [('>=', 'c')]"""
    out = []
    if isinstance(e, Add) and len(e.terms) >= 2:
        for i, t in enumerate(e.terms):
            rules = (positive_semidefinite_definition, norm_squared_positive)
            rest = e.terms[:i] + e.terms[i + 1 :]  # an order needs real numbers: t real too
            if all(_real(r, facts) for r in rest) and any(
                rel == ">=" for rule in rules for rel, _ in rule(t, facts)
            ):
                out.append((">=", rest[0] if len(rest) == 1 else Add(rest)))
    return out


def _table(names: str) -> dict:
    return {n: globals()[n.replace("-", "_")] for n in names.split()}


RELATIONAL_RULES = _table(
    "row-operation positive-definite-definition positive-semidefinite-definition"
    " norm-squared-positive drop-nonnegative-term"
)

BASE_RULES = _table(  # in the order that ``derive rules`` lists them
    "transpose-of-product transpose-of-sum transpose-of-transpose transpose-of-identity"
    " transpose-of-scalar symmetric-transpose hermitian-conj-transpose conj-transpose-of-product"
    " conj-transpose-of-sum conj-transpose-of-conj-transpose conj-transpose-of-identity"
    " conj-transpose-real inverse-mul-self inverse-of-inverse inverse-of-identity"
    " orthogonal-definition unitary-definition mul-identity mul-zero mul-assoc distribute"
    " scalar-arithmetic power-definition power-zero power-successor function-of-conjugate"
    " function-of-diagonal exp-of-scalar diagonal-square-root scalar-commute det-of-product"
    " det-of-transpose det-of-inverse det-of-identity det-of-conj-transpose det-of-scalar-multiple conj-of-real trace-cyclic"
    " trace-of-scalar trace-of-sum trace-of-transpose trace-of-scalar-multiple norm-squared"
    " arithmetic one-by-one-entry explicit-transpose explicit-product norm-definition"
    " abs-definition sqrt-of-square rank-of-transpose"
)
