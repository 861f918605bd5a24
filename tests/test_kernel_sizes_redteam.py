"""Red team of the kernel's sizes used as numbers (det(cA) = c^n det(A), A n×n).

Each case is a catalogue written to a tmp dir, proved step by step, in which the entry 'bad' is
FALSE (checked with numpy on concrete matrices, noted per case): the kernel must refuse it. A name
declared as a symbol (``m scalar``, ``m integer``) is a symbol, not the size of the matrices
written m×m (the front end drops it from the sizes), so c^m there is not c^size.
"""

from __future__ import annotations

import pytest

from derive.catalogue import _load, load
from tests.test_kernel import ENTRY, _write

SCALED = ("scaled-det", "\\det(cA) = c^n\\det(A)", "A n x n; c scalar", "")
SCALED_PROOF = [("\\det(cA)", None), ("c^n\\det(A)", "det-of-scalar-multiple")]
HYP_N2 = ("h", "\\det(cA) = c^2\\det(A)", "A n x n; c scalar", "hypotheses = ['n = 2']")
HYP_N2_PROOF = SCALED_PROOF + [("c^2\\det(A)", "hyp:1")]
HYP_CN = ("h", "\\det(cA) = c^c\\det(A)", "A n x n; c scalar", "hypotheses = ['c = n']")
HYP_CN_PROOF = SCALED_PROOF + [("c^c\\det(A)", "hyp:1")]


def _chain(id_: str, steps) -> str:
    s = ", ".join(
        f"{{ expr = '{e}' }}" if by is None else f"{{ expr = '{e}', by = '{by}' }}"
        for e, by in steps
    )
    return f"[[proof]]\nid = '{id_}'\nsteps = [{s}]\n"


def _statuses(tmp_path, entries, proofs) -> dict:
    text = "".join(
        (ENTRY + "assume = '{assume}'\n{extra}\n").format(id=i, statement=s, assume=a, extra=x)
        for i, s, a, x in entries
    )
    from derive.verify import catalogue_context

    reports = catalogue_context(load(_write(tmp_path, text, "".join(proofs))))
    _load.cache_clear()
    return {i: reports[i].status for i, *_ in entries}


CASES = {
    # A size name declared a scalar is no size: det(nA) = n^n det(A) with 'n scalar' is false
    # (A = [-4] 1×1, n = 8: -32 against -67108864); cited at B 3×3 it gave det(2B) = 2^2 det(B),
    # false (numpy: det(2B) = 8 det(B) for a random 3×3 B). Accepted before this test.
    "scalar n is no size": (
        [("t1", "\\det(nA) = n^n\\det(A)", "A n x n; n scalar", "")],
        [_chain("t1", [("\\det(nA)", None), ("n^n\\det(A)", "det-of-scalar-multiple")])],
    ),
    "integer n is no size": (
        [("t1", "\\det(nA) = n^n\\det(A)", "A n x n; n integer", "")],
        [_chain("t1", [("\\det(nA)", None), ("n^n\\det(A)", "det-of-scalar-multiple")])],
    ),
    # det(cB) = c^m det(B) for B m×m with m a declared scalar: B = [-4], c = 8, m = 2:
    # -32 against -256. Accepted (base rule and citation) before this test.
    "base rule, scalar m": (
        [("bad", "\\det(cB) = c^m\\det(B)", "B m x m; c, m scalar", "")],
        [_chain("bad", [("\\det(cB)", None), ("c^m\\det(B)", "det-of-scalar-multiple")])],
    ),
    "cited, scalar m": (
        [SCALED, ("bad", "\\det(cB) = c^m\\det(B)", "B m x m; c, m scalar", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("\\det(cB)", None), ("c^m\\det(B)", "scaled-det")]),
        ],
    ),
    "cited, integer m": (
        [SCALED, ("bad", "\\det(cB) = c^m\\det(B)", "B m x m; c scalar; m integer", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("\\det(cB)", None), ("c^m\\det(B)", "scaled-det")]),
        ],
    ),
    # a size used as a number in a hypothesis (n = 2), renamed to a scalar m with m = 2 while
    # B is 3×3 in a sample: det(2B) = 8 det(B), not 4 det(B). Accepted before this test.
    "hypothesis n = 2, scalar m = 2": (
        [
            HYP_N2,
            ("bad", "\\det(cB) = c^2\\det(B)", "B m x m; c, m scalar", "hypotheses = ['m = 2']"),
        ],
        [_chain("h", HYP_N2_PROOF), _chain("bad", [("\\det(cB)", None), ("c^2\\det(B)", "h")])],
    ),
    # the same theorem at 3×3 without n = 2: det(2B) = 8 det(B) ≠ 4 det(B)
    "hypothesis n = 2 at 3x3": (
        [HYP_N2, ("bad", "\\det(cB) = c^2\\det(B)", "B 3 x 3; c scalar", "")],
        [_chain("h", HYP_N2_PROOF), _chain("bad", [("\\det(cB)", None), ("c^2\\det(B)", "h")])],
    ),
    "hypothesis n = 2, other scalar n = 2": (
        [
            HYP_N2,
            ("bad", "\\det(cB) = c^2\\det(B)", "B m x m; c, n scalar", "hypotheses = ['n = 2']"),
        ],
        [_chain("h", HYP_N2_PROOF), _chain("bad", [("\\det(cB)", None), ("c^2\\det(B)", "h")])],
    ),
    # c = n in a hypothesis, cited where c = m is a scalar: B = [-4] 1×1, c = m = 2: -8 against -16
    "hypothesis c = n, scalar m": (
        [
            HYP_CN,
            ("bad", "\\det(cB) = c^c\\det(B)", "B m x m; c, m scalar", "hypotheses = ['c = m']"),
        ],
        [_chain("h", HYP_CN_PROOF), _chain("bad", [("\\det(cB)", None), ("c^c\\det(B)", "h")])],
    ),
    # c = 2 at 3×3: det(2B) = 8 det(B), not 2^2 det(B)
    "hypothesis c = n, c = 2 at 3x3": (
        [HYP_CN, ("bad", "\\det(cB) = c^c\\det(B)", "B 3 x 3; c scalar", "hypotheses = ['c = 2']")],
        [_chain("h", HYP_CN_PROOF), _chain("bad", [("\\det(cB)", None), ("c^c\\det(B)", "h")])],
    ),
    # c^n cited at a 1×1 matrix as c^2: det(cB) = c b, not c^2 b (c = 2, b = 3: 6 against 12)
    "1x1 as c^2": (
        [SCALED, ("bad", "\\det(cB) = c^2\\det(B)", "B 1 x 1; c scalar", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("\\det(cB)", None), ("c^2\\det(B)", "scaled-det")]),
        ],
    ),
    # det(cAB) for A, B m×m is c^m det(AB), not c^n with n another size (m = 2, n = 3: numpy)
    "product at another size": (
        [SCALED, ("bad", "\\det(cAB) = c^n\\det(AB)", "A, B m x m; c scalar; C n x n", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("\\det(cAB)", None), ("c^n\\det(AB)", "scaled-det")]),
        ],
    ),
    # det(nB) for B m×m is n^m det(B), not n^n (n = 2, m = 3: 8 det(B) against 4 det(B))
    "c := n at size m": (
        [SCALED, ("bad", "\\det(nB) = n^n\\det(B)", "B m x m; C n x n", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("\\det(nB)", None), ("n^n\\det(B)", "scaled-det")]),
        ],
    ),
    "base rule, c := n at size m": (
        [("bad", "\\det(nB) = n^n\\det(B)", "B m x m; C n x n", "")],
        [_chain("bad", [("\\det(nB)", None), ("n^n\\det(B)", "det-of-scalar-multiple")])],
    ),
    # backwards, at the wrong size: c^2 det(B) is not det(cB) for B 3×3
    "backwards at 3x3 as c^2": (
        [SCALED, ("bad", "c^2\\det(B) = \\det(cB)", "B 3 x 3; c scalar", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("c^2\\det(B)", None), ("\\det(cB)", "scaled-det")]),
        ],
    ),
    "backwards at another size": (
        [SCALED, ("bad", "c^n\\det(B) = \\det(cB)", "B m x m; c scalar; C n x n", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("c^n\\det(B)", None), ("\\det(cB)", "scaled-det")]),
        ],
    ),
    # two terms of different sizes: det(cB) = c^n det(B), not c^m (B n×n, m = 2, n = 3)
    "sum, second term at the first's size": (
        [
            (
                "bad",
                "\\det(cA) + \\det(cB) = c^m\\det(A) + c^m\\det(B)",
                "A m x m; B n x n; c scalar",
                "",
            )
        ],
        [
            _chain(
                "bad",
                [
                    ("\\det(cA) + \\det(cB)", None),
                    ("c^m\\det(A) + \\det(cB)", "det-of-scalar-multiple"),
                    ("c^m\\det(A) + c^m\\det(B)", "det-of-scalar-multiple"),
                ],
            )
        ],
    ),
    # det of an m×n matrix does not read (det needs a square matrix)
    "rectangular": (
        [SCALED, ("bad", "\\det(cB) = c^m\\det(B)", "B m x n; c scalar", "")],
        [
            _chain("scaled-det", SCALED_PROOF),
            _chain("bad", [("\\det(cB)", None), ("c^m\\det(B)", "scaled-det")]),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_false_statement_with_sizes_as_numbers_is_refused(tmp_path, case):
    entries, proofs = CASES[case]
    status = _statuses(tmp_path, entries, proofs)
    assert all(status[i] == "checked" for i, *_ in entries if i in ("scaled-det", "h")), status
    assert status[entries[-1][0]] == "failed", status


def test_the_true_neighbours_still_pass(tmp_path):
    """Sanity: the same theorems at the right sizes (m a size, c := m, n = 2 at m with m = 2)."""
    entries = [
        SCALED,
        HYP_N2,
        ("at-m", "\\det(mB) = m^m\\det(B)", "B m x m", ""),
        ("two", "\\det(cB) = c^2\\det(B)", "B m x m; c scalar", "hypotheses = ['m = 2']"),
        ("back", "c^m\\det(B) = \\det(cB)", "B m x m; c scalar", ""),
    ]
    proofs = [
        _chain("scaled-det", SCALED_PROOF),
        _chain("h", HYP_N2_PROOF),
        _chain("at-m", [("\\det(mB)", None), ("m^m\\det(B)", "scaled-det")]),
        _chain("two", [("\\det(cB)", None), ("c^2\\det(B)", "h")]),
        _chain("back", [("c^m\\det(B)", None), ("\\det(cB)", "scaled-det")]),
    ]
    assert set(_statuses(tmp_path, entries, proofs).values()) == {"checked"}
