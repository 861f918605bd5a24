"""Expressions: the typed tree that every part of `derive` shares (printers live outside the core).

Nodes are frozen dataclasses, compared structurally; the source position of a node (``pos``) is
kept for error messages and never takes part in comparison. Products keep their order: ``Mul``
holds its factors as written, scalars and matrices alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

Dim = int | str  # a concrete size, or the name of a symbolic one ("n", "m")


def _pos() -> int:
    return field(default=-1, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Expr:
    """Base of all nodes; ``KIDS`` names the fields that hold the subterms."""

    KIDS = ()

    def children(self) -> tuple[Expr, ...]:
        return tuple([self.__dict__[k] for k in self.KIDS])

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return type(self)(**{**self.__dict__, **dict(zip(self.KIDS, children, strict=False))})


@dataclass(frozen=True)
class Num(Expr):  # An exact rational number (decimals are read exactly: ``0.5`` is 1/2).
    value: Fraction
    pos: int = _pos()


@dataclass(frozen=True)
class Const(Expr):  # A named constant: ``e`` (Euler's number), ``pi``, ``i`` (the imaginary unit).
    name: str
    pos: int = _pos()


@dataclass(frozen=True)
class Sym(Expr):  # A symbol; its type (scalar, vector, matrix) and shape live in the ``Env``.
    name: str
    pos: int = _pos()


@dataclass(frozen=True)
class Identity(Expr):  # The identity matrix of size ``dim``.
    dim: Dim = "n"
    pos: int = _pos()


@dataclass(frozen=True)
class Zero(Expr):  # The zero matrix (or zero vector) of the given shape.
    rows: Dim = "n"
    cols: Dim = "n"
    pos: int = _pos()


@dataclass(frozen=True)
class Add(Expr):
    terms: tuple[Expr, ...]
    pos: int = _pos()

    def children(self):
        return self.terms

    def rebuild(self, children):
        return Add(tuple(children), pos=self.pos)


@dataclass(frozen=True)
class Mul(Expr):  # An ordered product; scalar factors may stand anywhere and commute.
    factors: tuple[Expr, ...]
    pos: int = _pos()

    def children(self):
        return self.factors

    def rebuild(self, children):
        return Mul(tuple(children), pos=self.pos)


@dataclass(frozen=True)
class Frac(Expr):  # ``\\frac{num}{den}``; the denominator is a scalar.
    num: Expr
    den: Expr
    pos: int = _pos()
    KIDS, FORM = ("num", "den"), "({})/({})"


@dataclass(frozen=True)
class Pow(Expr):  # A power: a scalar to any scalar power, or a square matrix to an integer one.
    base: Expr
    exp: Expr
    pos: int = _pos()
    KIDS, FORM = ("base", "exp"), "({})^({})"


@dataclass(frozen=True)
class Unary(Expr):
    arg: Expr
    pos: int = _pos()
    KIDS = ("arg",)
    FORM = "{}"  # how ``text`` writes it


def _unary(name: str, doc: str, form: str) -> type:
    return type(name, (Unary,), {"__doc__": doc, "FORM": form, "__module__": __name__})


Transpose = _unary("Transpose", "``A^T``", "({})^T")
ConjTranspose = _unary("ConjTranspose", "``A^H``: the conjugate transpose.", "({})^H")
Conj = _unary("Conj", "``\\bar{z}``: the complex conjugate.", "conj({})")
Inverse = _unary("Inverse", "``A^{-1}`` of a square matrix.", "({})^-1")
Det = _unary("Det", "``\\det(A)``", "det({})")
Trace = _unary("Trace", "``\\operatorname{tr}(A)``", "tr({})")
Rank = _unary("Rank", "``\\operatorname{rank}(A)``", "rank({})")
Norm = _unary("Norm", "``\\|x\\|``: the Euclidean norm of a vector.", "||{}||")
Abs = _unary("Abs", "``|c|`` of a scalar.", "|{}|")
Factorial = _unary("Factorial", "``n!`` of a non-negative integer.", "({})!")


@dataclass(frozen=True)
class Func(Expr):  # A function applied to a scalar or (as a matrix function) to a square matrix.
    name: str  # exp, sin, cos, tan, log, sqrt, sinh, cosh, tanh
    arg: Expr
    pos: int = _pos()
    KIDS = ("arg",)


@dataclass(frozen=True)
class MatrixLit(Expr):  # An explicit matrix, row by row.
    rows: tuple[tuple[Expr, ...], ...]
    pos: int = _pos()

    def children(self):
        return tuple(e for row in self.rows for e in row)

    def rebuild(self, children):
        w, flat = len(self.rows[0]), tuple(children)
        rows = tuple(flat[i * w : (i + 1) * w] for i in range(len(self.rows)))
        return MatrixLit(rows, pos=self.pos)


@dataclass(frozen=True)
class Has(Expr):  # A property as a proposition: ``A^T invertible``, ``\\lambda real``.
    term: Expr
    prop: str
    pos: int = _pos()
    KIDS = ("term",)


@dataclass(frozen=True)
class Relation(Expr):  # ``lhs op rhs``: op is ``=``, ``\\ne``, ``<``, ``\\le``, ``>`` or ``\\ge``.
    op: str
    lhs: Expr
    rhs: Expr
    pos: int = _pos()
    KIDS = ("lhs", "rhs")


def walk(e: Expr):
    """Every node of ``e``, parents before children.

    >>> [type(n).__name__ for n in walk(Mul((Sym("A"), Transpose(Sym("B")))))]
    ['Mul', 'Sym', 'Transpose', 'Sym']
    """
    yield e
    for c in e.children():
        yield from walk(c)


def flat_mul(factors) -> Mul:
    """The product of ``factors`` with the products among them opened (associativity)."""
    return Mul(tuple(g for f in factors for g in (f.factors if isinstance(f, Mul) else (f,))))


def symbols(e: Expr) -> set[str]:
    """The names of the symbols in ``e``."""
    return {n.name for n in walk(e) if isinstance(n, Sym)}


def size(e: Expr) -> int:
    """The number of nodes, a measure used by searches and limits."""
    return sum(1 for _ in walk(e))


def text(e: Expr) -> str:
    """A plain, unambiguous rendering for the core's messages (the LaTeX printer lives outside).

    >>> text(Add((Mul((Transpose(Sym("B")), Sym("A"))), Num(Fraction(1, 2)))))
    '(B)^T A + 1/2'
    """
    if isinstance(e, Num):
        return str(e.value)
    if isinstance(e, (Const, Sym)):
        return e.name
    if isinstance(e, Identity):
        return "I" if e.dim == "n" else f"I_{e.dim}"
    if isinstance(e, Zero):
        return "0"
    if isinstance(e, Add):
        return " + ".join(text(t) for t in e.terms)
    if isinstance(e, Mul):
        return " ".join(f"({text(f)})" if isinstance(f, Add) else text(f) for f in e.factors)
    if isinstance(e, Func):
        return f"{e.name}({text(e.arg)})"
    if isinstance(e, MatrixLit):
        return "[" + "; ".join(" ".join(text(x) for x in row) for row in e.rows) + "]"
    if isinstance(e, Relation):
        return f"{text(e.lhs)} {e.op} {text(e.rhs)}"
    if isinstance(e, Has):
        return f"{text(e.term)} {e.prop}"
    return e.FORM.format(*map(text, e.children()))  # Frac, Pow, Unary


__all__ = (
    "Dim Expr Num Const Sym Identity Zero Add Mul Frac Pow Unary Transpose ConjTranspose Conj"
    " Inverse Det Trace Rank Norm Abs Factorial Func MatrixLit Has Relation walk flat_mul symbols size"
    " text Fraction"
).split()
