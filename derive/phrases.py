"""What each base rule, base fact and inference form says, for people: a short phrase that a proof
step shows as its justification, and the rule's statement typeset (LaTeX, with $...$ math in the
phrase). Kept outside the trusted core: nothing here is checked, it only names what the core does.

``tests/test_phrases.py`` checks that every base rule, relational rule, base fact and inference
form has an entry here, and that no entry names something the core does not have.
"""

from __future__ import annotations

# name: (phrase, statement as LaTeX math)
RULES: dict[str, tuple[str, str]] = {
    "transpose-of-product": (
        "reverse the order under transpose",
        r"(XY)^{T} = Y^{T}X^{T}, \quad (sX)^{T} = sX^{T}",
    ),
    "transpose-of-sum": ("transpose term by term", r"(X + Y)^{T} = X^{T} + Y^{T}"),
    "transpose-of-transpose": ("transposing twice undoes itself", r"(X^{T})^{T} = X"),
    "transpose-of-identity": ("$I^T = I$", r"I^{T} = I"),
    "transpose-of-scalar": (
        "a $1 \\times 1$ product is its own transpose",
        r"s^{T} = s \text{ for a scalar or a } 1 \times 1 \text{ product such as } \mathbf{x}^{T}\mathbf{y}",
    ),
    "symmetric-transpose": (
        "$X^T = X$ for symmetric $X$",
        r"X^{T} = X \text{ for } X \text{ symmetric}",
    ),
    "hermitian-conj-transpose": (
        "$X^H = X$ for hermitian $X$",
        r"X^{H} = X \text{ for } X \text{ hermitian}",
    ),
    "conj-transpose-of-product": (
        "reverse the order under conjugate transpose",
        r"(XY)^{H} = Y^{H}X^{H}, \quad (sX)^{H} = \bar{s}X^{H}",
    ),
    "conj-transpose-of-sum": ("conjugate-transpose term by term", r"(X + Y)^{H} = X^{H} + Y^{H}"),
    "conj-transpose-of-conj-transpose": (
        "conjugate-transposing twice undoes itself",
        r"(X^{H})^{H} = X",
    ),
    "conj-transpose-of-identity": ("$I^H = I$", r"I^{H} = I"),
    "conj-transpose-real": (
        "$X^H = X^T$ for real $X$",
        r"X^{H} = X^{T} \text{ for } X \text{ real}",
    ),
    "inverse-mul-self": (
        "$XX^{-1} = I$",
        r"X^{-1}X = I = XX^{-1} \text{ for } X \text{ invertible}",
    ),
    "inverse-of-inverse": ("inverting twice undoes itself", r"(X^{-1})^{-1} = X"),
    "inverse-of-identity": ("$I^{-1} = I$", r"I^{-1} = I"),
    "orthogonal-definition": (
        "$Q^TQ = I$ for orthogonal $Q$",
        r"Q^{T}Q = I = QQ^{T} \text{ for } Q \text{ orthogonal}",
    ),
    "unitary-definition": (
        "$U^HU = I$ for unitary $U$",
        r"U^{H}U = I = UU^{H} \text{ for } U \text{ unitary}",
    ),
    "mul-identity": ("drop a factor $I$", r"IX = X = XI"),
    "mul-zero": ("a product with $0$ is $0$", r"0X = 0 = X0"),
    "mul-assoc": ("regroup the product", r"X(YZ) = (XY)Z = XYZ"),
    "distribute": ("multiply out", r"X(Y + Z) = XY + XZ, \quad (X + Y)Z = XZ + YZ"),
    "scalar-arithmetic": (
        "collect numbers and scalars",
        r"\text{reorder a sum, regroup a product, compute with numbers}",
    ),
    "power-definition": (
        "write out the power",
        r"X^{k} = X X \cdots X \ (k \text{ factors}),\ k \ge 2",
    ),
    "power-zero": ("$X^0 = I$", r"X^{0} = I \text{ for } X \text{ square}"),
    "power-successor": (
        "$X^{k+1} = X^kX$",
        r"X^{k+1} = X^{k}X \text{ for a whole number } k \ge 0",
    ),
    "function-of-conjugate": (
        "a power series passes through a change of basis",
        r"f(PXP^{-1}) = Pf(X)P^{-1} \text{ for } f = \exp, \sin, \cos \text{ and } P \text{ invertible}",
    ),
    "function-of-diagonal": (
        "a power series acts entry by entry on a diagonal matrix",
        r"f(\operatorname{diag}(d_1, \dots, d_n)) = \operatorname{diag}(f(d_1), \dots, f(d_n))",
    ),
    "exp-of-scalar": ("$\\exp(s) = e^s$ for a number $s$", r"\exp(s) = e^{s}"),
    "diagonal-square-root": (
        "$\\sqrt{X}\\sqrt{X} = X$ for diagonal $X \\ge 0$",
        r"\sqrt{X}\sqrt{X} = X \text{ for } X \text{ diagonal with entries } \ge 0",
    ),
    "scalar-commute": (
        "a scalar commutes with every factor",
        r"sX = Xs \text{ for a scalar or a } 1 \times 1 \text{ product } s",
    ),
    "det-of-product": ("$\\det$ is multiplicative", r"\det(XY) = \det(X)\det(Y)"),
    "det-of-transpose": ("$\\det(X^T) = \\det(X)$", r"\det(X^{T}) = \det(X)"),
    "det-of-inverse": ("$\\det(X^{-1}) = 1/\\det(X)$", r"\det(X^{-1}) = 1/\det(X)"),
    "det-of-identity": ("$\\det(I) = 1$", r"\det(I) = 1"),
    "det-of-conj-transpose": (
        "$\\det(X^H) = \\overline{\\det(X)}$",
        r"\det(X^{H}) = \overline{\det(X)}",
    ),
    "det-of-scalar-multiple": (
        "$\\det(cX) = c^k\\det(X)$ for $X$ $k \\times k$",
        r"\det(cX) = c^{k}\det(X) \text{ for } X \; k \times k, \ k \text{ a number}",
    ),
    "conj-of-real": (
        "a real number is its own conjugate",
        r"\bar{s} = s \text{ for } s \text{ real}",
    ),
    "trace-cyclic": (
        "rotate the product under the trace",
        r"\operatorname{tr}(XY) = \operatorname{tr}(YX)",
    ),
    "trace-of-scalar": (
        "the trace of a $1 \\times 1$ product is itself",
        r"\operatorname{tr}(s) = s",
    ),
    "trace-of-sum": (
        "the trace is additive",
        r"\operatorname{tr}(X + Y) = \operatorname{tr}(X) + \operatorname{tr}(Y)",
    ),
    "trace-of-transpose": (
        "$\\operatorname{tr}(X^T) = \\operatorname{tr}(X)$",
        r"\operatorname{tr}(X^{T}) = \operatorname{tr}(X)",
    ),
    "trace-of-scalar-multiple": (
        "take the scalar out of the trace",
        r"\operatorname{tr}(cX) = c\operatorname{tr}(X)",
    ),
    "norm-squared": (
        "$\\|\\mathbf{v}\\|^2 = \\mathbf{v}^T\\mathbf{v}$",
        r"\|\mathbf{v}\|^{2} = \mathbf{v}^{T}\mathbf{v} \ (\mathbf{v}^{H}\mathbf{v} \text{ if complex})",
    ),
    "arithmetic": (
        "compute with the numbers",
        r"\text{explicit numbers and matrices computed exactly}",
    ),
    "one-by-one-entry": (
        "a $1 \\times 1$ matrix is its entry",
        r"\begin{bmatrix} s \end{bmatrix} = s",
    ),
    "explicit-transpose": (
        "transpose the entries",
        r"(X^{T})_{ij} = X_{ji} \text{ for an explicit matrix}",
    ),
    "explicit-product": (
        "multiply rows by columns",
        r"(XY)_{ij} = X_{i1}Y_{1j} + \cdots + X_{ik}Y_{kj}",
    ),
    "norm-definition": (
        "the length is $\\sqrt{v^Tv}$",
        r"\|\mathbf{v}\| = \sqrt{\mathbf{v}^{T}\mathbf{v}} \ (\sqrt{\mathbf{v}^{H}\mathbf{v}} \text{ if complex})",
    ),
    "abs-definition": ("$|z| = \\sqrt{z\\bar{z}}$", r"|z| = \sqrt{z\bar{z}}"),
    "sqrt-of-square": (
        "$\\sqrt{a^2} = a$ for $a \\ge 0$",
        r"\sqrt{a^{2}} = a \text{ for } a \ge 0",
    ),
    "rank-of-transpose": (
        "row rank equals column rank",
        r"\operatorname{rank}(X^{T}) = \operatorname{rank}(X)",
    ),
    # relational rules
    "row-operation": (
        "a row operation",
        r"\text{swap two rows, scale a row by } c \ne 0, \text{ or add } c \text{ times a row to another}",
    ),
    "positive-definite-definition": (
        "the definition of positive definite",
        r"\mathbf{z}^{T}M\mathbf{z} > 0 \text{ for } M \text{ positive definite and } \mathbf{z} \ne \mathbf{0}",
    ),
    "positive-semidefinite-definition": (
        "the definition of positive semidefinite",
        r"\mathbf{z}^{T}M\mathbf{z} \ge 0 \text{ for } M \text{ positive semidefinite}",
    ),
    "norm-squared-positive": (
        "a sum of squares",
        r"\mathbf{z}^{T}\mathbf{z} > 0 \text{ for } \mathbf{z} \ne \mathbf{0}, \quad \mathbf{z}^{T}\mathbf{z} \ge 0",
    ),
    "drop-nonnegative-term": ("drop a term $\\ge 0$", r"s + t \ge t \text{ for } s \ge 0"),
}

FACTS: dict[str, tuple[str, str]] = {
    "identity-properties": (
        "$I$ has every property",
        r"I \text{ invertible, symmetric, orthogonal, unitary, diagonal, hermitian, positive definite}, I \ne 0",
    ),
    "orthogonal-invertible": (
        "$Q^T$ inverts $Q$",
        r"Q \text{ orthogonal} \Rightarrow Q \text{ invertible}",
    ),
    "unitary-invertible": (
        "$U^H$ inverts $U$",
        r"U \text{ unitary} \Rightarrow U \text{ invertible}",
    ),
    "definite-semidefinite": (
        "definite is semidefinite",
        r"M \text{ positive definite} \Rightarrow M \text{ positive semidefinite}",
    ),
    "semidefinite-symmetric": (
        "definite matrices are symmetric",
        r"M \text{ positive semidefinite} \Rightarrow M \text{ symmetric (hermitian)}",
    ),
    "diagonal-symmetric": (
        "a diagonal matrix is symmetric",
        r"D \text{ real diagonal} \Rightarrow D \text{ symmetric}",
    ),
    "symmetric-hermitian": (
        "real symmetric is hermitian",
        r"S \text{ real symmetric} \Rightarrow S \text{ hermitian}",
    ),
    "nonzero-constant": (
        "a nonzero number",
        r"\text{a nonzero number}, e, \pi, i \ne 0; \text{ a positive number}, e, \pi > 0",
    ),
    "whole-number": (
        "a whole number",
        r"\text{a whole number is an integer; a number} \ge 0 \text{ is nonnegative}",
    ),
    "diagonal-square-root": (
        "the square root of a diagonal matrix",
        r"X \text{ diagonal}, X \succeq 0 \Rightarrow \sqrt{X} \text{ diagonal}, \sqrt{X} \succeq 0",
    ),
    "nonzero-product": (
        "no zero divisors",
        r"a, b \ne 0 \Rightarrow ab \ne 0,\ a/b \ne 0 \ (\text{and } > 0 \text{ for } a, b > 0)",
    ),
    "nonzero-image": (
        "an invertible matrix keeps $v \\ne 0$",
        r"X \text{ invertible}, \mathbf{v} \ne \mathbf{0} \Rightarrow X\mathbf{v} \ne \mathbf{0}",
    ),
    "full-column-rank-image": (
        "independent columns",
        r"X \text{ full column rank}, \mathbf{v} \ne \mathbf{0} \Rightarrow X\mathbf{v} \ne \mathbf{0}",
    ),
    "nonzero-transpose": (
        "the same entries",
        r"\mathbf{v} \ne \mathbf{0} \Rightarrow \mathbf{v}^{T}, \mathbf{v}^{H} \ne \mathbf{0},\ \|\mathbf{v}\| \ne 0",
    ),
    "positive-norm": (
        "a nonzero vector has positive length",
        r"\mathbf{v} \ne \mathbf{0} \Rightarrow \|\mathbf{v}\| > 0",
    ),
    "nonzero-determinant": (
        "$\\det(X)\\det(X^{-1}) = 1$",
        r"X \text{ invertible} \Rightarrow \det(X) \ne 0",
    ),
    "invertible-nonzero": (
        "a positive or invertible quantity is not $0$",
        r"X \text{ invertible} \Rightarrow X \ne 0; \ s > 0 \Rightarrow s \ne 0",
    ),
    "sum-of-squares": (
        "a sum of squares",
        r"\mathbf{v} \ne \mathbf{0} \Rightarrow \mathbf{v}^{T}\mathbf{v} > 0,\ \mathbf{v}^{H}\mathbf{v} > 0",
    ),
}

FORMS: dict[str, str] = {
    "calc": "a chain of steps",
    "hypothesis": "hypothesis",
    "theorem": "an earlier theorem",
    "have": "what is known",
    "definition": "the definition",
    "cancel": "cancel",
    "divide": "divide",
    "contradiction": "contradiction",
    "induction": "induction",
    "nullspace": "null-space inclusion (rank-nullity)",
    "arbitrary vector": "the vector was arbitrary",
}


def phrase(name: str) -> str | None:
    """The short phrase of a base rule, base fact or inference form ($...$ math), or None."""
    if name in RULES:
        return RULES[name][0]
    if name in FACTS:
        return FACTS[name][0]
    return FORMS.get(name)


def statement(name: str) -> str | None:
    """The statement of a base rule or base fact, as LaTeX math, or None."""
    hit = RULES.get(name) or FACTS.get(name)
    return hit[1] if hit else None
