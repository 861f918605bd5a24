"""The red-team corpus (tests/data/redteam_numeric.jsonl): hostile claims whose labels an
independent referee (tests/redteam_referee.py, numpy and mpmath only) confirms. derive must never
give the opposite verdict; unknown and invalid are honest but must stay rare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive.checker import check

DATA = Path(__file__).parent / "data" / "redteam_numeric.jsonl"
CLAIMS = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
OPPOSITE = {"equivalent": "not-equivalent", "not-equivalent": "equivalent"}
RESULTS: dict[str, str] = {}


def test_the_corpus_is_large_and_spans_every_class():
    assert len(CLAIMS) >= 60
    assert len({c["id"] for c in CLAIMS}) == len(CLAIMS)
    classes = {c["class"] for c in CLAIMS}
    assert {
        "magnitude",
        "branch-cut",
        "real-domain",
        "integer",
        "contradictory",
        "one-by-one",
        "properties",
        "commuting",
        "transcendental",
    } <= classes
    assert all(c["truth"] in OPPOSITE for c in CLAIMS)


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c["id"])
def test_never_the_opposite_verdict(claim):
    result = check(claim["expected"], claim["answer"], assume=claim["assume"], hints=False)
    RESULTS[claim["id"]] = result.verdict
    assert result.verdict != OPPOSITE[claim["truth"]], (
        result.method,
        result.reason,
        result.counterexample,
    )


def test_most_claims_are_decided_right():
    missing = [c for c in CLAIMS if c["id"] not in RESULTS]
    for c in missing:  # when this test runs alone
        RESULTS[c["id"]] = check(
            c["expected"], c["answer"], assume=c["assume"], hints=False
        ).verdict
    right = sum(RESULTS[c["id"]] == c["truth"] for c in CLAIMS)
    assert right >= 0.8 * len(CLAIMS), f"{right} of {len(CLAIMS)} decided right"


def test_the_referee_is_independent_and_confirms_a_sample_of_labels():
    import ast

    source = (Path(__file__).parent / "redteam_referee.py").read_text()
    imported = {
        n.names[0].name.split(".")[0]
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Import | ast.ImportFrom) and getattr(n, "names", None)
    }
    imported |= {
        n.module.split(".")[0]
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.ImportFrom) and n.module
    }
    assert "derive" not in imported
    from tests.redteam_referee import judge

    for claim_id in (
        "mag-tanh",
        "mag-logistic",
        "dom-rsqrt",
        "com-sym",
        "int-40-factors",
        "br-rsqrt",
        "prop-orth-sym-sq",
    ):
        truth = next(c["truth"] for c in CLAIMS if c["id"] == claim_id)
        assert judge(claim_id) == truth
