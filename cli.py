"""The command line of `derive`: a thin click layer over the Python API.

Commands translate between the shell and ``derive``'s functions and nothing more. SymPy and the
engine are imported inside the commands, never at module level, so that ``derive --help`` and
every command start quickly.
"""

from __future__ import annotations

import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="derive")
def main() -> None:
    """derive: checked derivations and answer checking for linear algebra.

    \b
    derive check EXPECTED ANSWER --assume "A symmetric"   grade one answer
    derive show transpose-inverse                         a checked walkthrough
    """


@main.command("check")
@click.argument("expected")
@click.argument("answer")
@click.option("--assume", "-a", default="", help='Clauses, e.g. "A symmetric; x, b vector".')
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds before giving up (the check runs in a worker that is then killed).")
@click.option("--memory-mb", default=1024, show_default=True, type=click.IntRange(min=64),
              help="Memory limit of the worker, in MB.")
def check_command(expected: str, answer: str, assume: str, as_json: bool, timeout: float,
                  memory_mb: int) -> None:
    """Decide whether ANSWER equals EXPECTED under the assumptions.

    Exit status: 0 equivalent, 1 not-equivalent, 2 invalid input, 3 unknown.
    """
    from derive.sandbox import check_result, run_check

    result = check_result(run_check(expected, answer, assume, timeout=timeout, memory_mb=memory_mb))
    click.echo(result.to_json() if as_json else result.to_text())
    sys.exit(result.exit_code)


@main.command("grade")
@click.argument("answers", type=click.Path(exists=True, dir_okay=False))
@click.option("--questions", "-q", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Question bank (TOML). Default: the course's bank.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Results file, JSON lines or .csv; a rerun resumes it. Default: stdout.")
@click.option("--workers", "-j", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds per answer before it is given up as unknown.")
@click.option("--memory-mb", default=1024, show_default=True, type=click.IntRange(min=64),
              help="Memory limit of each worker, in MB.")
def grade_command(answers: str, questions: str | None, output: str | None, workers: int,
                  timeout: float, memory_mb: int) -> None:
    """Grade ANSWERS (CSV or JSON lines) and write one result row per answer.

    Rows have a `question` id from the bank and an `answer`, or `expected`, `answer` and `assume`;
    other columns are carried through. A summary table goes to stderr.
    """
    from derive.grade import cli_grade

    sys.exit(cli_grade(answers, questions, output, workers, timeout, memory_mb))


if __name__ == "__main__":  # pragma: no cover
    main()
