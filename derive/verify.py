"""Checking catalogue proofs: read each entry with the front end, hand the typed terms to the core.

The core (``derive.core``) decides; this module only translates. An entry becomes a statement
(hypotheses: the properties its assumptions declare, of names or of expressions, commuting pairs,
and its ``hypotheses``;
conclusions: its ``conclusions`` or its ``statement``) and a list of chains. Entries are added to one
``Context`` in catalogue order, so a proof can cite only entries accepted before it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from derive.catalogue import Catalogue, Entry
from derive.core import kernel as K
from derive.core.facts import PROPERTIES, SideCondition
from derive.core.shapes import Scope, SymbolType
from derive.errors import DeriveError
from derive.expr import Has, Mul, Relation, Sym
from derive.frontend import (
    Env,
    Typed,
    build_env,
    parse,
    parse_assumptions,
    typecheck,
    typecheck_compared,
)

KINDS = {"matrix", "vector", "scalar", "real", "complex"}
PROPERTY_WORDS = {
    "positive definite": "positive_definite",
    "positive semidefinite": "positive_semidefinite",
}


@dataclass
class StepReport:
    expr: str
    by: str | None
    rel: str
    status: str  # checked | prose | failed | start
    message: str = ""
    prose: str | None = None
    typed: object = None
    conditions: tuple[SideCondition, ...] = ()


@dataclass
class ChainReport:
    name: str
    steps: list[StepReport] = field(default_factory=list)
    suppose: str | None = None  # the supposition of a proof by contradiction, as LaTeX
    form: str = "calc"
    fix: str = ""
    hypothesis: str | None = None  # the chain's own hypothesis (induction, null space), as LaTeX
    contradicts: str = ""  # the earlier fact that a proof by contradiction rules out
    suppose_typed: object = None
    hypothesis_typed: object = None


@dataclass
class EntryReport:
    entry: Entry
    chains: list[ChainReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    env: Env | None = None
    statement: Typed | None = None
    leans_on: set[str] = field(default_factory=set)  # cited entries whose proofs are partly prose
    hypotheses: list = field(default_factory=list)  # (label, typed Has | Relation)
    conclusions: list = field(default_factory=list)  # typed Has | Relation
    uses: set[str] = field(default_factory=set)

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


# ---------------------------------------------------------------- reading an entry


def split_property(text: str) -> tuple[str, str] | None:
    """``A^T invertible`` -> (``A^T``, ``invertible``); None for a relation.

    >>> split_property("A^{-1} positive definite"), split_property("A = B")
    (('A^{-1}', 'positive_definite'), None)
    """
    t = text.strip()
    for words, prop in PROPERTY_WORDS.items():
        if t.endswith(" " + words):
            return t[: -len(words)].strip(), prop
    head, _, last = t.rpartition(" ")
    if head and last in PROPERTIES:
        return head.strip(), last
    return None


def entry_texts(entry: Entry) -> dict[str, tuple[str, bool]]:
    """Every formula an entry writes, by key, with whether it is a relation."""
    texts: dict[str, tuple[str, bool]] = {}

    def prop(key: str, text: str):
        split = split_property(text)
        texts[key] = (split[0], False) if split else (text, True)

    for i, c in enumerate(entry.conclusion_texts()):
        prop(f"concl:{i}", c)
    for i, h in enumerate(entry.hypotheses, start=1):
        prop(f"hyp:{i}", h)
    for ci, chain in enumerate(entry.chains):
        for si, step in enumerate(chain.steps):
            texts[f"{ci}.{si}"] = (step.expr, False)
        for key in ("cancel", "divisor", "witness"):
            if getattr(chain, key, None):
                texts[f"{ci}.{key}"] = (getattr(chain, key), False)
        for key in ("result", "suppose", "hypothesis", "have", "definition"):
            if getattr(chain, key, None):
                prop(f"{ci}.{key}", getattr(chain, key))
    return texts


def entry_env(entry: Entry) -> tuple[Env, dict[str, Typed]]:
    """The typing environment of an entry, from its clauses and every text it writes."""
    texts = entry_texts(entry)
    key = _text_key(entry.assume, texts)
    cache = _parse_cache()
    if key in cache:
        return cache[key]
    assumptions = parse_assumptions(entry.assume)
    parsed = {k: parse(t, relation=rel) for k, (t, rel) in texts.items()}
    env = build_env(assumptions, list(parsed.values()))
    typed = {k: _typed_in_chain(k, p, parsed, env) for k, p in parsed.items()}
    cache[key] = (env, typed)
    _PARSE_CACHE_DIRTY.append(key)
    return env, typed


# Reading the catalogue is most of the time of a cold `derive show`: what the front end made of an
# entry's texts is kept in the user's cache folder, keyed by the texts and by the source of the
# front end, the grammar and the term classes (any change to them reads everything again). Only
# the reading is kept: every proof is checked by the kernel each time.
_PARSE_CACHE: dict = {}
_PARSE_CACHE_DIRTY: list = []


def _text_key(assume: str, texts: dict) -> str:
    import hashlib

    h = hashlib.sha256(assume.encode())
    for k, (t, rel) in sorted(texts.items()):
        h.update(f"\0{k}\0{t}\0{rel}".encode())
    return h.hexdigest()


def _reader_version() -> str:
    """A hash of the source that reads the catalogue, taken when this module is imported: the
    code that runs, not a newer copy on disk."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).parent
    h = hashlib.sha256()
    for part in ("grammar.lark", "frontend.py", "verify.py", "core/terms.py", "core/shapes.py"):
        h.update((here / part).read_bytes())
    return h.hexdigest()[:24]


_READER_VERSION = _reader_version()


def _cache_file():
    from pathlib import Path

    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "derive"
    return root / f"read-{_READER_VERSION}.pickle"


def _parse_cache() -> dict:
    if not _PARSE_CACHE:
        import pickle

        try:
            _PARSE_CACHE.update(pickle.loads(_cache_file().read_bytes()))
        except (
            OSError,
            pickle.PickleError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
        ):
            pass
        _PARSE_CACHE.setdefault("#", None)
    return _PARSE_CACHE


def save_parse_cache() -> None:
    """Keep what was read for the next run (quietly skipped without a writable cache folder)."""
    import pickle

    if not _PARSE_CACHE_DIRTY:
        return
    path = _cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(_PARSE_CACHE, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
        _PARSE_CACHE_DIRTY.clear()
    except (OSError, pickle.PickleError, RecursionError):
        pass


def _typed_in_chain(key: str, p, parsed: dict, env: Env) -> Typed:
    """A step of a chain is typed beside the chain's first expression, so that a free size (of a
    lone \\mathbf{0} or I) is the size of what the chain is about."""
    ci, _, si = key.partition(".")
    first = parsed.get(f"{ci}.0")
    if si.isdigit() and si != "0" and first is not None:
        try:
            return typecheck_compared(first, p, env)[1]
        except DeriveError:
            pass
    return typecheck([p], env)[0]


def _proposition(entry: Entry, key: str, text: str, typed: dict):
    split = split_property(text)
    return Has(typed[key].expr, split[1]) if split else typed[key].expr


def core_scope(entry: Entry, env: Env) -> Scope:
    """The core's view of the symbols: kinds and shapes, and only the *declared* properties."""
    assumptions = parse_assumptions(entry.assume)
    out = []
    for name, t in env.symbols:
        declared = set(assumptions.props_of(name)) - {"matrix", "vector", "scalar"}
        if t.kind == "scalar" and "invertible" in declared:
            declared = (declared - {"invertible"}) | {"nonzero"}
        kind_props = {"complex"} if t.complex else {"real"}
        out.append(
            (name, SymbolType(t.kind, t.rows, t.cols, frozenset(declared - KINDS) | kind_props))
        )
    return Scope(tuple(out), env.dims)


def statement_of(entry: Entry, env: Env, typed: dict) -> K.Statement:
    assumptions = parse_assumptions(entry.assume)
    hyps: list = []
    for name, props in assumptions.props:
        for p in sorted(set(props) - KINDS):
            if env.get(name) is not None:
                p = "nonzero" if p == "invertible" and env[name].kind == "scalar" else p
                hyps.append((f"{name} {p}", Has(Sym(name), p)))
    for group in assumptions.commuting:
        names = sorted(group)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                hyps.append(
                    (
                        f"{a}, {b} commute",
                        Relation("=", Mul((Sym(a), Sym(b))), Mul((Sym(b), Sym(a)))),
                    )
                )
    for src, expr, prop in env.facts:  # a clause about an expression: I + AB invertible
        hyps.append((f"{src} {prop}", Has(expr, prop)))
    for i, h in enumerate(entry.hypotheses, start=1):
        hyps.append((f"hyp:{i}", _proposition(entry, f"hyp:{i}", h, typed)))
    concl = tuple(
        _proposition(entry, f"concl:{i}", c, typed) for i, c in enumerate(entry.conclusion_texts())
    )
    return K.Statement(entry.id, core_scope(entry, env), tuple(hyps), concl)


def chains_of(entry: Entry, typed: dict) -> list[K.Chain]:
    out = []
    for ci, c in enumerate(entry.chains):

        def t(key, ci=ci):
            return typed[f"{ci}.{key}"].expr if f"{ci}.{key}" in typed else None

        def p(key, ci=ci, c=c):
            text = getattr(c, key, None)
            return _proposition(entry, f"{ci}.{key}", text, typed) if text else None

        steps = tuple(K.Step(typed[f"{ci}.{si}"].expr, s.by, s.rel) for si, s in enumerate(c.steps))
        form = c.form()
        result = {"have": p("have"), "definition": p("definition")}.get(form) or p("result")
        source = c.nullspace if form == "nullspace" else c.source or ""
        out.append(
            K.Chain(
                form,
                c.name,
                steps,
                result,
                source,
                t("cancel") or t("divisor"),
                p("suppose"),
                c.contradicts or "",
                c.fix or "",
                p("hypothesis"),
                t("witness"),
            )
        )
    return out


# ---------------------------------------------------------------- the catalogue in one context


def catalogue_context(cat: Catalogue) -> dict[str, EntryReport]:
    """Every entry checked in catalogue order against one context (cached on the catalogue)."""
    cache = cat.__dict__.get("_reports")
    if cache is None:
        cache = cat.__dict__["_reports"] = {}
        cat.__dict__["_context"] = K.Context()
        for e in cat.ordered():
            cache[e.id] = _verify(e, cat.__dict__["_context"])
        save_parse_cache()
        _save_uses({i: sorted(r.uses) for i, r in cache.items()})
    return cache


def context_of(cat: Catalogue) -> K.Context:
    catalogue_context(cat)
    return cat.__dict__["_context"]


def verify_entry(entry: Entry, cat: Catalogue) -> EntryReport:
    """The report of one entry, checked in the context of the entries before it.

    Without the whole catalogue checked already, it first tries a smaller context: the earlier
    entries that the last full run found it to use (and theirs), each checked by the kernel now.
    A proof checked in part of the context holds in all of it; if it fails there, the whole
    catalogue is checked and the entry with it, so the answer never depends on the hint.
    """
    if "_reports" not in cat.__dict__ and cat.entries.get(entry.id) is entry:
        needed = _needed(entry.id, _load_uses())
        if needed is not None:
            ctx = K.Context()
            earlier = [e for e in cat.ordered() if e.id in needed]
            if all(_verify(e, ctx).status != "failed" for e in earlier):
                report = _verify(entry, ctx)
                if report.status == "checked":
                    save_parse_cache()
                    return report
    reports = catalogue_context(cat)
    if entry.id in reports and cat.entries.get(entry.id) is entry:
        return reports[entry.id]
    ctx = K.Context()
    for e in cat.ordered():
        if e.id == entry.id:
            break
        if reports[e.id].status != "failed":
            _verify(e, ctx)
    return _verify(entry, ctx)


def _uses_file():
    from pathlib import Path

    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "derive"
    return root / f"uses-{_READER_VERSION}.json"


def _load_uses() -> dict:
    import json

    try:
        return json.loads(_uses_file().read_text())
    except (OSError, ValueError):
        return {}


def _save_uses(uses: dict) -> None:
    import json

    try:
        _uses_file().parent.mkdir(parents=True, exist_ok=True)
        _uses_file().write_text(json.dumps(uses))
    except OSError:
        pass


def _needed(entry_id: str, uses: dict) -> set[str] | None:
    """The entries ``entry_id`` used in the last full run, and theirs; None if it is not known."""
    if entry_id not in uses:
        return None
    out, todo = set(), list(uses[entry_id])
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo += uses.get(name, [])
    return out


def verify_all(cat: Catalogue, ids: list[str] | None = None) -> list[EntryReport]:
    reports = catalogue_context(cat)
    return [reports[i] for i in ids] if ids else [reports[e.id] for e in cat.ordered()]


def _verify(entry: Entry, ctx: K.Context) -> EntryReport:
    """Check an entry; never raises for a bad proof, reports it."""
    from derive.render import latex

    report = EntryReport(entry)
    try:
        env, typed = entry_env(entry)
        statement = statement_of(entry, env, typed)
        chains = chains_of(entry, typed)
    except DeriveError as exc:
        report.errors.append(f"{entry.id}: a formula does not read: {exc}")
        return report
    vectors = {n for n, t in env.symbols if t.kind == "vector"}
    report.env = env
    texts = entry.conclusion_texts()
    headline = (
        texts.index(entry.statement)
        if entry.statement in texts
        else next((i for i, c in enumerate(statement.conclusions) if isinstance(c, Relation)), 0)
    )
    report.statement = typed.get(f"concl:{headline}")
    report.hypotheses = list(statement.hypotheses)
    report.conclusions = list(statement.conclusions)
    if not entry.chains:
        return report
    try:
        result = ctx.add(statement, chains)
    except K.KernelError as exc:
        report.errors.append(f"{entry.id}: {exc}")
        return report
    report.uses, report.leans_on = set(result.uses), set(result.leans_on)
    for ci, (spec, cr) in enumerate(zip(entry.chains, result.chains, strict=False)):
        report.chains.append(_chain_report(entry, ci, spec, cr, typed, vectors, latex))
    import re

    steps = [
        s.message
        for c in report.chains
        for s in c.steps
        if s.status == "failed" and s.message and c.form == "calc"
    ]
    report.errors += steps
    for msg in result.errors:
        if not (steps and re.match(r"chain \d+[^:]*: step \d+ \(", msg)):
            report.errors.append(f"{entry.id}, {msg}")
    return report


def _chain_report(entry, ci, spec, cr, typed, vectors, latex) -> ChainReport:
    out = ChainReport(
        spec.name, form=spec.form(), fix=spec.fix or "", contradicts=spec.contradicts or ""
    )
    if spec.suppose:
        out.suppose_typed = typed[f"{ci}.suppose"].expr
        out.suppose = latex(out.suppose_typed, vectors)
    if spec.hypothesis:
        out.hypothesis_typed = typed[f"{ci}.hypothesis"].expr
        out.hypothesis = latex(out.hypothesis_typed, vectors)
    if out.form != "calc":
        res = cr.chain.result
        from derive.render import proposition_latex

        shown = proposition_latex(res, vectors)
        r = cr.steps[0] if cr.steps else None
        failed = r is None or not r.ok
        out.steps.append(
            StepReport(
                shown,
                out.form,
                "hence",
                "failed" if failed else "checked",
                "" if not failed else _failure(entry, ci, None),
                typed=res,
                conditions=r.conditions if r else (),
            )
        )
        return out
    first = typed[f"{ci}.0"].expr
    out.steps.append(StepReport(latex(first, vectors), None, "=", "start", typed=first))
    for si, step in enumerate(spec.steps[1:], start=1):
        cur = typed[f"{ci}.{si}"].expr
        shown = latex(cur, vectors)
        r = cr.steps[si - 1] if si - 1 < len(cr.steps) else None
        if step.by is None:
            status, msg = "prose", "not machine-checked"
        elif r is None:
            status, msg = "failed", "not checked: an earlier step of this chain failed"
        else:
            status = "checked" if r.ok else "failed"
            where = f", chain '{spec.name}'" if spec.name else ""
            msg = (
                ""
                if r.ok
                else (
                    f"{entry.id}{where}, step {si} ({entry.proof_file}:{step.line}):"
                    f" rule '{step.by}': {r.message}"
                )
            )
        out.steps.append(
            StepReport(
                shown,
                step.by,
                step.rel,
                status,
                msg,
                step.prose,
                typed=cur,
                conditions=r.conditions if r is not None else (),
            )
        )
    if spec.suppose and cr.fact is not None:  # the supposition fails: its negation is proved
        out.steps.append(
            StepReport(latex(cr.fact, vectors), "contradiction", "hence", "checked", typed=cr.fact)
        )
    return out


def _failure(entry, ci, msg) -> str:
    return f"{entry.id}, chain {ci + 1}: " + (msg or "the inference does not follow")


# ---------------------------------------------------------------- one step, for tests and tools


def check_one_step(
    prev: str, nxt: str, rule: str, assume: str = "", rel: str = "=", cat: Catalogue | None = None
) -> K.StepResult:
    """Whether ``prev rel nxt`` follows by ``rule`` under the clauses (in the context of the
    catalogue ``cat``, or of no theorem at all)."""
    entry = Entry(id="step", title="step", statement=f"{prev} = {prev}", section="", assume=assume)
    parsed = [parse(prev), parse(nxt)]
    env = build_env(parse_assumptions(assume), parsed)
    a, b = (typecheck([p], env)[0] for p in parsed)
    statement = statement_of(
        entry, env, {"concl:0": Typed(Relation("=", a.expr, a.expr), None, prev)}
    )
    context = context_of(cat) if cat is not None else K.Context()
    checker = K.Checker(context, statement)
    chain = K.Chain("calc", steps=(K.Step(a.expr, None), K.Step(b.expr, rule, rel)))
    return checker.check_step(a.expr, chain.steps[1], chain, "")


def same_terms(a: str, b: str, assume: str = "") -> bool:
    """Whether two formulas are the same up to arithmetic, for the kernel."""
    parsed = [parse(a), parse(b)]
    env = build_env(parse_assumptions(assume), parsed)
    x, y = (typecheck([p], env)[0] for p in parsed)
    entry = Entry(id="same", title="same", statement="0 = 0", section="", assume=assume)
    st = K.Statement(
        "same",
        core_scope(entry, env),
        statement_of(
            entry, env, {"concl:0": Typed(Relation("=", x.expr, x.expr), None, a)}
        ).hypotheses,
        (),
    )
    return K.Checker(K.Context(), st).same(x.expr, y.expr)
