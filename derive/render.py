"""Renderers: expressions to LaTeX (the form every other output builds on)."""

from __future__ import annotations

import re
from fractions import Fraction

from derive.expr import (
    Abs,
    Add,
    Conj,
    Const,
    Det,
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
    Relation,
    Sym,
    Trace,
    Transpose,
    Zero,
)

RELATION_LATEX = {"=": "=", "!=": r"\ne", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">"}
ATOMIC = (Sym, Identity, Zero, Const, MatrixLit, Det, Trace, Rank, Norm, Abs, Func)


def latex(e: Expr, vectors: frozenset[str] | set[str] = frozenset()) -> str:
    """LaTeX for an expression; ``vectors`` are printed bold.

    >>> from derive.frontend import parse
    >>> latex(parse("(AB)^{-1} - 2A^T").tree)
    '(AB)^{-1} - 2A^{T}'
    >>> latex(parse(r"\\frac{1}{2}\\mathbf{x}^TA\\mathbf{x}").tree, {"x"})
    '\\\\frac{1}{2}\\\\mathbf{x}^{T}A\\\\mathbf{x}'
    """
    return _Printer(frozenset(vectors)).p(e)


class _Printer:
    def __init__(self, vectors: frozenset[str]):
        self.vectors = vectors

    def p(self, e: Expr) -> str:
        return getattr(self, "p_" + type(e).__name__)(e)

    def p_Num(self, e: Num) -> str:
        return _number(e.value)

    def p_Const(self, e: Const) -> str:
        return {"pi": r"\pi"}.get(e.name, e.name)

    def p_Sym(self, e: Sym) -> str:
        if e.name in self.vectors:
            base, _, sub = e.name.partition("_")
            return rf"\mathbf{{{base}}}" + (f"_{sub}" if sub else "")
        return e.name

    def p_Identity(self, e: Identity) -> str:
        return "I"

    def p_Zero(self, e: Zero) -> str:
        return r"\mathbf{0}" if e.cols == 1 and e.rows != 1 else "0"

    def p_Add(self, e: Add) -> str:
        out = ""
        for i, t in enumerate(e.terms):
            text = self.p(t)
            if i == 0:
                out = text
            elif text.startswith("-"):
                out += " - " + text[1:]
            else:
                out += " + " + text
        return out

    def p_Mul(self, e: Mul) -> str:
        factors = list(e.factors)
        sign = ""
        if factors and isinstance(factors[0], Num) and factors[0].value == -1 and len(factors) > 1:
            sign, factors = "-", factors[1:]
        out = ""
        prev = None
        for i, f in enumerate(factors):
            text = self.p(f)
            if isinstance(f, (Add, Relation)) or (isinstance(f, Mul) and len(factors) > 1) or (
                    i > 0 and (text.startswith("-"))):
                text = f"({text})"
            elif isinstance(f, Num) and f.value < 0 and i > 0:
                text = f"({text})"
            if prev is not None and (isinstance(f, Num) or text[0].isdigit()) and (
                    isinstance(prev, (Num, Factorial)) or out[-1:].isdigit()):
                out += r" \cdot "
            elif re.search(r"\\[A-Za-z]+$", out) and text[:1].isalpha():
                out += " "
            out += text
            prev = f
        return sign + out

    def p_Frac(self, e: Frac) -> str:
        return rf"\frac{{{self.p(e.num)}}}{{{self.p(e.den)}}}"

    def _base(self, e: Expr) -> str:
        text = self.p(e)
        if isinstance(e, (Sym, Identity, Const, MatrixLit, Norm, Abs)) and not (
                isinstance(e, Sym) and "_" in e.name):
            return text
        if isinstance(e, Num) and e.value >= 0 and e.value.denominator == 1:
            return text
        if isinstance(e, (Det, Trace, Rank)):
            return text
        return f"\\left({text}\\right)" if isinstance(e, Frac) else f"({text})"

    def p_Pow(self, e: Pow) -> str:
        if isinstance(e.exp, Frac) and e.exp.num == Num(Fraction(1)) and e.exp.den == Num(
                Fraction(2)):
            return rf"\sqrt{{{self.p(e.base)}}}"
        return f"{self._base(e.base)}^{{{self.p(e.exp)}}}"

    def p_Transpose(self, e) -> str:
        return f"{self._base(e.arg)}^{{T}}"

    def p_ConjTranspose(self, e) -> str:
        return f"{self._base(e.arg)}^{{H}}"

    def p_Conj(self, e: Conj) -> str:
        return rf"\overline{{{self.p(e.arg)}}}"

    def p_Inverse(self, e: Inverse) -> str:
        if isinstance(e.arg, Transpose):
            return f"{self._base(e.arg.arg)}^{{-T}}"
        return f"{self._base(e.arg)}^{{-1}}"

    def p_Det(self, e: Det) -> str:
        return rf"\det({self.p(e.arg)})"

    def p_Trace(self, e: Trace) -> str:
        return rf"\operatorname{{tr}}({self.p(e.arg)})"

    def p_Rank(self, e: Rank) -> str:
        return rf"\operatorname{{rank}}({self.p(e.arg)})"

    def p_Norm(self, e: Norm) -> str:
        return rf"\|{self.p(e.arg)}\|"

    def p_Abs(self, e: Abs) -> str:
        return rf"\left|{self.p(e.arg)}\right|"

    def p_Factorial(self, e: Factorial) -> str:
        return f"{self._base(e.arg)}!"

    def p_Func(self, e: Func) -> str:
        if e.name == "sqrt":
            return rf"\sqrt{{{self.p(e.arg)}}}"
        return rf"\{e.name}\left({self.p(e.arg)}\right)"

    def p_MatrixLit(self, e: MatrixLit) -> str:
        body = r" \\ ".join(" & ".join(self.p(x) for x in row) for row in e.rows)
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"

    def p_Relation(self, e: Relation) -> str:
        return f"{self.p(e.lhs)} {RELATION_LATEX[e.op]} {self.p(e.rhs)}"


def _number(q: Fraction) -> str:
    if q.denominator == 1:
        return str(q.numerator)
    sign = "-" if q < 0 else ""
    return rf"{sign}\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"
