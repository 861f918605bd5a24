"""Matrix functions (e^A, sin A, cos A) at mpmath's working precision, fast.

``mpmath.expm`` multiplies ``mpmath.matrix`` objects of ``mpf`` entries, about 0.2 s for one
exponential of a 5×5 matrix at 60 digits; a check evaluates dozens. Here the same method (Taylor
series with scaling and squaring, with mpmath's choice of the number of squarings and of the guard
bits) runs on block floating point: each matrix is Python integers with one shared exponent, and
a product of matrices is a sum of integer products, so the work is a few thousand multiplications
of machine-word integers. The precision follows mpmath's working precision (``mp.prec``), as
mpmath's own would: the precision policy of ``derive.randomized`` (p digits, then 2p) is kept.

Errors are relative to the size of the matrices (the 1-norm bound of a product of matrices),
the same bound that floating-point products of matrices have.
"""

from __future__ import annotations

import functools
import math
from operator import mul


class _M:
    """A matrix of value ``(re + i·im) · 2^exp``: lists of integer rows, ``im`` None if real."""

    __slots__ = ("re", "im", "exp")

    def __init__(self, re, im, exp):
        self.re, self.im, self.exp = re, im, exp


def _maxbits(rows) -> int:
    return max((abs(x).bit_length() for row in rows for x in row), default=0)


def _mm(a, b):
    """The integer product of two integer matrices (lists of rows)."""
    cols = list(zip(*b, strict=True))
    return [[sum(map(mul, row, col)) for col in cols] for row in a]


def _add(a, b, sign=1):
    return [
        [x + sign * y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)
    ]


def _shift(rows, k):
    if k <= 0:
        return [[x << -k for x in row] for row in rows] if k else rows
    return [[x >> k for x in row] for row in rows]


def _normal(m: _M, bits: int) -> _M:
    """Keep about ``bits`` bits in the largest entry (drop the low bits of larger ones)."""
    top = max(_maxbits(m.re), _maxbits(m.im) if m.im is not None else 0)
    excess = top - bits
    if excess <= 0:
        return m
    return _M(
        _shift(m.re, excess), _shift(m.im, excess) if m.im is not None else None, m.exp + excess
    )


def _times(a: _M, b: _M, bits: int) -> _M:
    if a.im is None and b.im is None:
        return _normal(_M(_mm(a.re, b.re), None, a.exp + b.exp), bits)
    zero = [[0] * len(a.re[0]) for _ in a.re]
    ai = a.im if a.im is not None else zero
    zero = [[0] * len(b.re[0]) for _ in b.re]
    bi = b.im if b.im is not None else zero
    # three real products (Gauss): k1 = (a + ai)br, k2 = a(bi - br), k3 = ai(br + bi)
    k1 = _mm(_add(a.re, ai), b.re)
    k2 = _mm(a.re, _add(bi, b.re, -1))
    k3 = _mm(ai, _add(b.re, bi))
    return _normal(_M(_add(k1, k3, -1), _add(k1, k2), a.exp + b.exp), bits)


def _fixed(m: _M, exp: int) -> _M:
    """The same matrix in units of 2^exp (rounded down where that drops bits)."""
    k = exp - m.exp
    return _M(_shift(m.re, k), _shift(m.im, k) if m.im is not None else None, exp)


def _to_int(x, e: int) -> int:
    """round(x · 2^-e) for an mpf."""
    from mpmath.libmp import to_fixed

    return to_fixed(x._mpf_, -e)


def _from_mp(a, e: int) -> _M:
    """An mpmath matrix as integers times 2^e."""
    import mpmath

    rows, cols = a.rows, a.cols
    re = [[0] * cols for _ in range(rows)]
    im = None
    for i in range(rows):
        for j in range(cols):
            x = a[i, j]
            if isinstance(x, mpmath.mpc):
                if x.imag:
                    if im is None:
                        im = [[0] * cols for _ in range(rows)]
                    im[i][j] = _to_int(x.imag, e)
                x = x.real
            re[i][j] = _to_int(mpmath.mpf(x), e)
    return _M(re, im, e)


def _to_mp(m: _M, prec: int):
    import mpmath
    from mpmath.libmp import from_man_exp, round_nearest

    def mpf(x):
        return mpmath.mp.make_mpf(from_man_exp(x, m.exp, prec, round_nearest))

    n, c = len(m.re), len(m.re[0])
    out = mpmath.matrix(n, c)
    for i in range(n):
        for j in range(c):
            z = mpf(m.re[i][j])
            if m.im is not None and m.im[i][j]:
                z = mpmath.mpc(z, mpf(m.im[i][j]))
            out[i, j] = z
    return out


def _norm_bound(a) -> float:
    """An upper bound of the ∞-norm of an mpmath matrix (|re| + |im| for each entry)."""
    import mpmath

    best = 0.0
    for i in range(a.rows):
        total = 0.0
        for j in range(a.cols):
            x = a[i, j]
            if isinstance(x, mpmath.mpc):
                total += abs(float(x.real)) + abs(float(x.imag))
            else:
                total += abs(float(x))
        best = max(best, total)
    return best


def expm(a, prec: int | None = None):
    """e^A for a square mpmath matrix, at ``prec`` bits (mpmath's working precision)."""
    import mpmath

    prec = prec or mpmath.mp.prec
    norm = _norm_bound(a)
    if not math.isfinite(norm):
        raise ValueError("a matrix too large for its exponential")
    return _expm(a, prec, norm)


def _taylor_degree(r: float, bits: int) -> int:
    """The least m with 2 r^{m+1}/(m+1)! < 2^-bits (the tail of e^x past x^m, for |x| ≤ r ≤ 1/2)."""
    if r == 0:
        return 1
    lr = math.log2(r)
    m = 1
    while 1 + (m + 1) * lr - math.lgamma(m + 2) / math.log(2) >= -bits:
        m += 1
    return m


def _plan(norm: float, prec: int) -> tuple[int, int]:
    """(squarings j, Taylor degree m) with the fewest products: j + about 2√m (Paterson-Stockmeyer).

    j starts where |A/2^j| ≤ 1/2 and goes up to mpmath's choice (half the square root of the
    precision more); the guard bits of each choice are counted. The norm is rounded up to a
    power of 2^{1/8} (a larger bound: more terms, never fewer), so that plans are reused."""
    if norm:
        norm = 2.0 ** (math.ceil(math.log2(norm) * 8) / 8)
    return _plan_for(norm, prec)


@functools.lru_cache(maxsize=1024)
def _plan_for(norm: float, prec: int) -> tuple[int, int]:
    j0 = max(1, math.frexp(norm)[1] + 1 if norm else 1)
    best = None
    for j in range(j0, j0 + int(0.5 * prec**0.5) + 1):
        r = norm / 2.0**j
        m = _taylor_degree(r, prec + 8 + 2 * j)
        s = max(1, math.isqrt(m))
        cost = j + (s - 1) + m // s
        if best is None or cost < best[0]:
            best = (cost, j, m)
    return best[1], best[2]


def _expm(a, prec: int, norm: float):
    n = a.rows
    j, m = _plan(norm, prec)
    work = prec + 10 + 2 * j + n.bit_length() + m.bit_length()  # bits kept in the largest entry
    x = _from_mp(a, j - work)  # A / 2^j, as integers times 2^-work
    x.exp = -work
    one = 1 << work
    # Paterson-Stockmeyer: p(x) = sum_i B_i (x^s)^i, B_i = sum_{l<s} x^l/(is+l)!, by Horner in x^s
    s = max(1, math.isqrt(m))
    powers = [_M([[one if i == k else 0 for k in range(n)] for i in range(n)], None, -work), x]
    for _ in range(2, s + 1):
        powers.append(_fixed(_times(powers[-1], x, 2 * work + 8), -work))
    coeff = [one // math.factorial(k) for k in range(m + 1)]  # 1/k! in units of 2^-work

    zero = [[0] * n for _ in range(n)]

    def block(i: int) -> _M:
        cs = coeff[i * s : min(i * s + s, m + 1)]
        ps = powers[: len(cs)]

        def part(mats):
            return [
                [
                    sum(map(mul, cs, vals)) >> work
                    for vals in zip(*(p[r] for p in mats), strict=True)
                ]
                for r in range(n)
            ]

        im = None
        if x.im is not None:
            im = part([p.im if p.im is not None else zero for p in ps])
        return _M(part([p.re for p in ps]), im, -work)

    q = m // s
    y = block(q)
    for i in range(q - 1, -1, -1):
        y = _accumulate(_fixed(_times(y, powers[s], 2 * work + 8), -work), block(i))
    for _ in range(j):
        y = _times(y, y, work)
    return _to_mp(y, prec)


def _accumulate(y: _M, t: _M) -> _M:
    """y + t, in y's units (2^y.exp), which are at least as fine as t's here."""
    shift = t.exp - y.exp
    tre = _shift(t.re, -shift)
    re = _add(y.re, tre)
    if t.im is None and y.im is None:
        return _M(re, None, y.exp)
    zero = [[0] * len(y.re[0]) for _ in y.re]
    yi = y.im if y.im is not None else zero
    ti = _shift(t.im, -shift) if t.im is not None else zero
    return _M(re, _add(yi, ti), y.exp)


def funm(name: str, a, exp=expm):
    """exp, sin or cos of a square mpmath matrix at the working precision; None for another.
    ``exp`` computes e^A (a caller's cache: sin A and cos A of a real A share e^{iA})."""
    import mpmath

    if name == "exp":
        return exp(a)
    if name not in ("sin", "cos"):
        return None
    real = all(not isinstance(x, mpmath.mpc) or not x.imag for row in a.tolist() for x in row)
    plus = exp(a * mpmath.mpc(0, 1))  # e^{iA} = cos A + i sin A
    if real:
        part = (lambda z: mpmath.mpf(z.imag)) if name == "sin" else (lambda z: mpmath.mpf(z.real))
        return plus.apply(part)
    minus = exp(a * mpmath.mpc(0, -1))
    if name == "cos":
        return (plus + minus) * mpmath.mpf(0.5)
    return (plus - minus) * mpmath.mpc(0, -0.5)
