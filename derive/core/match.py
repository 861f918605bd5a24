"""Matching a theorem's statement against a term, and substituting the match: each symbol binds
to a term of its kind (a real one only to a real term), each symbolic size to the size found
(``SIZES``); a matrix metavariable may take a run of consecutive factors of a product.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction

from derive.core.shapes import SCALAR, VECTOR, Scope, real_valued, shape_of, shape_or_false
from derive.core.terms import Expr, Identity, Mul, Num, Sym, Zero, flat_mul, walk

SIZES = "#sizes"  # in ``metas``: the pattern's symbolic sizes are metavariables


def sizes_in(e: Expr) -> set[str]:
    """The symbolic sizes of the identities and zeros in ``e``."""
    nodes = [node for node in walk(e) if isinstance(node, (Identity, Zero))]
    return {d for node in nodes for d in _dims(node) if isinstance(d, str)}


def _dims(e: Identity | Zero) -> tuple:
    return (e.dim,) if isinstance(e, Identity) else (e.rows, e.cols)


def _bind_sizes(pattern_dims, subject_dims, metas: set, binding: dict) -> bool:
    """Bind each symbolic size of the pattern to the subject's size there, consistently."""
    if SIZES not in metas:
        return all(p == s for p, s in zip(pattern_dims, subject_dims, strict=True))
    for p, s in zip(pattern_dims, subject_dims, strict=True):
        if isinstance(p, str):
            if binding.setdefault(("size", p), s) != s:
                return False
        elif p != s:
            return False  # a size written as a number is that size: B n×1 takes no n×n matrix
    return True


def substitute(e: Expr, binding: dict) -> Expr:
    """``e`` with each bound symbol (and bound size) replaced; products stay flat."""
    if isinstance(e, Sym) and e.name in binding:
        return binding[e.name]
    if isinstance(e, Sym) and ("size", e.name) in binding:  # a size as a number (c^n)
        return Sym(s) if isinstance(s := binding["size", e.name], str) else Num(Fraction(s))
    if isinstance(e, Identity) and ("size", e.dim) in binding:
        return Identity(binding[("size", e.dim)])
    if isinstance(e, Zero) and (("size", e.rows) in binding or ("size", e.cols) in binding):
        return Zero(binding.get(("size", e.rows), e.rows), binding.get(("size", e.cols), e.cols))
    kids = e.children()
    if not kids:
        return e
    new = tuple(substitute(k, binding) for k in kids)
    if isinstance(e, Mul):
        return flat_mul(new)
    return e.rebuild(new)


class Matcher:
    """Matches patterns typed in ``pscope`` against subjects typed in ``scope``."""

    def __init__(self, metas: set, pscope: Scope, scope: Scope, same: Callable[[Expr, Expr], bool]):
        self.metas, self.pscope, self.scope, self.same = metas, pscope, scope, same

    def match(self, pattern: Expr, subject: Expr, binding: dict | None = None) -> Iterator[dict]:
        """Every binding of the metavariables that makes ``pattern`` the same as ``subject``."""
        binding = dict(binding or {})
        if isinstance(pattern, Sym) and pattern.name in self.metas:
            yield from self._bind(pattern.name, subject, binding)
            return
        if isinstance(pattern, Sym) and SIZES in self.metas and pattern.name in self.pscope.dims:
            return  # a size as a number (c^n) is bound by the shapes, never matched as a term
        if isinstance(pattern, Mul) and isinstance(subject, Mul):
            yield from self._match_seq(pattern.factors, subject.factors, binding)
            return
        if isinstance(pattern, Mul) and len(pattern.factors) == 1:
            yield from self.match(pattern.factors[0], subject, binding)
            return
        if type(pattern) is not type(subject):
            return
        if isinstance(pattern, (Identity, Zero)):
            if _bind_sizes(_dims(pattern), _dims(subject), self.metas, binding):
                yield binding
            return
        if isinstance(pattern, Num) or not pattern.children():
            if pattern == subject:
                yield binding
            return
        attrs = ("name", "prop", "op")
        if any(getattr(pattern, a, None) != getattr(subject, a, None) for a in attrs):
            return
        pk, sk = pattern.children(), subject.children()
        if len(pk) == len(sk):
            yield from self._match_all(list(pk), list(sk), binding)

    def _bind(self, name: str, subject: Expr, binding: dict) -> Iterator[dict]:
        want = self.pscope[name]
        if not self._kind_fits(name, subject):
            return
        if want.kind != SCALAR:
            got = shape_of(subject, self.scope)
            if not _bind_sizes((want.rows, want.cols), got, self.metas, binding):
                return
        bound = binding.get(name)
        if bound is None:
            binding[name] = subject
            yield binding
        elif self.same(bound, subject):
            yield binding

    def _kind_fits(self, name: str, subject: Expr) -> bool:
        """A metavariable takes a term of its kind; a real one (the default) only a real one."""
        want = self.pscope[name]
        if not want.complex and not real_valued(subject, self.scope):
            return False
        s = shape_or_false(subject, self.scope)
        if want.kind == SCALAR:
            return s is None or s == (1, 1)
        if not s:
            return False
        if want.kind == VECTOR:
            return s[1] == 1 and s[0] != 1
        if want.rows == want.cols:
            return s[0] == s[1] and s[0] != 1
        return s[0] != 1 or s[1] != 1

    def _match_all(self, ps, ss, binding):
        if not ps:
            yield binding
            return
        for b in self.match(ps[0], ss[0], binding):
            yield from self._match_all(ps[1:], ss[1:], b)

    def _match_seq(self, ps, ss, binding):
        """Associative matching: a matrix metavariable may take a run of consecutive factors."""
        if not ps:
            if not ss:
                yield binding
            return
        p = ps[0]
        is_meta = isinstance(p, Sym) and p.name in self.metas and self.pscope[p.name].kind != SCALAR
        longest = len(ss) - (len(ps) - 1) if is_meta else 1
        for k in range(1, max(longest, 0) + 1):
            chunk = ss[0] if k == 1 else Mul(tuple(ss[:k]))
            for b in self.match(p, chunk, binding):
                yield from self._match_seq(ps[1:], ss[k:], b)
