"""The front end reads every row of NOTATION.md as the contract says, and rejects the rest.

Each table row of ../shared/NOTATION.md has a test here; so do the assumption clauses and the
errors of "What is not accepted", each with its position (1-based in messages) and reason.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from derive.errors import AssumptionError, ParseError, ShapeError
from derive.expr import (
    Abs,
    Add,
    Conj,
    ConjTranspose,
    Const,
    Det,
    Func,
    Identity,
    Inverse,
    MatrixLit,
    Mul,
    Norm,
    Num,
    Pow,
    Sym,
    Trace,
    Transpose,
)
from derive.frontend import build_env, parse, parse_assumptions, read, typecheck

A, B, X, Z = Sym("A"), Sym("B"), Sym("x"), Sym("z")


def expr(source: str, assume: str = ""):
    return read(source, assume)[0].expr


def shape(source: str, assume: str = ""):
    return read(source, assume)[0].shape


# ---------------------------------------------------------------- symbols and their types


def test_uppercase_letter_is_a_square_matrix():
    typed, env = read("Q")
    assert typed.shape == ("n", "n")
    assert env["Q"].kind == "matrix"


@pytest.mark.parametrize("source", ["\\mathbf{x}", "\\boldsymbol{x}", "\\vec{x}"])
def test_bold_letter_is_a_vector(source):
    typed, env = read(source)
    assert typed.expr == X
    assert typed.shape == ("n", 1)
    assert env["x"].kind == "vector"


@pytest.mark.parametrize("source", ["c", "t", "\\lambda", "\\mu"])
def test_lowercase_and_greek_are_scalars(source):
    typed, env = read(source)
    assert typed.shape is None
    assert env[source].kind == "scalar"


def test_identity_takes_the_size_the_context_needs():
    assert expr("A + I") == Add((A, Identity("n")))
    assert shape("I + \\mathbf{x}\\mathbf{x}^T") == ("n", "n")
    typed, _ = read("A + I", "A 3 x 3")
    assert typed.expr == Add((A, Identity(3)))


def test_zero_next_to_matrices_is_the_zero_matrix():
    assert shape("A + 0") == ("n", "n")


def test_scalar_times_identity_of_a_one_by_one_product():
    # x^Tx I is (x^Tx) times the n×n identity, also inside a sum
    assert shape("\\mathbf{x}^T\\mathbf{x}I - \\mathbf{x}\\mathbf{x}^T") == ("n", "n")
    assert shape("A + (\\mathbf{x}^T\\mathbf{x})I") == ("n", "n")


def test_imaginary_unit_and_euler_unless_declared():
    assert expr("i") == Const("i")
    assert expr("e") == Const("e")
    assert expr("i", "i scalar") == Sym("i")
    assert expr("e", "e scalar") == Sym("e")
    assert expr("e^{x}") == Pow(Const("e"), Sym("x"))


def test_clause_overrides_the_default():
    typed, env = read("x^TAb", "x, b vector")
    assert typed.shape == (1, 1)
    assert env["x"].kind == env["b"].kind == "vector"


def test_real_unless_declared_complex():
    _, env = read("A + B", "B complex")
    assert "real" in env["A"].props and not env["A"].complex
    assert env["B"].complex
    _, env = read("H + U", "H hermitian; U unitary")
    assert env["H"].complex and env["U"].complex


# ---------------------------------------------------------------- operations


@pytest.mark.parametrize("source", ["AB", "A B", "A\\cdot B"])
def test_product_keeps_its_order(source):
    assert expr(source) == Mul((A, B))


@pytest.mark.parametrize(
    "source", ["A^T", "A^{T}", "A^\\top", "A^{\\top}", "A^\\intercal", "A^{\\intercal}"]
)
def test_transpose(source):
    assert expr(source) == Transpose(A)


@pytest.mark.parametrize("source", ["A^H", "A^{H}", "A^*", "A^{*}", "A^\\dagger", "A^{\\dagger}"])
def test_conjugate_transpose(source):
    assert expr(source) == ConjTranspose(A)


def test_inverse_and_powers():
    assert expr("A^{-1}") == Inverse(A)
    assert expr("A^2") == Pow(A, Num(Fraction(2)))
    assert expr("A^{k}", "k integer") == Pow(A, Sym("k"))
    assert expr("A^{-2}") == Pow(Inverse(A), Num(Fraction(2)))
    assert expr("a^{-1}") == Pow(Sym("a"), Num(Fraction(-1)))


@pytest.mark.parametrize("source", ["\\det(A)", "\\det A", "|A|", "\\operatorname{det}(A)"])
def test_determinant(source):
    typed, _ = read(source)
    assert typed.expr == Det(A)
    assert typed.shape is None


def test_bars_of_a_scalar_are_its_absolute_value():
    assert expr("|c|") == Abs(Sym("c"))
    assert expr("\\left|c\\right|") == Abs(Sym("c"))


@pytest.mark.parametrize(
    "source",
    ["\\operatorname{tr}(A)", "\\mathrm{tr}(A)", "\\text{tr}(A)", "\\operatorname{trace}(A)"],
)
def test_trace(source):
    assert expr(source) == Trace(A)


@pytest.mark.parametrize("source", ["\\|x\\|", "\\lVert x \\rVert", "\\left\\| x \\right\\|"])
def test_norm(source):
    typed, _ = read(source, "x vector")
    assert typed.expr == Norm(X)
    assert typed.shape is None


@pytest.mark.parametrize("source", ["\\bar{z}", "\\overline{z}", "\\bar z"])
def test_complex_conjugate(source):
    assert expr(source) == Conj(Z)


@pytest.mark.parametrize(
    "source,name",
    [
        ("e^{A}", "exp"),
        ("\\exp(A)", "exp"),
        ("\\sin(A)", "sin"),
        ("\\cos(A)", "cos"),
        ("\\sqrt{A}", "sqrt"),
    ],
)
def test_matrix_functions(source, name):
    typed, _ = read(source)
    assert typed.expr == Func(name, A)
    assert typed.shape == ("n", "n")


@pytest.mark.parametrize("env", ["bmatrix", "pmatrix"])
def test_explicit_matrix(env):
    typed, _ = read(f"\\begin{{{env}}} 1 & 2 \\\\ 3 & 4 \\end{{{env}}}")
    one, two, three, four = (Num(Fraction(k)) for k in (1, 2, 3, 4))
    assert typed.expr == MatrixLit(((one, two), (three, four)))
    assert typed.shape == (2, 2)
    assert shape(f"\\begin{{{env}}} 1 \\\\ 2 \\\\ 3 \\end{{{env}}}") == (3, 1)


def test_ordinary_latex():
    from derive.expr import Frac

    assert expr("\\frac{a}{b}") == Frac(Sym("a"), Sym("b"))
    assert expr("\\dfrac{a}{b}") == Frac(Sym("a"), Sym("b"))
    assert expr("\\sqrt{a}") == Func("sqrt", Sym("a"))
    assert expr("\\left(A+B\\right)^T") == Transpose(Add((A, B)))
    for spaced in ("a\\,b", "a\\;b", "a\\quad b", "a \\! b", "a\\ b"):
        assert expr(spaced) == Mul((Sym("a"), Sym("b"))), spaced


def test_one_by_one_product_is_a_scalar():
    typed, _ = read("\\mathbf{x}^TA\\mathbf{y}A")
    assert typed.shape == ("n", "n")
    typed, _ = read("(\\mathbf{x}^TA\\mathbf{y})^2")
    assert typed.shape is None or typed.shape == (1, 1)


@pytest.mark.parametrize(
    "source,value",
    [
        ("0.5", Fraction(1, 2)),
        ("0.333", Fraction(333, 1000)),
        ("2.50", Fraction(5, 2)),
        (".25", Fraction(1, 4)),
    ],
)
def test_decimals_are_exact(source, value):
    assert expr(source) == Num(value)


# ---------------------------------------------------------------- assumption clauses


def test_clause_properties_and_names():
    a = parse_assumptions("A symmetric; A invertible; x, b vector; c scalar")
    assert a.props_of("A") == {"symmetric", "invertible"}
    assert a.props_of("x") == {"vector"} and a.props_of("b") == {"vector"}
    assert a.props_of("c") == {"scalar"}


@pytest.mark.parametrize("clause", ["A m x n", "A m×n", "A m \\times n"])
def test_rectangular_shape_clause(clause):
    typed, env = read("A", clause)
    assert typed.shape == ("m", "n")
    assert (env["A"].rows, env["A"].cols) == ("m", "n")


def test_square_shape_clause_brings_the_size_into_scope():
    typed, env = read("c^{n}\\det(A)", "A n x n")
    assert "n" in env.dims
    assert typed.shape is None
    # the size n is then the same n as the matrix's
    from derive.checker import check

    assert check("\\det(cA)", "c^{n}\\det(A)", assume="A n x n").verdict == "equivalent"


def test_rectangular_products_typecheck():
    assert shape("A^TA", "A m x n") == ("n", "n")
    assert shape("AA^T", "A m x n") == ("m", "m")
    with pytest.raises(ShapeError):
        read("AA", "A m x n")


@pytest.mark.parametrize(
    "props,implied,not_implied",
    [
        ("orthogonal", {"invertible", "real"}, {"positive_definite", "symmetric"}),
        ("positive_definite", {"invertible", "symmetric", "positive_semidefinite"}, set()),
        ("positive_semidefinite", {"symmetric"}, {"invertible"}),
        ("unitary", {"invertible", "complex"}, set()),
        ("hermitian", {"complex"}, set()),
        ("diagonal", {"symmetric"}, {"invertible"}),
        ("symmetric", set(), {"invertible", "diagonal"}),
    ],
)
def test_implications(props, implied, not_implied):
    _, env = read("Q", f"Q {props}")
    assert implied <= env["Q"].props
    assert not (not_implied & env["Q"].props)


def test_complex_positive_definite_is_hermitian():
    _, env = read("P", "P positive_definite; P complex")
    assert "hermitian" in env["P"].props


@pytest.mark.parametrize(
    "clause,words",
    [
        ("A weird", "unknown property"),
        ("x vector; x symmetric", "cannot be symmetric"),
        ("A m x n; A invertible", "square"),
        ("A vector; A matrix", "both"),
        ("A 0 x 3", "sizes"),
    ],
)
def test_bad_clauses(clause, words):
    with pytest.raises(AssumptionError, match=words):
        assumptions = parse_assumptions(clause)
        build_env(assumptions, [parse("A + x")])


# ---------------------------------------------------------------- clauses about an expression


@pytest.mark.parametrize(
    "clause,source,prop",
    [
        ("A m x n; B n x m; I + AB invertible", "I + AB", "invertible"),
        ("A m x n; B n x m; I + AB is invertible", "I + AB", "invertible"),
        ("A + UCV nonsingular", "A + UCV", "invertible"),
        ("C^{-1} + VA^{-1}U invertible", "C^{-1} + VA^{-1}U", "invertible"),
        ("A^T invertible", "A^T", "invertible"),
        ("u, v vector; 1 + v^TA^{-1}u nonzero", "1 + v^TA^{-1}u", "nonzero"),
        ("u, v vector; v^Tu invertible", "v^Tu", "nonzero"),  # a scalar: nonzero, as for names
    ],
)
def test_a_clause_about_an_expression(clause, source, prop):
    assumptions = parse_assumptions(clause)
    assert [s for s, _, _ in assumptions.exprs] == [source]
    assert not any(source in n for n in assumptions.names())
    _, env = read("A", clause)
    ((src, expr, p),) = env.facts
    assert (src, p) == (source, prop)
    assert expr == typecheck([parse(source)], env)[0].expr


def test_the_identity_in_a_clause_takes_its_size_from_the_clause():
    _, env = read("A", "A m x n; B n x m; I + AB invertible")
    ((_, expr, _),) = env.facts
    assert expr == Add((Identity("m"), Mul((Sym("A"), Sym("B")))))
    assert env["B"].rows == "n"  # a symbol of the clause only is typed too


@pytest.mark.parametrize(
    "clause",
    [
        "A, B invertible; x vector; A m x n",
        "A positive definite",
        "A, B are invertible",
        "\\mathbf{u} nonzero",
        "b_{1,2}, c scalar",
        "A, B commute",
    ],
)
def test_clauses_of_names_read_as_before(clause):
    assert parse_assumptions(clause).exprs == ()


@pytest.mark.parametrize(
    "clause,position,words",
    [
        ("A symmetric; I + AB) invertible", 20, "')' closes nothing"),
        ("I + A^{-1 invertible", 7, "never closed"),
        ("I + AB symmetric", 8, "'symmetric' is said of names only"),
        ("A^T commute", 5, "'commute' is said of names only"),
        ("A B invertible", 1, "separate them by commas"),
        ("A + B, C invertible", 6, "a list is of names only"),
        ("A m x n; A + B invertible", 14, "cannot add"),
        ("A m x n; B m x n; A + B invertible", 19, "needs a square matrix"),
    ],
)
def test_bad_clauses_about_an_expression(clause, position, words):
    """The position (1-based) is in the whole text of the clauses."""
    with pytest.raises(ParseError) as info:
        build_env(parse_assumptions(clause), [parse("A")])
    assert isinstance(info.value, AssumptionError)
    assert info.value.position + 1 == position
    assert words in info.value.reason
    assert "in the clause" in info.value.reason


def test_an_unknown_property_after_an_expression_names_the_last_word():
    with pytest.raises(AssumptionError, match="unknown property 'weird'"):
        parse_assumptions("I + AB weird")


# ---------------------------------------------------------------- what is not accepted


@pytest.mark.parametrize(
    "source,position,words",
    [
        ("\\foo{A}", 0, "unknown command"),
        ("A^{-1", 2, "never closed"),
        ("A^{-1}}", 6, "closes nothing"),
        ("(A+B", 0, "never closed"),
        ("A+B)", 3, "closes nothing"),
        ("A + \\{b\\}", 4, "literal brace"),
        ("$A$", 0, "not in the notation"),
        ("A @ B", 2, "not in the notation"),
        ("\u00e9", 0, "write LaTeX"),
        ("A+", 2, "ends too early"),
        ("", 0, "empty"),
        ("\\begin{align}A\\end{align}", 0, "environment"),
        ("\\begin{bmatrix}1&2\\\\3\\end{bmatrix}", 0, "row 2"),
        ("\\operatorname{foo}(A)", 0, "unknown operator"),
        ("A^12", 1, "first character"),
        ("\\mathbf{2}", 8, "\\mathbf{0}"),
        ("\\sin^{-1}(a)", 0, "ambiguous"),
    ],
)
def test_parse_errors_have_position_and_reason(source, position, words):
    with pytest.raises(ParseError) as info:
        read(source)
    err = info.value
    assert err.position == position, str(err)
    assert words in err.reason
    assert f"at position {position + 1}:" in str(err)


@pytest.mark.parametrize(
    "source,assume,position,words",
    [
        ("\\mathbf{x}A", "", 10, "cannot multiply a vector"),
        ("A + \\mathbf{x}", "", 4, "cannot add"),
        ("\\det(\\mathbf{x})", "", 0, "determinant of a vector"),
        ("\\det x", "x vector", 0, "determinant of a vector"),
        ("\\operatorname{tr}(\\mathbf{x})", "", 0, "trace of a vector"),
        ("|\\mathbf{x}|", "", 0, "norm"),
        ("\\|A\\|", "", 0, "norm of a vector"),
        ("\\frac{1}{A}", "", 9, "cannot divide"),
        ("A^{k}", "", 3, "integer exponent"),
        ("A + 1", "", 4, "cannot add a scalar"),
        ("AB^T", "A 2 x 3; B 2 x 2", 2, "cannot multiply"),
        ("\\det(A)", "A m x n", 0, "square"),
        ("A^{\\mathbf{x}}", "", 3, "exponent must be a scalar"),
    ],
)
def test_shape_errors_have_position_and_reason(source, assume, position, words):
    with pytest.raises(ShapeError) as info:
        read(source, assume)
    err = info.value
    assert err.position == position, str(err)
    assert words in err.reason


def test_nothing_is_evaluated_as_code():
    # Python in the input is just letters and refused punctuation, never run
    with pytest.raises(ParseError):
        read("__import__('os').system('true')")


def test_parse_and_typecheck_separately():
    p = parse("(AB)^T")
    assert p.tree == Transpose(Mul((A, B)))
    env = build_env(parse_assumptions("A, B symmetric"), [p])
    (typed,) = typecheck([p], env)
    assert typed.shape == ("n", "n")
    assert env["A"].has("symmetric")


def test_relation_parsing():
    from derive.expr import Relation

    assert parse("A = B", relation=True).tree == Relation("=", A, B)
    with pytest.raises(ParseError):
        parse("A = B")  # a relation where an expression is expected
