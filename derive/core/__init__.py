"""The trusted core: what a checked theorem rests on, importing only the standard library.

``terms`` (the tree, propositions), ``shapes`` (types and shapes), ``arith`` (the canonical form),
``match`` (instantiation), ``facts`` (property facts, base facts), ``rules`` (base rules),
``kernel`` (the step checker, inference forms, ``Theorem``, ``Context``).
"""
