"""The forgiving reader: students' answers as they type them, mapped onto the strict notation.

``read(text, assumptions)`` is a pure function from a raw answer to a ``Reading``: the answer in the
strict LaTeX of ``docs/notation.md`` (``latex``), what was changed to get there (``changes``, each
with its position in the text as typed) and the strict parse of it (``parsed``). Or it raises
``ReadError`` (a ``ParseError``) with the position in the ORIGINAL text, the reason, and where the
text has more than one reading, the choices (``choices``).

What it maps (each mapping is listed in ``changes``, so nothing is reinterpreted silently):
wrappers (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``, ``\\boxed{…}``, trailing punctuation),
Unicode (ᵀ ⊤ ⁻¹ ² − × · ‖ † ⟨⟩ and Greek letters), ASCII habits (``^-1``, ``^(-1)``, ``'`` for the
transpose of a real matrix, ``*``, ``||x||``, ``tr(…)``, ``det(…)``, ``exp(…)``, ``sqrt(…)``,
``abs(…)``, ``a/b``, Greek names typed as words) and LaTeX habits (``\\frac12``, ``\\sqrt3``,
``\\sqrt[3]{x}``, ``\\cfrac``, ``\\langle x, y\\rangle``, ``\\mathbf{x}\\cdot\\mathbf{y}``,
``\\|x\\|_2``, ``\\|A\\|_F``, ``\\mathsf T``, ``\\mathrm{T}``, ``\\mathrm{e}``, ``\\sec``, ``array``,
``vmatrix``). What it refuses, naming the choices: words and runs of letters that are no known
name, code (``inv(A)``, ``A.T``), other systems' habits (``3e2`` is read as scientific notation,
but ``x1``, ``a[2]``, ``+-1``, ``{1}``, ``[1]``, ``3,5``, ``x and y``, ``y(x)`` are refused), and
ambiguous forms (``|A|`` of a matrix, ``A'`` of a complex matrix).

It never evaluates anything (no ``eval``, ``sympify`` or ``parse_expr``); its work is linear in the
length of the input, which is capped before anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from derive.errors import LimitError, ParseError
from derive.limits import DEFAULT, Limits

GREEK_WORDS = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
}
GREEK_CHARS = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ℼ": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "Γ": "Gamma",
    "Δ": "Delta",
    "Θ": "Theta",
    "Λ": "Lambda",
    "Ξ": "Xi",
    "Π": "Pi",
    "Σ": "Sigma",
    "Φ": "Phi",
    "Ψ": "Psi",
    "Ω": "Omega",
}
# function names typed as words, applied with parentheses: the strict command for each
FUNCTIONS = {
    "tr": r"\operatorname{tr}",
    "trace": r"\operatorname{tr}",
    "det": r"\det",
    "rank": r"\operatorname{rank}",
    "rk": r"\operatorname{rank}",
    "exp": r"\exp",
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "log": r"\log",
    "ln": r"\ln",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "tanh": r"\tanh",
}
RECIPROCALS = {"sec": r"\cos", "csc": r"\sin", "cosec": r"\sin", "cot": r"\tan"}
# words and code that are refused with a suggestion built from their argument X
SUGGEST = {
    "inv": "({X})^{{-1}}",
    "inverse": "({X})^{{-1}}",
    "transpose": "({X})^T",
    "trans": "({X})^T",
    "t": "({X})^T",
    "norm": r"\|{X}\|",
    "conj": r"\bar{{{X}}}",
    "sqr": "({X})^2",
}
LOGIC = {"and", "or", "not", "xor", "nor", "nand", "implies", "true", "false", "iff"}
INFINITY = {"inf", "infty", "infinity", "oo"}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᵀᵗᴴⁿᵏ", "0123456789-+TTHnk", strict=True))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True))
UNICODE = {
    "−": ("ch", "-", "the minus sign '−' read as '-'"),
    "–": ("ch", "-", "the dash '–' read as '-'"),
    "⁒": ("ch", "-", "'⁒' read as '-'"),
    "×": ("cmd", r"\times", "'×' read as \\times"),
    "·": ("cmd", r"\cdot", "'·' read as \\cdot"),
    "⋅": ("cmd", r"\cdot", "'⋅' read as \\cdot"),
    "∙": ("cmd", r"\cdot", "'∙' read as \\cdot"),
    "∗": ("ch", "*", "'∗' read as '*'"),
    "‖": ("cmd", r"\|", "'‖' read as \\| (a norm bar)"),
    "∥": ("cmd", r"\|", "'∥' read as \\| (a norm bar)"),
    "⊤": ("cmd", r"\top", "'⊤' read as the transpose"),
    "⊺": ("cmd", r"\top", "'⊺' read as the transpose"),
    "†": ("cmd", r"\dagger", "'†' read as the conjugate transpose"),
    "≤": ("cmd", r"\le", "'≤' read as \\le"),
    "≥": ("cmd", r"\ge", "'≥' read as \\ge"),
    "≠": ("cmd", r"\ne", "'≠' read as \\ne"),
    "⟨": ("cmd", r"\langle", "'⟨' read as \\langle"),
    "〈": ("cmd", r"\langle", "'〈' read as \\langle"),
    "⟩": ("cmd", r"\rangle", "'⟩' read as \\rangle"),
    "〉": ("cmd", r"\rangle", "'〉' read as \\rangle"),
    "（": ("ch", "(", "'（' read as '('"),
    "）": ("ch", ")", "'）' read as ')'"),
    "√": ("cmd", r"\sqrt", "'√' read as \\sqrt"),
    "ℯ": ("word", "e", "'ℯ' read as e"),
    "½": ("raw", r"\frac{1}{2}", "'½' read as \\frac{1}{2}"),
    "⅓": ("raw", r"\frac{1}{3}", "'⅓' read as \\frac{1}{3}"),
    "¼": ("raw", r"\frac{1}{4}", "'¼' read as \\frac{1}{4}"),
    "’": ("ch", "'", "'’' read as a prime (')"),
    "′": ("ch", "'", "'′' read as a prime (')"),
    "\u00a0": ("sp", " ", None),
    "\u2009": ("sp", " ", None),
    "\u202f": ("sp", " ", None),
    "\u2003": ("sp", " ", None),
    "\u200b": ("sp", "", None),
    "\ufeff": ("sp", "", None),
}
REFUSED_CHARS = {
    "±": ("'±' (plus or minus) is not in the notation: give one answer", ["+", "-"]),
    "∓": ("'∓' (minus or plus) is not in the notation: give one answer", ["+", "-"]),
    "∞": ("infinity is not in the notation", []),
    "∅": ("sets are not in the notation", []),
    "⦰": ("sets are not in the notation", []),
    "∧": ("logic (and) is not in the notation", []),
    "∨": ("logic (or) is not in the notation", []),
    "⋁": ("logic (or) is not in the notation", []),
    "¬": ("logic (not) is not in the notation", []),
    "∑": ("sums are not in the notation", []),
    "∫": ("integrals are not in the notation", []),
    "∂": ("derivatives are not in the notation", []),
    "∇": ("gradients are not in the notation", []),
}
BOLD_COMMANDS = {"mathbf", "boldsymbol", "vec", "bm"}
TEXT_COMMANDS = {"operatorname", "mathrm", "text", "textrm", "mathsf", "textsf", "mathit"}
MATRIX_ENVS = {"bmatrix", "pmatrix", "matrix", "Bmatrix"}
PUNCTUATION = ".,;:"


class ReadError(ParseError):
    """An answer the reader refuses: the position in the text as typed, the reason, the choices."""

    def __init__(self, source: str, position: int, reason: str, choices=()):
        self.choices = list(choices)
        if self.choices:
            reason = f"{reason} (choices: {'; '.join(self.choices)})"
        super().__init__(source, position, reason)


@dataclass
class Reading:
    """An answer as read: the strict LaTeX, what was changed (with positions), the strict parse."""

    source: str
    latex: str
    changes: list[dict] = field(default_factory=list)
    parsed: object = None  # derive.frontend.Parsed


@dataclass
class _Tok:
    kind: str  # cmd word num sp ch sup raw begin end
    text: str
    pos: int  # position of its first character in the original text
    exact: bool = True  # text is the original characters, one for one

    @property
    def name(self) -> str:
        return self.text[1:] if self.kind == "cmd" else self.text


class _Context:
    """The names that clauses declare, as the reader needs them."""

    def __init__(self, assumptions=None):
        self.vectors: set[str] = set()
        self.scalars: set[str] = set()
        self.complex: set[str] = set()
        if assumptions is None:
            return
        for name, props in assumptions.props:
            if "vector" in props:
                self.vectors.add(name)
            if "scalar" in props or "integer" in props or "positive" in props:
                self.scalars.add(name)
            if props & {"complex", "hermitian", "unitary"}:
                self.complex.add(name)
        for name, shape in assumptions.shapes:
            if len(shape) == 2 and shape[1] == 1:
                self.vectors.add(name)

    def declared(self, letter: str) -> bool:
        return letter in self.vectors or letter in self.scalars or letter in self.complex

    def declared_set(self) -> set[str]:
        return self.vectors | self.scalars | self.complex


class _Reader:
    def __init__(self, source: str, ctx: _Context):
        self.source = source
        self.ctx = ctx
        self.changes: list[dict] = []

    # ------------------------------------------------------------------ helpers

    def refuse(self, pos: int, reason: str, choices=()):
        raise ReadError(self.source, pos, reason, choices)

    def note(self, pos: int, what: str) -> None:
        if all(c["change"] != what for c in self.changes):
            self.changes.append({"position": pos + 1, "change": what})

    @staticmethod
    def match(toks: list[_Tok], i: int) -> int | None:
        """The index of the bracket that closes the one at ``i`` (``(``, ``[`` or ``{``)."""
        opening = toks[i].text
        closing = {"(": ")", "[": "]", "{": "}"}[opening]
        depth = 0
        for j in range(i, len(toks)):
            t = toks[j]
            if t.kind != "ch":
                continue
            if t.text == opening:
                depth += 1
            elif t.text == closing:
                depth -= 1
                if depth == 0:
                    return j
        return None

    @staticmethod
    def match_back(toks: list[_Tok], j: int) -> int | None:
        closing = toks[j].text
        opening = {")": "(", "]": "[", "}": "{"}[closing]
        depth = 0
        for i in range(j, -1, -1):
            t = toks[i]
            if t.kind != "ch":
                continue
            if t.text == closing:
                depth += 1
            elif t.text == opening:
                depth -= 1
                if depth == 0:
                    return i
        return None

    @staticmethod
    def next_solid(toks: list[_Tok], i: int) -> int:
        while i < len(toks) and toks[i].kind == "sp":
            i += 1
        return i

    @staticmethod
    def prev_solid(toks: list[_Tok], i: int) -> int:
        while i >= 0 and toks[i].kind == "sp":
            i -= 1
        return i

    @staticmethod
    def is_ch(t: _Tok | None, chars: str) -> bool:
        return t is not None and t.kind == "ch" and t.text in chars

    # ------------------------------------------------------------------ wrappers

    def unwrap(self) -> tuple[int, int]:
        s, a, b = self.source, 0, len(self.source)
        for _ in range(8):
            while a < b and s[a].isspace():
                a += 1
            while b > a and s[b - 1].isspace():
                b -= 1
            inner = s[a:b]
            if inner.startswith("$$") and inner.endswith("$$") and len(inner) >= 4:
                self.note(a, "the math delimiters $$…$$ removed")
                a, b = a + 2, b - 2
            elif inner.startswith("$") and inner.endswith("$") and len(inner) >= 2:
                self.note(a, "the math delimiters $…$ removed")
                a, b = a + 1, b - 1
            elif (inner.startswith("\\(") and inner.endswith("\\)")) or (
                inner.startswith("\\[") and inner.endswith("\\]")
            ):
                self.note(a, f"the math delimiters {inner[:2]}…{inner[-2:]} removed")
                a, b = a + 2, b - 2
            elif inner and inner[-1] in PUNCTUATION and not inner.endswith("\\,"):
                self.note(b - 1, f"the trailing '{inner[-1]}' removed")
                b -= 1
            elif inner.startswith("\\boxed{") and inner.endswith("}"):
                if self._closing_brace(s, a + 6) == b - 1:
                    self.note(a, "\\boxed{…} removed")
                    a, b = a + 7, b - 1
                else:
                    break
            else:
                break
        return a, b

    @staticmethod
    def _closing_brace(s: str, i: int) -> int | None:
        depth = 0
        for j in range(i, len(s)):
            if s[j] == "\\":
                continue
            if s[j] == "{" and (j == 0 or s[j - 1] != "\\"):
                depth += 1
            elif s[j] == "}" and (j == 0 or s[j - 1] != "\\"):
                depth -= 1
                if depth == 0:
                    return j
        return None

    # ------------------------------------------------------------------ tokens

    def tokenize(self, a: int, b: int) -> list[_Tok]:
        s, out, i = self.source, [], a
        while i < b:
            ch = s[i]
            if ch == "\\":
                m = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}").match(s, i, b)
                if m:
                    out.append(_Tok(m.group(1), m.group(2).strip(), i, False))
                    i = m.end()
                    continue
                m = re.compile(r"\\([A-Za-z]+|.)", re.S).match(s, i, b)
                if m is None:
                    out.append(_Tok("ch", "\\", i))
                    i += 1
                    continue
                out.append(_Tok("cmd", m.group(), i))
                i = m.end()
            elif ch.isascii() and ch.isalpha():
                j = i
                while j < b and s[j].isascii() and s[j].isalpha():
                    j += 1
                out.append(_Tok("word", s[i:j], i))
                i = j
            elif ch.isascii() and (
                ch.isdigit() or (ch == "." and i + 1 < b and s[i + 1].isdigit())
            ):
                m = re.compile(r"\d+(\.\d+)?|\.\d+").match(s, i, b)
                out.append(_Tok("num", m.group(), i))
                i = m.end()
            elif ch.isspace():
                j = i
                while j < b and s[j].isspace():
                    j += 1
                out.append(_Tok("sp", " ", i, False))
                i = j
            elif ch in SUPERSCRIPTS:
                j = i
                while j < b and s[j] in SUPERSCRIPTS:
                    j += 1
                out.append(self._superscript_run(s[i:j], i))
                i = j
            elif ch in SUBSCRIPTS:
                j = i
                while j < b and s[j] in SUBSCRIPTS:
                    j += 1
                digits = "".join(SUBSCRIPTS[c] for c in s[i:j])
                self.note(i, f"'{s[i:j]}' read as the subscript _{{{digits}}}")
                out.append(_Tok("raw", f"_{{{digits}}}", i, False))
                i = j
            elif ch in GREEK_CHARS:
                self.note(i, f"'{ch}' read as \\{GREEK_CHARS[ch]}")
                out.append(_Tok("cmd", "\\" + GREEK_CHARS[ch], i, False))
                i += 1
            elif ch in UNICODE:
                kind, text, what = UNICODE[ch]
                if what:
                    self.note(i, what)
                if text:
                    out.append(_Tok(kind, text, i, False))
                i += 1
            elif ch in REFUSED_CHARS:
                reason, choices = REFUSED_CHARS[ch]
                self.refuse(i, reason, choices)
            elif 0x1D400 <= ord(ch) <= 0x1D6A3:  # mathematical bold, italic, ... letters
                letter = _math_letter(ch)
                if letter is None:
                    out.append(_Tok("ch", ch, i))
                else:
                    self.note(i, f"'{ch}' read as {letter}")
                    out.append(_Tok("word", letter, i, False))
                i += 1
            else:
                out.append(_Tok("ch", ch, i))
                i += 1
        return out

    def _superscript_run(self, run: str, pos: int) -> _Tok:
        text = "".join(SUPERSCRIPTS[c] for c in run)
        if text in ("T",):
            latex = r"^{\top}"
        elif text == "H":
            latex = r"^{\dagger}"
        elif text in ("-1T", "-T", "T-1"):
            latex = "^{-T}"
        else:
            latex = "^{" + text + "}"
        self.note(pos, f"'{run}' read as {latex}")
        return _Tok("sup", latex, pos, False)

    # ------------------------------------------------------------------ passes

    def run(self) -> tuple[str, list[int]]:
        a, b = self.unwrap()
        toks = self.tokenize(a, b)
        if not any(t.kind != "sp" for t in toks):
            self.refuse(a, "the answer is empty")
        for t in toks:
            if t.kind == "ch" and t.text == "$":
                self.refuse(t.pos, "a '$' inside the answer: write one formula, without $ signs")
        toks = self.environments(toks)
        toks = self.commands(toks)
        toks = self.words(toks)
        toks = self.letters_and_numbers(toks)
        toks = self.superscripts(toks)
        toks = self.primes(toks)
        toks = self.stars(toks)
        toks = self.tex_arguments(toks)
        toks = self.bars(toks)
        toks = self.angles(toks)
        toks = self.dots(toks)
        toks = self.slashes(toks)
        self.structure(toks)
        return self.emit(toks)

    def environments(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        stack: list[str] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "begin":
                env = t.text
                if env == "array":
                    self.note(t.pos, "\\begin{array} read as \\begin{bmatrix}")
                    j = self.next_solid(toks, i + 1)
                    if j < len(toks) and self.is_ch(toks[j], "{"):
                        k = self.match(toks, j)
                        i = (k if k is not None else j) + 1
                    else:
                        i += 1
                    out.append(_Tok("begin", "bmatrix", t.pos, False))
                    stack.append("array")
                    continue
                if env in ("vmatrix", "Vmatrix"):
                    if env == "Vmatrix":
                        self.refuse(t.pos, "a Vmatrix (a norm of a matrix) is not in the notation")
                    self.note(t.pos, "\\begin{vmatrix}…\\end{vmatrix} read as \\det of a bmatrix")
                    out += [
                        _Tok("cmd", r"\det", t.pos, False),
                        _Tok("ch", "(", t.pos, False),
                        _Tok("begin", "bmatrix", t.pos, False),
                    ]
                    stack.append("vmatrix")
                    i += 1
                    continue
                if env == "smallmatrix":
                    self.note(t.pos, "smallmatrix read as bmatrix")
                    out.append(_Tok("begin", "bmatrix", t.pos, False))
                    stack.append("smallmatrix")
                    i += 1
                    continue
                stack.append(env)
                out.append(t)
            elif t.kind == "end":
                opened = stack.pop() if stack else None
                if opened in ("array", "smallmatrix"):
                    out.append(_Tok("end", "bmatrix", t.pos, False))
                elif opened == "vmatrix":
                    out += [_Tok("end", "bmatrix", t.pos, False), _Tok("ch", ")", t.pos, False)]
                else:
                    out.append(t)
            else:
                out.append(t)
            i += 1
        return out

    def commands(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "cmd":
                name = t.name
                if name in RECIPROCALS:
                    out.append(_Tok("word", name, t.pos, False))
                    i += 1
                    continue
                if name == "cfrac":
                    self.note(t.pos, "\\cfrac read as \\frac")
                    out.append(_Tok("cmd", r"\frac", t.pos, False))
                    i += 1
                    continue
                if name in ("pm", "mp"):
                    self.refuse(
                        t.pos, f"'\\{name}' (plus or minus) is not in the notation: give one answer"
                    )
                if name in ("boxed", "fbox"):
                    j = self.next_solid(toks, i + 1)
                    if j < len(toks) and self.is_ch(toks[j], "{"):
                        k = self.match(toks, j)
                        if k is not None:
                            self.note(t.pos, f"\\{name}{{…}} read as (…)")
                            toks[j] = _Tok("ch", "(", toks[j].pos, False)
                            toks[k] = _Tok("ch", ")", toks[k].pos, False)
                            i = j
                            continue
                if name in ("rm", "sf", "mathsf", "mathrm", "textsf", "text", "textrm", "mathit"):
                    letter, end = self._text_letter(toks, i)
                    if letter is not None:
                        if letter == "e":
                            self.note(t.pos, f"\\{name} e read as e (Euler's number)")
                            out.append(_Tok("word", "e", t.pos, False))
                        elif letter in "TH" and self._after_caret(out):
                            latex = r"\top" if letter == "T" else r"\dagger"
                            what = "transpose" if letter == "T" else "conjugate transpose"
                            self.note(t.pos, f"\\{name}{{{letter}}} read as the {what}")
                            out.append(_Tok("cmd", latex, t.pos, False))
                        elif letter.isalpha():
                            self.note(t.pos, f"\\{name}{{{letter}}} read as {letter}")
                            out.append(_Tok("word", letter, t.pos, False))
                        i = end
                        continue
                    if name in ("rm", "sf"):
                        self.refuse(t.pos, f"'\\{name}' here is not in the notation")
                if name in ("top", "intercal", "dagger") and not self._after_caret(out):
                    prev = self.prev_solid(out, len(out) - 1)
                    if prev >= 0 and _operand_end(out[prev]):
                        self.note(t.pos, f"\\{name} after a symbol read as a superscript ^\\{name}")
                        out.append(_Tok("ch", "^", t.pos, False))
            out.append(t)
            i += 1
        return out

    @staticmethod
    def _after_caret(out: list[_Tok]) -> bool:
        k = len(out) - 1
        while k >= 0 and (out[k].kind == "sp" or (out[k].kind == "ch" and out[k].text == "{")):
            k -= 1
        return k >= 0 and out[k].kind == "ch" and out[k].text == "^"

    def _text_letter(self, toks: list[_Tok], i: int) -> tuple[str | None, int]:
        """``\\mathrm{T}``, ``\\mathsf T``, ``\\rm T``: the single letter and the index after it."""
        j = self.next_solid(toks, i + 1)
        if j >= len(toks):
            return None, i + 1
        t = toks[j]
        if self.is_ch(t, "{"):
            k = self.next_solid(toks, j + 1)
            if k < len(toks) and toks[k].kind == "word" and len(toks[k].text) == 1:
                m = self.next_solid(toks, k + 1)
                if m < len(toks) and self.is_ch(toks[m], "}"):
                    return toks[k].text, m + 1
            return None, i + 1
        if t.kind == "word" and toks[i].name in ("rm", "sf", "mathsf", "mathrm"):
            if len(t.text) == 1:
                return t.text, j + 1
            toks[j] = _Tok("word", t.text[1:], t.pos + 1)
            return t.text[0], j
        return None, i + 1

    def words(self, toks: list[_Tok]) -> list[_Tok]:
        """Runs of letters: names, functions, words; then every letter becomes its own token."""
        out: list[_Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind != "word" or self._text_context(toks, i):
                out.append(t)
                i += 1
                continue
            if self._script_context(toks, i):  # x_ab, A^TB: TeX takes one letter
                out.append(_Tok("word", t.text[0], t.pos))
                rest = t.text[1:]
                if rest:
                    toks[i] = _Tok("word", rest, t.pos + 1)
                    continue
                i += 1
                continue
            word, low = t.text, t.text.lower()
            j = self.next_solid(toks, i + 1)
            applied = j < len(toks) and self.is_ch(toks[j], "(")
            if applied and len(word) >= 2 and (word.islower() or word in CAPITALIZED):
                i = self._function(toks, i, j, word, low)
                continue
            if word in GREEK_WORDS or word in CAPITAL_GREEK:
                self.note(t.pos, f"'{word}' read as \\{word}")
                out.append(_Tok("cmd", "\\" + word, t.pos, False))
                i += 1
                continue
            if low in LOGIC:
                self.refuse(
                    t.pos,
                    f"'{word}' is a word of logic, which is not in the notation",
                    ["give one expression"],
                )
            if low in INFINITY:
                self.refuse(t.pos, f"'{word}' (infinity) is not in the notation")
            out += self._letters(t)
            i += 1
        return out

    def _text_context(self, toks: list[_Tok], i: int) -> bool:
        """A word that is the argument of \\operatorname{…}, \\mathrm{…}, \\text{…}."""
        k = self.prev_solid(toks, i - 1)
        if k >= 0 and self.is_ch(toks[k], "{"):
            c = self.prev_solid(toks, k - 1)
            return c >= 0 and toks[c].kind == "cmd" and toks[c].name in TEXT_COMMANDS
        return False

    def _script_context(self, toks: list[_Tok], i: int) -> bool:
        k = i - 1
        return k >= 0 and toks[k].kind == "ch" and toks[k].text in "^_" and len(toks[i].text) > 1

    def _letters(self, t: _Tok) -> list[_Tok]:
        """A run of letters outside any function: each letter a symbol, unless a lowercase run of
        two or more is not made of declared names (then it is a word, or ambiguous)."""
        word = t.text
        out: list[_Tok] = []
        k = 0
        while k < len(word):
            if word[k].islower():
                m = k
                while m < len(word) and word[m].islower():
                    m += 1
                run = word[k:m]
                word_like = len(run) >= 3 or run in ENGLISH_SHORT or run in FUNCTIONS
                if word_like and not all(self.ctx.declared(c) for c in run):
                    if run in GREEK_WORDS:
                        self.note(t.pos + k, f"'{run}' read as \\{run}")
                        out.append(_Tok("cmd", "\\" + run, t.pos + k, False))
                        k = m
                        continue
                    self._refuse_run(t, k, run, word)
                for c in range(k, m):
                    out.append(_Tok("word", word[c], t.pos + c))
                k = m
            else:
                out.append(_Tok("word", word[k], t.pos + k))
                k += 1
        return out

    def _refuse_run(self, t: _Tok, k: int, run: str, word: str):
        pos = t.pos + k
        suggestion = suggest(self.source)
        if suggestion is not None:
            self.refuse(pos, f"'{run}' is a word: write {suggestion}", [suggestion])
        if run in FUNCTIONS or run in RECIPROCALS or run in SUGGEST:
            self.refuse(
                pos,
                f"'{run}' is a function name: write it with its argument in parentheses, "
                f"e.g. {run}(A)",
            )
        if suggestion is not None:
            self.refuse(pos, f"'{run}' is a word: write {suggestion}")
        self.refuse(
            pos,
            f"'{run}' is a word: the notation has no words, and it would be read as the "
            f"product {'·'.join(run)} of one-letter symbols",
            ["write the mathematics in LaTeX", f"{' '.join(run)} with spaces, for a product"],
        )

    def _function(self, toks, i, j, word, low) -> int:
        """``word(…)``: a function the notation has, mapped in place (the argument is read on as
        usual); code and words refused. Returns the index to go on from."""
        t = toks[i]
        k = self.match(toks, j)
        if k is None:
            self.refuse(toks[j].pos, "this '(' is never closed")
        arg_text = self.source[toks[j].pos + 1 : toks[k].pos] if toks[k].exact else ""
        if low in FUNCTIONS:
            cmd = FUNCTIONS[low]
            self.note(t.pos, f"'{word}(…)' read as {cmd}(…)")
            toks[i] = _Tok("cmd", cmd, t.pos, False)
            return i
        if low == "sqrt":
            self.note(t.pos, "'sqrt(…)' read as \\sqrt{…}")
            toks[i] = _Tok("cmd", r"\sqrt", t.pos, False)
            toks[j] = _Tok("ch", "{", toks[j].pos, False)
            toks[k] = _Tok("ch", "}", toks[k].pos, False)
            return i
        if low == "abs":
            if self._looks_matrix(toks[j + 1 : k]):
                self.refuse(
                    t.pos,
                    "abs(…) of a matrix is ambiguous",
                    [r"\det(…) for the determinant", r"\|…\| for a norm"],
                )
            self.note(t.pos, "'abs(…)' read as |…| (the absolute value)")
            toks[i] = _Tok("sp", "", t.pos, False)
            toks[j] = _Tok("raw", r"\left|", toks[j].pos, False)
            toks[k] = _Tok("raw", r"\right|", toks[k].pos, False)
            return i
        if low in RECIPROCALS:
            cmd = RECIPROCALS[low]
            self.note(t.pos, f"'{word}(…)' read as \\frac{{1}}{{{cmd}(…)}}")
            toks[i] = _Tok("raw", "(\\frac{1}{" + cmd, t.pos, False)
            toks[k] = _Tok("raw", ")})", toks[k].pos, False)
            return i
        if low in SUGGEST and arg_text.strip():
            arg = arg_text.strip()
            shown = SUGGEST[low].format(X=arg)
            if re.fullmatch(r"[A-Za-z]|\\mathbf\{[a-z]\}", arg):
                shown = shown.replace(f"({arg})", arg)
            self.refuse(t.pos, f"'{word}' is a word: write {shown}", [shown])
        if low in GREEK_WORDS:
            self.note(t.pos, f"'{word}' read as \\{low}")
            toks[i] = _Tok("cmd", "\\" + low, t.pos, False)
            return i  # the parentheses follow: a product
        self.refuse(
            t.pos,
            f"'{word}(' is a function or a word of code, which is not in the notation",
            ["write the mathematics in LaTeX"],
        )

    def _looks_matrix(self, inner: list[_Tok]) -> bool:
        """Whether |…| holds a matrix only (uppercase letters, their powers, transposes,
        inverses, explicit matrices), so that it reads as a determinant or a norm."""
        letters = False
        for t in inner:
            if t.kind == "word":
                for c in t.text:
                    if c.islower() and c not in ("T",):
                        return False
                    if c.isupper() and c not in self.ctx.scalars and c not in self.ctx.vectors:
                        letters = True
            elif t.kind == "cmd" and t.name not in (
                "top",
                "dagger",
                "intercal",
                "left",
                "right",
                ",",
            ):
                return False
            elif t.kind == "begin":
                letters = True
        return letters

    def letters_and_numbers(self, toks: list[_Tok]) -> list[_Tok]:
        """``x1`` (a subscript?), ``3e2`` (scientific notation), ``3,5`` (a decimal comma?)."""
        out: list[_Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            prev = toks[i - 1] if i > 0 else None
            if (
                t.kind == "word"
                and nxt is not None
                and nxt.kind == "num"
                and not self.is_ch(prev, "^_")
            ):
                self.refuse(
                    t.pos,
                    f"'{t.text}{nxt.text}' is a letter followed by a number",
                    [
                        f"{t.text}_{{{nxt.text}}} (a subscript)",
                        f"{t.text}^{{{nxt.text}}} (a power)",
                        f"{t.text} \\cdot {nxt.text} (a product)",
                    ],
                )
            if t.kind == "num" and nxt is not None and nxt.kind == "word" and nxt.text in "eE":
                m = re.compile(r"[eE]([+-]?)(\d+)(?![\d.A-Za-z])").match(self.source, nxt.pos)
                if m is not None and nxt.exact and "." not in m.group(2):
                    exp = (m.group(1) if m.group(1) == "-" else "") + m.group(2)
                    self.note(t.pos, f"'{t.text}{m.group()}' read as scientific notation")
                    out += [
                        t,
                        _Tok("raw", rf" \cdot 10^{{{exp}}}", nxt.pos, False),
                    ]
                    end = m.end()
                    i += 1
                    while i < len(toks) and toks[i].pos < end:
                        i += 1
                    continue
            if (
                t.kind == "num"
                and self.is_ch(nxt, ",")
                and not self._in_subscript(toks, i)
                and i + 2 < len(toks)
                and toks[i + 2].kind == "num"
            ):
                self.refuse(
                    nxt.pos,
                    f"'{t.text},{toks[i + 2].text}' has a comma between digits",
                    [f"{t.text}.{toks[i + 2].text} (a decimal comma)", "a list (not an answer)"],
                )
            out.append(t)
            i += 1
        return out

    def superscripts(self, toks: list[_Tok]) -> list[_Tok]:
        """``^-1`` → ``^{-1}``, ``^(-1)`` → ``^{-1}``, ``^-T`` → ``^{-T}``."""
        out: list[_Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if not self.is_ch(t, "^"):
                out.append(t)
                i += 1
                continue
            j = self.next_solid(toks, i + 1)
            nxt = toks[j] if j < len(toks) else None
            if self.is_ch(nxt, "-") and j + 1 < len(toks) and toks[j + 1].kind in ("num", "word"):
                arg = toks[j + 1]
                text = arg.text if arg.kind == "num" else arg.text[0]
                self.note(t.pos, f"'^-{text}' read as ^{{-{text}}}")
                out.append(_Tok("raw", f"^{{-{text}}}", t.pos, False))
                if arg.kind == "word" and len(arg.text) > 1:
                    toks[j + 1] = _Tok("word", arg.text[1:], arg.pos + 1)
                    i = j + 1
                else:
                    i = j + 2
                continue
            if self.is_ch(nxt, "("):
                k = self.match(toks, j)
                if k is not None:
                    self.note(t.pos, "'^(…)' read as ^{…}")
                    out += [t, _Tok("ch", "{", nxt.pos, False)]
                    out += toks[j + 1 : k]
                    out.append(_Tok("ch", "}", toks[k].pos, False))
                    i = k + 1
                    continue
            out.append(t)
            i += 1
        return out

    def primes(self, toks: list[_Tok]) -> list[_Tok]:
        """``A'`` is the transpose of a real matrix; ``A'`` of a complex one, ``f'``, ``x'`` of a
        scalar, ``''`` are refused with the choices."""
        out: list[_Tok] = []
        for i, t in enumerate(toks):
            if not self.is_ch(t, "'"):
                out.append(t)
                continue
            if (
                i + 1 < len(toks)
                and self.is_ch(toks[i + 1], "'")
                or self.is_ch(out[-1] if out else None, "'")
            ):
                self.refuse(
                    t.pos,
                    "'' is a second derivative or a double transpose",
                    ["(A^T)^T", "a derivative is not in the notation"],
                )
            prev = out[-1] if out else None
            if prev is None or not _operand_end(prev):
                self.refuse(t.pos, "this ' follows no symbol: it is not a transpose")
            base = self._base_letters(out)
            if base & self.ctx.complex:
                name = sorted(base & self.ctx.complex)[0]
                self.refuse(
                    t.pos,
                    f"{name}' of the complex {name} is ambiguous",
                    [f"{name}^T (the transpose)", f"{name}^H (the conjugate transpose)"],
                )
            if prev.kind == "word" and prev.text.islower() and prev.text not in self.ctx.vectors:
                self.refuse(
                    t.pos,
                    f"{prev.text}' of the scalar {prev.text} is a derivative or a transpose",
                    [
                        f"declare {prev.text} a vector and write {prev.text}^T",
                        "a derivative is not in the notation",
                    ],
                )
            if prev.kind == "word" and prev.text in self.ctx.scalars:
                self.refuse(t.pos, f"{prev.text}' of the scalar {prev.text} is not a transpose")
            if prev.kind in ("sup", "raw") or (
                prev.kind == "ch" and prev.text == "}" and self._is_script_group(out)
            ):
                self.refuse(
                    t.pos,
                    "a ' after a superscript would be a double superscript",
                    ["(A^{-1})^T: put the base in parentheses"],
                )
            self.note(t.pos, "' read as the transpose ^T (of a real matrix)")
            out.append(_Tok("raw", r"^{\top}", t.pos, False))
        return out

    def _is_script_group(self, out: list[_Tok]) -> bool:
        k = self.match_back(out, len(out) - 1)
        return k is not None and k > 0 and self.is_ch(out[k - 1], "^_")

    def _base_letters(self, out: list[_Tok]) -> set[str]:
        """The letters of the operand that ends ``out`` (a letter, or a bracketed group)."""
        last = out[-1]
        if last.kind == "ch" and last.text in ")]}":
            k = self.match_back(out, len(out) - 1)
            group = out[k:] if k is not None else out
            return {c for t in group if t.kind == "word" for c in t.text}
        return set(last.text) if last.kind == "word" else set()

    def stars(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if self.is_ch(t, "*"):
                k = self.prev_solid(out, len(out) - 1)
                if k >= 0 and (
                    self.is_ch(out[k], "^")
                    or (self.is_ch(out[k], "{") and k > 0 and self.is_ch(out[k - 1], "^"))
                ):
                    out.append(t)
                elif i + 1 < len(toks) and self.is_ch(toks[i + 1], "*"):
                    self.note(t.pos, "'**' read as a power ^")
                    out.append(_Tok("ch", "^", t.pos, False))
                    i += 2
                    continue
                else:
                    self.note(t.pos, "'*' read as \\cdot (a product)")
                    out.append(_Tok("cmd", r"\cdot", t.pos, False))
                i += 1
                continue
            out.append(t)
            i += 1
        return out

    def tex_arguments(self, toks: list[_Tok]) -> list[_Tok]:
        """``\\frac12`` → ``\\frac{1}{2}``, ``\\sqrt3`` → ``\\sqrt{3}``, ``\\sqrt[3]{x}``."""
        out: list[_Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "cmd" and t.name in ("frac", "dfrac", "tfrac", "sqrt"):
                nargs = 1 if t.name == "sqrt" else 2
                j = self.next_solid(toks, i + 1)
                if t.name == "sqrt" and j < len(toks) and self.is_ch(toks[j], "["):
                    k = self.match(toks, j)
                    if k is None:
                        self.refuse(toks[j].pos, "this '[' is never closed")
                    index = toks[j + 1 : k]
                    arg, after = self._tex_arg(toks, k + 1, t)
                    idx = "".join(x.text for x in index).strip()
                    if idx == "2":
                        self.note(t.pos, "\\sqrt[2]{…} read as \\sqrt{…}")
                        out += [t, *arg]
                    else:
                        self.note(t.pos, f"\\sqrt[{idx}]{{x}} read as x^{{1/{idx}}}")
                        out += arg + [_Tok("raw", "^{\\frac{1}{", t.pos, False), *index]
                        out.append(_Tok("raw", "}}", t.pos, False))
                    i = after
                    continue
                out.append(t)
                k = i + 1
                for _ in range(nargs):
                    arg, k = self._tex_arg(toks, k, t)
                    out += arg
                i = k
                continue
            out.append(t)
            i += 1
        return out

    def _tex_arg(self, toks: list[_Tok], k: int, cmd: _Tok) -> tuple[list[_Tok], int]:
        """One TeX argument from index ``k`` on, always as a braced group."""
        j = self.next_solid(toks, k)
        if j >= len(toks):
            self.refuse(len(self.source), f"{cmd.text} needs an argument")
        t = toks[j]
        if self.is_ch(t, "{"):
            e = self.match(toks, j)
            if e is None:
                self.refuse(t.pos, "unbalanced braces: this '{' is never closed")
            return toks[j : e + 1], e + 1
        if t.kind in ("num", "word"):
            self.note(cmd.pos, f"{cmd.text} with an argument without braces read as TeX does")
            first = t.text[0]
            rest = t.text[1:]
            group = [
                _Tok("ch", "{", t.pos, False),
                _Tok(t.kind, first, t.pos),
                _Tok("ch", "}", t.pos, False),
            ]
            if rest:
                toks[j] = _Tok(
                    t.kind if t.kind == "word" or rest[0] != "." else "num", rest, t.pos + 1
                )
                if t.kind == "num" and not re.fullmatch(r"\d+(\.\d+)?|\.\d+", rest):
                    self.refuse(t.pos, f"'{cmd.text}{t.text}': write {cmd.text}{{…}} with braces")
                return group, j
            return group, j + 1
        if t.kind == "cmd" and t.name.isalpha():
            self.note(cmd.pos, f"{cmd.text} with an argument without braces read as TeX does")
            return [_Tok("ch", "{", t.pos, False), t, _Tok("ch", "}", t.pos, False)], j + 1
        self.refuse(t.pos, f"{cmd.text} needs its argument in braces {{…}}")

    def bars(self, toks: list[_Tok]) -> list[_Tok]:
        """``||x||`` → ``\\|x\\|``; ``\\|x\\|_2`` → ``\\|x\\|``; ``\\|A\\|_F`` → the Frobenius
        norm; ``|A|`` of a matrix is refused (a determinant or a norm?)."""
        out: list[_Tok] = []
        stack: list[tuple[str, int]] = []  # ("|" or "||", index in out of the opening)
        i = 0
        while i < len(toks):
            t = toks[i]
            bar = None
            if self.is_ch(t, "|"):
                prev = self.prev_solid(out, len(out) - 1)
                closing_abs = (
                    stack and stack[-1][0] == "|" and prev >= 0 and _operand_end(out[prev])
                )
                if i + 1 < len(toks) and self.is_ch(toks[i + 1], "|") and not closing_abs:
                    self.note(t.pos, "'||…||' read as the norm \\|…\\|")
                    bar, width = "||", 2
                    t = _Tok("cmd", r"\|", t.pos, False)
                else:
                    bar, width = "|", 1
            elif t.kind == "cmd" and t.name in ("|", "Vert", "lVert", "rVert"):
                bar, width = "||", 1
            elif t.kind == "cmd" and t.name in ("vert", "lvert", "rvert"):
                bar, width = "|", 1
            if bar is None:
                out.append(t)
                i += 1
                continue
            prev = self.prev_solid(out, len(out) - 1)
            if prev >= 0 and out[prev].kind == "cmd" and out[prev].name in ("left", "right"):
                closes = out[prev].name == "right"
            else:
                closes = (
                    bool(stack) and stack[-1][0] == bar and prev >= 0 and _operand_end(out[prev])
                )
            if not closes:
                stack.append((bar, len(out)))
                out.append(t)
                i += width
                continue
            if not stack or stack[-1][0] != bar:
                out.append(t)
                i += width
                continue
            _, start = stack.pop()
            inner = out[start + 1 :]
            i += width
            if bar == "|":
                if self._looks_matrix(inner):
                    self.refuse(
                        out[start].pos,
                        "|…| of a matrix is ambiguous",
                        [r"\det(A) for the determinant", r"\|A\| for a norm"],
                    )
                out.append(t)
                continue
            j = self.next_solid(toks, i)
            sub = self._norm_subscript(toks, j)
            if sub is None:
                out.append(t)
                continue
            kind, after = sub
            if kind == "2":
                self.note(toks[j].pos, "\\|…\\|_2 read as the Euclidean norm \\|…\\|")
                out.append(t)
            elif kind == "F":
                self.note(toks[j].pos, "\\|A\\|_F read as \\sqrt{\\operatorname{tr}(A^TA)}")
                body = [
                    x
                    for x in out[start + 1 :]
                    if not (x.kind == "cmd" and x.name in ("left", "right"))
                ]
                del out[start:]
                if out and out[-1].kind == "cmd" and out[-1].name == "left":
                    out.pop()
                op = (
                    r"\dagger"
                    if any(c in self.ctx.complex for x in body if x.kind == "word" for c in x.text)
                    else r"\top"
                )
                p = toks[j].pos
                out += [_Tok("raw", r"\sqrt{\operatorname{tr}((", p, False), *body]
                out += [
                    _Tok("raw", ")^{" + op + "}(", p, False),
                    *body,
                    _Tok("raw", "))}", p, False),
                ]
            else:
                self.refuse(
                    toks[j].pos,
                    f"the norm with the subscript {kind} is not in the notation",
                    [r"\|x\| (Euclidean, of a vector)", r"\|A\|_F (Frobenius, of a matrix)"],
                )
            i = after
        return out

    def _norm_subscript(self, toks: list[_Tok], j: int):
        if j >= len(toks) or not self.is_ch(toks[j], "_"):
            return None
        k = self.next_solid(toks, j + 1)
        if k >= len(toks):
            return None
        if self.is_ch(toks[k], "{"):
            e = self.match(toks, k)
            if e is None:
                return None
            text = "".join(x.text for x in toks[k + 1 : e]).strip()
            return text, e + 1
        text = toks[k].text
        if toks[k].kind in ("num", "word"):
            if len(text) > 1:
                toks[k] = _Tok(toks[k].kind, text[1:], toks[k].pos + 1)
                return text[0], k
            return text, k + 1
        return text, k + 1

    def angles(self, toks: list[_Tok]) -> list[_Tok]:
        """``\\langle u, v\\rangle`` → ``u^Tv`` (real)."""
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "cmd" and t.name == "langle":
                depth, comma, end = 0, None, None
                for k in range(i + 1, len(toks)):
                    x = toks[k]
                    if x.kind == "cmd" and x.name == "langle" or self.is_ch(x, "([{"):
                        depth += 1
                    elif x.kind == "cmd" and x.name == "rangle" or self.is_ch(x, ")]}"):
                        if depth == 0 and x.kind == "cmd":
                            end = k
                            break
                        depth -= 1
                    elif self.is_ch(x, ",") and depth == 0 and comma is None:
                        comma = k
                if end is None or comma is None:
                    self.refuse(t.pos, "\\langle needs two arguments, u and v, and a \\rangle")
                left, right = toks[i + 1 : comma], toks[comma + 1 : end]
                if self._words(left + right) & self.ctx.complex:
                    self.refuse(
                        t.pos,
                        "\\langle u, v\\rangle of complex vectors depends on the convention",
                        ["u^H v", "v^H u"],
                    )
                self.note(t.pos, "\\langle u, v\\rangle read as u^T v")
                p = t.pos
                new = [
                    _Tok("ch", "(", p, False),
                    *_wrap(left, p),
                    _Tok("raw", r"^{\top}", p, False),
                    *_wrap(right, p),
                    _Tok("ch", ")", toks[end].pos, False),
                ]
                toks[i : end + 1] = new
                i += len(new)
                continue
            i += 1
        return toks

    @staticmethod
    def _words(toks: list[_Tok]) -> set[str]:
        return {c for t in toks if t.kind == "word" for c in t.text}

    def _vector_end(self, toks: list[_Tok], k: int) -> bool:
        """Whether the operand ending at index ``k`` is a vector symbol (bold, or declared)."""
        if k < 0:
            return False
        t = toks[k]
        if t.kind == "word":
            if t.text in self.ctx.vectors:
                return True
            b = self.prev_solid(toks, k - 1)
            return (
                b >= 0
                and toks[b].kind == "cmd"
                and toks[b].name in BOLD_COMMANDS
                and t.text.islower()
            )
        if self.is_ch(t, "}"):
            s = self.match_back(toks, k)
            if s is None or s == 0:
                return False
            b = toks[s - 1]
            letters = [x for x in toks[s + 1 : k] if x.kind != "sp"]
            return (
                b.kind == "cmd"
                and b.name in BOLD_COMMANDS
                and len(letters) == 1
                and letters[0].kind == "word"
                and letters[0].text.islower()
            )
        return False

    def _vector_start(self, toks: list[_Tok], j: int) -> int | None:
        """If a vector product starts at ``j`` and ends before a + or -, the index of its end."""
        depth, k, last = 0, j, None
        while k < len(toks):
            x = toks[k]
            if self.is_ch(x, "([{"):
                depth += 1
            elif self.is_ch(x, ")]}"):
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (
                self.is_ch(x, "+-,=") or (x.kind == "cmd" and x.name in ("cdot", "rangle", "times"))
            ):
                break
            if x.kind != "sp":
                last = k
            k += 1
        if last is not None and self._vector_end(toks, last):
            return k
        return None

    def dots(self, toks: list[_Tok]) -> list[_Tok]:
        """``u \\cdot v`` of two vectors → ``u^T v``."""
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "cmd" and t.name == "cdot":
                k = self.prev_solid(toks, i - 1)
                j = self.next_solid(toks, i + 1)
                end = self._vector_start(toks, j) if self._vector_end(toks, k) else None
                if end is not None:
                    start = self._product_start(toks, k)
                    left, right = toks[start : k + 1], toks[j:end]
                    self.note(t.pos, "u \\cdot v of two vectors read as u^T v")
                    new = [
                        *_wrap(left, t.pos),
                        _Tok("raw", r"^{\top}", t.pos, False),
                        *_wrap(right, t.pos),
                    ]
                    toks[start:end] = new
                    i = start + len(new)
                    continue
            i += 1
        return toks

    def _product_start(self, toks: list[_Tok], k: int) -> int:
        depth = 0
        while k >= 0:
            x = toks[k]
            if self.is_ch(x, ")]}"):
                depth += 1
            elif self.is_ch(x, "([{"):
                if depth == 0:
                    return k + 1
                depth -= 1
            elif depth == 0 and (
                self.is_ch(x, "+-,=") or (x.kind == "cmd" and x.name in ("cdot", "langle", "times"))
            ):
                return k + 1
            k -= 1
        return 0

    def slashes(self, toks: list[_Tok]) -> list[_Tok]:
        """``a/b`` → ``\\frac{a}{b}`` (one factor each side); ``1/2A`` is refused."""
        i = 0
        while i < len(toks):
            t = toks[i]
            if not self.is_ch(t, "/"):
                i += 1
                continue
            k = self.prev_solid(toks, i - 1)
            j = self.next_solid(toks, i + 1)
            a = self._factor_start(toks, k)
            b = self._factor_end(toks, j)
            if a is None or b is None:
                self.refuse(t.pos, "this '/' has no factor on one side", [r"\frac{a}{b}"])
            after = self.next_solid(toks, b)
            if after < len(toks) and _operand_start(toks[after]):
                self.refuse(
                    t.pos,
                    "a/bc is ambiguous: is c in the denominator?",
                    [r"\frac{a}{b}c", r"\frac{a}{bc}"],
                )
            num, den = _unparen(toks[a : k + 1]), _unparen(toks[j:b])
            self.note(t.pos, "'a/b' read as \\frac{a}{b}")
            new = [
                _Tok("raw", r"\frac{", t.pos, False),
                *num,
                _Tok("raw", "}{", t.pos, False),
                *den,
                _Tok("raw", "}", t.pos, False),
            ]
            toks[a:b] = new
            i = a  # a '/' inside the new fraction is read next
        return toks

    def _factor_start(self, toks: list[_Tok], k: int) -> int | None:
        """The start of the one factor (with its superscripts) that ends at ``k``."""
        while k >= 0:
            t = toks[k]
            if self.is_ch(t, ")]}"):
                s = self.match_back(toks, k)
                if s is None:
                    return None
                if self.is_ch(t, "}") and s > 0 and (self.is_ch(toks[s - 1], "^_")):
                    k = s - 2
                    continue
                if self.is_ch(t, "}") and s > 0 and toks[s - 1].kind == "cmd":
                    return self._command_start(toks, s - 1)
                if self.is_ch(t, "}") and s > 0 and self.is_ch(toks[s - 1], "}"):
                    k = s - 1  # \frac{a}{b}: the first argument
                    continue
                if (
                    self.is_ch(t, ")")
                    and s > 0
                    and toks[s - 1].kind == "cmd"
                    and toks[s - 1].name.isalpha()
                ):
                    return s - 1  # \log(2x)
                return s
            if t.kind in ("sup",) or (t.kind == "raw" and t.text.startswith("^")):
                k -= 1
                continue
            if t.kind in ("word", "num"):
                if k > 0 and self.is_ch(toks[k - 1], "^_"):
                    k -= 2
                    continue
                if k > 0 and toks[k - 1].kind == "cmd" and toks[k - 1].name in BOLD_COMMANDS:
                    return k - 1
                return k
            if t.kind == "cmd" and t.name.isalpha():
                return self._command_start(toks, k)
            if t.kind == "raw" and t.text == "}":
                return None
            return None
        return None

    def _command_start(self, toks: list[_Tok], k: int) -> int:
        return k

    def _factor_end(self, toks: list[_Tok], j: int) -> int | None:
        """The index after the one factor (with its superscripts) that starts at ``j``."""
        if j >= len(toks):
            return None
        t = toks[j]
        if self.is_ch(t, "(["):
            e = self.match(toks, j)
            if e is None:
                return None
            k = e + 1
        elif t.kind in ("word", "num"):
            k = j + 1
        elif t.kind == "cmd" and t.name in BOLD_COMMANDS | {"sqrt", "frac", "bar", "overline"}:
            k = j + 1
            for _ in range(2 if t.name == "frac" else 1):
                k = self.next_solid(toks, k)
                if k < len(toks) and self.is_ch(toks[k], "{"):
                    e = self.match(toks, k)
                    if e is None:
                        return None
                    k = e + 1
                elif k < len(toks):
                    k += 1
        elif t.kind == "cmd" and t.name.isalpha():
            k = j + 1
            n = self.next_solid(toks, k)
            if n < len(toks) and self.is_ch(toks[n], "("):  # \sin(x): the function and its argument
                e = self.match(toks, n)
                if e is None:
                    return None
                k = e + 1
        elif t.kind == "raw" and t.text.startswith("\\frac"):
            k = j + 1
        else:
            return None
        while k < len(toks):
            x = toks[k]
            if x.kind == "sup" or (x.kind == "raw" and x.text.startswith("^")):
                k += 1
            elif self.is_ch(x, "^_") and k + 1 < len(toks):
                if self.is_ch(toks[k + 1], "{"):
                    e = self.match(toks, k + 1)
                    if e is None:
                        return None
                    k = e + 1
                else:
                    k += 2
            else:
                break
        return k

    def structure(self, toks: list[_Tok]) -> None:
        """What other systems' users type that LaTeX reads as something else: ``[1]`` (a list),
        ``a[2]`` (an index), ``{1}`` (a set), ``+-``, ``&`` outside a matrix, commas, ``@``."""
        env = 0
        solid = [t for t in toks if t.kind != "sp"]
        if solid and self.is_ch(solid[0], "[") and self.match(solid, 0) == len(solid) - 1:
            self.refuse(
                solid[0].pos, "[…] around the whole answer is a list", ["write it without brackets"]
            )
        for i, t in enumerate(toks):
            prev = toks[i - 1] if i > 0 else None
            if t.kind == "begin":
                env += 1
            elif t.kind == "end":
                env -= 1
            elif (
                self.is_ch(t, "[")
                and prev is not None
                and (
                    prev.kind == "word"
                    or (
                        prev.kind == "cmd"
                        and prev.name.isalpha()
                        and prev.name not in ("left", "sqrt", "big", "Big", "bigl", "Bigl")
                    )
                )
            ):
                self.refuse(
                    t.pos,
                    f"'{prev.text}[' reads as an index (LaTeX would show a product)",
                    [f"{prev.text}_{{…}} (a subscript)", f"{prev.text}(…) (a product)"],
                )
            elif self.is_ch(t, "{") and not self._argument_brace(toks, i):
                self.refuse(
                    t.pos,
                    "{…} here would be invisible in LaTeX, but reads as a set",
                    ["(…) to group", "sets are not in the notation"],
                )
            elif (
                self.is_ch(t, "-+")
                and i + 1 < len(toks)
                and self.is_ch(toks[i + 1], "+-")
                and toks[i + 1].text != t.text
            ):
                self.refuse(
                    t.pos,
                    f"'{t.text}{toks[i + 1].text}' reads as ± (plus or minus), which is not in the notation",
                    ["give one answer", "a - b for a difference"],
                )
            elif self.is_ch(t, "&") and env == 0:
                self.refuse(t.pos, "'&' outside a matrix (logic 'and' is not in the notation)")
            elif self.is_ch(t, ",") and env == 0 and not self._in_subscript(toks, i):
                self.refuse(
                    t.pos, "a comma: a list or a tuple is not an answer", ["give one expression"]
                )
            elif t.kind == "word" and t.text in "xX" and self._between_numbers(toks, i):
                self.refuse(
                    t.pos,
                    f"'{t.text}' between two numbers reads as a symbol, not as a times sign",
                    [
                        r"3.67 \cdot 10^{2} (a product of numbers)",
                        rf"3.67 \cdot {t.text} \cdot 10^{{2}}",
                    ],
                )
            elif (
                t.kind == "word"
                and t.text.islower()
                and t.text not in "ie"
                and t.text not in self.ctx.declared_set()
                and i + 1 < len(toks)
                and self.is_ch(toks[i + 1], "(")
                and (prev is None or prev.kind != "cmd")
                and self._scalar_group(toks, i + 1)
            ):
                f = t.text
                self.refuse(
                    t.pos,
                    f"'{f}(…)' reads as a function applied to an argument, or as a product",
                    [
                        f"{f} \\cdot (…) or {f} (…) with a space, for a product",
                        "functions are not in the notation",
                    ],
                )
            elif self.is_ch(t, "@"):
                self.refuse(
                    t.pos, "'@' (a product in code) is not in the notation", ["AB for the product"]
                )
            elif (
                self.is_ch(t, ".")
                and prev is not None
                and prev.kind == "word"
                and i + 1 < len(toks)
                and toks[i + 1].kind == "word"
            ):
                nxt = toks[i + 1].text
                hint = f"{prev.text}^T" if nxt == "T" else f"{prev.text}{nxt}"
                self.refuse(t.pos, f"'{prev.text}.{nxt}' is code", [hint])
            elif (
                t.kind == "word"
                and t.text.islower()
                and t.text not in self.ctx.declared_set()
                and i + 3 < len(toks)
                and self.is_ch(toks[i + 1], "(")
                and toks[i + 2].kind == "word"
                and toks[i + 2].text.islower()
                and self.is_ch(toks[i + 3], ")")
                and (prev is None or prev.kind != "cmd")
            ):
                f, x = t.text, toks[i + 2].text
                self.refuse(
                    t.pos,
                    f"'{f}({x})' reads as a function applied to {x}, which is not in the notation",
                    [f"{f} {x} or {f} \\cdot {x} for a product"],
                )

    def _between_numbers(self, toks: list[_Tok], i: int) -> bool:
        def solid(k, step):
            while 0 <= k < len(toks) and (
                toks[k].kind == "sp" or (toks[k].kind == "cmd" and toks[k].name == "cdot")
            ):
                k += step
            return toks[k] if 0 <= k < len(toks) else None

        before, after = solid(i - 1, -1), solid(i + 1, 1)
        return (
            before is not None
            and after is not None
            and before.kind == "num"
            and after.kind == "num"
        )

    def _scalar_group(self, toks: list[_Tok], j: int) -> bool:
        """Whether the group ( … ) at ``j`` holds scalars only (no matrix, no vector)."""
        e = self.match(toks, j)
        if e is None:
            return False
        for t in toks[j + 1 : e]:
            if t.kind == "word" and (t.text.isupper() or t.text in self.ctx.vectors):
                return False
            if t.kind == "cmd" and t.name in BOLD_COMMANDS:
                return False
            if t.kind == "begin":
                return False
        return True

    def _argument_brace(self, toks: list[_Tok], i: int) -> bool:
        """A '{' that opens a TeX argument or a group that a superscript or subscript follows."""
        k = self.prev_solid(toks, i - 1)
        if k >= 0:
            p = toks[k]
            if (
                self.is_ch(p, "^_]}")
                or p.kind in ("cmd", "begin", "end")
                or (p.kind == "raw" and p.text.endswith(("{", "}")))
            ):
                return True
        e = self.match(toks, i)
        if e is None:
            return True  # the strict parser names the unbalanced brace
        n = self.next_solid(toks, e + 1)
        return n < len(toks) and (
            self.is_ch(toks[n], "^_'")
            or toks[n].kind == "sup"
            or (toks[n].kind == "raw" and toks[n].text.startswith("^"))
        )

    def _in_subscript(self, toks: list[_Tok], i: int) -> bool:
        depth = 0
        for k in range(i - 1, -1, -1):
            t = toks[k]
            if self.is_ch(t, "}"):
                depth += 1
            elif self.is_ch(t, "{"):
                if depth == 0:
                    return k > 0 and self.is_ch(toks[k - 1], "_")
                depth -= 1
        return False

    # ------------------------------------------------------------------ output

    def emit(self, toks: list[_Tok]) -> tuple[str, list[int]]:
        parts: list[str] = []
        origin: list[int] = []
        prev_text = ""
        for t in toks:
            text = t.text
            if t.kind in ("begin", "end"):
                text = f"\\{t.kind}{{{t.text}}}"
            if not text:
                continue
            if re.search(r"\\[A-Za-z]+$", prev_text) and (text[0].isalpha()):
                parts.append(" ")
                origin.append(t.pos)
            parts.append(text)
            if t.exact:
                origin.extend(range(t.pos, t.pos + len(text)))
            else:
                origin.extend([t.pos] * len(text))
            prev_text = text
        return "".join(parts), origin


def _math_letter(ch: str) -> str | None:
    import unicodedata

    name = unicodedata.name(ch, "")
    m = re.match(r"MATHEMATICAL (?:[A-Z-]+ )*(CAPITAL|SMALL) ([A-Z])$", name)
    if not m:
        return None
    return m.group(2) if m.group(1) == "CAPITAL" else m.group(2).lower()


def _operand_end(t: _Tok) -> bool:
    if t.kind in ("word", "num", "sup", "end"):
        return True
    if t.kind == "raw":
        return not t.text.endswith("{")
    if t.kind == "ch":
        return t.text in ")]}!'"
    if t.kind == "cmd":
        return t.name.isalpha() and t.name not in ("left", "right", "cdot", "times", "frac", "sqrt")
    return False


def _operand_start(t: _Tok) -> bool:
    if t.kind in ("word", "num", "begin"):
        return True
    if t.kind == "ch":
        return t.text in "(["
    if t.kind == "cmd":
        return t.name.isalpha() and t.name not in (
            "cdot",
            "times",
            "right",
            "rangle",
            "le",
            "ge",
            "ne",
        )
    return t.kind == "raw" and t.text.startswith("\\frac")


def _wrap(toks: list[_Tok], pos: int) -> list[_Tok]:
    """A factor as a superscript's base: itself when it is one symbol, else in parentheses."""
    solid = [t for t in toks if t.kind != "sp"]
    one = len(solid) == 1 and solid[0].kind == "word" and len(solid[0].text) == 1
    bold = (
        len(solid) in (2, 4)
        and solid[0].kind == "cmd"
        and solid[0].name in BOLD_COMMANDS
        and all(t.kind in ("word", "ch") for t in solid[1:])
    )
    if one or bold:
        return solid
    return [_Tok("ch", "(", pos, False), *toks, _Tok("ch", ")", pos, False)]


def _unparen(toks: list[_Tok]) -> list[_Tok]:
    solid = [t for t in toks if t.kind != "sp"]
    if len(solid) >= 2 and solid[0].kind == "ch" and solid[0].text == "(":
        if _Reader.match(solid, 0) == len(solid) - 1:
            return solid[1:-1]
    return toks


CAPITALIZED = {"Tr", "Det", "Exp", "Sin", "Cos", "Tan", "Log", "Ln", "Rank", "Trace", "Sqrt", "Abs"}
CAPITAL_GREEK = {"Gamma", "Delta", "Theta", "Lambda", "Sigma", "Omega", "Upsilon"}

# two-letter words that are never a product a student means
ENGLISH_SHORT = {
    "of",
    "or",
    "is",
    "in",
    "to",
    "an",
    "by",
    "at",
    "if",
    "be",
    "it",
    "as",
    "on",
    "so",
    "no",
    "do",
    "we",
    "id",
    "me",
    "my",
    "up",
    "us",
    "he",
    "am",
}

# --------------------------------------------------------------------------------- suggestions

_PHRASES = [
    (r"\b(?:the )?inverse of (\S+)", r"\1^{-1}"),
    (r"\binv of (\S+)", r"\1^{-1}"),
    (r"\b(?:the )?transpose of (\S+)", r"\1^T"),
    (r"\b(?:the )?(?:determinant|det) of (\S+)", r"\\det(\1)"),
    (r"\b(?:the )?trace of (\S+)", r"\\operatorname{tr}(\1)"),
    (r"(\S+) inverse\b", r"\1^{-1}"),
    (r"(\S+) transposed?\b", r"\1^T"),
    (r"\binv\((\w)\)", r"\1^{-1}"),
    (r"\binv\(([^()]+)\)", r"(\1)^{-1}"),
    (r"\binverse\((\w)\)", r"\1^{-1}"),
    (r"\btranspose\((\w)\)", r"\1^T"),
    (r"\btranspose\(([^()]+)\)", r"(\1)^T"),
    (r"\s*\btimes\b\s*", ""),
    (r"\s*\bplus\b\s*", " + "),
    (r"\s*\bminus\b\s*", " - "),
]


def suggest(text: str) -> str | None:
    """A strict form for an answer written in words, when one is clear.

    >>> suggest("inverse of B times inverse of A")
    'B^{-1}A^{-1}'
    >>> suggest("A transpose")
    'A^T'
    >>> suggest("the answer is B") is None
    True
    """
    if len(text) > 300:
        return None
    s = " " + text.strip().strip("$").strip() + " "
    for pattern, repl in _PHRASES:
        s = re.sub(pattern, repl, s)
    s = s.strip()
    if not s or re.search(r"[a-z]{2,}", re.sub(r"\\[A-Za-z]+", "", s)):
        return None
    if s == text.strip().strip("$").strip():
        return None  # nothing was said in words
    return s


# ---------------------------------------------------------------------------------- the API


def read(text: str, assumptions=None, limits: Limits = DEFAULT) -> Reading:
    """Read a student's answer: the strict LaTeX it means, what was changed, the strict parse.

    ``assumptions`` (a ``derive.frontend.Assumptions``) tells which letters are vectors, scalars or
    complex. Raises ``ReadError`` (with the position in ``text``) or ``LimitError``.

    >>> r = read("$B^TA^T$.")
    >>> r.latex, [c["change"] for c in r.changes]
    ('B^TA^T', ["the trailing '.' removed", 'the math delimiters $…$ removed'])
    >>> read("Bᵀ Aᵀ").latex
    'B^{\\\\top} A^{\\\\top}'
    >>> read("inv(B)")
    Traceback (most recent call last):
    derive.reader.ReadError: at position 1: 'inv' is a word: write B^{-1} (choices: B^{-1})
      inv(B)
      ^
    """
    from derive.frontend import parse

    if not isinstance(text, str):
        raise ParseError(str(text), 0, "the input is not text")
    if len(text) > 2 * limits.max_length:
        raise LimitError(f"input of {len(text)} characters is over the cap of {limits.max_length}")
    reader = _Reader(text, _Context(assumptions))
    latex, origin = reader.run()
    try:
        parsed = parse(latex, limits=limits)
    except ParseError as exc:
        if latex == text:
            raise
        pos = origin[exc.position] if exc.position < len(origin) else len(text)
        raise ReadError(text, pos, exc.reason) from None
    return Reading(text, latex, reader.changes, parsed)


def shown(reading: Reading, tree, vectors=frozenset()) -> dict:
    """``read_as``: the answer as read, in LaTeX and in Unicode, and what the reader changed."""
    from derive.render import latex, unicode

    return {
        "latex": latex(tree, vectors),
        "unicode": unicode(tree),
        "changes": [c["change"] for c in reading.changes],
    }
