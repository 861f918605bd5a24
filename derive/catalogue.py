"""The catalogue: identities (``identities/*.toml``) and their proofs (``proofs/*.toml``).

Loading validates like a plugin registry: a duplicate id, a rule nobody defined, a citation of an entry
that comes later, or a statement that does not parse fails at load, naming the file and the line.
Authors add their own folders (``--catalogue DIR`` or ``DERIVE_CATALOGUE``), each with an
``identities/`` and a ``proofs/`` folder, or TOML files holding both tables.

An identity file holds ``[[section]]`` tables (id, title, order, summary) and ``[[entry]]`` tables::

    [[entry]]
    id = 'transpose-inverse'
    title = 'The transpose of the inverse is the inverse of the transpose'
    section = 'inverse-transpose'
    statement = '(A^{-1})^T = (A^T)^{-1}'
    assume = 'A invertible'
    tags = ['inverse', 'transpose']
    references = { mathlib = 'Matrix.transpose_nonsing_inv', cookbook = '(5)' }
    exercise = 'Is the transpose of the inverse the inverse of the transpose?'
    answer = 'Yes, for every invertible A.'

A proof file holds ``[[proof]]`` tables: ``id`` and ``steps``, a list of ``{ expr, by, rel, prose }``
(the first step has no ``by``), or ``chains`` for proofs with several facts (see the README).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from derive.errors import CatalogueError, DeriveError


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    order: int
    summary: str = ""


@dataclass(frozen=True)
class Step:
    expr: str
    by: str | None = None  # a base rule, an earlier entry, hyp:K, fact:NAME; None for prose
    rel: str = "="
    prose: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Chain:
    steps: tuple[Step, ...]
    name: str = ""
    cancel: str | None = None  # the inference "cancel a nonzero scalar factor"
    source: str | None = None  # the fact(s) it starts from (cancel, divide, definition, induction)
    result: str | None = None
    suppose: str | None = None  # proof by contradiction: the supposition (an equation) ...
    contradicts: str | None = None  # ... and the earlier fact that the chain contradicts
    have: str | None = None  # a property discharged by the fact prover
    definition: str | None = None  # a property concluded from its definition ...
    witness: str | None = None  # ... (invertible: the inverse)
    divisor: str | None = None  # divide an inequality by a positive quantity
    induction: str | None = None  # the variable of an induction (source = 'base, step')
    fix: str | None = None  # an arbitrary nonzero vector, or the induction variable of a step
    hypothesis: str | None = None  # the hypothesis of a step (induction, null-space inclusion)
    nullspace: str | None = None  # rank(Z) ≤ rank(Y) from the chain that shows Yv = 0 ⇒ Zv = 0

    def form(self) -> str:
        for f in ("have", "definition", "induction", "cancel", "nullspace"):
            if getattr(self, f):
                return f
        return "divide" if self.divisor else "calc"


CHAIN_KEYS = {
    "steps",
    "name",
    "cancel",
    "from",
    "result",
    "suppose",
    "contradicts",
    "have",
    "definition",
    "witness",
    "divisor",
    "induction",
    "fix",
    "hypothesis",
    "nullspace",
}


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    statement: str
    section: str
    assume: str = ""
    hypotheses: tuple[str, ...] = ()
    conclusions: tuple[str, ...] = ()  # relations or properties; () means (statement,)
    tags: tuple[str, ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    exercise: str = ""
    answer: str = ""
    explanation: str = ""
    example: bool = True
    example_values: tuple[tuple[str, str], ...] = ()  # worked numbers chosen by the author
    chains: tuple[Chain, ...] = ()
    file: str = ""
    line: int = 0
    proof_file: str = ""

    def conclusion_texts(self) -> tuple[str, ...]:
        return self.conclusions or (self.statement,)


@dataclass
class Catalogue:
    sections: dict[str, Section] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)  # in order: earlier first

    def ordered(self) -> list[Entry]:
        order = {s.id: (s.order, i) for i, s in enumerate(self.sections.values())}
        return sorted(
            self.entries.values(),
            key=lambda e: (order.get(e.section, (999, 0)), list(self.entries).index(e.id)),
        )


def _line_of(text: str, needle: str, start_line: int = 0) -> int:
    for i, line in enumerate(text.splitlines()[start_line:], start=start_line + 1):
        if needle in line:
            return i
    return start_line or 1


# ---------------------------------------------------------------- validation of types and lines

STR, STRS, BOOL, TABLE_OF_STR, TABLES = (
    "a string",
    "a list of strings",
    "true or false",
    "a table of strings (name = 'value')",
    "a list of tables",
)
ENTRY_TYPES = {
    "id": STR,
    "title": STR,
    "statement": STR,
    "section": STR,
    "assume": STR,
    "hypotheses": STRS,
    "tags": STRS,
    "references": TABLE_OF_STR,
    "exercise": STR,
    "answer": STR,
    "explanation": STR,
    "example": BOOL,
    "example_values": TABLE_OF_STR,
    "conclusions": STRS,
}
SECTION_TYPES = {"id": STR, "title": STR, "order": "an integer", "summary": STR}
PROOF_TYPES = {"id": STR, "steps": TABLES, "chains": TABLES}
CHAIN_TYPES = {
    "name": STR,
    "steps": TABLES,
    "cancel": STR,
    "from": STR,
    "result": STR,
    "suppose": STR,
    "contradicts": STR,
    "have": STR,
    "definition": STR,
    "witness": STR,
    "divisor": STR,
    "induction": STR,
    "fix": STR,
    "hypothesis": STR,
    "nullspace": STR,
}
FORMS_WITHOUT_STEPS = ("cancel", "have", "definition", "divisor", "induction", "nullspace")
STEP_TYPES = {"expr": STR, "by": STR, "rel": STR, "prose": STR}


def _is(value, expected: str) -> bool:
    if expected == STR:
        return isinstance(value, str)
    if expected == STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == BOOL:
        return isinstance(value, bool)
    if expected == TABLE_OF_STR:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if expected == TABLES:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if expected == "an integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return True


def _toml_type(value) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _id_line(text: str, ident: str, fallback: str) -> int:
    """The line of ``id = 'IDENT'`` (not of a citation ``by = 'IDENT'`` before it)."""
    import re

    m = re.search(rf"(^|[\s{{,])id\s*=\s*(['\"]){re.escape(ident)}\2", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else _line_of(text, fallback)


def _key_line(text: str, key: str, start_line: int) -> int:
    """The line of ``key = ...`` at or after ``start_line`` (1-based), else ``start_line``."""
    import re

    pattern = re.compile(rf"(^|[\s{{,]){re.escape(key)}\s*=")
    for i, line in enumerate(text.splitlines()[max(start_line - 1, 0) :], start=max(start_line, 1)):
        if pattern.search(line):
            return i
    return max(start_line, 1)


def _check_types(raw: dict, types: dict, what: str, path: Path, text: str, line: int) -> None:
    """Refuse a value of the wrong TOML type, naming the file, the line and the expected type."""
    for key, expected in types.items():
        if key in raw and not _is(raw[key], expected):
            at = _key_line(text, key, line)
            raise CatalogueError(
                f"{path}:{at}: '{key}' of {what} must be {expected}, not "
                f"{_toml_type(raw[key])} ({raw[key]!r:.40})"
            )


def _check_proof(raw: dict, path: Path, text: str, line: int) -> None:
    """The types of a proof, its chains and their steps; a chain of no steps is refused."""
    what = f"the proof of '{raw.get('id')}'"
    _check_types(raw, PROOF_TYPES, what, path, text, line)
    chains = raw.get("chains")
    specs = chains if chains is not None else [{"steps": raw.get("steps", [])}]
    if chains is not None and not chains:
        raise CatalogueError(f"{path}:{_key_line(text, 'chains', line)}: {what} has no chains")
    for spec in specs:
        _check_types(spec, CHAIN_TYPES, what, path, text, line)
        if not any(k in spec for k in FORMS_WITHOUT_STEPS) and not spec.get("steps"):
            raise CatalogueError(
                f"{path}:{_key_line(text, 'steps', line)}: {what} needs at least "
                "one step (steps = [{ expr = '...' }, ...])"
            )
        for step in spec.get("steps", []):
            line = _key_line(text, "expr", line)  # this step's line: the steps come in order
            _check_types(step, STEP_TYPES, f"a step of {what}", path, text, line)
            line += 1


def _step_lines(text: str, exprs: list[str], start_line: int) -> list[int]:
    """The line of each step, found in order: a step whose text repeats an earlier one is the
    occurrence after that earlier step, not the first one in the file."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(x) for x in lines[: max(start_line, 0)])
    out = []
    last = start_line or 1
    for expr in exprs:
        at = text.find(expr[:40], offset)
        if at < 0:  # written with escapes that differ from its value: the line after the last
            out.append(last)
            continue
        last = text.count("\n", 0, at) + 1
        out.append(last)
        offset = at + max(len(expr[:40]), 1)
    return out


def _read_toml(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path}: {exc}") from None


def builtin_folders() -> tuple[Path, Path]:
    """The built-in catalogue's identities/ and proofs/ folders, found through the package.

    Installed, they are the package data ``derive.identities`` and ``derive.proofs``; in a source
    checkout (not installed) they are the repository's ``identities/`` and ``proofs/``. No other
    folder is read, so a stray TOML file beside the package is never taken for an entry.
    """
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "identities").is_dir():
        # a source checkout: its own folders, even when another checkout is installed (editable)
        return root / "identities", root / "proofs"
    try:
        return (
            Path(str(resources.files("derive.identities"))),
            Path(str(resources.files("derive.proofs"))),
        )
    except ModuleNotFoundError:
        root = Path(__file__).resolve().parent.parent
        if (root / "pyproject.toml").is_file() and (root / "identities").is_dir():
            return root / "identities", root / "proofs"
        raise CatalogueError("the built-in catalogue is missing: reinstall derive") from None


def catalogue_dirs(extra: list[str] | None = None) -> list[Path]:
    """The author folders, in order (``--catalogue DIR`` first, then ``DERIVE_CATALOGUE``)."""
    dirs = []
    env = os.environ.get("DERIVE_CATALOGUE", "")
    for d in [*(extra or []), *[x for x in env.split(os.pathsep) if x]]:
        p = Path(d)
        if not p.is_dir():
            raise CatalogueError(f"{d}: the catalogue folder does not exist")
        dirs.append(p)
    return dirs


def _files(d: Path, sub: str) -> list[Path]:
    folder = d / sub
    out = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if sub == "identities":
        out += sorted(p for p in d.glob("*.toml") if p.name != "pyproject.toml")
    return out


def load(extra: list[str] | None = None) -> Catalogue:
    """Load and validate the catalogue (built-in first, then author folders)."""
    return _load(tuple(extra or ()), os.environ.get("DERIVE_CATALOGUE", ""))


@cache
def _load(extra: tuple[str, ...], _env: str) -> Catalogue:
    cat = Catalogue()
    proofs: dict[str, tuple[dict, Path, str]] = {}
    identities, proof_folder = builtin_folders()
    sources = [(sorted(identities.glob("*.toml")), sorted(proof_folder.glob("*.toml")))]
    sources += [(_files(d, "identities"), _files(d, "proofs")) for d in catalogue_dirs(list(extra))]
    for identity_files, proof_files in sources:
        for path in identity_files:
            data, text = _read_toml(path)
            for sec in _tables(data, "section", path):
                _check_types(
                    sec, SECTION_TYPES, "a section", path, text, _line_of(text, "[[section]]")
                )
                sid = sec.get("id")
                if not sid:
                    raise CatalogueError(
                        f"{path}:{_line_of(text, '[[section]]')}: a section needs an id"
                    )
                cat.sections[sid] = Section(
                    sid, sec.get("title", sid), int(sec.get("order", 99)), sec.get("summary", "")
                )
            for raw in _tables(data, "entry", path):
                _add_entry(cat, raw, path, text)
            for raw in _tables(data, "proof", path):
                _add_proof(proofs, raw, path, text)
        for path in proof_files:
            data, text = _read_toml(path)
            for raw in _tables(data, "proof", path):
                _add_proof(proofs, raw, path, text)
    for pid, (raw, path, text) in proofs.items():
        if pid not in cat.entries:
            raise CatalogueError(
                f"{path}:{_line_of(text, pid)}: a proof of '{pid}', which no identity file states"
            )
        entry = cat.entries[pid]
        chains = _chains(raw, path, text)
        cat.entries[pid] = Entry(**{**entry.__dict__, "chains": chains, "proof_file": str(path)})
    _validate(cat)
    return cat


def _tables(data: dict, key: str, path: Path) -> list[dict]:
    """``[[key]]`` tables; anything else under that name is refused."""
    value = data.get(key, [])
    if not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
        raise CatalogueError(
            f"{path}: '{key}' must be a list of tables ([[{key}]]), not {_toml_type(value)}"
        )
    return value


def _add_entry(cat: Catalogue, raw: dict, path: Path, text: str) -> None:
    eid = raw.get("id", "")
    line = (
        _id_line(text, eid, f"'{eid}'")
        if eid and isinstance(eid, str)
        else _line_of(text, "[[entry]]")
    )
    where = f"{path}:{line}"
    _check_types(raw, ENTRY_TYPES, f"entry '{eid}'", path, text, line)
    if not eid or not isinstance(eid, str):
        raise CatalogueError(f"{where}: an entry needs an id")
    if eid in cat.entries:
        first = cat.entries[eid]
        raise CatalogueError(f"{where}: duplicate id '{eid}' (first at {first.file}:{first.line})")
    if raw.get("conclusions") and not raw.get("statement"):
        raw = {**raw, "statement": ", ".join(raw["conclusions"])}
    for key in ("title", "statement", "section"):
        if not raw.get(key):
            raise CatalogueError(f"{where}: entry '{eid}' needs a {key}")
    cat.entries[eid] = Entry(
        id=eid,
        title=raw["title"],
        statement=raw["statement"],
        section=raw["section"],
        assume=raw.get("assume", ""),
        hypotheses=tuple(raw.get("hypotheses", ())),
        conclusions=tuple(raw.get("conclusions", ())),
        tags=tuple(raw.get("tags", ())),
        references=tuple(sorted((str(k), str(v)) for k, v in raw.get("references", {}).items())),
        exercise=raw.get("exercise", ""),
        answer=raw.get("answer", ""),
        explanation=raw.get("explanation", ""),
        example=bool(raw.get("example", True)),
        example_values=tuple((str(k), str(v)) for k, v in raw.get("example_values", {}).items()),
        file=str(path),
        line=line,
    )


def _add_proof(proofs: dict, raw: dict, path: Path, text: str) -> None:
    pid = raw.get("id", "")
    if not pid or not isinstance(pid, str):
        raise CatalogueError(
            f"{path}:{_line_of(text, '[[proof]]')}: a proof needs an id (a string)"
        )
    _check_proof(raw, path, text, _id_line(text, pid, f"'{pid}'"))
    if pid in proofs:
        raise CatalogueError(f"{path}:{_line_of(text, pid)}: a second proof of '{pid}'")
    proofs[pid] = (raw, path, text)


def _chains(raw: dict, path: Path, text: str) -> tuple[Chain, ...]:
    start = _id_line(text, raw["id"], f"'{raw['id']}'") - 1
    specs = raw.get("chains") or [{"steps": raw.get("steps", [])}]
    chains = []
    for spec in specs:
        steps = []
        raw_steps = spec.get("steps", [])
        for s in raw_steps:
            if not isinstance(s, dict) or "expr" not in s:
                raise CatalogueError(
                    f"{path}:{start + 1}: every step of '{raw['id']}' needs an expr"
                )
        lines = _step_lines(text, [s["expr"] for s in raw_steps], start)
        start = max([start, *(n - 1 for n in lines)])  # the next chain starts after this one
        for s, line in zip(raw_steps, lines, strict=True):
            steps.append(Step(s["expr"], s.get("by"), s.get("rel", "="), s.get("prose"), line))
        unknown = set(spec) - CHAIN_KEYS
        if unknown:
            raise CatalogueError(
                f"{path}:{start + 1}: a chain of '{raw['id']}' has unknown keys "
                f"{', '.join(sorted(unknown))} (known: {', '.join(sorted(CHAIN_KEYS))})"
            )
        chains.append(
            Chain(
                tuple(steps),
                spec.get("name", ""),
                spec.get("cancel"),
                spec.get("from"),
                spec.get("result"),
                spec.get("suppose"),
                spec.get("contradicts"),
                spec.get("have"),
                spec.get("definition"),
                spec.get("witness"),
                spec.get("divisor"),
                spec.get("induction"),
                spec.get("fix"),
                spec.get("hypothesis"),
                spec.get("nullspace"),
            )
        )
    return tuple(chains)


def _validate(cat: Catalogue) -> None:
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES
    from derive.frontend import parse, parse_assumptions
    from derive.verify import split_property

    known = set(BASE_RULES) | set(RELATIONAL_RULES) | {"ih"}
    order = list(cat.entries)
    marker = _parse_marker(cat)
    for entry in cat.entries.values():
        where = f"{entry.file}:{entry.line}"
        try:
            if marker is None or not marker.exists():
                for text in (*entry.conclusion_texts(), *entry.hypotheses):
                    split = split_property(text)
                    parse(split[0] if split else text, relation=split is None)
            parse_assumptions(entry.assume)
        except DeriveError as exc:
            raise CatalogueError(
                f"{where}: the statement of '{entry.id}' does not parse: {exc}"
            ) from None
        names = {c.name for c in entry.chains if c.name}
        for chain in entry.chains:
            if chain.contradicts and chain.contradicts not in names:
                raise CatalogueError(
                    f"{entry.proof_file}: '{entry.id}' contradicts an unknown "
                    f"fact '{chain.contradicts}'"
                )
            for step in chain.steps:
                by = step.by
                if by == "supposition" and not chain.suppose:
                    raise CatalogueError(
                        f"{entry.proof_file}:{step.line}: '{entry.id}' cites the "
                        "supposition in a chain that supposes nothing"
                    )
                if (
                    by is None
                    or by in known
                    or by.startswith("hyp:")
                    or by.startswith("fact:")
                    or by == "supposition"
                    or " " in by
                ):
                    if by and by.startswith("fact:") and by[5:] not in names:
                        raise CatalogueError(
                            f"{entry.proof_file}:{step.line}: '{entry.id}' cites "
                            f"an unknown fact '{by[5:]}'"
                        )
                    continue
                if by not in cat.entries:
                    raise CatalogueError(
                        f"{entry.proof_file}:{step.line}: '{entry.id}' cites an unknown rule '{by}'"
                    )
                if order.index(by) >= order.index(entry.id):
                    raise CatalogueError(
                        f"{entry.proof_file}:{step.line}: '{entry.id}' cites "
                        f"'{by}', which comes later in the catalogue (no cycles)"
                    )
    _remember_parsed(marker)


def _parse_marker(cat: Catalogue) -> Path | None:
    """A file whose existence says that these very statements were parsed by this very parser.

    The name is a hash of the statements, the grammar and the front end's source, so any change
    to either side parses everything again; without a writable cache folder, nothing is cached.
    """
    import hashlib

    here = Path(__file__).parent
    h = hashlib.sha256()
    for part in (here / "grammar.lark", here / "frontend.py"):
        h.update(part.read_bytes())
    for e in cat.entries.values():
        h.update("\0".join((e.statement, *e.conclusions, *e.hypotheses)).encode())
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "derive"
    return root / f"parsed-{h.hexdigest()[:32]}"


def _remember_parsed(marker: Path | None) -> None:
    if marker is None or marker.exists():
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass


def suggestions(cat: Catalogue, wrong: str) -> list[str]:
    import difflib

    return difflib.get_close_matches(wrong, list(cat.entries), n=3, cutoff=0.4)
