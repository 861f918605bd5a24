"""``derive grade``: grade a class's answers against a question bank, in bounded time and memory.

Main contents:

- Question banks (TOML): ``load_bank(path)`` reads and validates a bank into frozen ``Question``s;
  ``load_bank(None)`` is the course's bank shipped in ``derive/data/course-questions.toml``.
- Answers (CSV or JSON lines): ``read_answers(path)`` yields one ``InputRow`` per record, readable
  or not; ``task_for(row, bank)`` turns it into a sandbox task, or into an ``invalid`` result.
- ``grade_job(task)``: what a worker runs for one answer: the check against the expected answer,
  then the other accepted forms, then the known wrong answers (matched by equivalence, not by text).
- ``grade_file(...)``: every input row gets exactly one result row, written and flushed as it
  finishes; a rerun with the same output resumes (rows are keyed by the ``row`` field).
- ``format_summary(summary)``: per question, how many answers were right, wrong, invalid, unknown.

The parent process never imports SymPy or the engine: the checks run in ``derive.sandbox`` workers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from derive.errors import DeriveError
from derive.forms import Form
from derive.sandbox import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, CheckPool

BANK_RESOURCE = "data/course-questions.toml"
RESULT_FIELDS = (
    "row",
    "verdict",
    "feedback",
    "read_as",
    "read_as_latex",
    "method",
    "counterexample",
    "reason",
    "time",
)
VERDICTS = ("equivalent", "not-equivalent", "invalid", "unknown", "equivalent-wrong-form")
QUESTION_KEYS = {
    "id",
    "prompt",
    "expected",
    "assume",
    "accepted",
    "feedback",
    "forbid",
    "require",
    "only",
}
FEEDBACK_KEYS = {"answer", "message"}
BANK_KEYS = {"title", "description", "question"}
csv.field_size_limit(1 << 24)


class BankError(DeriveError):
    """A question bank that cannot be loaded; names the file, the line and the reason."""


class AnswersError(DeriveError):
    """An answers or results file that cannot be read at all; names the file and the reason."""


# ---------------------------------------------------------------------------------------------
# Question banks


@dataclass(frozen=True)
class Feedback:
    """A known wrong answer and the message for a student whose answer is equivalent to it."""

    answer: str
    message: str


@dataclass(frozen=True)
class Question:
    """One question of a bank: the expected answer, its assumptions, accepted forms, feedback."""

    id: str
    prompt: str
    expected: str
    assume: str = ""
    accepted: tuple[str, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    form: Form = Form()


@dataclass(frozen=True)
class Bank:
    """A loaded question bank: its source (file name) and its questions by id, in file order."""

    source: str
    title: str
    questions: dict[str, Question]

    def __len__(self) -> int:
        return len(self.questions)


def _line_of(text: str, qid: object, nth: int = 1) -> int | None:
    """The line of the ``nth`` ``id = "qid"`` in a bank's text, to name it in errors.

    >>> _line_of('title = "x"\\n[[question]]\\nid = "a-b"\\n', "a-b")
    3
    """
    pattern = re.compile(r"^\s*id\s*=\s*[\"']" + re.escape(str(qid)) + r"[\"']", re.M)
    matches = list(pattern.finditer(text))
    if len(matches) < nth:
        return None
    return text.count("\n", 0, matches[nth - 1].start()) + 1


def _string(value: object, what: str, where: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        kind = "missing" if value is None else f"a {type(value).__name__}, not a string"
        raise BankError(f"{where}: {what} is {kind}")
    return value


def _question(raw: object, index: int, text: str, source: str) -> Question:
    """Validate one ``[[question]]`` table of a bank (``index`` counts from 1)."""
    if not isinstance(raw, dict):
        raise BankError(f"{source}: question {index} is not a table")
    line = _line_of(text, raw.get("id"))
    where = f"{source}, line {line}" if line else f"{source}, question {index}"
    unknown = sorted(set(raw) - QUESTION_KEYS)
    if unknown:
        raise BankError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(QUESTION_KEYS))})"
        )
    qid = _string(raw.get("id"), "the id", where)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", qid):
        raise BankError(f"{where}: the id {qid!r} must be letters, digits and - _ . :")
    where = f"{where} (question {qid!r})"
    accepted = raw.get("accepted", [])
    if not isinstance(accepted, list):
        raise BankError(f"{where}: accepted must be a list of strings")
    feedback = raw.get("feedback", [])
    if not isinstance(feedback, list):
        raise BankError(f"{where}: feedback must be a list of [[question.feedback]] tables")
    entries = []
    for k, fb in enumerate(feedback, 1):
        if not isinstance(fb, dict):
            raise BankError(f"{where}: feedback {k} is not a table")
        extra = sorted(set(fb) - FEEDBACK_KEYS)
        if extra:
            raise BankError(
                f"{where}: feedback {k} has unknown key {extra[0]!r} (known: answer, message)"
            )
        entries.append(
            Feedback(
                _string(fb.get("answer"), f"feedback {k}'s answer", where),
                _string(fb.get("message"), f"feedback {k}'s message", where),
            )
        )
    lists = {}
    for key in ("forbid", "require", "only"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BankError(
                f"{_key_where(text, source, qid, key) or where}: {key} must be a list of strings"
            )
        lists[key] = tuple(value)
    question = Question(
        id=qid,
        prompt=_string(raw.get("prompt"), "the prompt", where),
        expected=_string(raw.get("expected"), "the expected answer", where),
        assume=_string(raw.get("assume"), "assume", where, required=False),
        accepted=tuple(_string(a, f"accepted form {k}", where) for k, a in enumerate(accepted, 1)),
        feedback=tuple(entries),
        form=Form(**lists),
    )
    _check_mathematics(question, text, source, where)
    return question


def _key_where(text: str, source: str, qid: str, key: str, nth: int = 1) -> str | None:
    """``source, line N (question 'qid')`` for the ``nth`` ``key = ...`` of a question's table."""
    start = _line_of(text, qid)
    if start is None:
        return None
    lines = text.splitlines()
    begin = start - 1
    while begin > 0 and not lines[begin].lstrip().startswith("[[question]]"):
        begin -= 1
    seen = 0
    for n in range(begin + 1, len(lines)):
        line = lines[n].lstrip()
        if n > begin + 1 and line.startswith("[[question]]"):
            break
        if re.match(rf"{re.escape(key)}\s*=", line):
            seen += 1
            if seen == nth:
                return f"{source}, line {n + 1} (question {qid!r})"
    return None


def _check_mathematics(q: Question, text: str, source: str, where: str) -> None:
    """Every answer a teacher wrote (expected, accepted, feedback) parses and types under the
    question's assumptions, in the strict notation; a form's parts parse too. A teacher's mistake
    stops the run here rather than grading every student invalid."""
    from derive.forms import FormError, validate
    from derive.frontend import build_env, parse, parse_assumptions, typecheck_compared

    def fail(key: str, nth: int, what: str, exc: Exception) -> None:
        place = _key_where(text, source, q.id, key, nth) or where
        raise BankError(f"{place}: {what} does not parse under its assumptions: {exc}".rstrip())

    try:
        assumptions = parse_assumptions(q.assume)
    except DeriveError as exc:
        fail("assume", 1, f"assume {q.assume!r}", exc)
    try:
        expected = parse(q.expected)
        typecheck_compared(expected, expected, build_env(assumptions, [expected]))
    except DeriveError as exc:
        fail("expected", 1, f"the expected answer {q.expected!r}", exc)
    others = [("accepted", k, f"accepted form {k}", a) for k, a in enumerate(q.accepted, 1)]
    others += [
        ("answer", k, f"feedback {k}'s answer", f.answer) for k, f in enumerate(q.feedback, 1)
    ]
    for key, nth, what, answer in others:
        try:
            other = parse(answer)
            env = build_env(assumptions, [expected, other])
            typecheck_compared(expected, other, env)
        except DeriveError as exc:
            fail(key, nth, f"{what} {answer!r}", exc)
    try:
        validate(q.form)
    except FormError as exc:
        key = "require" if "requirement" in str(exc) else "forbid" if q.form.forbid else "only"
        raise BankError(f"{_key_where(text, source, q.id, key) or where}: {exc}") from None


def parse_bank(text: str, source: str = "<bank>") -> Bank:
    """Read a bank from TOML text; raise ``BankError`` naming ``source``, the line and the reason.

    >>> bank = parse_bank("[[question]]\\nid = 'q'\\nprompt = 'p'\\nexpected = 'A^T'\\n")
    >>> bank.questions["q"].expected
    'A^T'
    >>> parse_bank("[[question]]\\nid = 'q'\\nprompt = 'p'\\n", "b.toml")
    Traceback (most recent call last):
    derive.grade.BankError: b.toml, line 2 (question 'q'): the expected answer is missing
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{source}: not valid TOML: {exc}") from None
    extra = sorted(set(data) - BANK_KEYS)
    if extra:
        raise BankError(
            f"{source}: unknown top-level key {extra[0]!r} (known: title, description, question)"
        )
    raw = data.get("question", [])
    if not isinstance(raw, list) or not raw:
        raise BankError(f"{source}: no [[question]] tables")
    questions: dict[str, Question] = {}
    for index, item in enumerate(raw, 1):
        q = _question(item, index, text, source)
        if q.id in questions:
            raise BankError(
                f"{source}, line {_line_of(text, q.id, 2)}: duplicate question id {q.id!r}"
            )
        questions[q.id] = q
    title = data.get("title", "")
    return Bank(source, title if isinstance(title, str) else "", questions)


def load_bank(path: str | os.PathLike[str] | None = None) -> Bank:
    """Load a bank from ``path``, or the course's bank shipped with ``derive`` when ``None``."""
    if path is None:
        from importlib.resources import files

        resource = files("derive").joinpath(BANK_RESOURCE)
        return parse_bank(resource.read_text(encoding="utf-8"), "course-questions.toml")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(f"{path}: cannot be read: {exc}") from None
    return parse_bank(text, str(path))


# ---------------------------------------------------------------------------------------------
# Answers


@dataclass
class InputRow:
    """One input record: its 1-based index, its fields, or the reason it could not be read."""

    index: int
    fields: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def detect_format(path: str | os.PathLike[str], head: str = "") -> str:
    """``csv`` or ``jsonl``, from the file name, else from the first character of the text.

    >>> detect_format("answers.csv"), detect_format("a.jsonl"), detect_format("a.txt", ' {"a": 1}')
    ('csv', 'jsonl', 'jsonl')
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "jsonl" if head.lstrip()[:1] in ("{", "[") else "csv"


def _json_rows(data: bytes) -> Iterator[InputRow]:
    text_head = data[:64].decode("utf-8", "replace").lstrip("\ufeff").lstrip()
    if text_head.startswith("["):  # a JSON array of objects, accepted too
        try:
            items = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            yield InputRow(1, error=f"the file is not a JSON array or JSON lines: {exc}")
            return
        for index, item in enumerate(items, 1):
            yield _json_row(index, item)
        return
    index = 0
    for raw in data.splitlines():
        if not raw.strip():
            continue
        index += 1
        try:
            item = json.loads(raw.decode("utf-8-sig" if index == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            yield InputRow(
                index, error=f"the line is not UTF-8 text ({exc.reason} at byte {exc.start})"
            )
            continue
        except ValueError as exc:
            yield InputRow(index, error=f"the line is not a JSON object: {exc}")
            continue
        yield _json_row(index, item)


def _json_row(index: int, item: object) -> InputRow:
    if not isinstance(item, dict):
        return InputRow(index, error=f"the record is a JSON {type(item).__name__}, not an object")
    return InputRow(index, {str(k): v for k, v in item.items()})


def _csv_rows(data: bytes) -> Iterator[InputRow]:
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\0extra")
    index = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            index += 1
            yield InputRow(index, error=f"the CSV record cannot be read: {exc}")
            continue
        index += 1
        extra = record.pop("\0extra", None)
        fields = {k: v for k, v in record.items() if k is not None}
        if extra:
            yield InputRow(
                index, fields, error=f"the record has {len(extra)} more cells than the header"
            )
        elif any(v is None for v in fields.values()):
            yield InputRow(
                index,
                {k: v for k, v in fields.items() if v is not None},
                error="the record has fewer cells than the header",
            )
        else:
            yield InputRow(index, fields)


def read_answers(path: str | os.PathLike[str]) -> list[InputRow]:
    """Every record of an answers file (CSV or JSON lines), each readable or with its reason."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise AnswersError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    fmt = detect_format(path, data[:64].decode("utf-8", "replace").lstrip("\ufeff"))
    return list(_json_rows(data) if fmt == "jsonl" else _csv_rows(data))


def _text(value: object) -> str | None:
    """A cell as text: strings as they are, integers as digits, anything else is not an answer."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def task_for(row: InputRow, bank: Bank | None) -> dict:
    """The sandbox task for a row, or ``{"invalid": reason}`` when the row cannot be graded.

    >>> task_for(InputRow(1, {"expected": "A", "answer": "A^T"}), None)["answer"]
    'A^T'
    >>> task_for(InputRow(2, {"answer": "A"}), None)["invalid"]
    'the row has neither a question id nor an expected answer'
    """
    if row.error:
        return {"invalid": row.error}
    answer = _text(row.fields.get("answer"))
    if answer is None:
        if "answer" not in row.fields:
            return {"invalid": "the row has no answer field"}
        return {"invalid": "the answer is not text"}
    qid = row.fields.get("question")
    if qid not in (None, ""):
        qid = str(qid)
        if bank is None or qid not in bank.questions:
            where = f"the bank {bank.source}" if bank else "the question bank"
            return {"invalid": f"unknown question id {qid!r}: it is not in {where}"}
        q = bank.questions[qid]
        return {
            "expected": q.expected,
            "assume": q.assume,
            "answer": answer,
            "accepted": list(q.accepted),
            "feedback": [{"answer": f.answer, "message": f.message} for f in q.feedback],
            "form": q.form.to_dict() if q.form else None,
        }
    expected = _text(row.fields.get("expected"))
    if expected is None or not expected.strip():
        return {"invalid": "the row has neither a question id nor an expected answer"}
    assume = _text(row.fields.get("assume")) or ""
    return {
        "expected": expected,
        "assume": assume,
        "answer": answer,
        "accepted": [],
        "feedback": [],
    }


def question_key(fields: dict[str, Any]) -> str:
    """The summary line a row counts toward: its question id, else its expected answer.

    >>> question_key({"question": "det-of-product"}), question_key({"expected": "A^T"})
    ('det-of-product', 'expected: A^T')
    """
    qid = fields.get("question")
    if qid not in (None, ""):
        return str(qid)
    expected = fields.get("expected")
    if isinstance(expected, str) and expected.strip():
        shown = expected if len(expected) <= 40 else expected[:37] + "..."
        return f"expected: {shown}"
    return "(rows without a question)"


# ---------------------------------------------------------------------------------------------
# The job a worker runs


def _error_words(error: dict | None) -> str:
    if not error:
        return "it could not be read"
    where = f" at position {error['position']}" if "position" in error else ""
    return f"{where.strip() + ': ' if where else ''}{error.get('reason') or error.get('message')}"


def outcome(check_dict: dict, feedback: str = "", method: str | None = None) -> dict:
    """The grading fields of one check's dict: verdict, feedback, method, counterexample, reason.

    >>> outcome({"verdict": "invalid", "method": "front end",
    ...          "error": {"input": "answer", "position": 3, "reason": "unbalanced braces"}})["feedback"]
    'the answer could not be read at position 3: unbalanced braces'
    """
    from derive.feedback import for_verdict

    verdict = check_dict.get("verdict", "unknown")
    reason = check_dict.get("reason")
    read_as = check_dict.get("read_as") or {}
    if verdict == "invalid":
        error = check_dict.get("error") or {}
        which = error.get("input", "input")
        reason = f"the {which} could not be read: {_error_words(error)}"
        if not feedback:
            where = f" at position {error['position']}" if "position" in error else ""
            feedback = f"the {which} could not be read{where}: {error.get('reason') or error.get('message')}"
    elif verdict == "not-equivalent" and not feedback:
        feedback = check_dict.get("feedback") or for_verdict(check_dict)
    elif verdict != "equivalent" and not feedback:
        feedback = for_verdict(check_dict)
    return {
        "verdict": verdict,
        "feedback": feedback,
        "read_as": read_as.get("unicode"),
        "read_as_latex": read_as.get("latex"),
        "method": method or check_dict.get("method", ""),
        "counterexample": check_dict.get("counterexample"),
        "reason": reason,
        "derivation": check_dict.get("derivation"),
    }


def grade_job(task: dict) -> dict:
    """Grade one answer (runs in a worker): expected, then accepted forms, then known wrong answers."""
    from derive.checker import check
    from derive.prove import warm_catalogue

    assume = task.get("assume") or ""
    answer = task["answer"]
    want = bool(task.get("derivations"))  # ``derive grade --derivations``: in the output
    warm_catalogue()  # once per worker: derivations (the symbolic decider) may cite theorems

    def graded(expected: str) -> dict:
        result = check(expected, answer, assume=assume, hints=False).to_dict()
        if not want:
            result.pop("derivation", None)
        return result

    # no hint yet: it is searched (within its budget) only if no feedback message matches
    first = graded(task["expected"])
    if first["verdict"] == "equivalent":
        return _with_form(first, task)
    if first["verdict"] == "invalid":
        return outcome(first)
    for k, form in enumerate(task.get("accepted") or (), 1):
        other = graded(form)
        if other["verdict"] == "equivalent":
            other["read_as"] = first.get("read_as")
            return _with_form(other, task, method=f"accepted form {k}: {other['method']}")
    for known in task.get("feedback") or ():
        if graded(known["answer"])["verdict"] == "equivalent":
            return outcome(first, feedback=known["message"])
    if first["verdict"] == "not-equivalent":  # the same check again, now with the hint
        first = check(task["expected"], answer, assume=assume, derivation=False).to_dict()
    return outcome(first)


def _with_form(result: dict, task: dict, method: str | None = None) -> dict:
    """An equivalent answer: ``equivalent-wrong-form`` if the question asks for a form it lacks."""
    spec = task.get("form")
    if spec:
        from derive.forms import Form, check_form
        from derive.frontend import parse_assumptions
        from derive.reader import read

        tree = read(task["answer"], parse_assumptions(task.get("assume") or "")).parsed.tree
        message = check_form(tree, Form(**{k: tuple(v) for k, v in spec.items()}))
        if message is not None:
            result = {**result, "verdict": "equivalent-wrong-form", "reason": message}
            return outcome(result, feedback=message, method=method)
    return outcome(result, method=method)


# ---------------------------------------------------------------------------------------------
# Results files


def result_columns(rows: Iterable[InputRow], derivations: bool = False) -> list[str]:
    """The CSV header: the input's columns in order of appearance (renamed where they clash), then
    the result fields.

    >>> result_columns([InputRow(1, {"student": "s1", "verdict": "x"})])[:2]
    ['student', 'input_verdict']
    """
    seen: dict[str, None] = {}
    for row in rows:
        for key in row.fields:
            seen.setdefault(input_name(key), None)
    extra = ["derivation"] if derivations else []
    return [k for k in seen if k not in RESULT_FIELDS] + list(RESULT_FIELDS) + extra


def input_name(key: str) -> str:
    """An input column's name in the results: ``input_<name>`` where it clashes with a result field."""
    return f"input_{key}" if key in RESULT_FIELDS else key


def result_row(
    row: InputRow, graded: dict, elapsed: float, derivations: bool = False
) -> dict[str, Any]:
    """One result: the input row's fields, then ``row`` and the grading fields (and, with
    ``derivations``, the kernel-checked ``derivation`` of an equivalent answer, or None)."""
    out: dict[str, Any] = {input_name(k): v for k, v in row.fields.items()}
    out.update(
        row=row.index,
        verdict=graded.get("verdict", "unknown"),
        feedback=graded.get("feedback") or "",
        read_as=graded.get("read_as") or "",
        read_as_latex=graded.get("read_as_latex") or "",
        method=graded.get("method") or "",
        counterexample=graded.get("counterexample"),
        reason=graded.get("reason"),
        time=round(elapsed, 4),
    )
    if derivations:
        out["derivation"] = graded.get("derivation")
    return out


def _existing_results(path: Path, fmt: str) -> list[dict[str, Any]]:
    """The complete result rows already in ``path`` (a torn last line is dropped), first per row."""
    if not path.exists():
        return []
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise AnswersError(f"{path}: cannot be read to resume: {exc.strerror or exc}") from None
    found: dict[int, dict[str, Any]] = {}
    if fmt == "jsonl":
        records: Iterable[Any] = []
        parsed = []
        for line in text.splitlines():
            try:
                parsed.append(json.loads(line))
            except ValueError:
                continue
        records = parsed
    else:
        records = list(csv.DictReader(io.StringIO(text, newline="")))
    for record in records:
        if not isinstance(record, dict) or record.get("verdict") not in VERDICTS:
            continue
        try:
            index = int(record.get("row"))
        except (TypeError, ValueError):
            continue
        if fmt == "csv" and (None in record or any(v is None for v in record.values())):
            continue  # a torn last record
        found.setdefault(index, record)
    return [found[k] for k in sorted(found)]


class ResultWriter:
    """Writes result rows as JSON lines or CSV, flushing each; CSV counterexamples as JSON text."""

    def __init__(self, stream: TextIO, fmt: str, columns: list[str]):
        self.stream, self.fmt, self.columns = stream, fmt, columns
        self._csv = csv.DictWriter(stream, columns, extrasaction="ignore") if fmt == "csv" else None

    def header(self) -> None:
        if self._csv is not None:
            self._csv.writeheader()
            self.stream.flush()

    def write(self, record: dict[str, Any]) -> None:
        if self._csv is not None:
            flat = {k: _cell(record.get(k)) for k in self.columns}
            self._csv.writerow(flat)
        else:
            self.stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self.stream.flush()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


# ---------------------------------------------------------------------------------------------
# Grading a file


@dataclass
class Summary:
    """Counts per question and verdict, and how many rows were graded now or found from before."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    graded: int = 0
    resumed: int = 0
    seconds: float = 0.0

    def add(self, key: str, verdict: str) -> None:
        row = self.counts.setdefault(key, dict.fromkeys(VERDICTS, 0))
        row[verdict if verdict in VERDICTS else "unknown"] += 1


def grade_rows(
    rows: list[InputRow],
    bank: Bank | None,
    workers: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    pool: CheckPool | None = None,
    derivations: bool = False,
) -> Iterator[dict[str, Any]]:
    """Grade ``rows``; yield one result row per input row, in input order (results that finish
    early wait for the rows before them)."""
    runnable: list[tuple[InputRow, dict]] = []
    ready: dict[int, dict[str, Any]] = {}
    for row in rows:
        task = task_for(row, bank)
        if "invalid" in task:
            graded = {
                "verdict": "invalid",
                "method": "input",
                "reason": task["invalid"],
                "feedback": f"the row could not be graded: {task['invalid']}",
            }
            ready[row.index] = result_row(row, graded, 0.0, derivations)
        else:
            runnable.append((row, {**task, "derivations": True} if derivations else task))
    order = [row.index for row in rows]
    nxt = 0

    def flush() -> Iterator[dict[str, Any]]:
        nonlocal nxt
        while nxt < len(order) and order[nxt] in ready:
            yield ready.pop(order[nxt])
            nxt += 1

    if not runnable:
        yield from flush()
        return
    own = pool is None
    pool = pool or CheckPool(
        workers=workers, timeout=timeout, memory_mb=memory_mb, job=grade_job, once=True
    )
    by_index = {row.index: row for row, _ in runnable}
    try:
        yield from flush()
        for index, graded in pool.imap_unordered((row.index, task) for row, task in runnable):
            elapsed = graded.get("time", 0.0)
            if graded.get("method") == "sandbox":
                graded = outcome(graded)
            ready[index] = result_row(by_index[index], graded, elapsed, derivations)
            yield from flush()
    finally:
        if own:
            pool.close()


def grade_file(
    answers: str | os.PathLike[str],
    bank: Bank | None = None,
    output: str | os.PathLike[str] | None = None,
    stream: TextIO | None = None,
    workers: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    derivations: bool = False,
) -> Summary:
    """Grade an answers file into ``output`` (resuming it if it exists) or into ``stream``.

    ``on_start(n)`` is called with the number of rows still to grade, ``on_result(row)`` after each.
    """
    import time

    started = time.monotonic()
    rows = read_answers(answers)
    check_columns(answers, rows)
    fmt = "csv" if output is not None and Path(output).suffix.lower() == ".csv" else "jsonl"
    columns = result_columns(rows, derivations)
    summary = Summary()
    fields_of = {row.index: row.fields for row in rows}
    for row in rows:  # the summary lists questions in the order the input first names them
        summary.counts.setdefault(question_key(row.fields), dict.fromkeys(VERDICTS, 0))
    done: list[dict[str, Any]] = []
    if output is not None:
        done = [r for r in _existing_results(Path(output), fmt) if r["row"] is not None]
        done = [r for r in done if int(r["row"]) in fields_of]
    skip = {int(r["row"]) for r in done}
    for record in done:
        summary.add(question_key(fields_of[int(record["row"])]), record["verdict"])
    summary.resumed = len(done)
    todo = [row for row in rows if row.index not in skip]
    if on_start is not None:
        on_start(len(todo))
    handle: TextIO
    # the file is kept in input order: rows found from before that come before the first row to
    # grade stay as they are; the others are written again in their place as grading goes on
    first_todo = todo[0].index if todo else None
    position = {row.index: k for k, row in enumerate(rows)}
    head = [r for r in done if first_todo is None or position[int(r["row"])] < position[first_todo]]
    later = {int(r["row"]): r for r in done if r not in head}
    if output is not None:
        handle = _rewrite(Path(output), fmt, columns, head)
    else:
        handle = stream if stream is not None else __import__("sys").stdout
    writer = ResultWriter(handle, fmt, columns)
    try:
        results = grade_rows(
            todo,
            bank,
            workers=workers,
            timeout=timeout,
            memory_mb=memory_mb,
            derivations=derivations,
        )
        for row in rows:
            if first_todo is None or position[row.index] < position[first_todo]:
                continue
            if row.index in later:
                writer.write(_restore(later[row.index], fmt))
                continue
            record = next(results)
            writer.write(record)
            summary.graded += 1
            summary.add(question_key(fields_of[record["row"]]), record["verdict"])
            if on_result is not None:
                on_result(record)
    finally:
        if output is not None:
            handle.close()
    summary.seconds = time.monotonic() - started
    return summary


def check_columns(path: str | os.PathLike[str], rows: list[InputRow]) -> None:
    """An answers file must have an ``answer`` column and a ``question`` (or ``expected``) column:
    otherwise every row would be graded invalid for the teacher's mistake. Raise ``AnswersError``
    naming the columns the file has and the ones it needs."""
    have: dict[str, None] = {}
    for row in rows:
        for key in row.fields:
            have.setdefault(key, None)
    if not rows or not have:
        return
    missing = []
    if "answer" not in have:
        missing.append("answer")
    if "question" not in have and "expected" not in have:
        missing.append("question (or expected, with assume)")
    if missing:
        raise AnswersError(
            f"{path}: the answers have the columns {', '.join(have) or '(none)'}; "
            f"they need {' and '.join(missing)}"
        )


def _rewrite(path: Path, fmt: str, columns: list[str], done: list[dict[str, Any]]) -> TextIO:
    """Rewrite ``path`` with the complete rows found in it, and return it open for appending."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = ResultWriter(out, fmt, columns)
            writer.header()
            for record in done:
                writer.write(_restore(record, fmt))
        os.replace(tmp, path)
        return path.open("a", encoding="utf-8", newline="")
    except OSError as exc:
        raise AnswersError(f"{path}: cannot be written: {exc.strerror or exc}") from None


def _restore(record: dict[str, Any], fmt: str) -> dict[str, Any]:
    """A CSV row read back: the counterexample cell is JSON text again, kept as it was."""
    if fmt == "csv" and isinstance(record.get("counterexample"), str) and record["counterexample"]:
        try:
            return {**record, "counterexample": json.loads(record["counterexample"])}
        except ValueError:
            return record
    return record


def format_summary(summary: Summary) -> str:
    """The table printed after grading: per question, right, wrong, invalid, unknown, total.

    >>> s = Summary(); s.add("q1", "equivalent"); s.add("q1", "invalid")
    >>> format_summary(s).splitlines()[2].split()
    ['q1', '1', '0', '1', '0', '0', '2']
    """
    names = list(summary.counts)
    width = max([len("question"), len("total")] + [len(n) for n in names])
    head = f"{'question':<{width}}  right  wrong  invalid  unknown  form  total"
    lines = [head, "-" * len(head)]
    totals = dict.fromkeys(VERDICTS, 0)
    for name in names:
        c = summary.counts[name]
        for v in VERDICTS:
            totals[v] += c[v]
        lines.append(_summary_line(name, c, width))
    lines.append("-" * len(head))
    lines.append(_summary_line("total", totals, width))
    return "\n".join(lines)


def _summary_line(name: str, c: dict[str, int], width: int) -> str:
    total = sum(c.values())
    return (
        f"{name:<{width}}  {c['equivalent']:>5}  {c['not-equivalent']:>5}  {c['invalid']:>7}  "
        f"{c['unknown']:>7}  {c['equivalent-wrong-form']:>4}  {total:>5}"
    )


def cli_grade(
    answers: str,
    questions: str | None,
    output: str | None,
    workers: int,
    timeout: float,
    memory_mb: int,
    derivations: bool = False,
) -> int:
    """The body of ``derive grade``: a progress bar on a terminal, results, then the summary table."""
    import sys

    import click

    try:
        bank = load_bank(questions)
        bar: list[Any] = []

        def start(n: int) -> None:
            if sys.stderr.isatty() and n:
                bar.append(click.progressbar(length=n, file=sys.stderr, label="grading"))
                bar[0].__enter__()

        def step(_: dict[str, Any]) -> None:
            if bar:
                bar[0].update(1)

        try:
            summary = grade_file(
                answers,
                bank,
                output=output,
                workers=workers,
                timeout=timeout,
                memory_mb=memory_mb,
                on_start=start,
                on_result=step,
                derivations=derivations,
            )
        finally:
            if bar:
                bar[0].__exit__(None, None, None)
    except DeriveError as exc:  # a teacher's mistake (bank, answers file): a data error
        click.echo(f"error: {exc}", err=True)
        return 2
    click.echo(format_summary(summary), err=True)
    resumed = f", {summary.resumed} found from before" if summary.resumed else ""
    click.echo(
        f"{summary.graded} answers graded in {summary.seconds:.1f} s{resumed}"
        + (f"; results in {output}" if output else ""),
        err=True,
    )
    return 0
