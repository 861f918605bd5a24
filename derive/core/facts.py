"""Property facts: why a term is invertible, symmetric, nonzero, ...; every answer has a source:
a hypothesis, a fact proved earlier in the proof, a theorem of the context that concludes a property
(an instance, as in Mathlib), or a base fact (``BASE_FACTS``, each with a reason). No base fact
states a catalogue theorem (that the inverse of a product is a product, say): those are proved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from derive.core import terms as T
from derive.core.shapes import Scope, TypeFault, is_scalar, is_square, real_valued, shape_of
from derive.core.terms import ConjTranspose, Expr, Has, Mul, Num, Relation, Transpose, text

MATRIX_PROPERTIES = set(
    "invertible symmetric hermitian orthogonal unitary diagonal positive_definite"
    " positive_semidefinite full_column_rank".split()  # full column rank: Xv = 0 only for v = 0
)
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


BASE_FACTS: list[BaseFact] = []


def _base_fact(fn: Callable) -> Callable:
    """Registers ``fn`` as a base fact: its name, then its docstring's lines: statement, reason."""
    statement, reason = fn.__doc__.split("\n", 1)
    name = fn.__name__.replace("_", "-")
    BASE_FACTS.append(BaseFact(name, statement, " ".join(reason.split()), fn))
    return fn


@_base_fact
def identity_properties(e, prop, scope):
    """I is invertible, symmetric, orthogonal, unitary, diagonal, hermitian, positive definite, and nonzero
    I^T = I, I I = I, x^T I x = x^T x"""
    return [] if isinstance(e, T.Identity) and prop in MATRIX_PROPERTIES | {"nonzero"} else None


def _implied(by: str, wanted: str, e, prop, scope, real: bool = False):
    ok = prop == wanted and is_square(e, scope) and (not real or real_valued(e, scope))
    return [(e, by)] if ok else None


@_base_fact
def orthogonal_invertible(e, prop, scope):
    """Q orthogonal ⇒ Q invertible
    Q^T is a two-sided inverse: Q^TQ = QQ^T = I (the definition)"""
    return _implied("orthogonal", "invertible", e, prop, scope)


@_base_fact
def unitary_invertible(e, prop, scope):
    """U unitary ⇒ U invertible
    U^H is a two-sided inverse: U^HU = UU^H = I (the definition)"""
    return _implied("unitary", "invertible", e, prop, scope)


@_base_fact
def definite_semidefinite(e, prop, scope):
    """M positive definite ⇒ M positive semidefinite
    z^T M z > 0 for z ≠ 0 gives z^T M z ≥ 0 for every z (the definitions)"""
    return _implied("positive_definite", "positive_semidefinite", e, prop, scope)


@_base_fact
def semidefinite_symmetric(e, prop, scope):
    """M positive semidefinite ⇒ M symmetric (hermitian)
    positive (semi)definite matrices are symmetric by definition in this course"""
    wanted = "hermitian" if scope.complex and not real_valued(e, scope) else "symmetric"
    return _implied("positive_semidefinite", wanted, e, prop, scope)


@_base_fact
def diagonal_symmetric(e, prop, scope):
    """D real diagonal ⇒ D symmetric
    a diagonal matrix equals its transpose"""
    return _implied("diagonal", "symmetric", e, prop, scope, real=True)


@_base_fact
def symmetric_hermitian(e, prop, scope):
    """S real symmetric ⇒ S hermitian
    S^H = S^T for real S"""
    return _implied("symmetric", "hermitian", e, prop, scope, real=True)


@_base_fact
def nonzero_constant(e, prop, scope):
    """a nonzero number, e, π and i are nonzero; positive numbers, e and π are positive
    computation"""
    if prop == "nonzero" and (isinstance(e, Num) and e.value != 0 or isinstance(e, T.Const)):
        return []
    if prop == "positive" and isinstance(e, Num) and e.value > 0:
        return []
    return [] if prop == "positive" and isinstance(e, T.Const) and e.name in ("e", "pi") else None


@_base_fact
def whole_number(e, prop, scope):
    """a whole number is an integer; a number ≥ 0 is nonnegative
    computation"""
    if prop == "integer" and isinstance(e, Num) and e.value.denominator == 1:
        return []
    return [] if prop == "nonnegative" and isinstance(e, Num) and e.value >= 0 else None


@_base_fact
def diagonal_square_root(e, prop, scope):
    """X diagonal, X positive semidefinite ⇒ √X diagonal and positive semidefinite
    √X = diag(√λ_1, ..., √λ_n) with every √λ_i ≥ 0 (the definition of the square root of a
    diagonal matrix with entries λ_i ≥ 0)"""
    if prop in ("diagonal", "positive_semidefinite") and isinstance(e, T.Func) and e.name == "sqrt":
        if is_square(e.arg, scope) and real_valued(e.arg, scope):
            return [(e.arg, "diagonal"), (e.arg, "positive_semidefinite")]
    return None


@_base_fact
def nonzero_product(e, prop, scope):
    """a product, quotient or power of nonzero (positive) scalars is nonzero (positive)
    numbers have no zero divisors"""
    if prop not in ("nonzero", "positive") or not is_scalar(e, scope):
        return None
    fs = e.factors if isinstance(e, Mul) else None
    if fs is not None and all(is_scalar(f, scope) and shape_of(f, scope) is None for f in fs):
        return [(f, prop) for f in fs]
    if isinstance(e, T.Frac):
        return [(e.num, prop), (e.den, prop)]
    if isinstance(e, T.Pow) and shape_of(e.base, scope) is None:
        return [(e.base, prop)] if prop == "nonzero" or isinstance(e.exp, Num) else None
    return None


@_base_fact
def nonzero_image(e, prop, scope):
    """X invertible (or a nonzero scalar), v ≠ 0 ⇒ Xv ≠ 0
    otherwise v = X^{-1}(Xv) = X^{-1}0 = 0"""
    if prop == "nonzero" and isinstance(e, Mul) and len(e.factors) >= 2 and not is_scalar(e, scope):
        *mats, last = e.factors  # a scalar factor needs only to be nonzero
        need = [(m, "nonzero" if is_scalar(m, scope) else "invertible") for m in mats]
        return need + [(last, "nonzero")]
    return None


@_base_fact
def full_column_rank_image(e, prop, scope):
    """X full column rank, v ≠ 0 ⇒ Xv ≠ 0
    the definition: Xv = v_1 x_1 + ... + v_n x_n, and only the zero combination of independent
    columns is 0"""
    if prop == "nonzero" and isinstance(e, Mul) and len(e.factors) == 2 and not is_scalar(e, scope):
        return [(e.factors[0], "full_column_rank"), (e.factors[1], "nonzero")]
    return None


@_base_fact
def nonzero_transpose(e, prop, scope):
    """v ≠ 0 ⇒ v^T ≠ 0, v^H ≠ 0, ‖v‖ ≠ 0, |v| ≠ 0
    the same entries; a norm vanishes only at 0"""
    ok = prop == "nonzero" and isinstance(e, (Transpose, ConjTranspose, T.Norm, T.Abs))
    return [(e.arg, "nonzero")] if ok else None


@_base_fact
def positive_norm(e, prop, scope):
    """v ≠ 0 ⇒ ‖v‖ > 0
    a norm is positive away from 0"""
    return [(e.arg, "nonzero")] if prop == "positive" and isinstance(e, T.Norm) else None


@_base_fact
def nonzero_determinant(e, prop, scope):
    """X invertible ⇒ det(X) ≠ 0
    det(X) det(X^{-1}) = det(I) = 1"""
    return [(e.arg, "invertible")] if prop == "nonzero" and isinstance(e, T.Det) else None


@_base_fact
def invertible_nonzero(e, prop, scope):
    """an invertible matrix, and a positive scalar, are nonzero
    0 has no inverse; 0 is not positive"""
    if prop == "nonzero" and is_square(e, scope):
        return [(e, "invertible")]
    if prop == "nonzero" and is_scalar(e, scope) and not isinstance(e, Num):
        return [(e, "positive")]
    return None


@_base_fact
def sum_of_squares(e, prop, scope):
    """v ≠ 0 ⇒ v^Tv > 0 (v real), v^Hv > 0
    a sum of squares |v_1|^2 + ... + |v_n|^2 with one term positive"""
    if prop in ("nonzero", "positive") and isinstance(e, Mul) and len(e.factors) == 2:
        a, b = e.factors
        real = isinstance(a, Transpose) and a.arg == b and real_valued(b, scope)
        if isinstance(a, ConjTranspose) and a.arg == b or real:
            if shape_of(b, scope) not in (None, (1, 1)):
                return [(b, "nonzero")]
    return None


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
            for _, hyps in self.matcher(thm, e):
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
                if _is_zero(b) and same(a, e) or same(T.Add((a, Mul((Num(-1), b)))), e):
                    return True
        # nonnegative is asked only by rules (power-successor: k ≥ 0), never a conclusion
        ops = {"positive": (">",), "nonnegative": (">", ">=")}.get(prop, ())
        return h.op in ops and _is_zero(h.rhs) and same(h.lhs, e)


def _is_zero(e: Expr) -> bool:
    return isinstance(e, T.Zero) or isinstance(e, Num) and e.value == 0
