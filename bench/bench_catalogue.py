"""Benchmark of the catalogue (issues 3 and 8): `derive verify` of everything, a cold `derive show`.

    python3 bench/bench_catalogue.py

Targets: verifying the whole catalogue ≤ 5 s; a cold `derive show` ≤ 1.3× `python -c "import sympy"`
(a cold process; what the front end read of the catalogue is in the user's cache folder after the
first run, the kernel checks every proof each time). Also prints the size of the trusted core.
"""

from __future__ import annotations

import subprocess
import sys

from bench_check import cold as timed  # the median wall time of a command, run a few times


def main() -> int:
    verify = timed(["derive", "verify"], runs=1)
    sympy_import = timed([sys.executable, "-c", "import sympy"])
    show = timed(["derive", "show", "transpose-inverse"])
    out = subprocess.run(["derive", "verify"], capture_output=True, text=True, check=False)
    print(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr.strip())
    print(f"derive verify (whole catalogue): {verify:.2f} s (target ≤ 5 s)")
    print(
        f"cold derive show: {show * 1000:.0f} ms, import sympy {sympy_import * 1000:.0f} ms, "
        f"ratio {show / sympy_import:.2f} (target ≤ 1.3)"
    )
    from pathlib import Path

    core = Path(__file__).resolve().parent.parent / "derive" / "core"
    lines = sum(len(p.read_text().splitlines()) for p in core.glob("*.py"))
    print(f"trusted core: {lines} lines in {len(list(core.glob('*.py')))} files (target ≤ 2500)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
