"""The typed errors of `derive`: every message names the input, the place and the reason."""

from __future__ import annotations


class DeriveError(Exception):
    """Base class of every error that `derive` reports to a user."""


class ParseError(DeriveError):
    """Input that is not in the notation, with the position (0-based column) where reading stopped."""

    def __init__(self, source: str, position: int, reason: str):
        self.source = source
        self.position = max(0, min(position, len(source)))
        self.reason = reason
        super().__init__(self.describe())

    def describe(self) -> str:
        shown = self.source if len(self.source) <= 200 else self.source[:200] + "..."
        caret = " " * min(self.position, 200) + "^"
        return f"at position {self.position + 1}: {self.reason}\n  {shown}\n  {caret}"


class ShapeError(ParseError):
    """A product, sum or operation whose shapes do not fit (`\\mathbf{x}A`, `A + \\mathbf{x}`)."""


class AssumptionError(DeriveError):
    """An `--assume` clause that cannot be read, or that contradicts another."""


class LimitError(DeriveError):
    """Input over a size cap (length, nesting, exponent, matrix size)."""


class CatalogueError(DeriveError):
    """A catalogue file that cannot be loaded; names the file and the line."""


class ProofError(DeriveError):
    """A proof step that the kernel rejects; names the entry, the step, the rule and both expressions."""
