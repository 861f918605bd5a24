"""Soundness of the deciders on random typed expressions (hypothesis).

The two deciders of ``derive check`` must never contradict each other in the dangerous direction:

1. a derivation never proves a false identity: whenever the search finds a chain the kernel
   accepts (the symbolic decider of ``check``), exact evaluation on random instances finds no
   counterexample;
2. a pair that exact evaluation refutes (with a seed other than the one ``check`` uses) is never
   called "equivalent" by ``check``;
3. the LaTeX printer round-trips: reading ``latex(e)`` again gives an expression that the deciders
   cannot tell apart from ``e``, and that the kernel's canonical form calls the same.

Expressions are built directly as typed trees over A, B, C (square n×n), x, y (n-vectors) and
a, b (scalars), under a random set of assumptions. The second side of a pair is either an
independent random expression or a random *rewrite* of the first one, by a true identity
(``(XY)^T -> Y^TX^T``) or by a classic false one (``(XY)^T -> X^TY^T``), so that true and false
pairs both occur often.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.checker import decide
from derive.errors import DeriveError
from derive.expr import (
    Add,
    ConjTranspose,
    Det,
    Expr,
    Frac,
    Identity,
    Inverse,
    Mul,
    Norm,
    Num,
    Pow,
    Sym,
    Trace,
    Transpose,
)
from derive.frontend import (
    Env,
    Parsed,
    build_env,
    parse,
    parse_assumptions,
    typecheck,
)
from derive.prove import derivation
from derive.randomized import run_trials
from derive.render import latex

CHECK_SEED = 20261125  # the seed check() uses by default
OTHER_SEEDS = (7, 1234567)

MATRICES = ("A", "B", "C")
VECTORS = ("x", "y")
SCALARS = ("a", "b")
INVERTIBLE = {"invertible", "orthogonal", "positive_definite", "unitary"}

REAL_PROPS = [
    (),
    (),
    ("symmetric",),
    ("orthogonal",),
    ("invertible",),
    ("diagonal",),
    ("positive_definite",),
    ("positive_semidefinite",),
    ("symmetric", "invertible"),
    ("diagonal", "invertible"),
]
COMPLEX_PROPS = [(), ("complex",), ("hermitian",), ("unitary",), ("complex", "invertible")]

# DERIVE_FUZZ_EXAMPLES=5000 runs a long, randomized soak of the same properties.
FUZZ = int(os.environ.get("DERIVE_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=FUZZ or 200,
    deadline=None,
    derandomize=not FUZZ,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


# ---------------------------------------------------------------- the world of one example


@dataclass(frozen=True)
class World:
    clauses: str
    env: Env
    invertible: tuple[str, ...]
    complex: bool


@st.composite
def worlds(draw) -> World:
    complex_ = draw(st.sampled_from([False, False, False, True]))
    table = COMPLEX_PROPS if complex_ else REAL_PROPS
    clauses = [
        f"{', '.join(MATRICES)} matrix",
        f"{', '.join(VECTORS)} vector",
        f"{', '.join(SCALARS)} scalar",
    ]
    invertible = []
    for name in MATRICES:
        props = draw(st.sampled_from(table))
        clauses += [f"{name} {p}" for p in props]
        if set(props) & INVERTIBLE:
            invertible.append(name)
    if complex_:
        clauses.append(f"{', '.join(VECTORS)} complex")
    if draw(st.booleans()):
        clauses.append("a nonzero")
    text = "; ".join(clauses)
    env = build_env(parse_assumptions(text), [])
    return World(text, env, tuple(invertible), complex_)


# ---------------------------------------------------------------- random typed expressions

M, V, S = "M", "V", "S"  # n×n matrix, n-vector, scalar


def neg(e: Expr) -> Expr:
    return Mul((Num(Fraction(-1)), e))


def transpose(world: World, e: Expr) -> Expr:
    return ConjTranspose(e) if world.complex else Transpose(e)


def expr_of(draw, world: World, kind: str, depth: int) -> Expr:
    """A random expression of the given kind; ``depth`` bounds the nesting."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return leaf(draw, world, kind)
    sub = depth - 1
    if kind == M:
        choice = draw(st.integers(0, 9))
        if choice == 0:
            return Add((expr_of(draw, world, M, sub), expr_of(draw, world, M, sub)))
        if choice == 1:
            return Add((expr_of(draw, world, M, sub), neg(expr_of(draw, world, M, sub))))
        if choice in (2, 3):
            return Mul((expr_of(draw, world, M, sub), expr_of(draw, world, M, sub)))
        if choice == 4:
            return Mul((expr_of(draw, world, S, sub), expr_of(draw, world, M, sub)))
        if choice == 5:
            return Transpose(expr_of(draw, world, M, sub))
        if choice == 6:
            return transpose(world, expr_of(draw, world, M, sub))
        if choice == 7 and world.invertible:
            return Inverse(product_of_invertibles(draw, world))
        if choice == 8:
            if draw(st.booleans()):  # an inverse "where it exists": an opaque atom
                return Inverse(Add((Identity("n"), expr_of(draw, world, M, min(sub, 1)))))
            return Pow(expr_of(draw, world, M, sub), Num(Fraction(draw(st.integers(2, 3)))))
        return Mul((expr_of(draw, world, V, sub), transpose(world, expr_of(draw, world, V, sub))))
    if kind == V:
        choice = draw(st.integers(0, 3))
        if choice == 0:
            return Mul((expr_of(draw, world, M, sub), expr_of(draw, world, V, sub)))
        if choice == 1:
            return Mul((expr_of(draw, world, S, sub), expr_of(draw, world, V, sub)))
        if choice == 2:
            return Add((expr_of(draw, world, V, sub), expr_of(draw, world, V, sub)))
        return Add((expr_of(draw, world, V, sub), neg(expr_of(draw, world, V, sub))))
    choice = draw(st.integers(0, 8))
    if choice == 7:
        return Norm(expr_of(draw, world, V, min(sub, 1)))
    if choice == 8:
        return Frac(expr_of(draw, world, S, sub), expr_of(draw, world, S, min(sub, 1)))
    if choice == 0:
        return Trace(expr_of(draw, world, M, sub))
    if choice == 1:
        return Det(expr_of(draw, world, M, min(sub, 1)))
    if choice == 2:
        x, y = expr_of(draw, world, V, sub), expr_of(draw, world, V, sub)
        return Mul((transpose(world, x), y))
    if choice == 3:
        x, y = expr_of(draw, world, V, min(sub, 1)), expr_of(draw, world, V, min(sub, 1))
        return Mul((transpose(world, x), expr_of(draw, world, M, min(sub, 1)), y))
    if choice == 4:
        return Add((expr_of(draw, world, S, sub), expr_of(draw, world, S, sub)))
    if choice == 5:
        return Mul((expr_of(draw, world, S, sub), expr_of(draw, world, S, sub)))
    return Add((expr_of(draw, world, S, sub), neg(expr_of(draw, world, S, sub))))


def leaf(draw, world: World, kind: str) -> Expr:
    if kind == M:
        name = draw(st.sampled_from(MATRICES + ("I",)))
        if name == "I":
            return Identity("n")
        if name in world.invertible and draw(st.integers(0, 3)) == 0:
            return Inverse(Sym(name))
        return Sym(name)
    if kind == V:
        return Sym(draw(st.sampled_from(VECTORS)))
    if draw(st.integers(0, 2)) == 0:
        return Num(Fraction(draw(st.integers(-3, 3))))
    return Sym(draw(st.sampled_from(SCALARS)))


def product_of_invertibles(draw, world: World) -> Expr:
    names = draw(st.lists(st.sampled_from(world.invertible), min_size=1, max_size=3))
    factors = tuple(Sym(n) for n in names)
    return factors[0] if len(factors) == 1 else Mul(factors)


# ---------------------------------------------------------------- rewrites


def rewrites(world: World, e: Expr) -> list[Expr]:
    """Every expression obtained by one rewrite at the root, true identities and false ones."""
    out: list[Expr] = []
    if isinstance(e, (Transpose, ConjTranspose)):
        T = type(e)
        a = e.arg
        if isinstance(a, Mul) and len(a.factors) >= 2:
            out.append(Mul(tuple(T(f) for f in reversed(a.factors))))  # true
            out.append(Mul(tuple(T(f) for f in a.factors)))  # false
        if isinstance(a, Add):
            out.append(Add(tuple(T(t) for t in a.terms)))  # true
        if isinstance(a, (Transpose, ConjTranspose)):
            out.append(a.arg)  # true when both are the same kind
        out.append(a)  # true only for symmetric (hermitian) arguments
        out.append(Transpose(a) if T is ConjTranspose else ConjTranspose(a))
        if isinstance(a, Sym):
            out.append(Inverse(a))  # true for orthogonal (unitary) arguments
    if isinstance(e, Inverse):
        a = e.arg
        if isinstance(a, Mul) and len(a.factors) >= 2:
            out.append(Mul(tuple(Inverse(f) for f in reversed(a.factors))))  # true
            out.append(Mul(tuple(Inverse(f) for f in a.factors)))  # false
        out.append(Transpose(Inverse(Transpose(a))))  # true
        out.append(Transpose(a))  # true only for orthogonal
    if isinstance(e, Mul):
        f = e.factors
        if len(f) >= 2:
            out.append(Mul(tuple(reversed(f))))  # false for matrices, true for scalars
            out.append(Mul(f[1:] + f[:1]))
        for i, g in enumerate(f):
            if isinstance(g, Add):  # distribute: true
                out.append(Add(tuple(Mul(f[:i] + (t,) + f[i + 1 :]) for t in g.terms)))
    if isinstance(e, Add):
        out.append(Add(tuple(reversed(e.terms))))  # true
        out.append(Add(e.terms[:1]))  # false (drops terms)
        out.append(Add(e.terms[:-1] + (neg(e.terms[-1]),)))  # false (a sign)
    if isinstance(e, Pow) and e.exp == Num(Fraction(2)):
        x = e.base
        out.append(Mul((x, x)))  # true
        if isinstance(x, Add) and len(x.terms) == 2:
            p, q = x.terms
            out.append(Add((Mul((p, p)), Mul((Num(Fraction(2)), p, q)), Mul((q, q)))))  # false
            out.append(Add((Mul((p, p)), Mul((p, q)), Mul((q, p)), Mul((q, q)))))  # true
    if isinstance(e, Trace):
        a = e.arg
        if isinstance(a, Mul) and len(a.factors) >= 2:
            f = a.factors
            out.append(Trace(Mul(f[1:] + f[:1])))  # true (cyclic)
            if len(f) >= 3:
                out.append(Trace(Mul((f[0], f[2], f[1]) + f[3:])))  # false in general
            out.append(Mul(tuple(Trace(g) for g in f)))  # false
        out.append(Trace(Transpose(a)))  # true
        if isinstance(a, Add):
            out.append(Add(tuple(Trace(t) for t in a.terms)))  # true
    if isinstance(e, Det):
        a = e.arg
        if isinstance(a, Mul) and len(a.factors) >= 2:
            out.append(Mul(tuple(Det(g) for g in a.factors)))  # true when all are square
        if isinstance(a, Add):
            out.append(Add(tuple(Det(t) for t in a.terms)))  # false
        out.append(Det(Transpose(a)))  # true
        out.append(Num(Fraction(1)))  # false (det Q = 1 for orthogonal Q is false)
    return out


def subterms(e: Expr):
    """(path, node) for every node of ``e``."""
    yield (), e
    for i, c in enumerate(e.children()):
        for path, node in subterms(c):
            yield (i, *path), node


def replace_at(e: Expr, path: tuple[int, ...], new: Expr) -> Expr:
    if not path:
        return new
    kids = list(e.children())
    kids[path[0]] = replace_at(kids[path[0]], path[1:], new)
    return e.rebuild(tuple(kids))


@st.composite
def rewritten(draw, world: World, e: Expr) -> Expr | None:
    """``e`` with one random rewrite applied at one random place, or None if none applies."""
    spots = [(path, r) for path, node in subterms(e) for r in rewrites(world, node)]
    if not spots:
        return None
    path, new = draw(st.sampled_from(spots))
    return replace_at(e, path, new)


# ---------------------------------------------------------------- typing


def typed(world: World, e: Expr):
    """The typed form of a generated tree in the world's environment, or None if ill-typed."""
    try:
        return typecheck([Parsed(e, latex(e, set(VECTORS)))], world.env)[0]
    except DeriveError:
        return None


@st.composite
def pairs(draw):
    world = draw(worlds())
    kind = draw(st.sampled_from([M, M, V, S, S]))
    e1 = expr_of(draw, world, kind, draw(st.integers(1, 3)))
    e2 = None
    if draw(st.integers(0, 3)) > 0:
        e2 = draw(rewritten(world, e1))
        if e2 is not None and draw(st.booleans()):  # sometimes two rewrites
            e2 = draw(rewritten(world, e2)) or e2
    if e2 is None:
        e2 = expr_of(draw, world, kind, draw(st.integers(0, 3)))
    return world, e1, e2


def both_typed(world, e1, e2):
    t1, t2 = typed(world, e1), typed(world, e2)
    if t1 is None or t2 is None:
        return None
    if t1.shape != t2.shape and {t1.shape, t2.shape} - {None, (1, 1)}:
        return None
    return t1, t2


def describe(world, t1, t2) -> str:
    vec = set(VECTORS)
    return (
        f"\n  assume:   {world.clauses}\n  left:     {latex(t1.expr, vec)}\n"
        f"  right:    {latex(t2.expr, vec)}"
    )


def canonical_key(e: Expr, world: World):
    """The kernel's canonical form of ``e`` (no denominator divides out)."""
    from derive.catalogue import Entry
    from derive.core.arith import Canon
    from derive.verify import core_scope

    entry = Entry(id="e", title="", statement="0 = 0", section="", assume=world.clauses)
    return Canon(core_scope(entry, world.env), lambda _: False).key(e)


# ---------------------------------------------------------------- the properties


@SETTINGS
@given(pairs())
def test_a_derivation_never_proves_a_false_identity(example):
    """PROPERTY 1: a derivation the kernel accepts implies agreement on every random instance."""
    world, e1, e2 = example
    t = both_typed(world, e1, e2)
    if t is None:
        return
    t1, t2 = t
    vec = set(VECTORS)
    found = derivation(
        latex(t1.expr, vec), latex(t2.expr, vec), world.clauses, 0.3, same_as=(t1.expr, t2.expr)
    )
    if found is None:
        return
    for seed in (CHECK_SEED, *OTHER_SEEDS):
        try:
            report = run_trials(t1.expr, t2.expr, world.env, seed=seed)
        except DeriveError:
            continue
        assert report.counterexample is None, "a derivation proved a false identity" + describe(
            world, t1, t2
        )


@SETTINGS
@given(pairs())
def test_check_never_calls_a_refuted_pair_equivalent(example):
    """PROPERTY 2: a pair refuted by exact evaluation (another seed) is never 'equivalent'."""
    world, e1, e2 = example
    t = both_typed(world, e1, e2)
    if t is None:
        return
    t1, t2 = t
    refuted = False
    for seed in OTHER_SEEDS:
        try:
            report = run_trials(t1.expr, t2.expr, world.env, seed=seed)
        except DeriveError:
            continue
        if report.counterexample is not None:
            refuted = True
            break
    if not refuted:
        return
    vec = set(VECTORS)
    result = decide(t1, t2, world.env, (latex(t1.expr, vec), latex(t2.expr, vec)), hints=False)
    assert result.verdict != "equivalent", (
        f"check said equivalent ({result.method}) to a refuted pair" + describe(world, t1, t2)
    )


@st.composite
def single(draw):
    world = draw(worlds())
    kind = draw(st.sampled_from([M, V, S]))
    return world, expr_of(draw, world, kind, draw(st.integers(0, 4)))


@SETTINGS
@given(single())
def test_latex_round_trips(example):
    """PROPERTY 3: parse(latex(e)), typed again, cannot be told apart from e."""
    world, e = example
    t = typed(world, e)
    if t is None:
        return
    text = latex(t.expr, set(VECTORS))
    try:
        again = typecheck([parse(text)], world.env)[0]
    except DeriveError as exc:  # pragma: no cover (a failure is the finding)
        pytest.fail(f"the printed form does not read back: {text!r}: {exc}")
    assert again.shape == t.shape or {again.shape, t.shape} <= {None, (1, 1)}, text
    if again.expr == t.expr:
        return
    report = run_trials(t.expr, again.expr, world.env)
    assert report.counterexample is None, (
        f"the printed form reads back as something else: {text!r}" + describe(world, t, again)
    )
    if report.agreed == 0:
        return  # undefined on every instance (\\frac{0}{0}): nothing to compare
    assert canonical_key(t.expr, world) == canonical_key(again.expr, world), (
        f"the printed form is not provably the same: {text!r}" + describe(world, t, again)
    )
