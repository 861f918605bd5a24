"""Property facts: why a term is invertible, symmetric, nonzero, ...; every answer has a source.

A side condition such as "Aᵀ invertible" is discharged by backward chaining over four kinds of
source, and the answer records which one was used (``SideCondition``):

- a **hypothesis** of the theorem (a property declared in its assumptions, or a relation such as
  ``\\mathbf{v} \\ne \\mathbf{0}``);
- a **fact** proved earlier in the same proof (a chain that concludes ``A^T invertible``);
- a **theorem** accepted earlier into the context whose conclusion is a property (as an instance
  in Mathlib: ``transpose-inverse`` gives "Xᵀ invertible" for every invertible X);
- a **base fact**: the short list ``BASE_FACTS`` below, each with a one-line reason, and each
  spot-checked by the randomized decider in the tests. No base fact states the conclusion of a
  catalogue theorem: that a transpose, product or inverse of invertible matrices is invertible,
  that positive definite matrices are invertible, that the inverse of a symmetric (or positive
  definite) matrix is symmetric (or positive definite) are all theorems of the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from derive.core.terms import (
    Abs,
    Add,
    Const,
    ConjTranspose,
    Det,
    Expr,
    Frac,
    Func,
    Has,
    Identity,
    Inverse,
    Mul,
    Norm,
    Num,
    Pow,
    Relation,
    Sym,
    Transpose,
    Zero,
    text,
)
from derive.core.shapes import Scope, TypeFault, is_scalar, is_square, real_valued, shape_of

MATRIX_PROPERTIES = {"invertible", "symmetric", "hermitian", "orthogonal", "unitary", "diagonal",
                     "positive_definite", "positive_semidefinite",
                     "full_column_rank"}  # Xv = 0 only for v = 0 (independent columns)
PROPERTIES = MATRIX_PROPERTIES | {"nonzero", "positive", "integer", "real"}


@dataclass(frozen=True)
class SideCondition:
    """``claim`` holds, by ``source`` (kind and name), given ``premises``."""

    claim: Has
    kind: str  # hypothesis | fact | theorem | base fact
    name: str
    premises: tuple[SideCondition, ...] = ()

    def describe(self) -> str:
        return f"{text(self.claim)}: {self.kind} {self.name}"

    def flat(self) -> list[SideCondition]:
        """This condition and every one it rests on."""
        return [self, *(q for p in self.premises for q in p.flat())]


@dataclass(frozen=True)
class BaseFact:
    name: str
    statement: str
    reason: str
    premises: Callable  # (term, prop, scope) -> list of (term, prop) needed, or None


def _identity(e, prop, scope):
    return [] if isinstance(e, Identity) and prop in MATRIX_PROPERTIES | {"nonzero"} else None


def _implied(by: str, prop_wanted: str, square_only: bool = True):
    def premises(e, prop, scope):
        if prop == prop_wanted and (not square_only or is_square(e, scope)):
            return [(e, by)]
        return None
    return premises


def _symmetric_is_hermitian_when_real(e, prop, scope):
    if prop == "hermitian" and real_valued(e, scope) and is_square(e, scope):
        return [(e, "symmetric")]
    return None


def _inverse_invertible(e, prop, scope):
    return [(e.arg, "invertible")] if prop == "invertible" and isinstance(e, Inverse) else None


def _nonzero_number(e, prop, scope):
    if prop == "nonzero" and (isinstance(e, Num) and e.value != 0 or isinstance(e, Const)):
        return []
    if prop == "positive" and isinstance(e, Num) and e.value > 0:
        return []
    if prop == "positive" and isinstance(e, Const) and e.name in ("e", "pi"):
        return []
    return None


def _whole_number(e, prop, scope):
    if prop == "integer" and isinstance(e, Num) and e.value.denominator == 1:
        return []
    if prop == "nonnegative" and isinstance(e, Num) and e.value >= 0:
        return []
    return None


def _square_root_of_diagonal(e, prop, scope):
    """√X of a diagonal X with nonnegative entries is diagonal with the entries √λ_i ≥ 0."""
    if prop in ("diagonal", "positive_semidefinite") and isinstance(e, Func) and (
            e.name == "sqrt") and is_square(e.arg, scope) and real_valued(e.arg, scope):
        return [(e.arg, "diagonal"), (e.arg, "positive_semidefinite")]
    return None


def _nonzero_scalar_product(e, prop, scope):
    """ab ≠ 0 for nonzero scalars (no zero divisors among numbers); also quotients and powers."""
    if prop not in ("nonzero", "positive") or not is_scalar(e, scope):
        return None
    if isinstance(e, Mul) and all(is_scalar(f, scope) and shape_of(f, scope) is None
                                  for f in e.factors):
        return [(f, prop) for f in e.factors]
    if isinstance(e, Frac):
        return [(e.num, prop), (e.den, prop)]
    if isinstance(e, Pow) and shape_of(e.base, scope) is None and (
            prop == "nonzero" or isinstance(e.exp, Num)):
        return [(e.base, prop)]
    return None


def _invertible_times_nonzero(e, prop, scope):
    """Xv ≠ 0 when X is invertible and v ≠ 0 (else v = X⁻¹Xv = 0)."""
    if prop == "nonzero" and isinstance(e, Mul) and len(e.factors) >= 2 and not is_scalar(e, scope):
        *mats, last = e.factors
        return [*((m, "invertible") for m in mats), (last, "nonzero")]
    return None


def _full_column_rank_times_nonzero(e, prop, scope):
    """Xv ≠ 0 when X has full column rank (independent columns) and v ≠ 0: the definition."""
    if prop == "nonzero" and isinstance(e, Mul) and len(e.factors) == 2 and not is_scalar(e, scope):
        return [(e.factors[0], "full_column_rank"), (e.factors[1], "nonzero")]
    return None


def _nonzero_of_transpose(e, prop, scope):
    if prop == "nonzero" and isinstance(e, (Transpose, ConjTranspose, Norm, Abs)):
        return [(e.arg, "nonzero")]
    return None


def _positive_norm(e, prop, scope):
    if prop == "positive" and isinstance(e, Norm):
        return [(e.arg, "nonzero")]
    return None


def _nonzero_det(e, prop, scope):
    return [(e.arg, "invertible")] if prop == "nonzero" and isinstance(e, Det) else None


def _invertible_nonzero(e, prop, scope):
    if prop == "nonzero" and is_square(e, scope):
        return [(e, "invertible")]
    if prop == "nonzero" and is_scalar(e, scope) and not isinstance(e, Num):
        return [(e, "positive")]
    return None


def _sum_of_squares(e, prop, scope):
    """v^Tv ≠ 0 (and > 0) for a real v ≠ 0, v^Hv for any v ≠ 0: a sum of squares."""
    if prop in ("nonzero", "positive") and isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        if isinstance(a, ConjTranspose) and a.arg == b or isinstance(a, Transpose) and (
                a.arg == b and real_valued(b, scope)):
            if shape_of(b, scope) not in (None, (1, 1)):
                return [(b, "nonzero")]
    return None


BASE_FACTS = [
    BaseFact("identity-properties", "I is invertible, symmetric, orthogonal, unitary, diagonal, "
             "hermitian, positive definite, and nonzero",
             "I^T = I, I I = I, x^T I x = x^T x", _identity),
    BaseFact("orthogonal-invertible", "Q orthogonal ⇒ Q invertible",
             "Q^T is a two-sided inverse: Q^TQ = QQ^T = I (the definition)",
             _implied("orthogonal", "invertible")),
    BaseFact("unitary-invertible", "U unitary ⇒ U invertible",
             "U^H is a two-sided inverse: U^HU = UU^H = I (the definition)",
             _implied("unitary", "invertible")),
    BaseFact("inverse-invertible", "X invertible ⇒ X^{-1} invertible",
             "X is a two-sided inverse of X^{-1} (the definition of the inverse)",
             _inverse_invertible),
    BaseFact("definite-semidefinite", "M positive definite ⇒ M positive semidefinite",
             "z^T M z > 0 for z ≠ 0 gives z^T M z ≥ 0 for every z (the definitions)",
             _implied("positive_definite", "positive_semidefinite")),
    BaseFact("semidefinite-symmetric", "M positive semidefinite ⇒ M symmetric (hermitian)",
             "positive (semi)definite matrices are symmetric by definition in this course",
             lambda e, p, s: [(e, "positive_semidefinite")] if p == (
                 "hermitian" if s.complex and not real_valued(e, s) else "symmetric")
             and is_square(e, s) else None),
    BaseFact("diagonal-symmetric", "D real diagonal ⇒ D symmetric",
             "a diagonal matrix equals its transpose",
             lambda e, p, s: [(e, "diagonal")] if p == "symmetric" and real_valued(e, s)
             and is_square(e, s) else None),
    BaseFact("symmetric-hermitian", "S real symmetric ⇒ S hermitian", "S^H = S^T for real S",
             _symmetric_is_hermitian_when_real),
    BaseFact("nonzero-constant", "a nonzero number, e, π and i are nonzero; positive numbers, "
             "e and π are positive", "computation", _nonzero_number),
    BaseFact("whole-number", "a whole number is an integer; a number ≥ 0 is nonnegative",
             "computation", _whole_number),
    BaseFact("diagonal-square-root", "X diagonal, X positive semidefinite ⇒ √X diagonal and "
             "positive semidefinite", "√X = diag(√λ_1, ..., √λ_n) with every √λ_i ≥ 0 (the "
             "definition of the square root of a diagonal matrix with entries λ_i ≥ 0)",
             _square_root_of_diagonal),
    BaseFact("nonzero-product", "a product, quotient or power of nonzero (positive) scalars is "
             "nonzero (positive)", "numbers have no zero divisors", _nonzero_scalar_product),
    BaseFact("nonzero-image", "X invertible, v ≠ 0 ⇒ Xv ≠ 0",
             "otherwise v = X^{-1}(Xv) = X^{-1}0 = 0", _invertible_times_nonzero),
    BaseFact("full-column-rank-image", "X full column rank, v ≠ 0 ⇒ Xv ≠ 0",
             "the definition: Xv = v_1 x_1 + ... + v_n x_n, and only the zero combination of "
             "independent columns is 0", _full_column_rank_times_nonzero),
    BaseFact("nonzero-transpose", "v ≠ 0 ⇒ v^T ≠ 0, v^H ≠ 0, ‖v‖ ≠ 0, |v| ≠ 0",
             "the same entries; a norm vanishes only at 0", _nonzero_of_transpose),
    BaseFact("positive-norm", "v ≠ 0 ⇒ ‖v‖ > 0", "a norm is positive away from 0",
             _positive_norm),
    BaseFact("nonzero-determinant", "X invertible ⇒ det(X) ≠ 0",
             "det(X) det(X^{-1}) = det(I) = 1", _nonzero_det),
    BaseFact("invertible-nonzero", "an invertible matrix, and a positive scalar, are nonzero",
             "0 has no inverse; 0 is not positive", _invertible_nonzero),
    BaseFact("sum-of-squares", "v ≠ 0 ⇒ v^Tv > 0 (v real), v^Hv > 0",
             "a sum of squares |v_1|^2 + ... + |v_n|^2 with one term positive", _sum_of_squares),
]


@dataclass(frozen=True)
class PropertyTheorem:
    """A theorem of the context read as an instance: if its hypotheses hold, ``conclusion``."""

    name: str
    conclusion: Has
    hypotheses: tuple[Has, ...]
    scope: Scope


@dataclass
class Facts:
    """What is known in one proof: hypotheses, facts proved so far, theorems, base facts."""

    scope: Scope
    hypotheses: list[tuple[str, Expr]] = field(default_factory=list)  # (name, Has | Relation)
    local: list[tuple[str, Expr]] = field(default_factory=list)
    theorems: list[PropertyTheorem] = field(default_factory=list)
    same: Callable | None = None  # (a, b) -> bool, set by the kernel
    matcher: Callable | None = None  # (theorem, term) -> bindings, set by the kernel
    used: list[SideCondition] = field(default_factory=list)
    missed: list[Has] = field(default_factory=list)  # side conditions asked for and not found
    depth_limit: int = 8

    def need(self, e: Expr, prop: str, quiet: bool = False) -> bool:
        """Whether ``e`` has ``prop``; the side condition is recorded in ``used`` (or, not found
        and not ``quiet``, in ``missed``)."""
        sc = self.prove(e, prop)
        if sc is not None:
            self.used.append(sc)
        elif not quiet:
            self.missed.append(Has(e, prop))
        return sc is not None

    def prove(self, e: Expr, prop: str, depth: int = 0) -> SideCondition | None:
        if depth > self.depth_limit:
            return None
        claim = Has(e, prop)
        for kind, items in (("hypothesis", self.hypotheses), ("fact", self.local)):
            for name, h in items:
                if self._states(h, e, prop):
                    return SideCondition(claim, kind, name)
        for fact in BASE_FACTS:
            try:
                needed = fact.premises(e, prop, self.scope)
            except TypeFault:
                needed = None
            if needed is None:
                continue
            got = [self.prove(t, p, depth + 1) for t, p in needed]
            if all(g is not None for g in got):
                return SideCondition(claim, "base fact", fact.name, tuple(got))
        for thm in self.theorems:
            if thm.conclusion.prop != prop or self.matcher is None:
                continue
            for binding, hyps in self.matcher(thm, e):
                got = [self.prove(h.term, h.prop, depth + 1) for h in hyps]
                if all(g is not None for g in got):
                    return SideCondition(claim, "theorem", thm.name, tuple(got))
        return None

    def _states(self, h: Expr, e: Expr, prop: str) -> bool:
        """Whether a hypothesis or fact says ``e`` has ``prop``: ``e prop`` itself, or for
        nonzero and positive, ``e ≠ 0``, ``e > 0``, ``a ≠ b`` with e = a − b."""
        same = self.same or (lambda a, b: a == b)
        if isinstance(h, Has):
            return h.prop == prop and same(h.term, e)
        if not isinstance(h, Relation):
            return False
        if prop == "nonzero" and h.op in ("!=", ">", "<"):
            for a, b in ((h.lhs, h.rhs), (h.rhs, h.lhs)):
                if _is_zero(b) and same(a, e) or same(Add((a, Mul((Num(-1), b)))), e):
                    return True
        if prop == "positive" and h.op == ">" and _is_zero(h.rhs) and same(h.lhs, e):
            return True
        if prop == "nonnegative" and h.op in (">", ">=") and _is_zero(h.rhs) and same(h.lhs, e):
            return True  # asked only by rules (power-successor: k ≥ 0), never a conclusion
        return False


def _is_zero(e: Expr) -> bool:
    return isinstance(e, Zero) or isinstance(e, Num) and e.value == 0
