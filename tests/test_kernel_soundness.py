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
