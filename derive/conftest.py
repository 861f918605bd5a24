"""The doctests of the trusted core use the scaffolding of ``derive/core_examples.py``."""

import pytest


@pytest.fixture(autouse=True)
def _core_examples(doctest_namespace):
    from derive import core_examples

    for name in ("show", "demo_facts", "A", "B", "Q", "U", "x", "y", "z", "c"):
        doctest_namespace[name] = getattr(core_examples, name)
