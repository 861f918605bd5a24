"""``derive prove`` runs in a sandboxed worker with a time limit: no call hangs."""

from __future__ import annotations

import time

from click.testing import CliRunner

import cli
from derive.sandbox import run_prove


def test_a_claim_past_the_time_limit_is_unknown_in_bounded_time():
    start = time.monotonic()
    result = run_prove("e^{e^{e^{10}}} = 1", timeout=1.0)
    assert result.status == "unknown" and "time limit" in result.reason
    assert time.monotonic() - start < 8  # the limit, plus starting and stopping a worker


def test_a_claim_within_the_limit_is_proved_with_its_steps():
    result = run_prove("(AB)^{-1} = B^{-1}A^{-1}", assume="A, B invertible", timeout=20)
    assert result.status == "proved" and result.steps[-1] == ("B^{-1}A^{-1}", "inverse-of-product")


def test_the_command_line_takes_a_timeout():
    out = CliRunner().invoke(cli.main, ["prove", "e^{e^{e^{10}}} = 1", "--timeout", "1", "--json"])
    assert out.exit_code == 3 and '"status": "unknown"' in out.output
