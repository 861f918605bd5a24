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

from derive.core import kernel as K
from derive.errors import DeriveError, LimitError
from derive.expr import Expr, Relation
from derive.frontend import build_env, parse, parse_assumptions, typecheck
from derive.limits import DEFAULT

SIMPLIFYING = [
    "transpose-of-product",
    "transpose-of-sum",
    "transpose-of-transpose",
    "transpose-of-identity",
    "symmetric-transpose",
    "hermitian-conj-transpose",
    "conj-transpose-of-product",
    "conj-transpose-of-sum",
    "conj-transpose-of-conj-transpose",
    "conj-transpose-of-identity",
    "conj-of-real",
    "inverse-of-inverse",
    "inverse-of-identity",
    "inverse-mul-self",
    "orthogonal-definition",
    "unitary-definition",
    "mul-identity",
    "mul-zero",
    "norm-squared",
    "det-of-product",
    "det-of-transpose",
    "det-of-inverse",
    "det-of-identity",
    "det-of-scalar-multiple",
    "trace-of-sum",
    "trace-of-transpose",
    "trace-of-scalar",
    "trace-of-scalar-multiple",
    "transpose-of-scalar",
    "power-definition",
    "distribute",
    "arithmetic",
    "function-of-diagonal",
    "exp-of-scalar",
    "one-by-one-entry",
    "conj-transpose-real",  # last: a real X^H that a definition needs (U^HU = I) is used first
]
CANCELLING = [
    "inverse-mul-self",
    "orthogonal-definition",
    "unitary-definition",
    "mul-identity",
    "mul-zero",
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
    method: str | None = None  # how check's deciders reached their verdict (not in the JSON)

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

    def to_text(self, full: bool = False) -> str:
        """The result for a terminal; consecutive steps by one rule share a line unless ``full``."""
        lines = [f"claim:  {self.claim}", f"status: {self.status}"]
        if self.steps:
            if self.leans_on:
                lines.append(
                    f"derivation ({len(self.steps) - 1} steps, each accepted by the "
                    f"kernel, but citing {', '.join(self.leans_on)}, whose own proof is "
                    "not wholly checked by the kernel):"
                )
            else:
                lines.append(
                    f"derivation ({len(self.steps) - 1} steps, each checked by the kernel):"
                )
            shown = self.pretty or [e for e, _ in self.steps]
            lines += derivation_lines(shown, [by for _, by in self.steps], full)
        if self.reason:
            lines.append(f"reason: {self.reason}")
        if self.error:
            lines.append(f"error:  {self.error['message']}")
        if self.counterexample:
            from derive.checker import counterexample_lines

            lines += counterexample_lines(self.counterexample, "left side ", "right side")
        return "\n".join(lines)


TIMES = {2: "twice", 3: "three times"}


def derivation_lines(
    exprs: list[str], rules: list[str | None], full: bool = False, indent: str = "    "
) -> list[str]:
    """A chain for a terminal: each expression, then the rule that reached it. Unless ``full``,
    a run of steps by one rule shows only where the run ends ("by R, twice"); the kernel checked
    every step of it all the same.

    >>> derivation_lines(["a", "b", "c"], [None, "r", "r"])
    ['      a', '    = c', '        ✓ by r, twice']
    """
    lines = []
    i = 0
    while i < len(exprs):
        j = i
        if not full and rules[i] is not None:
            while j + 1 < len(exprs) and rules[j + 1] == rules[i]:
                j += 1
        runs = j - i + 1
        by = rules[i]
        if by and runs > 1:
            by += ", " + TIMES.get(runs, f"{runs} times")
        lines.append(f"{indent}{'=' if i else ' '} {exprs[j]}")
        if by:
            lines.append(f"{indent}    ✓ by {by}")
        i = j + 1
    return lines


def _rules(names: list[str]) -> list[K.Rule]:
    from derive.core.rules import BASE_RULES

    return [K.Rule(n, BASE_RULES[n]) for n in names if n in BASE_RULES]


def _key(checker: K.Checker, e: Expr):
    try:
        return checker.key(e)
    except K.FAULTS:
        return None


def _rewrites(checker: K.Checker, e: Expr, rule: K.Rule, places: list | None = None):
    """The kernel's rewrites of ``e`` by ``rule`` (as ``Checker._rewrites``: at each well-typed
    place), with every product inside a product opened; ``places`` from ``_typed_places(e)``.

    A step is printed, then read back: the reader opens the parentheses of a product inside a
    product ((-y^T)x is read -y^Tx), so the next step must be found from the term as read back (the
    transpose of -y^Tx pulls the -1 out; that of (-y^T)x would not).
    """
    for sub, plug in _typed_places(checker, e) if places is None else places:
        for new in K._safe(rule.apply, sub, checker.facts):
            yield K.flatten_products(plug(new))


def _typed_places(checker: K.Checker, e: Expr) -> list:
    """The places where a rule may rewrite ``e`` (found once for all the rules tried there)."""
    from derive.core.shapes import well_typed

    flat = K.flatten_products(e)
    forms = (e, flat) if flat != e else (e,)
    return [
        (sub, plug) for f in forms for sub, plug in K._places(f) if well_typed(sub, checker.scope)
    ]


MAX_TERM_SIZE = 1500  # nodes: a longer expression is not a step a reader could follow


def simplify_chain(
    e: Expr, checker: K.Checker, rules: list[K.Rule], deadline: float, max_steps: int = 40
) -> list[tuple[Expr, str | None]]:
    """Rewrite greedily with the first rule that changes something, until none does."""
    chain: list[tuple[Expr, str | None]] = [(e, None)]
    seen = {_key(checker, e)}
    shapes = {e}
    for _ in range(max_steps):
        if time.monotonic() > deadline:
            break
        step = None
        places = _typed_places(checker, chain[-1][0])
        for rule in rules:
            for new in _rewrites(checker, chain[-1][0], rule, places):
                if time.monotonic() > deadline:
                    return chain
                if _size(new) > MAX_TERM_SIZE:  # distributing k sums makes 2^k terms
                    continue
                key = _key(checker, new)
                # a step the key does not see (I dropped: equal up to arithmetic) is taken when it
                # makes the expression smaller, so that the rules the dropped factor hid can apply
                if key is not None and (
                    key not in seen
                    or rule.name in CANCELLING
                    and _size(new) < _size(chain[-1][0])
                    and new not in shapes
                ):
                    step = (new, rule.name, key)
                    break
            if step:
                break
        if step is None:
            break
        seen.add(step[2])
        shapes.add(step[0])
        chain.append((step[0], step[1]))
    return chain


def search(lhs: Expr, rhs: Expr, checker: K.Checker, seconds: float = 4.0, catalogue_rules=()):
    """A chain of (expression, rule) from lhs to rhs, or None.

    Both sides are normalized: rewritten with the simplifying base rules (and the catalogue's
    equations that push an inverse or a transpose inward), outermost place first, until nothing
    applies. Where the two ends do not meet, both sides are explored a few moves deep: a move is
    one step that neither simplifies nor complicates (a trace rotated, a trace or a 1×1 product
    transposed, a scalar moved, an equation of the catalogue), followed by normalizing again; the
    first expression both sides reach joins them.
    """
    deadline = time.monotonic() + seconds
    rules = _rules(SIMPLIFYING) + _inside_products(_rules(CANCELLING)) + _pushing(catalogue_rules)
    left = simplify_chain(lhs, checker, rules, deadline)
    right = simplify_chain(rhs, checker, rules, deadline)
    meet = _meet(left, right, checker)
    if meet is not None:
        i, j = meet
        left, right = left[: i + 1], right[: j + 1]
    else:
        moves = [*_moves(checker), *_hypotheses(checker), *catalogue_rules]
        joined = _explore(left, right, checker, rules, moves, deadline)
        if joined is None:
            return None
        left, right = joined
    chain = list(left)
    for k in range(len(right) - 1, 0, -1):
        chain.append((right[k - 1][0], right[k][1]))
    # end on the right side as written: the last step is checked against it (the same, up to
    # arithmetic, as what the search reached)
    if len(chain) == 1:
        return chain + [(rhs, "scalar-arithmetic")] if rhs != lhs else chain
    chain[-1] = (rhs, chain[-1][1])
    return chain


def _size(e: Expr) -> int:
    return 1 + sum(_size(c) for c in e.children())


def _pushed(e: Expr) -> int:
    """How far transposes and inverses stand from the symbols: 0 when each sits on a symbol."""
    from derive.expr import ConjTranspose, Inverse, Transpose

    own = _size(e.arg) - 1 if isinstance(e, (Transpose, ConjTranspose, Inverse)) else 0
    return own + sum(_pushed(c) for c in e.children())


PUSHING_THEOREMS = ("inverse", "transpose", "conj")


def _pushing(catalogue_rules) -> list[K.Rule]:
    """The catalogue's equations about inverses and transposes, used one way only: inward."""
    out = []
    for rule in catalogue_rules:
        if any(w in rule.name for w in PUSHING_THEOREMS):

            def apply(e, facts, rule=rule):
                before = _pushed(e)
                return [n for n in rule.apply(e, facts) if _pushed(n) < before]

            out.append(K.Rule(rule.name, apply))
    return out


def _inside_products(rules: list[K.Rule]) -> list[K.Rule]:
    """The rules applied to a run of neighbouring factors inside a longer product (V^H U^H U V:
    U^H U is I), which the kernel accepts as one step at one place."""
    from derive.expr import Mul

    def wrap(rule):
        def apply(e, facts):
            if not isinstance(e, Mul) or len(e.factors) < 3:
                return []
            fs, out = e.factors, []
            for i in range(len(fs)):
                for j in range(i + 2, min(len(fs), i + 4) + 1):
                    if j - i == len(fs):
                        continue
                    for new in rule.apply(Mul(fs[i:j]), facts):
                        out.append(Mul((*fs[:i], new, *fs[j:])))
            return out

        return K.Rule(rule.name, apply)

    return [wrap(r) for r in rules]


def _moves(checker: K.Checker) -> list[K.Rule]:
    """The steps that neither simplify nor complicate, each one base rule at one place: the
    bridges, and some rules read right to left (each such step is checked here against the rule
    read left to right, and again by the kernel with the whole chain)."""
    from derive.core.rules import BASE_RULES
    from derive.expr import ConjTranspose, Mul, Trace, Transpose

    def backwards(name, candidates):
        forward = BASE_RULES[name]

        def apply(e, facts):
            key = _key(checker, e)
            out = []
            for c in candidates(e):
                try:
                    if key is not None and any(_key(checker, n) == key for n in forward(c, facts)):
                        out.append(c)
                except K.FAULTS:
                    continue
            return out

        return K.Rule(name, apply)

    return [
        *_rules(BRIDGES),
        backwards(
            "trace-of-transpose",
            lambda e: [Trace(Transpose(e.arg))] if isinstance(e, Trace) else [],
        ),
        backwards("transpose-of-scalar", lambda e: [Transpose(e)] if isinstance(e, Mul) else []),
        backwards(  # a real U^T read as U^H, for the definitions of unitary and hermitian
            "conj-transpose-real",
            lambda e: [ConjTranspose(e.arg)] if isinstance(e, Transpose) else [],
        ),
        backwards("trace-of-scalar", lambda e: [Trace(e)] if isinstance(e, Mul) else []),
    ]


def _hypotheses(checker: K.Checker) -> list[K.Rule]:
    """The claim's equations among its hypotheses (AB = BA for "A, B commute"), either way."""
    return [
        K._fixed_rule(label, h, checker)
        for label, h in checker.statement.hypotheses
        if isinstance(h, Relation) and h.op == "="
    ]


def _explore(left, right, checker, rules, moves, deadline, depth: int = 3, nodes: int = 300):
    """Chains from each end, a few moves deep, until one expression is on both sides: the two
    chains that reach it (from lhs and from rhs), or None."""
    reached = [{}, {}]  # key -> the chain that reaches it, for each side
    frontiers = [[left], [right]]
    for side, chain in enumerate((left, right)):
        for i, (e, _) in enumerate(chain):
            reached[side].setdefault(_key(checker, e), chain[: i + 1])
    reached[0].pop(None, None)
    reached[1].pop(None, None)
    budget = nodes
    for _ in range(depth):
        for side in (0, 1):
            grown = []
            for chain in frontiers[side]:
                for move in moves:
                    for new in _rewrites(checker, chain[-1][0], move):
                        if time.monotonic() > deadline or budget <= 0:
                            return None
                        key = _key(checker, new)
                        if key is None or key in reached[side]:
                            continue
                        budget -= 1
                        tail = simplify_chain(new, checker, rules, deadline, 12)
                        tail[0] = (new, move.name)
                        full = chain + tail
                        for i in range(len(chain), len(full)):
                            k = _key(checker, full[i][0])
                            if k is None:
                                continue
                            reached[side].setdefault(k, full[: i + 1])
                            other = reached[1 - side].get(k)
                            if other is not None:
                                mine = full[: i + 1]
                                return (mine, other) if side == 0 else (other, mine)
                        grown.append(full)
            frontiers[side] = grown
    return None


def _meet(left, right, checker):
    keys = {}
    for j, (e, _) in enumerate(right):
        k = _key(checker, e)
        if k is not None:
            keys.setdefault(k, j)
    for i, (e, _) in enumerate(left):
        j = keys.get(_key(checker, e))
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
            raise LimitError(
                f"{len(env.symbols)} symbols are over the cap of {DEFAULT.max_symbols}"
            )
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
        return ProveResult(
            "refuted",
            shown,
            counterexample=verdict.counterexample,
            reason=verdict.reason,
            method=verdict.method,
        )
    checker, catalogue = _checker(claim, assume, typed, env)
    try:
        chain = search(lhs, rhs, checker, seconds, catalogue)
    except K.FAULTS:  # an expression with no canonical form (a division by zero)
        chain = None
    accepted = _kernel_accepts(chain, checker) if chain is not None else None
    from derive.render import unicode

    if accepted is not None and not _reread_accepts(claim, assume, chain, vectors):
        accepted = None  # the printed steps must read back to the same checked chain
    if accepted is not None and verdict.agreed == 0:  # as check: a derivation is not enough
        return ProveResult(
            "unknown",
            shown,
            reason="a derivation joins the two sides, but no random instance had both sides "
            "defined: the claim may be true only vacuously",
            method=verdict.method,
        )
    if accepted is not None and accepted.complete:
        steps = [(latex(e, vectors), by) for e, by in chain]
        pretty = [unicode(e) for e, _ in chain]
        return ProveResult("proved", shown, steps, pretty=pretty, method=verdict.method)
    if accepted is not None:  # a step leans on an entry whose proof is partly prose
        named = ", ".join(f"'{i}' (partial)" for i in sorted(accepted.leans_on))
        return ProveResult(
            "checked",
            shown,
            [(latex(e, vectors), by) for e, by in chain],
            [unicode(e) for e, _ in chain],
            leans_on=sorted(accepted.leans_on),
            method=verdict.method,
            reason=f"the derivation cites {named}, whose proof is not wholly "
            "checked by the kernel; "
            + (verdict.reason or f"{verdict.verdict} by {verdict.method}"),
        )
    if verdict.verdict == "equivalent":  # the trials' reason begins "no symbolic derivation"
        return ProveResult(
            "checked", shown, reason=verdict.reason or "random trials agree", method=verdict.method
        )
    return ProveResult(
        "unknown",
        shown,
        reason="no derivation found; " + (verdict.reason or ""),
        method=verdict.method,
    )


SEARCH_FACT_DEPTH = 4  # how deep the search's fact prover looks (the kernel's: 8)
DERIVATION_BUDGET = 0.5  # seconds for check's derivation search (catalogue loading aside)
FIRST_STAGE = 0.1  # of which at most this with the base rules alone


def derivation(
    start: str,
    end: str,
    assume: str = "",
    seconds: float = DERIVATION_BUDGET,
    same_as: tuple[Expr, Expr] | None = None,
    catalogue: bool = False,
    same_env=None,
) -> list[tuple[str, str | None]] | None:
    """A derivation of ``start = end`` (LaTeX as check read them) that the kernel accepts,
    complete, also when read back from its printed LaTeX; None if none is found in ``seconds``.

    ``same_as``: the two typed sides the caller compared; the claim read again from ``start`` and
    ``end`` must be exactly these, or there is no derivation (it would prove another claim). With
    ``same_env`` (the caller's environment: its symbols must have the same types here), equal up
    to the kernel's arithmetic is enough (``0.5`` is read back as ``\\frac{1}{2}``). The
    catalogue's equations are used when the catalogue is loaded already, or if ``catalogue``
    says to load it (about half a second, once, outside ``seconds``) when the base rules alone
    find nothing.
    """
    chain = _derivation(start, end, assume, seconds, same_as, same_env)
    if chain is None and catalogue and not _loaded_context().names():
        warm_catalogue()
        chain = _derivation(start, end, assume, seconds, same_as, same_env)
    return chain


def _same_claim(typed: Relation, same_as, same_env, checker: K.Checker, env) -> bool:
    """Whether the claim read again is the one compared: the same sides, or (in the same
    environment) the same sides up to arithmetic, as the kernel's canonical form says."""
    if same_as is None or (typed.lhs, typed.rhs) == tuple(same_as):
        return True
    if same_env is None or same_env.symbols != env.symbols:
        return False
    pairs = zip(same_as, (typed.lhs, typed.rhs), strict=True)
    return all(_key(checker, a) == _key(checker, b) is not None for a, b in pairs)


def _derivation(start, end, assume, seconds, same_as, same_env=None):
    from derive.render import latex

    deadline = time.monotonic() + seconds
    claim = f"{start} = {end}"
    try:
        p = parse(claim, relation=True)
        env = build_env(parse_assumptions(assume), [p])
        if len(env.symbols) > DEFAULT.max_symbols:
            return None
        typed = typecheck([p], env)[0].expr
        if not isinstance(typed, Relation) or typed.op != "=":
            return None
        base = _checker(claim, assume, typed, env, K.Context())  # the base rules alone
        if not _same_claim(typed, same_as, same_env, base[0], env):
            return None
        if typed.lhs == typed.rhs:  # read back alike: the same up to the kernel's arithmetic
            return [(start, None)]
        vectors = {n for n, t in env.symbols if t.kind == "vector"}
        # the base rules alone first (most derivations need no theorem, and they are found
        # faster without the catalogue's equations to try at every place), then the catalogue
        loaded = _loaded_context()
        for context in [K.Context()] + ([loaded] if loaded.names() else []):
            left = min(deadline - time.monotonic(), FIRST_STAGE if not context.names() else 1e9)
            if left <= 0:
                return None
            checker, catalogue = (
                _checker(claim, assume, typed, env, context) if context.names() else base
            )
            chain = search(typed.lhs, typed.rhs, checker, left, catalogue)
            if chain is None:
                continue
            accepted = _kernel_accepts(chain, checker)
            if accepted is None or not accepted.complete or time.monotonic() > deadline:
                continue
            if _reread_accepts(claim, assume, chain, vectors, context):
                return [(latex(e, vectors), by) for e, by in chain]
        return None
    except (DeriveError, RecursionError, *K.FAULTS):
        return None


def _loaded_context() -> K.Context:
    """The catalogue's kernel context if it is built already, else an empty one (base rules)."""
    from derive.catalogue import _load, load

    if _load.cache_info().currsize:
        cat = load()
        if "_context" in cat.__dict__:
            return cat.__dict__["_context"]
    return K.Context()


def warm_catalogue() -> None:
    """Build the catalogue's kernel context now (about 0.7 s), so that derivations can cite it."""
    from derive.catalogue import load
    from derive.verify import context_of

    try:
        context_of(load())
    except DeriveError:
        pass


def _checker(
    claim: str, assume: str, typed: Relation, env, context: K.Context | None = None
) -> tuple[K.Checker, list[K.Rule]]:
    """A kernel checker for the claim in the catalogue's context (or in ``context``), and the
    context's equations as rules (their hypotheses discharged by the kernel at each use)."""
    from derive.catalogue import Entry, load
    from derive.verify import context_of, statement_of

    entry = Entry(id="claim", title="claim", statement=claim, section="", assume=assume)
    statement = statement_of(entry, env, {"concl:0": _Typed(typed)})
    if context is None:
        try:
            context = context_of(load())
        except DeriveError:
            context = K.Context()
    checker = K.Checker(context, statement)
    # the search asks the fact prover about many candidates, most of which fail; a failing
    # question is answered only after every way is tried, which at the kernel's depth took 30 s
    # for one inverse of a sum (Woodbury). The search asks less deep; the chain it finds is then
    # checked by a new checker at the kernel's own depth.
    checker.facts.depth_limit = min(checker.facts.depth_limit, SEARCH_FACT_DEPTH)
    rules = []
    for name in context.names():
        st = context.get(name).statement
        if any(
            isinstance(c, Relation) and c.op == "=" and "\\begin" not in repr(c)
            for c in st.conclusions
        ):
            try:
                rules.append(_by_head(K._theorem_rule(st, checker), st))
            except K.KernelError:
                continue
    return checker, rules


def _by_head(rule: K.Rule, st: K.Statement) -> K.Rule:
    """The theorem's rule tried only where its equations' sides could match: a side rooted at a
    product matches only a product, unless a side is a lone symbol (which matches anything)."""
    from derive.expr import Sym

    sides = [s for c in st.conclusions if isinstance(c, Relation) for s in (c.lhs, c.rhs)]
    if any(isinstance(s, Sym) for s in sides):
        return rule
    heads = tuple({type(s) for s in sides})
    return K.Rule(rule.name, lambda e, facts: rule.apply(e, facts) if isinstance(e, heads) else [])


def _reread_accepts(
    claim: str, assume: str, chain, vectors, context: K.Context | None = None
) -> bool:
    """Whether the kernel accepts the chain read back from the LaTeX it is printed as (in the
    catalogue's context, or in ``context``)."""
    from derive.catalogue import Chain, Entry, Step, load
    from derive.render import latex
    from derive.verify import chains_of, context_of, entry_env, statement_of

    steps = tuple(Step(latex(e, vectors), by) for e, by in chain)
    entry = Entry(
        id="claim", title="", statement=claim, section="", assume=assume, chains=(Chain(steps),)
    )
    try:
        env, typed = entry_env(entry)
        statement = statement_of(entry, env, typed)
        if context is None:
            context = context_of(load())
        return K.Checker(context, statement).check(chains_of(entry, typed)).ok
    except (DeriveError, *K.FAULTS):
        return False


@dataclass
class _Typed:
    expr: Expr


def _kernel_accepts(chain, checker: K.Checker) -> K.ProofResult | None:
    """The kernel's verdict on the found chain, as a proof of the claim (None if rejected)."""
    steps = tuple(K.Step(e, by) for e, by in chain)
    result = K.Checker(checker.context, checker.statement).check([K.Chain("calc", steps=steps)])
    return result if result.ok else None
