"""Base rules: each a small pure function from an expression to the expressions it rewrites to.

A rule looks only at the root of what it is given (the kernel chooses the place) and returns ``[]``
when it does not apply. Side conditions (invertible, symmetric, ...) are read from the theorem's
assumptions through ``has_property``, our own table, never SymPy's ``ask``. Every rule here is also
spot-checked by the randomized decider in ``tests/test_rules.py``.

>>> show(transpose_of_product, "(AB)^T")
['B^{T}A^{T}']
"""

from __future__ import annotations

from fractions import Fraction

from derive.expr import (
    Add,
    ConjTranspose,
    Det,
    Expr,
    Frac,
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
)
from derive.frontend import VECTOR, Env, shape_of

ONE = Num(Fraction(1))


def show(rule, text: str, assume: str = "") -> list[str]:
    """The rewrites of ``rule`` at the root of ``text``, as LaTeX (for doctests)."""
    from derive.frontend import read
    from derive.render import latex

    typed, env = read(text, assume)
    vectors = {n for n, t in env.symbols if t.kind == VECTOR}
    return [latex(x, vectors) for x in rule(typed.expr, env)]


# ---------------------------------------------------------------- properties

def has_property(e: Expr, prop: str, env: Env) -> bool:
    """Whether ``e`` has ``prop`` by the assumptions and a few closure laws.

    >>> from derive.frontend import read
    >>> t, env = read("AB", "A, B invertible")
    >>> has_property(t.expr, "invertible", env), has_property(t.expr, "symmetric", env)
    (True, False)
    """
    if isinstance(e, Sym):
        t = env.get(e.name)
        return t is not None and prop in t.props
    if isinstance(e, Identity):
        return prop in ("invertible", "symmetric", "orthogonal", "diagonal", "positive_definite",
                        "positive_semidefinite", "nonzero", "hermitian", "unitary")
    if prop == "invertible":
        if isinstance(e, (Transpose, ConjTranspose, Inverse)):
            return has_property(e.arg, prop, env)
        if isinstance(e, Mul):
            return all(_scalar(f, env) and is_nonzero(f, env) or has_property(f, prop, env)
                       for f in e.factors) and _square(e, env)
    if prop == "nonzero":
        return is_nonzero(e, env)
    if prop in ("symmetric", "hermitian") and isinstance(e, Inverse):
        return has_property(e.arg, prop, env)
    if prop in ("orthogonal", "unitary") and isinstance(e, (Transpose, ConjTranspose, Inverse)):
        return has_property(e.arg, prop, env)
    if prop == "positive_definite" and isinstance(e, Inverse):
        return has_property(e.arg, prop, env)
    return False


def is_nonzero(e: Expr, env: Env) -> bool:
    """A small decision procedure: declared nonzero, or an invertible matrix times a nonzero."""
    from derive.expr import Abs, Const

    if isinstance(e, Num):
        return e.value != 0
    if isinstance(e, Const):
        return True  # e, pi, i
    if isinstance(e, (Abs, Norm)):
        return is_nonzero(e.arg, env)
    if isinstance(e, Frac):
        return is_nonzero(e.num, env) and is_nonzero(e.den, env)
    if isinstance(e, Sym):
        t = env.get(e.name)
        return t is not None and ("nonzero" in t.props or "positive" in t.props)
    if isinstance(e, Mul) and len(e.factors) == 2 and isinstance(
            e.factors[0], (Transpose, ConjTranspose)) and e.factors[0].arg == e.factors[1]:
        hermitian_form = isinstance(e.factors[0], ConjTranspose) or not env.complex
        return hermitian_form and is_nonzero(e.factors[1], env)
    if isinstance(e, Mul):
        *mats, last = e.factors
        return is_nonzero(last, env) and all(
            has_property(m, "invertible", env) or _scalar(m, env) and is_nonzero(m, env)
            for m in mats)
    if isinstance(e, (Transpose, ConjTranspose)):
        return is_nonzero(e.arg, env)
    if isinstance(e, Pow):  # a nonzero matrix may be nilpotent: only an invertible one counts
        return is_nonzero(e.base, env) if _scalar(e.base, env) else has_property(
            e.base, "invertible", env)
    if isinstance(e, (Det,)):
        return has_property(e.arg, "invertible", env)
    return has_property(e, "invertible", env)


def _scalar(e: Expr, env: Env) -> bool:
    try:
        return shape_of(e, env) is None
    except Exception:  # noqa: BLE001
        return False


def _shape(e: Expr, env: Env):
    return shape_of(e, env)


def _square(e: Expr, env: Env) -> bool:
    s = _shape(e, env)
    return s is not None and s[0] == s[1] and s[0] != 1


def _split_scalars(m: Mul, env: Env):
    scal = [f for f in m.factors if _scalar(f, env)]
    mats = [f for f in m.factors if not _scalar(f, env)]
    return scal, mats


def _mul(items) -> Expr:
    items = list(items)
    if not items:
        return ONE
    return items[0] if len(items) == 1 else Mul(tuple(items))


# ---------------------------------------------------------------- transpose laws

def transpose_of_product(e: Expr, env: Env) -> list[Expr]:
    """(XY)^T = Y^T X^T; scalar factors pass through (real scalars).

    >>> show(transpose_of_product, "(2AB\\\\mathbf{x})^T")
    ['2\\\\mathbf{x}^{T}B^{T}A^{T}']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, env)
        return [_mul(scal + [Transpose(m) for m in reversed(mats)])]
    return []


def transpose_of_sum(e: Expr, env: Env) -> list[Expr]:
    """(X + Y)^T = X^T + Y^T.

    >>> show(transpose_of_sum, "(A+B)^T")
    ['A^{T} + B^{T}']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Add):
        return [Add(tuple(Transpose(t) for t in e.arg.terms))]
    return []


def transpose_of_transpose(e: Expr, env: Env) -> list[Expr]:
    """(X^T)^T = X.

    >>> show(transpose_of_transpose, "(A^T)^T")
    ['A']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Transpose):
        return [e.arg.arg]
    return []


def transpose_of_identity(e: Expr, env: Env) -> list[Expr]:
    """I^T = I.

    >>> show(transpose_of_identity, "I^T")
    ['I']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Identity):
        return [e.arg]
    return []


def transpose_of_scalar(e: Expr, env: Env) -> list[Expr]:
    """s^T = s for a scalar or any 1×1 product (such as x^T y).

    >>> show(transpose_of_scalar, "(\\\\mathbf{x}^T\\\\mathbf{y})^T")
    ['\\\\mathbf{x}^{T}\\\\mathbf{y}']
    """
    if isinstance(e, Transpose) and _shape(e.arg, env) in (None, (1, 1)):
        return [e.arg]
    return []


def transpose_of_inverse(e: Expr, env: Env) -> list[Expr]:
    """(X^{-1})^T = (X^T)^{-1}, for X invertible.

    >>> show(transpose_of_inverse, "(A^{-1})^T", "A invertible")
    ['(A^{T})^{-1}']
    """
    if isinstance(e, Transpose) and isinstance(e.arg, Inverse) and has_property(
            e.arg.arg, "invertible", env):
        return [Inverse(Transpose(e.arg.arg))]
    return []


def symmetric_transpose(e: Expr, env: Env) -> list[Expr]:
    """X^T = X for X symmetric (the definition).

    >>> show(symmetric_transpose, "S^T", "S symmetric")
    ['S']
    """
    if isinstance(e, Transpose) and has_property(e.arg, "symmetric", env):
        return [e.arg]
    return []


def hermitian_conj_transpose(e: Expr, env: Env) -> list[Expr]:
    """X^H = X for X hermitian (the definition).

    >>> show(hermitian_conj_transpose, "H^H", "H hermitian")
    ['H']
    """
    if isinstance(e, ConjTranspose) and has_property(e.arg, "hermitian", env):
        return [e.arg]
    return []


def conj_transpose_of_product(e: Expr, env: Env) -> list[Expr]:
    """(XY)^H = Y^H X^H (matrix and vector factors; scalar factors are conjugated).

    >>> show(conj_transpose_of_product, "(A\\\\mathbf{x})^H")
    ['\\\\mathbf{x}^{H}A^{H}']
    """
    from derive.expr import Conj

    if isinstance(e, ConjTranspose) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, env)
        return [_mul([Conj(s) for s in scal] + [ConjTranspose(m) for m in reversed(mats)])]
    return []


def conj_transpose_real(e: Expr, env: Env) -> list[Expr]:
    """X^H = X^T for a real X.

    >>> show(conj_transpose_real, "A^H")
    ['A^{T}']
    """
    if isinstance(e, ConjTranspose) and _real_valued(e.arg, env):
        return [Transpose(e.arg)]
    return []


# ---------------------------------------------------------------- the inverse

def inverse_mul_self(e: Expr, env: Env) -> list[Expr]:
    """X^{-1}X = I and XX^{-1} = I, for X invertible (the definition of the inverse).

    >>> show(inverse_mul_self, "A^{-1}A", "A invertible")
    ['I']
    >>> show(inverse_mul_self, "(AB)^{-1}AB", "A, B invertible")
    ['I']
    """
    if isinstance(e, Mul) and len(e.factors) >= 2:
        fs = e.factors
        for inv, rest in ((fs[0], fs[1:]), (fs[-1], fs[:-1])):
            if isinstance(inv, Inverse) and _mul(rest) == inv.arg and has_property(
                    inv.arg, "invertible", env):
                return [Identity(_shape(inv.arg, env)[0])]
    return []


def inverse_of_product(e: Expr, env: Env) -> list[Expr]:
    """(XY)^{-1} = Y^{-1}X^{-1}, for X and Y invertible.

    >>> show(inverse_of_product, "(AB)^{-1}", "A, B invertible")
    ['B^{-1}A^{-1}']
    >>> show(inverse_of_product, "(AB)^{-1}", "A invertible")
    []
    """
    if isinstance(e, Inverse) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, env)
        if all(has_property(m, "invertible", env) for m in mats) and all(
                is_nonzero(s, env) for s in scal):
            return [_mul([Frac(ONE, s) for s in scal] + [Inverse(m) for m in reversed(mats)])]
    return []


def inverse_of_inverse(e: Expr, env: Env) -> list[Expr]:
    """(X^{-1})^{-1} = X.

    >>> show(inverse_of_inverse, "(A^{-1})^{-1}", "A invertible")
    ['A']
    """
    if isinstance(e, Inverse) and isinstance(e.arg, Inverse):
        return [e.arg.arg]
    return []


def inverse_of_identity(e: Expr, env: Env) -> list[Expr]:
    """I^{-1} = I.

    >>> show(inverse_of_identity, "I^{-1}")
    ['I']
    """
    if isinstance(e, Inverse) and isinstance(e.arg, Identity):
        return [e.arg]
    return []


def orthogonal_definition(e: Expr, env: Env) -> list[Expr]:
    """Q^TQ = I and QQ^T = I for Q orthogonal (the definition).

    >>> show(orthogonal_definition, "Q^TQ", "Q orthogonal")
    ['I']
    """
    return _pair_identity(e, env, Transpose, "orthogonal")


def unitary_definition(e: Expr, env: Env) -> list[Expr]:
    """U^HU = I and UU^H = I for U unitary (the definition).

    >>> show(unitary_definition, "UU^H", "U unitary")
    ['I']
    """
    return _pair_identity(e, env, ConjTranspose, "unitary")


def _pair_identity(e, env, op, prop):
    if isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        for x, y in ((a, b), (b, a)):
            if isinstance(x, op) and x.arg == y and has_property(y, prop, env):
                return [Identity(_shape(y, env)[0])]
    return []


# ---------------------------------------------------------------- ring laws

def mul_identity(e: Expr, env: Env) -> list[Expr]:
    """IX = X and XI = X.

    >>> show(mul_identity, "IA")
    ['A']
    """
    if isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        for eye, other in ((a, b), (b, a)):
            if isinstance(eye, Identity) and _shape(other, env) not in (None, (1, 1)):
                return [other]  # (x^Tx)I is a matrix: dropping I would make it a number
    return []


def mul_zero(e: Expr, env: Env) -> list[Expr]:
    """0X = 0 and X0 = 0.

    >>> show(mul_zero, "A\\\\mathbf{0}")
    ['\\\\mathbf{0}']
    """
    if isinstance(e, Mul) and any(isinstance(f, Zero) or f == Num(Fraction(0)) for f in e.factors):
        s = _shape(e, env)
        return [Num(Fraction(0)) if s is None else Zero(*s)]
    return []


def mul_assoc(e: Expr, env: Env) -> list[Expr]:
    """X(YZ) = XYZ: a product inside a product loses its parentheses (so -(XY) = (-1)XY).

    >>> show(mul_assoc, "-\\\\mathbf{a}^T\\\\mathbf{y}")
    ['-\\\\mathbf{a}^{T}\\\\mathbf{y}']
    >>> show(mul_assoc, "AB")
    []
    """
    if isinstance(e, Mul) and any(isinstance(f, Mul) for f in e.factors):
        flat: list[Expr] = []
        for f in e.factors:
            flat.extend(f.factors if isinstance(f, Mul) else (f,))
        return [Mul(tuple(flat))]
    return []


def scalar_arithmetic(e: Expr, env: Env) -> list[Expr]:
    """Nothing but what the kernel already allows: reorder a sum, regroup a product, compute with
    scalars (2 \\cdot 3 = 6, c\\,d = d\\,c). A step by this rule is checked like any other.

    >>> show(scalar_arithmetic, "2A + 3A")
    ['2A + 3A']
    """
    return [e]


def distribute(e: Expr, env: Env) -> list[Expr]:
    """X(Y + Z) = XY + XZ and (X + Y)Z = XZ + YZ (one sum factor at a time).

    >>> show(distribute, "A(B+C)")
    ['AB + AC']
    """
    out = []
    if isinstance(e, Mul):
        fs = e.factors
        for i, f in enumerate(fs):
            if isinstance(f, Add):
                out.append(Add(tuple(_mul(fs[:i] + (t,) + fs[i + 1 :]) for t in f.terms)))
    return out


def power_definition(e: Expr, env: Env) -> list[Expr]:
    """X^k = X X ... X (k factors), for a whole number k ≥ 2.

    >>> show(power_definition, "A^3")
    ['AAA']
    """
    if isinstance(e, Pow) and isinstance(e.exp, Num) and e.exp.value.denominator == 1 and (
            2 <= e.exp.value <= 8) and not _scalar(e.base, env):
        return [Mul((e.base,) * int(e.exp.value))]
    return []


def scalar_commute(e: Expr, env: Env) -> list[Expr]:
    """A scalar, or a 1×1 product such as x^Ty, commutes with every factor: sX = Xs.

    >>> show(scalar_commute, "\\\\mathbf{x}^T\\\\mathbf{y}\\\\mathbf{z}")
    ['\\\\mathbf{z}(\\\\mathbf{x}^{T}\\\\mathbf{y})']
    """
    out = []
    if isinstance(e, Mul):
        fs = e.factors
        for i in range(len(fs)):
            for j in range(i + 1, len(fs) + 1):
                seg = _mul(fs[i:j])
                if (i, j) != (0, len(fs)) and _shape(seg, env) in (None, (1, 1)):
                    rest = fs[:i] + fs[j:]
                    for k in range(len(rest) + 1):
                        if k != i:
                            out.append(Mul(rest[:k] + (seg,) + rest[k:]))
    return out


# ---------------------------------------------------------------- determinant and trace

def det_of_product(e: Expr, env: Env) -> list[Expr]:
    """det(XY) = det(X) det(Y) for square X and Y of one size.

    >>> show(det_of_product, "\\\\det(AB)")
    ['\\\\det(A)\\\\det(B)']
    """
    if isinstance(e, Det) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, env)
        if not scal and len(mats) >= 2 and all(_square(m, env) for m in mats):
            return [Mul(tuple(Det(m) for m in mats))]
    return []


def det_of_transpose(e: Expr, env: Env) -> list[Expr]:
    """det(X^T) = det(X).

    >>> show(det_of_transpose, "\\\\det(A^T)")
    ['\\\\det(A)']
    """
    if isinstance(e, Det) and isinstance(e.arg, Transpose):
        return [Det(e.arg.arg)]
    return []


def det_of_inverse(e: Expr, env: Env) -> list[Expr]:
    """det(X^{-1}) = 1/det(X), for X invertible.

    >>> show(det_of_inverse, "\\\\det(A^{-1})", "A invertible")
    ['\\\\frac{1}{\\\\det(A)}']
    """
    if isinstance(e, Det) and isinstance(e.arg, Inverse) and has_property(
            e.arg.arg, "invertible", env):
        return [Frac(ONE, Det(e.arg.arg))]
    return []


def det_of_identity(e: Expr, env: Env) -> list[Expr]:
    """det(I) = 1.

    >>> show(det_of_identity, "\\\\det(I)")
    ['1']
    """
    if isinstance(e, Det) and isinstance(e.arg, Identity):
        return [ONE]
    return []


def det_of_conj_transpose(e: Expr, env: Env) -> list[Expr]:
    """det(X^H) = conj(det(X)).

    >>> show(det_of_conj_transpose, "\\\\det(U^H)", "U unitary")
    ['\\\\overline{\\\\det(U)}']
    """
    from derive.expr import Conj

    if isinstance(e, Det) and isinstance(e.arg, ConjTranspose):
        return [Conj(Det(e.arg.arg))]
    return []


def trace_cyclic(e: Expr, env: Env) -> list[Expr]:
    """tr(XY) = tr(YX): the trace is invariant under rotating a product.

    >>> show(trace_cyclic, "\\\\operatorname{tr}(ABC)")
    ['\\\\operatorname{tr}(BCA)', '\\\\operatorname{tr}(CAB)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, env)
        out = []
        for k in range(1, len(mats)):
            rotated = mats[k:] + mats[:k]
            out.append(Trace(_mul(scal + rotated)))
        return out
    return []


def trace_of_scalar(e: Expr, env: Env) -> list[Expr]:
    """tr(s) = s for a 1×1 product.

    >>> show(trace_of_scalar, "\\\\operatorname{tr}(\\\\mathbf{y}^T\\\\mathbf{x})")
    ['\\\\mathbf{y}^{T}\\\\mathbf{x}']
    """
    if isinstance(e, Trace) and _shape(e.arg, env) in (None, (1, 1)):
        return [e.arg]
    return []


def trace_of_sum(e: Expr, env: Env) -> list[Expr]:
    """tr(X + Y) = tr(X) + tr(Y).

    >>> show(trace_of_sum, "\\\\operatorname{tr}(A+B)")
    ['\\\\operatorname{tr}(A) + \\\\operatorname{tr}(B)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Add):
        return [Add(tuple(Trace(t) for t in e.arg.terms))]
    return []


def trace_of_transpose(e: Expr, env: Env) -> list[Expr]:
    """tr(X^T) = tr(X).

    >>> show(trace_of_transpose, "\\\\operatorname{tr}(A^T)")
    ['\\\\operatorname{tr}(A)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Transpose):
        return [Trace(e.arg.arg)]
    return []


def trace_of_scalar_multiple(e: Expr, env: Env) -> list[Expr]:
    """tr(cX) = c tr(X).

    >>> show(trace_of_scalar_multiple, "\\\\operatorname{tr}(2A)")
    ['2\\\\operatorname{tr}(A)']
    """
    if isinstance(e, Trace) and isinstance(e.arg, Mul):
        scal, mats = _split_scalars(e.arg, env)
        if scal and mats:
            return [_mul(scal + [Trace(_mul(mats))])]
    return []


# ---------------------------------------------------------------- vectors and norms

def norm_squared(e: Expr, env: Env) -> list[Expr]:
    """\\|v\\|^2 = v^T v for a real vector (v^H v for a complex one).

    >>> show(norm_squared, "\\\\|A\\\\mathbf{x}\\\\|^2")
    ['(A\\\\mathbf{x})^{T}(A\\\\mathbf{x})']
    """
    if isinstance(e, Pow) and isinstance(e.base, Norm) and e.exp == Num(Fraction(2)):
        v = e.base.arg
        s = _shape(v, env)
        if s is not None and s[1] == 1:
            op = Transpose if _real_valued(v, env) else ConjTranspose
            return [Mul((op(v), v))]
    return []


# ---------------------------------------------------------------- explicit matrices

def arithmetic(e: Expr, env: Env) -> list[Expr]:
    """Explicit numbers and matrices computed exactly: a product, sum, inverse, determinant, ...

    >>> show(arithmetic, "\\\\begin{bmatrix}1&2\\\\\\\\3&4\\\\end{bmatrix}\\\\begin{bmatrix}1\\\\\\\\1\\\\end{bmatrix}")
    ['\\\\begin{bmatrix} 3 \\\\\\\\ 7 \\\\end{bmatrix}']
    """
    from derive.expr import symbols

    if symbols(e) or isinstance(e, (MatrixLit, Num)):
        return []
    value = _explicit_value(e)
    return [] if value is None else [value]


def _explicit_value(e: Expr) -> Expr | None:
    import sympy

    from derive.frontend import Env as _Env
    from derive.normal import _Explicit_, _NotScalar

    try:
        v = _Explicit_(_Env(())).ev(e)
    except (_NotScalar, ValueError, ZeroDivisionError, NotImplementedError, TypeError):
        return None
    if isinstance(v, sympy.MatrixBase):
        return MatrixLit(tuple(tuple(_number(x) for x in v.row(i)) for i in range(v.rows)))
    return _number(v)


def _number(x) -> Expr:
    import sympy

    if not (isinstance(x, sympy.Basic) and x.is_Rational):
        raise ValueError("not a rational number")
    return Num(Fraction(int(x.p), int(x.q)))


def row_operation(e: Expr, env: Env) -> list:
    """One elementary row operation on an explicit matrix (swap, scale by c ≠ 0, add c·row).

    The result is row-equivalent (``\\sim``), not equal: a step by this rule must say ``rel = '~'``.

    >>> [rel for rel, _ in row_operation(MatrixLit(((ONE, ONE), (ONE, ONE))), None)][:1]
    ['~']
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


def one_by_one_entry(e: Expr, env: Env) -> list[Expr]:
    """A 1×1 explicit matrix is its single entry: [s] = s (a 1×1 product is a scalar).

    >>> show(one_by_one_entry, "\\\\begin{bmatrix}12\\\\end{bmatrix}")
    ['12']
    """
    if isinstance(e, MatrixLit) and len(e.rows) == 1 and len(e.rows[0]) == 1:
        return [e.rows[0][0]]
    return []


def _pivot(row):
    for k, x in enumerate(row):
        if x != 0:
            return k
    return None


# ---------------------------------------------------------------- inequalities (at the root)

def _quadratic_form(e: Expr, env: Env):
    """(z, M) for e = z^T M z (or z^H M z), with M = None for z^T z.

    >>> _quadratic_form(*_typed("(B\\\\mathbf{x})^TA(B\\\\mathbf{x})"))[1]
    Sym(name='A')
    >>> _quadratic_form(*_typed("(B\\\\mathbf{x})^T(B\\\\mathbf{x})"))
    (Mul(factors=(Sym(name='B'), Sym(name='x'))), None)
    >>> _quadratic_form(*_typed("(B\\\\mathbf{x})^TA\\\\mathbf{x}")) is None
    True
    """
    if isinstance(e, Mul):
        fs = e.factors
        if len(fs) in (2, 3) and isinstance(fs[0], (Transpose, ConjTranspose)):
            z = fs[0].arg
            if fs[-1] == z and _shape(z, env) not in (None, (1, 1)):
                if len(fs) == 2:
                    return z, None
                return z, fs[1]
        if len(fs) >= 3 and isinstance(fs[0], (Transpose, ConjTranspose)) and isinstance(
                fs[0].arg, Mul):
            # the parser flattens (Bz)^T M (Bz) to (Bz)^T M B z: the tail spells z factor by factor
            z = fs[0].arg
            k = len(z.factors)
            if len(fs) - 1 in (k, k + 1) and fs[len(fs) - k:] == z.factors and _shape(
                    z, env) not in (None, (1, 1)):
                return z, (None if len(fs) - 1 == k else fs[1])
    return None


def positive_definite_definition(e: Expr, env: Env) -> list:
    """z^T M z > 0 for M positive definite and z ≠ 0 (the definition).

    >>> positive_definite_definition(*_typed("\\\\mathbf{z}^TA\\\\mathbf{z}", "A positive_definite; z nonzero"))
    [('>', Num(value=Fraction(0, 1)))]
    """
    form = _quadratic_form(e, env)
    if form and form[1] is not None and has_property(form[1], "positive_definite", env) and (
            is_nonzero(form[0], env)) and _form_is_hermitian(e, form[0], env):
        return [(">", Num(Fraction(0)))]
    return []


def _form_is_hermitian(e: Mul, z: Expr, env: Env) -> bool:
    """z^H M z is real for hermitian M; z^T M z only when z is real (for z = ix it is -x^TMx)."""
    return isinstance(e.factors[0], ConjTranspose) or _real_valued(z, env)


def conj_of_real(e: Expr, env: Env) -> list[Expr]:
    """\\bar{s} = s for a real scalar s (every symbol in it real).

    >>> show(conj_of_real, "\\\\bar{\\\\lambda}", "\\\\lambda real")
    ['\\\\lambda']
    >>> show(conj_of_real, "\\\\bar{\\\\lambda}", "\\\\lambda complex")
    []
    """
    from derive.expr import Conj

    if isinstance(e, Conj) and _scalar(e.arg, env) and _real_valued(e.arg, env):
        return [e.arg]
    return []


def _real_valued(e: Expr, env: Env) -> bool:
    """Whether ``e`` is real by construction: real symbols under +, ·, /, integer powers, det, tr.

    >>> _real_valued(*_typed("a^2 + \\\\det(A)")), _real_valued(*_typed("\\\\sqrt{a}"))
    (True, False)
    """
    from derive.expr import Abs, Const, walk

    for node in walk(e):
        if isinstance(node, Sym):
            t = env.get(node.name)
            if t is None and node.name not in env.dims or t is not None and t.complex:
                return False
        elif isinstance(node, Pow):
            if not (isinstance(node.exp, Num) and node.exp.value.denominator == 1):
                return False
        elif isinstance(node, Const):
            if node.name == "i":
                return False
        elif not isinstance(node, (Num, Add, Mul, Frac, Transpose, Det, Trace, Norm, Abs,
                                   Identity, Zero, MatrixLit, Inverse)):
            return False
    return True


def positive_semidefinite_definition(e: Expr, env: Env) -> list:
    """z^T M z ≥ 0 for M positive semidefinite (the definition).

    >>> positive_semidefinite_definition(*_typed("\\\\mathbf{z}^TA\\\\mathbf{z}", "A positive_semidefinite"))
    [('>=', Num(value=Fraction(0, 1)))]
    """
    form = _quadratic_form(e, env)
    if form and form[1] is not None and (has_property(form[1], "positive_semidefinite", env)
                                         or has_property(form[1], "positive_definite", env)) and (
            _form_is_hermitian(e, form[0], env)):
        return [(">=", Num(Fraction(0)))]
    return []


def norm_squared_positive(e: Expr, env: Env) -> list:
    """z^T z > 0 for z ≠ 0, and z^T z ≥ 0 always (a sum of squares).

    >>> norm_squared_positive(*_typed("\\\\mathbf{z}^T\\\\mathbf{z}", "z nonzero"))
    [('>=', Num(value=Fraction(0, 1))), ('>', Num(value=Fraction(0, 1)))]
    """
    form = _quadratic_form(e, env)
    if form and form[1] is None and _form_is_hermitian(e, form[0], env):
        out = [(">=", Num(Fraction(0)))]
        if is_nonzero(form[0], env):
            out.append((">", Num(Fraction(0))))
        return out
    return []


def _typed(text: str, assume: str = ""):
    from derive.frontend import read

    t, env = read(text, assume)
    return t.expr, env


RELATIONAL_RULES = {
    "row-operation": row_operation,
    "positive-definite-definition": positive_definite_definition,
    "positive-semidefinite-definition": positive_semidefinite_definition,
    "norm-squared-positive": norm_squared_positive,
}


BASE_RULES = {
    "transpose-of-product": transpose_of_product,
    "transpose-of-sum": transpose_of_sum,
    "transpose-of-transpose": transpose_of_transpose,
    "transpose-of-identity": transpose_of_identity,
    "transpose-of-scalar": transpose_of_scalar,
    "transpose-of-inverse": transpose_of_inverse,
    "symmetric-transpose": symmetric_transpose,
    "hermitian-conj-transpose": hermitian_conj_transpose,
    "conj-transpose-of-product": conj_transpose_of_product,
    "conj-transpose-real": conj_transpose_real,
    "inverse-mul-self": inverse_mul_self,
    "inverse-of-product": inverse_of_product,
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
}
