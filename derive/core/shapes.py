"""Symbols, their types, and the shape of a term.

A ``Scope`` says what each symbol is: a scalar, a vector or a matrix, its shape (rows, cols; a
number or the name of a size such as ``n``), and the properties that were *declared* for it. Nothing
is implied here: that a positive definite matrix is invertible is a theorem, found by the fact
prover (``derive.core.facts``) only once the catalogue has proved it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from derive.core.terms import (
    Abs,
    Add,
    Conj,
    ConjTranspose,
    Const,
    Det,
    Dim,
    Expr,
    Factorial,
    Frac,
    Func,
    Identity,
    Inverse,
    MatrixLit,
    Mul,
    Norm,
    Num,
    Pow,
    Rank,
    Sym,
    Trace,
    Transpose,
    Unary,
    Zero,
)

SCALAR, VECTOR, MATRIX = "scalar", "vector", "matrix"
Shape = tuple | None  # (rows, cols), or None for a scalar


class TypeFault(Exception):
    """A term whose shapes do not fit (a rewrite that would multiply n×1 by n×1, say)."""


@dataclass(frozen=True)
class SymbolType:
    """What one symbol is: its kind, its shape (rows, cols) and its properties."""

    kind: str
    rows: Dim = 1
    cols: Dim = 1
    props: frozenset[str] = frozenset()

    @property
    def complex(self) -> bool:
        return "complex" in self.props

    def has(self, prop: str) -> bool:
        return prop in self.props


@dataclass(frozen=True)
class Scope:
    """The symbols of one theorem with their types, and the names of its sizes."""

    symbols: tuple[tuple[str, SymbolType], ...]
    dims: frozenset[str] = frozenset()

    def get(self, name: str) -> SymbolType | None:
        return dict(self.symbols).get(name)

    def __getitem__(self, name: str) -> SymbolType:
        return dict(self.symbols)[name]

    def names(self) -> list[str]:
        return [n for n, _ in self.symbols]

    @property
    def complex(self) -> bool:
        return any(t.complex for _, t in self.symbols)

    def with_symbol(self, name: str, t: SymbolType) -> Scope:
        """A copy in which ``name`` has the type ``t`` (a fixed, arbitrary vector of a proof)."""
        rest = tuple((n, u) for n, u in self.symbols if n != name)
        return replace(self, symbols=rest + ((name, t),))


def shape_of(e: Expr, scope: Scope) -> Shape:
    """The shape of a term (None for a scalar); ``TypeFault`` if its shapes do not fit.

    >>> s = Scope((("A", SymbolType(MATRIX, "n", "n")), ("x", SymbolType(VECTOR, "n", 1))))
    >>> shape_of(Mul((Transpose(Sym("x")), Sym("A"), Sym("x"))), s)
    (1, 1)
    >>> shape_of(Mul((Sym("x"), Sym("x"))), s)
    Traceback (most recent call last):
    derive.core.shapes.TypeFault: cannot multiply n×1 by n×1
    """
    if isinstance(e, (Num, Const)):
        return None
    if isinstance(e, Sym):
        t = scope.get(e.name)
        if t is None:
            if e.name in scope.dims:
                return None
            raise TypeFault(f"unknown symbol {e.name}")
        return None if t.kind == SCALAR else (t.rows, t.cols)
    if isinstance(e, Identity):
        return (e.dim, e.dim)
    if isinstance(e, Zero):
        return (e.rows, e.cols)
    if isinstance(e, Add):
        shapes = {_scalarish(shape_of(t, scope)) for t in e.terms}
        if len(shapes) != 1:
            raise TypeFault("cannot add terms of different shapes")
        return shapes.pop()
    if isinstance(e, Mul):
        return _product_shape([shape_of(f, scope) for f in e.factors])
    if isinstance(e, Frac):
        if shape_of(e.den, scope) not in (None, (1, 1)):
            raise TypeFault("cannot divide by a matrix")
        return shape_of(e.num, scope)
    if isinstance(e, Pow):
        if shape_of(e.exp, scope) not in (None, (1, 1)):
            raise TypeFault("an exponent is a scalar")
        s = shape_of(e.base, scope)
        if s in (None, (1, 1)):
            return None
        return _square(s, "a matrix power")
    if isinstance(e, (Transpose, ConjTranspose)):
        s = shape_of(e.arg, scope)
        return None if s is None else (s[1], s[0])
    if isinstance(e, Inverse):
        s = shape_of(e.arg, scope)
        return None if s in (None, (1, 1)) else _square(s, "an inverse")
    if isinstance(e, (Det, Trace)):
        s = shape_of(e.arg, scope)
        if s is not None:
            _square(s, "a determinant or trace")
        return None
    if isinstance(e, (Rank, Norm, Abs, Factorial)):
        shape_of(e.arg, scope)
        return None
    if isinstance(e, Conj):
        return shape_of(e.arg, scope)
    if isinstance(e, Func):
        s = shape_of(e.arg, scope)
        return None if s in (None, (1, 1)) else _square(s, "a matrix function")
    if isinstance(e, MatrixLit):
        if len({len(r) for r in e.rows}) != 1:
            raise TypeFault("the rows of a matrix have different lengths")
        for x in e.children():
            if shape_of(x, scope) not in (None, (1, 1)):
                raise TypeFault("an entry of a matrix is a scalar")
        return (len(e.rows), len(e.rows[0]))
    raise TypeFault(f"{type(e).__name__} is not a term")


def _scalarish(s: Shape) -> Shape:
    return None if s == (1, 1) else s


def _square(s: tuple, what: str) -> tuple:
    if s[0] != s[1]:
        raise TypeFault(f"{what} needs a square matrix, not {s[0]}×{s[1]}")
    return s


def _product_shape(shapes: list[Shape]) -> Shape:
    """Matrices multiply in order; scalars and 1×1 products are scalar factors."""
    acc: Shape = None
    for s in shapes:
        if s is None:
            continue
        if acc is None:
            acc = s
        elif acc[1] == s[0]:
            acc = (acc[0], s[1])
        elif acc == (1, 1):
            acc = s
        elif s != (1, 1):
            raise TypeFault(f"cannot multiply {acc[0]}×{acc[1]} by {s[0]}×{s[1]}")
    return acc


def well_typed(e: Expr, scope: Scope) -> bool:
    try:
        shape_of(e, scope)
        return True
    except (TypeFault, RecursionError):
        return False


def is_scalar(e: Expr, scope: Scope) -> bool:
    """A scalar, or a 1×1 product (x^Ty), which is a scalar factor wherever it stands."""
    try:
        return shape_of(e, scope) in (None, (1, 1))
    except TypeFault:
        return False


def is_square(e: Expr, scope: Scope) -> bool:
    try:
        s = shape_of(e, scope)
    except TypeFault:
        return False
    return s is not None and s[0] == s[1] and s != (1, 1)


def real_valued(e: Expr, scope: Scope) -> bool:
    """Real by construction: real symbols under +, ·, /, integer powers, det, tr, norms.

    >>> s = Scope((("a", SymbolType(SCALAR, props=frozenset({"real"}))),))
    >>> real_valued(Pow(Sym("a"), Num(Fraction(2))), s), real_valued(Const("i"), s)
    (True, False)
    """
    if isinstance(e, Sym):
        t = scope.get(e.name)
        return e.name in scope.dims if t is None else not t.complex
    if isinstance(e, Pow):
        return isinstance(e.exp, Num) and e.exp.value.denominator == 1 and real_valued(
            e.base, scope)
    if isinstance(e, Const):
        return e.name != "i"
    if isinstance(e, (Num, Identity, Zero)):
        return True
    if isinstance(e, (Norm, Abs, Rank)):
        return True
    if isinstance(e, (Add, Mul, Frac, MatrixLit, Transpose, ConjTranspose, Conj, Det, Trace,
                      Inverse)):
        return all(real_valued(k, scope) for k in e.children())
    return False


__all__ = ["SCALAR", "VECTOR", "MATRIX", "Shape", "TypeFault", "SymbolType", "Scope", "shape_of",
           "well_typed", "is_scalar", "is_square", "real_valued", "Unary", "Fraction"]
