"""Hostile claims against the derivation decider of ``derive check`` and against ``derive prove``
(tests/data/redteam_derivation.jsonl): the new base rules (function-of-diagonal, exp-of-scalar,
det-of-scalar-multiple, the conjugate-transpose rules) with complex scalars, 1×1 matrices and
sizes; clauses about expressions (push-through, Woodbury, Sherman-Morrison, contradictory
clauses); identical sides that are defined nowhere. An independent referee
(tests/redteam_derivation_referee.py, mpmath only) confirms every label.

derive must never give the opposite verdict; a claim labelled "undefined" (no instance satisfies
the clauses with the expected side defined) must get neither verdict, and ``derive prove`` must
neither prove it nor refute it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from derive.checker import check
from derive.prove import prove
from tests.test_prove_identities import recheck

DATA = Path(__file__).parent / "data" / "redteam_derivation.jsonl"
CLAIMS = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
WRONG = {
    "equivalent": {"not-equivalent"},
    "not-equivalent": {"equivalent"},
    "undefined": {"equivalent", "not-equivalent"},
}
WRONG_PROVE = {
    "equivalent": {"refuted"},
    "not-equivalent": {"proved", "checked"},
    "undefined": {"proved", "checked", "refuted"},
}
RESULTS: dict[str, str] = {}


def test_the_corpus_spans_the_new_rules_and_clauses():
    assert len(CLAIMS) >= 80
    assert len({c["id"] for c in CLAIMS}) == len(CLAIMS)
    assert {
        "function-of-diagonal",
        "exp-of-scalar",
        "det-of-scalar-multiple",
        "conj-transpose",
        "complex",
        "sizes",
        "rank",
        "push-through",
        "woodbury",
        "contradictory-clause",
        "identical-sides",
    } <= {c["class"] for c in CLAIMS}
    assert all(c["truth"] in WRONG for c in CLAIMS)


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c["id"])
def test_check_never_gives_a_wrong_verdict(claim):
    result = check(claim["expected"], claim["answer"], assume=claim["assume"], hints=False)
    RESULTS[claim["id"]] = result.verdict
    assert result.verdict not in WRONG[claim["truth"]], (result.method, result.reason)
    if result.method == "derivation" and result.derivation:  # the chain reads back, checked
        steps = [(s["expr"], s["by"]) for s in result.derivation]
        again = recheck(f"{result.answer} = {result.expected}", claim["assume"], steps)
        assert again.ok and again.complete, again.errors


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c["id"])
def test_prove_never_gives_a_wrong_status(claim):
    result = prove(f"{claim['answer']} = {claim['expected']}", claim["assume"])
    assert result.status not in WRONG_PROVE[claim["truth"]], (result.reason, result.steps)


@pytest.mark.parametrize(
    "claim",
    ["(A-A)^{-1}(A-A) = 0", "B + (A-A)^{-1}(A-A) = B", "(A-A)^{-1}(A-A) = I"],
)
def test_prove_does_not_prove_a_side_defined_nowhere(claim):
    """The canonical form reads 0 times anything as 0, so a kernel-checked chain joins
    (A - A)^{-1}(A - A) to 0; with no instance where it is defined this is vacuous, as for check."""
    for assume in ("", "A - A invertible"):
        result = prove(claim, assume)
        assert result.status == "unknown", (assume, result.status, result.steps)
    assert "vacuously" in prove(claim, "A - A invertible").reason  # a derivation, no instance


def test_most_claims_are_decided():
    for c in CLAIMS:
        if c["id"] not in RESULTS:  # when this test runs alone
            RESULTS[c["id"]] = check(c["expected"], c["answer"], c["assume"], hints=False).verdict
    right = sum(RESULTS[c["id"]] == c["truth"] for c in CLAIMS if c["truth"] != "undefined")
    decided = sum(c["truth"] != "undefined" for c in CLAIMS)
    assert right >= 0.9 * decided, f"{right} of {decided} decided right"


def test_the_referee_is_independent_and_confirms_every_label():
    path = Path(__file__).parent / "redteam_derivation_referee.py"
    tree = ast.parse(path.read_text())
    imported = {
        a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    imported |= {
        n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    }
    assert "derive" not in imported
    from tests.redteam_derivation_referee import CLAIMS as REFEREED
    from tests.redteam_derivation_referee import judge

    assert {c["id"] for c in CLAIMS} == set(REFEREED)
    for c in CLAIMS:
        assert judge(c["id"]) == c["truth"], c["id"]
