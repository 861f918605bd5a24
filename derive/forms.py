"""Answer forms, like STACK's answer tests for form: an equivalent answer may still be of the wrong
form, and then it gets its own verdict, ``equivalent-wrong-form``, with a message.

A question of a bank may ask for a form with three keys (each optional):

- ``forbid = ['(AB)^T']``: sub-expressions the answer may not contain (compared as read, after the
  forgiving reader: ``(AB)'`` and ``(AB)ᵀ`` are ``(AB)^T`` too);
- ``require = ['expanded']``: named forms, from ``REQUIRE``;
- ``only = ['A^T', 'B^T']``: what the answer is built from. Sums, differences, products, numbers and
  the listed sub-expressions are allowed; a symbol or an operation outside them is not. An entry
  may also name an operation (``transpose``, ``inverse``, ``power``, ``det``, ``trace``), which is then
  allowed on anything allowed.

``check_form(tree, form)`` returns None for an answer of the right form, else the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.errors import DeriveError
from derive.expr import Add, Det, Expr, Frac, Mul, Num, Pow, Sym, Trace, Transpose

REQUIRE = {
    "expanded": "no product of a sum and no power of a sum: multiply the brackets out",
    "factored": "a single product or power, not a sum of terms",
    "no-inverse-of-sum": "no inverse of a sum, such as (A + B)^{-1}",
    "transposes-inward": "transposes and inverses only of single symbols: push them inward",
}
OPERATIONS = {"transpose", "inverse", "power", "det", "trace"}


class FormError(DeriveError):
    """A form in a bank that cannot be read (an unknown requirement, a sub-expression that does
    not parse)."""


@dataclass(frozen=True)
class Form:
    """What a question asks of the form of an answer, as written in the bank."""

    forbid: tuple[str, ...] = ()
    require: tuple[str, ...] = ()
    only: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.forbid or self.require or self.only)

    def to_dict(self) -> dict:
        return {"forbid": list(self.forbid), "require": list(self.require), "only": list(self.only)}


def _tree(text: str) -> Expr:
    from derive.frontend import parse

    return parse(text).tree


def validate(form: Form) -> None:
    """Raise ``FormError`` for an unknown requirement or a sub-expression that does not parse."""
    for name in form.require:
        if name not in REQUIRE:
            raise FormError(f"unknown requirement {name!r} (known: {', '.join(sorted(REQUIRE))})")
    for text in (*form.forbid, *(o for o in form.only if o not in OPERATIONS)):
        try:
            _tree(text)
        except DeriveError as exc:
            raise FormError(f"the form {text!r} does not parse: {exc}") from None


def _walk(e: Expr):
    stack = [e]
    while stack:
        node = stack.pop()
        yield node
        for value in vars(node).values():
            if isinstance(value, Expr):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, Expr))


def _contains(tree: Expr, part: Expr) -> bool:
    """Whether ``part`` occurs in ``tree``; a product also matches a run of factors of a product."""
    for node in _walk(tree):
        if node == part:
            return True
        if isinstance(part, Mul) and isinstance(node, Mul):
            n, k = len(node.factors), len(part.factors)
            if any(node.factors[i : i + k] == part.factors for i in range(n - k + 1)):
                return True
    return False


def _is_sum(e: Expr) -> bool:
    return isinstance(e, Add)


def _is_inverse(e: Expr) -> bool:
    return isinstance(e, Pow) and isinstance(e.exp, Num) and e.exp.value == -1


def _requirement(tree: Expr, name: str) -> bool:
    if name == "expanded":
        for node in _walk(tree):
            if isinstance(node, Mul) and any(_is_sum(f) for f in node.factors):
                return False
            if isinstance(node, Pow) and _is_sum(node.base) and not _is_inverse(node):
                return False
        return True
    if name == "factored":
        return not _is_sum(tree)
    if name == "no-inverse-of-sum":
        return not any(_is_inverse(n) and _is_sum(n.base) for n in _walk(tree))
    if name == "transposes-inward":
        for node in _walk(tree):
            if isinstance(node, Transpose) and not isinstance(node.arg, Sym):
                return False
            if _is_inverse(node) and not isinstance(node.base, Sym):
                return False
        return True
    raise FormError(f"unknown requirement {name!r}")


def _operation(e: Expr) -> str | None:
    if isinstance(e, Transpose):
        return "transpose"
    if _is_inverse(e):
        return "inverse"
    if isinstance(e, Pow):
        return "power"
    if isinstance(e, Det):
        return "det"
    if isinstance(e, Trace):
        return "trace"
    return None


def _built_from(e: Expr, parts: list[Expr], ops: set[str]) -> Expr | None:
    """The first sub-expression of ``e`` outside what ``only`` allows, or None."""
    if any(e == p for p in parts) or isinstance(e, Num):
        return None
    if isinstance(e, Add | Mul):
        items = e.terms if isinstance(e, Add) else e.factors
        for item in items:
            bad = _built_from(item, parts, ops)
            if bad is not None:
                return bad
        return None
    if isinstance(e, Frac) and isinstance(e.den, Num):
        return _built_from(e.num, parts, ops)
    op = _operation(e)
    if op is not None and op in ops:
        inner = e.arg if isinstance(e, Transpose | Det | Trace) else e.base
        return _built_from(inner, parts, ops)
    if isinstance(e, Pow) and op == "power" and isinstance(e.exp, Num) and "power" not in ops:
        # a positive integer power of an allowed part is a product of it
        if e.exp.value.denominator == 1 and e.exp.value > 0:
            return _built_from(e.base, parts, ops)
    return e


def check_form(tree: Expr, form: Form) -> str | None:
    """None when the answer (its parsed tree) has the form; else a message for the student.

    >>> check_form(_tree("(AB)^T"), Form(forbid=("(AB)^T",)))
    'your answer is right, but it may not contain (AB)^T: write it in another form'
    >>> check_form(_tree("B^TA^T"), Form(forbid=("(AB)^T",))) is None
    True
    """
    from derive.render import latex

    for text in form.forbid:
        if _contains(tree, _tree(text)):
            return f"your answer is right, but it may not contain {text}: write it in another form"
    for name in form.require:
        if not _requirement(tree, name):
            return f"your answer is right, but it must be {name}: {REQUIRE[name]}"
    if form.only:
        ops = {o for o in form.only if o in OPERATIONS}
        parts = [_tree(o) for o in form.only if o not in OPERATIONS]
        bad = _built_from(tree, parts, ops)
        if bad is not None:
            allowed = ", ".join(form.only)
            return (
                f"your answer is right, but it must be written with {allowed} only "
                f"(sums, products and numbers allowed); {latex(bad)} is not"
            )
    return None
