"""The one canonical form of the project: "the same up to arithmetic".

A key is the shape and the sorted terms: words of matrix factors (matrices never commute) with
Laurent-polynomial coefficients over ``Fraction`` in atoms (symbols, and opaque keys such as
``det(A)``). A denominator divides out only when ``nonzero`` says so (the kernel asks the fact
prover, which records it): a secretly zero ``x`` in ``(cx)/x`` would otherwise prove ``c = d``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import reduce

from derive.core.shapes import Scope, is_scalar, shape_of
from derive.core.terms import Add, Expr, Frac, Identity, MatrixLit, Mul, Num, Pow, Sym, Zero

Monomial = tuple  # ((atom key, exponent), ...) sorted by repr of the key
Poly = dict  # Monomial -> Fraction, no zero coefficients

MAX_EXPONENT = 64


def p_const(c: Fraction) -> Poly:
    return {(): Fraction(c)} if c else {}


def p_atom(key) -> Poly:
    return {((key, 1),): Fraction(1)}


def p_add(a: Poly, b: Poly) -> Poly:
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, 0) + c
    return {m: c for m, c in out.items() if c}


def _m_mul(m1: Monomial, m2: Monomial) -> Monomial:
    exps = dict(m1)
    for k, e in m2:
        exps[k] = exps.get(k, 0) + e
    return tuple(sorted(((k, e) for k, e in exps.items() if e), key=lambda ke: repr(ke[0])))


def p_mul(a: Poly, b: Poly) -> Poly:
    """The product of two polynomials.

    >>> x = p_atom("x")
    >>> p_key(p_mul(p_add(x, p_const(1)), p_add(x, p_const(-1))))
    (((('x', 2),), Fraction(1, 1)), ((), Fraction(-1, 1)))
    """
    out: Poly = {}
    for m1, c1 in a.items():
        for m2, c2 in b.items():
            m = _m_mul(m1, m2)
            out[m] = out.get(m, 0) + c1 * c2
    return {m: c for m, c in out.items() if c}


def p_pow(a: Poly, k: int) -> Poly:
    """``a**k`` for ``k ≥ 0``; for ``k < 0`` only a monomial (whose atoms are known nonzero)."""
    if len(a) == 1:  # a monomial: exponents multiply
        ((m, c),) = a.items()
        return {tuple((key, e * k) for key, e in m): c**k}
    return reduce(p_mul, [a] * k, p_const(Fraction(1)))


def p_key(a: Poly) -> tuple:
    return tuple(sorted(a.items(), key=repr))


class Canon:
    """Keys of the terms of one scope; ``nonzero(e)`` decides which denominators divide out."""

    def __init__(self, scope: Scope, nonzero: Callable[[Expr], bool]):
        self.scope, self.nonzero = scope, nonzero

    def key(self, e: Expr) -> tuple:
        """The shape (so that (x^Tx)I, n×n, is not x^Tx, 1×1) and the sorted terms: equal keys
        are equal up to associativity, the order of a sum, and scalar arithmetic.

        >>> from derive.core.shapes import SymbolType
        >>> s = Scope((("c", SymbolType("scalar")), ("A", SymbolType("matrix", "n", "n"))))
        >>> c, A, key = Sym("c"), Sym("A"), Canon(s, lambda e: False).key
        >>> key(Add((Mul((c, A)), A))) == key(Mul((Add((c, Num(Fraction(1)))), A)))
        True
        >>> key(Frac(Mul((c, A)), c)) == key(A)  # c may be 0
        False
        >>> Canon(s, lambda e: e == c).key(Frac(Mul((c, A)), c)) == key(A)
        True
        """
        shape = shape_of(e, self.scope)
        return ("1x1" if shape in (None, (1, 1)) else shape, _sorted_terms(self.terms(e)))

    def scalar_like(self, e: Expr) -> bool:
        """A scalar; a 1×1 product of vectors and matrices (x^TAy) stays a word, not a scalar."""
        factors = flat_factors(e) if isinstance(e, Mul) else []
        return is_scalar(e, self.scope) and all(is_scalar(f, self.scope) for f in factors)

    def terms(self, e: Expr) -> dict:
        """word (a tuple of factor keys; ("I",) for the identity) -> coefficient."""
        if isinstance(e, Add):
            out: dict = {}
            for t in e.terms:
                for m, c in self.terms(t).items():
                    out[m] = p_add(out.get(m, {}), c)
            return {m: c for m, c in out.items() if c}
        if isinstance(e, Zero):
            return {}
        if isinstance(e, Identity):
            return {("I",): p_const(Fraction(1))}
        if self.scalar_like(e):
            c = self.scalar(e)
            return {(): c} if c else {}
        if isinstance(e, Mul):
            coef, words = p_const(Fraction(1)), [()]
            for f in flat_factors(e):
                sub = self.terms(f)
                if not sub:
                    return {}  # a zero factor
                if len(sub) == 1:
                    ((m, c),) = sub.items()
                    coef = p_mul(coef, c)
                    words = [w + tuple(x for x in m if x != "I") for w in words]
                else:
                    words = [w + (("sum", _sorted_terms(sub)),) for w in words]
            return {words[0] or ("I",): coef} if coef else {}
        if isinstance(e, Frac):
            r = self.reciprocal(e.den)
            return {m: p_mul(c, r) for m, c in self.terms(e.num).items()}
        kids = tuple(self.key(k) for k in e.children())
        # an explicit matrix keys its shape too: its entries alone do not tell 1×4 from 2×2
        tag = (len(e.rows), len(e.rows[0])) if isinstance(e, MatrixLit) else _name(e)
        return {((type(e).__name__, tag, kids),): p_const(Fraction(1))}

    def scalar(self, e: Expr) -> Poly:
        if isinstance(e, Num):
            return p_const(e.value)
        if isinstance(e, Sym):
            return p_atom(("sym", e.name))
        if isinstance(e, Add):
            return reduce(p_add, (self.scalar(t) for t in e.terms), {})
        if isinstance(e, Mul) and all(self.scalar_like(f) for f in e.factors):
            return reduce(p_mul, (self.scalar(f) for f in e.factors), p_const(Fraction(1)))
        if isinstance(e, Frac):
            return p_mul(self.scalar(e.num), self.reciprocal(e.den))
        if isinstance(e, Pow) and self.scalar_like(e.base) and isinstance(e.exp, Num):
            k = e.exp.value
            if k.denominator == 1 and abs(k) <= 10**6:
                base = self.scalar(e.base) if k >= 0 else self.reciprocal(e.base)
                unit = len(base) == 1 and abs(next(iter(base.values()))) == 1  # e^{-100}: cheap
                if unit or abs(k) <= MAX_EXPONENT:
                    return p_pow(base, int(abs(k)))
        return self.atom(e)

    def atom(self, e: Expr, tag: str | None = None) -> Poly:
        kids = tuple(self.key(k) for k in e.children()) if tag is None else self.key(e)
        return p_atom((tag or type(e).__name__, _name(e), kids))

    def reciprocal(self, den: Expr) -> Poly:
        """1/den: a monomial's inverse, or an opaque atom, only when den is known nonzero."""
        p = self.scalar(den)
        if not p:
            raise ZeroDivisionError("a division by zero has no canonical form")
        if not self.nonzero(den):
            return self.atom(den, tag="reciprocal")
        if len(p) == 1:
            return p_pow(p, -1)
        lead = p_key(p)[0][1]  # made monic, so that 1/(2x+2) and 1/(x+1)/2 agree
        monic = {m: c / lead for m, c in p.items()}
        return {((("inverse-of", p_key(monic)), 1),): 1 / lead}


def _name(e: Expr):
    return getattr(e, "name", None)


def _sorted_terms(terms: dict) -> tuple:
    return tuple(sorted(((p_key(c), m) for m, c in terms.items()), key=repr))


def flat_factors(e: Mul) -> list[Expr]:
    """The factors of a product with nested products opened (associativity)."""
    out: list[Expr] = []
    for f in e.factors:
        out.extend(flat_factors(f) if isinstance(f, Mul) else [f])
    return out
