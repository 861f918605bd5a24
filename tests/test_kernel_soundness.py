"""Soundness of the core kernel's moves on random expressions (hypothesis, seeded).

For every base rule, every rewrite that the kernel would accept as one application at one place
(``Checker._rewrites``, side conditions discharged by the fact prover) must be equal to what it
rewrote, on random instances satisfying the assumptions; the same for the catalogue's theorems used
as rules (``kernel._theorem_rule``, hypotheses discharged); and two expressions that the kernel
calls the same (``Checker.same``, the canonical form of ``derive.core.arith``) must be equal.
The expressions and assumption sets are those of ``test_soundness``; the kernel works in the
context of the catalogue's theorems, so property side conditions may come from them too.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from derive.catalogue import Entry, load
from derive.core import kernel as K
from derive.core.match import substitute
from derive.core.rules import BASE_RULES
from derive.core.shapes import well_typed
from derive.errors import DeriveError
from derive.expr import Num, Relation
from derive.frontend import Typed, shape_of
from derive.randomized import run_trials
from derive.verify import context_of, statement_of
from tests.test_soundness import SETTINGS, M, S, V, expr_of, worlds

RULES = [K.Rule(name, fn) for name, fn in sorted(BASE_RULES.items())]
CATALOGUE = load()
CONTEXT = context_of(CATALOGUE)
ZERO = Num(Fraction(0))


@st.composite
def cases(draw):
    world = draw(worlds())
    kind = draw(st.sampled_from([M, M, V, S]))
    e = expr_of(draw, world, kind, draw(st.integers(1, 3)))
    return world, e


def checker(world) -> K.Checker:
    """The kernel checking a proof under the world's clauses, after the catalogue's theorems."""
    entry = Entry(id="soundness", title="t", statement="0 = 0", section="", assume=world.clauses)
    statement = statement_of(
        entry, world.env, {"concl:0": Typed(Relation("=", ZERO, ZERO), None, "0 = 0")}
    )
    return K.Checker(CONTEXT, statement)


def _typed(e, world, kernel: K.Checker) -> bool:
    try:
        shape_of(e, world.env)
    except DeriveError:
        return False
    return well_typed(e, kernel.scope)


@settings(SETTINGS, max_examples=min(SETTINGS.max_examples, 150))
@given(cases(), st.randoms(use_true_random=False))
def test_every_rewrite_the_kernel_allows_is_an_equality(case, rnd):
    world, e = case
    kernel = checker(world)
    if not _typed(e, world, kernel):
        return
    for rule in rnd.sample(RULES, 15):
        for new in list(kernel._rewrites(e, rule))[:6]:
            if not _typed(new, world, kernel):
                continue
            report = run_trials(e, new, world.env, seed=3)
            assert report.counterexample is None, (rule.name, e, new, world.clauses)


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_same_is_an_equality(case, rnd):
    world, e = case
    kernel = checker(world)
    if not _typed(e, world, kernel):
        return
    # a rewrite by a rule, then compared with "same": equal keys must mean equal values
    rule = rnd.choice(RULES)
    for new in list(kernel._rewrites(e, rule))[:3]:
        if _typed(new, world, kernel) and kernel.same(e, new):
            assert run_trials(e, new, world.env, seed=5).counterexample is None, (rule.name, e, new)


def _catalogue_equations() -> list[str]:
    """The theorems of the context that conclude an equation between terms without explicit
    matrices (the random expressions contain none)."""
    out = []
    for name in CONTEXT.names():
        concl = CONTEXT.get(name).statement.conclusions
        eqs = [c for c in concl if isinstance(c, Relation) and c.op == "="]
        if eqs and "\\begin" not in CATALOGUE.entries[name].statement:
            out.append(name)
    return out


EQUATIONS = _catalogue_equations()


def test_there_are_catalogue_equations_to_try():
    assert len(EQUATIONS) >= 20
    assert {"transpose-inverse", "inverse-of-product"} <= set(EQUATIONS)


KINDS = {"matrix": M, "vector": V, "scalar": S}


@st.composite
def instances(draw):
    """A side of a catalogue equation with its symbols replaced by random expressions of the
    world (so that the theorem applies at the root, if its hypotheses can be discharged)."""
    world = draw(worlds())
    name = draw(st.sampled_from(["transpose-inverse", "inverse-of-product", *EQUATIONS]))
    statement = CONTEXT.get(name).statement
    eq = draw(
        st.sampled_from(
            [c for c in statement.conclusions if isinstance(c, Relation) and c.op == "="]
        )
    )
    binding = {
        n: expr_of(draw, world, KINDS[t.kind], draw(st.integers(0, 2)))
        for n, t in statement.scope.symbols
    }
    return world, substitute(draw(st.sampled_from([eq.lhs, eq.rhs])), binding), name


@settings(SETTINGS, max_examples=min(SETTINGS.max_examples, 80))
@given(st.one_of(cases(), instances()), st.randoms(use_true_random=False))
def test_catalogue_entries_used_as_rules_only_rewrite_to_equal_expressions(case, rnd):
    world, e, *target = case
    kernel = checker(world)
    if not _typed(e, world, kernel):
        return
    names = target + rnd.sample(EQUATIONS, 2)
    for name in names:
        rule = K._theorem_rule(CONTEXT.get(name).statement, kernel)
        for new in list(kernel._rewrites(e, rule))[:4]:
            if _typed(new, world, kernel):
                assert run_trials(e, new, world.env, seed=11).counterexample is None, (
                    name,
                    e,
                    new,
                    world.clauses,
                )
