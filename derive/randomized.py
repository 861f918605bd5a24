"""The randomized decider: exact evaluation on random instances that satisfy the assumptions.

Instances are drawn over the rationals (Gaussian rationals where anything is complex) for several
sizes of every symbolic dimension, and evaluated exactly with SymPy's ``DomainMatrix``. Only where an
expression leaves the rationals (square roots, norms, exp, trig, pi) does evaluation switch to
``mpmath`` at 60 significant digits, and two such values count as equal within a relative 1e-40.

A disagreement on any instance is a counterexample: the two sides differ. Agreement on every instance
is evidence, not proof, and the verdict says so.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from fractions import Fraction

from derive.errors import LimitError
from derive.expr import (
    Const,
    Expr,
    Identity,
    Zero,
    walk,
)
from derive.frontend import MATRIX, SCALAR, Env, SymbolType
from derive.limits import DEFAULT, Limits

DPS = 60


class Undefined(Exception):
    """The expression has no value on this instance (a singular inverse, a division by zero)."""


class OutOfTime(Exception):  # noqa: N818 - not an error: a budget ran out
    """A time budget (a hint's) ran out. Never an ``Undefined``: nothing is decided by it."""


_deadline: float | None = None  # time.monotonic() past which budgeted work stops


class budget:  # noqa: N801 - used as a context manager, like a function
    """``with budget(0.2): ...`` raises OutOfTime from the evaluation once 0.2 s have passed."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds

    def __enter__(self):
        global _deadline
        self.saved = _deadline
        if self.seconds is not None:
            end = time.monotonic() + self.seconds
            _deadline = end if _deadline is None else min(_deadline, end)
        return self

    def __exit__(self, *exc):
        global _deadline
        _deadline = self.saved
        return False


def tick() -> None:
    """Stop budgeted work whose time is up (called between instances and evaluation steps)."""
    if _deadline is not None and time.monotonic() > _deadline:
        raise OutOfTime("the time budget ran out")


class NotReal(Undefined):
    """A real function outside its real domain: the square root or logarithm of a negative real,
    a fractional power of one. Unlike a singular point, such a set has positive measure."""


# ---------------------------------------------------------------- values


@dataclass
class Value:
    """A scalar or a matrix, exact (a domain element or DomainMatrix) or numeric (mpmath)."""

    val: object
    matrix: bool
    exact: bool

    @property
    def shape(self):
        if not self.matrix:
            return None
        return self.val.shape if self.exact else (self.val.rows, self.val.cols)


class Arith:
    """Exact arithmetic over one domain (QQ or QQ_I), with a numeric fallback."""

    def __init__(self, complex_: bool, limits: Limits = DEFAULT):
        import mpmath
        from sympy.polys.domains import QQ, QQ_I

        mpmath.mp.dps = DPS
        self.K = QQ_I if complex_ else QQ
        self.complex = complex_
        self.limits = limits
        self.mag = 0.0  # the largest |log10| of a numeric value seen since the last reset
        self.mags: list | None = None  # with a list: every magnitude noted (signed), in order
        self.max_dps = MAX_DPS  # lowered once a matrix function is met
        self.complex_names: frozenset[str] = frozenset()  # the symbols declared complex
        self._real_typed: dict[int, bool] = {}
        self._funm: dict = {}  # matrix functions computed, by argument and precision

    def note(self, x) -> None:
        """Record the decimal magnitude of a numeric value (huge or tiny) for the precision."""
        import mpmath

        for z in _flat_mp(x) if isinstance(x, mpmath.matrix) else (x,):
            m = int(mpmath.mag(z)) * 0.30103 if z else None
            if self.mags is not None:
                self.mags.append(m)
            if m is not None:
                self.mag = max(self.mag, abs(m))

    def real_typed(self, e: Expr) -> bool:
        """Whether ``e`` is real by its type: no complex symbol and no ``i`` (cached by node)."""
        key = id(e)
        if key not in self._real_typed:
            from derive.expr import Sym

            self._real_typed[key] = not any(
                (isinstance(n, Const) and n.name == "i")
                or (isinstance(n, Sym) and n.name in self.complex_names)
                for n in walk(e)
            )
        return self._real_typed[key]

    # conversions
    def rational(self, x: Fraction):
        """The domain element for an exact rational."""
        if self.complex:
            return self.K(x, 0)
        return self.K(x.numerator) / self.K(x.denominator)

    def to_mp(self, v: Value):
        import mpmath

        if not v.exact:
            return v.val
        if not v.matrix:
            return self._elem_mp(v.val)
        rows, cols = v.val.shape
        lst = v.val.to_list()
        return mpmath.matrix([[self._elem_mp(lst[i][j]) for j in range(cols)] for i in range(rows)])

    def _elem_mp(self, x):
        import mpmath

        if self.complex:
            z = mpmath.mpc(
                mpmath.mpf(int(x.x.numerator)) / int(x.x.denominator),
                mpmath.mpf(int(x.y.numerator)) / int(x.y.denominator),
            )
        else:
            z = mpmath.mpf(int(x.numerator)) / int(x.denominator)
        self.note(z)  # an exact 10^500 next to a numeric value needs 500 digits more
        return z

    def numeric(self, v: Value) -> Value:
        return Value(self.to_mp(v), v.matrix, False)

    def identity(self, n: int) -> Value:
        from sympy.polys.matrices import DomainMatrix

        return Value(DomainMatrix.eye(n, self.K), True, True)

    def zeros(self, r: int, c: int) -> Value:
        from sympy.polys.matrices import DomainMatrix

        return Value(DomainMatrix.zeros((r, c), self.K), True, True)

    def check_size(self, v: Value) -> Value:
        if v.exact:
            bits = self.limits.max_number_bits
            items = _flat(v.val) if v.matrix else [v.val]
            for x in items:
                for part in (x.x, x.y) if self.complex else (x,):
                    if (
                        int(part.numerator).bit_length() > bits
                        or int(part.denominator).bit_length() > bits
                    ):
                        raise LimitError(f"a number in the evaluation grew over {bits} bits")
        return v

    # operations
    def add(self, a: Value, b: Value) -> Value:
        a, b = self._as_like(a, b)
        if a.matrix != b.matrix:
            a, b = self._unwrap(a), self._unwrap(b)
        if a.exact and b.exact:
            return Value(a.val + b.val, a.matrix, True)
        return Value(self.to_mp(a) + self.to_mp(b), a.matrix, False)

    def _unwrap(self, v: Value) -> Value:
        """A 1×1 matrix as a scalar."""
        if not v.matrix:
            return v
        if v.shape != (1, 1):
            raise Undefined("a matrix where a scalar is needed")
        return Value(v.val.to_list()[0][0] if v.exact else v.val[0, 0], False, v.exact)

    def _as_like(self, a, b):
        if a.exact and not b.exact:
            a = self.numeric(a)
        elif b.exact and not a.exact:
            b = self.numeric(b)
        return a, b

    def mul(self, a: Value, b: Value) -> Value:
        a, b = self._as_like(a, b)
        if a.matrix and b.matrix:
            if a.shape[1] != b.shape[0]:
                if a.shape == (1, 1):
                    a = self._unwrap(a)
                elif b.shape == (1, 1):
                    b = self._unwrap(b)
                else:
                    raise Undefined(f"cannot multiply {a.shape} by {b.shape}")
        if a.matrix and b.matrix:
            if a.exact:
                return self.check_size(Value(a.val * b.val, True, True))
            return Value(a.val * b.val, True, False)
        if a.matrix or b.matrix:
            m, s = (a, b) if a.matrix else (b, a)
            if m.exact:
                return self.check_size(Value(m.val.mul(s.val), True, True))
            return Value(m.val * s.val, True, False)
        if a.exact:
            return self.check_size(Value(a.val * b.val, False, True))
        return Value(a.val * b.val, False, False)

    def reciprocal(self, a: Value) -> Value:
        a = self._unwrap(a)
        if a.exact:
            if a.val == self.K.zero:
                raise Undefined("division by zero")
            return Value(self.K.one / a.val, False, True)
        if a.val == 0:  # a rounding residue divides into noise, which no precision confirms
            raise Undefined("division by zero")
        return Value(1 / a.val, False, False)

    def inverse(self, a: Value) -> Value:
        if not a.matrix:
            return self.reciprocal(a)
        if a.exact:  # exact elimination finds a singular matrix itself (no determinant first)
            from sympy.polys.matrices.exceptions import DMNonInvertibleMatrixError

            try:
                inv = a.val.inv()
            except DMNonInvertibleMatrixError:
                raise Undefined("a singular matrix has no inverse") from None
            return self.check_size(Value(inv, True, True))
        import mpmath

        if mpmath.det(a.val) == 0:
            raise Undefined("a singular matrix has no inverse")
        return Value(a.val**-1, True, False)

    def transpose(self, a: Value) -> Value:
        if not a.matrix:
            return a
        return Value(a.val.transpose() if a.exact else a.val.T, True, a.exact)

    def conj(self, a: Value) -> Value:
        if not self.complex and a.exact:  # a numeric value may be complex here: sqrt(-1)
            return a
        if a.exact:
            K = self.K
            if a.matrix:
                return Value(a.val.applyfunc(lambda x: K(x.x, -x.y), K), True, True)
            return Value(K(a.val.x, -a.val.y), False, True)
        import mpmath

        if a.matrix:
            return Value(a.val.apply(mpmath.conj), True, False)
        return Value(mpmath.conj(a.val), False, False)

    def det(self, a: Value) -> Value:
        if not a.matrix:
            return a
        if a.exact:
            return Value(a.val.det(), False, True)
        import mpmath

        return Value(mpmath.det(a.val), False, False)

    def trace(self, a: Value) -> Value:
        if not a.matrix:
            return a
        n = a.shape[0]
        if a.exact:
            lst = a.val.to_list()
            total = self.K.zero
            for i in range(n):
                total += lst[i][i]
            return Value(total, False, True)
        return Value(sum(a.val[i, i] for i in range(n)), False, False)

    def rank(self, a: Value) -> Value:
        if not a.matrix:
            return Value(self.K.zero if a.val == self.K.zero else self.K.one, False, True)
        if not a.exact:
            raise Undefined("the rank of a numeric matrix is not computed")
        return Value(
            self.K(a.val.rank()) if not self.complex else self.K(a.val.rank(), 0), False, True
        )

    def power(self, a: Value, k: Value, real: bool = False) -> Value:
        """a^k; with ``real``, a real base and exponent must give a real value (else NotReal)."""
        k = self._unwrap(k)
        kint = self._as_integer(k)
        if a.matrix:
            if kint is None:
                raise Undefined("a matrix power needs an integer exponent")
            if abs(kint) > self.limits.max_exponent:
                raise LimitError(f"the exponent {kint} is over the cap")
            base = self.inverse(a) if kint < 0 else a
            out = self.identity(a.shape[0]) if a.exact else self.numeric(self.identity(a.shape[0]))
            for _ in range(abs(kint)):
                out = self.mul(out, base)
            return out
        if kint is not None and a.exact:
            if abs(kint) > 10**5:
                raise LimitError(f"the exponent {kint} is over the cap")
            base = self.reciprocal(a) if kint < 0 else a
            bits = _bits(base.val, self.complex) * abs(kint)
            if bits > self.limits.max_number_bits:
                raise LimitError(f"a power with about {bits} bits is over the cap")
            return self.check_size(Value(base.val ** abs(kint), False, True))
        if a.exact and k.exact and not self.complex and k.val.denominator == 2 and a.val >= 0:
            root = _exact_sqrt(a.val)
            if root is not None:
                return self.power(
                    Value(self.K(root), False, True), Value(self.K(k.val.numerator), False, True)
                )
        import mpmath

        x, y = self.to_mp(a), self.to_mp(k)
        if x == 0 and mpmath.re(y) <= 0:
            raise Undefined("zero to a non-positive power")
        if real and mpmath.im(y) == 0 and not (kint is not None or mpmath.isint(y)):
            self._real_domain(a, x, "a fractional power")
        return Value(mpmath.power(x, y), False, False)

    def _real_domain(self, a: Value, x, what: str) -> None:
        """Raise NotReal if a real argument is negative, decisively (exactly, or far above the
        rounding noise of the working precision); Undefined if it is too close to zero to tell."""
        import mpmath

        if mpmath.im(x) != 0 or mpmath.re(x) >= 0:
            return
        if a.exact or -x > mpmath.mpf(10) ** -(mpmath.mp.dps // 2):
            raise NotReal(f"{what} of a negative real number")
        raise Undefined(f"{what} of a number too close to zero to tell its sign")

    def _as_integer(self, k: Value):
        if not k.exact:
            return None
        if self.complex:
            if k.val.y != 0 or k.val.x.denominator != 1:
                return None
            return int(k.val.x.numerator)
        return int(k.val.numerator) if k.val.denominator == 1 else None

    def func(self, name: str, a: Value, real: bool = False) -> Value:
        """A named function; with ``real``, a real scalar argument must stay in its real domain."""
        import mpmath

        if name == "sqrt" and not a.matrix:
            return self.power(a, Value(self.rational(Fraction(1, 2)), False, True), real)
        x = self.to_mp(a)
        if a.matrix:
            self.max_dps = MAX_DPS_MATRIX_FUNCTION
            if name not in ("exp", "sin", "cos", "sqrt"):
                raise Undefined(f"the matrix function {name}")
            return Value(self._matrix_function(name, x), True, False)
        if name == "log" and x == 0:
            raise Undefined("log of zero")
        if name == "log" and real:
            self._real_domain(a, x, "a logarithm")
        if name == "tanh":  # 1 - tanh(x) is about 2e^{-2|x|}: that many digits are needed
            m = float(abs(mpmath.re(x))) * 0.8686
            self.mag = max(self.mag, m)
            if self.mags is not None:
                self.mags.append(m)
        fn = {
            "exp": mpmath.exp,
            "sin": mpmath.sin,
            "cos": mpmath.cos,
            "tan": mpmath.tan,
            "log": mpmath.log,
            "sinh": mpmath.sinh,
            "cosh": mpmath.cosh,
            "tanh": mpmath.tanh,
        }[name]
        return Value(fn(x), False, False)

    def _matrix_function(self, name: str, x):
        """exp, sin, cos (``derive.matfun``: integer arithmetic) or sqrt (mpmath) of a numeric
        matrix at the working precision; the same argument at the same precision (e^{iH} twice
        in (e^{iH})^H e^{iH}) is computed once."""
        import mpmath

        from derive import matfun

        key = (name, mpmath.mp.prec, x.rows, tuple(_mp_key(z) for z in _flat_mp(x)))
        out = self._funm.get(key)
        if out is None:
            try:
                out = (
                    mpmath.sqrtm(x)
                    if name == "sqrt"
                    else matfun.expm(x)
                    if name == "exp"
                    else matfun.funm(name, x, self._expm)
                )
            except (ZeroDivisionError, ValueError) as exc:
                raise Undefined(str(exc)) from None
            if len(self._funm) > 256:
                self._funm.clear()
            self._funm[key] = out
        return out.copy()

    def _expm(self, x):
        """e^x for sin and cos (e^{iA} once for both), cached like the other matrix functions."""
        return self._matrix_function("exp", x)

    def norm(self, a: Value) -> Value:
        if not a.matrix:
            return self.abs(a)
        sq = self.mul(
            self.conj_transpose(a) if a.shape[1] == 1 else a,
            a if a.shape[1] == 1 else self.conj_transpose(a),
        )
        sq = self._unwrap(sq)
        if self.complex and sq.exact:
            sq = Value(sq.val.x, False, True)
            half = Fraction(1, 2)
            return self._real_power(sq, half)
        return self.func("sqrt", sq)

    def _real_power(self, v: Value, half: Fraction) -> Value:
        import mpmath

        root = _exact_sqrt(v.val)
        if root is not None:
            return Value(self.K(root, 0), False, True)
        return Value(
            mpmath.sqrt(mpmath.mpf(int(v.val.numerator)) / int(v.val.denominator)), False, False
        )

    def conj_transpose(self, a: Value) -> Value:
        return self.conj(self.transpose(a))

    def abs(self, a: Value) -> Value:
        a = self._unwrap(a)
        if a.exact and not self.complex:
            return Value(abs(a.val), False, True)
        if a.exact and self.complex:
            sq = a.val.x * a.val.x + a.val.y * a.val.y
            return self._real_power(Value(sq, False, True), Fraction(1, 2))
        import mpmath

        return Value(mpmath.mpf(abs(a.val)), False, False)

    def equal(self, a: Value, b: Value) -> bool:
        if a.matrix != b.matrix:
            a, b = self._unwrap(a), self._unwrap(b)
        if a.matrix and a.shape != b.shape:
            return False
        if a.exact and b.exact:
            if a.matrix:
                return (a.val - b.val).is_zero_matrix
            return a.val == b.val
        import mpmath

        diff, scale = self.difference(a, b)
        return diff <= scale * mpmath.mpf(10) ** -40

    def difference(self, a: Value, b: Value):
        """(|a - b|, |a| + |b| + 1) in the 1-norm, numerically; a, b of one shape."""
        import mpmath

        if a.matrix != b.matrix:
            a, b = self._unwrap(a), self._unwrap(b)
        x, y = self.to_mp(a), self.to_mp(b)
        if a.matrix:
            return mpmath.mnorm(x - y, 1), mpmath.mnorm(x, 1) + mpmath.mnorm(y, 1) + 1
        return abs(x - y), abs(x) + abs(y) + 1


def _flat(m):
    return [x for row in m.to_list() for x in row]


def _row_sum_bound(m, complex_: bool) -> int:
    """An integer at least the largest absolute row sum of an exact matrix (|re| + |im| each)."""
    best = Fraction(1)
    for row in m.to_list():
        total = Fraction(0)
        for x in row:
            for part in (x.x, x.y) if complex_ else (x,):
                total += abs(Fraction(int(part.numerator), int(part.denominator)))
        best = max(best, total)
    return math.ceil(best)


def _flat_mp(m):
    return [x for row in m.tolist() for x in row]


def _mp_key(z):
    """An exact, hashable form of an mpf or mpc."""
    return getattr(z, "_mpc_", None) or getattr(z, "_mpf_", None) or z


def _real_part(x, arith) -> Fraction:
    if arith.complex:
        return Fraction(int(x.x.numerator), int(x.x.denominator))
    return Fraction(int(x.numerator), int(x.denominator))


def _subsets(n: int):
    """Every non-empty set of indices, for the principal minors of an n×n matrix."""
    from itertools import combinations

    return [list(c) for k in range(1, n + 1) for c in combinations(range(n), k)]


def _bits(x, complex_: bool) -> int:
    parts = (x.x, x.y) if complex_ else (x,)
    return max(max(int(p.numerator).bit_length(), int(p.denominator).bit_length()) for p in parts)


def _exact_sqrt(q):
    """The rational square root of a non-negative rational, or None."""
    if q < 0:
        return None
    n, d = int(q.numerator), int(q.denominator)
    rn, rd = math.isqrt(n), math.isqrt(d)
    if rn * rn == n and rd * rd == d:
        return Fraction(rn, rd)
    return None


# ---------------------------------------------------------------- evaluation


class Evaluator:
    """Evaluates a typed expression on one instance."""

    def __init__(self, arith: Arith, values: dict[str, Value], sizes: dict[str, int]):
        self.a, self.values, self.sizes = arith, values, sizes

    def dim(self, d) -> int:
        return d if isinstance(d, int) else self.sizes[d]

    def num(self, x: Fraction) -> Value:
        return Value(self.a.rational(x), False, True)

    def ev(self, e: Expr) -> Value:
        if _deadline is not None:
            tick()
        v = getattr(self, "e_" + type(e).__name__)(e)
        if not v.exact:
            self.a.note(v.val)
        return v

    def real(self, e: Expr, v: Value) -> bool:
        """Whether a function of ``e`` is a real function: a scalar real by type and value."""
        import mpmath

        if v.matrix:
            return False
        x = v.val
        if not v.exact:
            return mpmath.im(x) == 0 and self.a.real_typed(e)
        return (not self.a.complex or x.y == 0) and self.a.real_typed(e)

    def e_Num(self, e):
        return self.num(e.value)

    def e_Const(self, e):
        import mpmath

        if e.name == "i":
            if not self.a.complex:
                raise Undefined("the imaginary unit in a real evaluation")
            return Value(self.a.K(0, 1), False, True)
        return Value(mpmath.e if e.name == "e" else mpmath.pi, False, False)

    def e_Sym(self, e):
        if e.name in self.values:
            return self.values[e.name]
        return self.num(Fraction(self.sizes[e.name]))  # a size in scope, such as n

    def e_Identity(self, e):
        return self.a.identity(self.dim(e.dim))

    def e_Zero(self, e):
        return self.a.zeros(self.dim(e.rows), self.dim(e.cols))

    def e_Add(self, e):
        out = self.ev(e.terms[0])
        for t in e.terms[1:]:
            out = self.a.add(out, self.ev(t))
        return out

    def e_Mul(self, e):
        out = self.ev(e.factors[0])
        for f in e.factors[1:]:
            out = self.a.mul(out, self.ev(f))
        return out

    def e_Frac(self, e):
        return self.a.mul(self.ev(e.num), self.a.reciprocal(self.ev(e.den)))

    def e_Pow(self, e):
        base, exp = self.ev(e.base), self.ev(e.exp)
        real = self.real(e.base, base) and self.real(e.exp, exp)
        return self.a.power(base, exp, real)

    def e_Transpose(self, e):
        return self.a.transpose(self.ev(e.arg))

    def e_ConjTranspose(self, e):
        return self.a.conj_transpose(self.ev(e.arg))

    def e_Conj(self, e):
        return self.a.conj(self.ev(e.arg))

    def e_Inverse(self, e):
        return self.a.inverse(self.ev(e.arg))

    def e_Det(self, e):
        return self.a.det(self.ev(e.arg))

    def e_Trace(self, e):
        return self.a.trace(self.ev(e.arg))

    def e_Rank(self, e):
        return self.a.rank(self.ev(e.arg))

    def e_Norm(self, e):
        return self.a.norm(self.ev(e.arg))

    def e_Abs(self, e):
        return self.a.abs(self.ev(e.arg))

    def e_Factorial(self, e):
        v = self.a._unwrap(self.ev(e.arg))
        k = self.a._as_integer(v)
        if k is None or k < 0:
            raise Undefined("a factorial needs a non-negative integer")
        if k > self.a.limits.max_factorial:
            raise LimitError(f"{k}! is over the cap")
        return self.num(Fraction(math.factorial(k)))

    def e_Func(self, e):
        arg = self.ev(e.arg)
        return self.a.func(e.name, arg, self.real(e.arg, arg))

    def e_MatrixLit(self, e):
        from sympy.polys.matrices import DomainMatrix

        vals = [[self.a._unwrap(self.ev(x)) for x in row] for row in e.rows]
        if all(v.exact for row in vals for v in row):
            return Value(
                DomainMatrix(
                    [[v.val for v in row] for row in vals], (len(vals), len(vals[0])), self.a.K
                ),
                True,
                True,
            )
        import mpmath

        return Value(mpmath.matrix([[self.a.to_mp(v) for v in row] for row in vals]), True, False)


def evaluate(e: Expr, values: dict[str, Value], sizes: dict[str, int], arith: Arith) -> Value:
    """The value of ``e`` on one instance; raises Undefined where it has none."""
    try:
        return Evaluator(arith, values, sizes).ev(e)
    except (ZeroDivisionError, ArithmeticError) as exc:
        raise Undefined(str(exc)) from None


# ---------------------------------------------------------------- instances


class Sampler:
    """Draws random instances that satisfy the declared properties, from a seeded generator."""

    def __init__(
        self,
        arith: Arith,
        rng: random.Random,
        spread: int = 4,
        transcendental: frozenset[str] = frozenset(),
    ):
        self.a, self.rng, self.spread = arith, rng, spread
        self.transcendental = transcendental  # scalars inside exp, sin, ... or an exponent
        self.wide = spread > 4  # the second round also draws scalars far from zero
        self.draws = 0
        self.complex = arith.complex  # whether the symbol being drawn may have complex entries

    def entry(self, spread: int | None = None):
        K, r = self.a.K, self.rng
        spread = spread if spread is not None else self.spread

        def real():
            x = Fraction(r.randint(-spread, spread))
            if r.random() < 0.15:
                x = Fraction(r.randint(-spread * 2, spread * 2), r.randint(2, 3))
            return x

        if self.complex:
            return K(real(), real())
        return K(real(), 0) if self.a.complex else K(real())

    def matrix(self, rows: int, cols: int, spread: int = 4):
        from sympy.polys.matrices import DomainMatrix

        return DomainMatrix(
            [[self.entry(spread) for _ in range(cols)] for _ in range(rows)], (rows, cols), self.a.K
        )

    def scalar(self, t: SymbolType, name: str = ""):
        """A scalar with the declared properties. Integers come from a small range and, in the
        second round, from ±40 and ±1000; a real scalar inside a transcendental function mostly
        has a moderate size and a denominator of two or three digits (sin(21000πx) is 0 at every
        x with a small denominator, and cosh(6795)^2 needs 6000 digits)."""
        r, K = self.rng, self.a.K
        self.complex = self.a.complex and t.complex
        for _ in range(50):
            self.draws += 1
            wide = self.wide and self.draws % 3 != 0  # two in three draws of the second round
            if t.has("integer"):
                reach = r.choice((40, 40, 1000)) if wide else 0
                k = r.randint(-reach, reach) if wide else r.randint(-2, 4)
                if t.has("positive"):
                    k = abs(k)
                x = K(k) if not self.a.complex else K(k, 0)
            elif t.complex:
                x = self.entry(6)
                side = r.random()  # the branch cuts of sqrt and log lie on the real axis
                if side < 0.25:
                    x = K(x.x, 0)
                elif side < 0.375:
                    x = K(0, x.y)
            else:
                x = Fraction(r.randint(-9, 9), r.choice((1, 1, 2, 3, 5)))
                if wide:
                    x = Fraction(r.randint(-(10**4), 10**4), r.choice((1, 1, 7, 1000)))
                if name in self.transcendental and r.random() < (0.75 if wide else 0.5):
                    q = r.randint(11, 997)
                    reach = 40 if wide else 9
                    x = Fraction(r.randint(-reach * q, reach * q), q)
                if t.has("positive"):
                    x = abs(x)
                x = K(x.numerator) / K(x.denominator) if not self.a.complex else K(x, 0)
            if t.has("nonzero") and x == K.zero:
                continue
            if t.has("positive") and x == K.zero:
                continue
            return Value(x, False, True)
        raise Undefined("no scalar could be drawn")

    def householder(self, n: int, conj: bool = True):
        """I - 2vv*/(v*v): a reflection (unitary where complex) with exact rational entries.

        With ``conj`` false, I - 2vv^T/(v^Tv): complex orthogonal (Q^TQ = I) where complex.
        """
        from sympy.polys.matrices import DomainMatrix

        def transposed(v):
            return (self.a.conj_transpose if conj else self.a.transpose)(Value(v, True, True)).val

        v = self.matrix(n, 1, 3)
        while (transposed(v) * v).to_list()[0][0] == self.a.K.zero:
            v = self.matrix(n, 1, 3)
        vh = transposed(v)
        vv = (vh * v).to_list()[0][0]
        return DomainMatrix.eye(n, self.a.K) - (v * vh).mul(
            self.a.K(2) / vv if not self.a.complex else self.a.K(2, 0) / vv
        )

    def reflect(self, q, conj: bool = True):
        """q times a fresh ``householder`` reflection, the same draw, as a rank-one update:
        q - (qv)(2v*/(v*v)), O(n^2) where the product of matrices is O(n^3)."""

        def transposed(v):
            return (self.a.conj_transpose if conj else self.a.transpose)(Value(v, True, True)).val

        n = q.shape[0]
        v = self.matrix(n, 1, 3)
        while (transposed(v) * v).to_list()[0][0] == self.a.K.zero:
            v = self.matrix(n, 1, 3)
        vh = transposed(v)
        vv = (vh * v).to_list()[0][0]
        c = self.a.K(2) / vv if not self.a.complex else self.a.K(2, 0) / vv
        return q - (q * v) * vh.mul(c)

    def _unit(self):
        """A Gaussian rational of modulus 1, (p + qi)^2 / (p^2 + q^2), not only 1, -1, i, -i."""
        K = self.a.K
        p, q = self.rng.randint(-3, 3), self.rng.randint(-3, 3)
        if p == q == 0:
            p = 1
        z = K(p, q)
        return z * z / K(p * p + q * q, 0)

    def square(self, n: int, t: SymbolType, base=None):
        from sympy.polys.matrices import DomainMatrix

        K, a = self.a.K, self.a
        if base is not None:  # a commuting partner: a polynomial in the base, real coefficients
            # of degree up to n - 1: every matrix commuting with a generic base is one, while
            # degree 2 alone made I, A, A^2, B linearly dependent for n >= 4
            c = [
                self.a.rational(Fraction(self.rng.randint(-3, 3), self.rng.choice((1, 2))))
                for _ in range(max(3, n))
            ]
            out, power = DomainMatrix.eye(n, K).mul(c[0]), DomainMatrix.eye(n, K)
            # powers of base / (its largest row sum, rounded up): entries stay moderate, so that
            # e^{B} needs no thousand digits (B = A^7 had entries near 10^13)
            bound = _row_sum_bound(base, self.a.complex)
            scaled = base.mul(self.a.rational(Fraction(1, bound)))
            for coeff in c[1:]:
                power = power * scaled
                out = out + power.mul(coeff)
            return out
        if t.has("orthogonal") and t.has("unitary"):
            # Q^HQ = Q^TQ = I: Q^H = Q^T, so Q is real; every draw below is then a real one
            # (no unit phases), where complex ones failed the exact check sixty times over
            self.complex = False
        combined = self._combined(n, t)
        if combined is not None:
            return combined
        if t.has("orthogonal") or t.has("unitary"):
            # a complex orthogonal matrix (Q^TQ = I) is drawn from complex reflections I - 2vv^T/v^Tv
            conj = t.has("unitary") or not self.complex
            q = DomainMatrix.eye(n, K)
            for _ in range(self.rng.randint(1, max(1, n))):
                q = self.reflect(q, conj)
            if t.has("unitary") and self.complex:
                d = DomainMatrix.diag([self._unit() for _ in range(n)], K, (n, n))
                q = q * d
            return q
        if t.has("positive_definite") or t.has("positive_semidefinite"):
            r = n if t.has("positive_definite") else self.rng.randint(1, n)
            m = self.matrix(n, r, 3)
            g = m * a.conj_transpose(Value(m, True, True)).val
            if t.has("positive_definite"):  # + sI, s > 0, so that eigenvalues below 1 occur
                s = Fraction(self.rng.randint(1, 5), self.rng.choice((1, 2, 10, 100)))
                g = g + DomainMatrix.eye(n, K).mul(a.rational(s))
            return g.mul(a.rational(Fraction(1, self.rng.choice((1, 1, 4, 100)))))
        if t.has("diagonal"):
            return DomainMatrix.diag([self.entry() for _ in range(n)], K, (n, n))
        m = self.matrix(n, n)
        if t.has("hermitian"):
            return m + a.conj_transpose(Value(m, True, True)).val
        if t.has("symmetric"):
            return m + m.transpose()
        return m

    def _combined(self, n: int, t: SymbolType):
        """Instances of property pairs that one generator alone would not satisfy."""
        from sympy.polys.matrices import DomainMatrix

        K, a = self.a.K, self.a
        unit = t.has("orthogonal") or t.has("unitary")
        if unit and (t.has("positive_definite") or t.has("positive_semidefinite")):
            return DomainMatrix.eye(n, K)  # eigenvalues of modulus 1 and positive: I
        if unit and t.has("diagonal"):
            signs = [a.rational(Fraction(self.rng.choice((-1, 1)))) for _ in range(n)]
            if t.has("unitary") and self.complex:
                signs = [self._unit() for _ in range(n)]
            return DomainMatrix.diag(signs, K, (n, n))
        if unit and (t.has("symmetric") or t.has("hermitian")):
            # Q D Q^*, D = diag(±1) (or unit phases for a complex symmetric unitary, Q real)
            plain = t.has("unitary") and t.has("symmetric") and not t.has("hermitian")
            saved, self.complex = self.complex, self.complex and not plain
            q = DomainMatrix.eye(n, K)
            for _ in range(self.rng.randint(1, max(1, n))):
                q = self.reflect(q, t.has("unitary") or not self.complex)
            self.complex = saved
            phases = [
                self._unit()
                if plain and self.complex
                else a.rational(Fraction(self.rng.choice((-1, 1))))
                for _ in range(n)
            ]
            d = DomainMatrix.diag(phases, K, (n, n))
            back = (a.conj_transpose if t.has("hermitian") else a.transpose)(
                Value(q, True, True)
            ).val
            return q * d * back
        if t.has("diagonal") and (
            t.has("positive_definite") or t.has("positive_semidefinite") or t.has("hermitian")
        ):
            low = 1 if t.has("positive_definite") else 0
            lo = -5 if not (t.has("positive_definite") or t.has("positive_semidefinite")) else low
            return DomainMatrix.diag(
                [
                    a.rational(Fraction(self.rng.randint(lo, 6), self.rng.choice((1, 2, 3))))
                    for _ in range(n)
                ],
                K,
                (n, n),
            )
        return None

    def satisfies(self, m, t: SymbolType) -> bool:
        """Whether an instance has every declared property, checked exactly (a safety net)."""
        from sympy.polys.matrices import DomainMatrix

        a, K = self.a, self.a.K
        rows, cols = m.shape
        mv = Value(m, True, True)
        tr = a.transpose(mv).val
        ct = a.conj_transpose(mv).val

        def same(x, y) -> bool:
            return (x - y).is_zero_matrix

        if rows != cols:
            return not (
                set(t.props)
                & {
                    "symmetric",
                    "hermitian",
                    "orthogonal",
                    "unitary",
                    "diagonal",
                    "positive_definite",
                    "positive_semidefinite",
                    "invertible",
                }
            )
        eye = DomainMatrix.eye(rows, K)
        checks = {
            "symmetric": lambda: same(m, tr),
            "hermitian": lambda: same(m, ct),
            "orthogonal": lambda: same(tr * m, eye),
            "unitary": lambda: same(ct * m, eye),
            "diagonal": lambda: all(
                x == K.zero
                for i, row in enumerate(m.to_list())
                for j, x in enumerate(row)
                if i != j
            ),
            # Q^TQ = I or Q*Q = I, checked exactly above (all() meets them first), implies it
            "invertible": lambda: t.has("orthogonal") or t.has("unitary") or m.det() != K.zero,
            "positive_definite": lambda: (
                same(m, ct)
                and all(
                    _real_part(m.extract(list(range(k)), list(range(k))).det(), a) > 0
                    for k in range(1, rows + 1)
                )
            ),
            "positive_semidefinite": lambda: (
                same(m, ct)
                and (
                    rows > 8
                    or all(_real_part(m.extract(s, s).det(), a) >= 0 for s in _subsets(rows))
                )
            ),
        }
        return all(check() for prop, check in checks.items() if t.has(prop))

    def symbol(self, t: SymbolType, sizes: dict[str, int], base=None) -> Value:
        rows = t.rows if isinstance(t.rows, int) else sizes[t.rows]
        cols = t.cols if isinstance(t.cols, int) else sizes[t.cols]
        self.complex = self.a.complex and t.complex  # a real symbol gets real entries
        for _ in range(60):
            tick()
            if t.kind == MATRIX and rows == cols:
                m = self.square(rows, t, base)
            else:
                m = self.matrix(rows, cols)
            if t.has("invertible") and t.kind != MATRIX and m.det() == self.a.K.zero:
                continue  # (a matrix's invertibility is checked with its other properties)
            if t.has("nonzero") and all(x == self.a.K.zero for x in _flat(m)):
                continue
            if t.kind == MATRIX and not self.satisfies(m, t):
                continue
            return Value(m, True, True)
        raise Undefined("no instance with the declared properties could be drawn")

    def instance(self, env: Env, sizes: dict[str, int]) -> dict[str, Value]:
        """Values for every symbol with its declared properties, on which what the clauses say
        of expressions (``I + AB invertible``) holds too: drawn again a few times, then
        Undefined (an instance that does not satisfy the assumptions decides nothing)."""
        if not env.facts:
            return self._instance(env, sizes)
        for _ in range(FACT_REDRAWS):
            values = self._instance(env, sizes)
            failed = next((f for f in env.facts if not self.holds(f, values, sizes)), None)
            if failed is None:
                return values
        raise Undefined(f"no instance on which {failed[0]} is {failed[2]} could be drawn")

    def holds(self, fact, values: dict[str, Value], sizes: dict[str, int]) -> bool:
        """Whether a clause about an expression holds on the instance: exactly, or not at all
        (a numeric value near zero says nothing)."""
        _, expr, prop = fact
        try:
            v = evaluate(expr, values, sizes, self.a)
        except Undefined:  # the expression itself has no value (a singular inverse inside)
            return False
        if not v.exact:
            return False
        zero = self.a.K.zero
        if prop == "invertible" and v.matrix:
            return v.shape[0] == v.shape[1] and v.val.det() != zero
        return any(x != zero for x in _flat(v.val)) if v.matrix else v.val != zero

    def _instance(self, env: Env, sizes: dict[str, int]) -> dict[str, Value]:
        values: dict[str, Value] = {}
        present = set(env.names())
        groups = [g & present for g in env.commuting if len(g & present) > 1]
        for g in groups:
            # overlapping groups (A, B commute; B, C commute) do not make A and C commute, but
            # the instances below would: no faithful instances, unless one group holds both
            for h in groups:
                if g & h and not any(g | h <= k for k in groups):
                    raise Undefined(
                        f"no instances of the commuting groups {', '.join(sorted(g))}"
                        f" and {', '.join(sorted(h))} can be drawn"
                    )
        drawn: set[str] = set()
        for group in groups:
            members = sorted(
                (m for m in group if env[m].kind == MATRIX), key=lambda m: (-len(env[m].props), m)
            )
            if len(members) < 2:
                continue
            shape = (env[members[0]].rows, env[members[0]].cols)
            for m in members[1:]:
                if (env[m].rows, env[m].cols) != shape:
                    raise Undefined(f"{m} and {members[0]} commute only if they have one size")
            n = shape[0] if isinstance(shape[0], int) else sizes[shape[0]]
            values.update(self.commuting_group([(m, env[m]) for m in members], n))
            drawn |= set(members)
        for name in env.names():
            t = env[name]
            if name in drawn:
                continue
            if t.kind == SCALAR:
                values[name] = self.scalar(t, name)
                continue
            values[name] = self.symbol(t, sizes)
        return values

    def commuting_group(self, members: list[tuple[str, SymbolType]], n: int):
        """Pairwise commuting n×n instances of ``members`` (the most constrained first), each with
        exactly its own declared properties, checked; not partners that inherit the first
        member's properties (polynomials in a symmetric matrix are symmetric)."""
        for _ in range(30):
            tick()
            mats = self._commuting([t for _, t in members], n)
            if all(self._fits(m, t) for m, (_, t) in zip(mats, members, strict=True)):
                return {
                    name: Value(m, True, True) for m, (name, _) in zip(mats, members, strict=True)
                }
        raise Undefined("no commuting instances with these properties could be drawn")

    def _fits(self, m, t: SymbolType) -> bool:
        K = self.a.K
        if t.has("invertible") and m.det() == K.zero:
            return False
        if t.has("nonzero") and all(x == K.zero for x in _flat(m)):
            return False
        return self.satisfies(m, t)

    def _square_of(self, t: SymbolType, n: int, base=None):
        self.complex = self.a.complex and t.complex
        return self.square(n, t, base)

    def _commuting(self, types: list[SymbolType], n: int) -> list:
        """Two families, drawn at random, that together leave partners free:

        - polynomials in a generic first member (every matrix that commutes with a matrix of
          distinct eigenvalues is one), where polynomials keep the partners' properties;
        - Q diag(c_1 I, ..., c_m I) Q^T for a random partition of n (m = 1: a multiple of I),
          with the partners Q diag(B_1, ..., B_m) Q^T and blocks drawn freely (recursively, for
          more partners) with their own properties, Q a random rational orthogonal matrix
          (left out where a member is diagonal). Direct sums and a real orthogonal similarity
          keep every property; the properties are checked anyway.
        """
        base, rest = types[0], types[1:]
        if not rest:
            return [self._square_of(base, n)]
        poly = all(_polynomial_keeps(t.props, base.props) for t in rest)
        if poly and (n == 1 or self.rng.random() < 0.5):
            b = self._square_of(base, n)
            return [b] + [self._square_of(t, n, b) for t in rest]
        from sympy.polys.matrices import DomainMatrix

        K = self.a.K
        parts = self._partition(n)
        blocks = [self._commuting(rest, k) for k in parts]
        scalars = [self._eigenvalue(base) for _ in parts]
        mats = [
            _block_diag(
                [DomainMatrix.eye(k, K).mul(c) for k, c in zip(parts, scalars, strict=True)], K
            )
        ]
        mats += [_block_diag([b[j] for b in blocks], K) for j in range(len(rest))]
        if not any(t.has("diagonal") for t in types) and n > 1:
            self.complex = False  # a real orthogonal Q keeps hermitian, unitary, complex symmetric
            q = DomainMatrix.eye(n, K)
            for _ in range(self.rng.randint(1, n)):
                q = self.reflect(q, True)
            qt = q.transpose()
            mats = [qt * m * q for m in mats]
        return mats

    def _partition(self, n: int) -> list[int]:
        """A random composition of n: [n] (a multiple of I) one time in four, else random cuts."""
        if n == 1 or self.rng.random() < 0.25:
            return [n]
        parts, run = [], 1
        for _ in range(n - 1):
            if self.rng.random() < 0.5:
                parts.append(run)
                run = 0
            run += 1
        return parts + [run]

    def _eigenvalue(self, t: SymbolType):
        """A scalar c such that cI has the properties of ``t``."""
        a, r = self.a, self.rng
        self.complex = a.complex and t.complex
        positive = t.has("positive_definite")
        if t.has("orthogonal") or t.has("unitary"):
            if positive or t.has("positive_semidefinite"):
                return a.K.one
            if t.has("unitary") and self.complex and not t.has("hermitian"):
                return self._unit()
            return a.rational(Fraction(r.choice((-1, 1))))
        if positive or t.has("positive_semidefinite"):
            low = 1 if positive or t.has("invertible") or t.has("nonzero") else 0
            return a.rational(Fraction(r.randint(low, 6), r.choice((1, 2, 3))))
        if t.has("hermitian"):
            self.complex = False
        for _ in range(20):
            c = self.entry()
            if c != a.K.zero or not (t.has("invertible") or t.has("nonzero")):
                return c
        return a.K.one


def _block_diag(blocks: list, K):
    """The block-diagonal DomainMatrix of square ``blocks``."""
    from sympy.polys.matrices import DomainMatrix

    n = sum(b.shape[0] for b in blocks)
    rows = [[K.zero] * n for _ in range(n)]
    at = 0
    for b in blocks:
        for i, row in enumerate(b.to_list()):
            rows[at + i][at : at + len(row)] = row
        at += b.shape[0]
    return DomainMatrix(rows, (n, n), K)


def _polynomial_keeps(partner: frozenset[str], base: frozenset[str]) -> bool:
    """Whether a real polynomial in a matrix with ``base`` properties can have ``partner``'s."""
    free = {"invertible", "nonzero", "real", "complex"}
    kept = {"symmetric", "hermitian", "diagonal"} & base
    return set(partner) <= free | kept


# ---------------------------------------------------------------- trials


def transcendental_symbols(exprs: list[Expr]) -> frozenset[str]:
    """The symbols inside the argument of a function (exp, sin, log, ...) or an exponent."""
    from derive.expr import Func, Pow, Sym

    out: set[str] = set()
    for e in exprs:
        for node in walk(e):
            inner = (
                node.arg
                if isinstance(node, Func)
                else (node.exp if isinstance(node, Pow) else None)
            )
            if inner is not None:
                out |= {n.name for n in walk(inner) if isinstance(n, Sym)}
    return frozenset(out)


def dims_of(env: Env, exprs: list[Expr]) -> list[str]:
    exprs = [*exprs, *(e for _, e, _ in env.facts)]
    names = set()
    for _, t in env.symbols:
        names |= {d for d in (t.rows, t.cols) if isinstance(d, str)}
    names |= set(env.dims)
    for e in exprs:
        for node in walk(e):
            if isinstance(node, Identity) and isinstance(node.dim, str):
                names.add(node.dim)
            if isinstance(node, Zero):
                names |= {d for d in (node.rows, node.cols) if isinstance(d, str)}
    return sorted(names)


def larger_sizes(dims: list[str], rng: random.Random) -> list[dict[str, int]]:
    """Sizes past the first round's (6 to 8), for a second round: an identity that holds for
    n ≤ 5 only (a polynomial in n with roots 1..5) must not pass."""
    if not dims:
        return [{}] * 6
    every = [{d: rng.randint(6, 8) for d in dims} for _ in range(2)]  # all of them large at once
    return (
        every
        + [
            {d: rng.randint(6, 8) if i == 0 else rng.randint(1, 8) for i, d in enumerate(dims)}
            for _ in range(4)
        ]
        + size_plan(dims, rng)[:8]
    )


def size_plan(dims: list[str], rng: random.Random) -> list[dict[str, int]]:
    """The sizes to try: every n from 1 to 5 for one dimension; a spread of pairs for more."""
    if not dims:
        return [{}] * 6
    if len(dims) == 1:
        return [{dims[0]: n} for n in (1, 2, 2, 3, 3, 4, 4, 5, 1, 3, 5, 2)]
    pairs = [
        (1, 1),
        (1, 2),
        (2, 1),
        (2, 3),
        (3, 2),
        (3, 3),
        (2, 4),
        (4, 3),
        (3, 5),
        (5, 2),
        (1, 3),
        (4, 4),
    ]
    plan = []
    for p in pairs:
        sizes = {d: (p[i] if i < 2 else rng.randint(1, 4)) for i, d in enumerate(dims)}
        plan.append(sizes)
    return plan


@dataclass
class Trial:
    sizes: dict[str, int]
    values: dict[str, Value]
    left: Value
    right: Value | None  # None: the answer has no real value where the expected answer has one
    difference: object = None  # |left - right| at the highest precision, for numeric values


@dataclass
class TrialReport:
    agreed: int  # trials on which both sides were defined and equal
    undefined: int  # trials skipped because a side had no value, or nothing was decided
    counterexample: Trial | None
    exact: bool  # whether every comparison was exact
    sizes_tried: list[dict[str, int]]
    sizes_agreed: list[dict[str, int]] = field(default_factory=list)  # of the agreed trials


MAX_DPS = 3000  # beyond this working precision an instance decides nothing
MAX_DPS_MATRIX_FUNCTION = 300  # the same where e^{A}, sin(A), sqrt(A) are computed (slow);
# once one is met, only every other planned instance is drawn, and of those with a size over
# LARGE only the first of the second round (an n^3 cost: one 8×8 instance costs as much as
# nineteen 3×3 ones). The first round still has five, sizes 1 to 4; the second five, one with
# every size large (6 to 8, or the sizes where a polynomial in n is nonzero), so that a claim
# true only for small sizes still fails; every "equivalent" verdict has both rounds
LARGE = 4
REDRAWS = 5  # draws per planned instance while the expected answer has no real value
FACT_REDRAWS = 8  # draws per instance while a clause about an expression does not hold


def run_trials(
    left: Expr,
    right: Expr,
    env: Env,
    seed: int = 20261125,
    limits: Limits = DEFAULT,
    spread: int = 4,
    plan: list[dict[str, int]] | None = None,
) -> TrialReport:
    """Evaluate both sides on random instances; stop at the first disagreement.

    An instance over a cap (a power with too many bits) decides nothing; only when every instance
    is over a cap does the LimitError reach the caller.
    """
    complex_ = env.complex or any(
        isinstance(n, Const) and n.name == "i" for e in (left, right) for n in walk(e)
    )
    arith = Arith(complex_, limits)
    arith.complex_names = frozenset(n for n, t in env.symbols if t.complex)
    rng = random.Random(seed)
    sampler = Sampler(arith, rng, spread, transcendental_symbols([left, right]))
    if plan is None:
        plan = size_plan(dims_of(env, [left, right]), rng)
    agreed = undefined = 0
    exact = True
    capped: LimitError | None = None
    large = 0 if spread > 4 else 1  # agreed instances with a size over LARGE (the second round's)
    agreed_sizes: list[dict[str, int]] = []
    for index, sizes in enumerate(plan):
        tick()
        big = max(sizes.values(), default=0) > LARGE
        if arith.max_dps == MAX_DPS_MATRIX_FUNCTION and (index % 2 or (big and large)):
            continue  # a matrix function was met: fewer instances, one large (they are slow)
        try:
            for _ in range(REDRAWS):  # a real function's domain is a set of positive measure
                values = sampler.instance(env, sizes)
                status, lv, rv, diff = compare_instance(left, right, values, sizes, arith)
                if status != "outside":
                    break
        except Undefined:
            undefined += 1
            continue
        except LimitError as exc:
            capped, undefined = exc, undefined + 1
            continue
        if status in ("skip", "outside"):
            undefined += 1
            continue
        exact = exact and lv.exact and rv is not None and rv.exact
        if status != "agree":
            return TrialReport(
                agreed, undefined, Trial(sizes, values, lv, rv, diff), exact, plan, agreed_sizes
            )
        agreed += 1
        large += big  # (an undefined large instance leaves its place to the next one)
        agreed_sizes.append(sizes)
    if capped is not None and agreed == 0:
        raise capped
    return TrialReport(agreed, undefined, None, exact, plan, agreed_sizes)


def compare_instance(left, right, values, sizes, arith):
    """(status, left value, right value, difference) on one instance; status is "agree",
    "differ", "domain" (the answer has no real value where the expected answer has one),
    "outside" (nor has the expected answer) or "skip" (a side is undefined at this point, or the
    numbers decide nothing).

    Where the expected answer is undefined, nothing is compared (an answer may be defined on a
    larger domain). Where the answer alone leaves the real domain (on a set of positive measure,
    unlike a singular point), that is a difference, confirmed at a higher precision.
    """
    arith.mag, arith.mags = 0.0, []
    try:
        lv = evaluate(left, values, sizes, arith)
    except NotReal:
        return "outside", None, None, None
    except Undefined:
        return "skip", None, None, None
    try:
        rv = evaluate(right, values, sizes, arith)
    except NotReal:
        confirmed = _confirm_not_real(left, right, values, sizes, arith)
        return ("domain" if confirmed else "skip"), lv, None, None
    except Undefined:
        return "skip", lv, None, None
    if lv.exact and rv.exact:
        return ("agree" if arith.equal(lv, rv) else "differ"), lv, rv, None
    same, diff = numeric_verdict(left, right, values, sizes, arith, lv, rv)
    if same is None:
        return "skip", lv, rv, None
    return ("agree" if same else "differ"), lv, rv, diff


def noise_free_magnitude(first: list, second: list, step: int) -> float | None:
    """The largest |log10| among the magnitudes noted in two evaluations of the same values, at
    some precision and at ``step`` digits more, leaving out rounding noise: a value that is zero
    at one of them, or that shrank by nearly ``step`` digits (within 5) from the first to the
    second. None if the two evaluations noted different numbers of values (nothing is left out).

    A value that is exactly zero at one precision and not at the other is noise too. The sources
    of a genuine tiny value (e^{-1000}, a scalar 10^-70) are noted where they are computed, and
    they do not shrink with the precision.
    """
    if len(first) != len(second):
        return None
    kept = 0.0
    for a, b in zip(first, second, strict=True):
        if a is None or b is None:
            continue
        if a < 0 and b <= a - (step - 5):
            continue
        kept = max(kept, abs(a), abs(b))
    return kept


def working_precision(mag: float, cap: int = MAX_DPS) -> int | None:
    """The digits that values of decimal magnitude up to ``mag`` (huge or tiny) need so that a
    difference as small as the smallest of them is still seen next to the largest (e^{1000} +
    e^{-1000} against e^{1000}); None past ``cap``."""
    p = DPS if 2 * mag + 40 <= DPS else DPS + 10 * math.ceil((2 * mag + 10) / 10)
    return p if p <= cap else None


def _evaluate_at(dps: int, left, right, values, sizes, arith):
    import mpmath

    with mpmath.workdps(dps):
        return evaluate(left, values, sizes, arith), evaluate(right, values, sizes, arith)


def _confirm_not_real(left, right, values, sizes, arith) -> bool:
    """Whether, at a higher precision, the expected answer has a value and the answer none."""
    p = working_precision(arith.mag, arith.max_dps)
    if p is None:
        return False
    import mpmath

    with mpmath.workdps(2 * p):
        try:
            evaluate(left, values, sizes, arith)
        except Undefined:
            return False
        try:
            evaluate(right, values, sizes, arith)
        except NotReal:
            return True
        except Undefined:
            return False
    return False


def numeric_verdict(left, right, values, sizes, arith, lv, rv):
    """(same, difference): whether two numeric sides agree, at a precision that follows the
    magnitudes seen (e^{1000} + 1 against e^{1000} needs 440 digits, tanh(1000) against 1 nearly
    900), with the difference at the highest precision used.

    Each side is evaluated at p and 2p digits (4p if that decides nothing). Rounding noise
    shrinks with the precision: a difference that does is noise, and the sides agree; one that
    stays put (to three digits) is real, and seen at two precisions. Anything else, or a precision
    past MAX_DPS, decides nothing: None.
    """
    import mpmath

    if lv.shape != rv.shape and not (
        None in (lv.shape, rv.shape) or (1, 1) in (lv.shape, rv.shape)
    ):
        return False, None
    p = working_precision(arith.mag, arith.max_dps)
    first, arith.mags = arith.mags, None
    again = None  # both sides at 2·DPS digits, when evaluated there to tell noise
    if p != DPS and first is not None:
        # is the magnitude that asks for more digits rounding noise (I + 10^-60 where two
        # products cancel)? Noise shrinks as the precision grows; a magnitude does not
        arith.mags = []
        try:
            again = _evaluate_at(2 * DPS, left, right, values, sizes, arith)
        except Undefined:
            return None, None
        kept = noise_free_magnitude(first, arith.mags, DPS)
        arith.mags = None
        if kept is not None:
            p = working_precision(kept, arith.max_dps)
    if p is None:
        return None, None
    prev = arith.difference(lv, rv)[0] if p == DPS else None
    dps = p if prev is not None else p // 2
    for _ in range(3):
        dps *= 2
        try:
            if dps == 2 * DPS and again is not None:
                hv, hw = again  # the same evaluation: no need to repeat it
            else:
                hv, hw = _evaluate_at(dps, left, right, values, sizes, arith)
        except Undefined:
            return None, None
        with mpmath.workdps(dps):
            diff, _ = arith.difference(hv, hw)
        if prev is not None:
            if diff == 0 or diff <= prev * mpmath.mpf(10) ** -(dps // 6):
                return True, diff  # noise: it shrank with the precision
            if prev > 0 and abs(diff - prev) <= prev * mpmath.mpf(10) ** -3:
                return False, diff  # a real difference, the same at two precisions
            if dps > arith.max_dps:
                break
        prev = diff
    return None, None


def value_latex(v: Value, complex_: bool) -> str:
    """A value as LaTeX (``bmatrix`` for matrices)."""
    if v.matrix:
        rows = v.val.to_list() if v.exact else v.val.tolist()
        body = r" \\ ".join(
            " & ".join(_elem_latex(x, v.exact, complex_) for x in row) for row in rows
        )
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"
    return _elem_latex(v.val, v.exact, complex_)


def value_data(v: Value, complex_: bool):
    """A value as JSON-ready numbers (strings for exact rationals, floats otherwise)."""

    def one(x):
        if not v.exact:
            import mpmath

            if isinstance(x, mpmath.mpc):
                return [float(x.real), float(x.imag)] if x.imag else float(x.real)
            return float(x)
        if complex_:
            return str(x.x) if x.y == 0 else [str(x.x), str(x.y)]
        return str(x)

    if v.matrix:
        rows = v.val.to_list() if v.exact else v.val.tolist()
        return [[one(x) for x in row] for row in rows]
    return one(v.val)


def _elem_latex(x, exact: bool, complex_: bool) -> str:
    if not exact:
        import mpmath

        return mpmath.nstr(x, 12)
    if complex_:
        re, im = (
            Fraction(int(x.x.numerator), int(x.x.denominator)),
            Fraction(int(x.y.numerator), int(x.y.denominator)),
        )
        if im == 0:
            return _frac_latex(re)
        im_part = ("" if abs(im) == 1 else _frac_latex(abs(im))) + "i"
        if re == 0:
            return ("-" if im < 0 else "") + im_part
        return f"{_frac_latex(re)} {'-' if im < 0 else '+'} {im_part}"
    return _frac_latex(Fraction(int(x.numerator), int(x.denominator)))


def _frac_latex(q: Fraction) -> str:
    if q.denominator == 1:
        return str(q.numerator)
    sign = "-" if q < 0 else ""
    return f"{sign}\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"
