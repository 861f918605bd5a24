"""The command line of `derive`: a thin click layer over the Python API.

Commands translate between the shell and ``derive``'s functions and nothing more. SymPy and the
engine are imported inside the commands, never at module level, so that ``derive --help`` and
every command start quickly.
"""

from __future__ import annotations

import json
import sys

import click


class MathArguments(click.Command):
    """A command whose arguments are mathematics: an argument that starts with '-' (``-\\phi``,
    ``-x^2``, ``-h``) is an argument, not options, unless it is one of this command's options as
    written (``--assume``, ``-a``, ``--json``, ``--assume=...``). Click alone read ``-\\phi`` as
    the cluster ``-\\ -p -h -i`` and printed the help with exit status 0, which reads as
    "equivalent". Only ``--help`` shows the help here (``-h`` is the negative of h)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value, flags = set(), set(ctx.help_option_names)
        for param in self.params:
            if isinstance(param, click.Option):
                names = [*param.opts, *param.secondary_opts]
                (flags if param.is_flag else takes_value).update(names)
        options: list[str] = []
        positional: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                positional.extend(args[i + 1 :])
                break
            if arg in takes_value:
                options.extend(args[i : i + 2])  # a missing value is click's usage error (exit 2)
                i += 2
                continue
            if arg in flags or (arg.startswith("--") and arg.split("=", 1)[0] in takes_value):
                options.append(arg)
            else:
                positional.append(arg)
            i += 1
        return super().parse_args(ctx, [*options, "--", *positional])


MATH_SETTINGS = {"help_option_names": ["--help"]}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="derive")
def main() -> None:
    """derive: checked derivations and answer checking for linear algebra.

    \b
    derive show transpose-inverse                         a checked walkthrough
    derive check EXPECTED ANSWER --assume "A symmetric"   check one answer
    derive grade answers.csv -o results.csv               grade a class
    derive notes -o notes.tex --pdf                       the course notes
    derive prove "(AB)^{-1} = B^{-1}A^{-1}" --assume "A, B invertible"
    """


def limit_options(timeout_help: str, timeout: float = 5.0, minimum: float = 0.1, workers=False):
    """The --timeout and --memory-mb options of a command whose work runs in sandboxed workers."""
    memory_help = f"Memory limit of {'each worker' if workers else 'the worker'}, in MB."

    def decorate(command):
        command = click.option(
            "--memory-mb",
            default=1024,
            show_default=True,
            type=click.IntRange(min=64),
            help=memory_help,
        )(command)
        return click.option(
            "--timeout",
            default=timeout,
            show_default=True,
            type=click.FloatRange(min=minimum),
            help=timeout_help,
        )(command)

    return decorate


@main.command("check", cls=MathArguments, context_settings=MATH_SETTINGS)
@click.argument("expected")
@click.argument("answer")
@click.option(
    "--assume",
    "-a",
    default="",
    help='Clauses, e.g. "A symmetric; x, b vector; I + AB invertible" (an expression may be'
    " said invertible or nonzero: docs/notation.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@limit_options("Seconds before giving up (the check runs in a worker that is then killed).")
@click.option("--full", is_flag=True, help="Show every step of the derivation (the why: block).")
def check_command(
    expected: str,
    answer: str,
    assume: str,
    as_json: bool,
    timeout: float,
    memory_mb: int,
    full: bool,
) -> None:
    """Decide whether ANSWER equals EXPECTED under the assumptions.

    Exit status: 0 equivalent, 1 not-equivalent, 2 invalid input, 3 unknown.
    """
    from derive.sandbox import check_result, run_check

    result = check_result(run_check(expected, answer, assume, timeout=timeout, memory_mb=memory_mb))
    click.echo(result.to_json() if as_json else result.to_text(full))
    sys.exit(result.exit_code)


@main.command("grade")
@click.argument("answers", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--questions",
    "-q",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Question bank (TOML). Default: the course's bank.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Results file, JSON lines or .csv; a rerun resumes it. Default: stdout.",
)
@click.option(
    "--workers",
    "-j",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes.",
)
@limit_options("Seconds per answer before it is given up as unknown.", workers=True)
@click.option(
    "--derivations",
    is_flag=True,
    help="Add a `derivation` field: for an answer equivalent by derivation, the "
    "kernel-checked chain from it to the expected answer.",
)
def grade_command(
    answers: str,
    questions: str | None,
    output: str | None,
    workers: int,
    timeout: float,
    memory_mb: int,
    derivations: bool,
) -> None:
    """Grade ANSWERS (CSV or JSON lines) and write one result row per answer.

    Rows have a `question` id from the bank and an `answer`, or `expected`, `answer` and `assume`;
    other columns are carried through. A summary table goes to stderr.
    """
    from derive.grade import cli_grade

    sys.exit(cli_grade(answers, questions, output, workers, timeout, memory_mb, derivations))


@main.command("prove", cls=MathArguments, context_settings=MATH_SETTINGS)
@click.argument("claim")
@click.option(
    "--assume",
    "-a",
    default="",
    help='Clauses, e.g. "A, B invertible; A m x n; I + AB invertible" (an expression may be'
    " said invertible or nonzero: docs/notation.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@limit_options(
    "Seconds before giving up (the search runs in a worker that is then killed).", 10.0, 0.5
)
@click.option(
    "--full", is_flag=True, help="Show every step (else a run of steps by one rule is one line)."
)
def prove_command(
    claim: str, assume: str, as_json: bool, timeout: float, memory_mb: int, full: bool
) -> None:
    """Find a kernel-checked derivation of CLAIM ("LHS = RHS"), or a counterexample.

    Exit status: 0 proved or checked, 1 refuted, 2 invalid, 3 unknown (also past --timeout).
    """
    from derive.sandbox import run_prove

    result = run_prove(claim, assume=assume, timeout=timeout, memory_mb=memory_mb)
    click.echo(
        json.dumps(result.to_dict(), ensure_ascii=False) if as_json else result.to_text(full)
    )
    sys.exit(result.exit_code)


def _catalogue(dirs: tuple[str, ...]):
    from derive.catalogue import load
    from derive.errors import CatalogueError

    try:
        return load(list(dirs))
    except CatalogueError as exc:
        raise click.ClickException(str(exc)) from None


catalogue_option = click.option(
    "--catalogue",
    "dirs",
    multiple=True,
    envvar="DERIVE_CATALOGUE_DIRS",
    help="An extra catalogue folder (also DERIVE_CATALOGUE, separated by ':').",
)


@main.command("list")
@click.option("--tag", "-t", default=None, help="Only entries with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@catalogue_option
def list_command(tag: str | None, as_json: bool, dirs: tuple[str, ...]) -> None:
    """List the catalogue's entries (id, title, tags, status)."""
    from derive.verify import verify_entry

    cat = _catalogue(dirs)
    rows = []
    for e in cat.ordered():
        if tag and tag not in e.tags:
            continue
        status = verify_entry(e, cat).status
        rows.append(
            {
                "id": e.id,
                "title": e.title,
                "tags": list(e.tags),
                "status": status,
                "section": e.section,
                "statement": e.statement,
            }
        )
    if tag and not rows:
        known = sorted({t for e in cat.entries.values() for t in e.tags})
        from difflib import get_close_matches

        close = get_close_matches(tag, known, n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise click.ClickException(f"no entry has the tag '{tag}'.{hint}")
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    from derive.render import title_unicode

    for r in rows:
        click.echo(f"{r['id']:<36} {r['status']:<8} {title_unicode(r['title'])}")


@main.command("show")
@click.argument("entry_id")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "latex", "markdown", "json"]), default="text"
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@catalogue_option
def show_command(entry_id: str, fmt: str, as_json: bool, dirs: tuple[str, ...]) -> None:
    """Print the checked walkthrough of ENTRY_ID: the theorem, its intuition, every step with its
    rule and side conditions, and the exercise."""
    from derive.catalogue import suggestions
    from derive.render import walkthrough_latex, walkthrough_markdown, walkthrough_text
    from derive.verify import verify_entry

    cat = _catalogue(dirs)
    if entry_id not in cat.entries:
        close = suggestions(cat, entry_id)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise click.ClickException(f"no entry '{entry_id}' in the catalogue.{hint}")
    report = verify_entry(cat.entries[entry_id], cat)
    if as_json or fmt == "json":
        from derive.render import walkthrough_json

        click.echo(json.dumps(walkthrough_json(report), ensure_ascii=False, indent=1))
    else:
        render = {
            "text": walkthrough_text,
            "latex": walkthrough_latex,
            "markdown": walkthrough_markdown,
        }[fmt]
        click.echo(render(report))
    if report.status == "failed":
        sys.exit(1)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--questions",
    "-q",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Question bank (TOML). Default: the course's bank.",
)
@catalogue_option
@click.option(
    "--workers", "-j", default=2, show_default=True, type=click.IntRange(1, 64), help="Workers."
)
@limit_options("Seconds per check before it is given up as unknown.", workers=True)
def serve_command(
    host: str,
    port: int,
    questions: str | None,
    dirs: tuple[str, ...],
    workers: int,
    timeout: float,
    memory_mb: int,
) -> None:
    """Serve the practice page (/) and the HTTP API (/api/..., described at /openapi.json).

    Every check runs in a sandboxed worker with the time and memory limits. Loopback by default.
    """
    from derive.errors import DeriveError
    from derive.grade import load_bank

    try:
        bank = load_bank(questions)
        from derive.web import create_app

        app = create_app(bank, dirs, workers=workers, timeout=timeout, memory_mb=memory_mb)
    except DeriveError as exc:  # a teacher's bank or catalogue that cannot be loaded
        raise click.ClickException(str(exc)) from None
    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}, not only on this machine", err=True)
    click.echo(f"derive: {len(bank)} questions; practice page at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


@main.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def rules_command(as_json: bool) -> None:
    """List what the kernel trusts: every base rule, base fact and inference form."""
    from derive.trusted import trusted_base

    base = trusted_base()
    if as_json:
        click.echo(json.dumps(base, ensure_ascii=False, indent=1))
        return
    for title, key in (
        ("Base rules (equations)", "rules"),
        ("Base rules (relations)", "relations"),
        ("Base facts (side conditions)", "facts"),
        ("Inference forms", "forms"),
    ):
        click.echo(f"{title}:")
        for item in base[key]:
            click.echo(f"  {item['name']:<34} {item['statement']}")
            if item.get("reason"):
                click.echo(f"  {'':<34} because {item['reason']}")
        click.echo("")


@main.command("verify")
@click.argument("ids", nargs=-1)
@catalogue_option
def verify_command(ids: tuple[str, ...], dirs: tuple[str, ...]) -> None:
    """Re-check every proof (or the given ones) with the kernel; exit 1 on any failure."""
    from derive.verify import verify_all

    cat = _catalogue(dirs)
    unknown = [i for i in ids if i not in cat.entries]
    if unknown:
        raise click.ClickException(f"no entry {', '.join(unknown)} in the catalogue")
    reports = verify_all(cat, list(ids) or None)
    failed = 0
    checked = total = 0
    for r in reports:
        c, t = r.counts()
        checked, total = checked + c, total + t
        if r.status == "failed":
            failed += 1
            click.echo(f"FAIL {r.entry.id}")
            for err in r.errors:
                click.echo(f"  {err}")
    share = 100.0 * checked / total if total else 100.0
    click.echo(
        f"{len(reports)} entries, {failed} failed; {checked} of {total} steps "
        f"machine-checked ({share:.1f}%)"
    )
    sys.exit(1 if failed else 0)


@main.command("notes")
@click.option(
    "--output",
    "-o",
    default=None,
    help="The .tex file (default notes.tex), or with --format markdown a folder (default notes/).",
)
@click.option("--pdf", is_flag=True, help="Also build the PDF (latexmk or pdflatex).")
@click.option("--tag", "-t", "tags", multiple=True, help="Only entries with this tag (repeatable).")
@click.option(
    "--section", "-s", "sections", multiple=True, help="Only this section id (repeatable)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["latex", "markdown"]), default="latex", show_default=True
)
@click.option("--no-examples", is_flag=True, help="Leave out the worked numbers.")
@click.option("--title", default=None, help="The document's title (may hold $math$).")
@click.option("--author", default="", help="The author line (and the PDF's author).")
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size.",
)
@click.option(
    "--answers",
    type=click.Choice(["inline", "end", "none"]),
    default="inline",
    show_default=True,
    help="Answers under each exercise, all after the last section, or none.",
)
@click.option(
    "--references/--no-references",
    default=False,
    show_default=True,
    help="The Mathlib/Cookbook reference line under each theorem (for teachers).",
)
@catalogue_option
def notes_command(
    output: str | None,
    pdf: bool,
    tags: tuple[str, ...],
    sections: tuple[str, ...],
    fmt: str,
    no_examples: bool,
    title: str | None,
    author: str,
    paper: str,
    answers: str,
    references: bool,
    dirs: tuple[str, ...],
) -> None:
    """Write the course notes from the catalogue: LaTeX (and PDF) or Markdown pages."""
    from pathlib import Path

    from derive.notes import NoTeX, build_pdf, log_problems, notes_latex, notes_markdown

    cat = _catalogue(dirs)
    unknown = [s for s in sections if s not in cat.sections]
    if unknown:
        raise click.ClickException(
            f"no section {', '.join(unknown)}; sections: {', '.join(cat.sections)}"
        )
    if tags and not any(set(tags) & set(e.tags) for e in cat.entries.values()):
        raise click.ClickException(f"no entry has the tag {', '.join(tags)}")
    if fmt == "markdown":
        folder = Path(output or "notes")
        if folder.suffix in (".md", ".tex", ".pdf") or folder.is_file():
            raise click.ClickException(
                f"--format markdown writes a folder of pages; '{folder}' looks like a file "
                f"(try -o {folder.with_suffix('')})"
            )
        if not folder.parent.is_dir():
            raise click.ClickException(f"no folder '{folder.parent}' to write '{folder}' in")
        files = notes_markdown(
            cat,
            folder,
            tags,
            sections,
            examples=not no_examples,
            answers=answers,
            title=title or "",
        )
        click.echo(f"wrote {len(files)} pages to {folder}/")
        return
    out = Path(output or "notes.tex")
    if not out.parent.is_dir():
        raise click.ClickException(f"no folder '{out.parent}' to write '{out.name}' in")
    from derive.notes import DEFAULT_TITLE

    text = notes_latex(
        cat,
        tags,
        sections,
        title=title or DEFAULT_TITLE,
        examples=not no_examples,
        author=author,
        paper=paper,
        answers=answers,
        references=references,
    )
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"wrote {out}")
    if pdf:
        try:
            log = build_pdf(
                out.read_text(encoding="utf-8"),
                out.with_suffix(".pdf"),
                keep_log=str(out.with_suffix(".log")),
            )
        except NoTeX as exc:
            raise click.ClickException(str(exc)) from None
        except RuntimeError as exc:
            raise click.ClickException(f"{exc}\n(log: {out.with_suffix('.log')})") from None
        for problem in log_problems(log):
            click.echo(f"warning: {problem}", err=True)
        click.echo(f"wrote {out.with_suffix('.pdf')}")


if __name__ == "__main__":  # pragma: no cover
    main()
