"""An independent referee for ``tests/data/redteam_reading.jsonl``: numpy and mpmath only.

Nothing here imports ``derive``. Every claim whose truth is mathematical ("equivalent" or
"not-equivalent") has a function below that draws one random instance with the declared properties,
built by its own construction (QR factors for orthogonal and unitary matrices, V D V^T for symmetric
orthogonal ones, polynomials in A for matrices that commute with A, ...), and returns the two sides
as numbers or arrays. The referee calls a claim equivalent when the sides agree on every draw (to
1e-8, relative), not-equivalent when some draw differs. Claims whose truth is "invalid" are about
reading, not mathematics: no referee.

Run ``python3 tests/redteam_reading_referee.py`` to see the table; exit status 1 on any claim whose
recorded truth the referee does not confirm.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import mpmath
import numpy as np

CORPUS = Path(__file__).parent / "data" / "redteam_reading.jsonl"
DRAWS = 8


# ---------------------------------------------------------------- instances


def real(rng, n, m=None):
    return rng.standard_normal((n, n if m is None else m))


def cplx(rng, n, m=None):
    return real(rng, n, m) + 1j * real(rng, n, m)


def orthogonal(rng, n):
    q, r = np.linalg.qr(real(rng, n))
    return q * np.sign(np.diag(r))  # Haar: det +1 and -1 both occur


def unitary(rng, n):
    q, r = np.linalg.qr(cplx(rng, n))
    d = np.diag(r)
    return q * (d / abs(d))


def symmetric(rng, n):
    m = real(rng, n)
    return m + m.T


def hermitian(rng, n):
    m = cplx(rng, n)
    return m + m.conj().T


def signs(rng, n):
    return np.diag(rng.choice([-1.0, 1.0], n))


def orthogonal_symmetric(rng, n):
    v = orthogonal(rng, n)
    return v @ signs(rng, n) @ v.T


def unitary_hermitian(rng, n):
    v = unitary(rng, n)
    return v @ signs(rng, n) @ v.conj().T


def polynomial_in(rng, a):
    n = a.shape[0]
    c = rng.integers(-3, 4, 3)
    return c[0] * np.eye(n) + c[1] * a + c[2] * a @ a


def psd(rng, n):
    m = real(rng, n, int(rng.integers(1, n + 1)))
    return m @ m.T


def size(rng):
    return int(rng.integers(2, 5))


def scalar(rng):
    return float(rng.uniform(-3, 3))


def positive(rng):
    return float(rng.uniform(0.1, 3))


def rank(m) -> int:
    return int(np.linalg.matrix_rank(np.atleast_2d(m)))


# ---------------------------------------------------------------- the claims


def _T_power_declared(rng):
    r, t = positive(rng), scalar(rng)
    return (1 + r) ** t, 1 + r


def _T_power_law(rng):
    r, t = positive(rng), scalar(rng)
    return (1 + r) ** t, (1 + r) ** (t - 1) * (1 + r)


def _xTx_bold(rng):
    x = real(rng, size(rng), 1)
    return (x.T @ x).item(), float(np.linalg.norm(x)) ** 2


def _top_on_scalar(rng):
    c = scalar(rng)
    return 2 * c, 2 * c


def _T_power_on_matrix(rng):
    n, t = size(rng), int(rng.integers(-3, 4))
    a = real(rng, n)
    if t < 0:
        return np.linalg.matrix_power(np.linalg.inv(a), -t), a.T
    return np.linalg.matrix_power(a, t), a.T


def _ATA(rng):
    a = real(rng, size(rng))
    return a.T @ a, a @ a.T


def _H_of_real(rng):
    b = real(rng, size(rng))
    return b.conj().T, b.T


def _T_of_T(rng):
    t = real(rng, size(rng))
    return t.T, t


def _z_power_T(rng):
    z, t = positive(rng), scalar(rng)
    return z**t, z**2


def _quadratic_form(rng):
    n = size(rng)
    a, x = real(rng, n), real(rng, n, 1)
    return (x.T @ a @ x).T, x.T @ a.T @ x


def _inverse_pair(f, g, complex_=True, orth=False):
    def run(rng):
        n = size(rng)
        a = orthogonal(rng, n) if orth else (cplx(rng, n) if complex_ else real(rng, n))
        return f(a), g(a)

    return run


inv = np.linalg.inv


def _H(a):
    return a.conj().T


def _two_scalars(rng):
    return scalar(rng), scalar(rng)


def _same_scalar(rng):
    a = scalar(rng)
    return a, a


def _sum_commutes(rng):
    a, b = scalar(rng), scalar(rng)
    return a + b, b + a


def _abs_positive(rng):
    a = positive(rng)
    return a, abs(a)


def _distribute(rng):
    a, b, c = scalar(rng), scalar(rng), scalar(rng)
    return a * (b + c), a * b + a * c


def _I_n(rng):
    n = size(rng)
    return np.eye(n), np.eye(n)


def _I_n_A(rng):
    a = real(rng, size(rng))
    return np.eye(a.shape[0]) @ a, a


def _trace_I_n(rng):
    n = size(rng)
    return np.trace(np.eye(n)), n


def _trace_I_3(rng):
    return np.trace(np.eye(3)), 3


def _trace_I_3_vs_n(rng):
    n = int(rng.integers(1, 6))
    return np.trace(np.eye(3)), n


def _det_I_m(rng):
    return np.linalg.det(np.eye(size(rng))), 1.0


def _rank_cI_vs_c(rng):
    n = size(rng)
    return rank(2 * np.eye(n)), rank(2.0)


def _rank_sqrt(rng):
    n = size(rng)
    c = mpmath.sqrt(n * n + n - 1)
    return rank(float(c) * np.eye(n)), rank(float(c))


def _rank_cI_same(rng):
    n = size(rng)
    return rank(2 * np.eye(n)), rank(3 * np.eye(n))


def _trace_2I(rng):
    return np.trace(2 * np.eye(size(rng))), 2.0


def _det_2I(rng):
    n = size(rng)
    return np.linalg.det(2 * np.eye(n)), 2.0**n


def _det_2I_not_2(rng):
    return np.linalg.det(2 * np.eye(size(rng))), 2.0


def _trace_exp_sizes(rng):
    m, n = size(rng), size(rng)
    e = float(mpmath.e)
    return np.trace(e * np.eye(m)), np.trace(e * np.eye(n))  # e^{I} = e I


def _det_scalar_multiple(rng):
    n, c = size(rng), scalar(rng)
    a = real(rng, n)
    return np.linalg.det(c * a), c * np.linalg.det(a)


def _xTy(rng):
    n = size(rng)
    x, y = real(rng, n, 1), real(rng, n, 1)
    return (x.T @ y).item(), (y.T @ x).item()


def _one_by_one(rng):
    c = scalar(rng)
    return np.array([[c]]), c


def _scalar_factor(rng):
    n = size(rng)
    x = real(rng, n, 1)
    return (x.T @ x).item() * np.eye(n), np.eye(n) * (x.T @ x).item()


def _outer_inner(rng):
    x = real(rng, size(rng), 1)
    return x @ x.T, x.T @ x


def _real_unitary(transpose):
    def run(rng):
        u = orthogonal(rng, size(rng))  # a real unitary matrix
        return (u.T if transpose else _H(u)) @ u, np.eye(u.shape[0])

    return run


def _real_hermitian(rng):
    h = symmetric(rng, size(rng))  # a real hermitian matrix
    return h.T, h


def _complex_unitary(rng):
    u = unitary(rng, size(rng))
    return u.T @ u, np.eye(u.shape[0])


def _complex_hermitian(rng):
    h = hermitian(rng, size(rng))
    return h.T, h


def _orthogonal_symmetric(rng):
    q = orthogonal_symmetric(rng, size(rng))
    return q @ q, np.eye(q.shape[0])


def _orthogonal_pd(rng):
    # positive definite: symmetric with eigenvalues > 0; orthogonal: eigenvalues of modulus 1;
    # so every eigenvalue is 1, and Q = V I V^T
    n = size(rng)
    v = orthogonal(rng, n)
    q = v @ np.eye(n) @ v.T
    return q, np.eye(n)


def _orthogonal_det(rng):
    return np.linalg.det(orthogonal(rng, size(rng))), 1.0


def _commute_symmetric(rng):
    a = symmetric(rng, size(rng))
    b = polynomial_in(rng, a)
    return a @ b, b @ a


def _symmetric_product(rng):
    n = size(rng)
    a, b = symmetric(rng, n), symmetric(rng, n)
    return (a @ b).T, a @ b


def _symmetric_commuting_product(rng):
    a = symmetric(rng, size(rng))
    b = polynomial_in(rng, a)
    return (a @ b).T, a @ b


def _unitary_det(rng):
    d = np.linalg.det(unitary(rng, size(rng)))
    return d * np.conj(d), 1.0


def _real_unitary_conj(rng):
    a = orthogonal(rng, size(rng))
    return np.conj(a), a


def _unitary_conj(rng):
    a = unitary(rng, size(rng))
    return np.conj(a), a


def _symmetric_orthogonal_inverse(rng):
    a = orthogonal_symmetric(rng, size(rng))
    return inv(a), a


def _diagonal_symmetric(rng):
    a = np.diag(real(rng, size(rng), 1)[:, 0])
    return a, a.T


def _diagonal_commute(rng):
    n = size(rng)
    a, b = np.diag(real(rng, n, 1)[:, 0]), np.diag(real(rng, n, 1)[:, 0])
    return a @ b, b @ a


def _symmetric_no_commute(rng):
    n = size(rng)
    a, b = symmetric(rng, n), symmetric(rng, n)
    return a @ b, b @ a


def _unitary_hermitian(rng):
    a = unitary_hermitian(rng, size(rng))
    return a @ a, np.eye(a.shape[0])


def _psd_det(rng):
    d = np.linalg.det(psd(rng, size(rng)))
    d = max(d, 0.0) if abs(d) < 1e-9 else d  # rounding of a singular psd matrix
    return d, abs(d)


def _minus_phi(rng):
    p = scalar(rng)
    return -p, p


REFEREES = {
    "T-power-declared": _T_power_declared,
    "T-power-declared-law": _T_power_law,
    "xTx-bold": _xTx_bold,
    "top-on-scalar": _top_on_scalar,
    "T-power-on-matrix": _T_power_on_matrix,
    "T-transpose-not-symmetric": _ATA,
    "H-of-real-matrix": _H_of_real,
    "T-of-T-matrix": _T_of_T,
    "z-power-T": _z_power_T,
    "quadratic-form-transpose": _quadratic_form,
    "minus-H": _inverse_pair(lambda a: inv(_H(a)), lambda a: inv(_H(a))),
    "minus-H-not-T": _inverse_pair(lambda a: inv(_H(a)), lambda a: inv(a.T)),
    "minus-H-order": _inverse_pair(lambda a: inv(_H(a)), lambda a: _H(inv(a))),
    "minus-T": _inverse_pair(lambda a: inv(a.T), lambda a: inv(a).T, complex_=False),
    "minus-T-not-inverse": _inverse_pair(lambda a: inv(a.T), inv, complex_=False),
    "minus-T-orthogonal": _inverse_pair(lambda a: inv(a.T), lambda a: a, orth=True),
    "comma-subscripts": _two_scalars,
    "comma-vs-none": _two_scalars,
    "space-in-subscript": _same_scalar,
    "subscripts-commute": _sum_commutes,
    "braced-single": _same_scalar,
    "comma-declared": _abs_positive,
    "product-not-function": _distribute,
    "I_n-is-I": _I_n,
    "I_n-times-A": _I_n_A,
    "trace-I_n": _trace_I_n,
    "trace-I_3": _trace_I_3,
    "trace-I_3-not-n": _trace_I_3_vs_n,
    "det-I_m": _det_I_m,
    "rank-cI-vs-c": _rank_cI_vs_c,
    "rank-sqrt-I": _rank_sqrt,
    "rank-cI-same-size": _rank_cI_same,
    "trace-2I": _trace_2I,
    "det-2I": _det_2I,
    "det-2I-not-2": _det_2I_not_2,
    "trace-exp-I-sizes": _trace_exp_sizes,
    "det-scalar-multiple": _det_scalar_multiple,
    "one-by-one-transpose": _xTy,
    "one-by-one-literal": _one_by_one,
    "one-by-one-scalar-factor": _scalar_factor,
    "outer-vs-inner": _outer_inner,
    "real-unitary": _real_unitary(True),
    "real-unitary-H": _real_unitary(False),
    "real-unitary-other-complex": _real_unitary(True),
    "real-hermitian": _real_hermitian,
    "complex-unitary": _complex_unitary,
    "complex-hermitian": _complex_hermitian,
    "orthogonal-symmetric": _orthogonal_symmetric,
    "orthogonal-pd": _orthogonal_pd,
    "orthogonal-det": _orthogonal_det,
    "commute-symmetric": _commute_symmetric,
    "symmetric-product": _symmetric_product,
    "symmetric-commuting-product": _symmetric_commuting_product,
    "unitary-det-modulus": _unitary_det,
    "real-unitary-conj": _real_unitary_conj,
    "unitary-conj": _unitary_conj,
    "symmetric-orthogonal-inverse": _symmetric_orthogonal_inverse,
    "diagonal-symmetric": _diagonal_symmetric,
    "diagonal-commute": _diagonal_commute,
    "symmetric-no-commute": _symmetric_no_commute,
    "unitary-hermitian-involution": _unitary_hermitian,
    "psd-not-pd": _psd_det,
    "minus-phi": _minus_phi,
}


def _agree(a, b) -> bool:
    a, b = np.asarray(a, dtype=complex), np.asarray(b, dtype=complex)
    if a.size == 1 and b.size == 1:  # a 1x1 matrix is its scalar
        a, b = a.reshape(()), b.reshape(())
    if a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=1e-8, atol=1e-8 * (1 + np.abs(a).max(initial=0))))


def referee_verdict(claim_id: str, seed: int = 2026, draws: int = DRAWS) -> str:
    """'equivalent' when both sides agree on every random draw, else 'not-equivalent'."""
    rng = np.random.default_rng(seed)
    run = REFEREES[claim_id]
    for _ in range(draws):
        lhs, rhs = run(rng)
        if not _agree(lhs, rhs):
            return "not-equivalent"
    return "equivalent"


def claims() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def main() -> int:
    wrong = 0
    for c in claims():
        if c["truth"] == "invalid":
            print(f"{'reading':<15} {c['id']}")
            continue
        got = referee_verdict(c["id"])
        mark = "ok" if got == c["truth"] else "DISAGREES"
        wrong += got != c["truth"]
        print(f"{got:<15} {c['id']}: {mark}")
    print(f"{wrong} disagreements")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
