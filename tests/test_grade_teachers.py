"""Tests of ``derive grade`` for issue 11: a teacher's mistake stops the run (a bank answer that
does not parse, an answers file without the needed columns), rows come out in input order,
every wrong or invalid answer gets feedback, answer forms, and how each answer was read."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from cli import main
from derive.grade import (
    AnswersError,
    BankError,
    grade_file,
    grade_job,
    load_bank,
    parse_bank,
)

BANK = load_bank()

FORM_BANK = """
title = "forms"

[[question]]
id = "transpose-of-product"
prompt = 'Write $(AB)^T$ in terms of $A^T$ and $B^T$.'
expected = 'B^TA^T'
forbid = ['(AB)^T']

[[question]]
id = "only-transposes"
prompt = 'Write $(AB)^T$ using $A^T$ and $B^T$ only.'
expected = 'B^TA^T'
only = ['A^T', 'B^T']

[[question]]
id = "square-expanded"
prompt = 'Expand $(A+B)^2$.'
expected = 'A^2+AB+BA+B^2'
require = ['expanded']
"""


def _task(bank, qid: str, answer: str) -> dict:
    q = bank.questions[qid]
    return {
        "expected": q.expected,
        "assume": q.assume,
        "answer": answer,
        "accepted": list(q.accepted),
        "feedback": [{"answer": f.answer, "message": f.message} for f in q.feedback],
        "form": q.form.to_dict() if q.form else None,
    }


# --- teachers' mistakes -----------------------------------------------------------------------


def test_a_bank_whose_expected_answer_does_not_parse_is_refused_naming_file_and_line(tmp_path):
    text = (
        FORM_BANK
        + "\n[[question]]\nid = 'bad'\nprompt = 'p'\nassume = 'A, B invertible'\nexpected = '$B^{-1}A^{-1}$'\n"
    )
    with pytest.raises(BankError) as info:
        parse_bank(text, "bank.toml")
    message = str(info.value)
    line = text.splitlines().index("expected = '$B^{-1}A^{-1}$'") + 1
    assert (
        f"bank.toml, line {line}" in message and "'bad'" in message and "does not parse" in message
    )


def test_a_feedback_answer_that_does_not_parse_under_the_assumptions_is_refused():
    text = (
        "[[question]]\nid = 'q'\nprompt = 'p'\nexpected = 'x^Tx'\nassume = 'x vector'\n"
        "[[question.feedback]]\nanswer = 'A + x'\nmessage = 'm'\n"
    )
    with pytest.raises(BankError) as info:
        parse_bank(text, "b.toml")
    assert "b.toml, line 7" in str(info.value) and "feedback 1's answer" in str(info.value)


def test_a_bank_with_an_unknown_requirement_or_key_is_refused():
    text = "[[question]]\nid = 'q'\nprompt = 'p'\nexpected = 'A'\nrequire = ['tidy']\n"
    with pytest.raises(BankError, match="line 5.*unknown requirement 'tidy'"):
        parse_bank(text, "b.toml")
    with pytest.raises(BankError, match="unknown key 'forbidden'"):
        parse_bank("[[question]]\nid = 'q'\nprompt = 'p'\nexpected = 'A'\nforbidden = []\n", "b")


def test_the_shipped_bank_loads_with_every_answer_checked():
    assert len(BANK) >= 16


def test_cli_stops_on_a_broken_bank_with_exit_2(tmp_path):
    bank = tmp_path / "bank.toml"
    bank.write_text("[[question]]\nid = 'q'\nprompt = 'p'\nexpected = 'A^{-1'\n", encoding="utf-8")
    src = tmp_path / "a.csv"
    src.write_text("question,answer\nq,A\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["grade", str(src), "--questions", str(bank)])
    assert result.exit_code == 2
    assert "bank.toml, line 4" in result.output and "does not parse" in result.output


def test_an_answers_file_without_an_answer_column_stops_with_exit_2(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("student,question,ans\ns1,inverse-of-product,B^{-1}A^{-1}\n", encoding="utf-8")
    with pytest.raises(AnswersError, match="student, question, ans.*need answer"):
        grade_file(src, BANK, stream=None, workers=1)
    result = CliRunner().invoke(main, ["grade", str(src)])
    assert result.exit_code == 2
    assert "ans" in result.output and "need answer" in result.output
    src.write_text("student,answer\ns1,A\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["grade", str(src)])
    assert result.exit_code == 2 and "question" in result.output


# --- order, feedback, read_as ------------------------------------------------------------------

CLASS = [
    ("inverse-of-product", "$B^{-1}A^{-1}$"),
    ("inverse-of-product", "B^-1 A^-1"),
    ("transpose-of-product", "Bᵀ Aᵀ"),
    ("transpose-of-product", "B'A'"),
    ("transpose-of-product", "A^TB^T"),
    ("inverse-of-product", "inverse of B times inverse of A"),
    ("transpose-of-product", "A transpose"),
    ("inverse-of-product", "inv(A)"),
    ("square-of-sum", "A^2+2AB+B^2"),
    ("transpose-of-product", "B^T * A^T"),
    ("trace-is-cyclic", "tr(BA)"),
    ("transpose-of-product", "|A|"),
    ("inverse-of-product", "A^{-1}B^{-1}"),
    ("transpose-of-product", "B^{\\mathsf T}A^{\\mathsf T}."),
    ("inverse-of-product", "A^{-1"),
]


def test_a_class_comes_out_in_input_order_with_feedback_for_every_wrong_answer(tmp_path):
    src = tmp_path / "a.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "question", "answer"])
        for k, (q, a) in enumerate(CLASS, 1):
            w.writerow([f"s{k}", q, a])
    out = tmp_path / "r.csv"
    grade_file(src, BANK, output=out, workers=2, timeout=20)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["row"]) for r in rows] == list(range(1, len(CLASS) + 1))
    for r in rows:
        if r["verdict"] != "equivalent":
            assert r["feedback"].strip(), r
        else:
            assert r["read_as"] and r["read_as_latex"]
    verdicts = [r["verdict"] for r in rows]
    assert verdicts[:4] == ["equivalent"] * 4
    assert verdicts[5:8] == ["invalid"] * 3
    assert "B^{-1}A^{-1}" in rows[5]["feedback"]
    assert rows[2]["read_as"] == "BᵀAᵀ"
    assert verdicts[13] == "equivalent"


def test_generated_feedback_in_plain_words_when_no_teacher_message_matches():
    out = grade_job(_task(BANK, "transpose-of-product", "A^T + B^T"))
    assert out["verdict"] == "not-equivalent"
    assert out["feedback"].startswith("With A = ") and "your answer gives" in out["feedback"]
    assert "expected answer gives" in out["feedback"]


def test_resuming_keeps_the_input_order(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(
        "".join(json.dumps({"question": q, "answer": a}) + "\n" for q, a in CLASS[:6]),
        encoding="utf-8",
    )
    out = tmp_path / "r.jsonl"
    grade_file(src, BANK, output=out, workers=2, timeout=20)
    lines = out.read_text(encoding="utf-8").splitlines()
    kept = [lines[0], lines[3]]  # rows 1 and 4 found from before; the rest is graded again
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    summary = grade_file(src, BANK, output=out, workers=2, timeout=20)
    assert summary.resumed == 2 and summary.graded == 4
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == [1, 2, 3, 4, 5, 6]


# --- forms -----------------------------------------------------------------------------------


def test_forbid_gives_equivalent_wrong_form_for_the_restated_question():
    bank = parse_bank(FORM_BANK, "forms.toml")
    restated = grade_job(_task(bank, "transpose-of-product", "(AB)^T"))
    assert restated["verdict"] == "equivalent-wrong-form"
    assert "(AB)^T" in restated["feedback"]
    assert grade_job(_task(bank, "transpose-of-product", "B^TA^T"))["verdict"] == "equivalent"
    assert (
        grade_job(_task(bank, "transpose-of-product", "(AB)'"))["verdict"]
        == "equivalent-wrong-form"
    )
    assert grade_job(_task(bank, "transpose-of-product", "A^TB^T"))["verdict"] == "not-equivalent"


def test_only_and_require():
    bank = parse_bank(FORM_BANK, "forms.toml")
    assert grade_job(_task(bank, "only-transposes", "B^TA^T"))["verdict"] == "equivalent"
    assert grade_job(_task(bank, "only-transposes", "(AB)^T"))["verdict"] == "equivalent-wrong-form"
    assert grade_job(_task(bank, "square-expanded", "A^2+AB+BA+B^2"))["verdict"] == "equivalent"
    out = grade_job(_task(bank, "square-expanded", "(A+B)^2"))
    assert out["verdict"] == "equivalent-wrong-form" and "expanded" in out["feedback"]
    out = grade_job(_task(bank, "square-expanded", "A(A+B)+B(A+B)"))
    assert out["verdict"] == "equivalent-wrong-form"


def test_a_form_column_in_the_summary(tmp_path):
    bank_path = tmp_path / "forms.toml"
    bank_path.write_text(FORM_BANK, encoding="utf-8")
    src = tmp_path / "a.csv"
    src.write_text("question,answer\ntranspose-of-product,(AB)^T\ntranspose-of-product,B^TA^T\n")
    result = CliRunner().invoke(main, ["grade", str(src), "--questions", str(bank_path)])
    assert result.exit_code == 0, result.output
    assert "form" in result.output and "equivalent-wrong-form" in result.output
