"""Course notes: the full PDF builds cleanly, walkthroughs compile, Markdown links work."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from derive.catalogue import load
from derive.notes import (
    NoTeX,
    Walkthrough,
    build_pdf,
    find_tex,
    log_problems,
    notes_latex,
    notes_markdown,
    reports_for,
    show,
    worked_example,
)

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex installed")


@pytest.fixture(scope="module")
def cat():
    return load()


@pytest.fixture(scope="module")
def reports(cat):
    return reports_for(cat)


@needs_tex
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext (poppler-utils)")
def test_full_notes_pdf(cat, reports, tmp_path):
    tex = notes_latex(cat, reports=reports, paper="a4")
    log = build_pdf(tex, tmp_path / "notes.pdf")
    assert "Output written" in log
    assert log_problems(log, max_overfull_pt=2.0) == []  # \hfuzz is 2pt: no line in the margin
    assert "undefined" not in " ".join(
        line for line in log.splitlines() if "Reference" in line or "references" in line
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "notes.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # no raw LaTeX and no ASCII math in what a student reads
    leaks = re.findall(r".{0,30}(?:\\[A-Za-z]+|\^|ˆ|¿).{0,30}", text)
    assert leaks == [], leaks[:10]
    # sizes are m × n, never "m x n" (a bold vector x is set apart by pdftotext: "A x = b")
    assert not re.search(r"\b[mnkdr0-9] x [mnkdr0-9]\b", re.sub(r"\s+", " ", text)), "m x n"
    assert "seed" not in text
    assert not re.search(r"chain \d", text), "the kernel's name of an unnamed chain"

    def words(title):  # the words of a title; its math is typeset
        return re.sub(r"[\s^{}_\-−]+", "", re.sub(r"\$[^$]*\$", " ", title))

    flat = re.sub(r"[\s^{}_\-−]+", "", text)
    for r in reports:
        for piece in re.sub(r"\$[^$]*\$", "\x00", r.entry.title).split("\x00"):
            assert words(piece) in flat, r.entry.title
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "notes.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "A4" in info and re.search(r"Title:\s+Linear algebra", info)
    # every rule has its own label, so a link lands on it
    from derive.core.rules import BASE_RULES, RELATIONAL_RULES

    for name in [*BASE_RULES, *RELATIONAL_RULES]:
        assert f"\\label{{rule:{name}}}" in tex
    assert tex.count("\\label{sec:rules}") == 1


@needs_tex
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext (poppler-utils)")
def test_teacher_options_letter_answers_at_the_end(cat, tmp_path):
    reps = reports_for(cat, tags=("inverse",))
    tex = notes_latex(
        cat,
        reports=reps,
        paper="letter",
        answers="end",
        title="Week 3",
        author="A. Teacher",
        references=True,
    )
    build_pdf(tex, tmp_path / "n.pdf")
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "n.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "letter" in info and "Week 3" in info and "A. Teacher" in info
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "n.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    last_exercise = text.rfind("Exercise.")
    answers = text.find("Answers to the exercises", last_exercise)
    assert last_exercise > 0 and answers > last_exercise
    assert "Answer." not in text


def test_answers_none_leaves_every_answer_out(cat, reports):
    tex = notes_latex(cat, reports=reports, answers="none")
    for r in reports:
        if r.entry.answer:
            assert _prose(r.entry.answer) not in tex, r.entry.id
    assert "Answer" not in tex
    inline = notes_latex(cat, reports=reports[:3])
    assert "Answer." in inline and "a4paper" in inline
    assert "Mathlib" not in notes_latex(cat, reports=reports)  # references are for teachers
    with pytest.raises(ValueError):
        notes_latex(cat, reports=reports[:1], answers="sometimes")


def _prose(text):
    from derive.render import _prose_tex

    return _prose_tex(text)


def test_worked_examples_illustrate(cat, reports):
    from derive.notes import Example, example_problems

    seen = 0
    for r in reports:
        ex = worked_example(r)
        if ex is None:
            continue
        seen += 1
        assert example_problems(ex) == [], (r.entry.id, example_problems(ex))
        for sym, val in ex.values:  # small entries
            assert max((abs(int(n)) for n in re.findall(r"\d+", val)), default=0) <= 999 or (
                r.entry.example_values
            ), (r.entry.id, sym, val)
    assert seen > 30
    lora = worked_example(
        next(r for r in reports if r.entry.id == "lora-parameter-count-is-r-times-d-plus-k")
    )
    vals = {s: int(v) for s, v in lora.values}
    assert all(v > 0 for v in vals.values()) and vals["r"] < min(vals["d"], vals["k"])
    det = worked_example(
        next(r for r in reports if r.entry.id == "det-of-inverse-times-det-is-one")
    )
    assert det.parts, "1 = 1 alone shows nothing: the factors' values are shown"
    dot = worked_example(next(r for r in reports if r.entry.id == "dot-product-is-symmetric"))
    assert "bmatrix} 0 \\end" not in dot.lhs[1]
    # the check itself must fail on misleading numbers
    bad = Example([("d", "-4"), ("k", "4"), ("r", "8")], ("dr + rk", "0"), ("r(d + k)", "0"))
    assert len(example_problems(bad)) == 2


@needs_tex
@pytest.mark.parametrize(
    "eid", ["transpose-inverse", "hermitian-real-eigenvalues", "pd-invertible"]
)
def test_show_latex_compiles(tmp_path, eid):
    from click.testing import CliRunner

    from cli import main

    res = CliRunner().invoke(main, ["show", eid, "--format", "latex"])
    assert res.exit_code == 0, res.output
    doc = (
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
        + res.output
        + "\n\\end{document}\n"
    )
    (tmp_path / "w.tex").write_text(doc)
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "w.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "w.pdf").exists()
    if eid == "hermitian-real-eigenvalues":
        assert re.search(r"A\\mathbf\{v\} = \\lambda ?\\mathbf\{v\}", res.output)  # eigen-equation
        assert "Intuition" in res.output and "Exercise" in res.output and "Answer" in res.output
        assert "Step" in res.output  # chain names


def test_show_states_the_whole_theorem_in_every_format():
    from click.testing import CliRunner

    from cli import main

    runner = CliRunner()
    text = runner.invoke(main, ["show", "hermitian-orthogonal-eigenvectors"]).output
    assert "λ ≠ μ" in text and "intuition:" in text and "answer:" in text
    assert "cancel λ − μ, nonzero by hypothesis 4" in text
    assert re.search(r"Theorem \d+\.\d+", text)
    assert "\\" not in text and "^" not in text  # Unicode, not raw LaTeX
    md = runner.invoke(main, ["show", "pd-invertible", "--format", "markdown"]).output
    assert "positive_definite" not in md
    assert "contradiction with $" in md and "Intuition" in md
    rows = runner.invoke(main, ["show", "back-substitution-gives-reduced-echelon-form"]).output
    assert "R₂ ← −R₂" in rows and "R₁ ← R₁ − R₂" in rows
    one = runner.invoke(main, ["show", "gram-matrix-is-symmetric"]).output
    assert "1 steps" not in one


def test_every_title_reads_in_unicode(cat):
    """Titles and prose in the terminal: no LaTeX, no ASCII exponents; the one documented fallback
    is a capital subscript (W_O), which has no Unicode form."""
    from derive.render import plain, tex_unicode, title_unicode

    for e in cat.entries.values():
        shown = title_unicode(e.title)
        assert "\\" not in shown and "$" not in shown, (e.id, shown)
        assert not re.search(r"\b[a-z0-9] x [a-z0-9]\b", shown), (e.id, shown)  # m x n
        for text in (
            shown,
            plain(e.explanation or ""),
            plain(e.exercise or ""),
            plain(e.answer or ""),
        ):
            assert "^" not in text and "\\" not in text, (e.id, text)
            assert not re.search(r"_(?![A-Z])", text), (e.id, text)
    assert tex_unicode(r"e^A = Pe^DP^{-1}") == "exp(A) = P exp(D) P⁻¹"
    assert tex_unicode(r"2^{-L}e^{-1}") == "2⁻ᴸe⁻¹"


def test_markdown_pages_and_links(cat, reports, tmp_path):
    files = notes_markdown(cat, tmp_path, reports=reports)
    sections = {r.entry.section for r in reports}
    pages = [f for f in files if f.name not in ("index.md", "rules.md")]
    assert len(pages) == len(sections)
    anchors = {f.name: set(re.findall(r'<a id="([^"]+)"></a>', f.read_text())) for f in files}
    links = 0
    for f in files:
        for target in re.findall(r"\]\(([^)\s]+)\)", f.read_text()):
            page, _, anchor = target.partition("#")
            assert (tmp_path / page).exists(), (f.name, target)
            if anchor:
                assert anchor in anchors[page], (f.name, target)
            links += 1
    assert links > len(reports)
    text = "".join(f.read_text() for f in pages)
    assert "$$" in text and "\\begin{aligned}" in text
    assert "positive_definite" not in text and "*Hypothesis" not in text
    assert "`" not in text.replace("`derive`", "")  # no code spans for mathematics


def test_cli_notes_markdown_and_latex(tmp_path):
    from click.testing import CliRunner

    from cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["notes", "--format", "markdown", "-o", str(tmp_path / "md")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "md" / "index.md").exists()
    res = runner.invoke(main, ["notes", "-o", str(tmp_path / "n.tex"), "--tag", "inverse"])
    assert res.exit_code == 0, res.output
    tex = (tmp_path / "n.tex").read_text()
    assert "\\label{id:transpose-inverse}" in tex and "\\tableofcontents" in tex


def test_no_tex_message(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(NoTeX, match="texlive-latex-base texlive-latex-recommended latexmk"):
        find_tex()


def test_worked_example_is_reproducible(cat):
    from derive.verify import verify_entry

    r = verify_entry(cat.entries["transpose-inverse"], cat)
    a, b = worked_example(r), worked_example(r)
    assert a is not None and a == b
    assert "bmatrix" in a.lhs[1] and a.lhs[1] == a.rhs[1]


def test_show_renders_in_notebooks():
    import derive

    w = derive.show("transpose-inverse")
    assert isinstance(w, Walkthrough)
    assert w._repr_latex_().startswith("$$") and "\\begin{aligned}" in w._repr_latex_()
    assert "transpose-inverse" in w._repr_markdown_()
    assert show("transpose-inverse").status == "checked"


def test_cli_edges(tmp_path):
    from click.testing import CliRunner

    from cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["notes", "-o", str(tmp_path / "missing" / "notes.tex")])
    assert res.exit_code != 0 and "Traceback" not in res.output and "no folder" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    res = runner.invoke(main, ["list", "--tag", "nosuch"])
    assert res.exit_code != 0 and "nosuch" in res.output
    res = runner.invoke(main, ["notes", "--format", "markdown", "-o", str(tmp_path / "file.md")])
    assert res.exit_code != 0 and not (tmp_path / "file.md").exists()
    res = runner.invoke(main, ["notes", "-o", str(tmp_path / "n.tex"), "--tag", "nosuch"])
    assert res.exit_code != 0
    res = runner.invoke(main, ["list", "--tag", "inverse"])
    assert res.exit_code == 0 and "transpose-inverse" in res.output


def test_markdown_answers_at_the_end(cat, tmp_path):
    reps = reports_for(cat, tags=("inverse",))
    files = notes_markdown(cat, tmp_path, reports=reps, answers="end")
    assert (tmp_path / "answers.md").exists()
    pages = "".join(f.read_text() for f in files if f.name not in ("answers.md",))
    assert "**Answer.**" not in pages


def test_check_result_in_a_notebook():
    import derive

    bad = derive.check("A^T", "A^{")
    html = bad._repr_html_()
    assert "invalid" in html and "error" in html and "None" not in html
    assert "None" not in bad._repr_markdown_()
    assert "<h3>" in derive.show("transpose-inverse")._repr_html_()
    good = derive.check("(AB)^T", "B^TA^T")._repr_html_()  # the derivation, step by step
    assert "<ol class='derive-derivation'>" in good and "by transpose-of-product" in good


def test_quotes_and_fractions_in_tex(cat, reports):
    from derive.render import _prose_tex

    assert _prose_tex('undo "first $B$, then $A$" you') == "undo ``first $B$, then $A$'' you"
    assert _prose_tex("step ‘left’", mathjax=True) == "step ‘left’"  # MathJax: no backtick
    tex = notes_latex(cat, reports=[r for r in reports if r.entry.id == "complete-the-square"])
    assert "\\tfrac{1}{2}A^{-1}" in tex and "\\frac{1}{2}" not in tex  # ½ at text size
