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
    tex = notes_latex(cat, reports=reports)
    log = build_pdf(tex, tmp_path / "notes.pdf")
    assert "Output written" in log
    assert log_problems(log, max_overfull_pt=10.0) == []
    assert "undefined" not in " ".join(
        line for line in log.splitlines() if "Reference" in line or "references" in line)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "notes.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    def norm(s):
        return re.sub(r"[\s^{}_\-−]+", "", s)

    flat = norm(text)
    for r in reports:
        assert norm(r.entry.title) in flat, r.entry.title


@needs_tex
def test_show_latex_compiles(tmp_path):
    from click.testing import CliRunner

    from cli import main

    res = CliRunner().invoke(main, ["show", "transpose-inverse", "--format", "latex"])
    assert res.exit_code == 0, res.output
    doc = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
           + res.output + "\n\\end{document}\n")
    (tmp_path / "w.tex").write_text(doc)
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "w.tex"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "w.pdf").exists()


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
