"""``python -m derive`` and the ``derive`` command: the command line (``cli.py``, installed as
``derive.shell.cli``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _cli():
    try:
        from derive.shell import cli

        return cli
    except ImportError:  # a source checkout (or an editable install): cli.py at the top
        root = Path(__file__).resolve().parent.parent
        spec = importlib.util.spec_from_file_location("cli", root / "cli.py")
        if spec is None or not (root / "pyproject.toml").is_file():
            raise
        import sys

        module = sys.modules.setdefault("cli", importlib.util.module_from_spec(spec))
        spec.loader.exec_module(module)
        return module


def main():
    return _cli().main()


if __name__ == "__main__":
    main()
