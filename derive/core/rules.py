"""Base rules: each a small pure function from a term to the terms it rewrites to.

A rule looks only at the root of what it is given (the kernel chooses the place) and returns ``[]``
when it does not apply. Side conditions (invertible, symmetric, nonzero, ...) are asked of the
fact prover (``facts.need``), which records where each came from; a rule never decides them
itself. Every rule is also spot-checked by the randomized decider in ``tests/test_rules.py``.

>>> show(transpose_of_product, Transpose(Mul((A, B))))
['(B)^T (A)^T']
"""

from __future__ import annotations

from fractions import Fraction

from derive.core.facts import Facts
from derive.core.terms import (
    Add,
    ConjTranspose,
    Conj,
    Det,
    Expr,
    Frac,
    Func,
    Has,
    Identity,
    Inverse,
    MatrixLit,
    Mul,
    Norm,
    Num,
    Pow,
    Sym,
    Trace,
    Transpose,
    Zero,
    text,
)
from derive.core.shapes import (
    MATRIX,
    SCALAR,
    VECTOR,
    Scope,
    SymbolType,
    TypeFault,
    is_scalar,
    real_valued,
    shape_of,
)

ONE = Num(Fraction(1))


def demo_facts(props: dict[str, set[str]] | None = None, complex_: set[str] = frozenset()) -> Facts:
    """Facts for examples: A..H, P, Q, S, U, M n×n matrices, x, y, z, v n-vectors, a, b, c, k, s
    scalars, with the declared properties ``props`` (hypotheses)."""
    props = props or {}
    syms = []
    for name in "ABCDEFGHMPQSU":
        syms.append((name, SymbolType(MATRIX, "n", "n", _props(name, props, complex_))))
    for name in "xyzv":
        syms.append((name, SymbolType(VECTOR, "n", 1, _props(name, props, complex_))))
    for name in "abcks":
        syms.append((name, SymbolType(SCALAR, 1, 1, _props(name, props, complex_))))
    hyps = [(f"{n} {p}", Has(Sym(n), p)) for n, ps in props.items() for p in sorted(ps)]
    return Facts(Scope(tuple(syms), frozenset({"n"})), hyps)


def _props(name, props, complex_):
    return frozenset(props.get(name, set())) | ({"complex"} if name in complex_ else {"real"})


A, B, Q, S, U, x, y, z, c = (Sym(n) for n in "ABQSUxyzc")


def show(rule, e: Expr, props: dict | None = None, complex_: set[str] = frozenset()) -> list[str]:
    """The rewrites of ``rule`` at the root of ``e``, as plain text (for doctests)."""
    out = rule(e, demo_facts(props, complex_))
    return [text(r) if isinstance(r, Expr) else (r[0], text(r[1])) for r in out]


def _scalar(e: Expr, facts: Facts) -> bool:
    try:
        return shape_of(e, facts.scope) is None
    except TypeFault:
        return False


def _shape(e: Expr, facts: Facts):
    return shape_of(e, facts.scope)


def _square(e: Expr, facts: Facts) -> bool:
    s = _shape(e, facts)
    return s is not None and s[0] == s[1] and s[0] != 1


def _split_scalars(m: Mul, facts: Facts):
    scal = [f for f in m.factors if _scalar(f, facts)]
    mats = [f for f in m.factors if not _scalar(f, facts)]
    return scal, mats


def _mul(items) -> Expr:
    items = list(items)
    if not items:
        return ONE
    return items[0] if len(items) == 1 else Mul(tuple(items))


# ---------------------------------------------------------------- transpose laws

def transpose_of_product(e: Expr, facts: Facts) -> list[Expr]:
    """(XY)^T = Y^T X^T; scalar factors pass through (real scalars).

    >>> show(transpose_of_product, Transpose(Mul((Num(Fraction(2)), A, B, x))))
    ['2 (x)^T (B)^T (A)^T']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        return [_mul(scal + [Transpose(m) for m in reversed(mats)])]
    return []


def transpose_of_sum(e: Expr, facts: Facts) -> list[Expr]:
    """(X + Y)^T = X^T + Y^T.

    >>> show(transpose_of_sum, Transpose(Add((A, B))))
    ['(A)^T + (B)^T']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Add):
        return [Add(tuple(Transpose(t) for t in e.arg.terms))]
    return []


def transpose_of_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """(X^T)^T = X.

    >>> show(transpose_of_transpose, Transpose(Transpose(A)))
    ['A']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Transpose):
        return [e.arg.arg]
    return []


def transpose_of_identity(e: Expr, facts: Facts) -> list[Expr]:
    """I^T = I.

    >>> show(transpose_of_identity, Transpose(Identity("n")))
    ['I']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Identity):
        return [e.arg]
    return []


def transpose_of_scalar(e: Expr, facts: Facts) -> list[Expr]:
    """s^T = s for a scalar or any 1×1 product (such as x^T y).

    >>> show(transpose_of_scalar, Transpose(Mul((Transpose(x), y))))
    ['(x)^T y']
    """
    if isinstance(e, Transpose) and _shape(e.arg, facts) in (None, (1, 1)):
        return [e.arg]
    return []


def symmetric_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """X^T = X for X symmetric (the definition).

    >>> show(symmetric_transpose, Transpose(S), {"S": {"symmetric"}})
    ['S']
    """
    if isinstance(e, Transpose) and facts.need(e.arg, "symmetric"):
        return [e.arg]
    return []


def hermitian_conj_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """X^H = X for X hermitian (the definition).

    >>> show(hermitian_conj_transpose, ConjTranspose(S), {"S": {"hermitian"}}, {"S"})
    ['S']
    """
    if isinstance(e, ConjTranspose) and facts.need(e.arg, "hermitian"):
        return [e.arg]
    return []


def conj_transpose_of_product(e: Expr, facts: Facts) -> list[Expr]:
    """(XY)^H = Y^H X^H (matrix and vector factors; scalar factors are conjugated).

    >>> show(conj_transpose_of_product, ConjTranspose(Mul((A, x))))
    ['(x)^H (A)^H']
    """
    if isinstance(e, ConjTranspose) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        return [_mul([Conj(s) for s in scal] + [ConjTranspose(m) for m in reversed(mats)])]
    return []


def conj_transpose_real(e: Expr, facts: Facts) -> list[Expr]:
    """X^H = X^T for a real X.

    >>> show(conj_transpose_real, ConjTranspose(A))
    ['(A)^T']
    """
    if isinstance(e, ConjTranspose) and real_valued(e.arg, facts.scope):
        return [Transpose(e.arg)]
    return []


# ---------------------------------------------------------------- the inverse

def inverse_mul_self(e: Expr, facts: Facts) -> list[Expr]:
    """X^{-1}X = I and XX^{-1} = I, for X invertible (the definition of the inverse).

    >>> show(inverse_mul_self, Mul((Inverse(A), A)), {"A": {"invertible"}})
    ['I']
    >>> show(inverse_mul_self, Mul((Inverse(A), A)))  # A may be singular
    []
    """
    if isinstance(e, Mul) and len(e.factors) >= 2:
        fs = e.factors
        for inv, rest in ((fs[0], fs[1:]), (fs[-1], fs[:-1])):
            if isinstance(inv, Inverse) and _mul(rest) == inv.arg and facts.need(
                    inv.arg, "invertible"):
                return [Identity(_shape(inv.arg, facts)[0])]
    return []


def inverse_of_inverse(e: Expr, facts: Facts) -> list[Expr]:
    """(X^{-1})^{-1} = X.

    >>> show(inverse_of_inverse, Inverse(Inverse(A)), {"A": {"invertible"}})
    ['A']
    """
    if isinstance(e, Inverse) and isinstance(e.arg, Inverse):
        return [e.arg.arg]
    return []


def inverse_of_identity(e: Expr, facts: Facts) -> list[Expr]:
    """I^{-1} = I.

    >>> show(inverse_of_identity, Inverse(Identity("n")))
    ['I']
    """
    if isinstance(e, Inverse) and isinstance(e.arg, Identity):
        return [e.arg]
    return []


def orthogonal_definition(e: Expr, facts: Facts) -> list[Expr]:
    """Q^TQ = I and QQ^T = I for Q orthogonal (the definition).

    >>> show(orthogonal_definition, Mul((Transpose(Q), Q)), {"Q": {"orthogonal"}})
    ['I']
    """
    return _pair_identity(e, facts, Transpose, "orthogonal")


def unitary_definition(e: Expr, facts: Facts) -> list[Expr]:
    """U^HU = I and UU^H = I for U unitary (the definition).

    >>> show(unitary_definition, Mul((U, ConjTranspose(U))), {"U": {"unitary"}}, {"U"})
    ['I']
    """
    return _pair_identity(e, facts, ConjTranspose, "unitary")


def _pair_identity(e, facts, op, prop):
    if isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        for x, y in ((a, b), (b, a)):
            if isinstance(x, op) and x.arg == y and facts.need(y, prop):
                return [Identity(_shape(y, facts)[0])]
    return []


# ---------------------------------------------------------------- ring laws

def mul_identity(e: Expr, facts: Facts) -> list[Expr]:
    """IX = X and XI = X.

    >>> show(mul_identity, Mul((Identity("n"), A)))
    ['A']
    """
    if isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        for eye, other in ((a, b), (b, a)):
            if isinstance(eye, Identity) and _shape(other, facts) not in (None, (1, 1)):
                return [other]  # (x^Tx)I is a matrix: dropping I would make it a number
    return []


def mul_zero(e: Expr, facts: Facts) -> list[Expr]:
    """0X = 0 and X0 = 0.

    >>> show(mul_zero, Mul((A, Zero("n", 1))))
    ['0']
    """
    if isinstance(e, Mul) and any(isinstance(f, Zero) or f == Num(Fraction(0)) for f in e.factors):
        s = _shape(e, facts)
        return [Num(Fraction(0)) if s is None else Zero(*s)]
    return []


def mul_assoc(e: Expr, facts: Facts) -> list[Expr]:
    """X(YZ) = XYZ: a product inside a product loses its parentheses (so -(XY) = (-1)XY).

    >>> show(mul_assoc, Mul((Num(Fraction(-1)), Mul((Transpose(x), y)))))
    ['-1 (x)^T y']
    >>> show(mul_assoc, Mul((A, B)))
    []
    """
    if isinstance(e, Mul) and any(isinstance(f, Mul) for f in e.factors):
        flat: list[Expr] = []
        for f in e.factors:
            flat.extend(f.factors if isinstance(f, Mul) else (f,))
        return [Mul(tuple(flat))]
    return []


def scalar_arithmetic(e: Expr, facts: Facts) -> list[Expr]:
    """Nothing but what the kernel already allows: reorder a sum, regroup a product, compute with
    scalars (2 \\cdot 3 = 6, c\\,d = d\\,c). A step by this rule is checked like any other.

    >>> show(scalar_arithmetic, Add((Mul((Num(Fraction(2)), A)), A)))
    ['2 A + A']
    """
    return [e]


def distribute(e: Expr, facts: Facts) -> list[Expr]:
    """X(Y + Z) = XY + XZ and (X + Y)Z = XZ + YZ (one sum factor at a time).

    >>> show(distribute, Mul((A, Add((B, Q)))))
    ['A B + A Q']
    """
    out = []
    if isinstance(e, Mul):
        fs = e.factors
        for i, f in enumerate(fs):
            if isinstance(f, Add):
                out.append(Add(tuple(_mul(fs[:i] + (t,) + fs[i + 1 :]) for t in f.terms)))
    return out


def power_definition(e: Expr, facts: Facts) -> list[Expr]:
    """X^k = X X ... X (k factors), for a whole number k ≥ 2.

    >>> show(power_definition, Pow(A, Num(Fraction(3))))
    ['A A A']
    """
    if isinstance(e, Pow) and isinstance(e.exp, Num) and e.exp.value.denominator == 1 and (
            2 <= e.exp.value <= 8) and not _scalar(e.base, facts):
        return [Mul((e.base,) * int(e.exp.value))]
    return []


def power_zero(e: Expr, facts: Facts) -> list[Expr]:
    """X^0 = I for a square matrix X (the convention that starts every induction on powers).

    >>> show(power_zero, Pow(A, Num(Fraction(0))))
    ['I']
    """
    if isinstance(e, Pow) and e.exp == Num(Fraction(0)) and _square(e.base, facts):
        return [Identity(_shape(e.base, facts)[0])]
    return []


def power_successor(e: Expr, facts: Facts) -> list[Expr]:
    """X^{k+1} = X^k X for a square X and a whole number k ≥ 0 (k a numeral, or k integer and
    k ≥ 0 known): for k < 0 and singular X, X^k is undefined.

    >>> show(power_successor, Pow(A, Add((Sym("k"), ONE))), {"k": {"integer", "nonnegative"}})
    ['(A)^(k) A']
    >>> show(power_successor, Pow(A, Add((Sym("k"), ONE))), {"k": {"integer"}})  # k may be -1
    []
    """
    if not (isinstance(e, Pow) and _square(e.base, facts)):
        return []
    x = e.exp
    if isinstance(x, Num) and x.value.denominator == 1 and x.value >= 1:
        k: Expr = Num(x.value - 1)
    elif isinstance(x, Add) and ONE in x.terms:
        rest = list(x.terms)
        rest.remove(ONE)
        k = rest[0] if len(rest) == 1 else Add(tuple(rest))
        if not (facts.need(k, "integer") and facts.need(k, "nonnegative")):
            return []
    else:
        return []
    return [Mul((Pow(e.base, k), e.base))]


CONJUGATED_FUNCTIONS = ("exp", "sin", "cos")


def function_of_conjugate(e: Expr, facts: Facts) -> list[Expr]:
    """f(PXP^{-1}) = P f(X) P^{-1} for f = exp, sin, cos and P invertible: the partial sums of the
    power series agree term by term, (PXP^{-1})^k = PX^kP^{-1} (the catalogue's
    matrix-powers-diagonalizable), and X -> PXP^{-1} is continuous, so it passes to the limit.

    >>> show(function_of_conjugate, Func("exp", Mul((A, B, Inverse(A)))), {"A": {"invertible"}})
    ['A exp(B) (A)^-1']
    >>> show(function_of_conjugate, Func("exp", Mul((A, B, Inverse(A)))))  # A may be singular
    []
    """
    if isinstance(e, Func) and e.name in CONJUGATED_FUNCTIONS and isinstance(e.arg, Mul):
        fs = e.arg.factors
        if len(fs) >= 3 and isinstance(fs[-1], Inverse) and fs[-1].arg == fs[0] and _square(
                fs[0], facts) and facts.need(fs[0], "invertible"):
            return [Mul((fs[0], Func(e.name, _mul(fs[1:-1])), fs[-1]))]
    return []


def diagonal_square_root(e: Expr, facts: Facts) -> list[Expr]:
    """√X √X = X for X diagonal with nonnegative entries (diagonal and positive semidefinite):
    √X is diagonal with the entries √λ_i ≥ 0, and √λ_i √λ_i = λ_i.

    >>> show(diagonal_square_root, Mul((Func("sqrt", A), Func("sqrt", A))),
    ...      {"A": {"diagonal", "positive_semidefinite"}})
    ['A']
    >>> show(diagonal_square_root, Mul((Func("sqrt", A), Func("sqrt", A))), {"A": {"diagonal"}})
    []
    """
    if isinstance(e, Mul) and len(e.factors) == 2 and e.factors[0] == e.factors[1]:
        r = e.factors[0]
        if isinstance(r, Func) and r.name == "sqrt" and _square(r.arg, facts) and facts.need(
                r.arg, "diagonal") and facts.need(r.arg, "positive_semidefinite"):
            return [r.arg]
    return []


def scalar_commute(e: Expr, facts: Facts) -> list[Expr]:
    """A scalar, or a 1×1 product such as x^Ty, commutes with every factor: sX = Xs.

    >>> show(scalar_commute, Mul((Transpose(x), y, z)))
    ['z (x)^T y']
    """
    out = []
    if isinstance(e, Mul):
        fs = e.factors
        for i in range(len(fs)):
            for j in range(i + 1, len(fs) + 1):
                seg = _mul(fs[i:j])
                if (i, j) != (0, len(fs)) and is_scalar(seg, facts.scope):
                    rest = fs[:i] + fs[j:]
                    for k in range(len(rest) + 1):
                        if k != i:
                            out.append(Mul(rest[:k] + (seg,) + rest[k:]))
    return out


# ---------------------------------------------------------------- determinant and trace

def det_of_product(e: Expr, facts: Facts) -> list[Expr]:
    """det(XY) = det(X) det(Y) for square X and Y of one size.

    >>> show(det_of_product, Det(Mul((A, B))))
    ['det(A) det(B)']
    """
    if isinstance(e, Det) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        if not scal and len(mats) >= 2 and all(_square(m, facts) for m in mats):
            return [Mul(tuple(Det(m) for m in mats))]
    return []


def det_of_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """det(X^T) = det(X).

    >>> show(det_of_transpose, Det(Transpose(A)))
    ['det(A)']
    """
    if isinstance(e, Det) and isinstance(e.arg, Transpose):
        return [Det(e.arg.arg)]
    return []


def det_of_inverse(e: Expr, facts: Facts) -> list[Expr]:
    """det(X^{-1}) = 1/det(X), for X invertible.

    >>> show(det_of_inverse, Det(Inverse(A)), {"A": {"invertible"}})
    ['(1)/(det(A))']
    """
    if isinstance(e, Det) and isinstance(e.arg, Inverse) and facts.need(
            e.arg.arg, "invertible"):
        return [Frac(ONE, Det(e.arg.arg))]
    return []


def det_of_identity(e: Expr, facts: Facts) -> list[Expr]:
    """det(I) = 1.

    >>> show(det_of_identity, Det(Identity("n")))
    ['1']
    """
    if isinstance(e, Det) and isinstance(e.arg, Identity):
        return [ONE]
    return []


def det_of_conj_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """det(X^H) = conj(det(X)).

    >>> show(det_of_conj_transpose, Det(ConjTranspose(U)), {}, {"U"})
    ['conj(det(U))']
    """
    if isinstance(e, Det) and isinstance(e.arg, ConjTranspose):
        return [Conj(Det(e.arg.arg))]
    return []


def trace_cyclic(e: Expr, facts: Facts) -> list[Expr]:
    """tr(XY) = tr(YX): the trace is invariant under rotating a product.

    >>> show(trace_cyclic, Trace(Mul((A, B, Q))))
    ['tr(B Q A)', 'tr(Q A B)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        out = []
        for k in range(1, len(mats)):
            rotated = mats[k:] + mats[:k]
            out.append(Trace(_mul(scal + rotated)))
        return out
    return []


def trace_of_scalar(e: Expr, facts: Facts) -> list[Expr]:
    """tr(s) = s for a 1×1 product.

    >>> show(trace_of_scalar, Trace(Mul((Transpose(y), x))))
    ['(y)^T x']
    """
    if isinstance(e, Trace) and _shape(e.arg, facts) in (None, (1, 1)):
        return [e.arg]
    return []


def trace_of_sum(e: Expr, facts: Facts) -> list[Expr]:
    """tr(X + Y) = tr(X) + tr(Y).

    >>> show(trace_of_sum, Trace(Add((A, B))))
    ['tr(A) + tr(B)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Add):
        return [Add(tuple(Trace(t) for t in e.arg.terms))]
    return []


def trace_of_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """tr(X^T) = tr(X).

    >>> show(trace_of_transpose, Trace(Transpose(A)))
    ['tr(A)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Transpose):
        return [Trace(e.arg.arg)]
    return []


def trace_of_scalar_multiple(e: Expr, facts: Facts) -> list[Expr]:
    """tr(cX) = c tr(X).

    >>> show(trace_of_scalar_multiple, Trace(Mul((Num(Fraction(2)), A))))
    ['2 tr(A)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, facts)
        if scal and mats:
            return [_mul(scal + [Trace(_mul(mats))])]
    return []


# ---------------------------------------------------------------- vectors and norms

def norm_squared(e: Expr, facts: Facts) -> list[Expr]:
    """\\|v\\|^2 = v^T v for a real vector (v^H v for a complex one).

    >>> show(norm_squared, Pow(Norm(Mul((A, x))), Num(Fraction(2))))
    ['(A x)^T A x']
    """
    if isinstance(e, Pow) and isinstance(e.base, Norm) and e.exp == Num(Fraction(2)):
        v = e.base.arg
        s = _shape(v, facts)
        if s is not None and s[1] == 1:
            op = Transpose if real_valued(v, facts.scope) else ConjTranspose
            return [Mul((op(v), v))]
    return []


# ---------------------------------------------------------------- explicit matrices

def arithmetic(e: Expr, facts: Facts) -> list[Expr]:
    """Explicit numbers and matrices computed exactly: a product, sum, inverse, determinant, ...

    >>> m = MatrixLit(((Num(Fraction(1)), Num(Fraction(2))), (Num(Fraction(3)), Num(Fraction(4)))))
    >>> show(arithmetic, Mul((m, MatrixLit(((ONE,), (ONE,))))))
    ['[3; 7]']
    >>> show(arithmetic, Det(m)), show(arithmetic, Inverse(m))
    (['-2'], ['[-2 1; 3/2 -1/2]'])
    """
    from derive.core.terms import symbols

    if symbols(e) or isinstance(e, (MatrixLit, Num)):
        return []
    try:
        value = explicit_value(e)
    except (ValueError, ZeroDivisionError, TypeError, IndexError):
        return []
    if isinstance(value, Fraction):
        return [Num(value)]
    return [MatrixLit(tuple(tuple(Num(v) for v in row) for row in value))]


MAX_EXPLICIT_EXPONENT = 16


def explicit_value(e: Expr):
    """The exact value of a term with no symbols: a Fraction or a list of rows of Fractions."""
    if isinstance(e, Num):
        return e.value
    if isinstance(e, MatrixLit):
        rows = [[explicit_value(x) for x in row] for row in e.rows]
        if any(not isinstance(v, Fraction) for row in rows for v in row):
            raise TypeError("an entry is not a number")
        return rows
    if isinstance(e, Identity) and isinstance(e.dim, int):
        return [[Fraction(int(i == j)) for j in range(e.dim)] for i in range(e.dim)]
    if isinstance(e, Zero) and isinstance(e.rows, int) and isinstance(e.cols, int):
        return [[Fraction(0)] * e.cols for _ in range(e.rows)]
    if isinstance(e, Add):
        vals = [explicit_value(t) for t in e.terms]
        out = vals[0]
        for v in vals[1:]:
            out = _add(out, v)
        return out
    if isinstance(e, Mul):
        out = Fraction(1)
        for f in e.factors:
            out = _mul_values(out, explicit_value(f))
        return out
    if isinstance(e, Frac):
        den = explicit_value(e.den)
        den = den[0][0] if isinstance(den, list) and len(den) == len(den[0]) == 1 else den
        if not isinstance(den, Fraction):
            raise TypeError("a denominator is a number")
        return _mul_values(1 / den, explicit_value(e.num))
    if isinstance(e, Pow) and isinstance(e.exp, Num) and e.exp.value.denominator == 1 and (
            abs(e.exp.value) <= MAX_EXPLICIT_EXPONENT):
        base, k = explicit_value(e.base), int(e.exp.value)
        if isinstance(base, Fraction):
            return base**k
        if k < 0:
            base, k = _inverse(base), -k
        out = [[Fraction(int(i == j)) for j in range(len(base))] for i in range(len(base))]
        for _ in range(k):
            out = _mul_values(out, base)
        return out
    if isinstance(e, Transpose):
        v = explicit_value(e.arg)
        return v if isinstance(v, Fraction) else [list(col) for col in zip(*v, strict=True)]
    if isinstance(e, Inverse):
        v = explicit_value(e.arg)
        return 1 / v if isinstance(v, Fraction) else _inverse(v)
    if isinstance(e, Det):
        return _det(explicit_value(e.arg))
    if isinstance(e, Trace):
        v = explicit_value(e.arg)
        return v if isinstance(v, Fraction) else sum((v[i][i] for i in range(len(v))), Fraction(0))
    raise TypeError(f"{type(e).__name__} is not computed exactly")


def _add(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    if isinstance(a, Fraction) or isinstance(b, Fraction) or len(a) != len(b):
        raise ValueError("the shapes of a sum do not fit")
    return [[x + y for x, y in zip(r, q, strict=True)] for r, q in zip(a, b, strict=True)]


def _mul_values(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a * b
    if isinstance(a, Fraction):
        return [[a * x for x in row] for row in b]
    if isinstance(b, Fraction):
        return [[x * b for x in row] for row in a]
    if len(a) == len(a[0]) == 1 and len(b) != 1:
        return _mul_values(a[0][0], b)  # a 1×1 product is a scalar factor
    if len(b) == len(b[0]) == 1 and len(a[0]) != 1:
        return _mul_values(a, b[0][0])
    if len(a[0]) != len(b):
        raise ValueError("the inner sizes of a product do not match")
    return [[sum((a[i][k] * b[k][j] for k in range(len(b))), Fraction(0))
             for j in range(len(b[0]))] for i in range(len(a))]


def _eliminate(m):
    """Gauss-Jordan on a copy of ``m``: (reduced rows, determinant factor of the square part)."""
    rows = [list(r) for r in m]
    n, det = len(rows), Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return rows, Fraction(0)
        if pivot != col:
            rows[col], rows[pivot] = rows[pivot], rows[col]
            det = -det
        p = rows[col][col]
        det *= p
        rows[col] = [v / p for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [v - f * w for v, w in zip(rows[r], rows[col], strict=True)]
    return rows, det


def _det(m) -> Fraction:
    if isinstance(m, Fraction):
        return m
    if len(m) != len(m[0]):
        raise ValueError("a determinant needs a square matrix")
    return _eliminate(m)[1]


def _inverse(m):
    n = len(m)
    if n != len(m[0]):
        raise ValueError("an inverse needs a square matrix")
    eye = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    rows, det = _eliminate([list(r) + e for r, e in zip(m, eye, strict=True)])
    if det == 0:
        raise ZeroDivisionError("the matrix is singular")
    return [r[n:] for r in rows]


def row_operation(e: Expr, facts: Facts) -> list:
    """One elementary row operation on an explicit matrix (swap, scale by c ≠ 0, add c·row).

    The result is row-equivalent (``\\sim``), not equal: a step by this rule must say ``rel = '~'``.

    >>> show(row_operation, MatrixLit(((ONE, ONE), (ONE, ONE))))[:1]
    [('~', '[1 1; 1 1]')]
    """
    if not isinstance(e, MatrixLit) or any(not isinstance(x, Num) for r in e.rows for x in r):
        return []
    rows = [[x.value for x in r] for r in e.rows]
    n = len(rows)
    out = []
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            if i < j:
                swapped = list(rows)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                out.append(swapped)
            col = _pivot(rows[j])
            if col is not None:
                c = -rows[i][col] / rows[j][col]
                if c != 0:
                    new = list(rows)
                    new[i] = [a + c * b for a, b in zip(rows[i], rows[j], strict=True)]
                    out.append(new)
        p = _pivot(rows[i])
        if p is not None and rows[i][p] not in (0, 1):
            new = list(rows)
            new[i] = [a / rows[i][p] for a in rows[i]]
            out.append(new)
    return [("~", MatrixLit(tuple(tuple(Num(x) for x in r) for r in m))) for m in out]


def one_by_one_entry(e: Expr, facts: Facts) -> list[Expr]:
    """A 1×1 explicit matrix is its single entry: [s] = s (a 1×1 product is a scalar).

    >>> show(one_by_one_entry, MatrixLit(((Num(Fraction(12)),),)))
    ['12']
    """
    if isinstance(e, MatrixLit) and len(e.rows) == 1 and len(e.rows[0]) == 1:
        return [e.rows[0][0]]
    return []


def _pivot(row):
    for k, v in enumerate(row):
        if v != 0:
            return k
    return None


def conj_of_real(e: Expr, facts: Facts) -> list[Expr]:
    """\\bar{s} = s for a real scalar s: every symbol in it real, or a declared-complex symbol
    that the fact prover knows real (a hypothesis, a fact proved earlier, a theorem).

    >>> show(conj_of_real, Conj(c)), show(conj_of_real, Conj(c), complex_={"c"})
    (['c'], [])
    >>> f = demo_facts(complex_={"c"})
    >>> f.hypotheses.append(("c real", Has(c, "real")))
    >>> [text(r) for r in conj_of_real(Conj(c), f)]
    ['c']
    """
    if isinstance(e, Conj) and _scalar(e.arg, facts) and (
            real_valued(e.arg, facts.scope)
            or isinstance(e.arg, Sym) and facts.need(e.arg, "real")):
        return [e.arg]
    return []


# ---------------------------------------------------------------- explicit entries, lengths, roots

def explicit_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """The transpose of an explicit matrix, entry by entry (entries may be any scalars).

    >>> show(explicit_transpose, Transpose(MatrixLit(((c,), (Sym("a"),)))))
    ['[c a]']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, MatrixLit):
        return [MatrixLit(tuple(zip(*e.arg.rows, strict=True)))]
    return []


def explicit_product(e: Expr, facts: Facts) -> list[Expr]:
    """The product of two explicit matrices, entry by entry: (XY)_ij = X_i1 Y_1j + ... + X_ik Y_kj.

    >>> show(explicit_product, Mul((MatrixLit(((c, Sym("a")),)), MatrixLit(((Sym("b"),), (c,))))))
    ['[c b + a c]']
    """
    if isinstance(e, Mul) and len(e.factors) == 2 and all(
            isinstance(f, MatrixLit) for f in e.factors):
        left, right = e.factors[0].rows, e.factors[1].rows
        if len(left[0]) == len(right):
            def entry(i, j):
                terms = tuple(Mul((left[i][k], right[k][j])) for k in range(len(right)))
                return terms[0] if len(terms) == 1 else Add(terms)
            return [MatrixLit(tuple(tuple(entry(i, j) for j in range(len(right[0])))
                                    for i in range(len(left))))]
    return []


def norm_definition(e: Expr, facts: Facts) -> list[Expr]:
    """\\|v\\| = \\sqrt{v^Tv} for a real vector (\\sqrt{v^Hv} for a complex one): the length.

    >>> show(norm_definition, Norm(Mul((Q, x))))
    ['sqrt((Q x)^T Q x)']
    """
    if isinstance(e, Norm) and (_shape(e.arg, facts) or (0, 0))[1] == 1:
        op = Transpose if real_valued(e.arg, facts.scope) else ConjTranspose
        return [Func("sqrt", Mul((op(e.arg), e.arg)))]
    return []


def abs_definition(e: Expr, facts: Facts) -> list[Expr]:
    """|z| = \\sqrt{z\\bar{z}} for a scalar z: the modulus (for a real z, \\sqrt{z^2}).

    >>> from derive.core.terms import Abs
    >>> show(abs_definition, Abs(Det(U)), complex_={"U"})
    ['sqrt(det(U) conj(det(U)))']
    """
    from derive.core.terms import Abs

    if isinstance(e, Abs) and _scalar(e.arg, facts):
        return [Func("sqrt", Mul((e.arg, Conj(e.arg))))]
    return []


def rank_of_transpose(e: Expr, facts: Facts) -> list[Expr]:
    """rank(X^T) = rank(X): row rank equals column rank.

    >>> from derive.core.terms import Rank
    >>> show(rank_of_transpose, Rank(Transpose(Mul((A, B)))))
    ['rank(A B)']
    """
    from derive.core.terms import Rank

    if isinstance(e, Rank) and isinstance(e.arg, Transpose):
        return [Rank(e.arg.arg)]
    return []


def sqrt_of_square(e: Expr, facts: Facts) -> list[Expr]:
    """\\sqrt{a^2} = a for a ≥ 0 (a number ≥ 0, a norm, an absolute value, or a scalar the fact
    prover shows positive); and \\sqrt{q} = r for an explicit q = r^2 with r ≥ 0.

    >>> show(sqrt_of_square, Func("sqrt", Pow(Norm(x), Num(Fraction(2))))), show(
    ...     sqrt_of_square, Func("sqrt", Num(Fraction(9, 4))))
    (['||x||'], ['3/2'])
    >>> show(sqrt_of_square, Func("sqrt", Pow(c, Num(Fraction(2)))))  # c may be negative
    []
    """
    import math

    from derive.core.terms import Abs

    if not (isinstance(e, Func) and e.name == "sqrt"):
        return []
    a = e.arg
    if isinstance(a, Num) and a.value >= 0:
        top, bottom = math.isqrt(a.value.numerator), math.isqrt(a.value.denominator)
        if Fraction(top, bottom) ** 2 == a.value:
            return [Num(Fraction(top, bottom))]
    if isinstance(a, Pow) and a.exp == Num(Fraction(2)) and _scalar(a.base, facts):
        b = a.base
        if isinstance(b, Num) and b.value >= 0 or isinstance(b, (Norm, Abs)) or facts.need(
                b, "positive"):
            return [b]
    return []


# ---------------------------------------------------------------- inequalities (at the root)

def quadratic_form(e: Expr, facts: Facts):
    """(z, M) for e = z^T M z (or z^H M z), with M = None for z^T z; else None.

    >>> quadratic_form(Mul((Transpose(Mul((B, x))), A, B, x)), demo_facts())
    (Mul(factors=(Sym(name='B'), Sym(name='x'))), Sym(name='A'))
    >>> quadratic_form(Mul((Transpose(x), A, y)), demo_facts()) is None
    True
    >>> quadratic_form(Mul((Transpose(x), Transpose(B), B, x)), demo_facts())[1]
    Mul(factors=(Transpose(arg=Sym(name='B')), Sym(name='B')))
    """
    if not isinstance(e, Mul):
        return None
    fs = e.factors
    if len(fs) >= 2 and isinstance(fs[0], (Transpose, ConjTranspose)):
        z = fs[0].arg  # products are flat: z^T(B^TB)z is written z^T B^T B z, M = B^TB
        if fs[-1] == z and _shape(z, facts) not in (None, (1, 1)):
            return (z, None) if len(fs) == 2 else (z, _mul(fs[1:-1]))
    if len(fs) >= 3 and isinstance(fs[0], (Transpose, ConjTranspose)) and isinstance(
            fs[0].arg, Mul):
        # products are flat: (Bz)^T M (Bz) is written (Bz)^T M B z
        z = fs[0].arg
        k = len(z.factors)
        if len(fs) - 1 in (k, k + 1) and fs[len(fs) - k:] == z.factors and _shape(
                z, facts) not in (None, (1, 1)):
            return z, (None if len(fs) - 1 == k else fs[1])
    return None


def _form_is_hermitian(e: Mul, z: Expr, facts: Facts) -> bool:
    """z^H M z is real for hermitian M; z^T M z only when z is real (for z = ix it is -x^TMx)."""
    return isinstance(e.factors[0], ConjTranspose) or real_valued(z, facts.scope)


def positive_definite_definition(e: Expr, facts: Facts) -> list:
    """z^T M z > 0 for M positive definite and z ≠ 0 (the definition).

    >>> show(positive_definite_definition, Mul((Transpose(z), A, z)),
    ...      {"A": {"positive_definite"}, "z": {"nonzero"}})
    [('>', '0')]
    >>> show(positive_definite_definition, Mul((Transpose(z), A, z)), {"A": {"positive_definite"}})
    []
    """
    form = quadratic_form(e, facts)
    if form and form[1] is not None and _form_is_hermitian(e, form[0], facts) and facts.need(
            form[1], "positive_definite") and facts.need(form[0], "nonzero"):
        return [(">", Num(Fraction(0)))]
    return []


def positive_semidefinite_definition(e: Expr, facts: Facts) -> list:
    """z^T M z ≥ 0 for M positive semidefinite (the definition).

    >>> show(positive_semidefinite_definition, Mul((Transpose(z), A, z)),
    ...      {"A": {"positive_semidefinite"}})
    [('>=', '0')]
    """
    form = quadratic_form(e, facts)
    if form and form[1] is not None and _form_is_hermitian(e, form[0], facts) and facts.need(
            form[1], "positive_semidefinite"):
        return [(">=", Num(Fraction(0)))]
    return []


def norm_squared_positive(e: Expr, facts: Facts) -> list:
    """z^T z > 0 for z ≠ 0, and z^T z ≥ 0 always (a sum of squares).

    >>> show(norm_squared_positive, Mul((Transpose(z), z)), {"z": {"nonzero"}})
    [('>=', '0'), ('>', '0')]
    """
    form = quadratic_form(e, facts)
    if form and form[1] is None and _form_is_hermitian(e, form[0], facts):
        out = [(">=", Num(Fraction(0)))]
        if facts.need(form[0], "nonzero"):
            out.append((">", Num(Fraction(0))))
        return out
    return []


def drop_nonnegative_term(e: Expr, facts: Facts) -> list:
    """s + t ≥ t when s ≥ 0 by positive-semidefinite-definition or norm-squared-positive: a sum
    is at least what is left of it when a nonnegative term is dropped.

    >>> show(drop_nonnegative_term, Add((Mul((Transpose(z), A, z)), c)),
    ...      {"A": {"positive_semidefinite"}})
    [('>=', 'c')]
    >>> show(drop_nonnegative_term, Add((Mul((Transpose(z), A, z)), c)))  # A may be indefinite
    []
    """
    out = []
    if isinstance(e, Add) and len(e.terms) >= 2:
        for i, t in enumerate(e.terms):
            if any(rel == ">=" for rule in (positive_semidefinite_definition,
                                              norm_squared_positive) for rel, _ in rule(t, facts)):
                rest = e.terms[:i] + e.terms[i + 1:]
                out.append((">=", rest[0] if len(rest) == 1 else Add(rest)))
    return out


RELATIONAL_RULES = {
    "row-operation": row_operation,
    "positive-definite-definition": positive_definite_definition,
    "positive-semidefinite-definition": positive_semidefinite_definition,
    "norm-squared-positive": norm_squared_positive,
    "drop-nonnegative-term": drop_nonnegative_term,
}


BASE_RULES = {
    "transpose-of-product": transpose_of_product,
    "transpose-of-sum": transpose_of_sum,
    "transpose-of-transpose": transpose_of_transpose,
    "transpose-of-identity": transpose_of_identity,
    "transpose-of-scalar": transpose_of_scalar,
    "symmetric-transpose": symmetric_transpose,
    "hermitian-conj-transpose": hermitian_conj_transpose,
    "conj-transpose-of-product": conj_transpose_of_product,
    "conj-transpose-real": conj_transpose_real,
    "inverse-mul-self": inverse_mul_self,
    "inverse-of-inverse": inverse_of_inverse,
    "inverse-of-identity": inverse_of_identity,
    "orthogonal-definition": orthogonal_definition,
    "unitary-definition": unitary_definition,
    "mul-identity": mul_identity,
    "mul-zero": mul_zero,
    "mul-assoc": mul_assoc,
    "distribute": distribute,
    "scalar-arithmetic": scalar_arithmetic,
    "power-definition": power_definition,
    "power-zero": power_zero,
    "power-successor": power_successor,
    "function-of-conjugate": function_of_conjugate,
    "diagonal-square-root": diagonal_square_root,
    "scalar-commute": scalar_commute,
    "det-of-product": det_of_product,
    "det-of-transpose": det_of_transpose,
    "det-of-inverse": det_of_inverse,
    "det-of-identity": det_of_identity,
    "det-of-conj-transpose": det_of_conj_transpose,
    "conj-of-real": conj_of_real,
    "trace-cyclic": trace_cyclic,
    "trace-of-scalar": trace_of_scalar,
    "trace-of-sum": trace_of_sum,
    "trace-of-transpose": trace_of_transpose,
    "trace-of-scalar-multiple": trace_of_scalar_multiple,
    "norm-squared": norm_squared,
    "arithmetic": arithmetic,
    "one-by-one-entry": one_by_one_entry,
    "explicit-transpose": explicit_transpose,
    "explicit-product": explicit_product,
    "norm-definition": norm_definition,
    "abs-definition": abs_definition,
    "sqrt-of-square": sqrt_of_square,
    "rank-of-transpose": rank_of_transpose,
}
