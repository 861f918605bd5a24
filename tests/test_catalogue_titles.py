"""Issue 8: an entry's title, statement and proof must agree (sections 01, 02, 03, 07, 09, 10, 11).

A title that claims a property ("... is symmetric", "... is invertible") or several claims
("X, and Y") must be backed by conclusions that the kernel proves, with no prose step. The
restated entries are listed with the conclusions they must keep; tampered copies of their real
proofs (taken from the catalogue files, so they follow any later edit) must fail.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from derive.catalogue import _load, load
from derive.core.terms import Has
from derive.errors import CatalogueError
from derive.verify import verify_entry

ROOT = Path(__file__).resolve().parent.parent
MY_FILES = (
    "01-linear-systems",
    "02-matrix-operations",
    "03-inverse-transpose",
    "07-decompositions",
    "09-machine-learning",
    "10-projections-least-squares",
    "11-more-ml",
)
CAT = load()

# id -> the conclusions it must prove (their texts, as in the entry)
RESTATED = {
    "elimination-matrix-inverse-adds-back": 2,
    "gram-matrix-is-symmetric": ["A^TA symmetric", "(A^TA)^T = A^TA"],
    "inverse-of-inverse-is-the-matrix": ["A^{-1} invertible", "(A^{-1})^{-1} = A"],
    "inverse-of-transpose-of-product": [
        "(AB)^T invertible",
        "((AB)^T)^{-1} = (A^T)^{-1}(B^T)^{-1}",
    ],
    "det-of-inverse-times-det-is-one": [
        "\\det(A^{-1})\\det(A) = 1",
        "\\det(A^{-1}) = \\frac{1}{\\det(A)}",
    ],
    "qr-factorization-of-a-2x2-matrix": 2,
    "cholesky-factorization-is-symmetric": ["A symmetric", "A^T = A"],
    "eigendecomposition-with-orthogonal-q-is-symmetric": ["A symmetric", "A^T = A"],
    "orthogonal-map-preserves-inner-product": 3,
    "projection-matrix-is-symmetric": ["P symmetric", "P^T = P"],
    "orthonormal-columns-projection-is-idempotent": ["VV^T symmetric", "(VV^T)^2 = VV^T"],
    "ridge-matrix-is-symmetric": [
        "A^TA + \\lambda I symmetric",
        "(A^TA + \\lambda I)^T = A^TA + \\lambda I",
    ],
}

# titles that name a hypothesis ("If ...") after the audit: the entry must have it
CONDITIONAL = (
    "qr-gives-gram-equals-rtr",
    "svd-gives-gram-equals-v-sigma-t-sigma-v-t",
    "svd-gives-outer-gram-equals-u-sigma-sigma-t-u-t",
    "complementary-projection-is-idempotent",
    "projection-times-complement-is-zero",
)

TITLE_PROPERTY = {
    "is symmetric": "symmetric",
    "is invertible": "invertible",
    "is positive definite": "positive_definite",
}
# "symmetric" in the sense of a function of two arguments, not the matrix property
NOT_A_MATRIX_PROPERTY = {"dot-product-is-symmetric"}


def _my_entries():
    return [e for e in CAT.entries.values() if Path(e.file).stem in MY_FILES]


def _no_prose(report) -> bool:
    return all(s.status != "prose" for c in report.chains for s in c.steps)


def test_my_files_are_audited():
    ids = {e.id for e in _my_entries()}
    assert set(RESTATED) <= ids and set(CONDITIONAL) <= ids


@pytest.mark.parametrize("eid", sorted(RESTATED))
def test_restated_entries_prove_every_conclusion_without_prose(eid):
    e = CAT.entries[eid]
    want = RESTATED[eid]
    texts = e.conclusion_texts()
    if isinstance(want, int):
        assert len(texts) == want, texts
    else:
        assert list(texts) == want
    r = verify_entry(e, CAT)
    assert r.status == "checked", r.errors
    assert _no_prose(r)
    assert len(r.conclusions) == len(texts)


@pytest.mark.parametrize("entry", _my_entries(), ids=lambda e: e.id)
def test_a_title_that_claims_a_property_has_it_as_a_proved_conclusion(entry):
    """'... is symmetric' in a title means a `symmetric` conclusion, not only X^T = X."""
    title = entry.title
    claimed = {p for words, p in TITLE_PROPERTY.items() if words in title}
    if not claimed or entry.id in NOT_A_MATRIX_PROPERTY:
        return
    r = verify_entry(entry, CAT)
    assert r.status == "checked", r.errors
    props = {c.prop for c in r.conclusions if isinstance(c, Has)}
    assert claimed <= props, (entry.id, title, props)


@pytest.mark.parametrize("entry", _my_entries(), ids=lambda e: e.id)
def test_a_title_with_two_claims_has_two_conclusions(entry):
    """A title 'X, and Y' or 'P: symmetric and idempotent' states two claims."""
    if ", and " in entry.title or re.search(r"\w+ and idempotent", entry.title):
        assert len(entry.conclusion_texts()) >= 2, entry.id


@pytest.mark.parametrize("eid", CONDITIONAL)
def test_a_title_with_if_names_the_entry_hypotheses(eid):
    e = CAT.entries[eid]
    assert e.title.startswith("If "), e.title
    assert e.hypotheses, eid
    assert verify_entry(e, CAT).status == "checked"


def test_every_entry_of_my_files_is_checked_without_prose():
    for e in _my_entries():
        r = verify_entry(e, CAT)
        assert r.status == "checked" and _no_prose(r), (e.id, r.errors)


# ---- tampered copies of the real entries must fail -------------------------------------------


def _block(kind: str, folder: str, eid: str) -> str:
    for stem in MY_FILES:
        text = (ROOT / folder / f"{stem}.toml").read_text()
        for block in re.split(rf"(?m)^(?=\[\[{kind}\]\])", text):
            if re.search(rf"(?m)^id = '{re.escape(eid)}'$", block):
                return block
    raise KeyError(eid)


def _tampered(tmp_path, eid: str, entry_edits=(), proof_edits=()):
    """The real entry and proof of ``eid`` under the id 'tampered', with text replacements."""
    ident = _block("entry", "identities", eid).replace(f"id = '{eid}'", "id = 'tampered'")
    proof = _block("proof", "proofs", eid).replace(f"id = '{eid}'", "id = 'tampered'")
    for old, new in entry_edits:
        assert old in ident, old
        ident = ident.replace(old, new)
    for old, new in proof_edits:
        assert old in proof, old
        proof = proof.replace(old, new)
    (tmp_path / "identities").mkdir()
    (tmp_path / "proofs").mkdir()
    (tmp_path / "identities" / "mine.toml").write_text(
        "[[section]]\nid = 'mine'\ntitle = 'm'\norder = 99\n\n"
        + ident.replace(re.search(r"section = '[^']*'", ident).group(0), "section = 'mine'")
    )
    (tmp_path / "proofs" / "mine.toml").write_text(textwrap.dedent(proof))
    _load.cache_clear()
    cat = load([str(tmp_path)])
    return verify_entry(cat.entries["tampered"], cat)


def test_an_untampered_copy_checks(tmp_path):
    # the harness itself: the copy of a real entry verifies as the original does
    assert _tampered(tmp_path, "gram-matrix-is-symmetric").status == "checked"


def test_a_property_without_its_definition_chain_fails(tmp_path):
    r = _tampered(
        tmp_path,
        "gram-matrix-is-symmetric",
        proof_edits=[("  { definition = 'A^TA symmetric', from = 'transposed' },\n", "")],
    )
    assert r.status == "failed"


def test_a_definition_from_a_fact_about_another_matrix_fails(tmp_path):
    r = _tampered(
        tmp_path,
        "gram-matrix-is-symmetric",
        entry_edits=[("'A^TA symmetric'", "'AA^T symmetric'")],
        proof_edits=[("definition = 'A^TA symmetric'", "definition = 'AA^T symmetric'")],
    )
    assert r.status == "failed"


def test_a_stronger_conclusion_than_the_chains_prove_fails(tmp_path):
    # the projection P = AG^{-1}A^T is symmetric; claiming it positive definite is not proved
    r = _tampered(
        tmp_path,
        "projection-matrix-is-symmetric",
        entry_edits=[("'P symmetric'", "'P positive_definite'")],
    )
    assert r.status == "failed"


def test_dividing_by_det_needs_the_invertibility_hypothesis(tmp_path):
    r = _tampered(
        tmp_path, "det-of-inverse-times-det-is-one", entry_edits=[("assume = 'A invertible'\n", "")]
    )
    assert r.status == "failed"


def test_invertibility_of_a_transposed_product_needs_both_factors_invertible(tmp_path):
    r = _tampered(
        tmp_path,
        "inverse-of-transpose-of-product",
        entry_edits=[("assume = 'A, B invertible'", "assume = 'A invertible'")],
    )
    assert r.status == "failed"


def test_inverse_of_inverse_needs_its_witness_facts(tmp_path):
    r = _tampered(
        tmp_path,
        "inverse-of-inverse-is-the-matrix",
        proof_edits=[("from = 'left, right'", "from = 'left'")],
    )
    assert r.status == "failed"


def test_a_wrong_inverse_of_an_elimination_matrix_fails(tmp_path):
    # E^{-1} is claimed to be E itself (subtracting again instead of adding back)
    wrong = "\\begin{bmatrix}1&0&0\\\\-2&1&0\\\\0&0&1\\end{bmatrix}"
    right = "\\begin{bmatrix}1&0&0\\\\2&1&0\\\\0&0&1\\end{bmatrix}"
    r = _tampered(
        tmp_path,
        "elimination-matrix-inverse-adds-back",
        entry_edits=[(f"^{{-1}} = {right}'", f"^{{-1}} = {wrong}'")],
        proof_edits=[
            (
                f"{{ expr = '{right}', by = 'arithmetic' }}",
                f"{{ expr = '{wrong}', by = 'arithmetic' }}",
            )
        ],
    )
    assert r.status == "failed"


def test_columns_claimed_orthonormal_when_they_are_not_fails(tmp_path):
    # (Q/5)^T (Q/4) = (5/4) I, not I: the same chain with a wrong scale must not check
    r = _tampered(
        tmp_path,
        "qr-factorization-of-a-2x2-matrix",
        entry_edits=[("\\right)^T\\frac{1}{5}", "\\right)^T\\frac{1}{4}")],
        proof_edits=[
            ("\\right)^T\\frac{1}{5}", "\\right)^T\\frac{1}{4}"),
            ("\\end{bmatrix}^T\\frac{1}{5}", "\\end{bmatrix}^T\\frac{1}{4}"),
        ],
    )
    assert r.status == "failed"
    assert any("arithmetic" in e for e in r.errors), r.errors


def test_cosine_similarity_needs_q_orthogonal(tmp_path):
    r = _tampered(
        tmp_path,
        "orthogonal-map-preserves-inner-product",
        entry_edits=[("assume = 'Q orthogonal'", "assume = 'Q n x n'")],
    )
    assert r.status == "failed"


def test_gram_of_qr_needs_orthonormal_columns(tmp_path):
    r = _tampered(
        tmp_path,
        "qr-gives-gram-equals-rtr",
        entry_edits=[("hypotheses = ['A = QR', 'Q^TQ = I']", "hypotheses = ['A = QR']")],
    )
    assert r.status == "failed"


def test_an_entry_cannot_cite_itself(tmp_path):
    # the copy cites itself (not accepted before it) instead of the base rule
    with pytest.raises(CatalogueError, match="comes later in the catalogue"):
        _tampered(
            tmp_path,
            "det-of-inverse-times-det-is-one",
            proof_edits=[("by = 'det-of-product' }", "by = 'tampered' }")],
        )
