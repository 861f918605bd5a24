"""The symbolic decider: a normal form for matrix expressions that never commutes matrices.

An expression becomes a non-commutative polynomial: a map from *words* (ordered tuples of letters)
to scalar coefficients (SymPy expressions, commutative). A letter is a matrix or vector symbol with
flags for transpose, conjugate and inverse, normalized by the symbol's properties from our own table
(``A^T = A`` for symmetric A, ``Q^T = Q^{-1}`` for orthogonal Q, ...), or an opaque atom such as the
inverse of a sum. Words are reduced by cancelling ``XX^{-1}``, by sorting letters that are known to
commute (diagonal matrices, declared commuting pairs), and by lifting every 1×1 sub-word (``x^TAy``)
out as a scalar, identified with its transpose. Traces are taken up to rotation and transposition,
determinants are multiplied out over square factors.

Every rewrite here is an identity that holds for all matrices satisfying the assumptions, so equal
normal forms prove equality; different normal forms prove nothing (the randomized decider decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from derive.errors import LimitError
from derive.expr import (
    Abs,
    Add,
    ConjTranspose,
    Det,
    Expr,
    Frac,
    Func,
    Identity,
    Inverse,
    MatrixLit,
    Mul,
    Num,
    Pow,
    Trace,
    Transpose,
    Zero,
    walk,
)
from derive.frontend import MATRIX, SCALAR, VECTOR, Env

MAX_TERMS = 4000
REAL_FUNCS = {"exp", "sin", "cos", "sinh", "cosh"}  # real on real matrices


@dataclass(frozen=True, order=True)
class Letter:
    """One factor of a word: a symbol (or opaque atom) with its flags and its shape."""

    base: str
    t: bool = False
    c: bool = False
    inv: bool = False
    rows: object = "n"
    cols: object = "n"

    @property
    def key(self) -> str:
        return (
            self.base
            + ("ᵀ" if self.t else "")
            + ("̄" if self.c else "")
            + ("⁻¹" if self.inv else "")
        )


Word = tuple  # tuple[Letter, ...]


class NormalForm:
    """Builds normal forms in one environment; holds the registry of opaque atoms."""

    def __init__(self, env: Env):
        import sympy

        self.sp = sympy
        self.env = env
        self.opaque: dict[str, tuple] = {}  # base -> (kind, payload, props)
        self.scalar_syms: dict[str, object] = {}
        self.unit_dets: dict[object, str] = {}  # det(Q) = ±1, |det(U)| = 1

    # ------------------------------------------------------------ scalars
    def dim(self, d):
        if isinstance(d, int):
            return self.sp.Integer(d)
        return self.sp.Symbol(d, integer=True, positive=True)

    def symbol(self, name: str):
        if name in self.env.dims and self.env.get(name) is None:
            return self.dim(name)
        t = self.env[name]
        kw = {}
        if not t.complex:
            kw["real"] = True
        if t.has("positive"):
            kw["positive"] = True
        if t.has("integer"):
            kw["integer"] = True
        if t.has("nonzero"):
            kw["nonzero"] = True
        return self.sp.Symbol(name, **kw)

    def atom(self, name: str, real: bool):
        key = (name, real)
        if key not in self.scalar_syms:
            self.scalar_syms[key] = (
                self.sp.Symbol(name, real=True) if real else self.sp.Symbol(name)
            )
        return self.scalar_syms[key]

    # ------------------------------------------------------------ letters
    def letter(self, name: str) -> Letter:
        t = self.env[name]
        return self.normalize(Letter(name, rows=t.rows, cols=t.cols))

    def props(self, base: str) -> frozenset[str]:
        t = self.env.get(base)
        if t is not None:
            return t.props
        if base in self.opaque:  # real only where the atom is surely real (not sqrt(A))
            return self.opaque[base][2]
        return frozenset()

    def normalize(self, x: Letter) -> Letter:
        p = self.props(x.base)
        t, c, inv = x.t, x.c, x.inv
        if "real" in p:
            c = False
        if ("symmetric" in p or "diagonal" in p) and t:
            t = False
        if "hermitian" in p and t:
            t, c = False, not c
        if "orthogonal" in p and t:
            t, inv = False, not inv
        if "unitary" in p and t and c:
            t, c, inv = False, False, not inv
        elif "unitary" in p and t:
            t, c, inv = False, True, not inv
        rows, cols = (x.rows, x.cols)
        if x.t != t:
            rows, cols = cols, rows
        return Letter(x.base, t, c, inv, rows, cols)

    def transpose_letter(self, x: Letter, conj: bool) -> Letter:
        return self.normalize(Letter(x.base, not x.t, x.c != conj, x.inv, x.cols, x.rows))

    def conj_letter(self, x: Letter) -> Letter:
        return self.normalize(Letter(x.base, x.t, not x.c, x.inv, x.rows, x.cols))

    def invertible(self, x: Letter) -> bool:
        return x.rows == x.cols and x.rows != 1

    def commute(self, a: Letter, b: Letter) -> bool:
        if a.base == b.base and a.t == b.t and a.c == b.c:
            return True
        pa, pb = self.props(a.base), self.props(b.base)
        if "diagonal" in pa and "diagonal" in pb and not (a.c or b.c) and a.rows == b.rows:
            return True
        for group in self.env.commuting:
            if a.base in group and b.base in group and not (a.t or a.c or b.t or b.c):
                return True
        return False

    # ------------------------------------------------------------ words
    def reduce_word(self, word: Word):
        """(scalar factor, reduced word): cancel, sort commuting letters, lift 1×1 sub-words."""
        factor = self.sp.Integer(1)
        changed = True
        w = list(word)
        while changed:
            changed = False
            w = self._cancel(w)
            for i in range(len(w) - 1):
                if self.commute(w[i], w[i + 1]) and w[i + 1] < w[i]:
                    w[i], w[i + 1] = w[i + 1], w[i]
                    changed = True
            lifted = self._lift_scalar(w)
            if lifted is not None:
                s, w = lifted
                factor *= s
                changed = True
        return factor, tuple(w)

    @staticmethod
    def _cancel(w: list) -> list:
        out: list[Letter] = []
        for x in w:
            if (
                out
                and out[-1].base == x.base
                and out[-1].t == x.t
                and out[-1].c == x.c
                and (out[-1].inv != x.inv)
            ):
                out.pop()
            else:
                out.append(x)
        return out

    def _lift_scalar(self, w: list):
        best = None
        for i, x in enumerate(w):
            if x.rows != 1:
                continue
            for j in range(i, len(w)):
                if w[j].cols == 1:
                    if best is None or j - i < best[1] - best[0]:
                        best = (i, j)
                    break
        if best is None:
            return None
        i, j = best
        return self.word_scalar(tuple(w[i : j + 1])), w[:i] + w[j + 1 :]

    def transpose_word(self, w: Word, conj: bool = False) -> Word:
        return tuple(self.transpose_letter(x, conj) for x in reversed(w))

    def word_scalar(self, w: Word):
        """A 1×1 word as a scalar symbol, the same for the word and its transpose."""
        w2 = self.transpose_word(w)
        key = min(_word_key(w), _word_key(w2))
        real = all("real" in self.props(x.base) for x in w)
        return self.atom(f"⟨{key}⟩", real)

    # ------------------------------------------------------------ polynomials
    def add(self, p: dict, q: dict) -> dict:
        out = dict(p)
        for w, c in q.items():
            out[w] = out.get(w, 0) + c
        return {w: c for w, c in out.items() if c != 0}

    def scale(self, p: dict, s) -> dict:
        return {w: c * s for w, c in p.items() if c * s != 0}

    def mul(self, p: dict, q: dict) -> dict:
        if len(p) * len(q) > MAX_TERMS:
            raise LimitError("the normal form grows too large")
        out: dict = {}
        for w1, c1 in p.items():
            for w2, c2 in q.items():
                f, w = self.reduce_word(w1 + w2)
                out[w] = out.get(w, 0) + c1 * c2 * f
        return {w: c for w, c in out.items() if c != 0}

    def scalar_of(self, p: dict):
        """The scalar value of a polynomial that has no matrix words."""
        if any(w != () for w in p):
            raise _NotScalar()
        return p.get((), self.sp.Integer(0))

    def const(self, s) -> dict:
        return {(): s} if s != 0 else {}

    def transpose(self, p: dict, conj: bool) -> dict:
        out: dict = {}
        for w, c in p.items():
            f, w2 = self.reduce_word(self.transpose_word(w, conj))
            out[w2] = out.get(w2, 0) + (self.conj_scalar(c) if conj else c) * f
        return {w: c for w, c in out.items() if c != 0}

    def conj(self, p: dict) -> dict:
        out: dict = {}
        for w, c in p.items():
            f, w2 = self.reduce_word(tuple(self.conj_letter(x) for x in w))
            out[w2] = out.get(w2, 0) + self.conj_scalar(c) * f
        return out

    def conj_scalar(self, s):
        return self.sp.conjugate(s)  # conjugates of complex atoms stay as they are

    def opaque_letter(self, kind: str, payload, rows, cols, props=frozenset()) -> dict:
        base = f"{kind}[{_poly_key(payload) if isinstance(payload, dict) else payload}]"
        if isinstance(payload, dict) and not any(w for w in payload):
            base += f"@{rows}×{cols}"  # c·I has no letter to carry its size (see _sized_key)
        self.opaque[base] = (kind, payload, frozenset(props))
        return {(Letter(base, rows=rows, cols=cols),): self.sp.Integer(1)}

    # ------------------------------------------------------------ the translation
    def nf(self, e: Expr) -> dict:
        return getattr(self, "n_" + type(e).__name__)(e)

    def n_Num(self, e):
        return self.const(self.sp.Rational(e.value.numerator, e.value.denominator))

    def n_Const(self, e):
        return self.const({"e": self.sp.E, "pi": self.sp.pi, "i": self.sp.I}[e.name])

    def n_Sym(self, e):
        t = self.env.get(e.name)
        if t is None or t.kind == SCALAR:
            return self.const(self.symbol(e.name))
        f, w = self.reduce_word((self.letter(e.name),))
        return {w: f}

    def n_Identity(self, e):
        return {(): self.sp.Integer(1)}

    def n_Zero(self, e):
        return {}

    def n_Add(self, e):
        return reduce(self.add, (self.nf(t) for t in e.terms), {})

    def n_Mul(self, e):
        polys = self._cancel_inverse_pairs([self.nf(f) for f in e.factors])
        return reduce(self.mul, polys, {(): self.sp.Integer(1)})

    def _cancel_inverse_pairs(self, polys: list[dict]) -> list[dict]:
        """P (P)^{-1} = (P)^{-1} P = I for a sum P whose inverse is an opaque atom."""
        out: list[dict] = []
        for q in polys:
            if out and (self._is_inverse_of(q, out[-1]) or self._is_inverse_of(out[-1], q)):
                out.pop()
                continue
            out.append(q)
        return out

    def _is_inverse_of(self, q: dict, p: dict) -> bool:
        if len(q) != 1 or all(w == () for w in p):
            return False
        ((w, c),) = q.items()
        return (
            c == 1
            and len(w) == 1
            and not (w[0].t or w[0].c or w[0].inv)
            and (w[0].base == f"inv[{_poly_key(p)}]")
        )

    def reduce_units(self, s):
        """det(Q)^k = det(Q)^(k mod 2) and |det(Q)| = 1 for orthogonal Q; for unitary U,
        conj(det(U)) = 1/det(U)."""
        sp = self.sp
        if not self.unit_dets:
            return s
        s = sp.expand(s)
        for d, kind in self.unit_dets.items():
            if kind == "unitary":
                s = s.replace(
                    lambda x, d=d: isinstance(x, sp.conjugate) and x.args[0] == d,
                    lambda x, d=d: 1 / d,
                )
            s = s.replace(
                lambda x, d=d: isinstance(x, sp.Abs) and x.args[0] == d, lambda x: sp.Integer(1)
            )
            if kind == "orthogonal":
                s = s.replace(
                    lambda x, d=d: x.is_Pow and x.base == d and x.exp.is_Integer,
                    lambda x, d=d: d ** (int(x.exp) % 2),
                )
        return sp.expand(s)

    def n_Frac(self, e):
        den = self.scalar_of(self.nf(e.den))
        if den == 0:
            raise _NotScalar()
        return self.scale(self.nf(e.num), 1 / den)

    def n_Pow(self, e):
        base = self.nf(e.base)
        if all(w == () for w in base):
            b = self.scalar_of(base)
            k = self.scalar_of(self.nf(e.exp))
            _guard_power(b, k)
            return self.const(b**k)
        k = _int_value(e.exp)
        if k is None or k < 0:
            shape = _shape_of_poly(base)
            try:
                integer = self.scalar_of(self.nf(e.exp)).is_integer is True
            except _NotScalar:
                integer = False
            real = {"real"} if integer and self._real_poly(base) else set()
            return self.opaque_letter("pow", (_poly_key(base), str(e.exp)), *shape, real)
        out = {(): self.sp.Integer(1)}
        for _ in range(k):
            out = self.mul(out, base)
        return out

    def n_Transpose(self, e):
        return self.transpose(self.nf(e.arg), conj=False)

    def n_ConjTranspose(self, e):
        return self.transpose(self.nf(e.arg), conj=True)

    def n_Conj(self, e):
        return self.conj(self.nf(e.arg))

    def n_Inverse(self, e):
        p = self.nf(e.arg)
        if len(p) == 1:
            ((w, c),) = p.items()
            if all(self.invertible(x) for x in w):
                inv = tuple(
                    self.normalize(Letter(x.base, x.t, x.c, not x.inv, x.rows, x.cols))
                    for x in reversed(w)
                )
                f, w2 = self.reduce_word(inv)
                return {w2: f / c}
            if len(w) == 1 and w[0].base.startswith("inv[") and not (w[0].t or w[0].c):
                return self.scale(self.opaque[w[0].base][1], 1 / c)
        shape = _shape_of_poly(p)
        if shape is None:
            raise _NotScalar()
        return self.opaque_letter("inv", p, *shape, {"real"} if self._real_poly(p) else set())

    def n_Det(self, e):
        p = self.nf(e.arg)
        if all(w == () for w in p):
            c = p.get((), self.sp.Integer(0))
            n = self._square_dim(e.arg)
            return self.const(c**n if n is not None else c)
        if len(p) == 1:
            ((w, c),) = p.items()
            n = w[0].rows
            if all(x.rows == x.cols == n for x in w):
                out = c ** self.dim(n)
                for x in w:
                    out *= self.det_letter(x)
                return self.const(out)
        return self.const(self.atom(f"det({_poly_key(p)})", self._real_poly(p)))

    def _real_poly(self, p: dict) -> bool:
        """Whether a polynomial is surely real: real coefficients and real letters only."""
        return all(
            c.is_real is True and all("real" in self.props(x.base) for x in w) for w, c in p.items()
        )

    def _square_dim(self, e: Expr):
        """The size n of a square matrix expression, or None for a scalar (or 1×1) one."""
        from derive.frontend import shape_of

        shape = shape_of(e, self.env)
        if shape is None or shape == (1, 1):
            return None
        return self.dim(shape[0])

    def det_letter(self, x: Letter):
        real = "real" in self.props(x.base)
        d = self.atom(f"det({x.base})", real)
        props = self.props(x.base)
        if "orthogonal" in props or "unitary" in props:
            self.unit_dets[d] = "orthogonal" if "orthogonal" in props else "unitary"
        if x.c:
            d = self.sp.conjugate(d)
        return 1 / d if x.inv else d

    def n_Trace(self, e):
        p = self.nf(e.arg)
        total = self.sp.Integer(0)
        for w, c in p.items():
            if w == ():
                n = self._square_dim(e.arg)
                if n is None:
                    total += c
                    continue
                total += c * n
                continue
            total += c * self.trace_word(w)
        return self.const(total)

    def trace_word(self, w: Word):
        """tr(w), the same for every rotation of w and of its transpose."""
        candidates = []
        for word in (w, self.transpose_word(w)):
            for i in range(len(word)):
                rot = list(word[i:] + word[:i])
                rot = self._cancel_cyclic(rot)
                if not rot:
                    return self.dim(w[0].rows)
                if rot[0].rows == 1 and rot[-1].cols == 1:
                    f, r = self.reduce_word(tuple(rot))
                    if r == ():
                        return f
                candidates.append(tuple(rot))
        best = min(candidates, key=_word_key)
        f, r = self.reduce_word(best)
        if r == ():
            return f
        real = all("real" in self.props(x.base) for x in best)
        return f * self.atom(f"tr({_word_key(r)})", real)

    def _cancel_cyclic(self, w: list) -> list:
        w = self._cancel(w)
        while (
            len(w) >= 2
            and w[0].base == w[-1].base
            and w[0].t == w[-1].t
            and (w[0].c == w[-1].c)
            and w[0].inv != w[-1].inv
        ):
            w = self._cancel(w[1:-1])
        return w

    def n_Rank(self, e):
        return self.const(self.atom(f"rank({self._sized_key(e.arg, self.nf(e.arg))})", True))

    def _sized_key(self, arg: Expr, p: dict) -> str:
        """The key of a polynomial, with the size of ``arg`` where no word carries one.

        A polynomial keys its words by their letters, and the letters carry the sizes; but c·I has
        the empty word, the same as the scalar c (and as c·I of any other size), so an atom made
        from it (rank(cI)) must name the size itself.
        """
        key = _poly_key(p)
        if any(w for w in p):
            return key
        from derive.frontend import shape_of

        shape = shape_of(arg, self.env) or (1, 1)  # a scalar is its 1×1 matrix
        return f"{key} @ {shape[0]}×{shape[1]}"

    def n_Norm(self, e):
        p = self.nf(e.arg)
        if all(w == () for w in p):
            return self.n_Abs(Abs(e.arg))
        shape = _shape_of_poly(p)
        inner = (
            self.mul(self.transpose(p, conj=True), p)
            if shape[1] == 1
            else self.mul(p, self.transpose(p, conj=True))
        )
        return self.const(self.sp.sqrt(self.scalar_of(inner)))

    def n_Abs(self, e):
        s = self.scalar_of(self.nf(e.arg))
        if s.is_real:
            return self.const(self.sp.Abs(s))
        return self.const(self.sp.sqrt(self.sp.expand(s * self.conj_scalar(s))))

    def n_Factorial(self, e):
        s = self.scalar_of(self.nf(e.arg))
        if s.is_Integer and s > 50:
            raise LimitError("factorial over the cap")
        return self.const(self.sp.factorial(s))

    def n_Func(self, e):
        p = self.nf(e.arg)
        if all(w == () for w in p):
            s = self.scalar_of(p)
            fn = {
                "exp": self.sp.exp,
                "sin": self.sp.sin,
                "cos": self.sp.cos,
                "tan": self.sp.tan,
                "log": self.sp.log,
                "sqrt": self.sp.sqrt,
                "sinh": self.sp.sinh,
                "cosh": self.sp.cosh,
                "tanh": self.sp.tanh,
            }[e.name]
            return self.const(fn(s))
        shape = _shape_of_poly(p)
        real = e.name in REAL_FUNCS and self._real_poly(p)  # sqrt(A), log(A) may be complex
        return self.opaque_letter(e.name, p, *shape, {"real"} if real else set())

    def n_MatrixLit(self, e):
        raise _Explicit()

    def n_Relation(self, e):
        raise _NotScalar()


class _NotScalar(Exception):
    pass


class _Explicit(Exception):
    pass


def _word_key(w: Word) -> str:
    return " ".join(x.key for x in w)


def _poly_key(p: dict) -> str:
    return " + ".join(sorted(f"({c})·{_word_key(w)}" for w, c in p.items()))


def _shape_of_poly(p: dict):
    for w in p:
        if w:
            return (w[0].rows, w[-1].cols)
    return ("n", "n")


def _int_value(e: Expr):
    if isinstance(e, Num) and e.value.denominator == 1:
        return int(e.value)
    return None


def _guard_power(b, k) -> None:
    """Refuse a symbolic power whose expansion would be too large."""
    if k.is_Integer and abs(int(k)) > 8 and (b.is_Add or b.is_Mul):
        terms = len(b.args) if b.is_Add else 1
        if terms > 1 and abs(int(k)) > 12:
            raise LimitError("the expansion is too large for the normal form")


def _simplify_zero(sp, expr) -> bool:
    if expr == 0:
        return True
    if _expansion_too_large(expr):
        return False
    d = sp.expand(expr)
    if d == 0:
        return True
    d = sp.cancel(sp.together(d))
    if d == 0:
        return True
    return sp.expand(sp.radsimp(d)) == 0


def _expansion_too_large(expr) -> bool:
    for node in expr.atoms() | set(expr.find(lambda x: x.is_Pow)):
        if getattr(node, "is_Pow", False) and node.exp.is_Integer and node.base.is_Add:
            k, m = abs(int(node.exp)), len(node.base.args)
            if k > 1 and _binom(k + m - 1, m - 1) > MAX_TERMS:
                return True
    return False


def _binom(n: int, k: int) -> int:
    from math import comb

    return comb(n, k)


def equal_normal_forms(left: Expr, right: Expr, env: Env) -> bool:
    """True when the normal forms agree (a proof); False when they differ or do not apply."""
    import sympy

    explicit = any(isinstance(n, MatrixLit) for e in (left, right) for n in walk(e))
    if explicit:
        return _equal_explicit(left, right, env)
    builder = NormalForm(env)
    try:
        p, q = builder.nf(left), builder.nf(right)
    except (_NotScalar, _Explicit):
        return False
    for w in set(p) | set(q):
        diff = p.get(w, 0) - q.get(w, 0)
        if not _simplify_zero(sympy, diff) and not _simplify_zero(
            sympy, builder.reduce_units(diff)
        ):
            return False
    return True


def dimension_witness(left: Expr, right: Expr, env: Env, largest: int = 64):
    """Sizes at which the two sides differ, when their normal forms differ by a nonzero
    polynomial in the sizes (``\\operatorname{tr}(I)`` is n), possibly times other atoms: such a
    claim fails for some sizes, and trials at these sizes show it (the sizes only steer the
    trials; a verdict still needs an instance). None when no such sizes are found."""
    import itertools

    import sympy

    if any(isinstance(n, MatrixLit) for e in (left, right) for n in walk(e)):
        return None
    builder = NormalForm(env)
    try:
        p, q = builder.nf(left), builder.nf(right)
    except (_NotScalar, _Explicit, LimitError):
        return None
    diffs = [sympy.expand(p.get(w, 0) - q.get(w, 0)) for w in set(p) | set(q)]
    diffs = [d for d in diffs if d != 0]
    if not diffs:
        return None
    from derive.randomized import dims_of

    names = set(dims_of(env, [left, right]))
    dims = sorted(
        {
            s
            for d in diffs
            for s in d.free_symbols
            if s.name in names and s.is_integer and s.is_positive
        },
        key=str,
    )
    if not dims or len(dims) > 3:
        return None
    bound = {1: largest, 2: 16, 3: 8}[len(dims)]
    points = sorted(
        itertools.product(range(1, bound + 1), repeat=len(dims)), key=lambda pt: (max(pt), pt)
    )
    for pt in points:
        at = dict(zip(dims, pt, strict=True))
        if any(sympy.expand(d.subs(at)) != 0 for d in diffs):
            return {s.name: v for s, v in at.items()}
    return None


def _equal_explicit(left: Expr, right: Expr, env: Env) -> bool:
    """Explicit matrices with no matrix symbols: compute both sides exactly with SymPy."""
    import sympy

    if any(t.kind in (MATRIX, VECTOR) for _, t in env.symbols):
        return False
    builder = _Explicit_(env)
    try:
        a, b = builder.ev(left), builder.ev(right)
    except (_NotScalar, ValueError, ZeroDivisionError, NotImplementedError, TypeError):
        return False
    if isinstance(a, sympy.MatrixBase) != isinstance(b, sympy.MatrixBase):
        return False
    if isinstance(a, sympy.MatrixBase):
        if a.shape != b.shape:
            return False
        return all(_simplify_zero(sympy, x - y) for x, y in zip(a, b, strict=True))
    return _simplify_zero(sympy, a - b)


class _Explicit_:
    """Exact evaluation of explicit-matrix expressions with SymPy (no symbolic matrices)."""

    def __init__(self, env: Env):
        import sympy

        self.sp = sympy
        self.scalars = NormalForm(env)

    def ev(self, e: Expr):
        sp = self.sp
        if isinstance(e, MatrixLit):
            return sp.Matrix([[self.scalar(x) for x in row] for row in e.rows])
        if isinstance(e, Identity):
            if not isinstance(e.dim, int):
                raise _NotScalar()
            return sp.eye(e.dim)
        if isinstance(e, Zero):
            if not (isinstance(e.rows, int) and isinstance(e.cols, int)):
                raise _NotScalar()
            return sp.zeros(e.rows, e.cols)
        if isinstance(e, Add):
            return reduce(lambda a, b: a + b, (self.ev(t) for t in e.terms))
        if isinstance(e, Mul):
            return reduce(self._mul, (self.ev(f) for f in e.factors))
        if isinstance(e, Frac):
            return self.ev(e.num) / self.scalar(e.den)
        if isinstance(e, Transpose):
            return self._t(self.ev(e.arg))
        if isinstance(e, ConjTranspose):
            v = self.ev(e.arg)
            return v.H if isinstance(v, sp.MatrixBase) else sp.conjugate(v)
        if isinstance(e, Inverse):
            return self.ev(e.arg).inv()
        if isinstance(e, Det):
            v = self.ev(e.arg)
            return v.det() if isinstance(v, sp.MatrixBase) else v
        if isinstance(e, Trace):
            v = self.ev(e.arg)
            return v.trace() if isinstance(v, sp.MatrixBase) else v
        if isinstance(e, Pow):
            v = self.ev(e.base)
            if isinstance(v, sp.MatrixBase):
                k = _int_value(e.exp)
                if k is None or abs(k) > 16:
                    raise _NotScalar()
                return v**k
            return self.scalar(e)
        if isinstance(e, Func):
            v = self.ev(e.arg)
            if isinstance(v, sp.MatrixBase):
                if not v.is_diagonal():
                    raise _NotScalar()
                fn = {
                    "exp": sp.exp,
                    "sin": sp.sin,
                    "cos": sp.cos,
                    "sqrt": sp.sqrt,
                    "sinh": sp.sinh,
                    "cosh": sp.cosh,
                }[e.name]
                return sp.diag(*[fn(v[i, i]) for i in range(v.rows)])
            return self.scalar(e)
        return self.scalar(e)

    def _mul(self, a, b):
        sp = self.sp
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
            if a.cols != b.rows:
                if a.shape == (1, 1):
                    return a[0, 0] * b
                if b.shape == (1, 1):
                    return a * b[0, 0]
            return a * b
        return a * b

    def _t(self, v):
        return v.T if isinstance(v, self.sp.MatrixBase) else v

    def scalar(self, e: Expr):
        if any(isinstance(n, (MatrixLit, Identity, Zero)) for n in walk(e)):
            computed = (
                MatrixLit,
                Identity,
                Zero,
                Add,
                Mul,
                Frac,
                Transpose,
                ConjTranspose,
                Inverse,
                Det,
                Trace,
            )
            v = self.ev(e) if isinstance(e, computed) else None  # rank, norm, ...: not computed
            if v is None or isinstance(v, self.sp.MatrixBase):
                raise _NotScalar()
            return v
        return self.scalars.scalar_of(self.scalars.nf(e))
