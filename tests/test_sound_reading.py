"""Issue 10, second round: readings that must not be proved, sizes that must not be lost, prose that
must not pass for a kernel proof, arguments that must not be taken for options, and author files
that must be refused with a file, a line and the expected type."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from derive.checker import check
from derive.errors import AssumptionError, ParseError
from derive.frontend import close_properties, parse, read

# ---------------------------------------------------------------- 1. misreadings


def test_T_declared_a_scalar_makes_X_T_a_power():
    # (1+r)^{T} with T a scalar was read as a transpose, and "proved" equal to 1 + r
    assert check("(1+r)^{T}", "1+r", "T scalar").verdict == "not-equivalent"
    assert check("(1+r)^{T}", "(1+r)^{T-1}(1+r)", "T scalar; r positive").verdict == "equivalent"
    assert check("A^{T}", "A^{\\top}", "T scalar; T integer").verdict == "not-equivalent"
    assert check("A^{-T}", "(A^{T})^{-1}", "T scalar; T integer; A invertible").verdict == (
        "equivalent"
    )
    assert check("z^H", "z^2", "H scalar; z scalar; H integer").verdict == "not-equivalent"


def test_T_as_a_letter_on_a_scalar_is_refused_with_the_choices():
    r = check("(1+r)^T", "1+r")
    assert r.verdict == "invalid"
    assert "T scalar" in r.error["message"] and "\\top" in r.error["message"]
    assert r.error["position"] == 6
    assert check("(1+r)^{\\top}", "1+r").verdict == "equivalent"  # written as a transpose
    assert check("c^H", "\\bar{c}", "c complex").verdict == "invalid"


def test_T_stays_the_transpose_on_matrices_and_vectors():
    assert check("(AB)^T", "B^TA^T").verdict == "equivalent"
    assert check("\\mathbf{x}^T\\mathbf{x}", "\\|\\mathbf{x}\\|^2").verdict == "equivalent"
    assert check("(\\mathbf{x}^T\\mathbf{y})^T", "\\mathbf{y}^T\\mathbf{x}").verdict == "equivalent"


def test_minus_H_is_the_inverse_of_the_conjugate_transpose():
    assume = "A invertible; A complex"
    assert check("A^{-H}", "(A^H)^{-1}", assume).verdict == "equivalent"
    assert check("A^{-H}", "(A^T)^{-1}", assume).verdict == "not-equivalent"
    assert check("A^{-T}", "(A^T)^{-1}", assume).verdict == "equivalent"


def test_commas_in_subscripts_are_kept():
    assert check("a_{1,23}", "a_{12,3}").verdict == "not-equivalent"
    assert check("a_{1,23}", "a_{1,23}").verdict == "equivalent"
    assert check("a_{1,2}", "a_{12}").verdict == "not-equivalent"
    assert check("a_{1,2}", "|a_{1,2}|", "a_{1,2} positive").verdict == "equivalent"
    assert check("a_{1,2}", "|a_{1,2}|", "b, a_{1,2} positive").verdict == "equivalent"
    for bad in ("a_{1,}", "a_{,1}", "a_{1,,2}"):
        with pytest.raises(ParseError):
            parse(bad)


@pytest.mark.parametrize(
    "text",
    [
        "\\frac{d}{dx}(x^2)",
        "\\frac{d}{dx}x^2",
        "\\frac{dy}{dx}",
        "\\frac{d^2y}{dx^2}",
        "\\frac{d^{2}}{dt^{2}}(t^3)",
        "1 + \\frac{d f}{d t}",
    ],
)
def test_leibniz_derivatives_are_refused(text):
    r = check(text, "2x")
    assert r.verdict == "invalid", r
    assert "derivative" in r.error["message"]
    assert r.error["position"] == text.index("\\frac") + 1


@pytest.mark.parametrize(
    "text",
    [
        "\\partial x",
        "\\nabla f",
        "\\int x",
        "\\lim x",
        "\\sum x",
        "\\prod x",
        "x'",
        "\\dot{x}",
        "\\mathrm{d}x",
        "\\oint x",
        "\\iint x",
    ],
)
def test_other_unsupported_notation_is_refused_with_a_position(text):
    r = check(text, "x")
    assert r.verdict == "invalid" and r.error.get("position"), r


def test_quotients_that_merely_contain_d_still_read():
    assert check("\\frac{d}{x}", "d x^{-1}").verdict == "equivalent"
    assert check("\\frac{ad}{dx}", "\\frac{a}{x}").verdict == "equivalent"


def test_I_n_is_the_identity_of_size_n():
    assert check("I_n", "I").verdict == "equivalent"
    assert check("I_nA", "A").verdict == "equivalent"
    assert check("\\operatorname{tr}(I_n)", "n").verdict == "equivalent"
    assert check("\\operatorname{tr}(I_3)", "3").verdict == "equivalent"
    assert check("\\operatorname{tr}(I_m)", "m", "A n x n").verdict == "equivalent"
    assert check("I_3A", "A", "A 2 x 2").verdict == "invalid"  # the sizes do not fit
    assert check("I_{1,2}", "I").verdict == "invalid"
    # declared, I_1 is an ordinary matrix again
    assert check("I_1", "I", "I_1 symmetric").verdict == "not-equivalent"


def test_real_unitary_is_orthogonal_and_real_hermitian_is_symmetric():
    assert sorted(close_properties({"real", "unitary"})) == [
        "invertible",
        "nonzero",
        "orthogonal",
        "real",
    ]
    assert "symmetric" in close_properties({"real", "hermitian"})
    assert "complex" not in close_properties({"real", "hermitian"})
    assert check("U^TU", "I", "U real; U unitary").verdict == "equivalent"
    assert check("U^{-1}", "U^T", "U real; U unitary").verdict == "equivalent"
    assert check("H^T", "H", "H real; H hermitian").verdict == "equivalent"
    # another symbol complex does not make U complex
    assert check("U^TU", "I", "U real; U unitary; B complex").verdict == "equivalent"
    with pytest.raises(AssumptionError):
        read("A", "A real; A complex")


# ---------------------------------------------------------------- 2. sizes


def test_rank_of_a_multiple_of_I_keeps_its_size():
    e = "\\operatorname{rank}(\\sqrt{n^2+n-1}\\,I)"
    assert check(e, "\\operatorname{rank}(\\sqrt{n^2+n-1})", "A n x n").verdict != "equivalent"
    assert check("\\operatorname{rank}(2I)", "\\operatorname{rank}(2)", "A n x n").verdict == (
        "not-equivalent"
    )
    assert check("\\operatorname{rank}(2I)", "\\operatorname{rank}(3I)").verdict == "equivalent"
    assert check("\\operatorname{rank}(2I_m)", "\\operatorname{rank}(2I_n)").verdict == (
        "not-equivalent"
    )


# ---------------------------------------------------------------- 3. prose


def _catalogue(tmp_path, proof_steps: str) -> str:
    (tmp_path / "identities").mkdir()
    (tmp_path / "proofs").mkdir()
    (tmp_path / "identities" / "trig.toml").write_text(
        textwrap.dedent("""
        [[entry]]
        id = 'sin-cos-squares'
        title = 'The squares of sine and cosine add to one'
        section = 'matrix-operations'
        statement = '\\sin^2(t) + \\cos^2(t) = 1'
        tags = ['trig']
        """)
    )
    (tmp_path / "proofs" / "trig.toml").write_text(
        textwrap.dedent(f"""
        [[proof]]
        id = 'sin-cos-squares'
        steps = [
        {proof_steps}
        ]
        """)
    )
    return str(tmp_path)


def test_prove_does_not_report_a_partly_prose_citation_as_kernel_checked(tmp_path, monkeypatch):
    from derive.prove import prove

    folder = _catalogue(
        tmp_path,
        "{ expr = '\\sin^2(t) + \\cos^2(t)' },\n"
        "{ expr = '1', prose = 'Pythagoras on the unit circle.' },",
    )
    monkeypatch.setenv("DERIVE_CATALOGUE", folder)
    r = prove("\\sin^2(y) + \\cos^2(y) = 1")
    assert r.status == "checked", r
    assert r.leans_on == ["sin-cos-squares"]
    assert "each checked by the kernel" not in r.to_text()
    assert "sin-cos-squares" in r.to_text() and "sin-cos-squares" in r.reason
    assert r.to_dict()["leans_on"] == ["sin-cos-squares"]


# ---------------------------------------------------------------- 4. the command line


@pytest.mark.parametrize(
    "args,code",
    [
        (["check", "-\\phi", "\\phi"], 1),
        (["check", "-\\phi", "-\\phi"], 0),
        (["check", "-h", "-h"], 0),
        (["check", "-x", "-x", "--assume", "x scalar"], 0),
        (["check", "-x", "-x", "--assume=x scalar", "--json"], 0),
        (["check", "--", "-a", "-a"], 0),
        (["prove", "-\\theta = \\theta"], 1),
        (["prove", "-A^T = -A^T", "-a", "A symmetric"], 0),
    ],
)
def test_arguments_that_start_with_a_minus_are_arguments(args, code):
    import cli

    res = CliRunner().invoke(cli.main, args)
    assert res.exit_code == code, res.output
    assert "Usage" not in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "x"],
        ["check", "a", "b", "c"],
        ["check", "-a"],
        ["prove"],
        ["prove", "-a"],
        ["check", "x", "x", "--timeout"],
        ["check", "x", "x", "--timeout", "zz"],
    ],
)
def test_usage_errors_exit_2(args):
    import cli

    res = CliRunner().invoke(cli.main, args)
    assert res.exit_code == 2, res.output


def test_help_still_works():
    import cli

    res = CliRunner().invoke(cli.main, ["check", "--help"])
    assert res.exit_code == 0 and "EXPECTED ANSWER" in res.output


# ---------------------------------------------------------------- 5. author files

GOOD_ENTRY = """\
[[entry]]
id = 'my-twice'
title = 'Twice'
section = 'matrix-operations'
statement = '((A^T)^T)^T = A^T'
tags = ['transpose']
"""
GOOD_PROOF = """\
[[proof]]
id = 'my-twice'
steps = [
  { expr = '((A^T)^T)^T' },
  { expr = 'A^T', by = 'transpose-of-transpose' },
]
"""


def _verify(tmp_path, entry: str, proof: str):
    import cli

    (tmp_path / "identities").mkdir(exist_ok=True)
    (tmp_path / "proofs").mkdir(exist_ok=True)
    (tmp_path / "identities" / "mine.toml").write_text(entry)
    (tmp_path / "proofs" / "mine.toml").write_text(proof)
    return CliRunner().invoke(cli.main, ["verify", "--catalogue", str(tmp_path), "my-twice"])


def test_a_good_author_file_verifies(tmp_path):
    res = _verify(tmp_path, GOOD_ENTRY, GOOD_PROOF)
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    "where,old,new,line,expected",
    [
        ("proof", "steps = [", "steps = []\nx = [", 3, "at least one step"),
        ("proof", "by = 'transpose-of-transpose'", "by = 3", 5, "a string"),
        ("proof", "expr = 'A^T'", "expr = 5", 5, "a string"),
        ("entry", "tags = ['transpose']", "tags = ['transpose']\nassume = 5", 7, "a string"),
        ("entry", "tags = ['transpose']", "tags = 5", 6, "a list of strings"),
        (
            "entry",
            "tags = ['transpose']",
            "tags = ['t']\nreferences = ['x']",
            7,
            "a table of strings",
        ),
        ("entry", "tags = ['transpose']", "tags = [1, 2]", 6, "a list of strings"),
        (
            "entry",
            "tags = ['transpose']",
            "tags = ['t']\nhypotheses = 'A = B'",
            7,
            "a list of strings",
        ),
        ("entry", "tags = ['transpose']", "tags = ['t']\nexample = 'yes'", 7, "true or false"),
        ("entry", "title = 'Twice'", "title = 2", 3, "a string"),
        ("proof", "steps = [", "chains = 3\nsteps = [", 3, "a list of tables"),
        ("proof", "  { expr = '((A^T)^T)^T' },", "  '((A^T)^T)^T',", 3, "a list of tables"),
    ],
)
def test_wrong_types_name_the_file_the_line_and_the_type(tmp_path, where, old, new, line, expected):
    entry, proof = GOOD_ENTRY, GOOD_PROOF
    if where == "entry":
        assert old in entry
        entry = entry.replace(old, new)
    else:
        assert old in proof
        proof = (
            proof.replace(old, new, 1)
            if old != "expr = 'A^T'"
            else proof.replace("{ expr = 'A^T'", "{ expr = 5")
        )
    res = _verify(tmp_path, entry, proof)
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    assert f"mine.toml:{line}:" in res.output, res.output
    assert expected in res.output, res.output


def test_a_failing_step_that_repeats_an_earlier_line_is_named_at_its_own_line(tmp_path):
    proof = GOOD_PROOF[: -len("]\n")] + (
        "  { expr = 'A^T', by = 'transpose-of-transpose' },\n"
        "  { expr = 'A', by = 'transpose-of-transpose' },\n]\n"
    )
    res = _verify(tmp_path, GOOD_ENTRY, proof)
    assert res.exit_code == 1
    assert "step 2 (" in res.output and "mine.toml:6)" in res.output, res.output
    assert "step 3 (" in res.output and "mine.toml:7)" in res.output, res.output


def test_prove_has_the_symbol_cap_of_check():
    from derive.limits import DEFAULT
    from derive.prove import prove

    many = " + ".join(f"x_{{{k}}}" for k in range(DEFAULT.max_symbols + 1))
    assert check(many, many).verdict == "invalid"
    r = prove(f"{many} = {many}")
    assert r.status == "invalid", r
    assert "cap" in r.error["message"]
