"""Symbols, their types, and the shape of a term. A ``Scope`` gives each symbol its kind, shape
and *declared* properties; nothing is implied here (that a positive definite matrix is invertible
is a theorem of the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.core import terms as T
from derive.core.terms import Add, Dim, Expr, Frac, Func, MatrixLit, Mul, Num, Pow, Sym

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

    def size_number(self, d: int | str) -> Expr | None:
        """A size as a number: 3, or n if n is a size here and no symbol (not a declared scalar n)."""
        ok = isinstance(d, int) or d in self.dims and self.get(d) is None
        return None if not ok else Num(T.Fraction(d)) if isinstance(d, int) else Sym(d)

    @property
    def complex(self) -> bool:
        return any(t.complex for _, t in self.symbols)


def shape_of(e: Expr, scope: Scope) -> Shape:
    """The shape of a term (None for a scalar); ``TypeFault`` if its shapes do not fit.

    >>> s = Scope((("A", SymbolType(MATRIX, "n", "n")), ("x", SymbolType(VECTOR, "n", 1))))
    >>> shape_of(Mul((T.Transpose(Sym("x")), Sym("A"), Sym("x"))), s)
    (1, 1)
    >>> shape_of(Mul((Sym("x"), Sym("x"))), s)
    Traceback (most recent call last):
    derive.core.shapes.TypeFault: cannot multiply n×1 by n×1
    """
    if isinstance(e, (Num, T.Const)):
        return None
    if isinstance(e, Sym):
        t = scope.get(e.name)
        if t is None and e.name not in scope.dims:
            raise TypeFault(f"unknown symbol {e.name}")
        return None if t is None or t.kind == SCALAR else (t.rows, t.cols)
    if isinstance(e, T.Identity):
        return (e.dim, e.dim)
    if isinstance(e, T.Zero):
        return (e.rows, e.cols)
    if isinstance(e, Add):
        shapes = {None if (s := shape_of(t, scope)) == (1, 1) else s for t in e.terms}
        if len(shapes) != 1:
            raise TypeFault("cannot add terms of different shapes")
        return shapes.pop()
    if isinstance(e, Mul):
        return _product_shape([shape_of(f, scope) for f in e.factors])
    if isinstance(e, Frac):
        if shape_of(e.den, scope) not in (None, (1, 1)):
            raise TypeFault("cannot divide by a matrix")
        return shape_of(e.num, scope)
    if isinstance(e, Pow) and shape_of(e.exp, scope) not in (None, (1, 1)):
        raise TypeFault("an exponent is a scalar")
    if isinstance(e, MatrixLit):
        if len({len(r) for r in e.rows}) != 1:
            raise TypeFault("the rows of a matrix have different lengths")
        if any(shape_of(x, scope) not in (None, (1, 1)) for x in e.children()):
            raise TypeFault("an entry of a matrix is a scalar")
        return (len(e.rows), len(e.rows[0]))
    if not isinstance(e, (Pow, T.Unary, Func)):
        raise TypeFault(f"{type(e).__name__} is not a term")
    s = shape_of(e.base if isinstance(e, Pow) else e.arg, scope)
    if isinstance(e, (T.Transpose, T.ConjTranspose)):
        return None if s is None else (s[1], s[0])
    if isinstance(e, T.Conj):
        return s
    if isinstance(e, (T.Det, T.Trace)) and s is not None:
        _square(s, "a determinant or trace")
    if isinstance(e, (T.Det, T.Trace, T.Rank, T.Norm, T.Abs, T.Factorial)) or s in (None, (1, 1)):
        return None
    what = {Pow: "a matrix power", T.Inverse: "an inverse", Func: "a matrix function"}[type(e)]
    return _square(s, what)


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


def shape_or_false(e: Expr, scope: Scope) -> Shape | bool:
    """The shape of ``e``, or False if its shapes do not fit."""
    try:
        return shape_of(e, scope)
    except (TypeFault, RecursionError):
        return False


def well_typed(e: Expr, scope: Scope) -> bool:
    return shape_or_false(e, scope) is not False


def is_scalar(e: Expr, scope: Scope) -> bool:
    """A scalar, or a 1×1 product (x^Ty), which is a scalar factor wherever it stands."""
    return shape_or_false(e, scope) in (None, (1, 1))


def is_square(e: Expr, scope: Scope) -> bool:
    s = shape_or_false(e, scope)
    return bool(s) and s[0] == s[1] and s != (1, 1)


def real_valued(e: Expr, scope: Scope) -> bool:
    """Real by construction: real symbols under +, ·, /, integer powers, det, tr, norms.

    >>> s = Scope((("a", SymbolType(SCALAR, props=frozenset({"real"}))),))
    >>> real_valued(Pow(Sym("a"), Num(T.Fraction(2))), s), real_valued(T.Const("i"), s)
    (True, False)
    """
    if isinstance(e, Sym):
        t = scope.get(e.name)
        return e.name in scope.dims if t is None else not t.complex
    if isinstance(e, Pow):
        whole = isinstance(e.exp, Num) and e.exp.value.denominator == 1
        return whole and real_valued(e.base, scope)
    if isinstance(e, T.Const):
        return e.name != "i"
    if isinstance(e, (Num, T.Identity, T.Zero, T.Norm, T.Abs, T.Rank)):
        return True
    real_under = (Add, Mul, Frac, MatrixLit, T.Transpose, T.ConjTranspose, T.Conj, T.Det, T.Trace)
    real_under += (T.Inverse,)
    return isinstance(e, real_under) and all(real_valued(k, scope) for k in e.children())
