"""Feedback in plain words for a wrong answer, generated from its counterexample and hint.

``explain(check_dict)`` turns a check's result (``CheckResult.to_dict()``) into one or two
sentences for a student: the instance on which the answer and the expected answer differ, and both
values, written as plain numbers (``[[1, 2], [0, 1]]``), then the hint if there is one. A 1×1
"matrix" is written as the number it holds, with its size said once. It only formats what the
check found: it computes nothing.
"""

from __future__ import annotations


def _number(x) -> str:
    if isinstance(x, list) and len(x) == 2 and not isinstance(x[0], list):
        re, im = x
        sign = "-" if str(im).startswith("-") else "+"
        return f"{re} {sign} {str(im).lstrip('-')}i"
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def plain(value) -> str:
    """A value of a counterexample (``value_data``) in plain text.

    >>> plain([["1", "2"], ["0", "1"]]), plain([["-4"]]), plain("1/2"), plain(None)
    ('[[1, 2], [0, 1]]', '-4', '1/2', 'no real value')
    """
    if value is None:
        return "no real value"
    if isinstance(value, list) and value and isinstance(value[0], list):
        if len(value) == 1 and len(value[0]) == 1:
            return _number(value[0][0])
        return (
            "[" + ", ".join("[" + ", ".join(_number(x) for x in row) + "]" for row in value) + "]"
        )
    return _number(value)


def _sizes(ce: dict) -> str:
    sizes = ce.get("sizes") or {}
    if not sizes:
        return ""
    if all(v == 1 for v in sizes.values()):
        return " (as 1×1 matrices: already for numbers the two differ)"
    return " (" + ", ".join(f"{k} = {v}" for k, v in sizes.items()) + ")"


def explain(result: dict) -> str:
    """Feedback for a not-equivalent answer, from the counterexample (and the hint, if any).

    >>> explain({"verdict": "not-equivalent", "counterexample": {"sizes": {"n": 2},
    ...   "instance": {"A": {"value": [["1", "2"], ["0", "1"]]}},
    ...   "expected": {"value": [["1", "0"], ["2", "1"]]}, "answer": {"value": [["1", "2"], ["0", "1"]]}},
    ...   "hint": "the answer would be right if A were symmetric, which the assumptions do not give"})
    'With A = [[1, 2], [0, 1]] (n = 2), your answer gives [[1, 2], [0, 1]], but the expected answer gives [[1, 0], [2, 1]]. Hint: the answer would be right if A were symmetric, which the assumptions do not give.'
    """
    parts = []
    ce = result.get("counterexample")
    if ce:
        instance = ce.get("instance") or {}
        names = [f"{k} = {plain(v.get('value'))}" for k, v in instance.items()]
        if len(names) > 1:
            where = ", ".join(names[:-1]) + " and " + names[-1]
        else:
            where = names[0] if names else "these values"
        answer = ce.get("answer", {}).get("value")
        expected = ce.get("expected", {}).get("value")
        yours = "has no real value" if answer is None else f"gives {plain(answer)}"
        text = f"With {where}{_sizes(ce)}, your answer {yours}, but the expected answer gives {plain(expected)}."
        if "difference" in ce:
            text += f" (They differ by {ce['difference'].get('latex')}.)"
        parts.append(text)
    elif result.get("reason"):
        reason = result["reason"]
        parts.append(reason[0].upper() + reason[1:] + ("" if reason.endswith(".") else "."))
    hint = result.get("hint")
    if hint:
        parts.append("Hint: " + hint + ("" if hint.endswith(".") else "."))
    return " ".join(parts)


def for_verdict(result: dict) -> str:
    """Never-empty feedback for any verdict but equivalent (which gets none)."""
    verdict = result.get("verdict")
    if verdict == "not-equivalent":
        return explain(result) or "Your answer is not equal to the expected answer."
    if verdict == "invalid":
        error = result.get("error") or {}
        where = f" at position {error['position']}" if "position" in error else ""
        return (
            f"The {error.get('input', 'input')} could not be read{where}: "
            f"{error.get('reason') or error.get('message') or 'it is not in the notation'}"
        )
    if verdict == "unknown":
        return "Your answer could not be checked automatically: " + (
            result.get("reason") or "the check was undecided"
        )
    if verdict == "equivalent-wrong-form":
        return result.get("reason") or "Your answer is right, but not in the form asked for."
    return ""
