"""The kernel: checks proofs, and is the only maker of ``Theorem``.

A statement has hypotheses and conclusions (relations, or properties ``Has``). A proof is a list of
chains, each one inference form (``Checker.chain_<form>``): ``calc`` (steps, each one rule at one
place, up to arithmetic; it may suppose and contradict, fix an arbitrary vector, or assume a
hypothesis), ``cancel``, ``divide``, ``have``, ``definition``, ``induction``, ``nullspace``. Every
conclusion must be a fact the chains proved; ``Context.add`` lets a proof cite only theorems
accepted before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from derive.core import rules as base
from derive.core import shapes as S
from derive.core import terms as T
from derive.core.arith import Canon
from derive.core.facts import Facts, PropertyTheorem, SideCondition
from derive.core.match import SIZES, Matcher, sizes_in, substitute
from derive.core.shapes import Scope, TypeFault, is_square, real_valued, shape_of, well_typed
from derive.core.terms import Expr, Has, Mul, Num, Relation, Sym, symbols, text

ZERO, ONE = Num(Fraction(0)), Num(Fraction(1))
FAULTS = (TypeFault, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, RecursionError)


class KernelError(Exception):
    """A step, chain or theorem the kernel does not accept; the message says why."""


@dataclass(frozen=True)
class Statement:
    name: str
    scope: Scope
    hypotheses: tuple[tuple[str, Expr], ...]  # (label, Has | Relation)
    conclusions: tuple[Expr, ...]  # Has | Relation


@dataclass(frozen=True)
class Step:
    term: Expr
    by: str | None  # None: prose, not checked
    rel: str = "="


@dataclass(frozen=True)
class Chain:
    form: str  # calc | cancel | divide | have | definition | induction
    name: str = ""
    steps: tuple[Step, ...] = ()
    result: Expr | None = None  # what cancel, divide, have, definition, induction conclude
    source: str = ""  # cancel, divide: the fact; definition: the fact(s), comma-separated
    factor: Expr | None = None  # cancel: the factor; divide: the positive divisor
    suppose: Relation | None = None  # calc: proof by contradiction ...
    contradicts: str = ""  # ... of this earlier fact
    fix: str = ""  # calc: an arbitrary nonzero vector, or the variable of an induction step
    hypothesis: Relation | None = None  # calc: the induction hypothesis (rule name "ih")
    witness: Expr | None = None  # definition of invertible: the inverse


@dataclass(frozen=True)
class StepResult:
    ok: bool | None  # None: prose
    message: str = ""
    conditions: tuple[SideCondition, ...] = ()


@dataclass
class ChainResult:
    chain: Chain
    steps: list[StepResult] = field(default_factory=list)
    fact: Expr | None = None  # what the chain proved, if it did
    tag: object = ""  # "": holds outright; a fixed vector or an induction step it holds under


@dataclass
class ProofResult:
    statement: Statement
    chains: list[ChainResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)
    leans_on: set[str] = field(default_factory=set)  # cited theorems with prose in their proofs

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def complete(self) -> bool:
        return self.ok and not self.leans_on and all(s.ok for c in self.chains for s in c.steps)


class Theorem:
    """A statement the kernel accepted. Only ``Context.add`` makes one."""

    __slots__ = ("statement", "complete", "uses")
    _token = object()

    def __init__(self, token, statement: Statement, complete: bool, uses: frozenset[str]):
        if token is not Theorem._token:
            raise KernelError("only the kernel makes theorems")
        self.statement, self.complete, self.uses = statement, complete, uses


class Context:
    """The ordered theorems accepted so far; a proof may cite only these."""

    def __init__(self):
        self._theorems: dict[str, Theorem] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._theorems

    def get(self, name: str) -> Theorem | None:
        return self._theorems.get(name)

    def names(self) -> list[str]:
        return list(self._theorems)

    def add(self, statement: Statement, chains: list[Chain]) -> ProofResult:
        """Check the proof; on success the theorem joins the context (once)."""
        if statement.name in self._theorems:
            raise KernelError(f"'{statement.name}' is already in the context")
        result = Checker(self, statement).check(chains)
        if result.ok:
            thm = Theorem(Theorem._token, statement, result.complete, frozenset(result.uses))
            self._theorems[statement.name] = thm
        return result


@dataclass(frozen=True)
class Rule:
    name: str
    apply: Callable  # (term, facts) -> [term] or, relational, [(rel, term)]
    relational: bool = False


def _places(e: Expr) -> Iterator[tuple[Expr, Callable[[Expr], Expr]]]:
    """Every (subterm, plug): a subterm or a run of factors (terms) of a product (sum)."""
    yield e, lambda new: new
    if isinstance(e, (Mul, T.Add)):
        items = e.factors if isinstance(e, Mul) else e.terms
        if isinstance(e, Mul) or len(items) > 2:
            for i in range(len(items)):
                for j in range(i + 2, len(items) + 1):
                    if (i, j) != (0, len(items)):
                        seg = e.rebuild(items[i:j])
                        yield seg, (lambda new, i=i, j=j: e.rebuild(items[:i] + (new,) + items[j:]))
    kids = e.children()
    for k, child in enumerate(kids):
        for sub, plug in _places(child):
            yield sub, (lambda new, k=k, p=plug: e.rebuild(kids[:k] + (p(new),) + kids[k + 1 :]))


def flatten_products(e: Expr) -> Expr:
    """``e`` with every product inside a product opened: (AB)C -> ABC."""
    kids = e.children()
    if not kids:
        return e
    e = e.rebuild(tuple(flatten_products(k) for k in kids))
    return T.flat_mul(e.factors) if isinstance(e, Mul) else e


FLIP = {"=": "=", "!=": "!=", ">": "<", "<": ">", ">=": "<=", "<=": ">=", "~": "~"}
# a chain t0 r1 t1 r2 t2 proves t0 COMPOSE[r1, r2] t2: = keeps the other, ~ and ≠ go only with =
COMPOSE = {("=", r): r for r in FLIP} | {(r, "="): r for r in FLIP} | {("~", "~"): "~"}
for _a, _b in ((">", ">="), ("<", "<=")):
    COMPOSE |= {(p, q): _a if _a in (p, q) else _b for p in (_a, _b) for q in (_a, _b)}
INCOMPATIBLE = {frozenset(p.split()) for p in ("= >", "= <", "= !=", "> <", "> <=", "< >=")}


def weaker_or_equal(got: str, wanted: str) -> bool:
    """Whether proving ``got`` proves ``wanted`` (``>`` proves ``≥`` and ``≠``)."""
    return got == wanted or (got, wanted) in {(">", ">="), ("<", "<="), (">", "!="), ("<", "!=")}


class Checker:
    def __init__(self, context: Context, statement: Statement):
        self.context, self.statement, self.scope = context, statement, statement.scope
        self.facts = Facts(self.scope, list(statement.hypotheses))
        self.facts.same = self.same
        self.facts.matcher = self._instances
        thms = [(name, context.get(name).statement) for name in context.names()]
        self.facts.theorems = [pt for name, st in thms for pt in _property_theorems(name, st)]
        self.proved: dict[str, tuple[Expr, str]] = {}  # chain name -> (fact, fixed variable)
        self.result = ProofResult(statement)

    # -- arithmetic, with the nonzero side conditions it relies on recorded
    def key(self, e: Expr):
        return Canon(self.scope, lambda d: self.facts.need(d, "nonzero", quiet=True)).key(e)

    def same(self, a: Expr, b: Expr) -> bool:
        try:
            return self.key(a) == self.key(b)
        except FAULTS:
            return False

    def _instances(self, thm: PropertyTheorem, e: Expr):
        """The hypotheses an instance of ``thm`` needs (each of its symbols bound by the match)."""
        for binding in self._matcher(thm.scope).match(thm.conclusion.term, e):
            if all(symbols(h.term) <= set(binding) for h in thm.hypotheses):
                yield binding, [Has(substitute(h.term, binding), h.prop) for h in thm.hypotheses]

    def _matcher(self, pscope: Scope, metas: set | None = None) -> Matcher:
        metas = set(pscope.names()) | {SIZES} if metas is None else metas
        return Matcher(metas, pscope, self.scope, self.same)

    # -- the proof
    def check(self, chains: list[Chain]) -> ProofResult:
        try:
            for _, h in self.statement.hypotheses:
                self._check_proposition(h, "hypothesis")
            for c in self.statement.conclusions:
                self._check_proposition(c, "conclusion")
        except KernelError as exc:
            self.result.errors.append(str(exc))
            return self.result
        for i, chain in enumerate(chains, start=1):
            cr = ChainResult(chain)
            self.result.chains.append(cr)
            try:
                fact, fixed = getattr(self, "chain_" + chain.form)(chain, cr)
            except KernelError as exc:
                named = f" ('{chain.name}')" if chain.name else ""
                self.result.errors.append(f"chain {i}{named}: {exc}")
                continue
            cr.fact = fact
            if chain.hypothesis is not None:  # only induction and null-space forms may use it
                fixed = ("under a hypothesis", i)
            cr.tag = fixed
            if chain.name:
                self.proved[chain.name] = (fact, fixed)
            if not fixed:
                self.facts.local.append((chain.name or f"chain {i}", fact))
        if self.result.errors:
            return self.result
        proved = [cr.fact for cr in self.result.chains if cr.fact is not None and not cr.tag]
        for c in self.statement.conclusions:
            if not any(self._establishes(f, c) for f in proved):
                self.result.errors.append(f"no chain proves the conclusion {text(c)}")
        return self.result

    def _check_proposition(self, p: Expr, what: str):
        parts = (p.term,) if isinstance(p, Has) else (p.lhs, p.rhs)
        if not all(well_typed(t, self.scope) for t in parts):
            raise KernelError(f"the {what} {text(p)} is not well typed")

    def _establishes(self, fact: Expr, goal: Expr) -> bool:
        if isinstance(goal, Has):
            same_prop = isinstance(fact, Has) and fact.prop == goal.prop
            return same_prop and self.same(fact.term, goal.term)
        if not isinstance(fact, Relation) or not isinstance(goal, Relation):
            return False
        if self.same(fact.lhs, goal.lhs) and self.same(fact.rhs, goal.rhs):
            return weaker_or_equal(fact.op, goal.op)
        flipped = self.same(fact.lhs, goal.rhs) and self.same(fact.rhs, goal.lhs)
        return flipped and weaker_or_equal(FLIP[fact.op], goal.op)

    # -- calc chains
    def chain_calc(self, chain: Chain, cr: ChainResult):
        fixed = chain.fix
        saved = list(self.facts.hypotheses)
        if chain.hypothesis is not None:
            t = self.scope.get(fixed) if fixed else None
            if t is not None and t.kind == S.VECTOR:
                self._check_arbitrary(fixed)  # an implication: for every v, H(v) gives the fact
            else:
                self._check_induction_variable(fixed)
            self.facts.hypotheses.append(("hypothesis of the chain", chain.hypothesis))
        elif fixed:
            self._check_arbitrary(fixed)
            self.facts.hypotheses.append((f"{fixed} ≠ 0 (fixed)", Has(Sym(fixed), "nonzero")))
        if chain.suppose is not None:
            self.facts.hypotheses.append(("supposition", chain.suppose))
        try:
            return self._calc(chain, cr, fixed)
        finally:
            self.facts.hypotheses = saved

    def _calc(self, chain: Chain, cr: ChainResult, fixed: str):
        if len(chain.steps) < 2:
            raise KernelError("a chain needs a first expression and at least one step")
        first = chain.steps[0].term
        if not well_typed(first, self.scope):
            raise KernelError(f"{text(first)} is not well typed")
        relation, prev, failures = "=", first, []
        for k, step in enumerate(chain.steps[1:], start=1):
            prose = StepResult(None, "prose: not checked")
            res = prose if step.by is None else self.check_step(prev, step, chain, fixed)
            cr.steps.append(res)  # every step is checked, so that each failure is reported
            if res.ok is False:
                failures.append(f"step {k} ({step.by}): {res.message}")
            relation = COMPOSE.get((relation, step.rel)) if relation else None
            if relation is None and not failures:
                failures.append(f"step {k}: a chain of these relations proves nothing")
            prev = step.term
        if failures:
            raise KernelError("; ".join(failures))
        fact = Relation(relation, first, prev)
        return (fact if chain.suppose is None else self._contradiction(chain, fact)), fixed

    def _contradiction(self, chain: Chain, derived: Relation) -> Relation:
        sup, known = chain.suppose, self._fact(chain.contradicts, chain.fix)
        if sup.op != "=" or not isinstance(known, Relation):
            raise KernelError("a proof by contradiction supposes an equation (contradicts: a fact)")
        d = derived
        if not any(
            self.same(lhs, known.lhs)
            and self.same(rhs, known.rhs)
            and frozenset((op, known.op)) in INCOMPATIBLE
            for op, lhs, rhs in ((d.op, d.lhs, d.rhs), (FLIP[d.op], d.rhs, d.lhs))
        ):
            raise KernelError(f"the chain proves {text(d)}: it does not contradict {text(known)}")
        return Relation("!=", sup.lhs, sup.rhs)

    def _check_arbitrary(self, name: str):
        """A fixed vector is arbitrary: declared nothing, and absent from the statement."""
        t = self.scope.get(name)
        if t is None or t.kind != S.VECTOR or t.props - {"real", "complex"}:
            raise KernelError(f"{name} is fixed as arbitrary: a vector with no declared property")
        props = [p for _, p in self.statement.hypotheses] + list(self.statement.conclusions)
        if any(name in symbols(p) for p in props):
            raise KernelError(f"{name} is fixed as arbitrary, but the statement speaks of it")

    def _check_induction_variable(self, k: str):
        """k is a declared integer whose only hypothesis is k ≥ 0."""
        t = self.scope.get(k)
        if not k or t is None or "integer" not in t.props or t.props - {"integer", "real"}:
            raise KernelError(f"the induction variable {k or '(none)'} must be declared an integer")
        hyps = [h for _, h in self.statement.hypotheses if k in symbols(h)]
        if [h for h in hyps if h != Has(Sym(k), "integer")] != [Relation(">=", Sym(k), ZERO)]:
            raise KernelError(f"the hypotheses about {k} must be exactly {k} \\ge 0")

    def check_step(self, prev: Expr, step: Step, chain: Chain, fixed: str) -> StepResult:
        nxt = step.term
        if not well_typed(nxt, self.scope):
            return StepResult(False, f"{text(nxt)} is not well typed")
        if flatten_products(prev) == flatten_products(nxt) and step.by != "scalar-arithmetic":
            return StepResult(False, "the step changes nothing")
        try:
            rule = self.rule(step.by, chain, fixed)
        except KernelError as exc:
            return StepResult(False, str(exc))
        mark, missed = len(self.facts.used), len(self.facts.missed)
        ok = self._follows(prev, nxt, rule, step.rel)
        conditions = tuple(dict.fromkeys(self.facts.used[mark:]))
        lacking = list(dict.fromkeys(self.facts.missed[missed:]))
        del self.facts.used[mark:], self.facts.missed[missed:]
        if ok is True:
            self._note_uses(conditions)
            return StepResult(True, "", conditions)
        reason = ok or f"{step.by} does not take {text(prev)} to {text(nxt)}"
        if lacking:
            needs = ", ".join(text(h) for h in lacking[:3])
            reason += f"; it needs {needs}, which no hypothesis, fact, theorem or base fact gives"
        return StepResult(False, reason)

    def _accept(self, cr: ChainResult, mark: int, fact: Expr, fixed: str):
        """The chain is accepted, resting on the side conditions recorded since ``mark``."""
        cr.steps.append(StepResult(True, "", tuple(self.facts.used[mark:])))
        self._note_uses(self.facts.used[mark:])
        return fact, fixed

    def _note_uses(self, conditions):
        """Theorems that discharged side conditions are used too (and lent their status)."""
        for sc in conditions:
            for c in sc.flat():
                if c.kind == "theorem":
                    self.result.uses.add(c.name)
                    thm = self.context.get(c.name)
                    if thm is not None and not thm.complete:
                        self.result.leans_on.add(c.name)

    def _follows(self, prev: Expr, nxt: Expr, rule: Rule, rel: str):
        """True, or a reason why not (a string)."""
        if rule.relational:
            for r, new in _safe(rule.apply, prev, self.facts):
                if r == rel and self.same(new, nxt):
                    return True
            return f"{rule.name} does not give {rel} {text(nxt)} at the whole expression"
        if rel != "=":
            return f"{rule.name} is an equation; it cannot justify '{rel}'"
        for a, b in ((prev, nxt), (nxt, prev)):
            try:
                target = self.key(b)
            except FAULTS:
                return f"{text(b)} has no canonical form"
            for new in self._rewrites(a, rule):
                mark = len(self.facts.used)
                try:
                    if well_typed(new, self.scope) and self.key(new) == target:
                        return True
                except FAULTS:
                    pass
                del self.facts.used[mark:]
        return None

    def _rewrites(self, e: Expr, rule: Rule) -> Iterator[Expr]:
        flat = flatten_products(e)
        for form in (e, flat) if flat != e else (e,):
            for sub, plug in _places(form):
                if well_typed(sub, self.scope):
                    yield from (plug(new) for new in _safe(rule.apply, sub, self.facts))

    def rule(self, name: str, chain: Chain, fixed: str) -> Rule:
        if name in base.BASE_RULES:
            return Rule(name, base.BASE_RULES[name])
        if name in base.RELATIONAL_RULES:
            return Rule(name, base.RELATIONAL_RULES[name], relational=True)
        if name in ("supposition", "ih"):
            p = chain.suppose if name == "supposition" else chain.hypothesis
            if p is None:
                raise KernelError(f"this chain has no {name}")
            return _fixed_rule(name, p, self)
        labels = dict(self.statement.hypotheses)
        if name in labels:
            if not isinstance(labels[name], Relation):
                raise KernelError(f"{name} is a property; it is used as a side condition")
            return _fixed_rule(name, labels[name], self)
        if name.startswith("fact:"):
            return _fixed_rule(name, self._fact(name[5:], fixed), self)
        thm = self.context.get(name)
        if thm is None:
            raise KernelError(f"'{name}' is no base rule, hypothesis, fact, nor an earlier theorem")
        self.result.uses.add(name)
        if not thm.complete:
            self.result.leans_on.add(name)
        return _theorem_rule(thm.statement, self)

    def _fact(self, name: str, fixed: str) -> Expr:
        if name not in self.proved:
            raise KernelError(f"there is no earlier fact '{name}'")
        fact, tag = self.proved[name]
        if isinstance(tag, tuple):
            raise KernelError(f"the fact '{name}' holds only under its chain's hypothesis")
        if tag and tag != fixed:
            raise KernelError(f"the fact '{name}' holds only for the fixed {tag}")
        return fact

    # -- the other inference forms
    def chain_have(self, chain: Chain, cr: ChainResult):
        p = chain.result
        if not isinstance(p, Has):
            raise KernelError("have concludes a property")
        self._check_proposition(p, "property")
        sc = self.facts.prove(p.term, p.prop)
        if sc is None:
            raise KernelError(f"no hypothesis, fact, theorem or base fact gives {text(p)}")
        cr.steps.append(StepResult(True, "", (sc,)))
        self._note_uses((sc,))
        return p, ""

    def chain_cancel(self, chain: Chain, cr: ChainResult):
        src, f, res = self._fact(chain.source, chain.fix), chain.factor, chain.result
        if not (_rel(src, ("=",)) and _rel(res, ("=",))):
            raise KernelError("cancel goes from an equation to an equation")
        mark = len(self.facts.used)
        if shape_of(f, self.scope) not in (None, (1, 1)) and not self.facts.need(f, "invertible"):
            raise KernelError(f"{text(f)} is a matrix not known to be invertible")
        if not self.facts.need(f, "nonzero"):
            raise KernelError(f"{text(f)} is not known to be nonzero")
        for times in (lambda t: Mul((t, f)), lambda t: Mul((f, t))):
            if self.same(times(res.lhs), src.lhs) and self.same(times(res.rhs), src.rhs):
                return self._accept(cr, mark, res, chain.fix)
        raise KernelError(f"{text(src)} is not ({text(res)}) times {text(f)} on both sides")

    def chain_divide(self, chain: Chain, cr: ChainResult):
        src, p, res = self._fact(chain.source, chain.fix), chain.factor, chain.result
        if not (_rel(res, (">", ">=", "<", "<=")) and _rel(src, (res.op,))):
            raise KernelError("divide goes from an inequality to one of the same kind")
        if not all(shape_of(t, self.scope) in (None, (1, 1)) for t in (res.lhs, res.rhs, p)):
            raise KernelError("only inequalities between scalars can be divided")
        mark = len(self.facts.used)
        if not self.facts.need(p, "positive"):
            raise KernelError(f"{text(p)} is not known to be positive")
        if self.same(Mul((res.lhs, p)), src.lhs) and self.same(Mul((res.rhs, p)), src.rhs):
            return self._accept(cr, mark, res, chain.fix)
        raise KernelError(f"{text(src)} is not ({text(res)}) times {text(p)} on both sides")

    def chain_definition(self, chain: Chain, cr: ChainResult):
        p = chain.result
        if not isinstance(p, Has):
            raise KernelError("a definition concludes a property")
        self._check_proposition(p, "property")
        names = [n.strip() for n in chain.source.split(",") if n.strip()]
        known = [self.proved[n] for n in names if n in self.proved]
        mark = len(self.facts.used)
        for rel, fixed in self._definition(p.term, p.prop, chain):
            found = [f for f, tag in known if tag == fixed]
            if not any(self._establishes(f, rel) for f in found):
                at = f" for an arbitrary {fixed}" if fixed else ""
                raise KernelError(
                    f"{text(p)} by definition needs {text(rel)}{at}, which none of the facts "
                    f"{', '.join(names)} states"
                )
        return self._accept(cr, mark, p, "")

    def _definition(self, x: Expr, prop: str, chain: Chain) -> list[tuple[Relation, str]]:
        """What the definition of ``prop`` asks of ``x``: [(relation, fixed vector or "")]."""
        s = shape_of(x, self.scope)
        eye = T.Identity(s[0]) if s is not None else None
        if prop in ("invertible", "orthogonal", "unitary"):
            if not is_square(x, self.scope):
                raise KernelError(f"{text(x)} is not a square matrix")
            adjoint = T.Transpose if prop == "orthogonal" else T.ConjTranspose
            w = chain.witness if prop == "invertible" else adjoint(x)
            if w is None:
                if prop == "invertible" and chain.fix:
                    v = Sym(chain.fix)
                    self._check_arbitrary(chain.fix)
                    if chain.fix in symbols(x):
                        raise KernelError(f"{text(x)} contains the fixed {chain.fix}")
                    self._fixed_vector_fits(chain.fix, x)
                    return [(Relation("!=", Mul((x, v)), T.Zero(s[0], 1)), chain.fix)]
                raise KernelError("invertible by definition names its inverse (witness)")
            if prop == "orthogonal" and not real_valued(x, self.scope):
                raise KernelError(f"{text(x)} is not real")
            return [(Relation("=", Mul((x, w)), eye), ""), (Relation("=", Mul((w, x)), eye), "")]
        if prop in ("symmetric", "hermitian"):
            op = T.Transpose if prop == "symmetric" else T.ConjTranspose
            return [(Relation("=", op(x), x), "")]
        if prop == "real":
            return [(Relation("=", T.Conj(x), x), "")]
        if prop in ("positive_definite", "positive_semidefinite"):
            v = chain.fix
            if not v or not is_square(x, self.scope) or v in symbols(x):
                raise KernelError("a (semi)definite matrix by definition fixes a vector it lacks")
            self._check_arbitrary(v)
            self._fixed_vector_fits(v, x)
            herm = "symmetric" if real_valued(x, self.scope) else "hermitian"
            if not self.facts.need(x, herm):
                raise KernelError(f"{text(x)} is not known to be {herm}")
            vt = T.ConjTranspose(Sym(v)) if self.scope[v].complex else T.Transpose(Sym(v))
            op = ">" if prop == "positive_definite" else ">="
            return [(Relation(op, Mul((vt, x, Sym(v))), ZERO), v)]
        raise KernelError(f"there is no definition form for '{prop}'")

    def _fixed_vector_fits(self, v: str, x: Expr):
        """A fact for every real v says nothing of complex vectors: X not real needs v complex."""
        if not real_valued(x, self.scope) and not self.scope[v].complex:
            msg = f"{text(x)} is not real, so the arbitrary {v} must be complex (declare '{v} complex')"
            raise KernelError(msg)

    def chain_induction(self, chain: Chain, cr: ChainResult):
        k, goal = chain.fix, chain.result
        if not isinstance(goal, Relation) or not k:
            raise KernelError("induction names its variable (fix) and its result (a relation)")
        self._check_induction_variable(k)
        base_name, step_name = [n.strip() for n in chain.source.split(",")]
        base_fact, base_tag = self.proved.get(base_name, (None, ""))
        step_fact, tag = self.proved.get(step_name, (None, ""))
        step_chain = next((c.chain for c in self.result.chains if c.chain.name == step_name), None)
        if base_tag:
            raise KernelError(f"the base case '{base_name}' holds only under a fixed {base_tag}")
        at0, at_succ = _subst(goal, {k: ZERO}), _subst(goal, {k: T.Add((Sym(k), ONE))})
        if base_fact is None or not self._establishes(base_fact, at0):
            raise KernelError(f"the base case '{base_name}' does not prove {text(at0)}")
        h = step_chain.hypothesis if step_chain is not None else None
        ok = h is not None and step_chain.fix == k and isinstance(tag, tuple) and h.op == goal.op
        if not (ok and self.same(h.lhs, goal.lhs) and self.same(h.rhs, goal.rhs)):
            raise KernelError(f"step '{step_name}' assumes the result for {k} (fix, hypothesis)")
        if not self._establishes(step_fact, at_succ):
            raise KernelError(f"the step '{step_name}' does not prove {text(at_succ)}")
        cr.steps.append(StepResult(True))
        return Relation(goal.op, goal.lhs, goal.rhs), ""

    def chain_nullspace(self, chain: Chain, cr: ChainResult):
        """Yv = 0 ⇒ Zv = 0 for every v gives rank(Z) ≤ rank(Y) (null spaces; rank-nullity)."""
        name, res = chain.source, chain.result
        fact, tag = self.proved.get(name, (None, ""))
        src = next((c.chain for c in self.result.chains if c.chain.name == name), None)
        hyp, v = (src.hypothesis, src.fix) if src is not None else (None, "")
        t = self.scope.get(v) if v else None
        ok = isinstance(tag, tuple) and isinstance(hyp, Relation) and isinstance(fact, Relation)
        if not (ok and t is not None and t.kind == S.VECTOR):
            raise KernelError(f"'{name}' must fix a vector v, assume Yv = 0 and prove Zv = 0")
        y, z = _left_factor(hyp, v, self), _left_factor(fact, v, self)
        if y is None or z is None:
            raise KernelError(f"'{name}' must go from Yv = 0 to Zv = 0 (Y, Z without {v})")
        if shape_of(y, self.scope)[1] != shape_of(z, self.scope)[1]:
            raise KernelError("the two matrices must have the same number of columns")
        want = Relation("<=", T.Rank(z), T.Rank(y))
        if not isinstance(res, Relation) or not self._establishes(want, res):
            raise KernelError(f"the null-space inclusion gives {text(want)}")
        cr.steps.append(StepResult(True))
        return res, ""


def _left_factor(r: Relation, v: str, checker: Checker) -> Expr | None:
    """Y for a relation Yv = 0 (Y a product of matrices without v), else None."""
    lhs = flatten_products(r.lhs)
    factors = lhs.factors if isinstance(lhs, Mul) else (lhs,)
    zero = T.Zero(shape_of(r.lhs, checker.scope)[0], 1)
    if r.op != "=" or len(factors) < 2 or factors[-1] != Sym(v) or not checker.same(r.rhs, zero):
        return None
    y = factors[0] if len(factors) == 2 else Mul(factors[:-1])
    if v in symbols(y) or shape_of(y, checker.scope) in (None, (1, 1)):
        return None
    return y


def _rel(x: Expr, ops: tuple) -> bool:
    return isinstance(x, Relation) and x.op in ops


def _subst(r: Relation, binding: dict) -> Relation:
    return Relation(r.op, substitute(r.lhs, binding), substitute(r.rhs, binding))


def _safe(fn, e, facts):
    try:
        return fn(e, facts)
    except FAULTS:
        return []


def _fixed_rule(name: str, p: Expr, checker: Checker) -> Rule:
    """A hypothesis or fact as it stands: an equation rewrites either way, a relation at the root."""
    if not isinstance(p, Relation):
        raise KernelError(f"{name} is a property, not a relation")
    m = checker._matcher(checker.scope, metas=set())

    def matches(pattern, e) -> bool:
        return next(m.match(pattern, e), None) is not None

    def apply_eq(e, facts):
        return [rhs for lhs, rhs in ((p.lhs, p.rhs), (p.rhs, p.lhs)) if matches(lhs, e)]

    def apply_rel(e, facts):
        out = [(p.op, p.rhs)] if matches(p.lhs, e) else []
        return out + ([(FLIP[p.op], p.lhs)] if matches(p.rhs, e) else [])

    return Rule(name, apply_rel, relational=True) if p.op != "=" else Rule(name, apply_eq)


def _theorem_rule(st: Statement, checker: Checker) -> Rule:
    """A theorem instantiated: every symbol and size bound, every hypothesis discharged."""
    m, hyps = checker._matcher(st.scope), {s for _, h in st.hypotheses for s in symbols(h)}

    def instances(lhs: Expr, rhs: Expr, e: Expr):
        nums = (symbols(rhs) | hyps) & st.scope.dims  # the sizes used as numbers: c^n, n = 2
        needed = symbols(rhs) & set(st.scope.names()) | {("size", d) for d in sizes_in(rhs) | nums}
        for binding in m.match(lhs, e):  # n renamed to a size m of the citing scope, no scalar m
            if needed <= set(binding) and _discharged(st, binding, checker):
                if all(checker.scope.size_number(binding["size", d]) is not None for d in nums):
                    yield substitute(rhs, binding)

    eqs = [c for c in st.conclusions if isinstance(c, Relation) and c.op == "="]
    rels = [c for c in st.conclusions if isinstance(c, Relation) and c.op not in ("=", "~")]
    sides = [s for c in eqs for s in ((c.lhs, c.rhs), (c.rhs, c.lhs))]
    if eqs:
        return Rule(st.name, lambda e, _: [n for lhs, rhs in sides for n in instances(lhs, rhs, e)])
    if rels:
        rewrites = lambda e, _: [(c.op, n) for c in rels for n in instances(c.lhs, c.rhs, e)]  # noqa: E731
        return Rule(st.name, rewrites, relational=True)
    raise KernelError(f"'{st.name}' concludes only properties: they serve as side conditions")


def _discharged(st: Statement, binding: dict, checker: Checker) -> bool:
    """Every hypothesis of ``st`` holds of what its (all bound) symbols are bound to."""
    for _, h in st.hypotheses:
        if not symbols(h) <= set(binding) and symbols(h) & set(st.scope.names()):
            return False
        if isinstance(h, Has):
            if not checker.facts.need(substitute(h.term, binding), h.prop):
                return False
        else:
            inst, known = _subst(h, binding), checker.facts.hypotheses + checker.facts.local
            if not _numerically_true(inst):
                if not any(checker._establishes(f, inst) for _, f in known):
                    return False
    return True


def _numerically_true(r: Relation) -> bool:
    """A relation between two explicit numbers, computed exactly."""
    try:
        a, b = base.explicit_value(r.lhs), base.explicit_value(r.rhs)
    except FAULTS:
        return False
    if not (isinstance(a, Fraction) and isinstance(b, Fraction)):
        return False
    ops = {"=": a == b, "!=": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}
    return ops.get(r.op, False)


def _property_theorems(name: str, st: Statement) -> list[PropertyTheorem]:
    """The property conclusions of a theorem whose hypotheses are all properties."""
    hyps = [h for _, h in st.hypotheses]
    if not all(isinstance(h, Has) for h in hyps):
        return []
    props = [c for c in st.conclusions if isinstance(c, Has)]
    return [PropertyTheorem(name, c, tuple(hyps), st.scope) for c in props]
