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
    Has,
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
    Zero,
)

RELATION_LATEX = {
    "=": "=",
    "!=": r"\ne",
    "<=": r"\le",
    ">=": r"\ge",
    "<": "<",
    ">": ">",
    "~": r"\sim",
    "hence": r"\Rightarrow",
}


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
            if (
                isinstance(f, (Add, Relation))
                or (isinstance(f, Mul) and len(factors) > 1)
                or (i > 0 and (text.startswith("-")))
            ):
                text = f"({text})"
            elif isinstance(f, Num) and f.value < 0 and i > 0:
                text = f"({text})"
            if (
                prev is not None
                and (isinstance(f, Num) or text[0].isdigit())
                and (isinstance(prev, (Num, Factorial)) or out[-1:].isdigit())
            ):
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
            isinstance(e, Sym) and "_" in e.name
        ):
            return text
        if isinstance(e, Num) and e.value >= 0 and e.value.denominator == 1:
            return text
        if isinstance(e, (Det, Trace, Rank)):
            return text
        return f"\\left({text}\\right)" if isinstance(e, Frac) else f"({text})"

    def p_Pow(self, e: Pow) -> str:
        if (
            isinstance(e.exp, Frac)
            and e.exp.num == Num(Fraction(1))
            and e.exp.den == Num(Fraction(2))
        ):
            return rf"\sqrt{{{self.p(e.base)}}}"
        return f"{self._base(e.base)}^{{{self.p(e.exp)}}}"

    def p_Transpose(self, e) -> str:
        return f"{self._base(e.arg)}^{{T}}"

    def p_ConjTranspose(self, e) -> str:
        return f"{self._base(e.arg)}^{{H}}"

    def p_Conj(self, e: Conj) -> str:
        return rf"\overline{{{self.p(e.arg)}}}"

    def p_Inverse(self, e: Inverse) -> str:
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


GREEK_UNICODE = dict(
    zip(
        (
            "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
            "pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
            "Upsilon Phi Psi Omega"
        ).split(),
        "αβγδεεζηθϑικλμνξπρστυφφχψωΓΔΘΛΞΠΣΥΦΨΩ",
        strict=True,
    )
)
SUPERSCRIPT = str.maketrans("0123456789-+=()nkTHim", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁼⁽⁾ⁿᵏᵀᴴⁱᵐ")
SUBSCRIPT = str.maketrans("0123456789ijkn", "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙ")
UNICODE_RELATIONS = {"=": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">", "~": "∼"}


def unicode(e: Expr) -> str:
    """Plain text for a terminal: (A⁻¹)ᵀ, xᵀAx, ‖x‖², det(A), tr(AB), λ, 1/2.

    >>> from derive.frontend import parse
    >>> unicode(parse(r"(A^{-1})^T = \\frac{1}{2}\\mathbf{x}^TA\\mathbf{x} + \\|\\mathbf{y}\\|^2", relation=True).tree)
    '(A⁻¹)ᵀ = (1/2)xᵀAx + ‖y‖²'
    """
    return _Unicode().p(e)


class _Unicode(_Printer):
    def __init__(self):
        super().__init__(frozenset())

    def p_Num(self, e: Num) -> str:
        q = e.value
        return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"

    def p_Const(self, e: Const) -> str:
        return {"pi": "π"}.get(e.name, e.name)

    def p_Sym(self, e: Sym) -> str:
        base, _, sub = e.name.partition("_")
        base = GREEK_UNICODE.get(base.lstrip("\\"), base) if base.startswith("\\") else base
        sub = sub.strip("{}")
        if not sub:
            return base
        small = sub.translate(SUBSCRIPT)
        return base + (small if all(c in "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙ" for c in small) else f"_{sub}")

    def p_Zero(self, e) -> str:
        return "0"

    def p_Mul(self, e: Mul) -> str:
        factors = list(e.factors)
        sign = ""
        if factors and isinstance(factors[0], Num) and factors[0].value == -1 and len(factors) > 1:
            sign, factors = "-", factors[1:]
        out = ""
        for i, f in enumerate(factors):
            text = self.p(f)
            if (
                isinstance(f, (Add, Relation))
                or isinstance(f, Mul)
                and len(factors) > 1
                or (i > 0 and text.startswith("-"))
                or len(factors) > 1
                and (isinstance(f, Frac) or isinstance(f, Num) and f.value.denominator != 1)
            ):
                text = f"({text})"
            if out and (out[-1].isdigit() and text[:1].isdigit()):
                out += "·"
            out += text
        return sign + out

    def p_Frac(self, e: Frac) -> str:
        return f"{self._group(e.num)}/{self._group(e.den)}"

    def _group(self, e: Expr) -> str:
        text = self.p(e)
        simple = isinstance(e, (Sym, Num, Const, Identity)) and "/" not in text
        return text if simple else f"({text})"

    def _base(self, e: Expr) -> str:
        text = self.p(e)
        if isinstance(e, (Sym, Identity, Const, MatrixLit, Norm, Abs, Det, Trace, Rank)) or (
            isinstance(e, Num) and e.value >= 0 and e.value.denominator == 1
        ):
            return text
        return f"({text})"

    def _sup(self, base: Expr, text: str) -> str:
        small = text.translate(SUPERSCRIPT)
        if all(c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁼⁽⁾ⁿᵏᵀᴴⁱᵐ" for c in small):
            return self._base(base) + small
        return f"{self._base(base)}^({text})"

    def p_Pow(self, e: Pow) -> str:
        return self._sup(e.base, self.p(e.exp))

    def p_Transpose(self, e) -> str:
        return self._base(e.arg) + "ᵀ"

    def p_ConjTranspose(self, e) -> str:
        return self._base(e.arg) + "ᴴ"

    def p_Conj(self, e) -> str:
        shown = self.p(e.arg)
        if isinstance(e.arg, Sym) and len(shown) == 1:
            return shown + "\u0304"  # a combining macron: λ̄
        return f"conj({shown})"

    def p_Inverse(self, e) -> str:
        return self._base(e.arg) + "⁻¹"

    def p_Det(self, e) -> str:
        return f"det({self.p(e.arg)})"

    def p_Trace(self, e) -> str:
        return f"tr({self.p(e.arg)})"

    def p_Rank(self, e) -> str:
        return f"rank({self.p(e.arg)})"

    def p_Norm(self, e) -> str:
        return f"‖{self.p(e.arg)}‖"

    def p_Abs(self, e) -> str:
        return f"|{self.p(e.arg)}|"

    def p_Func(self, e) -> str:
        if e.name == "sqrt":
            return f"√{self._group(e.arg)}"
        return f"{e.name}({self.p(e.arg)})"

    def p_MatrixLit(self, e) -> str:
        return "[" + "; ".join(" ".join(self.p(x) for x in row) for row in e.rows) + "]"

    def p_Relation(self, e) -> str:
        return f"{self.p(e.lhs)} {UNICODE_RELATIONS[e.op]} {self.p(e.rhs)}"


# ---------------------------------------------------------------- walkthroughs

REL_TEXT = {"=": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">", "~": "∼", "hence": "⇒"}
STATUS_TEXT = {
    "checked": "checked",
    "prose": "NOT machine-checked",
    "failed": "FAILED",
    "start": "",
}


PROPERTY_TEXT = {
    "positive_definite": "positive definite",
    "positive_semidefinite": "positive semidefinite",
}
FORM_TEXT = {
    "have": "what is known",
    "definition": "definition",
    "cancel": "cancel",
    "divide": "divide",
    "induction": "induction",
    "contradiction": "contradiction",
    "nullspace": "null-space inclusion (rank-nullity)",
}


def _rule_label(by: str | None) -> str:
    if by is None:
        return "explained in prose"
    if by.startswith("hyp:"):
        return f"hypothesis {by[4:]}"
    if by.startswith("fact:"):
        return f"step '{by[5:]}' above"
    if by == "ih":
        return "the chain's hypothesis"
    return FORM_TEXT.get(by, by)


def proposition_unicode(p) -> str:
    """A hypothesis or conclusion for the terminal: ``Aᵀ invertible``, ``(A⁻¹)ᵀ = (Aᵀ)⁻¹``."""
    if isinstance(p, Has):
        return f"{unicode(p.term)} {PROPERTY_TEXT.get(p.prop, p.prop)}"
    return unicode(p)


def proposition_latex(p, vectors=frozenset()) -> str:
    """A hypothesis or conclusion as LaTeX: a property reads ``A^{T}\\ \\text{invertible}``."""
    if isinstance(p, Has):
        word = PROPERTY_TEXT.get(p.prop, p.prop)
        return rf"{latex(p.term, vectors)}\ \text{{{word}}}"
    return latex(p, vectors)


def proposition_dict(p, vectors=frozenset()) -> dict:
    if isinstance(p, Has):
        return {"kind": "property", "term": latex(p.term, vectors), "property": p.prop}
    return {
        "kind": "relation",
        "rel": p.op,
        "lhs": latex(p.lhs, vectors),
        "rhs": latex(p.rhs, vectors),
    }


def condition_source(sc) -> str:
    """Where a side condition came from, in words."""
    if sc.kind == "hypothesis":
        return (
            "hypothesis"
            if " " in sc.name and not sc.name.startswith("hyp:")
            else (f"hypothesis {sc.name.removeprefix('hyp:')}")
        )
    if sc.kind == "fact":
        return f"step '{sc.name}' above"
    return f"{sc.kind} {sc.name}"


def condition_dict(sc, vectors=frozenset()) -> dict:
    return {
        "claim": proposition_latex(sc.claim, vectors),
        "text": proposition_unicode(sc.claim),
        "source": {"kind": sc.kind, "name": sc.name},
        "premises": [condition_dict(p, vectors) for p in sc.premises],
    }


def _vectors(report) -> set[str]:
    return {n for n, t in report.env.symbols if t.kind == "vector"} if report.env else set()


def walkthrough_json(report) -> dict:
    """Everything ``derive show`` knows of an entry, as one JSON-ready object.

    ``chains`` says what each chain is (its name, inference form, first expression, fixed vector,
    supposition or hypothesis); ``steps`` are the steps the kernel judged, each naming its chain.
    """
    e, vectors = report.entry, _vectors(report)
    chains, steps = [], []
    for ci, chain in enumerate(report.chains, start=1):
        start = next((st.expr for st in chain.steps if st.status == "start"), None)
        info = {"chain": ci, "name": chain.name, "form": chain.form, "start": start}
        for key in ("fix", "suppose", "hypothesis", "contradicts"):
            if getattr(chain, key):
                info[key] = getattr(chain, key)
        chains.append(info)
        for st in chain.steps:
            if st.status == "start":
                continue
            item = {
                "chain": ci,
                "expr": st.expr,
                "rel": st.rel,
                "by": st.by,
                "checked": st.status == "checked",
                "status": st.status,
                "side_conditions": [condition_dict(c, vectors) for c in st.conditions],
            }
            if st.prose:
                item["prose"] = st.prose
            if st.status == "failed":
                item["message"] = st.message
            steps.append(item)
    return {
        "id": e.id,
        "title": e.title,
        "section": e.section,
        "assume": e.assume,
        "hypotheses": [
            dict(proposition_dict(h, vectors), label=label) for label, h in report.hypotheses
        ],
        "conclusions": [proposition_dict(c, vectors) for c in report.conclusions],
        "chains": chains,
        "steps": steps,
        "uses": sorted(report.uses),
        "status": report.status,
        "errors": list(report.errors),
        "explanation": e.explanation,
        "exercise": e.exercise,
        "answer": e.answer,
        "references": dict(e.references),
    }


def _conditions_text(st) -> list[str]:
    out = []
    for sc in st.conditions:
        out.append(f"          given {proposition_unicode(sc.claim)}: {condition_source(sc)}")
    return out


def walkthrough_text(report) -> str:
    """A walkthrough for the terminal: the theorem (hypotheses and conclusions), the intuition,
    each step with its rule and the side conditions it used, and the exercise."""
    e = report.entry
    lines = [f"{e.id}: {e.title}", ""]
    hyps = [(label, h) for label, h in report.hypotheses]
    if hyps:
        lines.append("  if")
        for label, h in hyps:
            tag = f"  ({label.replace('hyp:', 'hypothesis ')})" if label.startswith("hyp:") else ""
            lines.append(f"      {proposition_unicode(h)}{tag}")
        lines.append("  then")
    else:
        lines.append("  for every choice of the symbols,")
    for c in report.conclusions or ([report.statement.expr] if report.statement else []):
        lines.append(f"      {proposition_unicode(c)}")
    if not report.conclusions and not report.statement:
        lines.append(f"      {e.statement}")
    if e.assume:
        lines.append(f"  (assumptions as written: {e.assume})")
    if e.explanation:
        lines += ["", "intuition: " + _plain(e.explanation)]
    checked, total = report.counts()
    noun = "step" if total == 1 else "steps"
    lines += [
        "",
        f"proof ({checked} of {total} {noun} checked by the kernel; status: {report.status}):",
    ]
    for chain in report.chains:
        head = [f"[{chain.name}]"] if chain.name else []
        hyp = proposition_unicode(chain.hypothesis_typed) if chain.hypothesis_typed else ""
        if chain.fix and chain.form == "calc" and not chain.hypothesis:
            head.append(f"[fix an arbitrary {chain.fix} ≠ 0]")
        elif chain.hypothesis and chain.fix and chain.fix.isalpha() and len(chain.fix) == 1 and (
                _is_vector(report, chain.fix)):
            head.append(f"[for any {chain.fix} with {hyp}]")
        elif chain.hypothesis:
            head.append(f"[induction step on {chain.fix}: assume {hyp}]")
        if chain.suppose_typed is not None:
            head.append(f"[suppose {proposition_unicode(chain.suppose_typed)}]")
        if head:
            lines.append("  " + " ".join(head))
        for k, s in enumerate(chain.steps):
            shown = _shown(s)
            if s.status == "start":
                lines.append(f"      {shown}")
                continue
            rel = REL_TEXT.get(s.rel, s.rel) if k or s.rel == "hence" else ""
            mark = "✓" if s.status == "checked" else ("?" if s.status == "prose" else "✗")
            lines.append(f"    {rel} {shown}")
            label = _rule_label(s.by)
            if s.by == "contradiction" and chain.contradicts:
                label = f"contradiction with step '{chain.contradicts}'"
            lines.append(
                f"        {mark} by {label}"
                + (f" ({STATUS_TEXT[s.status]})" if s.status != "checked" else "")
            )
            lines += _conditions_text(s)
            if s.prose:
                lines.append(f"          {s.prose}")
            if s.status == "failed" and s.message:
                lines.append(f"          {s.message}")
    for err in report.errors:
        if not any(err == s.message for c in report.chains for s in c.steps):
            lines.append(f"  ✗ {err}")
    if report.uses:
        lines += ["", "uses: " + ", ".join(sorted(report.uses))]
    if report.leans_on:
        lines.append(
            "relies on entries whose proofs are partly prose: " + ", ".join(sorted(report.leans_on))
        )
    refs = ", ".join(f"{k}: {v}" for k, v in e.references)
    if refs:
        lines.append("references: " + refs)
    if e.exercise:
        lines += ["", f"exercise: {_plain(e.exercise)}", f"answer:   {_plain(e.answer)}"]
    return "\n".join(lines)


def _is_vector(report, name: str) -> bool:
    t = report.env.get(name) if report.env else None
    return t is not None and t.kind == "vector"


def _shown(s) -> str:
    if s.typed is None:
        return s.expr
    return proposition_unicode(s.typed)


def _plain(text: str) -> str:
    """Prose with $...$ math shown in Unicode where the formula reads, as written otherwise."""
    parts = text.split("$")
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
            continue
        out.append(_formula_unicode(part))
    return "".join(out)


def _formula_unicode(tex: str) -> str:
    """A formula of prose in Unicode; a chain ``a = b \\ne 0`` piece by piece; as written when
    a piece does not read."""
    from derive.errors import DeriveError
    from derive.frontend import parse

    pieces = re.split(r"(\\ne\b|\\neq\b|\\le\b|\\ge\b|\\leq\b|\\geq\b|=|<|>)", tex)
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append(f" {REL_TEXT.get(RELATION_WORDS.get(piece.strip(), piece), piece)} ")
            continue
        try:
            out.append(unicode(parse(piece.strip()).tree) if piece.strip() else "")
        except (DeriveError, RecursionError, ValueError):
            return tex
    return "".join(out).strip()


RELATION_WORDS = {
    "\\ne": "!=",
    "\\neq": "!=",
    "\\le": "<=",
    "\\leq": "<=",
    "\\ge": ">=",
    "\\geq": ">=",
}


UNICODE_TEX = {
    "≠": r"$\ne$",
    "≤": r"$\le$",
    "≥": r"$\ge$",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "→": r"$\to$",
    "⇒": r"$\Rightarrow$",
    "…": r"\ldots{}",
    "—": "---",
    "–": "--",
    "’": "'",
    "‘": "`",
    "“": "``",
    "”": "''",
    "✓": "",
    "✗": "",
    "∈": r"$\in$",
}


def _tex_text(s: str) -> str:
    out = s
    for a, b in (
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"\{"),
        ("}", r"\}"),
        ("~", r"\textasciitilde{}"),
        ("^", r"\^{}"),
    ):
        out = out.replace(a, b).replace(r"\textbackslash\{\}", r"\textbackslash{}")
    for a, b in UNICODE_TEX.items():
        out = out.replace(a, b)
    return "".join(_greek(c) if "\u0370" <= c <= "\u03ff" else c for c in out)


def _greek(c: str) -> str:
    """A Greek letter as math (pdflatex does not set up Greek text)."""
    import unicodedata

    name = unicodedata.name(c, "").split()
    if len(name) >= 4 and name[:2] == ["GREEK", "CAPITAL"]:
        word = name[-1].capitalize().replace("Lamda", "Lambda")
    elif len(name) >= 4 and name[:2] == ["GREEK", "SMALL"]:
        word = name[-1].lower().replace("lamda", "lambda")
    else:
        return c
    return f"$\\{word}$"


def _prose_tex(s: str) -> str:
    """Prose with $math$ kept as math and the rest escaped."""
    parts = s.split("$")
    return "".join(f"${p}$" if i % 2 else _tex_text(p) for i, p in enumerate(parts))


def _statement_tex(report) -> str:
    vectors = {n for n, t in report.env.symbols if t.kind == "vector"} if report.env else set()
    return latex(report.statement.expr, vectors) if report.statement else report.entry.statement


REL_LATEX = RELATION_LATEX
WIDE = 58  # visible characters of a step row beyond which its justification gets its own line


def visible_length(tex: str) -> int:
    """A rough count of the characters a LaTeX formula prints (for line breaking)."""
    import re as _re

    t = _re.sub(r"\\(begin|end)\{[a-z*]+\}", "", tex)
    t = _re.sub(r"\\(left|right|mathbf|operatorname|text|hyperref\[[^]]*\])", "", t)
    t = _re.sub(r"\\[A-Za-z]+", "x", t)
    return len(_re.sub(r"[{}^_&\\ ]", "", t))


def proof_rows(report, link=None, prose_notes: list | None = None) -> list[list[str]]:
    """The rows of each chain of a proof, for ``align*``/``aligned``: ``rel & expr && why``.

    ``link(by, text)`` may turn a justification into a link (LaTeX); ``prose_notes``, when given,
    collects the prose of unchecked steps, cited in the row as "(note k)".
    """
    chains = []
    for chain in report.chains:
        rows = []
        for s in chain.steps:
            if s.status == "start":
                rows.append(rf"& {s.expr}")
                continue
            why = _tex_text(_rule_label(s.by))
            if link is not None and s.by:
                why = link(s.by, why)
            if s.status != "checked":
                why += r" (not machine-checked)"
            if prose_notes is not None and s.prose:
                prose_notes.append(s.prose)
                why += f" (note {len(prose_notes)})"
            rel = REL_LATEX.get(s.rel, s.rel)
            plain = _rule_label(s.by) + ("" if s.status == "checked" else " (not machine-checked)")
            if visible_length(s.expr) + len(plain) > WIDE:
                rows.append(rf"{rel}\; & {s.expr}")
                rows.append(rf"& \qquad \text{{{why}}}")
            else:
                rows.append(rf"{rel}\; & {s.expr} && \text{{{why}}}")
        chains.append(rows)
    return chains


def latex_link(by: str, text: str) -> str:
    """A justification linked to the entry's label (``id:ENTRY``) or base rule (``rule:NAME``)."""
    if by.startswith(("hyp:", "fact:")):
        return text
    if by in ("cancel", "contradiction", "supposition"):
        return text
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES

    target = f"rule:{by}" if by in BASE_RULES or by in RELATIONAL_RULES else _label(by)
    return rf"\hyperref[{target}]{{{text}}}"


def walkthrough_latex(report, labels: bool = False) -> str:
    """LaTeX (amsmath) for one entry: the theorem (hypotheses and conclusions) and the aligned
    chains of its proof with their justifications.

    With ``labels`` the justifications link (hyperref) to ``id:ENTRY`` and ``rule:NAME`` labels,
    which the document must define (``derive notes`` does).
    """
    e, vectors = report.entry, _vectors(report)
    lines = [rf"\paragraph{{{_tex_text(e.title)}}} (\texttt{{{_tex_text(e.id)}}})"]
    hyps = [proposition_latex(h, vectors) for _, h in report.hypotheses]
    concl = [proposition_latex(c, vectors) for c in report.conclusions] or [_statement_tex(report)]
    if hyps:
        lines.append(r"If $" + "$, $".join(hyps) + r"$, then")
    lines.append(r"\[ " + r",\qquad ".join(concl) + r" \]")
    if e.explanation:
        lines.append(r"\emph{Intuition.} " + _prose_tex(e.explanation))
    for chain, rows in zip(
        report.chains, proof_rows(report, latex_link if labels else None), strict=False
    ):
        head = []
        if chain.name:
            head.append(rf"\textsc{{{_tex_text(chain.name)}}}")
        if chain.suppose:
            head.append(rf"suppose ${chain.suppose}$")
        if chain.fix and not chain.hypothesis and chain.form == "calc":
            head.append(rf"fix an arbitrary $\mathbf{{{chain.fix}}} \ne 0$")
        if chain.hypothesis:
            head.append(rf"assume ${chain.hypothesis}$")
        if head:
            lines.append("; ".join(head) + ":")
        lines.append(r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}")
    for s_ in (s for c in report.chains for s in c.steps if s.prose):
        lines.append(r"\emph{" + _tex_text(_rule_label(s_.by)) + ":} " + _prose_tex(s_.prose))
    if e.exercise:
        lines.append(r"\emph{Exercise.} " + _prose_tex(e.exercise))
        lines.append(r"\emph{Answer.} " + _prose_tex(e.answer))
    return "\n".join(lines)


def _label(entry_id: str) -> str:
    return f"id:{entry_id}"


def walkthrough_markdown(report, link=None, heading: str = "###") -> str:
    """Markdown with $...$ math (MathJax or KaTeX) for one entry.

    ``link(by)``, when given, returns a Markdown link for a cited entry or rule (or None); the
    cited ones are listed under the proof, since links do not work inside math.
    """
    e = report.entry
    checked, total = report.counts()
    lines = [f"{heading} {e.title}", "", f"`{e.id}`", "", f"$${_statement_tex(report)}$$", ""]
    if e.assume:
        lines += [f"*Assume:* {e.assume}", ""]
    for i, h in enumerate(e.hypotheses, start=1):
        lines += [f"*Hypothesis {i}:* `{h}`", ""]
    if report.chains:
        lines += [f"Proof ({checked} of {total} steps checked by the kernel):", ""]
    for rows in proof_rows(report):
        lines += ["$$", r"\begin{aligned}", " \\\\\n".join(rows), r"\end{aligned}", "$$", ""]
    notes = [s for c in report.chains for s in c.steps if s.prose]
    for s in notes:
        lines += [f"- *{_rule_label(s.by)}:* {s.prose}"]
    if notes:
        lines.append("")
    if link is not None:
        cited = []
        for c in report.chains:
            for s in c.steps:
                md = link(s.by) if s.by else None
                if md and md not in cited:
                    cited.append(md)
        if cited:
            lines += ["Uses: " + ", ".join(cited), ""]
    if e.exercise:
        lines += [f"**Exercise.** {e.exercise}", "", f"**Answer.** {e.answer}", ""]
    return "\n".join(lines)
