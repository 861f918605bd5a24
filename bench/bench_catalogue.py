"""Benchmark of the catalogue (issue 3): `derive verify` of everything, and one cold `derive show`.

    python3 bench/bench_catalogue.py

Targets: verifying the whole catalogue ≤ 10 s; a cold `derive show` ≤ 1.5× `python -c "import sympy"`.
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
    print(f"derive verify (whole catalogue): {verify:.2f} s (target ≤ 10 s)")
    print(f"cold derive show: {show * 1000:.0f} ms, import sympy {sympy_import * 1000:.0f} ms, "
          f"ratio {show / sympy_import:.2f} (target ≤ 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
