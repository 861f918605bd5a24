"""The catalogue, checked independently of the kernel: every statement that stands without
hypotheses is true on random instances, and the required course entries are there."""

from __future__ import annotations

import random

import pytest

from derive.catalogue import load
from derive.expr import Relation
from derive.randomized import Arith, Sampler, Undefined, dims_of, evaluate, run_trials
from derive.verify import entry_env

CATALOGUE = load()
REQUIRED = [
    "transpose-inverse", "inverse-of-product", "symmetric-inverse", "plane-normal-vector",
    "orthogonal-preserves-length", "unitary-determinant", "pd-inverse", "complete-the-square",
    "rank-of-product", "psd-gram", "ata-aat-eigenvalues", "matrix-functions",
    "hermitian-real-eigenvalues", "hermitian-orthogonal-eigenvectors", "pd-eigenvalue-test",
    "pd-invertible",
]
SECTIONS = ["linear-systems", "matrix-operations", "inverse-transpose", "special-matrices",
            "rank", "decompositions", "eigen", "machine-learning"]


def test_the_required_entries_and_sections_are_there():
    assert set(REQUIRED) <= set(CATALOGUE.entries)
    assert set(SECTIONS) <= set(CATALOGUE.sections)
    assert len(CATALOGUE.entries) >= 60
    for e in CATALOGUE.entries.values():
        assert e.section in CATALOGUE.sections, e.id
        assert e.title and e.tags, e.id


STANDALONE = [e for e in CATALOGUE.ordered() if not e.hypotheses]


@pytest.mark.parametrize("entry", STANDALONE, ids=[e.id for e in STANDALONE])
def test_statement_holds_on_random_instances(entry):
    env, typed = entry_env(entry)
    statement = typed["statement"].expr
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
