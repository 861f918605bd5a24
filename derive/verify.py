"""Re-checking catalogue proofs with the kernel: from an ``Entry`` to a report of every step."""

from __future__ import annotations

from dataclasses import dataclass, field

from derive.catalogue import Catalogue, Entry
from derive.errors import DeriveError, ProofError
from derive.expr import Mul, Relation
from derive.frontend import (
    Env,
    Typed,
    build_env,
    parse,
    parse_assumptions,
    typecheck,
)
from derive.kernel import (
    Rule,
    StepCheck,
    check_step,
    compose,
    pattern_rule,
    same,
    weaker_or_equal,
)


@dataclass
class StepReport:
    expr: str
    by: str | None
    rel: str
    status: str  # checked | prose | failed | start
    message: str = ""
    prose: str | None = None
    typed: object = None


@dataclass
class ChainReport:
    name: str
    steps: list[StepReport] = field(default_factory=list)
    suppose: str | None = None  # the supposition of a proof by contradiction, as LaTeX


@dataclass
class EntryReport:
    entry: Entry
    chains: list[ChainReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    env: Env | None = None
    statement: Typed | None = None
    leans_on: set[str] = field(default_factory=set)  # cited entries whose proofs are partly prose

    @property
    def status(self) -> str:
        if self.errors or any(s.status == "failed" for c in self.chains for s in c.steps):
            return "failed"
        if not self.chains:
            return "unproved"
        if any(s.status == "prose" for c in self.chains for s in c.steps) or self.leans_on:
            return "partial"
        return "checked"

    def counts(self) -> tuple[int, int]:
        """(machine-checked steps, all steps)."""
        steps = [s for c in self.chains for s in c.steps if s.status != "start"]
        return sum(s.status == "checked" for s in steps), len(steps)


def entry_env(entry: Entry) -> tuple[Env, dict[str, Typed]]:
    """The typing environment of an entry, from its clauses and every text it writes."""
    assumptions = parse_assumptions(entry.assume)
    texts = {"statement": (entry.statement, True)}
    for i, h in enumerate(entry.hypotheses, start=1):
        texts[f"hyp:{i}"] = (h, True)
    for ci, chain in enumerate(entry.chains):
        for si, step in enumerate(chain.steps):
            texts[f"{ci}.{si}"] = (step.expr, False)
        if chain.cancel:
            texts[f"{ci}.cancel"] = (chain.cancel, False)
            texts[f"{ci}.result"] = (chain.result or "", True)
        if chain.suppose:
            texts[f"{ci}.suppose"] = (chain.suppose, True)
            texts[f"{ci}.result"] = (chain.result or "", True)
    parsed = {k: parse(t, relation=rel) for k, (t, rel) in texts.items()}
    env = build_env(assumptions, list(parsed.values()))
    typed = {k: typecheck([p], env)[0] for k, p in parsed.items()}
    return env, typed


def rule_for(name: str, cat: Catalogue, env: Env, typed: dict, facts: dict,
             supposition=None) -> Rule:
    from derive.rules import BASE_RULES, RELATIONAL_RULES

    if name == "supposition":
        if supposition is None:
            raise ProofError("there is no supposition in this chain")
        return pattern_rule(name, supposition, {}, env, hypothesis=True)
    if name in BASE_RULES:
        return Rule(name, BASE_RULES[name])
    if name in RELATIONAL_RULES:
        return Rule(name, RELATIONAL_RULES[name], relational=True)
    if name.startswith("hyp:"):
        if name not in typed:
            raise ProofError(f"there is no hypothesis {name}")
        return pattern_rule(name, typed[name].expr, {}, env, hypothesis=True)
    if name.startswith("fact:"):
        return pattern_rule(name, facts[name[5:]], {}, env, hypothesis=True)
    cited = cat.entries[name]
    if cited.hypotheses:
        raise ProofError(f"'{name}' holds only under its hypotheses, so it cannot be cited as a rule")
    if not cited.chains:
        raise ProofError(f"'{name}' has no proof, so it cannot be cited as a rule")
    if cited_status(cited, cat) == "failed":
        raise ProofError(f"'{name}' fails to verify, so it cannot be cited as a rule")
    cenv, ctyped = entry_env(cited)
    from derive.expr import symbols

    sizes = symbols(ctyped["statement"].expr) & set(cenv.dims)
    if sizes:
        raise ProofError(f"'{name}' speaks of the size {', '.join(sorted(sizes))}, so it cannot be "
                         "instantiated as a rule")
    conditions = {}
    for n, props in parse_assumptions(cited.assume).props:
        keep = set(props) - {"matrix", "vector", "scalar", "real", "complex"}
        if keep:
            conditions[n] = keep
    return pattern_rule(name, ctyped["statement"].expr, conditions, cenv)


def cited_status(entry: Entry, cat: Catalogue) -> str:
    """The status of an entry that another cites (verified once per catalogue)."""
    cache = cat.__dict__.setdefault("_statuses", {})
    if entry.id not in cache:
        cache[entry.id] = "checking"  # citations only point back: no cycle can reach here
        cache[entry.id] = verify_entry(entry, cat).status
    return cache[entry.id]


def verify_entry(entry: Entry, cat: Catalogue) -> EntryReport:
    """Check every step of an entry's proof; never raises for a bad proof, reports it."""
    from derive.render import latex

    report = EntryReport(entry)
    try:
        env, typed = entry_env(entry)
    except DeriveError as exc:
        report.errors.append(f"{entry.id}: a formula does not read: {exc}")
        return report
    report.env, report.statement = env, typed["statement"]
    vectors = {n for n, t in env.symbols if t.kind == "vector"}
    statement = typed["statement"].expr
    facts: dict[str, Relation] = {}
    proved: Relation | None = None
    for ci, chain in enumerate(entry.chains):
        cr = ChainReport(chain.name)
        if chain.suppose:
            cr.suppose = latex(typed[f"{ci}.suppose"].expr, vectors)
        report.chains.append(cr)
        if chain.cancel:
            source = facts.get(chain.source or "")
            result = typed[f"{ci}.result"].expr
            factor = typed[f"{ci}.cancel"].expr
            known = list(facts.values()) + [typed[k].expr for k in typed if k.startswith("hyp:")]
            ok, msg = _check_cancel(source, factor, result, env, known)
            if not _conclude(report, cr, ci, "cancel", result, ok, msg, vectors):
                continue
            proved = result
            if chain.name:
                facts[chain.name] = result
            continue
        relation = "="
        first = typed[f"{ci}.0"].expr
        cr.steps.append(StepReport(latex(first, vectors), None, "=", "start", typed=first))
        prev = first
        for si, step in enumerate(chain.steps[1:], start=1):
            cur = typed[f"{ci}.{si}"].expr
            shown = latex(cur, vectors)
            if step.by is None:
                cr.steps.append(StepReport(shown, None, step.rel, "prose",
                                           "not machine-checked", step.prose, typed=cur))
            else:
                try:
                    rule = rule_for(step.by, cat, env, typed, facts,
                                    typed[f"{ci}.suppose"].expr if chain.suppose else None)
                    res = check_step(prev, cur, rule, step.rel, env)
                except (DeriveError, KeyError) as exc:
                    res = StepCheck(False, str(exc))
                except Exception as exc:  # noqa: BLE001 (a kernel bug fails the step, loudly)
                    res = StepCheck(False, f"internal error {type(exc).__name__}: {exc}")
                status = "checked" if res.ok else "failed"
                if res.ok and step.by in cat.entries and cited_status(
                        cat.entries[step.by], cat) == "partial":
                    report.leans_on.add(step.by)
                msg = "" if res.ok else (
                    f"{entry.id}, step {si} ({entry.proof_file}:{step.line}): rule '{step.by}' "
                    f"does not take {latex(prev, vectors)} to {shown}: {res.message}")
                cr.steps.append(StepReport(shown, step.by, step.rel, status, msg, step.prose,
                                           typed=cur))
                if not res.ok:
                    report.errors.append(msg)
            relation = compose(relation, step.rel) or "?"
            prev = cur
        fact = Relation(relation, first, prev)
        if chain.suppose:
            result = typed[f"{ci}.result"].expr
            ok, msg = _check_contradiction(typed[f"{ci}.suppose"].expr, fact,
                                           facts.get(chain.contradicts or ""), result, env)
            if not _conclude(report, cr, ci, "contradiction", result, ok, msg, vectors):
                continue
            fact = result
        if chain.name:
            facts[chain.name] = fact
        proved = fact
    if proved is not None and not report.errors:
        if not _establishes(proved, statement, env):
            report.errors.append(
                f"{entry.id}: the proof ends with {latex(proved, vectors)}, which is not the "
                f"statement {latex(statement, vectors)}")
    elif proved is None and entry.chains:
        report.errors.append(f"{entry.id}: the proof proves nothing")
    return report


def _conclude(report, cr, ci, form, result, ok, msg, vectors) -> bool:
    """Record the conclusion of an inference form (cancel, contradiction); False if rejected."""
    from derive.render import latex

    cr.steps.append(StepReport(latex(result, vectors), form, "hence",
                               "checked" if ok else "failed", msg, typed=result))
    if not ok:
        report.errors.append(f"{report.entry.id}, chain {ci + 1}: {msg}")
    return ok


def _establishes(fact: Relation, statement, env: Env) -> bool:
    if not isinstance(statement, Relation):
        return False
    if same(fact.lhs, statement.lhs, env) and same(fact.rhs, statement.rhs, env):
        return weaker_or_equal(fact.op, statement.op)
    if fact.op == "=" and statement.op == "=":
        return same(fact.lhs, statement.rhs, env) and same(fact.rhs, statement.lhs, env)
    flipped = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "!=": "!="}.get(fact.op)
    return bool(flipped) and same(fact.lhs, statement.rhs, env) and same(
        fact.rhs, statement.lhs, env) and weaker_or_equal(flipped, statement.op)


INCOMPATIBLE = {frozenset(p) for p in (("=", ">"), ("=", "<"), ("=", "!="), (">", "<"),
                                       (">", "<="), ("<", ">="))}
FLIP = {"=": "=", "!=": "!=", ">": "<", "<": ">", ">=": "<=", "<=": ">="}


def _check_contradiction(supposition, derived, known, result, env) -> tuple[bool, str]:
    """From supposing ``a = b``, a chain derives a relation that an earlier fact contradicts:
    conclude ``a \\ne b``."""
    if not isinstance(supposition, Relation) or supposition.op != "=":
        return False, "a proof by contradiction supposes an equation"
    if known is None:
        return False, "a proof by contradiction needs an earlier fact (contradicts = 'NAME')"
    clash = False
    for op, lhs, rhs in ((derived.op, derived.lhs, derived.rhs),
                         (FLIP.get(derived.op, "?"), derived.rhs, derived.lhs)):
        if same(lhs, known.lhs, env) and same(rhs, known.rhs, env) and (
                frozenset((op, known.op)) in INCOMPATIBLE):
            clash = True
    if not clash:
        return False, "the chain does not contradict the fact it names"
    if not (isinstance(result, Relation) and result.op == "!=" and (
            same(result.lhs, supposition.lhs, env) and same(result.rhs, supposition.rhs, env)
            or same(result.lhs, supposition.rhs, env) and same(result.rhs, supposition.lhs, env))):
        return False, "a proof by contradiction concludes that the supposition fails (≠)"
    return True, ""


def _nonzero_by_facts(factor, env, known) -> bool:
    """``f ≠ 0`` because a hypothesis or fact says ``a ≠ b`` (or a < b, a > b) and f = ±(a - b)."""
    from derive.expr import Add, neg

    for rel in known:
        if isinstance(rel, Relation) and rel.op in ("!=", "<", ">"):
            for a, b in ((rel.lhs, rel.rhs), (rel.rhs, rel.lhs)):
                if same(factor, Add((a, neg(b))), env):
                    return True
    return False


def _check_cancel(source, factor, result, env, known=()) -> tuple[bool, str]:
    """From ``a f = b f`` and ``f ≠ 0`` (f a scalar), conclude ``a = b``."""
    from derive.rules import is_nonzero

    if source is None or not isinstance(source, Relation) or source.op != "=":
        return False, "cancel needs an earlier equation (from = 'NAME')"
    if not isinstance(result, Relation) or result.op != "=":
        return False, "cancel concludes an equation"
    from derive.frontend import shape_of
    from derive.rules import has_property

    if shape_of(factor, env) not in (None, (1, 1)) and not has_property(factor, "invertible", env):
        return False, "only a scalar, or an invertible matrix, can be cancelled"
    if not (is_nonzero(factor, env) or _nonzero_by_facts(factor, env, known)):
        return False, "the factor to cancel is not known to be nonzero"
    for a, b in ((Mul((result.lhs, factor)), Mul((result.rhs, factor))),
                 (Mul((factor, result.lhs)), Mul((factor, result.rhs)))):
        if same(a, source.lhs, env) and same(b, source.rhs, env):
            return True, ""
    return False, "the equation is not (result) × (factor) on both sides"


def verify_all(cat: Catalogue, ids: list[str] | None = None) -> list[EntryReport]:
    entries = [cat.entries[i] for i in ids] if ids else cat.ordered()
    return [verify_entry(e, cat) for e in entries]
