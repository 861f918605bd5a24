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
from dataclasses import dataclass, field
from pathlib import Path

from derive.render import (
    _label,
    _prose_tex,
    _statement_tex,
    _tex_text,
    latex,
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


# ---------------------------------------------------------------- worked numbers


@dataclass
class Example:
    """A worked instance: the symbols' values, the values of the parts of a scalar side (such as
    det(A) and det(B) in det(AB) = det(A)det(B)), and both sides, as LaTeX."""

    values: list[tuple[str, str]]  # (symbol LaTeX, value LaTeX)
    lhs: tuple[str, str]  # (formula, value)
    rhs: tuple[str, str]
    parts: list[tuple[str, str]] = field(default_factory=list)


def stable_seed(entry_id: str) -> int:
    return int(hashlib.sha256(entry_id.encode()).hexdigest()[:12], 16)


def _constant(e) -> bool:
    from derive.expr import Identity, MatrixLit, Num, Zero

    return isinstance(e, (Num, Identity, Zero, MatrixLit))


def _trivial(v, arith) -> bool:
    """A value that illustrates nothing by itself: 0, 1, a zero matrix or the identity."""
    try:
        if v.matrix:
            rows = v.val.to_list() if v.exact else v.val.tolist()
            flat = [x for r in rows for x in r]
            if all(x == 0 for x in flat):
                return True
            n = len(rows)
            return n == len(rows[0]) and all(
                rows[i][j] == (1 if i == j else 0) for i in range(n) for j in range(n)
            )
        return v.val == 0 or v.val == 1
    except Exception:
        return False


def _parts(side, values, sizes, arith, vectors):
    """The values of the composite factors or terms of a scalar side (det(A), tr(AB), ...)."""
    from derive.expr import Add, Mul, Num, Pow, Sym
    from derive.randomized import evaluate, value_latex

    items = side.factors if isinstance(side, Mul) else side.terms if isinstance(side, Add) else ()
    if isinstance(side, Pow):
        items = (side.base, side.base)  # shown once below
    out = []
    for f in items:
        if isinstance(f, (Num, Sym)):
            continue
        v = evaluate(f, values, sizes, arith)
        if v.matrix:
            return []
        if (latex(f, vectors), value_latex(v, arith.complex)) not in out:
            out.append((latex(f, vectors), value_latex(v, arith.complex)))
    return out if len(out) > 1 or (len(out) == 1 and len(items) > 1) else []


def worked_example(report, n: int = 2, tries: int = 16) -> Example | None:
    """Small integer matrices (size ``n``) that satisfy the entry's assumptions, both sides
    evaluated exactly; among ``tries`` instances, the one with the shortest numbers whose value
    is not trivially 0 or 1 (unless the statement's right side is that constant: then it is the
    point). The author's ``example_values`` are used as given. None when the entry has no '='
    statement, has hypotheses, or no instance has a value."""
    from derive.expr import Relation, Sym
    from derive.frontend import parse
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
        fixed = {
            name: evaluate(parse(text).tree, {}, sizes, arith) for name, text in e.example_values
        }
        point = _constant(stmt.rhs) or _constant(stmt.lhs)
        best = None
        for _ in range(1 if fixed and len(fixed) == len(env.names()) else tries):
            try:
                values = {**sampler.instance(env, sizes), **fixed}
                lv = evaluate(stmt.lhs, values, sizes, arith)
                rv = evaluate(stmt.rhs, values, sizes, arith)
            except Undefined:
                continue
            if not (lv.exact and rv.exact) or not arith.equal(lv, rv):
                continue
            if not values:
                return None  # a statement about explicit numbers illustrates itself
            if not point and _trivial(lv, arith):
                continue
            if any(_trivial(v, arith) and v.matrix for k, v in values.items() if k not in fixed):
                continue
            shown = [
                (latex(Sym(m), vectors), value_latex(values[m], arith.complex))
                for m in env.names()
                if m in values
            ]
            ex = Example(
                shown,
                (latex(stmt.lhs, vectors), value_latex(lv, arith.complex)),
                (latex(stmt.rhs, vectors), value_latex(rv, arith.complex)),
                _parts(stmt.lhs, values, sizes, arith, vectors)
                + _parts(stmt.rhs, values, sizes, arith, vectors),
            )
            score = sum(len(v) for _, v in shown) + len(ex.lhs[1])
            if best is None or score < best[0]:
                best = (score, ex)
        return best[1] if best else None
    except Exception:  # an illustration is optional: never let it break the notes
        return None


def example_problems(ex: Example) -> list[str]:
    """What makes a worked example mislead: a size or count that is not positive where the
    author chose it, or a computed value that is trivially 0 = 0 or 1 = 1."""
    out = []
    if (
        ex.lhs[1] == ex.rhs[1]
        and ex.lhs[1].strip() in ("0", "1")
        and not re.fullmatch(r"-?\d+|I|0", ex.rhs[0].strip())
        and not ex.parts
    ):
        out.append(f"the value is trivially {ex.lhs[1]} = {ex.rhs[1]}")
    for sym, val in ex.values:
        if (
            "bmatrix" not in val
            and re.fullmatch(r"-\s*\d.*", val)
            and sym in ("d", "k", "r", "m", "n")
        ):
            out.append(f"the size {sym} = {val} is not positive")
    return out


def example_latex(ex: Example, display: str = "align*") -> str:
    rows = [
        "& " + ",\\quad ".join(f"{s} = {v}" for s, v in ex.values[i : i + 2])
        for i in range(0, len(ex.values), 2)
    ]
    if ex.parts:
        rows.append("& " + ",\\quad ".join(f"{s} = {v}" for s, v in ex.parts))
    rows += [f"& {ex.lhs[0]} = {ex.lhs[1]}", f"& {ex.rhs[0]} = {ex.rhs[1]}"]
    return f"\\begin{{{display}}}\n" + " \\\\\n".join(rows) + f"\n\\end{{{display}}}"


# ---------------------------------------------------------------- LaTeX

PREAMBLE = r"""\documentclass[11pt,%PAPER%]{article}
\usepackage[margin=2.3cm]{geometry}
\usepackage{amsmath,amssymb,amsthm}
\usepackage[hidelinks,bookmarksnumbered,unicode,pdfusetitle]{hyperref}
\hypersetup{pdftitle={%PDFTITLE%},pdfauthor={%PDFAUTHOR%},pdfsubject={Linear algebra},pdfcreator={derive notes}}
% amsthm sets a theorem's note in an unbreakable box: the head is only "Theorem 3.2" and the
% title, "(...).", starts the body, where a long title breaks like any line
\newtheoremstyle{notes}{\topsep}{\topsep}{\normalfont}{0pt}{\bfseries}{}{ }{\thmname{#1}\thmnumber{ #2}}
\theoremstyle{notes}
\newtheorem{theorem}{Theorem}[section]
\newcommand{\thmtitle}[1]{(#1).\ \ignorespaces}
\allowdisplaybreaks
\setlength{\emergencystretch}{3em}
\hfuzz=2pt
\DeclareUnicodeCharacter{2018}{`}
\DeclareUnicodeCharacter{2019}{'}
\DeclareUnicodeCharacter{2212}{\ensuremath{-}}
\DeclareUnicodeCharacter{00B1}{\ensuremath{\pm}}
\DeclareUnicodeCharacter{2016}{\ensuremath{\|}}
\DeclareUnicodeCharacter{221A}{\ensuremath{\surd}}
\DeclareUnicodeCharacter{00BD}{\ensuremath{\tfrac12}}
\DeclareUnicodeCharacter{00BC}{\ensuremath{\tfrac14}}
\title{%TITLE%}
\author{%AUTHOR%}
\date{\today}
\begin{document}
\maketitle
\tableofcontents
\clearpage
"""

DEFAULT_TITLE = "Linear algebra: checked derivations"
ANSWERS = ("inline", "end", "none")
PAPERS = {"a4": "a4paper", "letter": "letterpaper"}


def _pdf_text(s: str) -> str:
    """Text for PDF metadata: plain words, no TeX specials."""
    from derive.render import title_words

    return re.sub(r"[\\{}$%#&^_~]", "", title_words(s))


def _assume_tex(report) -> str:
    from derive.render import assume_prose

    return _prose_tex(assume_prose(report))


def _formula_tex(text: str, vectors) -> str:
    from derive.frontend import parse

    try:
        return latex(parse(text, relation=True).tree, vectors)
    except Exception:
        return r"\text{" + _tex_text(text) + "}"


def entry_latex(
    report, examples: bool = True, answers: str = "inline", references: bool = False
) -> str:
    """One entry as a theorem (assumptions, hypotheses, conclusions) with the intuition, its proof
    (reasons in words, linked), worked numbers, the exercise and (``answers='inline'``) its answer."""
    from derive.render import (
        chain_head,
        cited,
        display_lines,
        proof_status,
        statement_parts,
        title_tex,
    )

    e = report.entry
    out = [rf"\begin{{theorem}}\label{{{_label(e.id)}}}\thmtitle{{{title_tex(e.title)}}}"]
    hyps, concl = statement_parts(report)
    if e.assume:
        out.append(_assume_tex(report))
    if hyps:
        out.append("If " + ", ".join(f"${h}$" for h in hyps) + ", then")
    out.append(display_lines(concl))
    out.append(r"\end{theorem}")
    if references and e.references:
        meta = [rf"\texttt{{{_tex_text(e.id)}}}"]
        for k, v in e.references:
            meta.append(rf"{_tex_text(k)}: \nolinkurl{{{re.sub(r'[{}%#]', '', v)}}}")
        out.append(r"\noindent{\small References: " + "; ".join(meta) + r".}")
    if e.explanation:
        out.append(r"\par\smallskip\noindent\textbf{Intuition.} " + _prose_tex(e.explanation))
    notes: list[str] = []
    chains = proof_rows(report, True, notes)
    if chains:
        out.append(r"\begin{proof}[Proof (" + _tex_text(proof_status(report)) + ")]")
        for rows, chain in zip(chains, report.chains, strict=True):
            head = chain_head(report, chain)
            if head:
                out.append(r"\par\noindent " + _prose_tex(head) + ":")
            out.append(r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}")
        for k, note in enumerate(notes, start=1):
            out.append(rf"\par\noindent{{\small Note {k}: {_prose_tex(note)}}}")
        uses = cited(report)
        if uses:
            out.append(
                r"\par\noindent{\small Uses: "
                + "; ".join(
                    rf"\hyperref[{_label(u)}]{{Theorem~\ref*{{{_label(u)}}}}}" for u in uses
                )
                + ".}"
            )
        out.append(r"\end{proof}")
    else:
        out.append(r"\par\noindent\emph{No proof in the catalogue yet.}")
    if report.errors:
        out.append(r"\par\noindent\textbf{The kernel rejects this proof.}")
    if examples:
        ex = worked_example(report)
        if ex is not None:
            out.append(r"\par\medskip\noindent\textbf{Worked numbers.}")
            out.append(example_latex(ex))
    if e.exercise:
        out.append(rf"\par\medskip\noindent\textbf{{Exercise.}} {_prose_tex(e.exercise)}")
        if e.answer and answers == "inline":
            out.append(rf"\par\noindent\textbf{{Answer.}} {_prose_tex(e.answer)}")
    return "\n".join(out) + "\n"


def _rules_latex() -> str:
    """The appendix: every base rule, relational rule and base fact typeset, one label each."""
    from derive.core.facts import BASE_FACTS
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES
    from derive.phrases import FACTS, RULES

    out = [
        r"\section{Base rules and facts}\label{sec:rules}",
        "The proof kernel's own rules. Each step of a proof uses one of them, or a theorem proved "
        "before it; a rule's phrase in a proof links here.",
        r"\subsection*{Rules}",
        r"\begin{description}",
    ]
    for name in [*BASE_RULES, *RELATIONAL_RULES]:
        phrase, stmt = RULES.get(name, (name, r"\text{" + _tex_text(name) + "}"))
        out.append(_rule_item(name, phrase, stmt))
    out += [r"\end{description}", r"\subsection*{Facts}", r"\begin{description}"]
    for f in BASE_FACTS:
        phrase, stmt = FACTS.get(f.name, (f.name, r"\text{" + _tex_text(f.statement) + "}"))
        out.append(_rule_item(f.name, phrase, stmt))
    out.append(r"\end{description}")
    return "\n".join(out) + "\n"


def _rule_item(name: str, phrase: str, stmt: str) -> str:
    """One rule: its phrase (the label a link lands on), its name, its statement typeset; the
    words of the statement in text mode so that a long one breaks across lines."""
    pieces = re.split(r"\\text\{([^{}]*)\}", stmt)
    body = "".join(
        _tex_text(p)
        if i % 2
        else (
            " " * p[:1].isspace() + f"${p.strip()}$" + " " * p[-1:].isspace() if p.strip() else " "
        )
        for i, p in enumerate(pieces)
    )
    return (
        rf"\item[{{\phantomsection\label{{rule:{name}}}{_prose_tex(phrase)}}}]"
        rf" {{\footnotesize(\texttt{{{_tex_text(name)}}})}}\\* {body}"
    )


def _index_latex(reports) -> str:
    """An index: the titles in alphabetical order with theorem and page numbers."""
    from derive.render import title_tex, title_words

    out = [
        r"\clearpage",
        r"\section*{Index of theorems}",
        r"\addcontentsline{toc}{section}{Index of theorems}",
        # as a table of contents: a title wraps short of the right margin, where its last line
        # ends in dots and the unbreakable "Theorem 3.2, p. 11"
        r"\begin{list}{}{\setlength{\leftmargin}{1.5em}\setlength{\itemindent}{-1.5em}"
        r"\setlength{\itemsep}{1pt}\setlength{\parsep}{0pt}}",
        r"\rightskip=9.5em plus 1fil\parfillskip=-9.5em",
    ]
    for r in sorted(reports, key=lambda r: _sort_key(title_words(r.entry.title))):
        lab = _label(r.entry.id)
        out.append(
            rf"\item \hyperref[{lab}]{{{title_tex(r.entry.title)}}}\nobreak\dotfill\nobreak"
            rf"\hbox to 9.5em{{\hfil Theorem~\ref*{{{lab}}}, p.~\pageref*{{{lab}}}}}"
        )
    out.append(r"\end{list}")
    return "\n".join(out) + "\n"


def _sort_key(words: str) -> str:
    """Alphabetical order of a title: Aᵀ sorts as AT, a leading formula by its letters."""
    import unicodedata

    return unicodedata.normalize("NFKD", words).lower().lstrip("$(")


def _answers_latex(reports) -> str:
    out = [r"\section*{Answers to the exercises}", r"\addcontentsline{toc}{section}{Answers}"]
    out.append(r"\begin{description}")
    for r in reports:
        e = r.entry
        if e.exercise and e.answer:
            lab = _label(e.id)
            out.append(
                rf"\item[{{\hyperref[{lab}]{{Theorem~\ref*{{{lab}}}}}}}] {_prose_tex(e.answer)}"
            )
    out.append(r"\end{description}")
    return "\n".join(out) + "\n"


def reports_for(cat, tags=(), sections=()) -> list:
    from derive.verify import verify_entry

    return [verify_entry(e, cat) for e in select(cat, tags, sections)]


def notes_latex(
    cat,
    tags=(),
    sections=(),
    title: str = DEFAULT_TITLE,
    reports=None,
    examples: bool = True,
    author: str = "",
    paper: str = "a4",
    answers: str = "inline",
    references: bool = False,
) -> str:
    """The whole LaTeX document: sections in course order (the machine-learning sections together
    in a part of their own), the base rules appendix, answers (``answers='end'``), an index."""
    from derive.render import course_sections, is_ml_section, title_tex

    if answers not in ANSWERS:
        raise ValueError(f"answers must be one of {', '.join(ANSWERS)}")
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    reports = reports if reports is not None else reports_for(cat, tags, sections)
    by_id = {r.entry.id: r for r in reports}
    byline = _prose_tex(author) if author else ""
    pre = (
        PREAMBLE.replace("%PAPER%", PAPERS[paper])
        .replace("%PDFTITLE%", _pdf_text(title))
        .replace("%PDFAUTHOR%", _pdf_text(author))
        .replace("%TITLE%", title_tex(title))
        .replace("%AUTHOR%", byline)
    )
    parts = [pre]
    groups = course_sections(cat, [r.entry for r in reports])
    has_ml = any(is_ml_section(s) for s, _ in groups)
    if has_ml and not all(is_ml_section(s) for s, _ in groups):
        parts.append(r"\part{Linear algebra}")
    in_ml = False
    for sec, entries in groups:
        if is_ml_section(sec) and not in_ml and has_ml:
            parts.append(r"\part{Linear algebra in machine learning}")
            in_ml = True
        parts.append(rf"\section{{{title_tex(sec.title, bookmark=True)}}}\label{{sec:{sec.id}}}")
        if sec.summary:
            parts.append(_prose_tex(sec.summary) + "\n")
        for e in entries:
            parts.append(entry_latex(by_id[e.id], examples, answers, references))
    if answers == "end":
        parts.append(r"\clearpage")
        parts.append(_answers_latex([by_id[e.id] for _, es in groups for e in es]))
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
    parts.append(r"\appendix")
    if missing:
        parts.append(r"\section{Theorems cited from other parts}")
        for m in missing:
            parts.append(
                rf"\begin{{theorem}}\label{{{_label(m)}}}"
                r"\thmtitle{" + title_tex(cat.entries[m].title) + "}"
                rf"${_formula_tex(cat.entries[m].statement, set())}$\end{{theorem}}"
            )
    parts.append(_rules_latex())
    parts.append(_index_latex(reports))
    parts.append(r"\end{document}" + "\n")
    # a number's fraction in a product, (x + ½A⁻¹b), at text size: a display-size ½ inside
    # parentheses towers over the line
    return re.sub(r"\\frac\{(\d+)\}\{(\d+)\}", r"\\tfrac{\1}{\2}", "\n".join(parts))


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
    cat,
    outdir: str | os.PathLike,
    tags=(),
    sections=(),
    reports=None,
    examples: bool = True,
    answers: str = "inline",
    title: str = "",
) -> list[Path]:
    """Markdown pages: index.md, one page per section, rules.md (and answers.md with
    ``answers='end'``); returns the files written."""
    from derive.phrases import FACTS, RULES
    from derive.render import course_sections, title_words

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    reports = reports if reports is not None else reports_for(cat, tags, sections)
    by_id = {r.entry.id: r for r in reports}
    groups = course_sections(cat, [r.entry for r in reports])
    page_of = {e.id: section_file(sec) for sec, entries in groups for e in entries}
    numbers = {
        e.id: f"{k}.{j}" for k, (_s, es) in enumerate(groups, start=1) for j, e in enumerate(es, 1)
    }
    titles = {i: e.title for i, e in cat.entries.items()}

    def link(eid: str) -> str | None:
        if eid in page_of:
            return f"[Theorem {numbers[eid]}]({page_of[eid]}#{eid}): {_md_escape(titles[eid])}"
        return None

    written = []
    index = [
        f"# {title or DEFAULT_TITLE}",
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
            md = walkthrough_markdown(
                r,
                link,
                heading="##",
                numbers=numbers,
                titles=titles,
                answers=answers == "inline",
            )
            page += [f'<a id="{e.id}"></a>', "", md]
            ex = worked_example(r) if examples else None
            if ex is not None:
                page += ["**Worked numbers.**", "", *_example_md(ex)]
        path = out / section_file(sec)
        path.write_text("\n".join(page), encoding="utf-8")
        written.append(path)
        index.append(f"- [{_md_escape(sec.title)}]({section_file(sec)})")
    index += ["- [Base rules and facts](rules.md)"]
    if answers == "end":
        index += ["- [Answers](answers.md)"]
    index += ["", "## Index of theorems", ""]
    for r in sorted(reports, key=lambda r: title_words(r.entry.title).lower()):
        eid = r.entry.id
        index.append(
            f"- [{_md_escape(r.entry.title)}]({page_of[eid]}#{eid}): Theorem {numbers[eid]}"
        )
    rules = ["# Base rules and facts", "", "[All sections](index.md)", ""]
    for name, (phrase, stmt) in [*RULES.items(), *FACTS.items()]:
        rules += [f'<a id="rule-{name}"></a>', "", f"**{phrase}** ({name})", "", f"$${stmt}$$", ""]
    (out / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    (out / "rules.md").write_text("\n".join(rules), encoding="utf-8")
    files = [out / "index.md", *written, out / "rules.md"]
    if answers == "end":
        ans = ["# Answers", "", "[All sections](index.md)", ""]
        for r in reports:
            e = r.entry
            if e.exercise and e.answer:
                ans += [f"**[Theorem {numbers[e.id]}]({page_of[e.id]}#{e.id}).** {e.answer}", ""]
        (out / "answers.md").write_text("\n".join(ans), encoding="utf-8")
        files.append(out / "answers.md")
    return files


def _example_md(ex: Example) -> list[str]:
    given = ",\\quad ".join(f"{s} = {v}" for s, v in ex.values + ex.parts)
    return [
        f"$${given}$$",
        "",
        f"$${ex.lhs[0]} = {ex.lhs[1]}, \\qquad {ex.rhs[0]} = {ex.rhs[1]}$$",
        "",
    ]


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
            md += "\n**Worked numbers.**\n\n" + "\n".join(_example_md(ex))
        return md

    def _repr_html_(self) -> str:
        from derive.render import walkthrough_html

        return walkthrough_html(self.report)

    def _repr_latex_(self) -> str:
        """MathJax-ready LaTeX: the statement and the chain as one ``aligned`` display."""
        from derive.render import title_words

        r = self.report
        rows = [
            rf"& {_statement_tex(r)} && \text{{{_tex_text(title_words(r.entry.title), mathjax=True)}}}"
        ]
        for chain in proof_rows(r, mathjax=True):
            rows.append(r"& \text{Proof:}")
            rows += chain
        return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def show(entry_id: str, catalogue: list[str] | None = None) -> Walkthrough:
    """The checked walkthrough of an entry, which displays itself in a notebook.

    >>> from derive.notes import show  # derive/conftest.py lends the core's doctests a show
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
