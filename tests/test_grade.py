"""Tests of ``derive grade``: the shipped bank, feedback by equivalence, CSV and JSON-lines round
trips, resuming, every row accounted for when a worker is killed mid-batch, and the CLI."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from derive.grade import (
    BankError,
    InputRow,
    grade_file,
    grade_job,
    grade_rows,
    load_bank,
    parse_bank,
    read_answers,
)
from derive.sandbox import CheckPool

BANK = load_bank()
COURSE_TOPICS = [
    "inverse-of-product",
    "transpose-of-inverse",
    "transpose-of-product",
    "inverse-of-symmetric-is-symmetric",
    "orthogonal-gram-is-identity",
    "orthogonal-preserves-norm",
    "det-of-orthogonal-gram",
    "complete-the-square-shift",
    "complete-the-square-constant",
    "trace-is-cyclic",
    "det-of-inverse",
    "square-of-sum",
    "scalar-product-is-symmetric",
]


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _read_results(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- the bank ---------------------------------------------------------------------------------


def test_course_bank_ships_at_least_16_questions_covering_the_course():
    assert len(BANK) >= 16
    assert set(COURSE_TOPICS) <= set(BANK.questions)
    assert all(q.prompt and q.expected for q in BANK.questions.values())


@pytest.mark.parametrize("qid", sorted(BANK.questions))
def test_bank_entries_are_right_and_feedback_answers_are_wrong(qid):
    from derive.checker import check

    q = BANK.questions[qid]
    assert check(q.expected, q.expected, assume=q.assume).verdict == "equivalent"
    for form in q.accepted:
        assert check(q.expected, form, assume=q.assume).verdict == "equivalent", form
    for fb in q.feedback:
        assert check(q.expected, fb.answer, assume=q.assume).verdict == "not-equivalent", fb.answer


def test_bank_errors_name_the_file_the_line_and_the_reason():
    base = "[[question]]\nid = 'q'\nprompt = 'p'\nexpected = 'A'\n"
    with pytest.raises(BankError, match=r"b.toml, line 7: duplicate question id 'q'"):
        parse_bank(base + "\n" + base, "b.toml")
    with pytest.raises(BankError, match=r"unknown key 'expectd'"):
        parse_bank("[[question]]\nid = 'q'\nprompt = 'p'\nexpectd = 'A'\n", "b.toml")
    with pytest.raises(BankError, match=r"b.toml: not valid TOML"):
        parse_bank("[[question]\n", "b.toml")
    with pytest.raises(BankError, match=r"feedback 1's message is missing"):
        parse_bank(base + "[[question.feedback]]\nanswer = 'B'\n", "b.toml")


# --- one answer -------------------------------------------------------------------------------


def _task(qid: str, answer: str) -> dict:
    q = BANK.questions[qid]
    return {
        "expected": q.expected,
        "assume": q.assume,
        "answer": answer,
        "accepted": list(q.accepted),
        "feedback": [{"answer": f.answer, "message": f.message} for f in q.feedback],
    }


def test_feedback_is_matched_by_equivalence_not_by_text():
    # written differently from the bank's A^{-1}B^{-1}, but equivalent to it
    out = grade_job(_task("inverse-of-product", "(BA)^{-1}"))
    assert out["verdict"] == "not-equivalent"
    assert "order of the factors reverses" in out["feedback"]
    assert out["counterexample"]["instance"]
    spaced = grade_job(_task("square-of-sum", "A A + 2 A B + B^{2}"))
    assert "need not commute" in spaced["feedback"]


def test_a_right_answer_gets_no_feedback_and_an_unmatched_wrong_one_gets_the_hint():
    assert grade_job(_task("inverse-of-product", "B^{-1}A^{-1}"))["verdict"] == "equivalent"
    out = grade_job(_task("transpose-of-product", "A^TB^T + 0"))
    assert out["verdict"] == "not-equivalent" and out["feedback"]


def test_accepted_forms_and_unreadable_answers():
    accepted = grade_job(_task("orthogonal-preserves-norm", "\\mathbf{x}^T\\mathbf{x}"))
    assert accepted["verdict"] == "equivalent"
    bad = grade_job(_task("inverse-of-product", "A^{-1"))
    assert bad["verdict"] == "invalid"
    assert "position 3" in bad["feedback"] and "never closed" in bad["reason"]


# --- files ------------------------------------------------------------------------------------

ROWS = [
    {"student": "s1", "question": "inverse-of-product", "answer": "B^{-1}A^{-1}"},
    {"student": "s2", "question": "inverse-of-product", "answer": "A^{-1}B^{-1}"},
    {"student": "s3", "question": "square-of-sum", "answer": "A^2+2AB+B^2"},
    {"student": "s4", "question": "no-such-question", "answer": "A"},
    {"student": "s5", "question": "det-of-inverse", "answer": "\\frac{1}{\\det A"},
    {"student": "s6", "question": "", "expected": "(AB)^T", "answer": "B^TA^T", "assume": ""},
]


@pytest.mark.parametrize("suffix_in", [".csv", ".jsonl"])
@pytest.mark.parametrize("suffix_out", [".csv", ".jsonl"])
def test_round_trip_carries_fields_and_gives_one_row_each(tmp_path, suffix_in, suffix_out):
    rows = [{**{"question": "", "expected": "", "assume": ""}, **r} for r in ROWS]
    src = tmp_path / f"answers{suffix_in}"
    (_write_csv if suffix_in == ".csv" else _write_jsonl)(src, rows)
    out = tmp_path / f"results{suffix_out}"
    summary = grade_file(src, BANK, output=out, workers=2, timeout=20)
    results = sorted(_read_results(out), key=lambda r: int(r["row"]))
    assert [int(r["row"]) for r in results] == [1, 2, 3, 4, 5, 6]
    assert [r["student"] for r in results] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    verdicts = [r["verdict"] for r in results]
    assert verdicts == [
        "equivalent",
        "not-equivalent",
        "not-equivalent",
        "invalid",
        "invalid",
        "equivalent",
    ]
    assert "unknown question id 'no-such-question'" in results[3]["reason"]
    ce = results[1]["counterexample"]
    ce = json.loads(ce) if suffix_out == ".csv" else ce
    assert set(ce) >= {"instance", "expected", "answer"}
    assert all(float(r["time"]) >= 0 for r in results)
    assert summary.counts["inverse-of-product"] == {
        "equivalent": 1,
        "not-equivalent": 1,
        "invalid": 0,
        "unknown": 0,
        "equivalent-wrong-form": 0,
    }


def test_unreadable_rows_are_invalid_with_the_reason(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_bytes(
        b'{"question": "square-of-sum", "answer": "A^2"}\nnot json\n[1, 2]\n'
        b'{"question": "square-of-sum"}\n\xff\xfe\n'
        b'{"question": "square-of-sum", "answer": 3.5}\n'
    )
    out = tmp_path / "r.jsonl"
    grade_file(src, BANK, output=out, workers=1, timeout=20)
    results = {r["row"]: r for r in _read_results(out)}
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    assert "not a JSON object" in results[2]["reason"]
    assert "JSON list" in results[3]["reason"]
    assert "no answer field" in results[4]["reason"]
    assert "not UTF-8" in results[5]["reason"]
    assert "not text" in results[6]["reason"]
    assert all(results[k]["verdict"] == "invalid" for k in (2, 3, 4, 5, 6))


def test_csv_rows_with_wrong_cell_counts_are_invalid(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("question,answer\nsquare-of-sum,A^2,extra\nsquare-of-sum\n", encoding="utf-8")
    rows = read_answers(src)
    assert "more cells" in rows[0].error and "fewer cells" in rows[1].error


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_resume_skips_rows_already_present_and_drops_a_torn_line(tmp_path, suffix):
    src = _write_jsonl(tmp_path / "a.jsonl", [r for r in ROWS if r["student"] != "s6"])
    out = tmp_path / f"r{suffix}"
    grade_file(src, BANK, output=out, workers=1, timeout=20)
    first = _read_results(out)
    kept = [r for r in first if int(r["row"]) in (1, 4)]
    text = out.read_text(encoding="utf-8").splitlines(keepends=True)
    header = text[:1] if suffix == ".csv" else []
    body = [
        line
        for line in text[len(header) :]
        if any(
            f'"row": {k},' in line or (suffix == ".csv" and line.split(",")[3] == str(k))
            for k in (1, 4)
        )
    ]
    out.write_text("".join(header + body) + text[-1][: len(text[-1]) // 2], encoding="utf-8")
    assert len(kept) == 2
    summary = grade_file(src, BANK, output=out, workers=1, timeout=20)
    assert summary.resumed == 2 and summary.graded == 3
    results = _read_results(out)
    assert sorted(int(r["row"]) for r in results) == [1, 2, 3, 4, 5]
    again = grade_file(src, BANK, output=out, workers=1, timeout=20)
    assert again.graded == 0 and again.resumed == 5
    assert sum(again.counts["inverse-of-product"].values()) == 2


def _slow_then_grade(task: dict) -> dict:
    if task["answer"] == "slow":
        time.sleep(0.5)
        return {"verdict": "equivalent", "method": "test", "feedback": ""}
    return grade_job(task)


def test_killing_a_worker_mid_batch_leaves_every_row_accounted_for():
    rows = [
        InputRow(
            i, {"question": "square-of-sum", "answer": "slow" if i % 2 == 0 else "A^2+AB+BA+B^2"}
        )
        for i in range(1, 25)
    ]
    seen: list[dict] = []
    killed: list[int] = []
    with CheckPool(workers=2, timeout=60, memory_mb=1024, job=_slow_then_grade) as pool:
        for record in grade_rows(rows, BANK, pool=pool):
            seen.append(record)
            # the generator is paused: these workers are mid-task (rows come in input order, so
            # several may be yielded before the pool has seen a killed worker: kill each once)
            busy = [pid for pid in pool.busy_pids() if pid not in killed]
            if len(killed) < 2 and busy:
                os.kill(busy[0], 9)
                killed.append(busy[0])
        assert len(killed) == 2 and pool.stats.died == 2
    assert sorted(r["row"] for r in seen) == list(range(1, 25))  # each exactly once
    died = [r for r in seen if r["verdict"] == "unknown"]
    assert len(died) == 2
    assert all("worker process died (killed by SIGKILL" in r["reason"] for r in died)
    assert all(r["verdict"] == "equivalent" for r in seen if r not in died)


# --- the command line -------------------------------------------------------------------------


def test_cli_grade_writes_results_and_a_summary(tmp_path):
    src = _write_csv(
        tmp_path / "a.csv",
        [{k: r.get(k, "") for k in ("student", "question", "answer")} for r in ROWS[:4]],
    )
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(main, ["grade", str(src), "-o", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "inverse-of-product" in result.output and "total" in result.output
    assert len(_read_results(out)) == 4


def test_cli_grade_with_a_broken_bank_exits_2_naming_the_file(tmp_path):
    bank = tmp_path / "bank.toml"
    bank.write_text("[[question]]\nid = 'q'\n", encoding="utf-8")
    src = _write_csv(tmp_path / "a.csv", [{"question": "q", "answer": "A"}])
    result = CliRunner().invoke(main, ["grade", str(src), "--questions", str(bank)])
    assert result.exit_code == 2  # a data error (the teacher's), as a usage error
    assert "bank.toml" in result.output and "prompt is missing" in result.output


def test_cli_check_keeps_its_output_and_exit_codes():
    runner = CliRunner()
    cases = [
        ("(AB)^{-1}", "B^{-1}A^{-1}", 0),
        ("(AB)^{-1}", "A^{-1}B^{-1}", 1),
        ("(AB)^{-1}", "A^{-1", 2),
    ]
    from derive.checker import check

    for expected, answer, code in cases:
        result = runner.invoke(main, ["check", expected, answer, "-a", "A, B invertible", "--json"])
        assert result.exit_code == code, result.output
        direct = check(expected, answer, assume="A, B invertible").to_json()
        assert result.output.strip() == direct


def test_cli_module_does_not_import_the_engine():
    import subprocess
    import sys

    code = "import sys, cli; print('sympy' in sys.modules, 'derive.checker' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
