"""Section 8 (eigen) at full strength: every entry is checked by the kernel, with no prose step and
the conclusions its title claims; tampered copies (a hypothesis dropped, a wrong step, a base case
that proves something else, a divisor not known positive, a citation of a later entry) fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derive.catalogue import _load, load
from derive.errors import CatalogueError
from derive.verify import verify_entry

ROOT = Path(__file__).resolve().parent.parent
IDENTITIES = (ROOT / "identities" / "08-eigen.toml").read_text()
PROOFS = (ROOT / "proofs" / "08-eigen.toml").read_text()

CONCLUSIONS = {
    "ata-aat-eigenvalues": [
        "A\\mathbf{v} \\ne \\mathbf{0}",
        "AA^T(A\\mathbf{v}) = \\lambda(A\\mathbf{v})",
        "A^T\\mathbf{w} \\ne \\mathbf{0}",
        "A^TA(A^T\\mathbf{w}) = \\mu(A^T\\mathbf{w})",
    ],
    "matrix-powers-diagonalizable": ["(PDP^{-1})^k = PD^kP^{-1}"],
    "matrix-functions": [
        "A^k = PD^kP^{-1}",
        "c_0I + c_1A + c_2A^2 = P(c_0I + c_1D + c_2D^2)P^{-1}",
        "e^{A} = Pe^{D}P^{-1}",
        "\\sin(A) = P\\sin(D)P^{-1}",
        "\\cos(A) = P\\cos(D)P^{-1}",
    ],
    "psd-square-root": ["S^2 = A", "S positive_semidefinite"],
    "hermitian-real-eigenvalues": ["\\lambda real"],
    "hermitian-orthogonal-eigenvectors": ["\\mathbf{v}^H\\mathbf{w} = 0"],
    "pd-eigenvalue-test": ["\\lambda > 0"],
    "pd-eigenvalue-test-converse": ["A positive_definite"],
}


@pytest.fixture(scope="module")
def catalogue():
    _load.cache_clear()
    return load()


@pytest.mark.parametrize("eid", sorted(CONCLUSIONS))
def test_entry_is_checked_without_prose(catalogue, eid):
    entry = catalogue.entries[eid]
    report = verify_entry(entry, catalogue)
    assert report.status == "checked", report.errors
    assert all(s.by is not None for c in entry.chains for s in c.steps[1:]), "a prose step"
    for c in CONCLUSIONS[eid]:
        assert c in entry.conclusion_texts(), c
    assert entry.explanation and entry.explanation.count(".") >= 2


def test_no_real_eigenvalue_is_assumed(catalogue):
    orth = catalogue.entries["hermitian-orthogonal-eigenvectors"]
    assert "real" not in orth.assume and not any("real" in h for h in orth.hypotheses)
    assert "\\lambda, \\mu complex" in orth.assume
    report = verify_entry(orth, catalogue)
    assert "hermitian-real-eigenvalues" in report.uses


# ---------------------------------------------------------------- tampered copies


def _block(text: str, kind: str, eid: str) -> str:
    for part in text.split(f"[[{kind}]]")[1:]:
        if re.search(rf"^id = '{re.escape(eid)}'$", part, re.M):
            return f"[[{kind}]]" + part.rstrip() + "\n\n"
    raise KeyError(eid)


def _copy(eid: str, new: str, identity=(), proof=()) -> tuple[str, str]:
    """The entry ``eid`` and its proof renamed ``new``, with (old, new) text replacements."""
    ident, prf = _block(IDENTITIES, "entry", eid), _block(PROOFS, "proof", eid)
    ident, prf = (t.replace(f"id = '{eid}'", f"id = '{new}'") for t in (ident, prf))
    for old, rep in identity:
        assert old in ident, old
        ident = ident.replace(old, rep)
    for old, rep in proof:
        assert old in prf, old
        prf = prf.replace(old, rep)
    return ident, prf


def _tampered(tmp_path, *copies) -> dict:
    (tmp_path / "identities").mkdir()
    (tmp_path / "proofs").mkdir()
    (tmp_path / "identities" / "mine.toml").write_text("".join(i for i, _ in copies))
    (tmp_path / "proofs" / "mine.toml").write_text("".join(p for _, p in copies))
    _load.cache_clear()
    try:
        cat = load([str(tmp_path)])
        return {i: verify_entry(cat.entries[i], cat) for i in cat.entries if i.startswith("t-")}
    finally:
        _load.cache_clear()


def _fails(report, *reasons):
    assert report.status == "failed"
    text = " ".join(report.errors) + " ".join(s.message for c in report.chains for s in c.steps)
    for r in reasons:
        assert r in text, (r, report.errors)


def test_the_copies_themselves_check(tmp_path):
    """The tampering machinery is sound: untouched copies verify."""
    reports = _tampered(
        tmp_path,
        _copy("ata-aat-eigenvalues", "t-ata"),
        _copy("pd-eigenvalue-test", "t-pd"),
        _copy("hermitian-real-eigenvalues", "t-real"),
        _copy("hermitian-orthogonal-eigenvectors", "t-orth"),
    )
    assert {k: r.status for k, r in reports.items()} == dict.fromkeys(reports, "checked")


def test_ata_aat_needs_a_nonzero_eigenvalue(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "ata-aat-eigenvalues",
            "t-ata",
            identity=[("'\\lambda \\ne 0'", "'\\lambda = \\lambda'")],
        ),
    )
    _fails(r["t-ata"], "v-image")


def test_ata_aat_contradiction_must_clash(tmp_path):
    # the supposition's chain ends on a different number: no contradiction with v^Tv > 0
    r = _tampered(
        tmp_path,
        _copy(
            "ata-aat-eigenvalues",
            "t-ata",
            proof=[
                (
                    "{ expr = '\\frac{1}{\\lambda}\\mathbf{v}^TA^TA\\mathbf{v}', by = 'hyp:1' },\n"
                    "    { expr = '\\frac{1}{\\lambda}\\mathbf{v}^TA^T\\mathbf{0}', by = 'supposition' },\n"
                    "    { expr = '0', by = 'mul-zero' },",
                    "{ expr = '\\frac{1}{\\lambda}\\mathbf{v}^TA^TA\\mathbf{v}', by = 'hyp:1' },",
                )
            ],
        ),
    )
    _fails(r["t-ata"], "does not contradict")


def test_induction_with_a_wrong_base_case_fails(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "matrix-powers-diagonalizable",
            "t-pow",
            proof=[
                (
                    "    { expr = 'PP^{-1}', by = 'inverse-mul-self' },\n"
                    "    { expr = 'PIP^{-1}', by = 'mul-identity' },\n"
                    "    { expr = 'PD^0P^{-1}', by = 'power-zero' },\n",
                    "",
                )
            ],
        ),
    )
    _fails(r["t-pow"], "base case")


def test_induction_whose_step_assumes_something_else_fails(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "matrix-powers-diagonalizable",
            "t-pow",
            proof=[
                (
                    "hypothesis = '(PDP^{-1})^k = PD^kP^{-1}'",
                    "hypothesis = '(PDP^{-1})^k = PD^kP^{-1}P'",
                )
            ],
        ),
    )
    _fails(r["t-pow"], "assumes the result")


def test_induction_step_must_use_its_hypothesis_by_ih(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "matrix-powers-diagonalizable",
            "t-pow",
            proof=[
                (
                    "{ expr = 'PD^kP^{-1} PDP^{-1}', by = 'ih' }",
                    "{ expr = 'PD^kP^{-1} PDP^{-1}', by = 'power-zero' }",
                )
            ],
        ),
    )
    _fails(r["t-pow"], "power-zero")


def test_power_successor_needs_k_nonnegative(tmp_path):
    # without k >= 0, X^{k+1} = X^kX is not a law (k = -1, X singular); induction refuses too
    r = _tampered(
        tmp_path,
        _copy(
            "matrix-powers-diagonalizable",
            "t-pow",
            identity=[("hypotheses = ['k \\ge 0']", "hypotheses = []")],
        ),
    )
    _fails(r["t-pow"])


def test_function_of_a_conjugate_needs_p_invertible(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "matrix-functions",
            "t-fun",
            identity=[("assume = 'P invertible;", "assume = 'P n x n;")],
        ),
    )
    _fails(r["t-fun"], "function-of-conjugate")


def test_square_root_needs_nonnegative_eigenvalues(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "psd-square-root",
            "t-root",
            identity=[("\\Lambda diagonal; \\Lambda positive_semidefinite;", "\\Lambda diagonal;")],
        ),
    )
    _fails(r["t-root"], "diagonal-square-root")


def test_square_root_psd_needs_its_definition_fact(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "psd-square-root",
            "t-root",
            proof=[
                (
                    "{ definition = 'S positive_semidefinite', fix = 'x', from = 'nonnegative' }",
                    "{ definition = 'S positive_semidefinite', fix = 'x', from = 'transposed' }",
                )
            ],
        ),
    )
    _fails(r["t-root"], "needs")


def test_real_eigenvalues_need_a_nonzero_eigenvector(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "hermitian-real-eigenvalues",
            "t-real",
            identity=[("'\\mathbf{v} \\ne \\mathbf{0}'", "'\\mathbf{v} = \\mathbf{v}'")],
        ),
    )
    _fails(r["t-real"], "not known to be nonzero")


def test_conj_of_real_needs_the_proved_fact(tmp_path):
    # without the definition chain, lambda is only declared complex: conj-of-real refuses
    r = _tampered(
        tmp_path,
        _copy(
            "hermitian-real-eigenvalues",
            "t-real",
            proof=[("  { definition = '\\lambda real', from = 'conjugate' },\n", "")],
        ),
    )
    _fails(r["t-real"], "conj-of-real")


def test_orthogonal_eigenvectors_need_distinct_eigenvalues(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "hermitian-orthogonal-eigenvectors",
            "t-orth",
            identity=[("'\\lambda \\ne \\mu'", "'\\lambda = \\lambda'")],
        ),
    )
    _fails(r["t-orth"], "not known to be nonzero")


def test_orthogonal_eigenvectors_need_the_cited_hypotheses(tmp_path):
    # v ≠ 0 is a hypothesis of hermitian-real-eigenvalues: without it the citation is refused
    r = _tampered(
        tmp_path,
        _copy(
            "hermitian-orthogonal-eigenvectors",
            "t-orth",
            identity=[("'\\mathbf{v} \\ne \\mathbf{0}'", "'\\mathbf{v} = \\mathbf{v}'")],
        ),
    )
    _fails(r["t-orth"], "hermitian-real-eigenvalues")


def test_citing_a_later_entry_fails(tmp_path):
    orth = _copy(
        "hermitian-orthogonal-eigenvectors",
        "t-orth",
        proof=[("by = 'hermitian-real-eigenvalues'", "by = 't-real'")],
    )
    real = _copy("hermitian-real-eigenvalues", "t-real")
    try:
        reports = _tampered(tmp_path, orth, real)  # t-orth placed before t-real
    except CatalogueError as exc:
        assert "later" in str(exc)
    else:
        _fails(reports["t-orth"])


def test_divide_needs_a_divisor_known_positive(tmp_path):
    # A only positive semidefinite and v possibly 0: v^Tv is not known positive
    r = _tampered(
        tmp_path,
        _copy(
            "pd-eigenvalue-test",
            "t-pd",
            identity=[
                ("assume = 'A positive_definite;", "assume = 'A positive_semidefinite;"),
                ("'\\mathbf{v} \\ne \\mathbf{0}'", "'\\mathbf{v} = \\mathbf{v}'"),
                ("conclusions = ['\\lambda > 0']", "conclusions = ['\\lambda \\ge 0']"),
            ],
            proof=[
                (
                    "rel = '>', by = 'positive-definite-definition'",
                    "rel = '>=', by = 'positive-semidefinite-definition'",
                ),
                ("result = '\\lambda > 0'", "result = '\\lambda \\ge 0'"),
            ],
        ),
    )
    _fails(r["t-pd"], "not known to be positive")


def test_divide_must_divide_both_sides(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "pd-eigenvalue-test",
            "t-pd",
            identity=[("conclusions = ['\\lambda > 0']", "conclusions = ['\\lambda > 1']")],
            proof=[("result = '\\lambda > 0'", "result = '\\lambda > 1'")],
        ),
    )
    _fails(r["t-pd"], "times")


def test_converse_needs_invertible_square_roots_of_the_eigenvalues(tmp_path):
    r = _tampered(
        tmp_path,
        _copy(
            "pd-eigenvalue-test-converse",
            "t-conv",
            identity=[("D diagonal; D invertible;", "D diagonal;")],
        ),
    )
    _fails(r["t-conv"], "norm-squared-positive")


# ---------------------------------------------------------------- the new base rules


def _core(text: str, assume: str):
    from derive.catalogue import Entry
    from derive.core.facts import Facts
    from derive.frontend import read
    from derive.verify import core_scope

    typed, env = read(text, assume)
    entry = Entry(
        id="x",
        title="t",
        statement=text,
        section="s",
        assume=assume,
        chains=(),
        proof_file="x.toml",
    )
    return typed.expr, env, Facts(core_scope(entry, env))


@pytest.mark.parametrize(
    "name,text,assume",
    [
        ("power-zero", "A^0", ""),
        ("power-successor", "A^3", ""),
        ("power-successor", "(PBP^{-1})^2", "P invertible"),
    ],
)
def test_new_power_rules_hold_on_random_instances(name, text, assume):
    from derive.core.rules import BASE_RULES
    from derive.randomized import run_trials

    e, env, facts = _core(text, assume)
    out = BASE_RULES[name](e, facts)
    assert out
    for new in out:
        report = run_trials(e, new, env)
        assert report.counterexample is None and report.agreed >= 4, (name, text)


def test_conj_of_real_still_refuses_a_complex_symbol():
    from derive.core.rules import conj_of_real

    e, _, facts = _core("\\bar{\\lambda}", "\\lambda complex")
    assert conj_of_real(e, facts) == []
    e, _, facts = _core("\\bar{a}", "a real")
    assert conj_of_real(e, facts)
