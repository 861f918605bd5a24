"""The proof kernel: checks that each step of a derivation follows from the rule it cites.

A step ``prev ~ next by RULE`` is accepted when RULE, applied at one place of ``prev`` (forward) or of
``next`` (backward), turns one into the other, up to associativity, commutativity of sums, and scalar
arithmetic (``same``). A place is any subterm, or any run of consecutive factors of a product. Rules
are base rules (small functions in ``derive.rules``), earlier catalogue entries (used as patterns
whose symbols are instantiated), or hypotheses of the theorem (used as they stand). Relational steps
(``>``, ``\\ge``, ``\\ne``, ``\\le``) apply their rule at the whole expression only.

This module imports only the expression tree, the base rules, and SymPy for scalar arithmetic: it
knows nothing of how proofs are searched for or printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from derive.errors import DeriveError
from derive.expr import Add, Expr, Frac, Identity, MatrixLit, Mul, Num, Pow, Relation, Sym, Zero
from derive.frontend import SCALAR, Env, shape_of

RootRule = Callable[[Expr, Env], list]  # an expression -> [rewritten] or [(relation, rewritten)]


@dataclass(frozen=True)
class Rule:
    name: str
    apply: RootRule
    relational: bool = False  # applies at the root, giving (relation, expr) pairs


# ---------------------------------------------------------------- "the same, up to arithmetic"

def same(a: Expr, b: Expr, env: Env) -> bool:
    """Equal up to associativity, commutativity of +, and scalar arithmetic."""
    try:
        return canon(a, env) == canon(b, env)
    except Exception:  # noqa: BLE001 (what cannot be read is not the same)
        return False


def canon(e: Expr, env: Env):
    """A hashable canonical key: sums of (scalar coefficient, ordered matrix factors)."""
    return _Canon(env).key(e)


class _Canon:
    def __init__(self, env: Env):
        import sympy

        self.sp, self.env = sympy, env
        self.atoms: dict[str, object] = {}

    def is_scalar(self, e: Expr) -> bool:
        try:
            s = shape_of(e, self.env)
        except Exception:  # noqa: BLE001 (an ill-typed step is simply not the same)
            return False
        return s is None or s == (1, 1) and not _has_matrix_factor(e, self.env)

    def key(self, e: Expr):
        """The shape (so that (x^Tx)I, n×n, is not x^Tx, 1×1) and the sorted terms."""
        shape = shape_of(e, self.env)
        terms = self.terms(e)
        sp = self.sp
        if any(sp.sympify(c).has(sp.nan, sp.zoo, sp.oo, -sp.oo) for c in terms.values()):
            # a division by zero: 0/0 is nan and c + nan is nan, so nan = nan would make c = d
            raise ValueError("a division by zero has no canonical form")
        return ("1x1" if shape in (None, (1, 1)) else shape,
                tuple(sorted(((str(c), m) for m, c in terms.items() if c != 0), key=repr)))

    def terms(self, e: Expr) -> dict:
        """matrix part (tuple of factor keys) -> sympy coefficient."""
        sp = self.sp
        if isinstance(e, Add):
            out: dict = {}
            for t in e.terms:
                for m, c in self.terms(t).items():
                    out[m] = sp.expand(out.get(m, 0) + c)
            return out
        if isinstance(e, Zero):
            return {}
        if isinstance(e, Identity):
            return {("I",): sp.Integer(1)}
        if self.is_scalar(e):
            return {(): self.scalar(e)}
        if isinstance(e, Mul):
            coef, mats = sp.Integer(1), []
            for f in _flat_factors(e):
                sub = self.terms(f)
                if len(sub) == 1:
                    (m, c), = sub.items()
                    coef *= c
                    mats.extend(x for x in m if x != "I")
                else:
                    mats.append(("sum", tuple(sorted(((str(c), m) for m, c in sub.items()),
                                                     key=repr))))
            return {tuple(mats) or ("I",): sp.expand(coef)}
        if isinstance(e, Frac):
            return {m: c * self.reciprocal(e.den) for m, c in self.terms(e.num).items()}
        kids = tuple(self.key(k) for k in e.children())
        # an explicit matrix keys its shape too: its entries alone do not tell 1×4 from 2×2
        name = (len(e.rows), len(e.rows[0])) if isinstance(e, MatrixLit) else getattr(
            e, "name", None)
        return {((type(e).__name__, name, kids),): self.sp.Integer(1)}

    def scalar(self, e: Expr):
        sp = self.sp
        if isinstance(e, Num):
            return sp.Rational(e.value.numerator, e.value.denominator)
        if isinstance(e, Sym) and self.env.get(e.name) is not None or isinstance(e, Sym) and (
                e.name in self.env.dims):
            return sp.Symbol(e.name)
        if isinstance(e, Add):
            return sp.Add(*[self.scalar(t) for t in e.terms])
        if isinstance(e, Mul) and all(self.is_scalar(f) for f in e.factors):
            return sp.Mul(*[self.scalar(f) for f in e.factors])
        if isinstance(e, Frac):
            return self.scalar(e.num) * self.reciprocal(e.den)
        if isinstance(e, Pow) and self.is_scalar(e.base):
            from derive.rules import is_nonzero

            if is_nonzero(e.base, self.env):
                return self.scalar(e.base) ** self.scalar(e.exp)
            if isinstance(e.exp, Num):
                if e.exp.value >= 0:
                    return self.scalar(e.base) ** self.scalar(e.exp)
                return self.reciprocal(e.base) ** self.scalar(Num(-e.exp.value))
        return self.atom(e)

    def atom(self, e: Expr, tag: str | None = None):
        """An opaque scalar: a symbol standing for ``e`` (or for its reciprocal, with a tag)."""
        key = repr((tag or type(e).__name__, getattr(e, "name", None),
                    tuple(self.key(k) for k in e.children()) if tag is None else self.key(e)))
        if key not in self.atoms:
            self.atoms[key] = self.sp.Symbol(f"atom{len(self.atoms)}_{abs(hash(key))}")
        return self.atoms[key]

    def reciprocal(self, den: Expr):
        """1/den, cancelled against den only when den is known to be nonzero: otherwise
        (cx)/x = c would hold where x = 0 too, and an x that is secretly 0 proves c = d."""
        from derive.rules import is_nonzero

        if is_nonzero(den, self.env):
            return 1 / self.scalar(den)
        if self.scalar(den) == 0:
            raise ValueError("a division by zero has no canonical form")
        return self.atom(den, tag="reciprocal")


def _flat_factors(e: Mul) -> list[Expr]:
    """The factors of a product with nested products opened (associativity)."""
    out: list[Expr] = []
    for f in e.factors:
        out.extend(_flat_factors(f) if isinstance(f, Mul) else [f])
    return out


def _has_matrix_factor(e: Expr, env: Env) -> bool:
    """A 1×1 product of vectors and matrices (x^TAy) is kept as a product, not a scalar atom."""
    if isinstance(e, Mul):
        for f in _flat_factors(e):
            s = shape_of(f, env)
            if s is not None and s != (1, 1):
                return True
    return False


# ---------------------------------------------------------------- places

def places(e: Expr) -> Iterator[tuple[Expr, Callable[[Expr], Expr]]]:
    """Every (subterm, plug) where ``plug(new)`` rebuilds ``e`` with the subterm replaced."""
    yield e, lambda new: new
    if isinstance(e, Mul):
        fs = e.factors
        for i in range(len(fs)):
            for j in range(i + 2, len(fs) + 1):
                if (i, j) == (0, len(fs)):
                    continue
                seg = Mul(fs[i:j])
                yield seg, (lambda new, i=i, j=j: Mul(fs[:i] + (new,) + fs[j:]))
    if isinstance(e, Add) and len(e.terms) > 2:
        ts = e.terms
        for i in range(len(ts)):
            for j in range(i + 2, len(ts) + 1):
                if (i, j) == (0, len(ts)):
                    continue
                seg = Add(ts[i:j])
                yield seg, (lambda new, i=i, j=j: Add(ts[:i] + (new,) + ts[j:]))
    kids = e.children()
    for k, child in enumerate(kids):
        for sub, plug in places(child):
            def rebuild(new, k=k, plug=plug):
                return e.rebuild(kids[:k] + (plug(new),) + kids[k + 1 :])
            yield sub, rebuild


def rewrites(e: Expr, rule: Rule, env: Env) -> Iterator[Expr]:
    """Every expression that one application of ``rule`` at one place of ``e`` gives; the places
    of ``e`` as written and, up to associativity, of ``e`` with nested products opened."""
    flat = flatten_products(e)
    for form in (e, flat) if flat != e else (e,):
        yield from _rewrites_at_places(form, rule, env)


def flatten_products(e: Expr) -> Expr:
    """``e`` with every product inside a product opened: (AB)C -> ABC."""
    kids = e.children()
    if not kids:
        return e
    e = e.rebuild(tuple(flatten_products(k) for k in kids))
    if isinstance(e, Mul) and any(isinstance(f, Mul) for f in e.factors):
        return Mul(tuple(_flat_factors(e)))
    return e


def _rewrites_at_places(e: Expr, rule: Rule, env: Env) -> Iterator[Expr]:
    for sub, plug in places(e):
        if not _well_typed(sub, env):
            continue  # x I in (x^Tx)I is no sub-product: there the 1×1 x^Tx is a scalar
        try:
            results = rule.apply(sub, env)
        except (DeriveError, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError):
            continue
        for new in results:
            yield plug(new)


# ---------------------------------------------------------------- steps and chains

@dataclass
class StepCheck:
    ok: bool
    message: str = ""


def check_step(prev: Expr, nxt: Expr, rule: Rule, relation: str, env: Env) -> StepCheck:
    """Does ``prev RELATION nxt`` follow from one application of ``rule``?"""
    if rule.relational:
        for rel, new in _safe(rule.apply, prev, env):
            if rel == relation and same(new, nxt, env):
                return StepCheck(True)
        return StepCheck(False, f"{rule.name} does not give this {relation} at the whole expression")
    if relation != "=":
        return StepCheck(False, f"{rule.name} is an equation; it cannot justify '{relation}'")
    target = canon(nxt, env)
    for new in rewrites(prev, rule, env):
        if _key(new, env) == target:
            return StepCheck(True)
    source = canon(prev, env)
    for new in rewrites(nxt, rule, env):
        if _key(new, env) == source:
            return StepCheck(True)
    return StepCheck(False, f"{rule.name}, applied at any one place in either direction, does not "
                     "turn the one expression into the other")


def _well_typed(e: Expr, env: Env) -> bool:
    try:
        shape_of(e, env)
        return True
    except Exception:  # noqa: BLE001
        return False


def _key(e: Expr, env: Env):
    """The canonical key of a well-typed expression; None for an ill-typed rewrite."""
    try:
        shape_of(e, env)
        return canon(e, env)
    except Exception:  # noqa: BLE001 (an ill-formed rewrite matches nothing)
        return None


def _safe(fn, e, env):
    try:
        return fn(e, env)
    except (DeriveError, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError):
        return []


COMPOSE = {
    ("=", "="): "=", ("=", ">"): ">", (">", "="): ">", (">", ">"): ">", ("=", ">="): ">=",
    (">=", "="): ">=", (">=", ">="): ">=", (">", ">="): ">", (">=", ">"): ">",
    ("=", "<="): "<=", ("<=", "="): "<=", ("<=", "<="): "<=", ("=", "<"): "<", ("<", "="): "<",
    ("<", "<"): "<", ("<", "<="): "<", ("<=", "<"): "<", ("=", "!="): "!=", ("!=", "="): "!=",
    ("=", "~"): "~", ("~", "="): "~", ("~", "~"): "~",  # row equivalence
}


def compose(a: str, b: str) -> str | None:
    """The relation of a chain ``x a y b z``, or None when it proves nothing."""
    return COMPOSE.get((a, b))


def weaker_or_equal(got: str, wanted: str) -> bool:
    """Whether proving ``got`` proves ``wanted`` (``>`` proves ``\\ge`` and ``\\ne``)."""
    return got == wanted or (got, wanted) in {(">", ">="), ("<", "<="), (">", "!="), ("<", "!=")}


# ---------------------------------------------------------------- catalogue entries as rules

def pattern_rule(name: str, statement: Relation, conditions: dict[str, set[str]],
                 pattern_env: Env, hypothesis: bool = False) -> Rule:
    """An earlier entry ``L = R`` as a rule: its symbols are instantiated by matching.

    A hypothesis (``hypothesis=True``) is used as it stands: nothing is instantiated.
    """
    from derive.expr import symbols
    from derive.rules import has_property

    # an entry's sizes are its own: its n is no size of the citing theorem, so its symbolic sizes
    # are metavariables too (SIZES), each bound to one size of what the match takes
    metas = set() if hypothesis else {n for n, _ in pattern_env.symbols} | {SIZES}

    def instances(lhs: Expr, rhs: Expr, e: Expr, env: Env):
        """The instantiated right sides: every symbol of the rule bound by the match (no fresh
        symbols on the right, and no I or 0 of an unbound size), and every condition met by what
        it is bound to."""
        needed = symbols(rhs) & metas | ({("size", d) for d in _sizes(rhs)} if SIZES in metas
                                         else set())
        for binding in match(lhs, e, metas, pattern_env, env):
            if needed <= set(binding) and all(
                    has_property(binding[n], p, env) for n, props in conditions.items()
                    if n in binding for p in props) and set(conditions) & metas <= set(binding):
                yield substitute(rhs, binding)

    def apply(e: Expr, env: Env) -> list:
        return [new for lhs, rhs in ((statement.lhs, statement.rhs), (statement.rhs, statement.lhs))
                for new in instances(lhs, rhs, e, env)]

    if statement.op != "=":
        def apply_rel(e: Expr, env: Env) -> list:
            return [(statement.op, new) for new in instances(statement.lhs, statement.rhs, e, env)]
        return Rule(name, apply_rel, relational=True)
    return Rule(name, apply)


SIZES = "#sizes"  # in ``metas``: the pattern's symbolic sizes are metavariables


def _sizes(e: Expr) -> set[str]:
    """The symbolic sizes of the identities and zeros in ``e``."""
    from derive.expr import walk

    return {d for node in walk(e) if isinstance(node, (Identity, Zero))
            for d in _dims(node) if isinstance(d, str)}


def _dims(e: Identity | Zero) -> tuple:
    return (e.dim,) if isinstance(e, Identity) else (e.rows, e.cols)


def _bind_sizes(pattern_dims, subject_dims, metas: set[str], binding: dict) -> bool:
    """Bind each symbolic size of the pattern to the subject's size there, consistently."""
    if SIZES not in metas:
        return True
    for p, s in zip(pattern_dims, subject_dims, strict=True):
        if isinstance(p, str) and binding.setdefault(("size", p), s) != s:
            return False
    return True


def substitute(e: Expr, binding: dict[str, Expr]) -> Expr:
    if isinstance(e, Sym) and e.name in binding:
        return binding[e.name]
    if isinstance(e, Identity) and ("size", e.dim) in binding:
        return Identity(binding[("size", e.dim)])
    if isinstance(e, Zero) and (("size", e.rows) in binding or ("size", e.cols) in binding):
        return Zero(binding.get(("size", e.rows), e.rows), binding.get(("size", e.cols), e.cols))
    kids = e.children()
    if not kids:
        return e
    new = tuple(substitute(k, binding) for k in kids)
    if isinstance(e, Mul):
        flat: list[Expr] = []
        for f in new:
            flat.extend(f.factors if isinstance(f, Mul) else (f,))
        return Mul(tuple(flat))
    return e.rebuild(new)


def match(pattern: Expr, subject: Expr, metas: set[str], penv: Env, env: Env,
          binding: dict | None = None) -> Iterator[dict]:
    """Every binding of the metavariables that makes ``pattern`` the same as ``subject``."""
    binding = dict(binding or {})
    if isinstance(pattern, Sym) and pattern.name in metas:
        if not _kind_fits(pattern.name, subject, penv, env):
            return
        want = penv[pattern.name]
        if want.kind != SCALAR and not _bind_sizes((want.rows, want.cols), shape_of(subject, env),
                                                   metas, binding):
            return
        bound = binding.get(pattern.name)
        if bound is None:
            binding[pattern.name] = subject
            yield binding
        elif same(bound, subject, env):
            yield binding
        return
    if isinstance(pattern, Mul) and isinstance(subject, Mul):
        yield from _match_seq(pattern.factors, subject.factors, metas, penv, env, binding)
        return
    if isinstance(pattern, Mul) and len(pattern.factors) == 1:
        yield from match(pattern.factors[0], subject, metas, penv, env, binding)
        return
    if type(pattern) is not type(subject):
        return
    if isinstance(pattern, (Identity, Zero)):
        if _sizes_fit(pattern, subject) and _bind_sizes(_dims(pattern), _dims(subject), metas,
                                                        binding):
            yield binding
        return
    if isinstance(pattern, Num) or not pattern.children():
        if pattern == subject:
            yield binding
        return
    if getattr(pattern, "name", None) != getattr(subject, "name", None):
        return
    pk, sk = pattern.children(), subject.children()
    if len(pk) != len(sk):
        return
    yield from _match_all(list(pk), list(sk), metas, penv, env, binding)


def _sizes_fit(pattern: Identity | Zero, subject: Expr) -> bool:
    """An identity or zero whose size is written as a number is that size: I (2×2) is not I (n×n),
    whose trace is n."""
    if isinstance(pattern, Identity):
        pairs = ((pattern.dim, subject.dim),)
    else:
        pairs = ((pattern.rows, subject.rows), (pattern.cols, subject.cols))
    return not any(isinstance(p, int) and p != s for p, s in pairs)


def _match_all(ps, ss, metas, penv, env, binding):
    if not ps:
        yield binding
        return
    for b in match(ps[0], ss[0], metas, penv, env, binding):
        yield from _match_all(ps[1:], ss[1:], metas, penv, env, b)


def _match_seq(ps, ss, metas, penv, env, binding):
    """Associative matching: a matrix metavariable may take a run of consecutive factors."""
    if not ps:
        if not ss:
            yield binding
        return
    p = ps[0]
    is_meta = isinstance(p, Sym) and p.name in metas and penv[p.name].kind != SCALAR
    longest = len(ss) - (len(ps) - 1) if is_meta else 1
    for k in range(1, max(longest, 0) + 1):
        chunk = ss[0] if k == 1 else Mul(tuple(ss[:k]))
        for b in match(p, chunk, metas, penv, env, binding):
            yield from _match_seq(ps[1:], ss[k:], metas, penv, env, b)


def _kind_fits(name: str, subject: Expr, penv: Env, env: Env) -> bool:
    """A metavariable takes an expression of its kind; a real one (the default) only a real one."""
    from derive.rules import _real_valued

    want = penv[name]
    if not want.complex and not _real_valued(subject, env):
        return False
    try:
        s = shape_of(subject, env)
    except Exception:  # noqa: BLE001
        return False
    if want.kind == SCALAR:
        return s is None or s == (1, 1)
    if s is None:
        return False
    if any(isinstance(w, int) and got != w for w, got in ((want.rows, s[0]), (want.cols, s[1]))):
        return False  # a size written as a number is that size: B n×1 takes no n×n matrix
    if want.kind == "vector":
        return s[1] == 1 and s[0] != 1
    if want.rows == want.cols:
        return s[0] == s[1] and s[0] != 1
    return s[0] != 1 or s[1] != 1

