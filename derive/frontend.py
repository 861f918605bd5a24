"""The front end: LaTeX in the notation of docs/notation.md, and ``--assume`` clauses, to typed expressions.

Reading happens in three steps, each of which rejects what it does not know with a position and a
reason: lark's LALR parser (with a post-lexer that classifies LaTeX commands and tells opening bars
from closing ones) builds the tree; clauses and the default conventions give each symbol a type and a
shape; typing checks every product, sum and operation against those shapes. Nothing the user wrote is
ever evaluated as code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path

from derive.errors import AssumptionError, DeriveError, LimitError, ParseError, ShapeError
from derive.expr import (
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
    Relation,
    Sym,
    Trace,
    Transpose,
    Zero,
    size,
)
from derive.limits import DEFAULT, Limits

GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon "
    "Phi Psi Omega"
).split()
FUNCS = {"exp", "sin", "cos", "tan", "log", "ln", "sinh", "cosh", "tanh"}
OPNAMES = {"tr": "tr", "trace": "tr", "Tr": "tr", "det": "det", "rank": "rank", "rk": "rank"}
SPACING = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "limits"}
RELATIONS = {
    "ne": "!=",
    "neq": "!=",
    "le": "<=",
    "leq": "<=",
    "ge": ">=",
    "geq": ">=",
    "lt": "<",
    "gt": ">",
    "sim": "~",
}
COMMANDS = {
    "frac": "FRAC",
    "dfrac": "FRAC",
    "tfrac": "FRAC",
    "sqrt": "SQRT",
    "det": "DET",
    "operatorname": "OPNAME",
    "mathrm": "OPNAME",
    "text": "OPNAME",
    "textrm": "OPNAME",
    "cdot": "TIMES",
    "times": "TIMES",
    "mathbf": "BOLD",
    "boldsymbol": "BOLD",
    "vec": "BOLD",
    "bm": "BOLD",
    "bar": "BAR",
    "overline": "BAR",
    "top": "TOP",
    "intercal": "TOP",
    "dagger": "DAGGER",
    "ast": "DAGGER",
    **{f: "FUNC" for f in FUNCS},
    **{g: "GREEK" for g in GREEK},
}
MATRIX_ENVS = {"bmatrix", "pmatrix", "matrix", "Bmatrix"}
OPERAND_END = {
    "LETTER",
    "NUMBER",
    "GREEK",
    "RPAR",
    "RBRACE",
    "RSQB",
    "ABS_CLOSE",
    "NORM_CLOSE",
    "TOP",
    "DAGGER",
    "END",
    "BANG",
    "STAR",
}
READABLE = {
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "RPAR": "')'",
    "LPAR": "'('",
    "RSQB": "']'",
    "LSQB": "'['",
    "$END": "the end of the input",
    "ABS_CLOSE": "a closing '|'",
    "NORM_CLOSE": "a closing '\\|'",
    "END": "\\end{...}",
    "CIRCUMFLEX": "'^'",
    "AMPERSAND": "'&'",
    "ROWSEP": "'\\\\'",
}


# ---------------------------------------------------------------- the parser


class _LexFail(Exception):
    def __init__(self, position: int, reason: str):
        self.position, self.reason = position, reason


class _PostLex:
    """Classifies LaTeX commands and bars into the terminals the grammar declares."""

    always_accept = ("CMD", "BARTOK", "RELTOK", "BEGINENV", "ENDENV")

    def process(self, stream):
        from lark import Token

        stack: list[str] = []  # open delimiters: "(", "{", "[", "|", "||"
        prev = None
        pending = None  # "left" or "right" after \left / \right
        for tok in stream:
            kind, value = tok.type, str(tok)
            out = tok
            if kind == "CMD":
                name = value[1:]
                if name in SPACING or name.isspace():
                    continue
                if name in ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"):
                    pending = "left" if name in ("left", "big", "Big", "bigl", "Bigl") else "right"
                    continue
                if name == "|" or name in ("lVert", "rVert", "Vert"):
                    forced = {"lVert": "open", "rVert": "close"}.get(name, None)
                    out = self._bar(tok, "||", stack, prev, forced or self._forced(pending))
                elif name in ("lvert", "rvert", "vert"):
                    forced = {"lvert": "open", "rvert": "close"}.get(name, None)
                    out = self._bar(tok, "|", stack, prev, forced or self._forced(pending))
                elif name == "\\":
                    out = Token.new_borrow_pos("ROWSEP", value, tok)
                elif name in RELATIONS:
                    out = Token.new_borrow_pos("REL", RELATIONS[name], tok)
                elif name in COMMANDS:
                    out = Token.new_borrow_pos(COMMANDS[name], name, tok)
                elif name in ("{", "}"):
                    raise _LexFail(
                        tok.start_pos, f"'\\{name}' (a literal brace) is not in the notation"
                    )
                else:
                    raise _LexFail(
                        tok.start_pos, f"unknown command '\\{name}': it is not in the notation"
                    )
                pending = None if out.type not in ("ABS_OPEN", "ABS_CLOSE") else None
            elif kind == "BARTOK":
                out = self._bar(tok, "|", stack, prev, self._forced(pending))
                pending = None
            elif kind == "RELTOK":
                out = Token.new_borrow_pos("REL", value, tok)
            elif kind in ("BEGINENV", "ENDENV"):
                env = value[value.index("{") + 1 : -1].strip()
                if env not in MATRIX_ENVS:
                    raise _LexFail(
                        tok.start_pos,
                        f"environment '{env}' is not in the notation (bmatrix and pmatrix are)",
                    )
                out = Token.new_borrow_pos("BEGIN" if kind == "BEGINENV" else "END", env, tok)
            else:
                if pending is not None and kind not in ("LPAR", "RPAR", "LSQB", "RSQB"):
                    raise _LexFail(
                        tok.start_pos, "\\left and \\right must be followed by a delimiter"
                    )
                pending = None
                if kind in ("LPAR", "LBRACE", "LSQB"):
                    stack.append(kind)
                elif kind in ("RPAR", "RBRACE", "RSQB") and stack:
                    stack.pop()
            prev = out.type
            yield out

    @staticmethod
    def _forced(pending):
        return {"left": "open", "right": "close"}.get(pending)

    def _bar(self, tok, bar, stack, prev, forced):
        from lark import Token

        opening = "ABS_OPEN" if bar == "|" else "NORM_OPEN"
        closing = "ABS_CLOSE" if bar == "|" else "NORM_CLOSE"
        if forced == "close" or (
            forced is None and stack and stack[-1] == bar and prev in OPERAND_END
        ):
            if not stack or stack[-1] != bar:
                raise _LexFail(tok.start_pos, "a closing bar with no opening bar")
            stack.pop()
            return Token.new_borrow_pos(closing, str(tok), tok)
        stack.append(bar)
        return Token.new_borrow_pos(opening, str(tok), tok)


@cache
def _parser():
    from lark import Lark

    grammar = (Path(__file__).with_name("grammar.lark")).read_text()
    return Lark(
        grammar,
        parser="lalr",
        lexer="basic",
        start=["start_expr", "start_relation"],
        postlex=_PostLex(),
        propagate_positions=True,
        maybe_placeholders=False,
        cache=True,
    )


def _prescan(source: str, limits: Limits) -> None:
    """Length, characters, and balance of braces, before the parser sees anything."""
    if len(source) > limits.max_length:
        raise LimitError(
            f"input of {len(source)} characters is over the cap of {limits.max_length}"
        )
    if not source.strip():
        raise ParseError(source, 0, "the input is empty")
    for i, ch in enumerate(source):
        if ord(ch) < 32 and ch not in "\t\n\r" or ch == "\x7f":
            raise ParseError(source, i, f"control character U+{ord(ch):04X} is not allowed")
        if ord(ch) > 126:
            raise ParseError(source, i, f"character {ch!r} is not in the notation (write LaTeX)")
        if ch in '$#%~"`@?':
            raise ParseError(source, i, f"character {ch!r} is not in the notation")
    _refuse_words(source)
    _refuse_applications(source)
    depth, opened = 0, []
    pairs = {"}": "{", ")": "(", "]": "["}
    escaped = False
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            continue
        if ch in "{([":
            opened.append((ch, i))
            depth = max(depth, len(opened))
            if depth > limits.max_depth:
                raise LimitError(
                    f"nesting deeper than {limits.max_depth} levels at position {i + 1}"
                )
        elif ch in "})]":
            if not opened:
                raise ParseError(source, i, f"'{ch}' closes nothing")
            want, at = opened.pop()
            if want != pairs[ch] and (want == "{" or ch == "}"):
                raise ParseError(
                    source, i, f"'{ch}' does not match the '{want}' at position {at + 1}"
                )
    for ch, at in opened:
        if ch == "{":
            raise ParseError(source, at, "unbalanced braces: this '{' is never closed")
    if opened:
        ch, at = opened[-1]
        raise ParseError(source, at, f"this '{ch}' is never closed")


WORDS = {
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "ln",
    "det",
    "tr",
    "trace",
    "rank",
    "sqrt",
    "sinh",
    "cosh",
    "tanh",
    "print",
    "exec",
    "eval",
    "import",
    "lambda",
    "def",
    "return",
    "open",
    "system",
    "input",
    "os",
    "sys",
    "subprocess",
    "class",
    "while",
    "for",
}
WORD_CONTEXTS = ("\\begin{", "\\end{", "\\operatorname{", "\\mathrm{", "\\text{", "\\textrm{")


def _refuse_words(source: str) -> None:
    """A function name or a word of code written as plain letters (``sin(x)``, ``print``) is an
    error: read by the notation it would silently be a product of single-letter symbols."""
    for m in re.finditer(r"(?<![\\A-Za-z])[a-z]{2,}(?![A-Za-z])", source):
        if source[: m.start()].endswith(WORD_CONTEXTS):
            continue
        word = m.group()
        hit = next(
            (
                w
                for w in sorted(WORDS, key=len, reverse=True)
                if w in word and (len(w) >= 3 or word == w)
            ),
            None,
        )
        if hit is not None:
            command = f"; write \\{hit}" if hit in FUNCS | {"det", "sqrt"} else ""
            raise ParseError(
                source,
                m.start(),
                f"'{m.group()}' would be read as the product "
                f"{'·'.join(m.group())} of one-letter symbols{command}",
            )


def _refuse_applications(source: str) -> None:
    """``f(x)``, ``g(x+y)``: a function applied to an argument, which the notation does not have;
    read by the grammar it would be the product f·(x + y), and f(x + y) = f(x) + f(y) would be
    proved. The letters f and g before '(' are refused (other letters stay products: a(b + c))."""
    m = re.search(r"(?<![\\A-Za-z{])([fg])(\^\{?-?1\}?)?\s*\(", source)
    if m is not None:
        raise ParseError(
            source,
            m.start(),
            f"'{m.group(1)}(' reads as a function applied to an "
            "argument, which is not in the notation; for the product write "
            f"{m.group(1)} \\cdot (...)",
        )


def _lark_error(source: str, exc) -> ParseError:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(exc, UnexpectedCharacters):
        ch = source[exc.pos_in_stream] if exc.pos_in_stream < len(source) else ""
        return ParseError(source, exc.pos_in_stream, f"character {ch!r} is not in the notation")
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            return ParseError(source, len(source), "the input ends too early")
        expected = sorted(READABLE.get(t, t.lower()) for t in exc.expected)
        hint = f" (expected {', '.join(expected[:4])})" if 0 < len(expected) <= 4 else ""
        what = {"REL": "a relation here"}.get(tok.type, repr(str(tok)))
        return ParseError(source, tok.start_pos or 0, f"unexpected {what}{hint}")
    if isinstance(exc, UnexpectedEOF):
        return ParseError(source, len(source), "the input ends too early")
    return ParseError(source, 0, str(exc))


@dataclass
class Parsed:
    """A raw parse: the tree, and what the writing itself says about types (bold letters)."""

    tree: Expr
    source: str
    bold: set[str] = field(default_factory=set)
    letters: dict[int, str] = field(default_factory=dict)  # ^T, ^H written as letters, by position


def parse(source: str, relation: bool = False, limits: Limits = DEFAULT) -> Parsed:
    """Parse LaTeX into an untyped tree; raise ParseError with a position and a reason.

    >>> parse("(AB)^T").tree
    Transpose(arg=Mul(factors=(Sym(name='A'), Sym(name='B'))))
    >>> parse("A^{-1").tree
    Traceback (most recent call last):
    derive.errors.ParseError: at position 3: unbalanced braces: this '{' is never closed
      A^{-1
        ^
    """
    from lark.exceptions import LarkError

    if not isinstance(source, str):
        raise ParseError(str(source), 0, "the input is not text")
    _prescan(source, limits)
    start = "start_relation" if relation else "start_expr"
    try:
        tree = _parser().parse(source, start=start)
    except _LexFail as fail:
        raise ParseError(source, fail.position, fail.reason) from None
    except LarkError as exc:
        inner = getattr(exc, "orig_exc", None)
        if isinstance(inner, _LexFail):
            raise ParseError(source, inner.position, inner.reason) from None
        raise _lark_error(source, exc) from None
    builder = _Builder(source)
    try:
        expr = builder.build(tree)
    except RecursionError:
        raise LimitError("the expression nests too deeply") from None
    depth = _depth(expr)
    if depth > MAX_TREE_DEPTH:
        raise LimitError(
            f"the expression nests {depth} levels deep, over the cap of {MAX_TREE_DEPTH}"
        )
    if size(expr) > limits.max_nodes:
        raise LimitError(
            f"the expression has {size(expr)} parts, over the cap of {limits.max_nodes}"
        )
    _refuse_derivatives(expr, source)
    return Parsed(expr, source, builder.bold, builder.letters)


MINUS_ONE = Num(Fraction(-1))


def _d_led(e: Expr, alone: bool) -> bool:
    """Whether ``e`` is the letter d (or d^k), or, unless ``alone``, a product led by one."""

    def is_d(x):
        return x == Sym("d") or isinstance(x, Pow) and x.base == Sym("d")

    if is_d(e):
        return alone
    return isinstance(e, Mul) and len(e.factors) >= 2 and is_d(e.factors[0])


def _refuse_derivatives(e: Expr, source: str) -> None:
    """``\\frac{d}{dx}``, ``\\frac{dy}{dx}``, ``\\frac{d^2}{dx^2}``: a derivative in Leibniz's
    notation, which is not in the notation; read by the grammar it would be a quotient of products
    of the letter d, so it is refused (as are \\partial, \\int, \\sum, ... as unknown commands)."""
    stack = [e]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, Frac)
            and (_d_led(node.num, True) or _d_led(node.num, False))
            and _d_led(node.den, False)
        ):
            raise ParseError(
                source,
                max(node.pos, 0),
                "a derivative (\\frac{d}{dx}) is not in the notation: derivatives, "
                "integrals, limits and sums are not supported (for the quotient of "
                "products of d, write it without the letter d)",
            )
        stack.extend(node.children())


MAX_TREE_DEPTH = 120  # keeps every later (recursive) pass far from Python's recursion limit


def _depth(e: Expr) -> int:
    """The depth of a tree, computed without recursion."""
    deepest, stack = 0, [(e, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in node.children())
    return deepest


def _flatten(cls, items):
    out = []
    for it in items:
        if isinstance(it, cls) and cls is Add:
            out.extend(it.terms)
        elif isinstance(it, cls) and cls is Mul:
            out.extend(it.factors)
        else:
            out.append(it)
    return tuple(out)


APPLIED = ("func", "det", "opname")


def _applied_node(node) -> bool:
    return getattr(node, "data", None) in APPLIED


def _bare_applied(node) -> bool:
    """A function or operator applied to an argument without parentheses (``\\sin x``), possibly
    raised (``\\sin x^2``) or followed by a factorial."""
    while getattr(node, "data", None) in ("sup", "factorial"):
        node = node.children[0]
    return _applied_node(node) and getattr(node.children[-1], "data", None) == "farg"


def _ends_in_number(node) -> bool:
    return getattr(node, "data", None) == "number"


def _starts_with_number(node) -> bool:
    while getattr(node, "data", None) in ("sup", "sub_script", "factorial"):
        node = node.children[0]
    return getattr(node, "data", None) == "number"


class _Builder:
    """Turns lark's tree into an untyped ``Expr``; knows LaTeX, not types."""

    def __init__(self, source: str):
        self.source = source
        self.bold: set[str] = set()
        self.letters: dict[int, str] = {}  # positions of ^T, ^H written as letters

    def fail(self, pos: int, reason: str):
        raise ParseError(self.source, pos, reason)

    def build(self, node) -> Expr:
        from lark import Token

        if isinstance(node, Token):
            return self.token(node)
        if node.data in ("add", "sub", "mul", "mul_explicit"):
            return self.chain(node)
        method = getattr(self, "r_" + node.data, None)
        if method is None:
            self.fail(self.start(node), f"'{node.data}' is not in the notation")
        return method(node, node.children)

    def start(self, node) -> int:
        from lark import Token

        if isinstance(node, Token):
            return node.start_pos or 0
        meta = node.meta
        return getattr(meta, "start_pos", 0) if not meta.empty else 0

    def token(self, tok) -> Expr:
        pos = tok.start_pos or 0
        if tok.type == "NUMBER":
            return Num(Fraction(str(tok)), pos=pos)
        if tok.type == "LETTER":
            return Sym(str(tok), pos=pos)
        if tok.type == "GREEK":
            return Sym("\\" + str(tok), pos=pos)
        self.fail(pos, f"unexpected {str(tok)!r}")

    # structure
    def r_start_expr(self, node, ch):
        return self.build(ch[0])

    def r_start_relation(self, node, ch):
        if len(ch) == 1:
            return self.build(ch[0])
        if len(ch) > 3:
            self.fail(ch[3].start_pos, "only one relation is allowed")
        op = str(ch[1])
        op = {"=": "=", "<": "<", ">": ">"}.get(op, op)
        return Relation(op, self.build(ch[0]), self.build(ch[2]), pos=ch[1].start_pos)

    def chain(self, node) -> Expr:
        """A long sum or product, read along its left spine without recursion."""
        kinds = ("add", "sub") if node.data in ("add", "sub") else ("mul", "mul_explicit")
        spine = []
        cur = node
        while not hasattr(cur, "type") and cur.data in kinds:
            spine.append(cur)
            cur = cur.children[0]
        items = list(_flatten(Add if kinds[0] == "add" else Mul, [self.build(cur)]))
        before = cur
        for link in reversed(spine):
            if (
                link.data == "mul"
                and _bare_applied(before)
                and not _applied_node(link.children[-1])
            ):
                self.fail(
                    self.start(link.children[-1]),
                    "ambiguous: a function or operator whose argument has no parentheses "
                    "is followed by a factor (\\sin 2x, \\det AB): write \\sin(2x) or "
                    "\\sin(2)x, \\det(AB) or \\det(A)B",
                )
            if (
                link.data == "mul"
                and _ends_in_number(before)
                and _starts_with_number(link.children[-1])
            ):
                self.fail(
                    self.start(link.children[-1]),
                    "two numbers side by side: LaTeX shows '2 3' as 23; write 2 \\cdot 3 or 23",
                )
            before = link.children[-1]
            right = self.build(link.children[-1])
            if link.data == "sub":
                right = (
                    Num(-right.value, pos=right.pos)
                    if isinstance(right, Num)
                    else Mul((MINUS_ONE, right), pos=right.pos)
                )
            items.extend(_flatten(Add if kinds[0] == "add" else Mul, [right]))
        cls = Add if kinds[0] == "add" else Mul
        return cls(tuple(items), pos=self.start(node))

    def r_neg(self, node, ch):
        inner = self.build(ch[0])
        if isinstance(inner, Num):
            return Num(-inner.value, pos=self.start(node))
        return Mul((MINUS_ONE, inner), pos=self.start(node))

    def r_paren(self, node, ch):
        return self.build(ch[0])

    r_group_atom = r_paren
    r_group = r_paren
    r_farg_paren = r_paren

    def r_farg(self, node, ch):
        return self.build(ch[0])

    def r_number(self, node, ch):
        return self.token(ch[0])

    r_letter = r_number
    r_greek = r_number

    def r_bold(self, node, ch):
        tok = ch[1]
        self.bold.add(str(tok))
        return Sym(str(tok), pos=ch[0].start_pos)

    def r_bold_number(self, node, ch):
        if str(ch[1]) != "0":
            self.fail(
                ch[1].start_pos, f"\\mathbf{{{ch[1]}}} is not in the notation (\\mathbf{{0}} is)"
            )
        return Zero("?", 1, pos=ch[0].start_pos)

    def r_bar(self, node, ch):
        return Conj(self.build(ch[1]), pos=ch[0].start_pos)

    def r_bar_letter(self, node, ch):
        return Conj(self.token(ch[1]), pos=ch[0].start_pos)

    def r_abs(self, node, ch):
        return Abs(self.build(ch[1]), pos=ch[0].start_pos)

    def r_norm(self, node, ch):
        return Norm(self.build(ch[1]), pos=ch[0].start_pos)

    def r_factorial(self, node, ch):
        return Factorial(self.build(ch[0]), pos=self.start(node))

    def r_frac(self, node, ch):
        return Frac(self.build(ch[1]), self.build(ch[2]), pos=ch[0].start_pos)

    def r_sqrt(self, node, ch):
        return Func("sqrt", self.build(ch[1]), pos=ch[0].start_pos)

    def r_matrix(self, node, ch):
        begin, rows_node, end = ch
        if str(begin) != str(end):
            self.fail(end.start_pos, f"\\begin{{{begin}}} is closed by \\end{{{end}}}")
        rows = []
        for row in rows_node.children:
            if getattr(row, "data", None) != "matrix_row":
                continue
            rows.append(tuple(self.build(c) for c in row.children))
        width = len(rows[0])
        for i, row in enumerate(rows):
            if len(row) != width:
                self.fail(
                    begin.start_pos,
                    f"row {i + 1} of the matrix has {len(row)} entries, row 1 has {width}",
                )
        return MatrixLit(tuple(rows), pos=begin.start_pos)

    # functions and operators, with an optional superscript on the name (\sin^2 x)
    def _applied(self, node, ch, make):
        head = ch[0]
        sup = next((c for c in ch if getattr(c, "data", None) == "fsup"), None)
        arg = self.build(ch[-1])
        out = make(arg, head.start_pos)
        if sup is not None:
            out = self._superscript(out, sup.children[0], head.start_pos, on_function=True)
        return out

    def r_func(self, node, ch):
        name = str(ch[0])
        name = "log" if name == "ln" else name
        return self._applied(node, ch, lambda a, p: Func(name, a, pos=p))

    def r_det(self, node, ch):
        return self._applied(node, ch, lambda a, p: Det(a, pos=p))

    def r_opname(self, node, ch):
        letters = [c for c in ch[1:] if getattr(c, "type", None) == "LETTER"]
        word = "".join(str(c) for c in letters)
        op = OPNAMES.get(word)
        if op is None:
            self.fail(
                ch[0].start_pos, f"unknown operator '{word}' (tr, trace, det and rank are known)"
            )
        rest = [c for c in ch if getattr(c, "type", None) not in ("LETTER", "OPNAME")]
        make = {"tr": Trace, "det": Det, "rank": Rank}[op]
        return self._applied(node, [ch[0], *rest], lambda a, p: make(a, pos=p))

    # superscripts and subscripts
    def r_sup(self, node, ch):
        if getattr(ch[0], "data", None) == "sup":  # LaTeX: "Double superscript"
            self.fail(
                self.start(ch[1]),
                "a double superscript is ambiguous (LaTeX refuses it): write {x^a}^b or x^{a^b}",
            )
        return self._superscript(self.build(ch[0]), ch[1].children[0], self.start(ch[1]))

    def _superscript(self, base: Expr, val, pos: int, on_function: bool = False) -> Expr:
        from lark import Token

        kind = val.type if isinstance(val, Token) else val.data
        if kind in ("sup_top", "TOP"):
            return Transpose(base, pos=pos)
        if kind in ("sup_dagger", "sup_star", "DAGGER"):
            return ConjTranspose(base, pos=pos)
        if kind == "sup_neg_top":
            return Inverse(Transpose(base, pos=pos), pos=pos)
        if kind == "sup_number":
            text = str(val.children[0])
            if len(text) > 1:
                self.fail(
                    pos,
                    f"'^{text}': LaTeX raises only the first character; "
                    f"write ^{{{text}}} or ^{{{text[0]}}}{text[1:]}",
                )
            exp: Expr = Num(Fraction(text), pos=pos)
        elif kind == "sup_letter":
            exp = Sym(str(val.children[0]), pos=pos)
        elif kind == "sup_greek":
            exp = Sym("\\" + str(val.children[0]), pos=pos)
        else:
            exp = self.build(val)
        # ^T and ^H written as letters: the transpose, unless a clause declares the letter a
        # scalar (then a power); the typer decides, from the positions kept here
        if exp in (Sym("T"), Sym("H")):
            self.letters[pos] = exp.name
            return (Transpose if exp.name == "T" else ConjTranspose)(base, pos=pos)
        if exp in (Mul((MINUS_ONE, Sym("T"))), Mul((MINUS_ONE, Sym("H")))):
            letter = exp.factors[1].name
            self.letters[pos] = letter
            inner = (Transpose if letter == "T" else ConjTranspose)(base, pos=pos)
            return Inverse(inner, pos=pos)
        if on_function and exp == Num(Fraction(-1)):
            self.fail(
                pos, "a function to the power -1 is ambiguous (inverse function or reciprocal)"
            )
        return Pow(base, exp, pos=pos)

    def r_sub_script(self, node, ch):
        base = self.build(ch[0])
        parts = [
            str(t) if t.type != "GREEK" else "\\" + str(t)
            for t in ch[1].children[0].children
            if hasattr(t, "type")
        ]
        sub = "".join(parts)
        tokens = [t for t in ch[1].children[0].children if hasattr(t, "type")]
        commas = [i for i, t in enumerate(tokens) if t.type == "SUBCOMMA"]
        if commas and (
            commas[0] == 0
            or commas[-1] == len(tokens) - 1
            or any(b - a == 1 for a, b in zip(commas, commas[1:], strict=False))
        ):
            self.fail(
                tokens[commas[0]].start_pos,
                "an empty part in a subscript: write "
                "a_{1,2}, with something on both sides of each comma",
            )
        if (
            len(tokens) == 1
            and tokens[0].type == "NUMBER"
            and len(str(tokens[0])) > 1
            and not self.source[: tokens[0].start_pos].rstrip().endswith("{")
        ):
            text = str(tokens[0])
            self.fail(
                tokens[0].start_pos,
                f"'_{text}': LaTeX lowers only the first character; "
                f"write _{{{text}}} or _{{{text[0]}}}{text[1:]}",
            )
        if not isinstance(base, Sym):
            self.fail(self.start(ch[1]), "a subscript may only follow a symbol")
        name = f"{base.name}_{sub}" if len(sub) == 1 else f"{base.name}_{{{sub}}}"
        if base.name in self.bold:
            self.bold.add(name)
        return Sym(name, pos=base.pos)


# ---------------------------------------------------------------- symbols, clauses and types

SCALAR, VECTOR, MATRIX = "scalar", "vector", "matrix"
PROPERTIES = {
    "matrix",
    "vector",
    "scalar",
    "real",
    "complex",
    "nonzero",
    "symmetric",
    "orthogonal",
    "invertible",
    "positive_definite",
    "positive_semidefinite",
    "hermitian",
    "unitary",
    "diagonal",
    # extensions of NOTATION.md
    "positive",
    "integer",
    "commute",
}
MATRIX_PROPS = {
    "symmetric",
    "orthogonal",
    "invertible",
    "positive_definite",
    "positive_semidefinite",
    "hermitian",
    "unitary",
    "diagonal",
}
SQUARE_PROPS = MATRIX_PROPS
SCALAR_PROPS = {"positive", "integer"}
NAME_RE = re.compile(
    r"^(\\mathbf\{|\\boldsymbol\{|\\vec\{|\\bm\{)?(\\[A-Za-z]+|[A-Za-z])\}?"
    r"(_(\{[A-Za-z0-9,]+\}|[A-Za-z0-9]))?$"
)
SHAPE_RE = re.compile(r"^\s*([A-Za-z]|[0-9]+)\s*(?:x|×|\\times)\s*([A-Za-z]|[0-9]+)\s*$")


@dataclass(frozen=True)
class SymbolType:
    """What one symbol is: its kind, its shape (rows, cols) and its closed set of properties."""

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
class Assumptions:
    """The clauses as written: properties per name, declared shapes, commuting groups."""

    props: tuple[tuple[str, frozenset[str]], ...] = ()
    shapes: tuple[tuple[str, tuple], ...] = ()
    commuting: tuple[frozenset[str], ...] = ()
    text: str = ""
    # clauses about an expression (``I + AB invertible``): (the expression as written, property,
    # its position in ``text``)
    exprs: tuple[tuple[str, str, int], ...] = ()

    def props_of(self, name: str) -> frozenset[str]:
        return dict(self.props).get(name, frozenset())

    def shape_of(self, name: str):
        return dict(self.shapes).get(name)

    def names(self) -> set[str]:
        return {n for n, _ in self.props} | {n for n, _ in self.shapes}

    def dims(self) -> set[str]:
        return {d for _, shp in self.shapes for d in shp if isinstance(d, str)}


def _normal_name(raw: str, clause: str) -> str:
    m = NAME_RE.match(raw.strip())
    if not m:
        raise AssumptionError(f"in the clause '{clause}': '{raw.strip()}' is not a symbol name")
    base = m.group(2)
    sub = m.group(4)
    if sub:
        sub = sub.strip("{}")
        return f"{base}_{sub}" if len(sub) == 1 else f"{base}_{{{sub}}}"
    return base


def _split_names(part: str) -> list[str]:
    """``a, b_{1,2}, c`` -> ``a``, ``b_{1,2}``, ``c``: commas inside braces belong to a subscript."""
    out, depth, cur = [], 0, ""
    for ch in part:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [*out, cur]


PROPERTY_ALIASES = {
    "positive_semi_definite": "positive_semidefinite",
    "pd": "positive_definite",
    "psd": "positive_semidefinite",
    "nonsingular": "invertible",
    "non_zero": "nonzero",
    "commuting": "commute",
}
EXPRESSION_PROPS = ("invertible", "nonzero")  # what a clause may say of an expression


def _property_name(words: str) -> str:
    prop = words.strip().lower().replace("-", "_").replace(" ", "_")
    return PROPERTY_ALIASES.get(prop, prop)


def _names_only(part: str) -> bool:
    """Whether ``part`` is a comma-separated list of symbol names (``A, B``, ``\\mathbf{x}``)."""
    return all(NAME_RE.match(raw.strip()) for raw in _split_names(part))


def _property_suffix(clause: str) -> tuple[str, str, int] | None:
    """(subject, property, where the property starts) for a clause that ends in a known property
    (one to three words, after an optional ``is``/``are``); None if it ends in none."""
    words = list(re.finditer(r"\S+", clause))
    for k in (3, 2, 1):
        if len(words) <= k:
            continue
        prop = _property_name(" ".join(w.group() for w in words[-k:]))
        if prop not in PROPERTIES:
            continue
        subject_end = words[-k].start()
        if words[-k - 1].group().lower() in ("is", "are") and len(words) > k + 1:
            subject_end = words[-k - 1].start()
        return clause[:subject_end].strip(), prop, words[-k].start()
    return None


class ClauseError(ParseError, AssumptionError):
    """A clause about an expression that does not read: the position is in the whole text."""


def parse_assumptions(text: str | None) -> Assumptions:
    """Read ``--assume`` clauses: ``SUBJECT PROPERTY`` separated by ``;``.

    The subject is a comma-separated list of names (``A, B invertible``), or else one expression
    in the notation, of which only ``invertible`` or ``nonzero`` may be said (``I + AB
    invertible``; the expression is read by the grammar, never evaluated).

    >>> a = parse_assumptions("A, B invertible; x vector; A m x n")
    >>> sorted(a.props_of("A")), a.shape_of("A")
    (['invertible'], ('m', 'n'))
    >>> parse_assumptions("A m x n; I + AB invertible").exprs
    (('I + AB', 'invertible', 9),)
    >>> parse_assumptions("A weird")
    Traceback (most recent call last):
    derive.errors.AssumptionError: in the clause 'A weird': unknown property 'weird' (known: commute, complex, diagonal, hermitian, integer, invertible, matrix, nonzero, orthogonal, positive, positive_definite, positive_semidefinite, real, scalar, symmetric, unitary, vector)
    """
    props: dict[str, set[str]] = {}
    shapes: dict[str, tuple] = {}
    commuting: list[frozenset[str]] = []
    exprs: list[tuple[str, str, int]] = []
    text = text or ""
    if len(text) > 1000:
        raise AssumptionError("the assumptions are over 1000 characters")
    offset = 0
    for raw_clause in text.split(";"):
        at, offset = offset, offset + len(raw_clause) + 1
        clause = raw_clause.strip()
        if not clause:
            continue
        at += len(raw_clause) - len(raw_clause.lstrip())  # where the clause starts in ``text``
        m = re.match(r"^(.*?[^,\s])\s+(is\s+|are\s+)?(.+)$", clause)
        if not m:
            raise AssumptionError(f"in the clause '{clause}': expected NAMES PROPERTY")
        names_part, prop_part = m.group(1), m.group(3).strip()
        # a shape clause: "A m x n"; the names part then ends before the first size
        shape_m = re.match(r"^(.*?)\s+(\S+\s*(?:x|×|\\times)\s*\S+)$", clause)
        if shape_m and SHAPE_RE.match(shape_m.group(2)):
            names_part = shape_m.group(1)
            r, c = SHAPE_RE.match(shape_m.group(2)).groups()
            shape = tuple(int(d) if d.isdigit() else d for d in (r, c))
            if any(isinstance(d, int) and not 1 <= d <= 20 for d in shape):
                raise AssumptionError(f"in the clause '{clause}': sizes must be from 1 to 20")
            for raw in _split_names(names_part):
                shapes[_normal_name(raw, clause)] = shape
            continue
        prop = _property_name(prop_part)
        suffix = _property_suffix(clause)
        if suffix is not None and not _names_only(suffix[0]):
            # a clause about an expression: ``I + AB invertible``
            exprs.append(_expression_clause(clause, *suffix, text, at))
            continue
        if prop not in PROPERTIES:
            before = clause.rsplit(None, 1)[0]
            if re.search(r"[^A-Za-z_,\s]", before) and not _names_only(before):
                prop_part = clause.split()[-1]  # after an expression, the last word
            known = ", ".join(sorted(PROPERTIES))
            raise AssumptionError(
                f"in the clause '{clause}': unknown property '{prop_part}' (known: {known})"
            )
        names = [_normal_name(raw, clause) for raw in _split_names(names_part)]
        if prop == "commute":
            if len(names) < 2:
                raise AssumptionError(
                    f"in the clause '{clause}': 'commute' needs two or more names"
                )
            commuting.append(frozenset(names))
            continue
        for name in names:
            props.setdefault(name, set()).add(prop)
    return Assumptions(
        tuple(sorted((k, frozenset(v)) for k, v in props.items())),
        tuple(sorted(shapes.items())),
        tuple(commuting),
        text,
        tuple(exprs),
    )


def _expression_clause(clause: str, subject: str, prop: str, prop_at: int, text: str, at: int):
    """Check a clause about an expression (the clause starts at ``at`` in ``text``): the
    property, and that the expression reads. The expression starts where the clause does."""

    def fail(position: int, reason: str):
        raise ClauseError(text, at + position, f"in the clause '{clause}': {reason}")

    if prop not in EXPRESSION_PROPS:
        fail(
            prop_at,
            f"'{prop}' is said of names only (A, B {prop});"
            " of an expression only 'invertible' or 'nonzero'",
        )
    if len(subject.split()) > 1 and all(_names_only(w) for w in subject.split()):
        fail(
            0,
            f"'{subject}' is names separated by spaces: separate them by commas"
            f" ('{', '.join(subject.split())} {prop}'), or write the product without spaces",
        )
    if len(_split_names(subject)) > 1 and not re.search(r"[({\[]", subject):
        fail(
            len(_split_names(subject)[0]),
            "a list is of names only: say it of each expression in a clause of its own",
        )
    try:
        parse(subject)
    except ParseError as exc:
        fail(exc.position, exc.reason)
    except LimitError as exc:
        fail(0, str(exc))
    return subject, prop, at


def close_properties(props: set[str]) -> frozenset[str]:
    """Our own table of implications (never SymPy's ``ask``): see NOTATION.md.

    >>> sorted(close_properties({"orthogonal"}))
    ['invertible', 'nonzero', 'orthogonal', 'real']
    >>> "positive_definite" in close_properties({"orthogonal"})
    False
    >>> sorted(close_properties({"positive_definite", "complex"}))
    ['complex', 'hermitian', 'invertible', 'nonzero', 'positive_definite', 'positive_semidefinite']
    """
    p = set(props)
    if "real" in p and "complex" not in p:
        # a real unitary matrix is orthogonal, a real hermitian one symmetric: said so, so that
        # nothing below makes the matrix complex (and instances are drawn real)
        if "unitary" in p:
            p = (p - {"unitary"}) | {"orthogonal"}
        if "hermitian" in p:
            p = (p - {"hermitian"}) | {"symmetric"}
    if p & {"unitary", "hermitian"}:
        p.add("complex")
    if "orthogonal" in p:
        p |= {"invertible", "real"}
    if "unitary" in p:
        p.add("invertible")
    if "positive_definite" in p:
        p |= {"invertible", "positive_semidefinite"}
    if "positive_semidefinite" in p:
        p.add("hermitian" if "complex" in p else "symmetric")
    if "diagonal" in p and "complex" not in p:
        p.add("symmetric")
    if "invertible" in p or "positive" in p:
        p.add("nonzero")
    if "positive" in p:  # a positive number is real
        p.discard("complex")
    if "complex" not in p:
        p.add("real")
    if "real" in p and "complex" in p:
        p.discard("real")
    return frozenset(p)


def identity_size(name: str) -> Dim | None:
    """The size of ``I_n``, ``I_{12}``, ``I_3`` (1 to 20, or a letter); None for another name."""
    m = re.fullmatch(r"I_(?:([A-Za-z])|\{?([0-9]+)\}?)", name)
    if m is None:
        return None
    if m.group(1):
        return m.group(1)
    k = int(m.group(2))
    return k if 1 <= k <= 20 else None


def default_kind(name: str, bold: bool) -> str:
    """The kind a symbol has when no clause speaks of it (NOTATION.md, 'Symbols and their types')."""
    base = name.split("_")[0]
    if bold:
        return MATRIX if base.isupper() and len(base) == 1 else VECTOR
    if len(base) == 1 and base.isupper():
        return MATRIX
    return SCALAR


CONSTANTS = {"e": "e", "i": "i", "\\pi": "pi"}


@dataclass(frozen=True)
class Env:
    """The typing environment of one check: every symbol's type, the sizes in scope, and more."""

    symbols: tuple[tuple[str, SymbolType], ...]
    dims: frozenset[str] = frozenset()
    commuting: tuple[frozenset[str], ...] = ()
    # what clauses say of expressions: (the expression as written, typed, property)
    facts: tuple[tuple[str, Expr, str], ...] = ()

    def __getitem__(self, name: str) -> SymbolType:
        return dict(self.symbols)[name]

    def get(self, name: str) -> SymbolType | None:
        return dict(self.symbols).get(name)

    def names(self) -> list[str]:
        return [n for n, _ in self.symbols]

    @property
    def complex(self) -> bool:
        return any(t.complex for _, t in self.symbols)

    def with_props(self, name: str, extra: set[str]) -> Env:
        """A copy in which ``name`` has more properties (used for hints)."""
        items = []
        for n, t in self.symbols:
            if n == name:
                t = replace(t, props=close_properties(set(t.props) | extra))
            items.append((n, t))
        return replace(self, symbols=tuple(items))

    def with_commuting(self, group: frozenset[str]) -> Env:
        return replace(self, commuting=self.commuting + (group,))


def build_env(assumptions: Assumptions, parsed: list[Parsed]) -> Env:
    """Give every symbol of the inputs (and of the clauses) its type."""
    clauses = [parse(src) for src, _, _ in assumptions.exprs]  # read already: no error here
    parsed = [*parsed, *clauses]
    bold = set().union(*(p.bold for p in parsed)) if parsed else set()
    used: set[str] = set()
    for p in parsed:
        for node in _walk(p.tree):
            if isinstance(node, Sym):
                used.add(node.name)
    declared_names = assumptions.names()
    # I_n, I_3 (not declared): the identity of that size; a letter size comes into scope
    identities = {
        n for n in used if n.startswith("I_") and n not in declared_names and n not in bold
    }
    dims = assumptions.dims() | {s for n in identities if isinstance(s := identity_size(n), str)}
    names = sorted((used | declared_names) - (dims - declared_names))
    out = []
    for name in names:
        if name in dims and name not in declared_names:
            continue
        declared = set(assumptions.props_of(name))
        shape = assumptions.shape_of(name)
        if name not in declared_names and name not in bold:
            if name == "I" or name in CONSTANTS or name in identities:
                continue  # the identity, or a constant
        if {"real", "complex"} <= declared:
            raise AssumptionError(f"'{name}' is declared both real and complex")
        kinds = declared & {MATRIX, VECTOR, SCALAR}
        if len(kinds) > 1:
            raise AssumptionError(f"'{name}' is declared both {' and '.join(sorted(kinds))}")
        if kinds:
            kind = kinds.pop()
        elif shape is not None:
            kind = VECTOR if shape[1] == 1 and shape[0] != 1 and not name[0].isupper() else MATRIX
        elif declared & MATRIX_PROPS:
            kind = MATRIX
        else:
            kind = default_kind(name, name in bold)
        if name in bold and kind == SCALAR:
            raise AssumptionError(f"'{name}' is declared a scalar but written in bold as a vector")
        if declared & MATRIX_PROPS and kind != MATRIX:
            bad = sorted(declared & MATRIX_PROPS)[0]
            if not (bad == "invertible" and kind == SCALAR):
                raise AssumptionError(f"'{name}' is a {kind}, so it cannot be {bad}")
        if declared & SCALAR_PROPS and kind != SCALAR:
            raise AssumptionError(f"'{name}' is a {kind}: 'positive' and 'integer' are for scalars")
        if kind == SCALAR:
            rows = cols = 1
            if "invertible" in declared:
                declared = (declared - {"invertible"}) | {"nonzero"}
        elif kind == VECTOR:
            rows, cols = shape if shape is not None else ("n", 1)
        else:
            rows, cols = shape if shape is not None else ("n", "n")
        if declared & SQUARE_PROPS and rows != cols:
            bad = sorted(declared & SQUARE_PROPS)[0]
            raise AssumptionError(f"'{name}' is {rows}×{cols}, but '{bad}' needs a square matrix")
        props = close_properties(declared - {MATRIX, VECTOR, SCALAR})
        out.append((name, SymbolType(kind, rows, cols, props)))
    in_scope = frozenset(d for d in dims if d not in declared_names)
    env = Env(tuple(out), in_scope, assumptions.commuting)
    if not clauses:
        return env
    return replace(env, facts=tuple(_clause_facts(assumptions, clauses, env)))


def _clause_facts(assumptions: Assumptions, clauses: list[Parsed], env: Env):
    """The clauses about expressions, typed: (source, typed expression, property); an error
    names the clause and the position in the whole text of the clauses."""
    text = assumptions.text
    for (src, prop, at), p in zip(assumptions.exprs, clauses, strict=True):
        clause = text[at:].split(";")[0].strip()
        try:
            typed = typecheck([p], env)[0]
        except ParseError as exc:
            raise ClauseError(
                text, at + exc.position, f"in the clause '{clause}': {exc.reason}"
            ) from None
        except DeriveError as exc:
            raise ClauseError(text, at, f"in the clause '{clause}': {exc}") from None
        shape = typed.shape
        if prop == "invertible" and shape is not None and shape[0] != shape[1]:
            if shape != (1, 1):
                raise ClauseError(
                    text,
                    at,
                    f"in the clause '{clause}': '{src}' is {shape[0]}×{shape[1]}, but"
                    " 'invertible' needs a square matrix",
                )
        if prop == "invertible" and (shape is None or shape == (1, 1)):
            prop = "nonzero"  # as for a scalar name
        yield src, typed.expr, prop


def _walk(e: Expr):
    yield e
    for c in e.children():
        yield from _walk(c)


# ---------------------------------------------------------------- typing and shapes

Shape = tuple | None  # (rows, cols), or None for a scalar


class _Typer:
    """Checks shapes and resolves the reading of each node; dims of I and 0 are inferred."""

    def __init__(self, env: Env, source: str, limits: Limits):
        self.env, self.source, self.limits = env, source, limits
        self.parent: dict = {}
        self.fresh = 0
        self.letters: dict[int, str] = {}  # Parsed.letters of the input being typed

    def fail(self, node: Expr, reason: str):
        raise ShapeError(self.source, max(node.pos, 0), reason)

    # dims: ints, names ("n"), or variables ("?3")
    def var(self) -> str:
        self.fresh += 1
        return f"?{self.fresh}"

    def find(self, d):
        while isinstance(d, str) and d in self.parent:
            d = self.parent[d]
        return d

    def fits(self, a, b) -> bool:
        a, b = self.find(a), self.find(b)
        return (
            a == b
            or (isinstance(a, str) and a.startswith("?"))
            or (isinstance(b, str) and b.startswith("?"))
        )

    def unify(self, a, b, node, what: str):
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if isinstance(a, str) and a.startswith("?"):
            self.parent[a] = b
        elif isinstance(b, str) and b.startswith("?"):
            self.parent[b] = a
        else:
            self.fail(node, f"{what}: sizes {a} and {b} do not match")

    def show(self, shape) -> str:
        if shape is None:
            return "a scalar"
        r, c = (self.find(d) for d in shape)
        r, c = (
            "n" if isinstance(r, str) and r.startswith("?") else r,
            "n" if isinstance(c, str) and c.startswith("?") else c,
        )
        if c == 1 and r != 1:
            return f"a vector ({r}×1)"
        return f"a {r}×{c} matrix"

    def one(self, shape) -> bool:
        return shape is not None and self.find(shape[0]) == 1 and self.find(shape[1]) == 1

    def square(self, shape, node, what):
        if shape is None:
            return
        if not self.fits(shape[0], shape[1]):
            self.fail(node, f"{what} needs a square matrix, not {self.show(shape)}")
        self.unify(shape[0], shape[1], node, what)

    # the rules
    def infer(self, e: Expr) -> tuple[Expr, Shape]:
        method = getattr(self, "t_" + type(e).__name__)
        return method(e)

    def t_Num(self, e):
        bits = max(e.value.numerator.bit_length(), e.value.denominator.bit_length())
        if bits > self.limits.max_number_bits:
            raise LimitError(
                f"the number at position {e.pos + 1} has {bits} bits, over the cap "
                f"of {self.limits.max_number_bits}"
            )
        return e, None

    def t_Const(self, e):
        return e, None

    def t_Sym(self, e):
        t = self.env.get(e.name)
        if t is None:
            if e.name == "I":
                v = self.var()
                return Identity(v, pos=e.pos), (v, v)
            if e.name.startswith("I_"):
                size = identity_size(e.name)
                if size is None:
                    self.fail(
                        e,
                        f"{e.name}: the subscript of I is its size, a number from 1 to "
                        "20 or a letter (I_n, I_3); declare the name to use it otherwise",
                    )
                return Identity(size, pos=e.pos), (size, size)
            if e.name in CONSTANTS:
                return Const(CONSTANTS[e.name], pos=e.pos), None
            if e.name in self.env.dims:
                return e, None
            self.fail(e, f"unknown symbol {e.name}")  # pragma: no cover (build_env covers all)
        if t.kind == SCALAR:
            return e, None
        return e, (t.rows, t.cols)

    def t_Identity(self, e):
        return e, (e.dim, e.dim)

    def t_Zero(self, e):
        rows = self.var() if e.rows == "?" else e.rows
        cols = self.var() if e.cols == "?" else e.cols
        return Zero(rows, cols, pos=e.pos), (rows, cols)

    def t_Add(self, e):
        typed = [self.infer(t) for t in e.terms]
        shapes = [s for _, s in typed if s is not None]
        if not shapes:
            return Add(tuple(t for t, _ in typed), pos=e.pos), None
        target = shapes[0]
        for t, s in typed:
            if s is not None:
                if not (self.fits(s[0], target[0]) and self.fits(s[1], target[1])):
                    self.fail(t, f"cannot add {self.show(s)} to {self.show(target)}")
                self.unify(s[0], target[0], t, "a sum")
                self.unify(s[1], target[1], t, "a sum")
        terms = []
        for t, s in typed:
            if s is None and not self.one(target):
                if isinstance(t, Num) and t.value == 0:
                    t = Zero(target[0], target[1], pos=t.pos)
                else:
                    self.fail(t, f"cannot add a scalar to {self.show(target)}")
            terms.append(t)
        scalar_terms = any(s is None for _, s in typed) and self.one(target)
        return Add(tuple(terms), pos=e.pos), (None if scalar_terms else target)

    def t_Mul(self, e):
        typed = [self.infer(f) for f in e.factors]
        front: list[Expr] = []  # 1×1 segments moved to the front, used as scalars
        out: list[tuple[Expr, Shape]] = []
        acc: Shape = None
        i = 0
        while i < len(typed):
            f, s = typed[i]
            if s is None:
                out.append((f, s))
            elif acc is None:
                acc = s
                out.append((f, s))
            elif self.fits(acc[1], s[0]) and not self._scalar_before_free(acc, s, typed, i):
                self.unify(acc[1], s[0], f, "a product")
                acc = (acc[0], s[1])
                out.append((f, s))
            elif self.one(acc):
                # the product so far is 1×1: it is a scalar factor of what follows
                segment = [g for g, gs in out if gs is not None]
                rest = [(g, gs) for g, gs in out if gs is None]
                seg = segment[0] if len(segment) == 1 else Mul(tuple(segment), pos=segment[0].pos)
                out = rest + [(seg, None), (f, s)]
                acc = s
            elif self.one(s):
                out.append((f, None))
            else:
                end = self._scalar_segment(typed, i)
                if end is None:
                    self.fail(
                        f,
                        f"cannot multiply {self.show(acc)} by {self.show(s)}: "
                        "the inner sizes do not match",
                    )
                seg_items = [g for g, _ in typed[i:end]]
                front.append(
                    seg_items[0]
                    if len(seg_items) == 1
                    else Mul(tuple(seg_items), pos=seg_items[0].pos)
                )
                i = end
                continue
            i += 1
        factors = tuple(front) + tuple(f for f, _ in out)
        return Mul(factors, pos=e.pos), acc

    def _free(self, d) -> bool:
        d = self.find(d)
        return isinstance(d, str) and d.startswith("?")

    def _scalar_before_free(self, acc, s, typed, i) -> bool:
        """A 1×1 product next to I or 0 (``x^TxI``, ``Ix^Tx``) is a scalar factor of it: the size
        of I comes from the rest of the input, not from the 1×1 product."""
        if self.one(acc) and self._free(s[0]):
            return True
        return (
            self._free(acc[1])
            and self.find(s[0]) == 1
            and not self.one(s)
            and self._scalar_segment(typed, i) is not None
        )

    def _scalar_segment(self, typed, start):
        """The end of the shortest run of factors from ``start`` whose product is 1×1, or None."""
        s0 = typed[start][1]
        if s0 is None or self.find(s0[0]) != 1:
            return None
        acc = s0
        for j in range(start + 1, len(typed)):
            s = typed[j][1]
            if s is None:
                continue
            if not self.fits(acc[1], s[0]):
                return None
            acc = (acc[0], s[1])
            if self.find(acc[1]) == 1:
                return j + 1
        return None

    def t_Frac(self, e):
        num, ns = self.infer(e.num)
        den, ds = self.infer(e.den)
        if ds is not None and not self.one(ds):
            self.fail(e.den, f"cannot divide by {self.show(ds)}")
        return Frac(num, den, pos=e.pos), ns

    def t_Pow(self, e):
        if isinstance(e.base, Sym) and e.base.name == "e" and self.env.get("e") is None:
            arg, s = self.infer(e.exp)
            if s is not None and not self.one(s):
                self.square(s, e, "the exponential of a matrix")
                return Func("exp", arg, pos=e.pos), s
            return Pow(Const("e", pos=e.base.pos), arg, pos=e.pos), None
        if isinstance(e.base, Const) and e.base.name == "e":  # typed again (shape_of): as above
            arg, s = self.infer(e.exp)
            if s is not None and not self.one(s):
                self.fail(e.exp, f"an exponent must be a scalar, not {self.show(s)}")
            return Pow(e.base, arg, pos=e.pos), None
        base, bs = self.infer(e.base)
        exp, es = self.infer(e.exp)
        if es is not None and not self.one(es):
            self.fail(e.exp, f"an exponent must be a scalar, not {self.show(es)}")
        self._check_exponent(base, exp)
        if bs is None or self.one(bs):
            return Pow(base, exp, pos=e.pos), bs if bs is None else None
        self.square(bs, e.base, "a matrix power")
        k = _integer(exp)
        if k is None:
            negated = (
                isinstance(exp, Mul)
                and len(exp.factors) == 2
                and exp.factors[0] == Num(Fraction(-1))
            )
            name = exp.factors[1] if negated else exp
            t = self.env.get(name.name) if isinstance(name, Sym) else None
            size = isinstance(name, Sym) and t is None and name.name in self.env.dims
            if size or t is not None and t.has("integer"):  # a size is a positive integer
                if negated:  # A^{-k} = (A^{-1})^k
                    return Pow(Inverse(base, pos=e.pos), name, pos=e.pos), bs
                return Pow(base, exp, pos=e.pos), bs
            if isinstance(exp, Add) and all(self._integer_term(t) for t in exp.terms):
                return Pow(base, exp, pos=e.pos), bs  # A^{k+1}: a sum of integers
            self.fail(e.exp, "a matrix power needs an integer exponent (declare it: 'k integer')")
        if k == -1:
            return Inverse(base, pos=e.pos), bs
        if k < 0:
            return Pow(Inverse(base, pos=e.pos), Num(Fraction(-k)), pos=e.pos), bs
        return Pow(base, exp, pos=e.pos), bs

    def _integer_term(self, t: Expr) -> bool:
        """A whole number, or a symbol declared an integer (or a size), possibly negated."""
        if isinstance(t, Mul) and len(t.factors) == 2 and t.factors[0] == Num(Fraction(-1)):
            t = t.factors[1]
        if _integer(t) is not None:
            return True
        s = self.env.get(t.name) if isinstance(t, Sym) else None
        return isinstance(t, Sym) and (
            s is None and t.name in self.env.dims or s is not None and s.has("integer")
        )

    def _check_exponent(self, base: Expr, exp: Expr):
        """Refuse powers whose exact value would be too large to compute (``9^{9^9}``)."""
        k = _magnitude(exp)
        if k is None:
            return
        b = _magnitude(base)
        if b is None:
            if k > self.limits.max_exponent:
                raise LimitError(
                    f"the exponent {_shown(exp)} is over the cap of {self.limits.max_exponent}"
                )
            return
        import math

        if k > 10**6 or math.log2(b + 2) * k > self.limits.max_number_bits:
            raise LimitError(
                f"the power at position {exp.pos + 1} would have more than "
                f"{self.limits.max_number_bits} bits"
            )

    def _letter(self, e) -> str | None:
        """'T' or 'H' when this (conjugate) transpose was written ^T or ^H with a letter."""
        letter = self.letters.get(e.pos) if e.pos >= 0 else None
        want = {"T": Transpose, "H": ConjTranspose}.get(letter)
        return letter if want is not None and type(e) is want else None

    def _letter_power(self, e) -> str | None:
        """The letter of ^T or ^H when a clause declares it a scalar: then X^T is a power."""
        letter = self._letter(e)
        t = self.env.get(letter) if letter is not None else None
        return letter if t is not None and t.kind == SCALAR else None

    def t_Transpose(self, e):
        letter = self._letter_power(e)
        if letter is not None:
            return self.t_Pow(Pow(e.arg, Sym(letter, pos=e.pos), pos=e.pos))
        arg, s = self.infer(e.arg)
        letter = self._letter(e)
        if letter is not None and s is None:
            other = (
                "a transpose (a scalar is its own transpose: write ^\\top)"
                if letter == "T"
                else "a conjugate transpose (write \\bar{...} for a conjugate)"
            )
            self.fail(
                e,
                f"'^{letter}' on a scalar is ambiguous: {other}, or a power (declare "
                f"'{letter} scalar')",
            )
        return type(e)(arg, pos=e.pos), (None if s is None else (s[1], s[0]))

    t_ConjTranspose = t_Transpose

    def t_Conj(self, e):
        arg, s = self.infer(e.arg)
        return Conj(arg, pos=e.pos), s

    def t_Inverse(self, e):
        if isinstance(e.arg, (Transpose, ConjTranspose)):
            letter = self._letter_power(e.arg)
            if letter is not None:  # X^{-T} with T a declared scalar: the power -T
                exp = Mul((MINUS_ONE, Sym(letter, pos=e.pos)), pos=e.pos)
                return self.t_Pow(Pow(e.arg.arg, exp, pos=e.pos))
        arg, s = self.infer(e.arg)
        if s is None or self.one(s):
            return Pow(arg, Num(Fraction(-1)), pos=e.pos), s
        self.square(s, e, "an inverse")
        return Inverse(arg, pos=e.pos), s

    def t_Det(self, e):
        arg, s = self.infer(e.arg)
        if s is not None and self.find(s[1]) == 1 and self.find(s[0]) != 1:
            self.fail(e, "the determinant of a vector is not defined")
        self.square(s, e, "a determinant")
        return Det(arg, pos=e.pos), None

    def t_Trace(self, e):
        arg, s = self.infer(e.arg)
        if s is not None and self.find(s[1]) == 1 and self.find(s[0]) != 1:
            self.fail(e, "the trace of a vector is not defined")
        self.square(s, e, "a trace")
        return Trace(arg, pos=e.pos), None

    def t_Rank(self, e):
        arg, _ = self.infer(e.arg)
        return Rank(arg, pos=e.pos), None

    def t_Abs(self, e):
        arg, s = self.infer(e.arg)
        if s is None or self.one(s):
            return Abs(arg, pos=e.pos), None
        if self.find(s[1]) == 1 or self.find(s[0]) == 1:
            self.fail(e, "|x| of a vector is not in the notation: write \\|x\\| for its norm")
        self.square(s, e, "|A| (a determinant)")
        return Det(arg, pos=e.pos), None

    def t_Norm(self, e):
        arg, s = self.infer(e.arg)
        if s is None or self.one(s):
            return Norm(arg, pos=e.pos), None
        if self.find(s[1]) != 1 and self.find(s[0]) != 1:
            self.fail(e, f"\\|...\\| is the Euclidean norm of a vector, not of {self.show(s)}")
        return Norm(arg, pos=e.pos), None

    def t_Factorial(self, e):
        arg, s = self.infer(e.arg)
        if s is not None:
            self.fail(e, "a factorial needs a scalar")
        bound = _magnitude(arg)
        if bound is not None and bound > self.limits.max_factorial + 1:
            shown = arg.value if isinstance(arg, Num) else "this"
            raise LimitError(f"{shown}! is over the cap of {self.limits.max_factorial}!")
        return Factorial(arg, pos=e.pos), None

    def t_Func(self, e):
        arg, s = self.infer(e.arg)
        if s is None or self.one(s):
            return Func(e.name, arg, pos=e.pos), s
        if e.name not in ("exp", "sin", "cos", "sqrt", "sinh", "cosh"):
            self.fail(e, f"\\{e.name} of a matrix is not in the notation")
        self.square(s, e, f"the matrix function {e.name}")
        return Func(e.name, arg, pos=e.pos), s

    def t_MatrixLit(self, e):
        n_rows, n_cols = len(e.rows), len(e.rows[0])
        if n_rows * n_cols > self.limits.max_matrix_entries:
            raise LimitError(
                f"a {n_rows}×{n_cols} matrix is over the cap of "
                f"{self.limits.max_matrix_entries} entries"
            )
        rows = []
        for row in e.rows:
            new = []
            for entry in row:
                t, s = self.infer(entry)
                if s is not None and not self.one(s):
                    self.fail(entry, f"a matrix entry must be a scalar, not {self.show(s)}")
                new.append(t)
            rows.append(tuple(new))
        return MatrixLit(tuple(rows), pos=e.pos), (n_rows, n_cols)

    def t_Relation(self, e):
        both, s = self.t_Add(Add((e.lhs, e.rhs), pos=e.pos))
        return Relation(e.op, both.terms[0], both.terms[1], pos=e.pos), s

    # after inference: put the solved sizes into I and 0
    def resolve(self, e: Expr) -> Expr:
        if isinstance(e, Identity):
            return Identity(self._dim(e.dim), pos=e.pos)
        if isinstance(e, Zero):
            return Zero(self._dim(e.rows), self._dim(e.cols), pos=e.pos)
        kids = e.children()
        if not kids:
            return e
        return e.rebuild(tuple(self.resolve(k) for k in kids))

    def _dim(self, d):
        d = self.find(d)
        return "n" if isinstance(d, str) and d.startswith("?") else d

    def resolve_shape(self, s: Shape) -> Shape:
        return None if s is None else (self._dim(s[0]), self._dim(s[1]))


def _magnitude(e: Expr) -> float | None:
    """An upper bound of |e| for an expression of numbers alone (inf when huge), else None."""
    if isinstance(e, Num):
        return float(abs(e.value.numerator) + abs(e.value.denominator))
    if isinstance(e, (Add, Mul)):
        parts = [_magnitude(c) for c in e.children()]
        if any(p is None for p in parts):
            return None
        total = 1.0
        for p in parts:
            total = total + p if isinstance(e, Add) else total * p
        return total
    if isinstance(e, Frac):
        a, b = _magnitude(e.num), _magnitude(e.den)
        return None if a is None or b is None else a * b
    if isinstance(e, Factorial):
        a = _magnitude(e.arg)
        if a is None:
            return None
        return float("inf") if a > 170 else float(math.factorial(int(a)))
    if isinstance(e, Pow):
        a, b = _magnitude(e.base), _magnitude(e.exp)
        if a is None or b is None:
            return None
        try:
            return float(a + 1) ** min(b, 1e6)
        except OverflowError:
            return float("inf")
    return None


def _shown(e: Expr) -> str:
    return str(e.value) if isinstance(e, Num) else "given"


def _integer(e: Expr) -> int | None:
    if isinstance(e, Num) and e.value.denominator == 1:
        return int(e.value)
    return None


@dataclass(frozen=True)
class Typed:
    """A typed expression with its shape (None for a scalar) and the source it was read from."""

    expr: Expr
    shape: Shape
    source: str


def typecheck(parsed: list[Parsed], env: Env, limits: Limits = DEFAULT) -> list[Typed]:
    """Type several inputs in one environment, so that I and 0 take consistent sizes."""
    out = []
    for p in parsed:
        typer = _Typer(env, p.source, limits)
        typer.letters = p.letters
        expr, shape = typer.infer(p.tree)
        out.append(Typed(typer.resolve(expr), typer.resolve_shape(shape), p.source))
    return out


def typecheck_compared(
    left: Parsed, right: Parsed, env: Env, limits: Limits = DEFAULT
) -> tuple[Typed, Typed]:
    """Type two inputs that are to be compared: a free size (of I or 0) on one side takes the
    size of the other side, as in ``\\begin{bmatrix}0&1\\\\1&0\\end{bmatrix}^2`` against ``I``.

    An error carries ``side`` (0 for ``left``, 1 for ``right``).
    """
    typer = _Typer(env, "", limits)
    out = []
    for side, p in enumerate((left, right)):
        typer.source = p.source
        typer.letters = p.letters
        try:
            out.append(typer.infer(p.tree))
        except DeriveError as exc:
            exc.side = side
            raise
    (a, sa), (b, sb) = out
    # a side that is just 0, against a matrix or vector, is the zero matrix of that size (as in
    # the relation A - A = 0, where the sum gives 0 its size)
    if sa is None and sb is not None and not typer.one(sb) and a == Num(Fraction(0)):
        a, sa = Zero(sb[0], sb[1], pos=a.pos), sb
    elif sb is None and sa is not None and not typer.one(sa) and b == Num(Fraction(0)):
        b, sb = Zero(sa[0], sa[1], pos=b.pos), sa
    if sa is not None and sb is not None and typer.fits(sa[0], sb[0]) and typer.fits(sa[1], sb[1]):
        typer.unify(sa[0], sb[0], a, "comparison")
        typer.unify(sa[1], sb[1], a, "comparison")
    return (
        Typed(typer.resolve(a), typer.resolve_shape(sa), left.source),
        Typed(typer.resolve(b), typer.resolve_shape(sb), right.source),
    )


def read(
    source: str, assume: str | Assumptions = "", relation: bool = False, limits: Limits = DEFAULT
) -> tuple[Typed, Env]:
    """Parse and type one input under the given clauses.

    >>> typed, env = read("(AB)^{-1}", "A, B invertible")
    >>> typed.expr, typed.shape
    (Inverse(arg=Mul(factors=(Sym(name='A'), Sym(name='B')))), ('n', 'n'))
    >>> read("\\\\mathbf{x}A")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    derive.errors.ShapeError: at position 11: cannot multiply a vector (n×1) by a n×n matrix: ...
    """
    assumptions = assume if isinstance(assume, Assumptions) else parse_assumptions(assume)
    p = parse(source, relation=relation, limits=limits)
    env = build_env(assumptions, [p])
    return typecheck([p], env, limits)[0], env


def shape_of(e: Expr, env: Env) -> Shape:
    """The shape of an already typed expression (None for a scalar)."""
    typer = _Typer(env, "", DEFAULT)
    _, shape = typer.infer(e)
    return typer.resolve_shape(shape)
