"""The catalogue, checked independently of the kernel: every statement that stands without
hypotheses is true on random instances, and the required course entries are there."""

from __future__ import annotations

import random

import pytest

from derive.catalogue import load
from derive.expr import Relation
from derive.randomized import Arith, Sampler, Undefined, dims_of, evaluate, run_trials
from derive.verify import entry_env, split_property

CATALOGUE = load()
REQUIRED = [
    "transpose-inverse",
    "inverse-of-product",
    "symmetric-inverse",
    "plane-normal-vector",
    "orthogonal-preserves-length",
    "unitary-determinant",
    "pd-inverse",
    "complete-the-square",
    "rank-of-product",
    "psd-gram",
    "ata-aat-eigenvalues",
    "matrix-functions",
    "hermitian-real-eigenvalues",
    "hermitian-orthogonal-eigenvectors",
    "pd-eigenvalue-test",
    "pd-invertible",
]
SECTIONS = [
    "linear-systems",
    "matrix-operations",
    "inverse-transpose",
    "special-matrices",
    "rank",
    "decompositions",
    "eigen",
    "machine-learning",
]


def test_the_required_entries_and_sections_are_there():
    assert set(REQUIRED) <= set(CATALOGUE.entries)
    assert set(SECTIONS) <= set(CATALOGUE.sections)
    assert len(CATALOGUE.entries) >= 60
    for e in CATALOGUE.entries.values():
        assert e.section in CATALOGUE.sections, e.id
        assert e.title and e.tags, e.id


STANDALONE = [e for e in CATALOGUE.ordered() if not e.hypotheses]
CONCLUSIONS = [(e, i) for e in STANDALONE for i in range(len(e.conclusion_texts()))]


@pytest.mark.parametrize("entry,index", CONCLUSIONS, ids=[f"{e.id}:{i}" for e, i in CONCLUSIONS])
def test_statement_holds_on_random_instances(entry, index):
    env, typed = entry_env(entry)
    statement = typed[f"concl:{index}"].expr
    split = split_property(entry.conclusion_texts()[index])
    if split:
        return _property_holds(entry, statement, split[1], env)
    assert isinstance(statement, Relation)
    if statement.op == "=":
        report = run_trials(statement.lhs, statement.rhs, env, seed=99)
        assert report.counterexample is None
        return
    arith = Arith(env.complex)
    sampler = Sampler(arith, random.Random(5))
    dims = dims_of(env, [statement])
    for n in range(1, 6):
        sizes = {d: n for d in dims}
        try:
            values = sampler.instance(env, sizes)
            lhs = evaluate(statement.lhs, values, sizes, arith)
            rhs = evaluate(statement.rhs, values, sizes, arith)
        except Undefined:
            continue
        if statement.op in ("!=", "~"):
            continue  # a nonzero vector, or row equivalence: not an order on numbers
        a, b = arith.to_mp(arith._unwrap(lhs)), arith.to_mp(arith._unwrap(rhs))
        assert {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[statement.op], entry.id


def _property_holds(entry, term, prop, env):
    """A property conclusion (``A^{-1} positive_definite``) on random instances, decided as the
    base facts' are in tests/test_rules.py."""
    from tests.test_rules import _holds, _random_values

    if prop in ("real", "full_column_rank"):
        return  # no numeric test (a real eigenvalue is not a symbol's value)
    for (value,), n in _random_values([term], env, seed=5):
        assert _holds(value, prop, n), (entry.id, prop, n)
