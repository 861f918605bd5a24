"""Soundness of the kernel's moves on random expressions (hypothesis).

For every base rule, every rewrite that the kernel would accept as one application at one place
(``kernel.rewrites``) must be equal to what it rewrote, on random instances satisfying the
assumptions; and two expressions that the kernel calls the same (``kernel.same``) must be equal.
The expressions and assumption sets are those of ``test_soundness``.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from derive.errors import DeriveError
from derive.frontend import shape_of
from derive.kernel import Rule, rewrites, same
from derive.randomized import run_trials
from derive.rules import BASE_RULES
from tests.test_soundness import SETTINGS, M, S, V, expr_of, worlds

RULES = [Rule(name, fn) for name, fn in sorted(BASE_RULES.items())]


@st.composite
def cases(draw):
    world = draw(worlds())
    kind = draw(st.sampled_from([M, M, V, S]))
    e = expr_of(draw, world, kind, draw(st.integers(1, 3)))
    return world, e


def _typed(e, env) -> bool:
    try:
        shape_of(e, env)
        return True
    except DeriveError:
        return False


@SETTINGS
@given(cases())
def test_every_rewrite_the_kernel_allows_is_an_equality(case):
    world, e = case
    env = world.env
    if not _typed(e, env):
        return
    for rule in RULES:
        for new in list(rewrites(e, rule, env))[:6]:
            if not _typed(new, env):
                continue
            report = run_trials(e, new, env, seed=3)
            assert report.counterexample is None, (rule.name, e, new, world.clauses)


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_same_is_an_equality(case, rnd):
    world, e = case
    env = world.env
    if not _typed(e, env):
        return
    # a rewrite by a rule, then compared with "same": equal keys must mean equal values
    rule = rnd.choice(RULES)
    for new in list(rewrites(e, rule, env))[:3]:
        if _typed(new, env) and same(e, new, env):
            assert run_trials(e, new, env, seed=5).counterexample is None, (rule.name, e, new)


def _catalogue_equations():
    from derive.catalogue import load

    cat = load()
    return cat, [e.id for e in cat.ordered() if not e.hypotheses and "=" in e.statement
                 and "\\begin" not in e.statement and "\\le" not in e.statement
                 and "\\ne" not in e.statement]


CATALOGUE, EQUATIONS = _catalogue_equations()


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_catalogue_entries_used_as_rules_only_rewrite_to_equal_expressions(case, rnd):
    from derive.verify import rule_for

    world, e = case
    env = world.env
    if not _typed(e, env):
        return
    for name in rnd.sample(EQUATIONS, 6):
        try:
            rule = rule_for(name, CATALOGUE, env, {}, {})
        except DeriveError:
            continue
        for new in list(rewrites(e, rule, env))[:4]:
            if _typed(new, env):
                assert run_trials(e, new, env, seed=11).counterexample is None, (name, e, new)
