"""The trusted core (``derive/core/``): what it imports, its size, citation order through the
Python API, side conditions from theorems in context, and the JSON that ``derive show`` prints."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from derive.catalogue import Chain, Entry, Step, load
from derive.core import kernel as K
from derive.expr import Relation
from derive.frontend import Typed, build_env, parse, parse_assumptions, typecheck
from derive.verify import chains_of, check_one_step, entry_env, statement_of

CORE = Path(__file__).resolve().parent.parent / "derive" / "core"
CAT = load()


# ---------------------------------------------------------------- (1) imports, (2) size


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append("derive.core" if node.level else node.module or "")
    return out


def test_the_core_imports_only_the_standard_library_and_itself():
    files = sorted(CORE.glob("*.py"))
    assert {f.name for f in files} >= {
        "terms.py",
        "shapes.py",
        "arith.py",
        "match.py",
        "facts.py",
        "rules.py",
        "kernel.py",
    }
    bad = [
        (f.name, m)
        for f in files
        for m in _imports(f)
        if not (
            m.split(".")[0] in sys.stdlib_module_names
            or m == "derive.core"
            or m.startswith("derive.core.")
        )
    ]
    assert not bad, bad


def test_the_import_check_sees_imports_inside_functions(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("import os\ndef g():\n    from derive.frontend import read\n    import sympy\n")
    assert _imports(f) == ["os", "derive.frontend", "sympy"]


def test_the_core_is_small():
    lines = sum(len(f.read_text().splitlines()) for f in CORE.glob("*.py"))  # as wc -l counts
    assert lines <= 2500, f"derive/core/ has {lines} lines (at most 2500)"


# ---------------------------------------------------------------- (3) citation order, cycles


def _theorem(eid: str, statement: str, steps, assume: str = ""):
    entry = Entry(
        id=eid,
        title="t",
        statement=statement,
        section="s",
        assume=assume,
        chains=(Chain(tuple(Step(e, by) for e, by in steps)),),
    )
    env, typed = entry_env(entry)
    return statement_of(entry, env, typed), chains_of(entry, typed)


P = ("p", "(A^T)^T = A", [("(A^T)^T", None), ("A", "q")])
Q = ("q", "(B^T)^T = B", [("(B^T)^T", None), ("B", "p")])
Q_BASE = ("q", "(B^T)^T = B", [("(B^T)^T", None), ("B", "transpose-of-transpose")])


def test_a_proof_cites_only_theorems_already_in_the_context():
    ctx = K.Context()
    result = ctx.add(*_theorem(*P))
    assert not result.ok and "'q' is no base rule" in result.errors[0] and "p" not in ctx
    assert ctx.add(*_theorem(*Q_BASE)).ok and "q" in ctx
    assert ctx.add(*_theorem(*P)).ok and ctx.names() == ["q", "p"]
    assert ctx.get("p").uses == frozenset({"q"})
    with pytest.raises(K.KernelError, match="already in the context"):
        ctx.add(*_theorem(*Q_BASE))


@pytest.mark.parametrize("order", [(P, Q), (Q, P)])
def test_two_statements_citing_each_other_are_never_both_accepted(order):
    ctx = K.Context()
    results = [ctx.add(*_theorem(*spec)) for spec in order]
    assert not all(r.ok for r in results)
    assert not any(r.ok for r in results)  # neither has a proof that ends in base rules
    assert ctx.names() == []


def test_a_theorem_is_made_only_by_the_kernel():
    st, _ = _theorem(*Q_BASE)
    with pytest.raises(K.KernelError, match="only the kernel"):
        K.Theorem(object(), st, True, frozenset())
    with pytest.raises(TypeError):
        K.Theorem(st, True, frozenset())  # the token is required


# ---------------------------------------------------------------- (4) a theorem in context


def _context_before(eid: str) -> K.Context:
    """The catalogue's theorems before ``eid`` (in order), without ``eid`` and what follows."""
    ctx = K.Context()
    for e in CAT.ordered():
        if e.id == eid:
            break
        if not e.chains:
            continue
        env, typed = entry_env(e)
        ctx.add(statement_of(e, env, typed), chains_of(e, typed))
    return ctx


def _step_in(ctx: K.Context, prev: str, nxt: str, rule: str, assume: str, rel: str):
    entry = Entry(id="step", title="step", statement=f"{prev} = {prev}", section="", assume=assume)
    parsed = [parse(prev), parse(nxt)]
    env = build_env(parse_assumptions(assume), parsed)
    a, b = (typecheck([p], env)[0] for p in parsed)
    st = statement_of(entry, env, {"concl:0": Typed(Relation("=", a.expr, a.expr), None, prev)})
    chain = K.Chain("calc", steps=(K.Step(a.expr, None), K.Step(b.expr, rule, rel)))
    return K.Checker(ctx, st).check_step(a.expr, chain.steps[1], chain, "")


X_A_INV_X = (
    "\\mathbf{x}^TA^{-1}\\mathbf{x}",
    "0",
    "positive-definite-definition",
    "A positive_definite; x nonzero",
    ">",
)


def test_the_inverse_of_a_pd_matrix_is_pd_only_with_the_theorem_pd_inverse():
    ctx = _context_before("pd-inverse")
    assert "pd-invertible" in ctx and "pd-inverse" not in ctx
    res = _step_in(ctx, *X_A_INV_X)
    assert not res.ok
    assert "it needs (A)^-1 positive_definite" in res.message
    res = check_one_step(*X_A_INV_X, cat=CAT)
    assert res.ok, res.message
    sources = {(c.claim.prop, c.kind, c.name) for c in res.conditions}
    assert ("positive_definite", "theorem", "pd-inverse") in sources
    assert ("nonzero", "hypothesis", "x nonzero") in sources


def test_a_pd_matrix_is_invertible_only_with_the_theorem_pd_invertible():
    step = ("AA^{-1}", "I", "inverse-mul-self", "A positive_definite", "=")
    res = _step_in(_context_before("pd-invertible"), *step)
    assert not res.ok and "it needs A invertible" in res.message
    res = _step_in(_context_before("pd-inverse"), *step)
    assert res.ok
    assert ("invertible", "theorem", "pd-invertible") in {
        (c.claim.prop, c.kind, c.name) for c in res.conditions
    }


# ---------------------------------------------------------------- (5) the command line


def test_derive_verify_passes_for_the_built_in_catalogue():
    result = CliRunner().invoke(cli.main, ["verify"])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def _check_proposition(p, where):
    assert p["kind"] in ("relation", "property"), where
    if p["kind"] == "relation":
        assert {"rel", "lhs", "rhs"} <= set(p), where
        assert p["rel"] in ("=", "!=", "<", "<=", ">", ">=", "~"), where
        assert all(isinstance(p[k], str) and p[k] for k in ("lhs", "rhs")), where
    else:
        assert {"term", "property"} <= set(p) and p["term"], where
        assert p["property"].replace("_", "").isalpha(), where


def _check_conditions(conds, where):
    for c in conds:
        assert {"claim", "source", "premises"} <= set(c), where
        assert c["source"]["kind"] in ("hypothesis", "fact", "theorem", "base fact"), where
        assert c["source"]["name"], where
        _check_conditions(c["premises"], where)


def test_show_json_of_every_entry_has_the_documented_shape():
    runner = CliRunner()
    for eid in CAT.entries:
        result = runner.invoke(cli.main, ["show", eid, "--json"])
        assert result.exit_code == 0, (eid, result.output)
        data = json.loads(result.output)
        assert {
            "id",
            "title",
            "assume",
            "hypotheses",
            "conclusions",
            "steps",
            "uses",
            "status",
            "explanation",
        } <= set(data), eid
        assert data["id"] == eid and data["status"] in (
            "checked",
            "partial",
            "failed",
            "unproved",
        ), eid
        assert data["conclusions"], eid
        for p in data["conclusions"] + data["hypotheses"]:
            _check_proposition(p, eid)
        steps = data["steps"]
        assert steps or data["status"] == "unproved", eid
        assert {s["chain"] for s in steps} <= {c["chain"] for c in data["chains"]}, eid
        for s in steps:
            assert {"by", "checked", "side_conditions"} <= set(s), (eid, s)
            assert isinstance(s["checked"], bool), (eid, s)
            _check_conditions(s["side_conditions"], eid)


# ---------------------------------------------------------------- (6) a step that changes nothing


@pytest.mark.parametrize(
    "prev,nxt,rule,assume",
    [
        ("A(BC)", "A(BC)", "mul-assoc", ""),
        ("AA^{-1}", "AA^{-1}", "inverse-mul-self", "A invertible"),
        ("(A^T)^T", "(A^T)^T", "transpose-of-transpose", ""),
        ("(AB)C", "A(BC)", "mul-assoc", ""),  # only the grouping of a product differs
    ],
)
def test_the_kernel_rejects_a_step_that_changes_nothing(prev, nxt, rule, assume):
    res = check_one_step(prev, nxt, rule, assume)
    assert not res.ok and "changes nothing" in res.message


def test_a_step_that_changes_nothing_fails_its_entry():
    entry = Entry(
        id="idle",
        title="t",
        statement="(A^T)^T = A",
        section="s",
        chains=(
            Chain(
                (
                    Step("(A^T)^T", None),
                    Step("(A^T)^T", "transpose-of-transpose"),
                    Step("A", "transpose-of-transpose"),
                )
            ),
        ),
    )
    env, typed = entry_env(entry)
    result = K.Context().add(statement_of(entry, env, typed), chains_of(entry, typed))
    assert not result.ok and "changes nothing" in result.errors[0]


def test_dropping_a_nonnegative_term_needs_a_real_remainder():
    # s + t >= t orders real numbers only: x^Tx + i >= i would be an inequality between complex
    # numbers, which no chain may take as a step
    from derive.core.rules import drop_nonnegative_term
    from derive.core.terms import Add, Const, Mul, Transpose
    from derive.core_examples import c, show, z

    assert show(drop_nonnegative_term, Add((Mul((Transpose(z), z)), c))) == [(">=", "c")]
    assert show(drop_nonnegative_term, Add((Mul((Transpose(z), z)), Const("i")))) == []
