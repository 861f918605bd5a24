"""The labelled corpus of student answers (``tests/data/student_answers.jsonl``): answers as
students type them (LaTeX, Unicode, ASCII habits, words, code, the usual mistakes), each with the
verdict a teacher would give. Every entry must come out with its label; a false "equivalent" is
the worst miss and is reported on its own."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from derive.grade import grade_job

CORPUS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "student_answers.jsonl").read_text().splitlines()
    if line.strip()
]
LABELS = {"equivalent", "not-equivalent", "invalid", "equivalent-wrong-form"}


def test_the_corpus_is_large_labelled_and_varied():
    assert len(CORPUS) >= 150
    counts = Counter(c["label"] for c in CORPUS)
    assert set(counts) == LABELS and min(counts.values()) >= 8
    for c in CORPUS:
        assert {"expected", "answer", "assume", "label", "note"} <= set(c) and c["note"]


def _task(case: dict) -> dict:
    form = {k: case[k] for k in ("forbid", "require", "only") if k in case}
    for k in ("forbid", "require", "only"):
        form.setdefault(k, [])
    return {
        "expected": case["expected"],
        "assume": case["assume"],
        "answer": case["answer"],
        "accepted": [],
        "feedback": [],
        "form": form if any(form.values()) else None,
    }


@pytest.mark.parametrize(
    "case", CORPUS, ids=[f"{k}:{c['answer'][:25]}" for k, c in enumerate(CORPUS)]
)
def test_each_answer_gets_its_label(case):
    out = grade_job(_task(case))
    assert out["verdict"] == case["label"], (case["note"], out.get("reason"), out.get("feedback"))
    if out["verdict"] != "equivalent":
        assert out["feedback"], "every wrong or invalid answer gets feedback"
    if out["verdict"] in ("equivalent", "not-equivalent", "equivalent-wrong-form"):
        assert out["read_as"], "every answer that was read says how"
