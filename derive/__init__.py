"""derive: a symbolic derivation and proof assistant for linear algebra.

The API is imported lazily, so that ``import derive`` costs nothing until a function is used:

- ``derive.check(expected, answer, assume="")`` decides one answer (see ``derive.checker``).
- ``derive.show(entry_id)`` returns a walkthrough that renders itself in Jupyter.
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = {
    "check": ("derive.checker", "check"),
    "show": ("derive.notes", "show"),
}


def __getattr__(name: str):
    if name in _API:
        import importlib

        module, attr = _API[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_API))
