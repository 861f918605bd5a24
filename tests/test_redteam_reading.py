"""The red-team corpus of readings (``tests/data/redteam_reading.jsonl``): hostile claims written
down as data. ``derive.check`` must give each its recorded truth; "unknown" only where the claim
says it is allowed (and those are counted). The mathematical truths are confirmed by an independent
referee (``tests/redteam_reading_referee.py``: numpy and mpmath, no derive code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive.checker import check

CORPUS = Path(__file__).parent / "data" / "redteam_reading.jsonl"
CLAIMS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
VERDICTS = {"equivalent", "not-equivalent", "invalid", "unknown"}
MAX_ALLOWED_UNKNOWN = 2  # claims whose data allows "unknown"


def test_the_corpus_is_well_formed():
    assert len(CLAIMS) >= 50
    ids = [c["id"] for c in CLAIMS]
    assert len(ids) == len(set(ids))
    for c in CLAIMS:
        assert {"id", "expected", "answer", "assume", "truth", "class", "note"} <= set(c), c
        assert c["truth"] in VERDICTS - {"unknown"}, c
        assert set(c.get("allow", [])) <= {"unknown"}, c
    assert sum(bool(c.get("allow")) for c in CLAIMS) <= MAX_ALLOWED_UNKNOWN
    for cls in (
        "scalar-vs-transpose",
        "inverse-transpose",
        "subscripts",
        "unsupported",
        "identity",
        "sizes",
        "one-by-one",
        "properties",
        "contradictory",
    ):
        assert any(c["class"] == cls for c in CLAIMS), cls


def test_no_claim_gets_a_wrong_verdict():
    wrong, allowed = [], []
    for c in CLAIMS:
        r = check(c["expected"], c["answer"], c["assume"])
        if r.verdict == c["truth"]:
            continue
        if r.verdict in c.get("allow", []):
            allowed.append(c["id"])
            continue
        wrong.append(
            (c["id"], c["truth"], r.verdict, r.method, r.reason, (r.error or {}).get("message"))
        )
    assert not wrong, "\n".join(map(str, wrong))
    assert len(allowed) <= MAX_ALLOWED_UNKNOWN, allowed


def test_the_referee_confirms_every_mathematical_truth():
    pytest.importorskip("numpy")
    pytest.importorskip("mpmath")
    from tests.redteam_reading_referee import REFEREES, referee_verdict

    mathematical = [c for c in CLAIMS if c["truth"] != "invalid"]
    assert {c["id"] for c in mathematical} == set(REFEREES)
    for c in mathematical:
        assert referee_verdict(c["id"]) == c["truth"], c["id"]
