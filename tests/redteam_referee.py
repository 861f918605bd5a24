"""An independent referee for tests/data/redteam_numeric.jsonl: it re-confirms every label without
any of derive's code (no parser, no sampler, no evaluator), with numpy matrices that satisfy the
properties and mpmath at high precision.

Each claim id has its own hand-written pair of functions (expected, answer) over a random point.
A label "not-equivalent" is confirmed by a witness point where the expected side is defined and
the answer differs from it, or has no real value (the convention of the README: real scalars,
an answer undefined where the expected answer is defined is different); "equivalent" by agreement
on every one of many random points where the expected side is defined. Run:

    python3 tests/redteam_referee.py        # exit status 0 when every label is confirmed
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import mpmath as mp
import numpy as np

DATA = Path(__file__).parent / "data" / "redteam_numeric.jsonl"
EQ, NE = "equivalent", "not-equivalent"
POINTS = 40


class NoValue(Exception):
    """A real function outside its real domain (or a singular point)."""


# ---------------------------------------------------------------- real-domain scalar functions


def rsqrt(x):
    if x < 0:
        raise NoValue
    return mp.sqrt(x)


def rlog(x):
    if x <= 0:
        raise NoValue
    return mp.log(x)


def rpow(a, b):
    if a < 0 and b != int(b):
        raise NoValue
    if a == 0 and b <= 0:
        raise NoValue
    return mp.power(a, b)


def real(rng, lo=-9, hi=9):
    return mp.mpf(rng.randint(lo * 997, hi * 997)) / rng.choice((1, 7, 997))


def cplx(rng):
    pick = rng.random()
    re, im = rng.randint(-6, 6), rng.randint(-6, 6)
    if pick < 0.3:
        im = 0
    return mp.mpc(re, im)


# ---------------------------------------------------------------- matrices (numpy, float64)


def general(rng, n):
    return rng.standard_normal((n, n))


def sym(rng, n):
    m = general(rng, n)
    return m + m.T


def orth(rng, n):
    q, r = np.linalg.qr(general(rng, n))
    return q * np.sign(np.diag(r))


def unitary(rng, n):
    q, r = np.linalg.qr(general(rng, n) + 1j * general(rng, n))
    return q * (np.diag(r) / abs(np.diag(r)))


def pd(rng, n):
    m = general(rng, n)
    return m @ m.T + 0.1 * np.eye(n)


def diag(rng, n):
    return np.diag(rng.standard_normal(n))


def expm(a):
    w, v = np.linalg.eig(a)
    return (v * np.exp(w)) @ np.linalg.inv(v)


def commuting(rng, n, base_kind):
    """(A, B): A of the kind, B commuting with A and not a polynomial in A (A = cI on a block)."""
    k = rng.integers(1, n)
    q = orth(rng, n) if base_kind != "diag" else np.eye(n)
    vals = {
        "sym": (1.5, -0.5),
        "pd": (2.0, 0.5),
        "diag": (3.0, -1.0),
        "orth": (1.0, -1.0),
        "herm": (1.0, 2.0),
    }[base_kind]
    d = np.diag([vals[0]] * k + [vals[1]] * (n - k))
    blocks = np.zeros((n, n), dtype=complex if base_kind == "herm" else float)
    blocks[:k, :k] = general(rng, k) + (1j * general(rng, k) if base_kind == "herm" else 0)
    blocks[k:, k:] = general(rng, n - k) + (1j * general(rng, n - k) if base_kind == "herm" else 0)
    return q @ d @ q.T, q @ blocks @ q.T


def commuting_generic(rng, n, a_kind, b_kind):
    """(A, B) commuting, A and B of their kinds, in a shared orthogonal eigenbasis (or blocks)."""
    q = orth(rng, n)
    if a_kind == "orth" and b_kind == "sym":  # A = Q diag(±1) Q^T, B = Q diag(b) Q^T
        return q @ np.diag(rng.choice([-1.0, 1.0], n)) @ q.T, q @ np.diag(
            rng.standard_normal(n)
        ) @ q.T
    if a_kind == "unitary":  # A = V diag(phases) V^*, B = V diag(b) V^*
        v = unitary(rng, n)
        a = v @ np.diag(np.exp(1j * rng.uniform(0, 6, n))) @ v.conj().T
        return a, v @ np.diag(rng.standard_normal(n) + 1j * rng.standard_normal(n)) @ v.conj().T
    if a_kind == "orth_q":  # Q orthogonal, A commuting with it: A = p(Q) + blocks in eigenspaces
        r = np.array([[np.cos(1.1), -np.sin(1.1)], [np.sin(1.1), np.cos(1.1)]])
        qq = np.eye(n)
        qq[:2, :2] = r
        a = np.zeros((n, n))
        a[:2, :2] = 0.7 * np.eye(2) + 0.3 * r
        a[2:, 2:] = general(rng, n - 2)
        return qq, a
    if a_kind == "diag" and b_kind == "diag":
        return diag(rng, n), diag(rng, n)
    a = (
        q @ np.diag(rng.standard_normal(n)) @ q.T
        if a_kind != "pd"
        else q @ np.diag(rng.uniform(0.2, 3, n)) @ q.T
    )
    b = q @ np.diag(rng.standard_normal(n)) @ q.T
    if b_kind == "free":  # a block structure: A has a double eigenvalue, B is free on it
        d = np.diag([2.0, 2.0] + list(rng.uniform(0.2, 3, n - 2)))
        a = q @ d @ q.T
        blk = np.zeros((n, n))
        blk[:2, :2] = general(rng, 2)
        blk[2:, 2:] = np.diag(rng.standard_normal(n - 2))
        b = q @ blk @ q.T
    return a, b


# ---------------------------------------------------------------- the claims, one by one


def scalar_claim(draw, f, g, dps=80):
    """A scalar claim as (point drawer, expected, answer), at ``dps`` digits."""
    return ("scalar", draw, f, g, dps)


def matrix_claim(draw, f, g, tol=1e-8):
    return ("matrix", draw, f, g, tol)


def x_(rng):
    return {"x": real(rng)}


def xy(rng):
    return {"x": real(rng), "y": real(rng)}


def pos(rng, *names):
    return {n: abs(real(rng)) + mp.mpf(1) / 7 for n in names}


def integer(rng, positive=False, reach=1000):
    k = rng.randint(-reach, reach)
    return {"k": abs(k) if positive else k}


def moderate(rng):
    return {"x": mp.mpf(rng.randint(-30 * 991, 30 * 991)) / 991}


E = mp.e
CLAIMS = {
    "mag-tanh": scalar_claim(lambda r: {}, lambda v: mp.tanh(1000), lambda v: 1, 3000),
    "mag-exp-plus-one": scalar_claim(
        lambda r: {}, lambda v: mp.exp(1000) + 1, lambda v: mp.exp(1000), 3000
    ),
    "mag-log1p": scalar_claim(lambda r: {}, lambda v: mp.log(1 + mp.exp(-1000)), lambda v: 0, 3000),
    "mag-det": (
        "mpmatrix",
        lambda r: {"A": mp.matrix(np.round(general(r, 3) * 4).tolist())},
        lambda v: mp.det(mp.eye(3) + mp.exp(-1000) * v["A"]),
        lambda v: 1,
        3000,
    ),
    "mag-cosh-sinh": scalar_claim(
        lambda r: {"x": mp.mpf(r.choice((6795, -700, 3.5, 1000)))},
        lambda v: mp.cosh(v["x"]) ** 2 - mp.sinh(v["x"]) ** 2,
        lambda v: 1,
        3000 * 4,
    ),
    "mag-cosh-minus-sinh": scalar_claim(
        lambda r: {"x": mp.mpf(r.choice((6795, -700, 3.5, 1000)))},
        lambda v: mp.cosh(v["x"]) - mp.sinh(v["x"]),
        lambda v: mp.exp(-v["x"]),
        3000 * 4,
    ),
    "mag-tanh-sq": scalar_claim(
        lambda r: {"x": mp.mpf(r.choice((6795, -700, 3.5, 1000)))},
        lambda v: 1 - mp.tanh(v["x"]) ** 2,
        lambda v: 1 / mp.cosh(v["x"]) ** 2,
        3000 * 4,
    ),
    "mag-logistic": scalar_claim(
        lambda r: {"x": mp.mpf(-5261) / 7 if r.random() < 0.5 else real(r)},
        lambda v: 1 / (1 + mp.exp(-2 * v["x"])),
        lambda v: mp.tanh(v["x"]) / 2 + mp.mpf(1) / 2,
        3000,
    ),
    "mag-cancel-200": scalar_claim(
        lambda r: {}, lambda v: mp.exp(200) + 1 - mp.exp(200), lambda v: 1, 3000
    ),
    "mag-tiny-const": scalar_claim(lambda r: {}, lambda v: mp.exp(-500), lambda v: 0, 3000),
    "mag-cos-tiny": scalar_claim(lambda r: {}, lambda v: mp.cos(mp.exp(-300)), lambda v: 1, 3000),
    "mag-square-tiny": scalar_claim(
        lambda r: {}, lambda v: (1 + mp.exp(-800)) ** 2, lambda v: 1 + 2 * mp.exp(-800), 3000
    ),
    "mag-nested-cancel": scalar_claim(
        lambda r: {},
        lambda v: mp.exp(1000) - mp.exp(1000) * (1 - mp.exp(-2000)),
        lambda v: mp.exp(-1000),
        3000,
    ),
    "mag-exp-product": scalar_claim(
        x_, lambda v: mp.exp(v["x"]) * mp.exp(-v["x"]), lambda v: 1, 3000
    ),
    "mag-det-expm": matrix_claim(
        lambda r: {"A": general(r, 3)},
        lambda v: np.linalg.det(expm(v["A"])),
        lambda v: np.exp(np.trace(v["A"])),
    ),
    "mag-exp-plus-tiny": scalar_claim(
        moderate, lambda v: mp.exp(v["x"]) + mp.exp(-1000), lambda v: mp.exp(v["x"]), 3000
    ),
    "tr-pythagoras": scalar_claim(
        x_, lambda v: mp.sin(v["x"]) ** 2 + mp.cos(v["x"]) ** 2, lambda v: 1
    ),
    "tr-double-sin": scalar_claim(
        x_, lambda v: mp.sin(2 * v["x"]), lambda v: 2 * mp.sin(v["x"]) * mp.cos(v["x"])
    ),
    "tr-double-cos": scalar_claim(
        x_, lambda v: mp.cos(2 * v["x"]), lambda v: 1 - 2 * mp.sin(v["x"]) ** 2
    ),
    "tr-tan": scalar_claim(x_, lambda v: mp.tan(v["x"]), lambda v: mp.sin(v["x"]) / mp.cos(v["x"])),
    "tr-sum-sin": scalar_claim(
        xy,
        lambda v: mp.sin(v["x"] + v["y"]),
        lambda v: mp.sin(v["x"]) * mp.cos(v["y"]) + mp.cos(v["x"]) * mp.sin(v["y"]),
    ),
    "tr-sin-big-freq": scalar_claim(x_, lambda v: mp.sin(21000 * mp.pi * v["x"]), lambda v: 0),
    "tr-sin-pi-x": scalar_claim(x_, lambda v: mp.sin(mp.pi * v["x"]), lambda v: 0),
    "tr-half-angle": scalar_claim(
        x_, lambda v: mp.cos(v["x"]) ** 2, lambda v: (1 + mp.cos(2 * v["x"])) / 2
    ),
    "tr-tanh-exp": scalar_claim(
        moderate,
        lambda v: mp.tanh(v["x"]),
        lambda v: (mp.exp(2 * v["x"]) - 1) / (mp.exp(2 * v["x"]) + 1),
    ),
    "tr-sinh-double": scalar_claim(
        moderate, lambda v: mp.sinh(2 * v["x"]), lambda v: 2 * mp.sinh(v["x"]) * mp.cosh(v["x"])
    ),
    "tr-euler": scalar_claim(
        x_,
        lambda v: mp.exp(1j * mp.pi * v["x"]),
        lambda v: mp.cos(mp.pi * v["x"]) + 1j * mp.sin(mp.pi * v["x"]),
    ),
    "tr-sin-off": scalar_claim(
        x_, lambda v: mp.sin(v["x"]), lambda v: mp.sin(v["x"] + mp.mpf(10) ** -30)
    ),
    "dom-rsqrt": scalar_claim(x_, lambda v: 1 / rsqrt(v["x"]), lambda v: rsqrt(1 / v["x"])),
    "dom-ratio-sqrt": scalar_claim(
        lambda r: {"k": real(r), "m": real(r)},
        lambda v: rsqrt(v["k"] / v["m"]) * rsqrt(v["m"] / v["k"]),
        lambda v: 1,
    ),
    "dom-power-sign": scalar_claim(
        lambda r: {"n": mp.mpf(r.randint(-9, 9)) / r.choice((1, 1, 2, 3)), "x": real(r)},
        lambda v: rpow(-1, v["n"]) * rpow(mp.cos(v["x"]), v["n"]),
        lambda v: rpow(-mp.cos(v["x"]), v["n"]),
    ),
    "dom-log-square": scalar_claim(
        lambda r: {"a": -abs(real(r)) - 1, "b": abs(real(r)) + 1},
        lambda v: rlog(v["a"] ** 2 * v["b"]),
        lambda v: 2 * rlog(v["a"]) + rlog(v["b"]),
    ),
    "dom-log-product": scalar_claim(
        lambda r: {"a": -abs(real(r)) - 1, "b": -abs(real(r)) - 1},
        lambda v: rlog(v["a"] * v["b"]),
        lambda v: rlog(v["a"]) + rlog(v["b"]),
    ),
    "dom-log-product-pos": scalar_claim(
        lambda r: pos(r, "a", "b"),
        lambda v: rlog(v["a"] * v["b"]),
        lambda v: rlog(v["a"]) + rlog(v["b"]),
    ),
    "dom-sqrt-square": scalar_claim(x_, lambda v: rsqrt(v["x"] ** 2), lambda v: v["x"]),
    "dom-sqrt-square-abs": scalar_claim(x_, lambda v: rsqrt(v["x"] ** 2), lambda v: abs(v["x"])),
    "dom-square-sqrt": scalar_claim(x_, lambda v: rsqrt(v["x"]) ** 2, lambda v: v["x"]),
    "dom-square-sqrt-rev": scalar_claim(x_, lambda v: v["x"], lambda v: rsqrt(v["x"]) ** 2),
    "dom-exp-log": scalar_claim(x_, lambda v: mp.exp(rlog(v["x"])), lambda v: v["x"]),
    "dom-log-exp": scalar_claim(moderate, lambda v: rlog(mp.exp(v["x"])), lambda v: v["x"]),
    "dom-log-square-abs": scalar_claim(
        x_, lambda v: rlog(v["x"] ** 2), lambda v: 2 * rlog(abs(v["x"]))
    ),
    "dom-sqrt-product-pos": scalar_claim(
        lambda r: pos(r, "x", "y"),
        lambda v: rsqrt(v["x"] * v["y"]),
        lambda v: rsqrt(v["x"]) * rsqrt(v["y"]),
    ),
    "br-rsqrt": scalar_claim(
        lambda r: {"x": cplx(r)}, lambda v: 1 / mp.sqrt(v["x"]), lambda v: mp.sqrt(1 / v["x"])
    ),
    "br-sqrt-square": scalar_claim(
        lambda r: {"x": cplx(r)}, lambda v: mp.sqrt(v["x"] ** 2), lambda v: v["x"]
    ),
    "br-log-exp": scalar_claim(
        lambda r: {"x": cplx(r)}, lambda v: mp.log(mp.exp(v["x"])), lambda v: v["x"]
    ),
    "br-exp-log": scalar_claim(
        lambda r: {"x": cplx(r)}, lambda v: mp.exp(mp.log(v["x"])), lambda v: v["x"]
    ),
    "br-sqrt-product": scalar_claim(
        lambda r: {"x": cplx(r), "y": cplx(r)},
        lambda v: mp.sqrt(v["x"]) * mp.sqrt(v["y"]),
        lambda v: mp.sqrt(v["x"] * v["y"]),
    ),
    "br-conj-sqrt": scalar_claim(
        lambda r: {"x": cplx(r)}, lambda v: mp.conj(mp.sqrt(v["x"])), lambda v: mp.sqrt(v["x"])
    ),
    "int-40-factors": scalar_claim(
        lambda r: integer(r, True),
        lambda v: mp.fprod(v["k"] - i for i in range(1, 41)),
        lambda v: 0,
    ),
    "int-even-power": scalar_claim(integer, lambda v: mp.power(-1, 2 * v["k"]), lambda v: 1),
    "int-cos-pi-k": scalar_claim(
        integer, lambda v: mp.cos(mp.pi * v["k"]), lambda v: mp.power(-1, v["k"])
    ),
    "int-sin-pi-k": scalar_claim(integer, lambda v: mp.sin(mp.pi * v["k"]), lambda v: 0),
    "int-sign-power": scalar_claim(integer, lambda v: mp.power(-1, v["k"]), lambda v: 1),
    "int-power-step": scalar_claim(
        lambda r: {**x_(r), **integer(r, reach=30)},
        lambda v: rpow(v["x"], v["k"]) * v["x"],
        lambda v: rpow(v["x"], v["k"] + 1),
    ),
    "int-three-roots": scalar_claim(
        integer, lambda v: (v["k"] - 1) * (v["k"] - 2) * (v["k"] - 3), lambda v: 0
    ),
    "int-factorial": scalar_claim(
        lambda r: integer(r, True, 40),
        lambda v: mp.factorial(v["k"] + 1),
        lambda v: (v["k"] + 1) * mp.factorial(v["k"]),
    ),
}

VEC = {"x": lambda r, n: r.standard_normal((n, 1)), "y": lambda r, n: r.standard_normal((n, 1))}


def vecs(rng, n=3, complex_=False):
    x = rng.standard_normal((n, 1)) + (1j * rng.standard_normal((n, 1)) if complex_ else 0)
    return {"x": x, "y": rng.standard_normal((n, 1)), "A": general(rng, n)}


MATRIX_CLAIMS = {
    "one-dot-sym": (vecs, lambda v: v["x"].T @ v["y"], lambda v: v["y"].T @ v["x"]),
    "one-square": (
        vecs,
        lambda v: (v["x"].T @ v["y"]) ** 2,
        lambda v: v["x"].T @ v["y"] @ v["y"].T @ v["x"],
    ),
    "one-outer-inner": (vecs, lambda v: v["x"] @ v["x"].T, lambda v: v["x"].T @ v["x"]),
    "one-det": (
        vecs,
        lambda v: np.linalg.det(v["x"].T @ v["x"]),
        lambda v: np.linalg.norm(v["x"]) ** 2,
    ),
    "one-trace": (
        vecs,
        lambda v: v["x"].T @ v["A"] @ v["x"],
        lambda v: np.trace(v["A"] @ v["x"] @ v["x"].T),
    ),
    "one-herm": (
        lambda r: vecs(r, complex_=True),
        lambda v: v["x"].conj().T @ v["x"],
        lambda v: v["x"].T @ v["x"],
    ),
    "one-exp": (
        vecs,
        lambda v: np.exp(v["x"].T @ v["x"]),
        lambda v: np.exp(np.linalg.norm(v["x"]) ** 2),
    ),
    "prop-orth-sym-t": (lambda r: {"A": _orth_sym(r)}, lambda v: v["A"].T, lambda v: v["A"]),
    "prop-orth-sym-sq": (
        lambda r: {"A": _orth_sym(r)},
        lambda v: v["A"] @ v["A"],
        lambda v: np.eye(3),
    ),
    "prop-orth-sym-i": (lambda r: {"A": _orth_sym(r)}, lambda v: v["A"], lambda v: np.eye(3)),
    "prop-pd-orth": (lambda r: {"A": np.eye(3)}, lambda v: v["A"], lambda v: np.eye(3)),
    "prop-pd-orth-neg": (lambda r: {"A": np.eye(3)}, lambda v: v["A"], lambda v: -np.eye(3)),
    "prop-pd-unitary-det": (
        lambda r: {"A": np.eye(3)},
        lambda v: np.linalg.det(v["A"]),
        lambda v: 1.0,
    ),
    "prop-orth-diag-sq": (
        lambda r: {"A": np.diag(r.choice([-1.0, 1.0], 3))},
        lambda v: v["A"] @ v["A"],
        lambda v: np.eye(3),
    ),
    "prop-orth-diag-i": (
        lambda r: {"A": np.diag(r.choice([-1.0, 1.0], 3))},
        lambda v: v["A"],
        lambda v: np.eye(3),
    ),
    "prop-unitary-sym": (
        lambda r: {"A": _unitary_sym(r)},
        lambda v: v["A"] @ v["A"],
        lambda v: np.eye(3),
    ),
    "prop-unitary-real-gram": (
        lambda r: {"U": orth(r, 3)},
        lambda v: v["U"].T @ v["U"],
        lambda v: np.eye(3),
    ),
    "prop-unitary-real-det": (
        lambda r: {"U": orth(r, 3)},
        lambda v: np.linalg.det(v["U"]) ** 2,
        lambda v: 1.0,
    ),
    "prop-unitary-real-t": (
        lambda r: {"U": orth(r, 3)},
        lambda v: v["U"].T,
        lambda v: v["U"].conj().T,
    ),
    "com-sym": (
        lambda r: dict(zip("AB", commuting(r, 3, "sym"), strict=True)),
        lambda v: v["B"].T,
        lambda v: v["B"],
    ),
    "com-diag": (
        lambda r: dict(zip("AB", commuting(r, 3, "diag"), strict=True)),
        lambda v: v["B"].T,
        lambda v: v["B"],
    ),
    "com-pd": (
        lambda r: dict(zip("AB", commuting(r, 3, "pd"), strict=True)),
        lambda v: v["B"].T,
        lambda v: v["B"],
    ),
    "com-herm": (
        lambda r: dict(zip("AB", commuting(r, 3, "herm"), strict=True)),
        lambda v: v["B"].conj().T,
        lambda v: v["B"],
    ),
    "com-sym-mixed": (
        lambda r: dict(zip("AB", commuting(r, 3, "sym"), strict=True)),
        lambda v: v["B"] @ v["A"].T,
        lambda v: v["B"].T @ v["A"],
    ),
    "com-orth": (
        lambda r: dict(zip("AB", commuting(r, 3, "orth"), strict=True)),
        lambda v: v["B"].T @ v["B"],
        lambda v: np.eye(3),
    ),
    "com-orth-sym": (
        lambda r: dict(zip("AB", commuting_generic(r, 3, "orth", "sym"), strict=True)),
        lambda v: v["A"] @ v["B"],
        lambda v: v["B"] @ v["A"],
    ),
    "com-both-sym": (
        lambda r: dict(zip("AB", commuting_generic(r, 3, "sym", "sym"), strict=True)),
        lambda v: (v["A"] @ v["B"]).T,
        lambda v: v["A"] @ v["B"],
    ),
    "com-one-sym": (
        lambda r: dict(zip("AB", commuting(r, 3, "sym"), strict=True)),
        lambda v: (v["A"] @ v["B"]).T,
        lambda v: v["A"] @ v["B"],
    ),
    "com-exp": (
        lambda r: dict(zip("AB", commuting_generic(r, 3, "sym", "free"), strict=True)),
        lambda v: expm(v["A"]) @ expm(v["B"]),
        lambda v: expm(v["A"] + v["B"]),
    ),
    "com-unitary-square": (
        lambda r: dict(zip("AB", commuting_generic(r, 3, "unitary", "free"), strict=True)),
        lambda v: (v["A"] + v["B"]) @ (v["A"] + v["B"]),
        lambda v: v["A"] @ v["A"] + 2 * v["A"] @ v["B"] + v["B"] @ v["B"],
    ),
    "com-orth-conj": (
        lambda r: dict(zip("QA", commuting_generic(r, 4, "orth_q", "free"), strict=True)),
        lambda v: v["Q"].T @ v["A"] @ v["Q"],
        lambda v: v["A"],
    ),
    "com-orth-sym-t": (
        lambda r: dict(zip("AB", commuting(r, 3, "orth"), strict=True)),
        lambda v: v["B"].T,
        lambda v: v["B"],
    ),
    "com-pd-inverse": (
        lambda r: dict(zip("AB", commuting_generic(r, 3, "pd", "free"), strict=True)),
        lambda v: np.linalg.inv(v["A"]) @ v["B"],
        lambda v: v["B"] @ np.linalg.inv(v["A"]),
    ),
    "com-diag-pd-t": (
        lambda r: dict(zip("AB", commuting_generic(r, 3, "diag", "diag"), strict=True)),
        lambda v: (v["A"] @ v["B"]).T,
        lambda v: v["B"] @ v["A"],
    ),
}


def _orth_sym(rng, n=3):
    q = orth(rng, n)
    return q @ np.diag(rng.choice([-1.0, 1.0], n)) @ q.T


def _unitary_sym(rng, n=3):
    q = orth(rng, n)  # Q D Q^T with unit phases D: symmetric and unitary
    return q @ np.diag(np.exp(1j * rng.uniform(0, 6, n))) @ q.T


# ---------------------------------------------------------------- judging


def judge_scalar(claim, seed: int) -> str:
    _, draw, f, g, dps = claim
    rng = random.Random(seed)
    agreed = 0
    with mp.workdps(dps):
        tol = mp.mpf(10) ** -(dps // 2)
        for _ in range(POINTS if dps < 1000 else 8):  # high precision: a few chosen points
            v = draw(rng)
            try:
                left = mp.mpmathify(f(v))
            except (NoValue, ZeroDivisionError):
                continue
            try:
                right = mp.mpmathify(g(v))
            except (NoValue, ZeroDivisionError):
                return NE  # the expected answer has a value here, the answer none
            if abs(left - right) > tol * (1 + abs(left) + abs(right)):
                return NE
            agreed += 1
    return EQ if agreed >= 3 else "undecided"


def judge_mpmatrix(claim, seed: int) -> str:
    _, draw, f, g, dps = claim
    rng = np.random.default_rng(seed)
    with mp.workdps(dps):
        for _ in range(5):
            v = draw(rng)
            if abs(f(v) - g(v)) > mp.mpf(10) ** -(dps // 2):
                return NE
    return EQ


def judge_matrix(claim, seed: int) -> str:
    draw, f, g = claim
    rng = np.random.default_rng(seed)
    for _ in range(POINTS):
        v = draw(rng)
        a, b = np.asarray(f(v)), np.asarray(g(v))
        scale = 1 + np.abs(a).max() + np.abs(b).max()
        if a.shape != b.shape and a.size != 1 and b.size != 1:
            return NE
        if np.abs(a - b).max() > 1e-7 * scale:
            return NE
    return EQ


def judge(claim_id: str, seed: int = 7) -> str:
    if claim_id in MATRIX_CLAIMS:
        return judge_matrix(MATRIX_CLAIMS[claim_id], seed)
    claim = CLAIMS[claim_id]
    if claim[0] == "matrix":
        return judge_matrix(claim[1:4], seed)
    return judge_mpmatrix(claim, seed) if claim[0] == "mpmatrix" else judge_scalar(claim, seed)


def claims() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]


def main() -> int:
    bad = 0
    rows = claims()
    for c in rows:
        verdict = judge(c["id"])
        if verdict != c["truth"]:
            bad += 1
            print(f"LABEL NOT CONFIRMED: {c['id']}: label {c['truth']}, referee {verdict}")
    print(f"{len(rows) - bad} of {len(rows)} labels confirmed by the referee")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
