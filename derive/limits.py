"""Caps on input size, applied before any evaluation; each is a setting with a sensible default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_length: int = 2000  # characters of one LaTeX input
    max_depth: int = 40  # nesting of braces, parentheses and bars
    max_nodes: int = 600  # nodes of one parsed expression
    max_exponent: int = 64  # |k| of an integer power of a matrix, or of a scalar with symbols
    max_number_bits: int = 4096  # bits of any exact number the tools compute from the input
    max_factorial: int = 50  # n of n!
    max_matrix_entries: int = 400  # entries of one explicit matrix
    max_symbols: int = 12  # distinct symbols in one check


DEFAULT = Limits()
