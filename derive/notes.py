"""Course notes from the catalogue: one LaTeX document (and its PDF), Markdown pages, notebooks.

Every derivation in the notes is the one the kernel re-checks (``derive.verify``), so a fix to an
entry fixes the notes. Worked numbers come from the instance generator the checker uses
(``derive.randomized.Sampler``), seeded by a stable hash of the entry id.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from derive.render import (
    _label,
    _prose_tex,
    _statement_tex,
    _tex_text,
    latex,
    latex_link,
    proof_rows,
    walkthrough_markdown,
)

TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended latexmk"


class NoTeX(RuntimeError):
    """No TeX installation (pdflatex) on this machine."""


# ---------------------------------------------------------------- selection


def select(cat, tags=(), sections=()) -> list:
    """The entries of the notes, in course order, filtered by tag and section (any of each)."""
    out = []
    for e in cat.ordered():
        if tags and not set(tags) & set(e.tags):
            continue
        if sections and e.section not in sections:
            continue
        out.append(e)
    return out


def ordered_sections(cat, entries) -> list:
    """(section, [reports]) in course order; entries of an unknown section go last."""
    from derive.catalogue import Section

    secs = sorted(cat.sections.values(), key=lambda s: (s.order, s.id))
    known = {s.id for s in secs}
    extra = sorted({e.section for e in entries} - known)
    secs += [Section(sid, sid.replace("-", " ").capitalize(), 999) for sid in extra]
    return [
        (s, [e for e in entries if e.section == s.id])
        for s in secs
        if any(e.section == s.id for e in entries)
    ]


# ---------------------------------------------------------------- worked numbers


@dataclass
class Example:
    """A worked instance: the symbols' values and both sides, as LaTeX."""

    values: list[tuple[str, str]]  # (symbol LaTeX, value LaTeX)
    lhs: tuple[str, str]  # (formula, value)
    rhs: tuple[str, str]


def stable_seed(entry_id: str) -> int:
    return int(hashlib.sha256(entry_id.encode()).hexdigest()[:12], 16)


def worked_example(report, n: int = 2, tries: int = 12) -> Example | None:
    """Small integer matrices (size ``n``) that satisfy the entry's assumptions, both sides
    evaluated exactly; None when the entry has no '=' statement, has hypotheses, or no instance
    has a value."""
    from derive.expr import Relation
    from derive.randomized import Arith, Sampler, Undefined, dims_of, evaluate, value_latex

    e = report.entry
    if not e.example or e.hypotheses or report.statement is None or report.env is None:
        return None
    stmt = report.statement.expr
    if not isinstance(stmt, Relation) or stmt.op != "=":
        return None
    env = report.env

    class IntegerSampler(Sampler):
        def entry(self, spread: int = 4):
            x = self.rng.randint(-3, 3)
            if self.complex:
                return self.a.K(x, self.rng.randint(-2, 2))
            return self.a.K(x, 0) if self.a.complex else self.a.K(x)

    try:
        arith = Arith(env.complex)
        sampler = IntegerSampler(arith, random.Random(stable_seed(e.id)))
        sizes = {d: n for d in dims_of(env, [stmt.lhs, stmt.rhs])}
        vectors = {m for m, t in env.symbols if t.kind == "vector"}
        for _ in range(tries):
            try:
                values = sampler.instance(env, sizes)
                lv = evaluate(stmt.lhs, values, sizes, arith)
                rv = evaluate(stmt.rhs, values, sizes, arith)
            except Undefined:
                continue
            if not (lv.exact and rv.exact) or not arith.equal(lv, rv):
                continue
            from derive.expr import Sym

            if not values:
                return None  # a statement about explicit numbers illustrates itself
            shown = [
                (latex(Sym(m), vectors), value_latex(values[m], arith.complex))
                for m in env.names()
                if m in values
            ]
            return Example(
                shown,
                (latex(stmt.lhs, vectors), value_latex(lv, arith.complex)),
                (latex(stmt.rhs, vectors), value_latex(rv, arith.complex)),
            )
    except Exception:  # an illustration is optional: never let it break the notes
        return None
    return None


def example_latex(ex: Example, display: str = "align*") -> str:
    rows = [
        "& " + ",\\quad ".join(f"{s} = {v}" for s, v in ex.values[i : i + 2])
        for i in range(0, len(ex.values), 2)
    ]
    rows += [f"& {ex.lhs[0]} = {ex.lhs[1]}", f"& {ex.rhs[0]} = {ex.rhs[1]}"]
    return f"\\begin{{{display}}}\n" + " \\\\\n".join(rows) + f"\n\\end{{{display}}}"


# ---------------------------------------------------------------- LaTeX

PREAMBLE = r"""\documentclass[11pt,titlepage]{article}
\usepackage[margin=2.3cm]{geometry}
\usepackage{amsmath,amssymb,amsthm}
\usepackage[hidelinks,bookmarksnumbered]{hyperref}
\newtheorem{theorem}{Theorem}[section]
\allowdisplaybreaks
\setlength{\emergencystretch}{3em}
\hfuzz=2pt
\title{%TITLE%}
\author{Generated by \texttt{derive notes}: every derivation checked by the proof kernel}
\date{\today}
\begin{document}
\maketitle
\tableofcontents
\clearpage
"""


def _title_tex(title: str) -> str:
    """A title, with words written in the notation (A^TA, x^Ty) set as math."""
    from derive.render import _greek

    def math(w: str) -> str:
        return "".join(_greek(c).strip("$") + " " if "\u0370" <= c <= "\u03ff" else c for c in w)

    return " ".join(
        f"${math(w)}$"
        if "^" in w and "$" not in w and re.fullmatch(r"[\w^{}()+-]+", w)
        else _tex_text(w)
        for w in title.split(" ")
    )


def _assume_tex(text: str, names: list[str]) -> str:
    """Assumptions with the symbol names set as math: 'A, B invertible' -> '$A$, $B$ invertible'."""
    for prop in ("positive_definite", "positive_semidefinite"):
        text = text.replace(prop, prop.replace("_", " "))
    if not names:
        return _tex_text(text)
    pat = re.compile(
        r"(?<![A-Za-z_])("
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?![A-Za-z_])"
    )
    parts, last = [], 0
    for m in pat.finditer(text):
        parts.append(_tex_text(text[last : m.start()]))
        name = m.group(1)
        base, _, sub = name.partition("_")
        parts.append(f"${base}" + (f"_{{{sub}}}" if sub else "") + "$")
        last = m.end()
    parts.append(_tex_text(text[last:]))
    return "".join(parts)


def _formula_tex(text: str, vectors) -> str:
    from derive.frontend import parse

    try:
        return latex(parse(text, relation=True).tree, vectors)
    except Exception:
        return r"\text{" + _tex_text(text) + "}"


def entry_latex(report, examples: bool = True) -> str:
    """One entry as a theorem with its proof, worked numbers, exercise and answer."""
    e = report.entry
    names = report.env.names() if report.env else []
    vectors = {n for n, t in report.env.symbols if t.kind == "vector"} if report.env else set()
    out = [rf"\begin{{theorem}}[{_title_tex(e.title)}]\label{{{_label(e.id)}}}"]
    if e.assume:
        out.append(rf"Assume {_assume_tex(e.assume, names)}.")
    for i, h in enumerate(e.hypotheses, start=1):
        out.append(rf"Hypothesis {i}: ${_formula_tex(h, vectors)}$.")
    out.append(rf"\[ {_statement_tex(report)} \]")
    out.append(r"\end{theorem}")
    meta = [rf"\texttt{{{_tex_text(e.id)}}}"]
    if e.tags:
        meta.append("tags: " + ", ".join(_tex_text(t) for t in e.tags))
    for k, v in e.references:
        meta.append(rf"{_tex_text(k)}: \nolinkurl{{{re.sub(r'[{}%#]', '', v)}}}")
    out.append(r"\noindent{\small " + "; ".join(meta) + r".}")
    if e.explanation:
        out.append(r"\par\smallskip\noindent " + _prose_tex(e.explanation))
    notes: list[str] = []
    chains = proof_rows(report, latex_link, notes)
    if chains:
        checked, total = report.counts()
        status = (
            "every step checked by the kernel"
            if checked == total
            else f"{checked} of {total} steps checked by the kernel"
        )
        out.append(r"\begin{proof}[Proof (" + status + ")]")
        for rows, chain in zip(chains, report.chains, strict=True):
            if chain.name:
                out.append(rf"\emph{{Fact {_tex_text(chain.name)}:}}")
            if chain.suppose:
                out.append(rf"Suppose ${chain.suppose}$; then")
            out.append(r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}")
        for k, note in enumerate(notes, start=1):
            out.append(rf"\par\noindent{{\small Note {k}: {_prose_tex(note)}}}")
        out.append(r"\end{proof}")
    else:
        out.append(r"\par\noindent\emph{No proof in the catalogue yet.}")
    if report.errors:
        out.append(r"\par\noindent\textbf{The kernel rejects this proof.}")
    if examples:
        ex = worked_example(report)
        if ex is not None:
            out.append(
                r"\par\medskip\noindent\textbf{Worked numbers.} "
                rf"(drawn with seed \texttt{{{stable_seed(e.id)}}})"
            )
            out.append(example_latex(ex))
    if e.exercise:
        out.append(rf"\par\medskip\noindent\textbf{{Exercise.}} {_prose_tex(e.exercise)}")
        if e.answer:
            out.append(rf"\par\noindent\textbf{{Answer.}} {_prose_tex(e.answer)}")
    return "\n".join(out) + "\n"


def _rules_latex(cited: set[str]) -> str:
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES

    out = [
        r"\section{Base rules}\label{sec:rules}",
        "The kernel's own rules, which the proofs cite by name.",
        r"\begin{description}",
    ]
    for name, fn in [*BASE_RULES.items(), *RELATIONAL_RULES.items()]:
        doc = (fn.__doc__ or "").strip().splitlines()
        out.append(
            rf"\item[\texttt{{{_tex_text(name)}}}]\label{{rule:{name}}} "
            + (_tex_text(doc[0]) if doc else "")
        )
    out.append(r"\end{description}")
    return "\n".join(out) + "\n"


def _index_latex(reports) -> str:
    out = [
        r"\clearpage",
        r"\section*{Index of identities}",
        r"\addcontentsline{toc}{section}{Index of identities}",
        r"\begin{description}",
    ]
    for r in sorted(reports, key=lambda r: r.entry.title.lower()):
        e = r.entry
        out.append(
            rf"\item[] \hyperref[{_label(e.id)}]{{{_title_tex(e.title)}}}, "
            rf"Theorem~\ref*{{{_label(e.id)}}}, p.~\pageref*{{{_label(e.id)}}}: "
            rf"${_small(_statement_tex(r))}$"
        )
    out.append(r"\end{description}")
    return "\n".join(out) + "\n"


def _small(tex: str) -> str:
    return tex.replace(r"\begin{bmatrix}", r"\left[\begin{smallmatrix}").replace(
        r"\end{bmatrix}", r"\end{smallmatrix}\right]"
    )


def reports_for(cat, tags=(), sections=()) -> list:
    from derive.verify import verify_entry

    return [verify_entry(e, cat) for e in select(cat, tags, sections)]


def notes_latex(
    cat,
    tags=(),
    sections=(),
    title: str = "Linear algebra: checked derivations",
    reports=None,
    examples: bool = True,
) -> str:
    """The whole LaTeX document."""
    reports = reports if reports is not None else reports_for(cat, tags, sections)
    by_id = {r.entry.id: r for r in reports}
    parts = [PREAMBLE.replace("%TITLE%", _tex_text(title))]
    for sec, entries in ordered_sections(cat, [r.entry for r in reports]):
        parts.append(rf"\section{{{_tex_text(sec.title)}}}\label{{sec:{sec.id}}}")
        if sec.summary:
            parts.append(_prose_tex(sec.summary) + "\n")
        for e in entries:
            parts.append(entry_latex(by_id[e.id], examples))
    shown = set(by_id)
    # a cited entry left out by --tag/--section: link to nothing would be undefined; define it
    missing = sorted(
        {
            s.by
            for r in reports
            for c in r.chains
            for s in c.steps
            if s.by and s.by in cat.entries and s.by not in shown
        }
    )
    if missing:
        parts.append(r"\section{Entries cited from other parts}")
        for m in missing:
            parts.append(
                rf"\paragraph{{{_title_tex(cat.entries[m].title)}}}"
                rf"\phantomsection\label{{{_label(m)}}} (\texttt{{{_tex_text(m)}}}): "
                rf"${_formula_tex(cat.entries[m].statement, set())}$"
            )
    parts.append(_rules_latex(set()))
    parts.append(_index_latex(reports))
    parts.append(r"\end{document}" + "\n")
    return "\n".join(parts)


def find_tex() -> list[str]:
    """The command that builds a PDF, or raise NoTeX naming the Debian packages."""
    if shutil.which("latexmk") and shutil.which("pdflatex"):
        return ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error"]
    if shutil.which("pdflatex"):
        return ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]
    raise NoTeX(
        "no TeX installation found (pdflatex). On Debian or Ubuntu: "
        f"apt-get install -y --no-install-recommends {TEX_PACKAGES}"
    )


def build_pdf(tex: str, pdf_path: str | os.PathLike, keep_log: str | None = None) -> str:
    """Compile ``tex`` in a temporary directory; write the PDF to ``pdf_path``; return the log."""
    cmd = find_tex()
    with tempfile.TemporaryDirectory(prefix="derive-notes-") as tmp:
        src = Path(tmp) / "notes.tex"
        src.write_text(tex, encoding="utf-8")
        runs = 1 if cmd[0] == "latexmk" else 2
        proc = None
        for _ in range(runs):
            proc = subprocess.run(
                [*cmd, "notes.tex"], cwd=tmp, capture_output=True, text=True, timeout=300
            )
            if proc.returncode != 0:
                break
        log_file = Path(tmp) / "notes.log"
        log = log_file.read_text(encoding="latin-1") if log_file.exists() else ""
        if keep_log:
            Path(keep_log).write_text(log, encoding="utf-8")
        if proc is None or proc.returncode != 0 or not (Path(tmp) / "notes.pdf").exists():
            errors = "\n".join(line for line in log.splitlines() if line.startswith("!"))
            raise RuntimeError(f"LaTeX failed:\n{errors or (proc.stdout[-2000:] if proc else '')}")
        shutil.copyfile(Path(tmp) / "notes.pdf", pdf_path)
    return log


def log_problems(log: str, max_overfull_pt: float = 10.0) -> list[str]:
    """Errors, undefined references and overfull boxes wider than ``max_overfull_pt`` in a log."""
    out = [line for line in log.splitlines() if line.startswith("!")]
    out += [
        line
        for line in log.splitlines()
        if re.search(r"undefined references|Reference .* undefined|Citation .* undefined", line)
    ]
    for m in re.finditer(r"Overfull \\hbox \(([\d.]+)pt too wide\)[^\n]*", log):
        if float(m.group(1)) > max_overfull_pt:
            out.append(m.group(0))
    return out


# ---------------------------------------------------------------- Markdown


def section_file(sec) -> str:
    return f"{sec.order:02d}-{sec.id}.md" if sec.order < 999 else f"{sec.id}.md"


def _md_escape(s: str) -> str:
    return s.replace("[", r"\[").replace("]", r"\]")


def notes_markdown(
    cat, outdir: str | os.PathLike, tags=(), sections=(), reports=None, examples: bool = True
) -> list[Path]:
    """Markdown pages: index.md, one page per section, rules.md; returns the files written."""
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    reports = reports if reports is not None else reports_for(cat, tags, sections)
    by_id = {r.entry.id: r for r in reports}
    groups = ordered_sections(cat, [r.entry for r in reports])
    page_of = {e.id: section_file(sec) for sec, entries in groups for e in entries}

    def link(by: str) -> str | None:
        if by in page_of:
            return f"[{_md_escape(cat.entries[by].title)}]({page_of[by]}#{by})"
        if by in BASE_RULES or by in RELATIONAL_RULES:
            return f"[`{by}`](rules.md#rule-{by})"
        return None

    written = []
    index = [
        "# Linear algebra: checked derivations",
        "",
        "Every derivation here is checked by the `derive` proof kernel.",
        "",
        "## Sections",
        "",
    ]
    for sec, entries in groups:
        page = [f"# {sec.title}", "", "[All sections](index.md)", ""]
        if sec.summary:
            page += [sec.summary, ""]
        for e in entries:
            r = by_id[e.id]
            page += [f'<a id="{e.id}"></a>', "", walkthrough_markdown(r, link, heading="##")]
            ex = worked_example(r) if examples else None
            if ex is not None:
                given = ",\\quad ".join(f"{s} = {v}" for s, v in ex.values)
                page += [
                    "**Worked numbers.**",
                    "",
                    f"$${given}$$",
                    "",
                    f"$${ex.lhs[0]} = {ex.lhs[1]}, \\qquad {ex.rhs[0]} = {ex.rhs[1]}$$",
                    "",
                ]
        path = out / section_file(sec)
        path.write_text("\n".join(page), encoding="utf-8")
        written.append(path)
        index.append(f"- [{_md_escape(sec.title)}]({section_file(sec)})")
    index += ["- [Base rules](rules.md)", "", "## Index of identities", ""]
    for r in sorted(reports, key=lambda r: r.entry.title.lower()):
        index.append(
            f"- [{_md_escape(r.entry.title)}]({page_of[r.entry.id]}#{r.entry.id}): "
            f"${_statement_tex(r)}$"
        )
    rules = ["# Base rules", "", "[All sections](index.md)", ""]
    for name, fn in [*BASE_RULES.items(), *RELATIONAL_RULES.items()]:
        doc = (fn.__doc__ or "").strip().splitlines()
        rules += [f'<a id="rule-{name}"></a>', "", f"### `{name}`", "", doc[0] if doc else "", ""]
    (out / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    (out / "rules.md").write_text("\n".join(rules), encoding="utf-8")
    return [out / "index.md", *written, out / "rules.md"]


# ---------------------------------------------------------------- notebooks


class Walkthrough:
    """What ``derive.show(id)`` returns: renders itself in Jupyter (Markdown or LaTeX)."""

    def __init__(self, report):
        self.report = report

    @property
    def entry(self):
        return self.report.entry

    @property
    def status(self) -> str:
        return self.report.status

    def __str__(self) -> str:
        from derive.render import walkthrough_text

        return walkthrough_text(self.report)

    def __repr__(self) -> str:
        return f"<Walkthrough {self.entry.id}: {self.status}>"

    def _repr_markdown_(self) -> str:
        md = walkthrough_markdown(self.report)
        ex = worked_example(self.report)
        if ex is not None:
            given = ",\\quad ".join(f"{s} = {v}" for s, v in ex.values)
            md += (
                f"\n**Worked numbers.** $${given}$$\n\n"
                f"$${ex.lhs[0]} = {ex.lhs[1]}, \\qquad {ex.rhs[0]} = {ex.rhs[1]}$$\n"
            )
        return md

    def _repr_latex_(self) -> str:
        """MathJax-ready LaTeX: the statement and the chain as one ``aligned`` display."""
        r = self.report
        rows = [rf"& {_statement_tex(r)} && \text{{{_tex_text(r.entry.title)}}}"]
        for chain in proof_rows(r):
            rows.append(r"& \text{Proof:}")
            rows += chain
        return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def show(entry_id: str, catalogue: list[str] | None = None) -> Walkthrough:
    """The checked walkthrough of an entry, which displays itself in a notebook.

    >>> w = show("transpose-inverse")
    >>> w.status
    'checked'
    >>> "aligned" in w._repr_latex_() and "###" in w._repr_markdown_()
    True
    """
    from derive.catalogue import load, suggestions
    from derive.errors import DeriveError
    from derive.verify import verify_entry

    cat = load(catalogue)
    if entry_id not in cat.entries:
        close = suggestions(cat, entry_id)
        raise DeriveError(
            f"no entry '{entry_id}' in the catalogue"
            + (f"; did you mean: {', '.join(close)}?" if close else "")
        )
    return Walkthrough(verify_entry(cat.entries[entry_id], cat))


__all__ = [
    "NoTeX",
    "Walkthrough",
    "build_pdf",
    "log_problems",
    "notes_latex",
    "notes_markdown",
    "show",
    "worked_example",
]
