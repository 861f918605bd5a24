"""``derive show`` checks an entry in the smallest context a previous run found it to need; the
answer must never depend on that hint."""

from __future__ import annotations

from derive import verify
from derive.catalogue import _load, load


def _fresh():
    _load.cache_clear()
    return load()


def test_a_hinted_context_gives_the_report_of_the_full_catalogue(monkeypatch):
    full = verify.verify_all(_fresh())
    uses = {r.entry.id: sorted(r.uses) for r in full}
    monkeypatch.setattr(verify, "_load_uses", lambda: uses)
    for eid in ("transpose-inverse", "pd-inverse", "hermitian-orthogonal-eigenvectors"):
        cat = _fresh()
        report = verify.verify_entry(cat.entries[eid], cat)
        assert "_reports" not in cat.__dict__, eid  # checked in the small context
        assert report.status == "checked" and report.uses == set(uses[eid]), eid


def test_a_wrong_hint_falls_back_to_the_whole_catalogue(monkeypatch):
    # pd-inverse needs pd-invertible and symmetric-inverse; a hint without them must not fail it
    monkeypatch.setattr(verify, "_load_uses", lambda: {"pd-inverse": []})
    cat = _fresh()
    report = verify.verify_entry(cat.entries["pd-inverse"], cat)
    assert report.status == "checked"
    assert "_reports" in cat.__dict__  # the small context did not suffice: everything was checked
    assert {"pd-invertible", "symmetric-inverse"} <= report.uses


def test_no_hint_checks_the_whole_catalogue(monkeypatch):
    monkeypatch.setattr(verify, "_load_uses", lambda: {})
    cat = _fresh()
    assert verify.verify_entry(cat.entries["pd-inverse"], cat).status == "checked"
    assert "_reports" in cat.__dict__
