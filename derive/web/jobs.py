"""The work a sandboxed worker does for the web server: one function, ``web_job``, on a task dict.

Tasks are JSON (the sandbox sends them as text); ``kind`` says what to do:

- ``check``: ``derive check`` (expected, answer, assume): the ``CheckResult`` dict;
- ``grade``: one answer to a bank question (the task of ``derive.grade.task_for``): verdict,
  feedback, read_as, counterexample;
- ``read``: how the forgiving reader reads an answer, or the error with its position;
- ``entries`` / ``entry``: the catalogue's list, or one entry's checked walkthrough.

Everything a user sends reaches only the reader and the strict grammar (never eval or sympify).
"""

from __future__ import annotations

import functools

from derive.errors import DeriveError


def web_job(task: dict) -> dict:
    """Run one web task in the worker (dispatch on ``kind``)."""
    kind = task.get("kind")
    if kind == "check":
        from derive.sandbox import check_job

        return check_job(task)
    if kind == "grade":
        from derive.grade import grade_job

        return grade_job(task)
    if kind == "read":
        return read_job(task)
    if kind == "entries":
        return entries_job(task)
    if kind == "entry":
        return entry_job(task)
    return {"verdict": "unknown", "reason": f"unknown task kind {kind!r}"}


def read_job(task: dict) -> dict:
    """How ``answer`` is read under ``assume``: ``{"ok": true, "read_as": ...}`` or the error.

    >>> read_job({"answer": "$B^TA^T$.", "assume": ""})["read_as"]["latex"]
    'B^{T}A^{T}'
    >>> read_job({"answer": "A^{-1", "assume": ""})["error"]["position"]
    3
    """
    from derive.checker import _invalid
    from derive.frontend import parse_assumptions
    from derive.reader import read, shown

    try:
        assumptions = parse_assumptions(task.get("assume") or "")
    except DeriveError as exc:
        return {"ok": False, "error": _invalid("assumptions", exc).error}
    try:
        reading = read(task["answer"], assumptions)
    except (DeriveError, RecursionError) as exc:
        if isinstance(exc, RecursionError):
            exc = DeriveError("the answer nests too deeply")
        return {"ok": False, "error": _invalid("answer", exc).error}
    return {"ok": True, "read_as": shown(reading, reading.parsed.tree, reading.parsed.bold)}


@functools.lru_cache(maxsize=4)
def _catalogue(dirs: tuple[str, ...]):
    from derive.catalogue import load

    return load(list(dirs))


def entries_job(task: dict) -> dict:
    """The catalogue's entries: id, title, tags, section, statement and status (as ``derive list``)."""
    from derive.verify import verify_entry

    cat = _catalogue(tuple(task.get("dirs") or ()))
    rows = [
        {
            "id": e.id,
            "title": e.title,
            "tags": list(e.tags),
            "section": e.section,
            "statement": e.statement,
            "status": verify_entry(e, cat).status,
        }
        for e in cat.ordered()
    ]
    return {"entries": rows}


def entry_job(task: dict) -> dict:
    """One entry's checked walkthrough (``derive show --json``), or ``{"missing": id}``."""
    from derive.render import walkthrough_json
    from derive.verify import verify_entry

    cat = _catalogue(tuple(task.get("dirs") or ()))
    entry = cat.entries.get(task.get("id"))
    if entry is None:
        return {"missing": task.get("id")}
    return {"walkthrough": walkthrough_json(verify_entry(entry, cat))}
