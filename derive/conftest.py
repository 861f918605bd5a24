"""The doctests of the trusted core (only those) use the scaffolding of ``derive/core_examples.py``."""

import pytest

NAMES = ("show", "demo_facts", "A", "B", "Q", "U", "x", "y", "z", "c")


@pytest.fixture(autouse=True)
def _core_examples(request, doctest_namespace):
    if request.node.path.parent.name != "core":
        yield
        return
    from derive import core_examples

    doctest_namespace.update({name: getattr(core_examples, name) for name in NAMES})
    yield
    for name in NAMES:  # the namespace is shared by every doctest of the session
        doctest_namespace.pop(name, None)
