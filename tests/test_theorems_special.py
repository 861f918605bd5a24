"""Issue 8, special matrices and rank: the theorems at full strength, each checked by the kernel,
and tampered versions of each that the kernel must refuse.

A tampered entry is the real entry (read from the catalogue's TOML) with one thing changed, under
a new id, in an author folder loaded after the built-in catalogue (so it may cite earlier entries).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from derive.catalogue import load
from derive.core.terms import text
from derive.errors import CatalogueError
from derive.verify import verify_entry

ROOT = Path(__file__).resolve().parent.parent
CAT = load()

CONCLUSIONS = {
    "plane-normal-vector": ["(a)^T (x + -1 y) = 0", "(c)^T u = 0", "(c)^T w = 0"],
    "orthogonal-preserves-length": ["||Q x|| = ||x||", "(Q x)^T Q y = (x)^T y"],
    "unitary-determinant": ["|det(U)| = 1", "(det(Q))^(2) = 1", "|det(Q)| = 1"],
    "complete-the-square": [
        "(x)^T A x + (b)^T x + c = (x + (1)/(2) (A)^-1 b)^T A "
        "(x + (1)/(2) (A)^-1 b) + c + -1 (1)/(4) (b)^T (A)^-1 b"
    ],
    "quadratic-minimum": [
        "(x)^T A x + (b)^T x + c >= c + -1 (1)/(4) (b)^T (A)^-1 b",
        "(x_0)^T A x_0 + (b)^T x_0 + c = c + -1 (1)/(4) (b)^T (A)^-1 b",
    ],
    "psd-gram": ["(A)^T A positive_semidefinite"],
    "pd-gram": ["(A)^T A positive_definite"],
    "pd-gram-converse": ["A v != 0"],
}
RANK = ["rank(A B) <= rank(A)", "rank(A B) <= rank(B)"]
HYPOTHESES = {  # the hypotheses that make the statements honest
    "plane-normal-vector": {"a nonzero"},
    "orthogonal-preserves-length": {"(Q)^T Q = I"},
    "quadratic-minimum": {"A positive_definite"},
    "pd-gram": {"A full_column_rank"},
    "pd-gram-converse": {"(A)^T A positive_definite", "v nonzero"},
}


@pytest.mark.parametrize("eid", sorted(CONCLUSIONS))
def test_entry_is_checked_with_no_prose_and_its_conclusions(eid):
    entry = CAT.entries[eid]
    report = verify_entry(entry, CAT)
    assert report.status == "checked", report.errors
    assert all(s.by is not None for c in entry.chains for s in c.steps[1:]), "a prose step"
    assert all(s.status in ("checked", "start") for c in report.chains for s in c.steps)
    assert [text(c) for c in report.conclusions] == CONCLUSIONS[eid]
    hyps = {text(h) for _, h in report.hypotheses}
    assert HYPOTHESES.get(eid, set()) <= hyps
    assert entry.explanation and entry.exercise and entry.answer


def test_the_order_of_the_positive_definite_entries():
    order = [e.id for e in CAT.ordered()]
    assert order.index("pd-invertible") < order.index("pd-inverse")
    assert order.index("complete-the-square") < order.index("quadratic-minimum")
    assert "orthogonal-preserves-inner-product" not in CAT.entries  # merged into -length


def test_quadratic_minimum_cites_complete_the_square():
    assert "complete-the-square" in verify_entry(CAT.entries["quadratic-minimum"], CAT).uses


# ---------------------------------------------------------------- tampered entries


def _raw(eid: str) -> tuple[dict, dict]:
    for path in sorted((ROOT / "identities").glob("*.toml")):
        for e in tomllib.loads(path.read_text()).get("entry", []):
            if e["id"] == eid:
                entry = e
    for path in sorted((ROOT / "proofs").glob("*.toml")):
        for p in tomllib.loads(path.read_text()).get("proof", []):
            if p["id"] == eid:
                proof = p
    return dict(entry), json.loads(json.dumps(proof))


def _toml(v) -> str:
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }"
    return json.dumps(v)


def _verify_tampered(tmp_path, entry: dict, proof: dict, new_id: str = "tampered"):
    entry = {**entry, "id": new_id}
    proof = {**proof, "id": new_id}
    ids = "[[entry]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in entry.items())
    prf = "[[proof]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in proof.items())
    (tmp_path / "identities").mkdir(exist_ok=True)
    (tmp_path / "proofs").mkdir(exist_ok=True)
    (tmp_path / "identities" / "mine.toml").write_text(ids)
    (tmp_path / "proofs" / "mine.toml").write_text(prf)
    cat = load([str(tmp_path)])
    return verify_entry(cat.entries[new_id], cat)


def _chain(proof: dict, name: str) -> dict:
    return next(c for c in proof["chains"] if c.get("name") == name)


def test_untampered_copies_are_checked(tmp_path):
    # the tampering below is the only reason the copies fail
    for i, eid in enumerate(sorted(CONCLUSIONS)):
        d = tmp_path / str(i)
        d.mkdir()
        assert _verify_tampered(d, *_raw(eid)).status == "checked", eid


def test_a_wrong_cross_product_fails(tmp_path):
    entry, proof = _raw("plane-normal-vector")
    wrong = "u_1w_3 - u_3w_1"  # the second component with the wrong sign
    swap = lambda s: s.replace("u_3w_1 - u_1w_3", wrong)  # noqa: E731
    entry["hypotheses"] = [swap(h) for h in entry["hypotheses"]]
    for c in proof["chains"]:
        for s in c.get("steps", []):
            s["expr"] = swap(s["expr"])
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed"
    assert any("one-by-one-entry" in e for e in report.errors)


def test_a_plane_normal_to_more_than_proved_fails(tmp_path):
    entry, proof = _raw("plane-normal-vector")
    entry["conclusions"] = entry["conclusions"] + ["\\mathbf{a}^T\\mathbf{x} = 0"]
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed" and any("no chain proves" in e for e in report.errors)


def test_length_without_orthonormal_columns_fails(tmp_path):
    entry, proof = _raw("orthogonal-preserves-length")
    entry["hypotheses"] = []
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_length_from_orthonormal_rows_only_fails(tmp_path):
    entry, proof = _raw("orthogonal-preserves-length")
    entry["hypotheses"] = ["QQ^T = I"]  # Q m×n with QQ^T = I need not keep lengths
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_squared_lengths_do_not_give_lengths_without_a_root(tmp_path):
    entry, proof = _raw("orthogonal-preserves-length")
    chain = _chain(proof, "length")
    chain["steps"] = [
        {"expr": "\\|Q\\mathbf{x}\\|"},
        {"expr": "\\|\\mathbf{x}\\|", "by": "norm-squared"},
    ]
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_det_of_orthogonal_is_not_proved_to_be_one(tmp_path):
    entry, proof = _raw("unitary-determinant")
    entry["conclusions"] = entry["conclusions"] + ["\\det(Q) = 1"]
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed" and any("no chain proves" in e for e in report.errors)


def test_a_root_of_a_square_needs_a_nonnegative_base(tmp_path):
    entry, proof = _raw("unitary-determinant")
    chain = _chain(proof, "orthogonal")
    chain["steps"] = chain["steps"][:4] + [{"expr": "\\det(Q)", "by": "sqrt-of-square"}]
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_the_no_op_step_of_complete_the_square_is_refused(tmp_path):
    entry, proof = _raw("complete-the-square")
    steps = proof["chains"][0]["steps"] if "chains" in proof else proof["steps"]
    steps.insert(
        1,
        {
            "expr": steps[0]["expr"].replace("c - \\frac{1}{4}", "c + (-\\frac{1}{4})"),
            "by": "mul-assoc",
        },
    )
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed" and any("changes nothing" in e for e in report.errors)


def test_complete_the_square_needs_a_symmetric_matrix(tmp_path):
    entry, proof = _raw("complete-the-square")
    entry["assume"] = "A invertible; x, b vector; c scalar"
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_the_minimum_needs_positive_definiteness(tmp_path):
    entry, proof = _raw("quadratic-minimum")
    entry["assume"] = entry["assume"].replace("A positive_definite", "A symmetric; A invertible")
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed"
    assert any("drop-nonnegative-term" in e for e in report.errors)


def test_the_minimum_is_not_a_strict_bound(tmp_path):
    entry, proof = _raw("quadratic-minimum")
    entry["conclusions"] = [entry["conclusions"][0].replace("\\ge", ">"), entry["conclusions"][1]]
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed" and any("no chain proves" in e for e in report.errors)


def test_a_definition_without_its_fact_fails(tmp_path):
    entry, proof = _raw("psd-gram")
    proof["chains"] = [c for c in proof["chains"] if c.get("name") != "nonnegative"]
    proof["chains"][-1]["from"] = "symmetric"
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_a_gram_matrix_is_not_positive_definite_by_the_semidefinite_proof(tmp_path):
    entry, proof = _raw("psd-gram")
    entry["conclusions"] = ["A^TA positive_definite"]
    proof["chains"][-1]["definition"] = "A^TA positive_definite"
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_pd_gram_needs_full_column_rank(tmp_path):
    entry, proof = _raw("pd-gram")
    entry["hypotheses"] = []
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed"


def test_the_fixed_vector_may_not_be_in_the_statement(tmp_path):
    entry, proof = _raw("pd-gram")
    entry["hypotheses"] = ["A full_column_rank", "A\\mathbf{v} \\ne \\mathbf{0}"]
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed" and any("speaks of it" in e for e in report.errors)


def test_the_converse_needs_its_hypothesis(tmp_path):
    entry, proof = _raw("pd-gram-converse")
    entry["hypotheses"] = ["A^TA positive_semidefinite"]
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_citing_a_later_entry_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match="comes later"):
        _later(tmp_path)


def _later(tmp_path):
    """An author entry citing an entry that comes after it (in its own folder)."""
    d = tmp_path / "later"
    (d / "identities").mkdir(parents=True)
    (d / "proofs").mkdir()
    (d / "identities" / "mine.toml").write_text(
        "[[entry]]\nid = 'first'\ntitle = 't'\nsection = 'special-matrices'\n"
        "statement = '|\\det(U)| = 1'\nassume = 'U unitary'\n"
        "[[entry]]\nid = 'second'\ntitle = 't'\nsection = 'special-matrices'\n"
        "statement = '|\\det(U)| = 1'\nassume = 'U unitary'\n"
    )
    (d / "proofs" / "mine.toml").write_text(
        "[[proof]]\nid = 'first'\nsteps = [{ expr = '|\\det(U)|' }, "
        "{ expr = '1', by = 'second' }]\n"
    )
    load([str(d)])


# ---------------------------------------------------------------- rank


def test_rank_of_product_states_both_inequalities_and_checks_every_step():
    # rank(AB) ≤ rank(B) from the null-space inclusion N(B) ⊆ N(AB), checked for an arbitrary
    # v; rank(AB) ≤ rank(A) through transposes and the inclusion N(Aᵀ) ⊆ N(BᵀAᵀ).
    entry = CAT.entries["rank-of-product"]
    report = verify_entry(entry, CAT)
    assert report.status == "checked", report.errors
    assert [text(c) for c in report.conclusions] == RANK
    assert not [s for c in entry.chains for s in c.steps[1:] if s.by is None]
    assert [c.form for c in report.chains].count("nullspace") == 2


def test_a_null_space_inclusion_the_other_way_fails(tmp_path):
    # N(AB) ⊆ N(B) is false in general, and so is rank(B) ≤ rank(AB)
    entry, proof = _raw("rank-of-product")
    _chain(proof, "right")["result"] = "\\operatorname{rank}(B) \\le \\operatorname{rank}(AB)"
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_a_null_space_chain_that_assumes_what_it_shows_fails(tmp_path):
    entry, proof = _raw("rank-of-product")
    chain = _chain(proof, "null-B")
    chain["hypothesis"] = "AB\\mathbf{v} = \\mathbf{0}"
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"


def test_rank_of_product_claiming_more_fails(tmp_path):
    entry, proof = _raw("rank-of-product")
    entry["conclusions"] = entry["conclusions"] + [
        "\\operatorname{rank}(AB) = \\operatorname{rank}(A)"
    ]
    report = _verify_tampered(tmp_path, entry, proof)
    assert report.status == "failed" and any("no chain proves" in e for e in report.errors)


def test_a_wrong_transpose_step_fails(tmp_path):
    entry, proof = _raw("rank-of-product")
    _chain(proof, "left")["steps"][2]["expr"] = "\\operatorname{rank}(A^TB^T)"
    assert _verify_tampered(tmp_path, entry, proof).status == "failed"
