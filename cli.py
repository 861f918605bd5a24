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
@click.option("--timeout", default=10.0, show_default=True, help="Seconds before giving up.")
def check_command(expected: str, answer: str, assume: str, as_json: bool, timeout: float) -> None:
    """Decide whether ANSWER equals EXPECTED under the assumptions.

    Exit status: 0 equivalent, 1 not-equivalent, 2 invalid input, 3 unknown.
    """
    from derive.check import check

    result = check(expected, answer, assume=assume)
    click.echo(result.to_json() if as_json else result.to_text())
    sys.exit(result.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
