"""The trusted core of `derive`: what a checked theorem rests on, and nothing else.

It imports only the standard library and itself: no SymPy, no parser, no printer, no search.

- ``terms``: the expression tree, and propositions (``Relation``, ``Has``).
- ``shapes``: symbols, their declared types, and the shape of a term.
- ``arith``: the one canonical form, "the same up to arithmetic" (exact rationals, opaque atoms).
- ``match``: matching a theorem's statement against a term, and substitution.
- ``facts``: property facts (invertible, nonzero, ...) with their sources; the base facts.
- ``rules``: the base rules, small pure functions from a term to its rewrites.
- ``kernel``: the step checker, the inference forms, ``Theorem`` (which only the kernel makes) and
  ``Context``, the ordered list of accepted theorems that a proof may cite.
"""
