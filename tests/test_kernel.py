"""The kernel: correct steps pass, and every kind of tampered step fails with a clear message.

Steps are checked through the core (``derive.core.kernel``) by ``derive.verify.check_one_step``:
with no theorem in context, or (``cat=load()``) in the context of the catalogue's theorems.
"""

from __future__ import annotations

import textwrap

import pytest

from derive.catalogue import Catalogue, Chain, Entry, Step, _load, load
from derive.errors import CatalogueError
from derive.verify import check_one_step, same_terms, verify_entry

CAT = load()


def step(prev: str, nxt: str, rule: str, assume: str = "", rel: str = "=", cat=None):
    return check_one_step(prev, nxt, rule, assume, rel, cat=cat)


def test_a_rule_applies_at_one_place_inside_a_product():
    assert step("CAA^{-1}B", "CIB", "inverse-mul-self", "A invertible").ok
    assert step("CAA^{-1}B", "CB", "inverse-mul-self", "A invertible").ok  # I is the unit
    assert not step("CAA^{-1}B", "BC", "inverse-mul-self", "A invertible").ok
    assert not step("CAA^{-1}B", "CIB", "inverse-mul-self", "").ok  # A not invertible


def test_a_rule_applies_backwards():
    assert step("B^TA^T", "(AB)^T", "transpose-of-product").ok


def test_wrong_rule_fails():
    assert not step("(AB)^T", "B^TA^T", "transpose-of-sum").ok


def test_wrong_expression_fails():
    res = step("(AB)^T", "A^TB^T", "transpose-of-product")
    assert not res.ok and "does not take" in res.message


def test_missing_hypothesis_fails():
    # inverse-of-product is a theorem of the catalogue now, not a base rule
    assert not step("(AB)^{-1}", "B^{-1}A^{-1}", "inverse-of-product", "A, B invertible").ok
    res = step("(AB)^{-1}", "B^{-1}A^{-1}", "inverse-of-product", "A invertible", cat=CAT)
    assert not res.ok and "it needs B invertible" in res.message
    res = step("(AB)^{-1}", "B^{-1}A^{-1}", "inverse-of-product", "A, B invertible", cat=CAT)
    assert res.ok
    assert {c.describe() for c in res.conditions} == {
        "A invertible: hypothesis A invertible",
        "B invertible: hypothesis B invertible",
    }
    res = step("S^T", "S", "symmetric-transpose")
    assert not res.ok and "it needs S symmetric" in res.message


def test_removed_base_rules_are_theorems_to_cite():
    res = step("(A^{-1})^T", "(A^T)^{-1}", "transpose-of-inverse", "A invertible", cat=CAT)
    assert not res.ok and "is no base rule" in res.message
    # inverse-of-product names a theorem of the catalogue only
    res = step("(AB)^{-1}", "B^{-1}A^{-1}", "inverse-of-product", "A, B invertible")
    assert not res.ok and "is no base rule" in res.message
    assert step("(A^{-1})^T", "(A^T)^{-1}", "transpose-inverse", "A invertible", cat=CAT).ok
    assert not step("(A^{-1})^T", "(A^T)^{-1}", "transpose-inverse", "A invertible").ok


def test_positive_definite_is_invertible_only_by_the_theorem():
    # no built-in closure: "A positive definite" gives "A invertible" only through pd-invertible
    res = step("AA^{-1}", "I", "inverse-mul-self", "A positive_definite")
    assert not res.ok and "it needs A invertible" in res.message
    res = step("AA^{-1}", "I", "inverse-mul-self", "A positive_definite", cat=CAT)
    assert res.ok
    [cond] = [c for c in res.conditions if c.claim.prop == "invertible"]
    assert (cond.kind, cond.name) == ("theorem", "pd-invertible")


def test_the_kernel_rejects_a_step_that_changes_nothing():
    res = step("A(BC)", "A(BC)", "mul-assoc")
    assert not res.ok and "changes nothing" in res.message
    assert not step("AB", "(AB)", "mul-assoc").ok


def test_same_is_up_to_associativity_and_scalar_arithmetic_only():
    assert same_terms("2(AB)C + 3D", "3D + A(2B)C")
    assert not same_terms("2(AB)C + 3D", "2BAC + 3D")  # never commutes matrices


def test_relational_rule_needs_its_side_conditions():
    z = "\\mathbf{z}^TA\\mathbf{z}"
    assert step(z, "0", "positive-definite-definition", "A positive_definite; z nonzero", ">").ok
    # z might be 0
    res = step(z, "0", "positive-definite-definition", "A positive_definite", ">")
    assert not res.ok and "it needs z nonzero" in res.message
    # not positive definite
    assert not step(z, "0", "positive-definite-definition", "A symmetric; z nonzero", ">").ok
    # the definition gives >, not =
    assert not step(z, "0", "positive-definite-definition", "A positive_definite; z nonzero").ok


def _entry(statement, steps, assume=""):
    return Entry(
        id="tampered",
        title="t",
        statement=statement,
        section="s",
        assume=assume,
        chains=(Chain(tuple(Step(e, by) for e, by in steps)),),
        proof_file="x.toml",
    )


def test_tampered_proofs_fail_with_entry_step_rule_and_expressions():
    cat = load()
    good = _entry(
        "(A^{-1})^T = (A^T)^{-1}",
        [("(A^{-1})^T", None), ("(A^T)^{-1}", "transpose-inverse")],
        "A invertible",
    )
    assert verify_entry(good, cat).status == "checked"
    wrong_rule = _entry(
        "(A^{-1})^T = (A^T)^{-1}",
        [("(A^{-1})^T", None), ("(A^T)^{-1}", "transpose-of-sum")],
        "A invertible",
    )
    report = verify_entry(wrong_rule, cat)
    assert report.status == "failed"
    msg = report.errors[0]
    assert "tampered" in msg and "step 1" in msg and "transpose-of-sum" in msg and "(A)^-1" in msg
    wrong_expr = _entry(
        "(A^{-1})^T = (A^T)^{-1}",
        [("(A^{-1})^T", None), ("(A^{-1})^{-1}", "transpose-inverse")],
        "A invertible",
    )
    assert verify_entry(wrong_expr, cat).status == "failed"
    missing_hyp = _entry(
        "(A^{-1})^T = (A^T)^{-1}", [("(A^{-1})^T", None), ("(A^T)^{-1}", "transpose-inverse")]
    )
    report = verify_entry(missing_hyp, cat)
    assert report.status == "failed" and "it needs A invertible" in report.errors[0]
    wrong_end = _entry(
        "(A^{-1})^T = A^{-1}",
        [("(A^{-1})^T", None), ("(A^T)^{-1}", "transpose-inverse")],
        "A invertible",
    )
    report = verify_entry(wrong_end, cat)
    assert report.status == "failed" and "no chain proves the conclusion" in report.errors[0]
    removed_rule = _entry(
        "(A^{-1})^T = (A^T)^{-1}",
        [("(A^{-1})^T", None), ("(A^T)^{-1}", "transpose-of-inverse")],
        "A invertible",
    )
    report = verify_entry(removed_rule, cat)
    assert report.status == "failed" and "is no base rule" in report.errors[0]


def test_citing_an_entry_instantiates_it():
    cat = load()
    cited = _entry(
        "((BC)^{-1})^T = ((BC)^T)^{-1}",
        [("((BC)^{-1})^T", None), ("((BC)^T)^{-1}", "transpose-inverse")],
        "B, C invertible",
    )
    assert verify_entry(cited, cat).status == "checked"
    unmet = _entry(
        "((BC)^{-1})^T = ((BC)^T)^{-1}",
        [("((BC)^{-1})^T", None), ("((BC)^T)^{-1}", "transpose-inverse")],
    )
    assert verify_entry(unmet, cat).status == "failed"
    half = _entry(
        "((BC)^{-1})^T = ((BC)^T)^{-1}",
        [("((BC)^{-1})^T", None), ("((BC)^T)^{-1}", "transpose-inverse")],
        "B invertible",
    )
    report = verify_entry(half, cat)
    assert report.status == "failed" and "it needs B C invertible" in report.errors[0]
    # B C invertible came from the theorem inverse-of-product, which the step therefore uses
    assert {"transpose-inverse", "inverse-of-product"} <= verify_entry(cited, cat).uses


def test_the_whole_catalogue_verifies():
    from derive.verify import verify_all

    reports = verify_all(load())
    failed = [r.errors for r in reports if r.status == "failed"]
    assert not failed
    checked = sum(r.counts()[0] for r in reports)
    total = sum(r.counts()[1] for r in reports)
    assert checked >= 0.95 * total


def _write(tmp_path, identities: str, proofs: str = ""):
    (tmp_path / "identities").mkdir()
    (tmp_path / "proofs").mkdir()
    (tmp_path / "identities" / "mine.toml").write_text(textwrap.dedent(identities))
    (tmp_path / "proofs" / "mine.toml").write_text(textwrap.dedent(proofs))
    _load.cache_clear()
    return [str(tmp_path)]


ENTRY = """
    [[entry]]
    id = '{id}'
    title = 't'
    section = 'mine'
    statement = '{statement}'
"""


def test_loading_rejects_a_duplicate_id_naming_file_and_line(tmp_path):
    dirs = _write(tmp_path, ENTRY.format(id="transpose-inverse", statement="A = A"))
    with pytest.raises(CatalogueError, match=r"mine.toml:\d+: duplicate id 'transpose-inverse'"):
        load(dirs)


def test_loading_rejects_an_unknown_rule(tmp_path):
    dirs = _write(
        tmp_path,
        ENTRY.format(id="mine", statement="A = A"),
        "[[proof]]\nid = 'mine'\nsteps = [{ expr = 'A' }, { expr = 'A', by = 'magic' }]\n",
    )
    with pytest.raises(CatalogueError, match="unknown rule 'magic'"):
        load(dirs)


def test_loading_rejects_a_statement_that_does_not_parse(tmp_path):
    dirs = _write(tmp_path, ENTRY.format(id="mine", statement="A^{-1"))
    with pytest.raises(CatalogueError, match="does not parse"):
        load(dirs)


def test_loading_rejects_a_citation_of_a_later_entry(tmp_path):
    ids = ENTRY.format(id="first", statement="A = A") + ENTRY.format(id="second", statement="A = A")
    dirs = _write(
        tmp_path,
        ids,
        "[[proof]]\nid = 'first'\nsteps = [{ expr = 'A' }, { expr = 'A', by = 'second' }]\n",
    )
    with pytest.raises(CatalogueError, match="comes later"):
        load(dirs)


def test_an_author_folder_adds_entries(tmp_path):
    dirs = _write(
        tmp_path,
        ENTRY.format(id="my-transpose-twice", statement="(A^T)^T = A"),
        "[[proof]]\nid = 'my-transpose-twice'\nsteps = [{ expr = '(A^T)^T' }, "
        "{ expr = 'A', by = 'transpose-of-transpose' }]\n",
    )
    cat = load(dirs)
    assert verify_entry(cat.entries["my-transpose-twice"], cat).status == "checked"
    assert isinstance(cat, Catalogue)


def test_an_entry_with_hypotheses_is_cited_only_where_they_hold(tmp_path):
    # an entry AB = BA under the hypothesis AB = BA (proved by it) may be cited, but each of its
    # relational hypotheses, instantiated, must be a hypothesis or fact of the citing proof
    ids = (
        ENTRY.format(id="conditional", statement="AB = BA")
        + "hypotheses = ['AB = BA']\n"
        + ENTRY.format(id="abuse", statement="CD = DC")
        + ENTRY.format(id="fair", statement="CD = DC")
        + "hypotheses = ['CD = DC']\n"
    )
    dirs = _write(
        tmp_path,
        ids,
        "[[proof]]\nid = 'conditional'\nsteps = [{ expr = 'AB' }, "
        "{ expr = 'BA', by = 'hyp:1' }]\n"
        "[[proof]]\nid = 'abuse'\nsteps = [{ expr = 'CD' }, "
        "{ expr = 'DC', by = 'conditional' }]\n"
        "[[proof]]\nid = 'fair'\nsteps = [{ expr = 'CD' }, "
        "{ expr = 'DC', by = 'conditional' }]\n",
    )
    cat = load(dirs)
    assert verify_entry(cat.entries["conditional"], cat).status == "checked"
    assert verify_entry(cat.entries["abuse"], cat).status == "failed"
    assert verify_entry(cat.entries["fair"], cat).status == "checked"


def test_same_opens_nested_products_of_scalars():
    assert same_terms(
        "\\lambda(\\mathbf{x}^H\\mathbf{x})",
        "\\mathbf{x}^H(\\lambda\\mathbf{x})",
        "x complex; \\lambda complex",
    )


def test_a_row_operation_is_row_equivalence_not_equality():
    a = "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}"
    b = "\\begin{bmatrix}1&2\\\\0&-2\\end{bmatrix}"
    assert step(a, b, "row-operation", rel="~").ok
    assert not step(a, b, "row-operation", rel="=").ok
    c = "\\begin{bmatrix}1&2\\\\0&-3\\end{bmatrix}"  # not one row operation away
    assert not step(a, c, "row-operation", rel="~").ok


def _cancel_entry(fact, factor, result, assume):
    return Entry(
        id="cancelled",
        title="t",
        statement=result,
        section="s",
        assume=assume,
        hypotheses=(fact,),
        chains=(
            Chain((Step(fact.split("=")[0], None), Step(fact.split("=")[1], "hyp:1")), name="h"),
            Chain((), cancel=factor, source="h", result=result),
        ),
        proof_file="x.toml",
    )


def test_cancel_needs_a_nonzero_scalar_or_an_invertible_matrix():
    cat = load()
    ok = _cancel_entry(
        "a\\mathbf{x}^T\\mathbf{x} = b\\mathbf{x}^T\\mathbf{x}",
        "\\mathbf{x}^T\\mathbf{x}",
        "a = b",
        "x nonzero",
    )
    assert verify_entry(ok, cat).status == "checked"
    zero_maybe = _cancel_entry(
        "a\\mathbf{x}^T\\mathbf{x} = b\\mathbf{x}^T\\mathbf{x}",
        "\\mathbf{x}^T\\mathbf{x}",
        "a = b",
        "",
    )
    assert verify_entry(zero_maybe, cat).status == "failed"
    vector = _cancel_entry("A\\mathbf{x} = B\\mathbf{x}", "\\mathbf{x}", "A = B", "x nonzero")
    assert verify_entry(vector, cat).status == "failed"  # Ax = Bx does not give A = B


def test_rules_that_hold_only_for_real_expressions_refuse_complex_ones():
    # \|ix\|^2 is x^Tx, but (ix)^T(ix) is -x^Tx: the imaginary unit makes the expression complex
    assert not step("\\|i\\mathbf{x}\\|^2", "(i\\mathbf{x})^T(i\\mathbf{x})", "norm-squared").ok
    assert step("\\|i\\mathbf{x}\\|^2", "(i\\mathbf{x})^H(i\\mathbf{x})", "norm-squared").ok
    assert not step("(iA)^H", "(iA)^T", "conj-transpose-real").ok
    assert step("(2A)^H", "(2A)^T", "conj-transpose-real").ok
    assert not step(
        "(i\\mathbf{z})^TA(i\\mathbf{z})",
        "0",
        "positive-definite-definition",
        "A positive_definite; z nonzero",
        ">",
    ).ok
    assert step(
        "\\mathbf{z}^TA\\mathbf{z}",
        "0",
        "positive-definite-definition",
        "A positive_definite; z nonzero",
        ">",
    ).ok


def test_a_real_entry_is_not_instantiated_with_complex_expressions(tmp_path):
    ids = ENTRY.format(
        id="real-square-norm", statement="\\mathbf{x}^T\\mathbf{x} = \\|\\mathbf{x}\\|^2"
    )
    ids += ENTRY.format(id="abuse", statement="\\mathbf{z}^T\\mathbf{z} = \\|\\mathbf{z}\\|^2")
    ids += "assume = 'z complex'\n"
    proofs = (
        "[[proof]]\nid = 'real-square-norm'\nsteps = [{ expr = '\\mathbf{x}^T\\mathbf{x}' }, "
        "{ expr = '\\|\\mathbf{x}\\|^2', by = 'norm-squared' }]\n"
        "[[proof]]\nid = 'abuse'\nsteps = [{ expr = '\\mathbf{z}^T\\mathbf{z}' }, "
        "{ expr = '\\|\\mathbf{z}\\|^2', by = 'real-square-norm' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["real-square-norm"], cat).status == "checked"
    assert verify_entry(cat.entries["abuse"], cat).status == "failed"


def _contradiction_entry(
    known_rel, suppose, steps, result, assume="A positive_definite; x nonzero"
):
    known = Chain(
        (
            Step("\\mathbf{x}^TA\\mathbf{x}", None),
            Step("0", "positive-definite-definition", known_rel),
        ),
        name="positive",
    )
    absurd = Chain(
        tuple(Step(e, by) for e, by in steps),
        suppose=suppose,
        contradicts="positive",
        result=result,
    )
    return Entry(
        id="by-contradiction",
        title="t",
        statement=result,
        section="s",
        assume=assume,
        chains=(known, absurd),
        proof_file="x.toml",
    )


STEPS = [
    ("\\mathbf{x}^TA\\mathbf{x}", None),
    ("\\mathbf{x}^T\\mathbf{0}", "supposition"),
    ("0", "mul-zero"),
]


def test_proof_by_contradiction():
    cat = load()
    good = _contradiction_entry(
        ">", "A\\mathbf{x} = \\mathbf{0}", STEPS, "A\\mathbf{x} \\ne \\mathbf{0}"
    )
    assert verify_entry(good, cat).status == "checked"
    wrong_result = _contradiction_entry(
        ">", "A\\mathbf{x} = \\mathbf{0}", STEPS, "A\\mathbf{x} = \\mathbf{0}"
    )
    assert verify_entry(wrong_result, cat).status == "failed"
    no_clash = _contradiction_entry(
        ">",
        "A\\mathbf{x} = \\mathbf{0}",
        STEPS[:1] + [("\\mathbf{x}^TA\\mathbf{x}", "mul-identity")],
        "A\\mathbf{x} \\ne \\mathbf{0}",
    )
    assert verify_entry(no_clash, cat).status == "failed"
    other_supposition = _contradiction_entry(
        ">", "A\\mathbf{x} = \\mathbf{x}", STEPS, "A\\mathbf{x} \\ne \\mathbf{x}"
    )
    assert verify_entry(other_supposition, cat).status == "failed"  # x^TAx = x^T0 needs Ax = 0


def test_cancel_by_a_difference_needs_the_hypothesis_that_it_is_nonzero():
    cat = load()

    def entry(hyps):
        return Entry(
            id="cancel-difference",
            title="t",
            statement="c = 0",
            section="s",
            hypotheses=hyps,
            chains=(
                Chain((Step("(a-b)c", None), Step("0", "hyp:1")), name="h"),
                Chain((), cancel="a - b", source="h", result="c = 0"),
            ),
            proof_file="x.toml",
        )

    assert verify_entry(entry(("(a-b)c = 0", "a \\ne b")), cat).status == "checked"
    assert verify_entry(entry(("(a-b)c = 0",)), cat).status == "failed"


def test_the_identity_is_not_dropped_from_a_scalar_times_identity():
    # found by tests/test_kernel_soundness.py: (x^Tx)I is n×n, x^Tx is a number
    assert not step("\\mathbf{x}^T\\mathbf{x}I", "\\mathbf{x}^T\\mathbf{x}", "mul-identity").ok
    assert not same_terms("\\mathbf{x}^T\\mathbf{x}I", "\\mathbf{x}^T\\mathbf{x}")
    assert step("AI", "A", "mul-identity").ok


def test_a_cited_rule_binds_its_symbols_and_checks_their_conditions(tmp_path):
    ids = ENTRY.format(id="unit-as-product", statement="I = AA^{-1}") + "assume = 'A invertible'\n"
    ids += ENTRY.format(id="undo", statement="BB^{-1} = I") + "assume = 'B invertible'\n"
    ids += ENTRY.format(id="unfounded", statement="I = CC^{-1}")
    proofs = (
        "[[proof]]\nid = 'unit-as-product'\nsteps = [{ expr = 'I' }, "
        "{ expr = 'AA^{-1}', by = 'inverse-mul-self' }]\n"
        "[[proof]]\nid = 'undo'\nsteps = [{ expr = 'BB^{-1}' }, "
        "{ expr = 'I', by = 'unit-as-product' }]\n"
        "[[proof]]\nid = 'unfounded'\nsteps = [{ expr = 'I' }, "
        "{ expr = 'CC^{-1}', by = 'unit-as-product' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["undo"], cat).status == "checked"
    # C is bound by matching CC^{-1}, and is not known to be invertible here
    assert verify_entry(cat.entries["unfounded"], cat).status == "failed"


def test_sums_with_the_identity_have_a_key():
    # found by a helper: sorting I's key ("I",) against a matrix's key crashed
    assert step("(I + W)\\mathbf{x}", "I\\mathbf{x} + W\\mathbf{x}", "distribute").ok
    # distributing is a rule, not arithmetic
    assert not same_terms("(I + W)\\mathbf{x}", "\\mathbf{x} + W\\mathbf{x}")


def test_a_division_by_zero_is_the_same_as_nothing(tmp_path):
    # red-team: 0/0 canonicalized to nan, so c + 0/0 "was" d + 0/0, and an entry a + 0/b = a
    # instantiated with b := 0 then proved c = d
    ids = (
        "[[entry]]\nid = 'e1'\ntitle = 't'\nsection = 's'\nstatement = 'a + \\frac{0}{b} = a'\n"
        "[[entry]]\nid = 'bad'\ntitle = 't'\nsection = 's'\nstatement = 'c = d'\n"
    )
    proofs = (
        "[[proof]]\nid = 'e1'\nsteps = [{ expr = 'a + \\frac{0}{b}' }, "
        "{ expr = 'a', by = 'scalar-arithmetic' }]\n"
        "[[proof]]\nid = 'bad'\nsteps = [{ expr = 'c' }, "
        "{ expr = 'c + \\frac{0}{0}', by = 'e1' }, "
        "{ expr = 'd + \\frac{0}{0}', by = 'scalar-arithmetic' }, "
        "{ expr = 'd', by = 'e1' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["e1"], cat).status == "checked"
    assert verify_entry(cat.entries["bad"], cat).status == "failed"
    assert not same_terms("c + \\frac{0}{0}", "d + \\frac{0}{0}")


def test_scalar_arithmetic_cancels_only_what_is_known_nonzero(tmp_path):
    ids = ENTRY.format(id="cancel-anything", statement="\\frac{cx}{x} = c")
    ids += (
        ENTRY.format(id="cancel-nonzero", statement="\\frac{cx}{x} = c") + "assume = 'x nonzero'\n"
    )
    proofs = (
        "[[proof]]\nid = 'cancel-anything'\nsteps = [{ expr = '\\frac{cx}{x}' }, "
        "{ expr = 'c', by = 'scalar-arithmetic' }]\n"
        "[[proof]]\nid = 'cancel-nonzero'\nsteps = [{ expr = '\\frac{cx}{x}' }, "
        "{ expr = 'c', by = 'scalar-arithmetic' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    # x might be 0: then (cx)/x is undefined, and "equal where defined" would let a secretly
    # zero x (det A - det A^T) carry c to d
    assert verify_entry(cat.entries["cancel-anything"], cat).status == "failed"
    assert verify_entry(cat.entries["cancel-nonzero"], cat).status == "checked"


def test_a_secretly_zero_denominator_does_not_prove_c_equals_d():
    cat = load()
    x = "(\\det(A) - \\det(A^T))"
    x0 = "(\\det(A) - \\det(A))"
    chain = [
        ("c", None),
        (f"\\frac{{c{x}}}{{{x}}}", "scalar-arithmetic"),
        (f"\\frac{{c{x0}}}{{{x}}}", "det-of-transpose"),
        (f"\\frac{{d{x0}}}{{{x}}}", "scalar-arithmetic"),
        (f"\\frac{{d{x}}}{{{x}}}", "det-of-transpose"),
        ("d", "scalar-arithmetic"),
    ]
    assert verify_entry(_entry("c = d", chain), cat).status == "failed"


def test_explicit_matrices_in_a_product_keep_their_shapes():
    # red-team: a literal factor was keyed by its entries only, so [1 0 0 0][1;0;0;0] (1×4 by
    # 4×1, a 1×1 scalar factor) was "the same" as [1 0; 0 0][1 0; 0 0] (2×2 by 2×2)
    row = "\\begin{bmatrix}1&0&0&0\\end{bmatrix}"
    col = "\\begin{bmatrix}1\\\\0\\\\0\\\\0\\end{bmatrix}"
    sq = "\\begin{bmatrix}1&0\\\\0&0\\end{bmatrix}"
    eye = "\\begin{bmatrix}1&0\\\\0&1\\end{bmatrix}"
    lhs, rhs = row + col + eye, sq + sq + eye
    assert (
        verify_entry(
            _entry(f"{lhs} = {rhs}", [(lhs, None), (rhs, "scalar-arithmetic")]), load()
        ).status
        == "failed"
    )


def test_a_metavariable_with_a_numeric_size_takes_only_that_size(tmp_path):
    # red-team: B n×1 (a column written as a matrix) matched any non-1×1 matrix, so
    # tr(B^TB) = B^TB instantiated at B := A (n×n) gave x^T tr(A^TA) y = x^T A^TA y
    ids = ENTRY.format(id="col-dot-trace", statement="\\operatorname{tr}(B^TB) = B^TB")
    ids += "    assume = 'B n x 1'\n"
    ids += ENTRY.format(
        id="bad",
        statement="\\mathbf{x}^T\\operatorname{tr}(A^TA)\\mathbf{y} = \\mathbf{x}^TA^TA\\mathbf{y}",
    )
    proofs = (
        "[[proof]]\nid = 'col-dot-trace'\nsteps = [{ expr = '\\operatorname{tr}(B^TB)' }, "
        "{ expr = 'B^TB', by = 'trace-of-scalar' }]\n"
        "[[proof]]\nid = 'bad'\nsteps = [{ expr = '\\mathbf{x}^T\\operatorname{tr}(A^TA)"
        "\\mathbf{y}' }, { expr = '\\mathbf{x}^TA^TA\\mathbf{y}', by = 'col-dot-trace' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["col-dot-trace"], cat).status == "checked"
    assert verify_entry(cat.entries["bad"], cat).status == "failed"


def test_an_identity_of_a_written_size_matches_only_that_size(tmp_path):
    # red-team: an I in a pattern matched every I, so I = [1 0; 0 1] (true for the 2×2 identity)
    # rewrote the n×n identity in tr(I), and tr(I) = 2 was proved
    eye = "\\begin{bmatrix}1&0\\\\0&1\\end{bmatrix}"
    ids = ENTRY.format(id="eye2", statement=f"I = {eye}")
    ids += ENTRY.format(id="bad", statement="\\operatorname{tr}(I) = 2")
    proofs = (
        f"[[proof]]\nid = 'eye2'\nsteps = [{{ expr = '{eye}' }}, "
        f"{{ expr = 'I + 0{eye}', by = 'arithmetic' }}]\n"
        "[[proof]]\nid = 'bad'\nsteps = [{ expr = '\\operatorname{tr}(I)' }, "
        f"{{ expr = '\\operatorname{{tr}}({eye})', by = 'eye2' }}, "
        "{ expr = '2', by = 'arithmetic' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["eye2"], cat).status == "checked"
    assert verify_entry(cat.entries["bad"], cat).status == "failed"


def test_an_entry_without_a_proof_cannot_be_cited(tmp_path):
    # red-team: an unproved (false) statement tr(A) = 0 was cited as a rule, and the citing entry
    # tr(B) = 0 was reported checked while verify passed
    ids = ENTRY.format(id="axiom", statement="\\operatorname{tr}(A) = 0")
    ids += ENTRY.format(id="bad", statement="\\operatorname{tr}(B) = 0")
    proofs = (
        "[[proof]]\nid = 'bad'\nsteps = [{ expr = '\\operatorname{tr}(B)' }, "
        "{ expr = '0', by = 'axiom' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["bad"], cat).status == "failed"


def test_citing_a_partly_prose_entry_makes_the_citer_partial_and_a_failed_one_fails(tmp_path):
    ids = ENTRY.format(id="by-prose", statement="(A^T)^T = A")
    ids += ENTRY.format(id="broken", statement="(B^T)^T = B")
    ids += ENTRY.format(id="on-prose", statement="(C^T)^T = C")
    ids += ENTRY.format(id="on-broken", statement="(D^T)^T = D")
    proofs = (
        "[[proof]]\nid = 'by-prose'\nsteps = [{ expr = '(A^T)^T' }, "
        "{ expr = 'A', prose = 'transpose twice' }]\n"
        "[[proof]]\nid = 'broken'\nsteps = [{ expr = '(B^T)^T' }, "
        "{ expr = 'B', by = 'transpose-of-sum' }]\n"
        "[[proof]]\nid = 'on-prose'\nsteps = [{ expr = '(C^T)^T' }, "
        "{ expr = 'C', by = 'by-prose' }]\n"
        "[[proof]]\nid = 'on-broken'\nsteps = [{ expr = '(D^T)^T' }, "
        "{ expr = 'D', by = 'broken' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["on-prose"], cat).status == "partial"
    assert verify_entry(cat.entries["on-broken"], cat).status == "failed"


def test_a_cited_entrys_sizes_are_bound_by_the_match(tmp_path):
    # red-team: the I of a cited AA^{-1} = I kept the entry's own size n, so BB^{-1} (2×2) became
    # the n×n I, and tr(BB^{-1}) = tr(AA^{-1}) was proved for B 2×2 and A 3×3 (2 = 3)
    ids = (
        ENTRY.format(id="right-inverse", statement="AA^{-1} = I") + "    assume = 'A invertible'\n"
    )
    ids += (
        ENTRY.format(
            id="bad", statement="\\operatorname{tr}(BB^{-1}) = \\operatorname{tr}(AA^{-1})"
        )
        + "    assume = 'A 3 x 3; B 2 x 2; A, B invertible'\n"
    )
    ids += (
        ENTRY.format(id="good", statement="BB^{-1}C = C")
        + "    assume = 'B, C m x m; B invertible'\n"
    )
    proofs = (
        "[[proof]]\nid = 'right-inverse'\nsteps = [{ expr = 'AA^{-1}' }, "
        "{ expr = 'I', by = 'inverse-mul-self' }]\n"
        "[[proof]]\nid = 'bad'\nsteps = [{ expr = '\\operatorname{tr}(BB^{-1})' }, "
        "{ expr = '\\operatorname{tr}(I)', by = 'right-inverse' }, "
        "{ expr = '\\operatorname{tr}(AA^{-1})', by = 'right-inverse' }]\n"
        "[[proof]]\nid = 'good'\nsteps = [{ expr = 'BB^{-1}C' }, "
        "{ expr = 'IC', by = 'right-inverse' }, { expr = 'C', by = 'mul-identity' }]\n"
    )
    cat = load(_write(tmp_path, ids, proofs))
    assert verify_entry(cat.entries["right-inverse"], cat).status == "checked"
    assert verify_entry(cat.entries["bad"], cat).status == "failed"
    assert verify_entry(cat.entries["good"], cat).status == "checked"  # the I takes B's size m


# ---------------------------------------------------------------- a hypothesis about an expression

PUSH = "A m x n; B n x m"


def test_invertible_of_a_sum_is_discharged_from_a_clause_about_it():
    r = step("(I + AB)^{-1}(I + AB)A", "A", "inverse-mul-self", PUSH + "; I + AB invertible")
    assert r.ok
    # the kernel says which hypothesis it used: the clause as written
    assert [c.describe() for c in r.conditions] == [
        "I_m + A B invertible: hypothesis I + AB invertible"
    ]
    # the same sum written in another order is the same term
    assert step("(I + AB)^{-1}(I + AB)A", "A", "inverse-mul-self", PUSH + "; AB + I invertible").ok


def test_invertible_of_a_sum_is_refused_without_the_clause():
    r = step("(I + AB)^{-1}(I + AB)A", "A", "inverse-mul-self", PUSH)
    assert not r.ok and "needs I_m + A B invertible" in r.message
    # a clause about another expression does not give it
    r = step("(I + AB)^{-1}(I + AB)A", "A", "inverse-mul-self", PUSH + "; I + BA invertible")
    assert not r.ok and "needs I_m + A B invertible" in r.message


def test_a_nonzero_clause_about_a_scalar_expression_is_a_hypothesis_of_the_statement():
    from derive.core import kernel as K
    from derive.core.terms import Has
    from derive.verify import entry_env, statement_of

    assume = "u, v vector; A invertible; 1 + v^TA^{-1}u nonzero"
    entry = Entry(id="s", title="s", statement="c = c", section="", assume=assume)
    env, typed = entry_env(entry)
    statement = statement_of(entry, env, typed)
    ((label, h),) = [(n, h) for n, h in statement.hypotheses if n.startswith("1 +")]
    assert label == "1 + v^TA^{-1}u nonzero" and isinstance(h, Has) and h.prop == "nonzero"
    sc = K.Checker(K.Context(), statement).facts.prove(h.term, "nonzero")
    assert (sc.kind, sc.name) == ("hypothesis", label)


def test_a_size_used_as_a_number_is_renamed_when_a_theorem_is_cited(tmp_path):
    """det(cA) = c^n det(A) cited for an m×m matrix gives c^m, for a 3×3 one c^3; never c^n."""
    entry = ENTRY + "assume = '{assume}'\n"
    identities = "".join(
        entry.format(id=i, statement=s, assume=a)
        for i, s, a in (
            ("scaled-det", "\\det(cA) = c^n\\det(A)", "A n x n; c scalar"),
            ("cite-m", "\\det(cB) = c^m\\det(B)", "B m x m; c scalar"),
            ("cite-3", "\\det(cB) = c^3\\det(B)", "B 3 x 3; c scalar"),
            ("cite-n", "\\det(cB) = c^n\\det(B)", "B m x m; A n x n; c scalar"),
        )
    )
    proofs = "[[proof]]\nid = 'scaled-det'\nsteps = [{ expr = '\\det(cA)' }, " + (
        "{ expr = 'c^n\\det(A)', by = 'det-of-scalar-multiple' }]\n"
    )
    for i, end in (("cite-m", "c^m"), ("cite-3", "c^3"), ("cite-n", "c^n")):
        proofs += (
            f"[[proof]]\nid = '{i}'\nsteps = [{{ expr = '\\det(cB)' }}, "
            f"{{ expr = '{end}\\det(B)', by = 'scaled-det' }}]\n"
        )
    dirs = _write(tmp_path, identities, proofs)
    from derive.verify import catalogue_context

    reports = catalogue_context(load(dirs))
    status = {i: reports[i].status for i in ("scaled-det", "cite-m", "cite-3", "cite-n")}
    assert status == {
        "scaled-det": "checked",
        "cite-m": "checked",
        "cite-3": "checked",
        "cite-n": "failed",
    }
    _load.cache_clear()
