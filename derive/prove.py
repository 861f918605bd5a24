"""``derive prove``: search for a derivation of ``LHS = RHS``, then let the kernel check it.

The search is a heuristic (and lives apart from the kernel): each side is rewritten with simplifying
base rules, outermost place first, until nothing applies; if the two ends agree (possibly after one
"bridge" step such as rotating a trace), the chain is the left side's steps followed by the right
side's steps reversed. Only a chain whose every step the kernel accepts is reported as ``proved``.
A claim the randomized decider refutes is ``refuted``, with a counterexample; a claim that survives
the trials without a derivation is ``checked``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from derive.errors import DeriveError, LimitError
from derive.expr import Expr, Relation
from derive.frontend import Env, build_env, parse, parse_assumptions, typecheck
from derive.kernel import Rule, canon, check_step, rewrites
from derive.limits import DEFAULT

SIMPLIFYING = [
    "transpose-of-product", "transpose-of-sum", "transpose-of-transpose", "transpose-of-identity",
    "transpose-of-inverse", "symmetric-transpose", "hermitian-conj-transpose",
    "conj-transpose-of-product", "inverse-of-product", "inverse-of-inverse", "inverse-of-identity",
    "inverse-mul-self", "orthogonal-definition", "unitary-definition", "mul-identity", "mul-zero",
    "norm-squared", "det-of-product", "det-of-transpose", "det-of-inverse", "det-of-identity",
    "trace-of-sum", "trace-of-transpose", "trace-of-scalar", "trace-of-scalar-multiple",
    "transpose-of-scalar", "power-definition", "distribute", "arithmetic",
]
BRIDGES = ["trace-cyclic", "scalar-commute", "transpose-of-scalar"]
FINISH = ["scalar-arithmetic"]
EXIT = {"proved": 0, "checked": 0, "refuted": 1, "invalid": 2, "unknown": 3}


@dataclass
class ProveResult:
    status: str
    claim: str
    steps: list[tuple[str, str | None]] = field(default_factory=list)  # (latex, rule)
    pretty: list[str] = field(default_factory=list)  # the same expressions for a terminal
    counterexample: dict | None = None
    reason: str | None = None
    error: dict | None = None
    leans_on: list[str] = field(default_factory=list)  # cited entries not wholly kernel-checked

    @property
    def exit_code(self) -> int:
        return EXIT[self.status]

    def to_dict(self) -> dict:
        out = {"status": self.status, "claim": self.claim}
        if self.steps:
            out["derivation"] = [{"expr": e, "by": by} for e, by in self.steps]
        for key in ("counterexample", "reason", "error"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.leans_on:
            out["leans_on"] = list(self.leans_on)
        return out

    def to_text(self) -> str:
        lines = [f"claim:  {self.claim}", f"status: {self.status}"]
        if self.steps:
            if self.leans_on:
                lines.append(f"derivation ({len(self.steps) - 1} steps, each accepted by the "
                             f"kernel, but citing {', '.join(self.leans_on)}, whose own proof is "
                             "not wholly checked by the kernel):")
            else:
                lines.append(f"derivation ({len(self.steps) - 1} steps, each checked by the "
                             "kernel):")
            shown = self.pretty or [e for e, _ in self.steps]
            for i, ((_, by), e) in enumerate(zip(self.steps, shown, strict=True)):
                lines.append(f"    {'=' if i else ' '} {e}" + (f"\n        ✓ by {by}" if by else ""))
        if self.reason:
            lines.append(f"reason: {self.reason}")
        if self.error:
            lines.append(f"error:  {self.error['message']}")
        if self.counterexample:
            from derive.checker import counterexample_lines

            lines += counterexample_lines(self.counterexample, "left side ", "right side")
        return "\n".join(lines)


def _rules(names: list[str]) -> list[Rule]:
    from derive.rules import BASE_RULES

    return [Rule(n, BASE_RULES[n]) for n in names if n in BASE_RULES]


def simplify_chain(e: Expr, env: Env, rules: list[Rule], deadline: float,
                   max_steps: int = 40) -> list[tuple[Expr, str | None]]:
    """Rewrite greedily with the first rule that changes something, until none does."""
    chain: list[tuple[Expr, str | None]] = [(e, None)]
    seen = {canon(e, env)}
    for _ in range(max_steps):
        if time.monotonic() > deadline:
            break
        step = None
        for rule in rules:
            for new in rewrites(chain[-1][0], rule, env):
                try:
                    key = canon(new, env)
                except Exception:  # noqa: BLE001 (an ill-typed rewrite is skipped)
                    continue
                if key not in seen:
                    step = (new, rule.name, key)
                    break
            if step:
                break
        if step is None:
            break
        seen.add(step[2])
        chain.append((step[0], step[1]))
    return chain


def search(lhs: Expr, rhs: Expr, env: Env, seconds: float = 4.0, catalogue_rules=()):
    """A chain of (expression, rule) from lhs to rhs, or None.

    Both sides are simplified with the base rules; where they do not meet, one "bridge" step (a
    trace rotation, a scalar moved, or an equation of the catalogue) is tried on the left end.
    """
    deadline = time.monotonic() + seconds
    rules = _rules(SIMPLIFYING)
    left = simplify_chain(lhs, env, rules, deadline)
    right = simplify_chain(rhs, env, rules, deadline)
    meet = _meet(left, right, env)
    if meet is None:
        for bridge in [*_rules(BRIDGES), *catalogue_rules]:
            for new in rewrites(left[-1][0], bridge, env):
                tail = simplify_chain(new, env, rules, deadline, 10)
                tail[0] = (new, bridge.name)
                meet = _meet(left + tail, right, env)
                if meet is not None:
                    left = left + tail
                    break
            if meet is not None or time.monotonic() > deadline:
                break
    if meet is None:
        return None
    i, j = meet
    chain = list(left[: i + 1])
    for k in range(j, 0, -1):
        chain.append((right[k - 1][0], right[k][1]))
    # end on the right side as written: the last step is checked against it (the same, up to
    # arithmetic, as what the search reached)
    if len(chain) == 1:
        return chain + [(rhs, "scalar-arithmetic")] if rhs != lhs else chain
    chain[-1] = (rhs, chain[-1][1])
    return chain


def _meet(left, right, env):
    keys = {}
    for j, (e, _) in enumerate(right):
        keys.setdefault(canon(e, env), j)
    for i, (e, _) in enumerate(left):
        j = keys.get(canon(e, env))
        if j is not None:
            return i, j
    return None


def prove(claim: str, assume: str = "", seconds: float = 4.0) -> ProveResult:
    """Prove, check or refute ``LHS = RHS`` under the clauses."""
    from derive.checker import decide
    from derive.frontend import Typed
    from derive.render import latex

    try:
        assumptions = parse_assumptions(assume)
        p = parse(claim, relation=True)
        env = build_env(assumptions, [p])
        if len(env.symbols) > DEFAULT.max_symbols:  # the caps of check apply here too
            raise LimitError(f"{len(env.symbols)} symbols are over the cap of "
                             f"{DEFAULT.max_symbols}")
        read = typecheck([p], env)[0]
        typed, shape = read.expr, read.shape
    except DeriveError as exc:
        err = {"message": str(exc)}
        if hasattr(exc, "position"):
            err.update(position=exc.position + 1, reason=exc.reason)
        return ProveResult("invalid", claim, error=err)
    if not isinstance(typed, Relation) or typed.op != "=":
        return ProveResult("invalid", claim, error={"message": "write one equation: LHS = RHS"})
    vectors = {n for n, t in env.symbols if t.kind == "vector"}
    shown = latex(typed, vectors)
    lhs, rhs = typed.lhs, typed.rhs
    # both sides have the relation's shape (typing them again would re-read what typing made:
    # e^{-64} became a power of the constant e, and its exponent then went over the cap)
    left = Typed(lhs, shape, claim)
    right = Typed(rhs, shape, claim)
    verdict = decide(left, right, env, (latex(lhs, vectors), latex(rhs, vectors)), hints=False)
    if verdict.verdict == "not-equivalent":
        return ProveResult("refuted", shown, counterexample=verdict.counterexample,
                           reason=verdict.reason)
    catalogue = _catalogue_rules(env)
    try:
        chain = search(lhs, rhs, env, seconds, catalogue)
    except ValueError:  # an expression with no canonical form (a division by zero)
        chain = None
    by_name = {r.name: r for r in [*_rules(SIMPLIFYING + BRIDGES + FINISH), *catalogue]}
    if chain is not None and _kernel_accepts(chain, env, by_name):
        from derive.render import unicode

        steps = [(latex(e, vectors), by) for e, by in chain]
        pretty = [unicode(e) for e, _ in chain]
        leans = _not_wholly_checked([by for _, by in chain])
        if leans:  # a step cites an entry whose proof is partly prose: not a kernel proof
            named = ", ".join(f"'{i}' ({status})" for i, status in leans)
            return ProveResult("checked", shown, steps, pretty, leans_on=[i for i, _ in leans],
                               reason=f"the derivation cites {named}, whose proof is not wholly "
                                      "checked by the kernel; "
                                      + (verdict.reason or f"{verdict.verdict} by "
                                         f"{verdict.method}"))
        return ProveResult("proved", shown, steps, pretty=pretty)
    if verdict.verdict == "equivalent":
        how = ("the normal forms agree" if verdict.method == "normal form"
               else verdict.reason or "random trials agree")
        return ProveResult("checked", shown, reason=f"no derivation found; {how}")
    return ProveResult("unknown", shown, reason="no derivation found; " + (verdict.reason or ""))


def _kernel_accepts(chain, env, by_name: dict[str, Rule]) -> bool:
    for (prev, _), (nxt, by) in zip(chain, chain[1:], strict=False):
        if not check_step(prev, nxt, by_name[by], "=", env).ok:
            return False
    return True


def _not_wholly_checked(cited: list[str | None]) -> list[tuple[str, str]]:
    """The catalogue entries among ``cited`` whose proofs are not wholly kernel-checked, with
    their status (``partial``: a step is prose or leans on prose)."""
    from derive.catalogue import load
    from derive.verify import cited_status

    names = [c for c in dict.fromkeys(cited) if c is not None]
    try:
        cat = load()
    except DeriveError:
        return []
    out = []
    for name in names:
        if name in cat.entries:
            status = cited_status(cat.entries[name], cat)
            if status != "checked":
                out.append((name, status))
    return out


def _catalogue_rules(env: Env) -> list[Rule]:
    """The catalogue's equations that hold without hypotheses, as rules (best effort)."""
    from derive.catalogue import load
    from derive.verify import rule_for

    out = []
    try:
        cat = load()
    except DeriveError:
        return out
    for entry in cat.ordered():
        if entry.hypotheses or "=" not in entry.statement or "\\begin" in entry.statement:
            continue
        try:
            rule = rule_for(entry.id, cat, env, {}, {})
        except DeriveError:
            continue
        if not rule.relational:
            out.append(rule)
    return out
