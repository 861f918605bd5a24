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
        if all(c in _SUP for c in text) and text:
            return self._base(base) + "".join(_SUP[c] for c in text)
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


def property_words(prop: str) -> str:
    """``positive_definite`` -> ``positive definite``."""
    return PROPERTY_TEXT.get(prop, prop.replace("_", " "))


def proposition_unicode(p) -> str:
    """A hypothesis or conclusion for the terminal: ``Aᵀ invertible``, ``(A⁻¹)ᵀ = (Aᵀ)⁻¹``."""
    if isinstance(p, Has):
        return f"{unicode(p.term)} {property_words(p.prop)}"
    return unicode(p)


def proposition_latex(p, vectors=frozenset()) -> str:
    """A hypothesis or conclusion as LaTeX: a property reads ``A^{T}\\ \\text{invertible}``."""
    if isinstance(p, Has):
        word = property_words(p.prop)
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


def _conditions_text(st, numbers=None) -> list[str]:
    out = []
    for sc in st.conditions:
        src = condition_source(sc)
        if sc.kind == "theorem" and numbers and sc.name in numbers:
            src = f"Theorem {numbers[sc.name]}"
        if sc.kind == "fact" and re.fullmatch(r"chain \d+", sc.name):
            src = "proved above"  # an unnamed chain: the reader never sees the kernel's name
        out.append(f"          given {proposition_unicode(sc.claim)}: {src}")
    return out


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

    pieces = re.split(r"(\\ne\b|\\neq\b|\\le\b|\\ge\b|\\leq\b|\\geq\b|=|<|>)", tex)
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append(f" {REL_TEXT.get(RELATION_WORDS.get(piece.strip(), piece), piece)} ")
            continue
        out.append(tex_unicode(piece.strip()) if piece.strip() else "")
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


PUNCTUATION = "…—–’‘“”"  # kept as Unicode in MathJax's \\text{} (it sets no TeX ligatures)


def _tex_text(s: str, mathjax: bool = False) -> str:
    """Text for LaTeX text mode; with ``mathjax`` (Markdown pages, notebooks) quotes and dashes
    stay Unicode, since MathJax's ``\\text{}`` would show a TeX quote as a backtick."""
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
    # straight double quotes as opening and closing quotes ("first B, then A")
    out = re.sub(r'(?:^|(?<=[\s(\[]))"(?=\S)', "“", out).replace('"', "”")
    for a, b in UNICODE_TEX.items():
        if not (mathjax and a in PUNCTUATION):
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


def _prose_tex(s: str, mathjax: bool = False) -> str:
    """Prose with $math$ kept as math and the rest escaped."""
    parts = s.split("$")
    return "".join(f"${p}$" if i % 2 else _tex_text(p, mathjax) for i, p in enumerate(parts))


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


def _label(entry_id: str) -> str:
    return f"id:{entry_id}"


# ---------------------------------------------------------------- words: math in prose, reasons

TEX_UNICODE_WORDS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "psi": "ψ",
    "omega": "ω",
    "Lambda": "Λ",
    "Sigma": "Σ",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "ne": "≠",
    "neq": "≠",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "times": "×",
    "cdot": "·",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "Rightarrow": "⇒",
    "to": "→",
    "in": "∈",
    "pm": "±",
    "infty": "∞",
    "ll": "≪",
    "succeq": "⪰",
    "sim": "∼",
    "approx": "≈",
    "leftarrow": "←",
    "mid": "|",
    "leftrightarrow": "↔",
    "det": "det",
    "sin": "sin",
    "cos": "cos",
    "exp": "exp",
    "log": "log",
    "min": "min",
    "max": "max",
    "quad": "  ",
    "qquad": "    ",
}
# every digit and letter that has a superscript (modifier) or subscript form in Unicode
_SUP = dict(
    zip(
        "0123456789-+=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW*",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ*",
        strict=True,
    )
)
_SUB = dict(
    zip("0123456789aehijklmnoprstuvx+-=()", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋₌₍₎", strict=True)
)


def tex_unicode(tex: str) -> str:
    """LaTeX math as plain Unicode text, for a terminal: ``A^{-1}`` -> ``A⁻¹``, ``\\lambda`` -> λ.

    The exponential of a matrix reads ``exp(A)`` (``e^A`` has no superscript capital in every
    font, and ``e^(A)`` is ASCII math). The one fallback: a subscript with no Unicode form (a
    capital, as in ``W_O``) is written ``W_O``, the plain-text convention.

    >>> tex_unicode(r"\\mathbf{v}^H(A - \\lambda I) = \\frac{1}{2}\\|\\mathbf{x}_0\\|^2 \\ne 0")
    'vᴴ(A − λI) = (1/2)‖x₀‖² ≠ 0'
    """
    t = tex
    for _ in range(4):  # nested groups, innermost first
        t = re.sub(
            r"\\(?:mathbf|mathrm|operatorname|text|textbf|emph|boldsymbol)\{([^{}]*)\}",
            "\x03\\1",
            t,
        )
        t = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: _frac_u(m[1], m[2]), t)
        t = re.sub(
            r"\\sqrt\{([^{}]*)\}", lambda m: "√" + (m[1] if len(m[1]) == 1 else f"({m[1]})"), t
        )
        t = re.sub(r"\\(?:bar|overline)\{([^{}]*)\}", lambda m: _bar_u(m[1]), t)
    t = re.sub(r"\\(?:left|right)(?![a-z])", "", t.replace(r"\|", "‖")).replace(r"\,", " ")
    t = t.replace(r"\;", " ").replace(r"\ ", " ").replace(r"\{", "{").replace(r"\}", "}")

    def word(m):
        w = TEX_UNICODE_WORDS.get(m[1], m[1])
        glue = m[2] and w != "±" and not (w.isalpha() and m[3] and (m[3].isalpha() or m[3] == "\\"))
        if w in ("det", "sin", "cos", "exp", "log") and m[3] and m[3].isalpha():
            glue = True
        return w + (" " if glue else "")

    t = re.sub(r"\\([A-Za-z]+)(\s?)(?=(.?))", word, t)

    def script(m, table, mark):
        body = m[2] if m[2] is not None else m[3]
        if all(c in table for c in body):
            return "".join(table[c] for c in body)
        return f"{mark}({body})" if len(body) > 1 else f"{mark}{body}"

    t = re.sub(r"(?<![\\])\be\^(?:\{([^{}]*)\}|(\w))", _exp_u, t)
    t = re.sub(r"(?<=[A-Za-z)\x06])e\^(?:\{([^{}]*)\}|([A-Z]))", _exp_u, t)  # Pe^DP⁻¹
    t = re.sub(r"(\^)(?:\{([^{}]*)\}|(\S))", lambda m: script(m, _SUP, "^"), t)
    t = re.sub(r"(_)(?:\{([^{}]*)\}|(\S))", lambda m: script(m, _SUB, "_"), t)
    t = t.replace("{", "").replace("}", "").replace("-", "−").replace("\x03", "")
    t = re.sub(r"(?<=[^\s(\[{])\x05", " ", t).replace("\x05", "")  # P exp(D) P⁻¹, (exp(A))
    t = re.sub(r"\x06(?=[^\s)\]},.;:])", " ", t).replace("\x06", "")
    whole = re.fullmatch("\x01([^\x01\x02]*)\x02", t.strip())
    t = whole[1] if whole else t.replace("\x01", "(").replace("\x02", ")")
    return re.sub(r"  +", " ", t).strip() if "  " not in tex else t.strip()


def _bar_u(body: str) -> str:
    """A conjugate: a letter with a combining macron (λ̄), conj(...) of anything longer."""
    letter = TEX_UNICODE_WORDS.get(body[1:], body) if body.startswith("\\") else body
    return letter + "\u0304" if len(letter) == 1 else f"conj({body})"


def _exp_u(m) -> str:
    """``e^X`` in Unicode: eˣ-style when the exponent has a superscript form and no capital
    letter, ``exp(X)`` otherwise (the exponential of a matrix)."""
    body = m[1] if m[1] is not None else m[2]
    if all(c in _SUP for c in body) and not re.search(r"[A-Z]", body):
        return m[0]
    return f"\x05exp({body.strip()})\x06"


def _frac_u(a: str, b: str) -> str:
    a, b = a.replace("\x03", ""), b.replace("\x03", "")
    wrap = lambda x: x if re.fullmatch(r"[\w.]+", x) else f"({x})"  # noqa: E731
    return f"\x01{wrap(a)}/{wrap(b)}\x02"


def plain(text: str) -> str:
    """Prose with $math$, for a terminal: the math in Unicode, never raw LaTeX."""
    return _plain(text)


def title_tex(title: str, bookmark: bool = False) -> str:
    """A title (prose with $math$) for LaTeX. With ``bookmark`` (a sectioning title, which
    hyperref copies into the PDF's bookmarks) each formula is
    ``\\texorpdfstring{$math$}{Unicode}``: math cannot go into a bookmark."""
    if not bookmark:
        return _prose_tex(title)
    parts = title.split("$")
    return "".join(
        rf"\texorpdfstring{{${p}$}}{{{_tex_text(tex_unicode(p))}}}" if i % 2 else _tex_text(p)
        for i, p in enumerate(parts)
    )


def title_unicode(title: str) -> str:
    return _plain(title)


def title_words(title: str) -> str:
    """The words of a title without its math (a PDF bookmark, a sort key)."""
    return re.sub(r"\s+", " ", re.sub(r"\$[^$]*\$", lambda m: tex_unicode(m[0][1:-1]), title))


def _name_latex(name: str, vectors) -> str:
    from derive.frontend import parse

    try:
        return latex(parse(name).tree, vectors)
    except Exception:
        return _tex_text(name)


PLURAL = {"vector": "vectors", "scalar": "scalars", "integer": "integers", "matrix": "matrices"}


def assume_clauses(assume: str, vectors) -> list[str]:
    """The clauses of an entry's assumptions as prose with $math$: names set as math (vectors
    bold), ``m x n`` as $m \\times n$, property words spelled out."""
    out = []
    for clause in (c.strip() for c in assume.split(";")):
        if not clause:
            continue
        m = re.match(r"^(.*?)\s+(\S+)\s*(?:x|×)\s*(\S+)$", clause)
        if m:
            names, pred = m[1], rf"${m[2]} \times {m[3]}$"
        else:
            names, _, pred = clause.rpartition(" ")
        parts = [n.strip() for n in names.split(",") if n.strip()]
        shown = ", ".join(f"${_name_latex(n, vectors)}$" for n in parts)
        if not m:
            pred = property_words(pred)
            if len(parts) > 1:
                pred = PLURAL.get(pred, pred)
            elif pred in PLURAL:
                pred = ("an " if pred[0] in "aeiou" else "a ") + pred
            if pred == "nonzero":
                pred = "nonzero"
        verb = "are" if len(parts) > 1 else "is"
        out.append(f"{shown} {verb} {pred}")
    return out


def assume_prose(report) -> str:
    """``Let $A$ be invertible; $\\mathbf{x}$ is a vector.`` style sentence, or ''."""
    e = report.entry
    if not e.assume:
        return ""
    clauses = assume_clauses(e.assume, _vectors(report))
    return "Assume " + "; ".join(clauses) + "."


def row_operation(before, after) -> str | None:
    """The elementary row operation that takes one explicit matrix to the next, as LaTeX
    (``R_2 \\leftarrow R_2 - 3R_1``), or None when it is not one."""
    from derive.expr import MatrixLit as ML

    if not (isinstance(before, ML) and isinstance(after, ML)):
        return None
    try:
        a = [[x.value for x in row] for row in before.rows]
        b = [[x.value for x in row] for row in after.rows]
    except AttributeError:
        return None
    if len(a) != len(b):
        return None
    changed = [i for i in range(len(a)) if a[i] != b[i]]
    if len(changed) == 2 and a[changed[0]] == b[changed[1]] and a[changed[1]] == b[changed[0]]:
        i, j = changed
        return rf"R_{{{i + 1}}} \leftrightarrow R_{{{j + 1}}}"
    if len(changed) != 1:
        return None
    i = changed[0]
    ri, ni = a[i], b[i]
    # scale: ni = c * ri
    nz = [k for k in range(len(ri)) if ri[k] != 0]
    if nz:
        c = ni[nz[0]] / ri[nz[0]]
        if c != 0 and all(ni[k] == c * ri[k] for k in range(len(ri))):
            return rf"R_{{{i + 1}}} \leftarrow {_coef(c)}R_{{{i + 1}}}"
    for j in range(len(a)):
        if j == i:
            continue
        rj = a[j]
        nzj = [k for k in range(len(rj)) if rj[k] != 0]
        if not nzj:
            continue
        c = (ni[nzj[0]] - ri[nzj[0]]) / rj[nzj[0]]
        if c != 0 and all(ni[k] == ri[k] + c * rj[k] for k in range(len(ri))):
            sign = "-" if c < 0 else "+"
            return rf"R_{{{i + 1}}} \leftarrow R_{{{i + 1}}} {sign} {_coef(abs(c))}R_{{{j + 1}}}"
    return None


def _coef(c) -> str:
    if c == 1:
        return ""
    if c == -1:
        return "-"
    return _number(Fraction(c)) + " "


def chain_claim(chain):
    """What a chain establishes, as a typed relation (first expression, strongest relation, last
    expression), or its last ``hence`` proposition; None when it cannot be told."""
    steps = [s for s in chain.steps if s.typed is not None]
    if not steps:
        return None
    last = steps[-1]
    if last.rel == "hence":
        return last.typed
    start = next((s.typed for s in chain.steps if s.status == "start"), None)
    if start is None:
        return None
    rels = {s.rel for s in chain.steps if s.status != "start"}
    op = "="
    for strict, weak in ((">", ">="), ("<", "<=")):
        if strict in rels or weak in rels:
            op = strict if strict in rels else weak
    if "!=" in rels:
        op = "!="
    try:
        return Relation(op, start, last.typed)
    except Exception:
        return None


def theorem_numbers(cat) -> dict[str, str]:
    """Theorem numbers as in the full notes: section number (in course order) and position."""
    out = {}
    for k, (_sec, entries) in enumerate(course_sections(cat, list(cat.ordered())), start=1):
        for j, e in enumerate(entries, start=1):
            out[e.id] = f"{k}.{j}"
    return out


def is_ml_section(sec) -> bool:
    return "machine-learning" in sec.id


def course_sections(cat, entries) -> list:
    """(section, [entries]) in course order: the mathematics by section order, then the
    machine-learning sections together (they apply everything before them)."""
    from derive.catalogue import Section

    secs = sorted(cat.sections.values(), key=lambda s: (is_ml_section(s), s.order, s.id))
    known = {s.id for s in secs}
    extra = sorted({e.section for e in entries} - known)
    secs += [Section(sid, sid.replace("-", " ").capitalize(), 999) for sid in extra]
    return [
        (s, [e for e in entries if e.section == s.id])
        for s in secs
        if any(e.section == s.id for e in entries)
    ]


def _hyp_formula(report, label: str, vectors) -> str | None:
    for lab, h in report.hypotheses:
        if lab == label:
            return proposition_latex(h, vectors)
    return None


def _claimed(sc, vectors) -> str:
    """What a side condition is about, as LaTeX: the term of a property, else the relation."""
    if isinstance(sc.claim, Has):
        return latex(sc.claim.term, vectors)
    return proposition_latex(sc.claim, vectors)


def _source_piece(report, sc, vectors, numbers) -> tuple[str, str | None]:
    """Where a side condition comes from, as a reason piece."""
    from derive.phrases import phrase

    if sc.kind == "hypothesis":
        return (condition_source(sc), None)
    if sc.kind == "fact":
        return (_fact_name(report, sc.name, vectors), None)
    if sc.kind == "theorem":
        return ("", f"id:{sc.name}")
    if sc.kind in ("base fact", "fact") or sc.kind.endswith("fact"):
        return (phrase(sc.name) or sc.name, f"rule:{sc.name}")
    return (f"{sc.kind} {sc.name}", None)


def _fact_name(report, name: str, vectors) -> str:
    """A fact proved by an earlier chain: "step ‘name’ above", or for an unnamed chain (the
    kernel calls it "chain 3", a name the reader never sees) what it proved."""
    m = re.fullmatch(r"chain (\d+)", name)
    if m and not any(c.name == name for c in report.chains):
        k = int(m[1]) - 1
        claim = chain_claim(report.chains[k]) if 0 <= k < len(report.chains) else None
        if claim is not None:
            return f"${proposition_latex(claim, vectors)}$ above"
        return "the chain above"
    return f"step ‘{name}’ above"


def step_reason(report, chain, k: int) -> list[tuple[str, str | None]]:
    """The justification of step ``k`` of ``chain`` in words: pieces (prose with $math$, link
    target or None). A target ``id:ENTRY`` with empty text stands for "Theorem N"; ``rule:NAME``
    is a base rule, relational rule or base fact."""
    from derive.core.facts import BASE_FACTS
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES
    from derive.phrases import phrase

    s = chain.steps[k]
    by, vectors = s.by, _vectors(report)
    base = set(BASE_RULES) | set(RELATIONAL_RULES) | {f.name for f in BASE_FACTS}
    if by is None:
        return [("explained in prose", None)]
    if by == "row-operation":
        prev = next((p.typed for p in reversed(chain.steps[:k]) if p.typed is not None), None)
        op = row_operation(prev, s.typed)
        return [(f"${op}$" if op else "a row operation", "rule:row-operation")]
    if by in base:
        return [(phrase(by) or by, f"rule:{by}")]
    if by in report.entry.__class__.__dict__:
        pass
    if by.startswith("hyp:"):
        f = _hyp_formula(report, by, vectors)
        return [(f"hypothesis {by[4:]}" + (f" (${f}$)" if f else ""), None)]
    if by.startswith("fact:"):
        return [(_fact_name(report, by[5:], vectors), None)]
    if by == "ih":
        return [
            (
                "the induction hypothesis"
                if chain.form == "calc" and chain.fix and not _is_vector(report, chain.fix)
                else "the chain's hypothesis",
                None,
            )
        ]
    if by == "supposition":
        return [("the supposition", None)]
    conds = list(s.conditions)
    if by == "cancel":
        if conds:
            c = conds[0]
            what = _claimed(c, vectors)
            src = _source_piece(report, c, vectors, None)
            if src[1] and src[1].startswith("rule:"):  # a base fact: say what it says
                return [(f"cancel ${what}$, nonzero: ", None), src]
            return [(f"cancel ${what}$, nonzero by ", None), src]
        return [("cancel", None)]
    if by == "divide":
        if conds:
            c = conds[0]
            what = _claimed(c, vectors)
            return [(f"divide by ${what} > 0$: ", None), _source_piece(report, c, vectors, None)]
        return [("divide by a positive number", None)]
    if by == "contradiction":
        target = next((c for c in report.chains if c.name == chain.contradicts), None)
        claim = chain_claim(target) if target is not None else None
        if claim is not None:
            return [
                (
                    f"contradiction with ${proposition_latex(claim, vectors)}$ (step ‘{chain.contradicts}’)",
                    None,
                )
            ]
        if chain.contradicts:
            return [(f"contradiction with step ‘{chain.contradicts}’", None)]
        return [("contradiction", None)]
    if by == "definition":
        prop = property_words(s.typed.prop) if isinstance(s.typed, Has) else ""
        out = [(f"the definition of {prop}" if prop else "the definition", None)]
        for c in conds:
            out += [(", with ", None), _source_piece(report, c, vectors, None)]
        return out
    if by == "have":
        out = []
        for c in conds:
            out += [(", " if out else "", None), _source_piece(report, c, vectors, None)]
        return out or [("what is known", None)]
    if by in ("induction", "nullspace"):
        return [(phrase(by) or by, None)]
    if report.env is not None and by:  # a cited entry
        return [("", f"id:{by}")]
    return [(by, None)]


def reason_latex(
    pieces, numbers=None, labels: bool = False, titles=None, mathjax: bool = False
) -> str:
    """Reason pieces as LaTeX text mode (for ``\\text{...}``)."""
    out = []
    for text, target in pieces:
        if target and target.startswith("id:") and not text:
            eid = target[3:]
            if labels:
                out.append(rf"\hyperref[{target}]{{Theorem~\ref*{{{target}}}}}")
                continue
            shown = (
                f"Theorem {numbers[eid]}"
                if numbers and eid in numbers
                else (f"‘{titles[eid]}’" if titles and eid in titles else eid)
            )
            out.append(_prose_tex(shown, mathjax))
            continue
        t = _prose_tex(text, mathjax)
        if labels and target and target.startswith("rule:"):
            t = rf"\hyperref[{target}]{{{t}}}"
        out.append(t)
    return "".join(out)


def reason_unicode(pieces, numbers=None, titles=None) -> str:
    out = []
    for text, target in pieces:
        if target and target.startswith("id:") and not text:
            eid = target[3:]
            num = f"Theorem {numbers[eid]}" if numbers and eid in numbers else "the theorem"
            title = f" ({title_unicode(titles[eid])})" if titles and eid in titles else f" ({eid})"
            out.append(num + title)
            continue
        out.append(_plain(text))
    return "".join(out)


def reason_markdown(pieces, numbers=None, titles=None) -> str:
    """For the aligned math of Markdown: text with $math$ inside \\text{}."""
    return reason_latex(pieces, numbers, False, titles, mathjax=True)


def cited(report) -> list[str]:
    """The entries a proof cites, in order of first use."""
    out = []
    for c in report.chains:
        for k, _s in enumerate(c.steps):
            if c.steps[k].status == "start":
                continue
            for _t, target in step_reason(report, c, k):
                if target and target.startswith("id:") and target[3:] not in out:
                    out.append(target[3:])
    return out


# ---------------------------------------------------------------- walkthroughs in every format


def cite_info(report=None) -> tuple[dict, dict]:
    """(theorem numbers, titles) of the built-in catalogue, for naming cited entries."""
    from derive.catalogue import load

    try:
        cat = load()
    except Exception:  # a broken extra catalogue must not stop a walkthrough
        return {}, {}
    return theorem_numbers(cat), {i: e.title for i, e in cat.entries.items()}


def chain_head(report, chain) -> str:
    """What a chain is, as prose with $math$: its name, fixed vector, hypothesis, supposition."""
    vectors = _vectors(report)
    head = []
    if chain.name:
        head.append(f"Step ‘{chain.name}’")
    hyp = (
        proposition_latex(chain.hypothesis_typed, vectors)
        if chain.hypothesis_typed is not None
        else chain.hypothesis
    )
    fix = _name_latex(chain.fix, vectors) if chain.fix else ""
    if chain.fix and chain.form == "calc" and not chain.hypothesis:
        zero = r"\mathbf{0}" if _is_vector(report, chain.fix) else "0"
        head.append(f"fix an arbitrary ${fix} \\ne {zero}$")
    elif chain.hypothesis and chain.fix and _is_vector(report, chain.fix):
        head.append(f"for any ${fix}$ with ${hyp}$")
    elif chain.hypothesis:
        head.append(f"induction step on ${fix}$: assume ${hyp}$" if fix else f"assume ${hyp}$")
    if chain.suppose_typed is not None or chain.suppose:
        sup = (
            proposition_latex(chain.suppose_typed, vectors)
            if chain.suppose_typed is not None
            else chain.suppose
        )
        head.append(f"suppose ${sup}$")
    return "; ".join(head)


def statement_parts(report) -> tuple[list[str], list[str]]:
    """(hypotheses, conclusions) as LaTeX math; the properties that the assumptions declare are
    left to the assumptions' sentence when the entry has one."""
    vectors = _vectors(report)
    hyps = [
        proposition_latex(h, vectors)
        for label, h in report.hypotheses
        if label.startswith("hyp:") or not report.entry.assume
    ]
    concl = [proposition_latex(c, vectors) for c in report.conclusions]
    if not concl:
        concl = [_statement_tex(report)]
    return hyps, concl


def proof_rows(
    report,
    labels: bool = False,
    prose_notes: list | None = None,
    numbers=None,
    titles=None,
    mathjax: bool = False,
) -> list[list[str]]:
    """The rows of each chain of a proof, for ``align*``/``aligned``: ``rel & expr && why``.

    With ``labels`` the reasons link (hyperref) to ``rule:NAME`` and ``id:ENTRY`` and a cited
    entry reads "Theorem \\ref"; ``prose_notes``, when given, collects the prose of unchecked
    steps, cited in the row as "(note k)".
    """
    if numbers is None and not labels:
        numbers, titles = cite_info()
    chains = []
    for chain in report.chains:
        rows = []
        for k, s in enumerate(chain.steps):
            if s.status == "start":
                rows.append(rf"& {s.expr}")
                continue
            pieces = step_reason(report, chain, k)
            why = reason_latex(pieces, numbers, labels, titles, mathjax)
            plain_why = reason_unicode(pieces, numbers)
            if s.status != "checked":
                why += r" (not machine-checked)"
            if prose_notes is not None and s.prose:
                prose_notes.append(s.prose)
                why += f" (note {len(prose_notes)})"
            rel = REL_LATEX.get(s.rel, s.rel)
            if visible_length(s.expr) + len(plain_why) > WIDE:
                rows.append(rf"{rel}\; & {s.expr}")
                rows.append(rf"& \qquad \text{{{why}}}")
            else:
                rows.append(rf"{rel}\; & {s.expr} && \text{{{why}}}")
        chains.append(rows)
    return chains


def latex_link(by: str, text: str) -> str:
    """A justification linked to the entry's label (``id:ENTRY``) or base rule (``rule:NAME``)."""
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES

    if by.startswith(("hyp:", "fact:")) or by in ("cancel", "contradiction", "supposition"):
        return text
    target = f"rule:{by}" if by in BASE_RULES or by in RELATIONAL_RULES else _label(by)
    return rf"\hyperref[{target}]{{{text}}}"


def _steps_noun(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def proof_status(report) -> str:
    checked, total = report.counts()
    if checked == total:
        return (
            "checked by the kernel" if total == 1 else f"{total} steps, each checked by the kernel"
        )
    return f"{checked} of {_steps_noun(total)} checked by the kernel"


def _minus(text: str) -> str:
    """The printer's ASCII minus as the Unicode minus sign in the terminal: A − λI, −3."""
    return text.replace("-", "−")


def walkthrough_text(report, numbers=None, titles=None) -> str:
    """A walkthrough for the terminal, in Unicode: the theorem (hypotheses and conclusions), the
    assumptions, the intuition, each chain (name, fixed vector, supposition) with each step's
    reason in words and the side conditions it used, the exercise and its answer."""
    if numbers is None:
        numbers, titles = cite_info()
    e = report.entry
    num = numbers.get(e.id)
    lines = [f"{e.id}: {title_unicode(e.title)}" + (f"  (Theorem {num})" if num else ""), ""]
    if report.hypotheses:
        lines.append("  if")
        for label, h in report.hypotheses:
            tag = f"  ({label.replace('hyp:', 'hypothesis ')})" if label.startswith("hyp:") else ""
            lines.append(f"      {_minus(proposition_unicode(h))}{tag}")
        lines.append("  then")
    else:
        lines.append("  for every choice of the symbols,")
    for c in report.conclusions or ([report.statement.expr] if report.statement else []):
        lines.append(f"      {_minus(proposition_unicode(c))}")
    if not report.conclusions and not report.statement:
        lines.append(f"      {tex_unicode(e.statement)}")
    if e.assume:
        lines.append("  where " + "; ".join(_plain(c) for c in assume_clauses(e.assume, set())))
    if e.explanation:
        lines += ["", "intuition: " + _plain(e.explanation)]
    lines += ["", f"proof ({proof_status(report)}; status: {report.status}):"]
    for chain in report.chains:
        head = chain_head(report, chain)
        if head:
            lines.append("  [" + _plain(head) + "]")
        for k, s in enumerate(chain.steps):
            shown = _minus(_shown(s))
            if s.status == "start":
                lines.append(f"      {shown}")
                continue
            rel = REL_TEXT.get(s.rel, s.rel)
            mark = "✓" if s.status == "checked" else ("?" if s.status == "prose" else "✗")
            lines.append(f"    {rel} {shown}")
            label = reason_unicode(step_reason(report, chain, k), numbers, titles)
            lines.append(
                f"        {mark} by {label}"
                + (f" ({STATUS_TEXT[s.status]})" if s.status != "checked" else "")
            )
            lines += _conditions_text(s, numbers)
            if s.prose:
                lines.append(f"          {_plain(s.prose)}")
            if s.status == "failed" and s.message:
                lines.append(f"          {s.message}")
    for err in report.errors:
        if not any(err == s.message for c in report.chains for s in c.steps):
            lines.append(f"  ✗ {err}")
    uses = cited(report)
    if uses:
        lines += [
            "",
            "uses: " + "; ".join(reason_unicode([("", f"id:{u}")], numbers, titles) for u in uses),
        ]
    if report.leans_on:
        lines.append(
            "relies on entries whose proofs are partly prose: " + ", ".join(sorted(report.leans_on))
        )
    refs = ", ".join(f"{k}: {v}" for k, v in e.references)
    if refs:
        lines.append("references: " + refs)
    if e.exercise:
        lines += ["", f"exercise: {_plain(e.exercise)}"]
        if e.answer:
            lines.append(f"answer:   {_plain(e.answer)}")
    return "\n".join(lines)


def display_lines(concl: list[str], wide: int = 48) -> str:
    """Conclusions for ``gather*``: one a line, a long equation broken before its '='."""
    out = []
    for c in concl:
        lhs, eq, rhs = c.partition(" = ")
        if eq and visible_length(c) > wide:
            out.append(rf"\begin{{aligned}} & {lhs} \\ & \quad = {rhs} \end{{aligned}}")
        else:
            out.append(c)
    return r"\begin{gather*}" + r" \\ ".join(out) + r"\end{gather*}"


def walkthrough_latex(report, labels: bool = False, numbers=None, titles=None) -> str:
    """LaTeX (amsmath) for one entry: the theorem (assumptions, hypotheses, conclusions), the
    intuition, each chain with its name, fixed vector and supposition, the steps with their
    reasons in words, prose notes, the exercise and its answer.

    With ``labels`` the reasons link (hyperref) to ``id:ENTRY`` and ``rule:NAME`` labels,
    which the document must define (``derive notes`` does).
    """
    if numbers is None:
        numbers, titles = cite_info()
    e = report.entry
    lines = [rf"\paragraph{{{title_tex(e.title)}}}"]
    hyps, concl = statement_parts(report)
    if e.assume:
        lines.append(_prose_tex(assume_prose(report)))
    if hyps:
        lines.append(r"If $" + "$, $".join(hyps) + r"$, then")
    lines.append(display_lines(concl))
    if e.explanation:
        lines.append(r"\emph{Intuition.} " + _prose_tex(e.explanation))
    notes: list[str] = []
    rows = proof_rows(report, labels, notes, numbers, titles)
    if report.chains:
        lines.append(rf"\emph{{Proof}} ({_tex_text(proof_status(report))}).")
    for chain, chain_rows in zip(report.chains, rows, strict=False):
        head = chain_head(report, chain)
        if head:
            lines.append(_prose_tex(head) + ":")
        lines.append(r"\begin{align*}" + "\n" + " \\\\\n".join(chain_rows) + "\n" + r"\end{align*}")
    for k, note in enumerate(notes, start=1):
        lines.append(rf"\emph{{Note {k}:}} " + _prose_tex(note))
    uses = cited(report)
    if uses:
        lines.append(
            r"\emph{Uses:} "
            + "; ".join(
                _prose_tex(reason_unicode([("", f"id:{u}")], numbers, titles).split(" (")[0])
                + (": " + title_tex(titles[u]) if titles and u in titles else "")
                for u in uses
            )
            + "."
        )
    if e.exercise:
        lines.append(r"\emph{Exercise.} " + _prose_tex(e.exercise))
        if e.answer:
            lines.append(r"\emph{Answer.} " + _prose_tex(e.answer))
    return "\n".join(lines)


def walkthrough_markdown(
    report, link=None, heading: str = "###", numbers=None, titles=None, answers: bool = True
) -> str:
    """Markdown with $...$ math (MathJax or KaTeX) for one entry.

    ``link(id)``, when given, returns a Markdown link for a cited entry (or None); the cited ones
    are listed under the proof, since links do not work inside math.
    """
    if numbers is None:
        numbers, titles = cite_info()
    e = report.entry
    num = numbers.get(e.id)
    lines = [f"{heading} " + (f"Theorem {num}. " if num else "") + e.title, "", f"*{e.id}*", ""]
    hyps, concl = statement_parts(report)
    if e.assume:
        lines += [assume_prose(report), ""]
    if hyps:
        lines += ["If " + ", ".join(f"${h}$" for h in hyps) + ", then", ""]
    lines += ["$$" + r" \qquad ".join(concl) + "$$", ""]
    if e.explanation:
        lines += [f"*Intuition.* {e.explanation}", ""]
    if report.chains:
        lines += [f"*Proof* ({proof_status(report)}).", ""]
    for chain, rows in zip(
        report.chains, proof_rows(report, False, None, numbers, titles, mathjax=True), strict=False
    ):
        head = chain_head(report, chain)
        if head:
            lines += [head + ":", ""]
        lines += ["$$", r"\begin{aligned}", " \\\\\n".join(rows), r"\end{aligned}", "$$", ""]
    notes = [s for c in report.chains for s in c.steps if s.prose]
    for s in notes:
        lines += [f"- *Note:* {s.prose}"]
    if notes:
        lines.append("")
    uses = cited(report)
    if uses:
        shown = []
        for u in uses:
            md = link(u) if link is not None else None
            name = f"Theorem {numbers[u]}" if u in numbers else u
            title = titles.get(u, u) if titles else u
            shown.append(md or f"{name}: {title}")
        lines += ["Uses: " + "; ".join(shown), ""]
    if e.exercise:
        lines += [f"**Exercise.** {e.exercise}", ""]
        if answers and e.answer:
            lines += [f"**Answer.** {e.answer}", ""]
    return "\n".join(lines)


def walkthrough_html(report) -> str:
    """HTML for a notebook: the Markdown walkthrough as paragraphs, the math left to MathJax."""
    return _md_html(walkthrough_markdown(report))


def _md_html(md: str) -> str:
    import html

    out = []
    for block in md.split("\n\n"):
        b = block.strip()
        if not b:
            continue
        if b.startswith("#"):
            level = len(b) - len(b.lstrip("#"))
            out.append(f"<h{level}>{html.escape(b.lstrip('#').strip())}</h{level}>")
        elif b.startswith("$$"):
            out.append(f"<div>{html.escape(b)}</div>")
        else:
            t = html.escape(b)
            t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
            t = re.sub(r"\*(.+?)\*", r"<i>\1</i>", t)
            out.append(f"<p>{t}</p>")
    return "<div class='derive-walkthrough'>" + "\n".join(out) + "</div>"


def check_result_html(result) -> str:
    """HTML for a ``CheckResult`` in a notebook: the verdict, both sides as math, and for an
    invalid input its error (never "answer: $None$")."""
    import html

    verdict = getattr(result, "verdict", "?")
    rows = [f"<b>verdict:</b> {html.escape(str(verdict))}"]
    for key in ("expected", "answer"):
        val = getattr(result, key, None)
        if val:
            rows.append(f"<b>{key}:</b> ${html.escape(str(val))}$")
    method = getattr(result, "method", None)
    if method:
        rows.append(f"<b>method:</b> {html.escape(str(method))}")
    err = getattr(result, "error", None)
    if err:
        where = err.get("input", "input") if isinstance(err, dict) else "input"
        msg = err.get("message", str(err)) if isinstance(err, dict) else str(err)
        rows.append(f"<b>error in the {html.escape(str(where))}:</b> {html.escape(str(msg))}")
    reason = getattr(result, "reason", None)
    if reason:
        rows.append(html.escape(str(reason)))
    hint = getattr(result, "hint", None)
    if hint:
        rows.append(f"<b>hint:</b> {html.escape(str(hint))}")
    steps = getattr(result, "derivation", None) or []
    if steps:
        items = "".join(
            f"<li>${html.escape(s['expr'])}$"
            + (f" <i>by {html.escape(s['by'])}</i>" if s["by"] else "")
            + "</li>"
            for s in steps
        )
        rows.append(
            "<b>why</b> (each step checked by the kernel):"
            f"<ol class='derive-derivation'>{items}</ol>"
        )
    return "<div class='derive-check'>" + "<br>".join(rows) + "</div>"
