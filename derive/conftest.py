"""The doctests of the trusted core (only those) use the scaffolding of ``derive/core_examples.py``."""

import pytest


@pytest.fixture(autouse=True)
def _core_examples(request, doctest_namespace):
    if request.node.path.parent.name != "core":
        return
    from derive import core_examples

    for name in ("show", "demo_facts", "A", "B", "Q", "U", "x", "y", "z", "c"):
        doctest_namespace[name] = getattr(core_examples, name)
